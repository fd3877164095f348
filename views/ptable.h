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
 * Draws the column header and the visible rows into w. Adjusts st->top so
 * the selected row stays visible in this window's height (scrolling is view
 * state; nothing else is changed).
 */
void ptable_draw(WINDOW *w, const struct ui_model *m, struct overview_state *st);
/* Rows of the table body in a window of this height (for paging keys). */
int ptable_body_rows(int window_rows);

#endif
