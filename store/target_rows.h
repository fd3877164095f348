/* SPDX-License-Identifier: MIT */
/*
 * target_rows: the attached target's own rows (target_samples and
 * thread_samples) read back beyond the frame they belong to: when its
 * threads were last read, which threads waited longest for a CPU, and what
 * the recorder was refused. The frame itself (target and threads at a tick)
 * comes from query_frame_at in store/frames.h; the writer stores both tables
 * into each frame's transaction.
 *
 * Invariants as in store/frames.h: times in ms since the epoch, windows
 * inclusive, one snapshot per call, -1 with store_error(s) and empty outputs
 * on failure. Files from before latency was stored (schema 3) have no
 * thread waits.
 */
#ifndef VIGIL_STORE_TARGET_ROWS_H
#define VIGIL_STORE_TARGET_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "core/frame.h"
#include "store/store.h"

/*
 * When the target's threads were last read at or before tick seq: a process
 * with many threads has its thread rows every few ticks. Fills out[0] with
 * the t_ms of the newest such tick and out[1] with the one before it, and
 * returns how many it found (0, 1 or 2), or -1 on a read error.
 */
int query_thread_ticks(struct store *s, int64_t seq, int64_t out[2]);

/* One thread's run-queue wait over a window (schema v3 files). */
struct thread_wait {
	int tid;
	char comm[FRAME_COMM_MAX];
	double wait_ms;	   /* time runnable but waiting for a CPU */
	double wait_share; /* % of its runnable time */
};

/*
 * The max threads that waited longest in t0 <= t_ms <= t1, longest first.
 * *out is owned by the caller (free). 0 or -1.
 */
int query_thread_waits(struct store *s, int64_t t0, int64_t t1, size_t max,
		       struct thread_wait **out, size_t *n);

/* A target the recorder could not fully read (target_sample.denied). */
struct target_denial {
	int pid;
	char comm[FRAME_COMM_MAX];
	unsigned denied;  /* TARGET_ACCESS_* */
	int64_t first_ms; /* the first tick it was so */
};

/*
 * Each target in t0 <= t_ms <= t1 (and each set of refused groups it had)
 * whose samples say some of its figures were refused to the recorder, in
 * the order they were first seen. Files written before vigil stored this
 * have none. *out is owned by the caller (free). 0 or -1.
 */
int query_target_denials(struct store *s, int64_t t0, int64_t t1,
			 struct target_denial **out, size_t *n);

#endif
