/* SPDX-License-Identifier: MIT */
/*
 * ptable: the process table of the overview screen, drawn from the process
 * list model (views/proclist) the tui keeps in struct overview_state, and
 * where on it a mouse click falls.
 */
#ifndef VIGIL_VIEWS_PTABLE_H
#define VIGIL_VIEWS_PTABLE_H

#include <curses.h>

#include "views/model.h"

/* Column where the COMMAND text starts (after the fixed columns). */
#define PTABLE_COMMAND_X 59

/*
 * Draws the column header and the visible rows into w: st->cur as
 * list_cursor_shown gives it for this window (the tui keeps it clamped with
 * ptable_body_rows, so that is st->cur itself). COMMAND shows
 * st->opts.command's text (views/cmdtext) from column st->hscroll on.
 */
void ptable_draw(WINDOW *w, const struct ui_model *m, const struct overview_state *st);
/* Rows of the table body in a window of this height (for the list cursor). */
int ptable_body_rows(int window_rows);

/*
 * The sort of the header column at x (0-based, in the table's window), or
 * -1 where no sortable column is (USER, S, NI, THR, TIME+: no sort of
 * their own). RSS sorts as MEM% does.
 */
int ptable_sort_at(int x);

/*
 * The list index of the row at window line y for a window of window_rows
 * lines showing st (its header is line 0), or -1 when y shows no process.
 */
long ptable_row_at(const struct overview_state *st, int window_rows, int y);

/* Width of the widest COMMAND text of st's list (tree prefix included), in
 * bytes: how far it can be scrolled. */
int ptable_command_width(const struct overview_state *st);

#endif
