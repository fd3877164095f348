/* SPDX-License-Identifier: MIT */
/*
 * loader: fills the console's model (views/model.h) for one time, one graph
 * window and the target of the shown frame, from the session file through
 * the store's read API, for live and replay alike. The one difference
 * between the two is where the frames come from: live hands the newest frame
 * over (loader_take_frame, so the screen never waits on a query for the
 * current values), replay reads the frames at its cursor
 * (loader_load_frames). Everything else comes from loader_load.
 *
 * Invariants after loader_load:
 * - Every series of hist has exactly rq->points (heap: heap_points) slots
 *   over the window, NaN where nothing was recorded.
 * - The target's series (tcpu, trss, twait, tanon, tfloor, tgc) hold only
 *   the ticks in which the shown frame's target (pid and start time) was
 *   the target: switching targets, live or in a recording, never shows the
 *   previous process's values or lets them set a graph's scale.
 * - Parts a screen does not draw (MODEL_WANT_*) are not queried; they are
 *   loaded as soon as a screen that draws them asks.
 * - The history is reloaded when the window, its width, the parts or the
 *   target changed, and live at most once per graph bucket.
 *
 * Main thread only. Failures of single queries leave that part empty and go
 * to the debug log; the screens show what could be read.
 */
#ifndef VIGIL_TUI_LOADER_H
#define VIGIL_TUI_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "views/model.h"

/* What the screen shown draws, beyond the system graphs, the alert badge,
 * the leak verdict and a JVM's reading (always loaded). */
enum model_want {
	MODEL_WANT_TARGET = 1u << 0, /* target series, heap graph, StatsD */
	MODEL_WANT_ALERTS = 1u << 1, /* recent transitions, failed actions */
	MODEL_WANT_LEAKS = 1u << 2,  /* suspects and regions */
	MODEL_WANT_REGION = 1u << 3, /* one region's readings (region_id) */
};

struct model_request {
	int64_t t_ms;	   /* the time shown */
	int64_t window_ms; /* width of the graphs */
	/* replay: the window is centred on t_ms but slides to stay within
	 * [start_ms, end_ms], the recording's first and last ticks, where it
	 * fits (it ends at the last tick rather than show nothing after it,
	 * and at t_ms when that is the last tick); a region's steps stop at
	 * end_ms. Live: the window ends at t_ms (see loader_window). */
	bool centred;
	int64_t start_ms, end_ms;
	size_t points, heap_points; /* slots of the graphs (0: 1) */
	unsigned want;		    /* MODEL_WANT_* */
	int64_t region_id;	    /* with MODEL_WANT_REGION */
	bool reload;		    /* reload the history even if nothing changed */
	/* live: vigil daemon's history (borrowed, may be NULL): graph slots
	 * the session has nothing for (before the console started, or before
	 * the target was attached) are filled from it */
	struct store *history;
};

/*
 * Live: takes over f (one reference) as the newest frame; the one before
 * becomes prev, and target_last and the thread readings follow it.
 */
void loader_take_frame(struct ui_model *m, struct frame *f);
/*
 * Replay: loads the frames at t_ms (the tick there, the one before, the
 * last one with the target alive and the latest thread readings). -1 with
 * err when the tick cannot be read; the model is then unchanged.
 */
int loader_load_frames(struct ui_model *m, struct store *s, int64_t t_ms, char *err,
		       size_t errlen);
/* Forgets the target's readings: pid was just attached to (live) and the
 * target screen waits for its first frame. */
void loader_forget_target(struct ui_model *m, int pid);
/* The graphs' window for rq: [*t0, *t1), *t1 - *t0 = rq->window_ms, t_ms
 * within it. Pure. */
void loader_window(const struct model_request *rq, int64_t *t0, int64_t *t1);
/* Fills the rest of the model for rq (see the invariants above). */
void loader_load(struct ui_model *m, struct store *s, const struct model_request *rq);

#endif
