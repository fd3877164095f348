/* SPDX-License-Identifier: MIT */
/* target_view: the screen of the attached process. */
#ifndef VIGIL_VIEWS_TARGET_VIEW_H
#define VIGIL_VIEWS_TARGET_VIEW_H

#include <curses.h>

#include "views/model.h"

/* Cells across of the target screen's history graphs at this width (0: none). */
int target_graph_cells(int cols);
/* Draws the target screen into w; st->scroll is drawn clamped (unchanged). */
void target_draw(WINDOW *w, const struct ui_model *m, const struct target_state *st);
/*
 * The thread table of the panel st->panel in a window of rows x cols: *n
 * rows, *visible of them shown at once (0 and 1 when the panel has none),
 * for list_cursor_scroll on st->scroll.
 */
void target_table_size(const struct ui_model *m, const struct target_state *st, int rows,
		       int cols, long *n, long *visible);

#endif
