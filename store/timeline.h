/* SPDX-License-Identifier: MIT */
/*
 * timeline: moving through the ticks of a session, for the replay console.
 * Every call is one indexed lookup on ticks(t_ms), so stepping or seeking is
 * as cheap at hour 23 of a 24-hour session as at its first minute.
 */
#ifndef VIGIL_STORE_TIMELINE_H
#define VIGIL_STORE_TIMELINE_H

#include <stdint.h>

#include "store/store.h"

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
/* How many ticks have t_ms <= t (the 1-based index of the tick at t). */
int timeline_index(struct store *s, int64_t t_ms, uint64_t *index);

#endif
