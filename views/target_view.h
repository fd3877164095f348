/* SPDX-License-Identifier: MIT */
/* target_view: the screen of the attached process. */
#ifndef VIGIL_VIEWS_TARGET_VIEW_H
#define VIGIL_VIEWS_TARGET_VIEW_H

#include <curses.h>

#include "views/model.h"

/* Cells across of the target screen's history graphs at this width (0: none). */
int target_graph_cells(int cols);
/* Draws the target screen into w; st->top (thread scroll) is clamped here. */
void target_draw(WINDOW *w, const struct ui_model *m, struct target_state *st);

#endif
