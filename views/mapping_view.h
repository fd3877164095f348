/* SPDX-License-Identifier: MIT */
/*
 * mapping_view: one region's history (Enter on the leaks screen): anon +
 * swap over the graph window, held from one smaps reading to the next, and
 * the readings themselves, newest first, up to the time shown.
 */
#ifndef VIGIL_VIEWS_MAPPING_VIEW_H
#define VIGIL_VIEWS_MAPPING_VIEW_H

#include <curses.h>

#include "views/model.h"

/* Draws the region st names into w. */
void mapping_draw(WINDOW *w, const struct ui_model *m, const struct leaks_state *st);

/* Cells of the history graph in a window cols wide. */
int mapping_graph_cells(int cols);

#endif
