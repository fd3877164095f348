/* SPDX-License-Identifier: MIT */
/*
 * timebar: the replay console's top line: play state and speed (LIVE while
 * following a recording still being written, END at the last tick of a
 * closed one), the cursor's wall-clock time in the host's zone with its UTC
 * offset, the sample index, the graph zoom and the times of the graphs'
 * left and right edges, and where the cursor sits in the session's span.
 */
#ifndef VIGIL_VIEWS_TIMEBAR_H
#define VIGIL_VIEWS_TIMEBAR_H

#include <curses.h>

#include "views/model.h"

void timebar_draw(WINDOW *w, const struct ui_model *m);

#endif
