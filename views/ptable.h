/* SPDX-License-Identifier: MIT */
/*
 * ptable: the process table of the overview screen, drawn from the process
 * list model (views/proclist) the tui keeps in struct overview_state.
 */
#ifndef VIGIL_VIEWS_PTABLE_H
#define VIGIL_VIEWS_PTABLE_H

#include <curses.h>

#include "views/model.h"

/*
 * Draws the column header and the visible rows into w: st->cur as
 * list_cursor_shown gives it for this window (the tui keeps it clamped with
 * ptable_body_rows, so that is st->cur itself).
 */
void ptable_draw(WINDOW *w, const struct ui_model *m, const struct overview_state *st);
/* Rows of the table body in a window of this height (for the list cursor). */
int ptable_body_rows(int window_rows);

#endif
