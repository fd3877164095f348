/* SPDX-License-Identifier: MIT */
/*
 * frames: a session file read back as what the recorder saw: the sessions
 * row, the span and times of its ticks, moving from tick to tick (the replay
 * console's timeline), and whole frames rebuilt at a point in time, so a
 * view never knows whether it looks at this second or at last Tuesday.
 *
 * The other rooms of the read side, by concern: store/series.h (metrics over
 * time), store/processes.h (process table, heaviest processes),
 * store/target_rows.h (the target's threads and refusals),
 * store/alert_rows.h, store/app_rows.h, store/heap_rows.h,
 * store/jvm_rows.h and store/profiles.h.
 *
 * Invariants (of every read call of the store):
 * - Times are ms since the epoch. "At t_ms" means the latest tick whose time
 *   is <= t_ms.
 * - Each call reads one consistent snapshot, also while another process is
 *   still writing the file.
 * - On failure a call returns -1 and store_error(s) says why; outputs are
 *   then left empty (nothing to release).
 */
#ifndef VIGIL_STORE_FRAMES_H
#define VIGIL_STORE_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#include "core/frame.h"
#include "store/store.h"

/* The sessions row. 0, or -1 if the file has none (yet). */
int query_session(struct store *s, struct session_meta *out);

/* Time of the first and last tick and the number of ticks. A file without
 * ticks gives 0 with *ticks = 0 (and both times 0). */
int query_span(struct store *s, int64_t *first_ms, int64_t *last_ms, uint64_t *ticks);
/* The same within t0 <= t_ms <= t1 (a report's --from/--to window). */
int query_span_within(struct store *s, int64_t t0, int64_t t1, int64_t *first_ms,
		      int64_t *last_ms, uint64_t *ticks);

/*
 * Times of the ticks with t0 <= t_ms <= t1, ascending, at most max of them,
 * into the caller's array out; *n says how many. Paging through a long
 * window: call again with t0 = out[*n - 1] + 1 while *n == max. Returns 0 or
 * -1.
 */
int query_tick_times(struct store *s, int64_t t0, int64_t t1, int64_t *out, size_t max,
		     size_t *n);

/* 1 when any tick of the session has a target sample, 0 when none, -1 on
 * failure. */
int query_has_target(struct store *s);

/* ---- the timeline: one indexed lookup on ticks(t_ms) per call ---- */

enum timeline_dir {
	TIMELINE_AT_OR_BEFORE, /* the newest tick with t_ms <= t */
	TIMELINE_AFTER,	       /* the oldest tick with t_ms > t */
	TIMELINE_BEFORE,       /* the newest tick with t_ms < t */
	TIMELINE_AT_OR_AFTER,  /* the oldest tick with t_ms >= t */
};

/* Time of the tick next to t in direction dir: 0 and *out_ms, 1 when there is
 * none that way, -1 on failure (store_error). */
int timeline_seek(struct store *s, int64_t t_ms, enum timeline_dir dir, int64_t *out_ms);
/* Time of the newest tick <= t in which the target was alive: 0, 1 if none. */
int timeline_target_alive(struct store *s, int64_t t_ms, int64_t *out_ms);
/* How many ticks have t_ms <= t (the 1-based index of the tick at t). */
int timeline_index(struct store *s, int64_t t_ms, uint64_t *index);

/*
 * The ticks of [t0, t1] around t_ms in which the target was still pid
 * (started at start_ticks): *from_ms is just after the newest tick in
 * [t0, t_ms] with another target (t0 if none), *to_ms the oldest tick in
 * (t_ms, t1] with another target (t1 + 1 if none), so the run is
 * [*from_ms, *to_ms). Ticks without a target do not end a run. Reads only
 * the window's ticks. 0, or -1 on failure (store_error).
 */
int timeline_target_run(struct store *s, int pid, uint64_t start_ticks, int64_t t0,
			int64_t t_ms, int64_t t1, int64_t *from_ms, int64_t *to_ms);

/* ---- frames ---- */

/*
 * The whole frame of the latest tick <= t_ms, rebuilt: system with cores,
 * disks and interfaces (each device's latest row, but one that appeared at
 * that very tick), process table as query_proc_table_at (store/processes.h) gives it,
 * target and threads if the tick had one. Values the collector could not read come back 0
 * with their HAVE_* bit clear. *out has one reference the caller drops with
 * frame_unref(). -1 when no tick is <= t_ms.
 */
int query_frame_at(struct store *s, int64_t t_ms, struct frame **out);

#endif
