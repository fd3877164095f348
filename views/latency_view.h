/* SPDX-License-Identifier: MIT */
/*
 * latency_view: the latency panel of the target screen. Where the attached
 * process waits (for a CPU, for block IO, under its cgroup's pressure), its
 * threads sorted by run-queue wait with their blocking points, and the
 * application's StatsD timers when there are any.
 */
#ifndef VIGIL_VIEWS_LATENCY_VIEW_H
#define VIGIL_VIEWS_LATENCY_VIEW_H

#include <curses.h>

#include "views/model.h"

/*
 * Draws the panel into rows y0 .. y0 + rows - 1 of w, cols wide. t is the
 * sample shown, prev the one before (NULL: no rates yet), dt_s the seconds
 * between them. scroll scrolls the thread table (drawn clamped, unchanged).
 */
void latency_draw(WINDOW *w, const struct ui_model *m, const struct target_sample *t,
		  const struct target_sample *prev, double dt_s, int y0, int rows,
		  int cols, const struct list_cursor *scroll);
/* Thread rows the table shows in a panel of rows rows (for the cursor). */
int latency_table_rows(const struct ui_model *m, const struct target_sample *t, int rows);

#endif
