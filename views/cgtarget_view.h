/* SPDX-License-Identifier: MIT */
/*
 * cgtarget_view: the parts of the target screen that differ when the
 * target is a cgroup (`vigil -c`): its identity (the path, its processes,
 * those that came and went, its busiest process), its own CPU from the
 * cgroup table (the kernel's counter, authoritative over the processes'
 * sum), in place of the threads panel its processes, busiest first, and in
 * place of the latency panel its pressure, throttling and pids.
 * Live and replay alike: it draws a frame and the sample in it.
 */
#ifndef VIGIL_VIEWS_CGTARGET_VIEW_H
#define VIGIL_VIEWS_CGTARGET_VIEW_H

#include <curses.h>

#include "views/model.h"

/* Rows 0 and 1 of the target screen for the cgroup target t of frame fr. */
void cgtarget_draw_identity(WINDOW *w, const struct frame *fr,
			    const struct target_sample *t, int cols);
/* The cgroup's own CPU over the last interval, % of one core, from fr's
 * cgroup table; -1 unknown. */
double cgtarget_cpu_pct(const struct frame *fr, const struct target_sample *t);
/* The cgroup's row in fr's table, or NULL. */
const struct cgroup_row *cgtarget_row(const struct frame *fr,
				      const struct target_sample *t);
/* The pressure panel (the Latency tab's place): the cgroup's PSI some and
 * full averages, the stall time per second since prev (the frame before;
 * NULL: "-"), its CPU quota and throttling over that interval, and its
 * pids against their max. From row y0 on, rows high. */
void cgtarget_draw_pressure(WINDOW *w, const struct frame *fr, const struct frame *prev,
			    const struct target_sample *t, int y0, int rows, int cols);
/* The processes panel, from row y0 on, rows high (y0 is its header). */
void cgtarget_draw_procs(WINDOW *w, const struct frame *fr, const struct target_sample *t,
			 int y0, int rows, int cols);

#endif
