/* SPDX-License-Identifier: MIT */
/*
 * overview: the header of the overview screen (per-core CPU, memory, swap,
 * load, PSI, history graphs). The process table under it is views/ptable.
 */
#ifndef VIGIL_VIEWS_OVERVIEW_H
#define VIGIL_VIEWS_OVERVIEW_H

#include <curses.h>

#include "views/model.h"

/*
 * Rows the header wants for this model (the number of cores) in a terminal
 * of rows x cols: taller graphs in a taller terminal.
 */
int overview_header_rows(const struct ui_model *m, int rows, int cols);
/* Cells across of the header's history graphs at this width (0: none). */
int overview_graph_cells(int cols);
/* Draws the header into w (its own window, overview_header_rows() high, or
 * less when the terminal is short: the graphs then lose rows first). */
void overview_draw_header(WINDOW *w, const struct ui_model *m);

#endif
