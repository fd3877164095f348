/* SPDX-License-Identifier: MIT */
/*
 * exitacct_agg: the bookkeeping of exit accounting between netlink messages
 * and frames: per-process sums of the threads that ended before the last
 * one, the command lines of live processes (from the proc connector's fork
 * and exec), and the rows of the tick. Pure, no I/O and no lock (its owner,
 * collectors/exitacct, holds one): the unit tests drive it with parsed
 * records (collectors/exitacct_parse.h).
 */
#ifndef VIGIL_COLLECTORS_EXITACCT_AGG_H
#define VIGIL_COLLECTORS_EXITACCT_AGG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collectors/exitacct_parse.h"
#include "core/proc_exit.h"

#define EXITACCT_ROWS_MAX 65536	  /* per tick; beyond it exits are counted lost */
#define EXITACCT_TRACKED_MAX 8192 /* live processes with a command line or sums */
#define EXITACCT_CMDLINE_MAX 2048 /* bytes of a command line kept, with its NUL */

struct exitacct_agg;

/* An empty aggregator; freed with exitacct_agg_free. */
struct exitacct_agg *exitacct_agg_new(void);
void exitacct_agg_free(struct exitacct_agg *a);

/* One thread's exit record, received at now_ms (wall). The last thread of a
 * process makes a row. */
void exitacct_agg_record(struct exitacct_agg *a, const struct exitacct_record *r,
			 int64_t now_ms);

/*
 * One proc connector event. Returns the pid whose /proc/PID/cmdline the
 * caller should read now and hand to exitacct_agg_cmdline with the same
 * event (an exec: the process itself; a fork whose parent's command line is
 * not known yet: the parent), or 0 when nothing needs reading (a fork copies
 * its parent's known command line; an exit only marks the process gone).
 */
int exitacct_agg_event(struct exitacct_agg *a, const struct exitacct_event *ev);

/* The command line read for ev (borrowed, copied): an exec's process gets
 * it; a fork's parent and child both do. NULL: the process was gone before
 * it was read (counted in no_cmdline). */
void exitacct_agg_cmdline(struct exitacct_agg *a, const struct exitacct_event *ev,
			  const char *cmdline);

/* Counts n exit records the kernel dropped, n malformed messages. */
void exitacct_agg_lost(struct exitacct_agg *a, uint64_t n);
void exitacct_agg_bad(struct exitacct_agg *a, uint64_t n);

/*
 * The exits since the last take, in the order they came, and the counters
 * (on, why and cmdlines are left for the caller). Never NULL; owned by the
 * caller (proc_exits_free). Also forgets processes whose leader exited a
 * whole tick ago without a record (it was lost).
 */
struct proc_exits *exitacct_agg_take(struct exitacct_agg *a);

/* Processes tracked for a command line or thread sums (for tests). */
size_t exitacct_agg_tracked(const struct exitacct_agg *a);

#endif
