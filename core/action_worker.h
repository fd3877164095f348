/* SPDX-License-Identifier: MIT */
/*
 * action_worker: the thread that runs alert actions (log: and exec:, see
 * core/actions.h), so that no action ever runs on the sampling thread. A log
 * file on a slow disk, a FIFO nobody reads, or a program that never ends
 * delays nothing but other actions.
 *
 * Invariants:
 * - The producer (the sampler) never waits: action_worker_log/_exec copy
 *   what they need and push it onto a bounded queue; a full queue drops its
 *   oldest job, and that drop is reported like a failure.
 * - At most max_running programs run at once; further exec jobs wait in
 *   order (bounded like the queue; beyond it they are dropped and reported).
 * - Every action that fails (cannot open or write the log, cannot execute,
 *   non-zero exit, killed at the time limit) or is dropped becomes a struct
 *   notice, which action_worker_take hands to whoever reports them (the
 *   pipeline puts them in the next frame: stored, shown, printed).
 * - action_worker_stop kills programs still running and drops jobs not yet
 *   run; those last ones are counted (action_worker_counts) but cannot reach
 *   a frame any more.
 */
#ifndef VIGIL_CORE_ACTION_WORKER_H
#define VIGIL_CORE_ACTION_WORKER_H

#include <stddef.h>
#include <stdint.h>

#include "core/actions.h"
#include "core/frame.h"

#define ACTION_QUEUE_CAP 256

struct action_worker;

/*
 * Starts the worker thread ("vigil-actions"): queue_cap jobs may wait (0:
 * ACTION_QUEUE_CAP), each program is killed limit_ms after it started (0: the
 * runner's default), max_running at once (0: default). Owned by the caller,
 * ended with action_worker_stop.
 */
struct action_worker *action_worker_start(size_t queue_cap, int64_t limit_ms,
					  size_t max_running);

/* Ends the thread as described above and frees w. NULL is ignored. */
void action_worker_stop(struct action_worker *w);

/*
 * Any thread, never blocks: queues appending a's JSON line to path, on
 * behalf of the rule named rule. Everything is copied.
 */
void action_worker_log(struct action_worker *w, const char *rule, const char *path,
		       const struct action_alert *a);

/* Likewise: queues running argv (absolute argv[0]) with a's details. */
void action_worker_exec(struct action_worker *w, const char *rule, char *const argv[],
			const struct action_alert *a);

/*
 * Any thread: the notices of actions that failed or were dropped since the
 * last call, oldest first. Returns how many; *out is owned by the caller
 * (free), NULL when none.
 */
size_t action_worker_take(struct action_worker *w, struct notice **out);

/* Totals since the start: actions run, failed and dropped. */
struct action_counts {
	uint64_t run, failed, dropped;
};
void action_worker_counts(struct action_worker *w, struct action_counts *out);

/* action_worker_stop, with the final totals in *out (unless NULL): those
 * include what the stop itself killed or dropped. */
void action_worker_stop_counted(struct action_worker *w, struct action_counts *out);

/*
 * Waits until every job queued so far has been run or dropped and no program
 * runs any more, or timeout_ms passed. For tests and for a clean end of a
 * recording. 0 when idle, -1 on time-out.
 */
int action_worker_drain(struct action_worker *w, int64_t timeout_ms);

#endif
