/* SPDX-License-Identifier: MIT */
/*
 * memory_view: the memory panel of the target screen. The leak verdict in
 * words and colour (insufficient data, stable, growing, leak suspect) with
 * its rate, confidence, since when and time to the memory limit; what the
 * heap is made of (a JVM's generations and collections too, or the
 * collections and pauses of a runtime traced with --gc-trace); and the
 * history of RssAnon + swap with its floor line (what the leak analysis
 * judges) and, for a JVM or a traced runtime, a row marking the
 * collections under it.
 */
#ifndef VIGIL_VIEWS_MEMORY_VIEW_H
#define VIGIL_VIEWS_MEMORY_VIEW_H

#include <curses.h>

#include "views/model.h"

/* Draws the panel into rows y0 .. y0 + rows - 1 of w, cols wide. */
void memory_draw(WINDOW *w, const struct ui_model *m, const struct target_sample *t,
		 int y0, int rows, int cols);

/* The two lines of the leak verdict at row y (the leaks screen has them too). */
void memory_draw_verdict(WINDOW *w, const struct ui_model *m, int y, int cols);

/* Cells of the heap graph in a panel cols wide: its history is loaded for it. */
int memory_graph_cells(int cols);

#endif
