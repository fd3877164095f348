/* SPDX-License-Identifier: MIT */
/*
 * timebar: the replay console's top line: play state and speed, the cursor's
 * wall-clock time in the host's zone with its UTC offset, the sample index,
 * the graph zoom, and where the cursor sits in the session's span.
 */
#ifndef VIGIL_VIEWS_TIMEBAR_H
#define VIGIL_VIEWS_TIMEBAR_H

#include <curses.h>

#include "views/model.h"

void timebar_draw(WINDOW *w, const struct ui_model *m);

#endif
