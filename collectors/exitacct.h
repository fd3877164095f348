/* SPDX-License-Identifier: MIT */
/*
 * exitacct: exit accounting. Processes that start and end between two ticks
 * never show in a process table; the kernel reports every exit through
 * taskstats (generic netlink, registered for all possible CPUs), with the
 * command name, parent, uid, start time, lifetime, user and system CPU, peak
 * RSS and exit status. The proc connector (NETLINK_CONNECTOR, CN_IDX_PROC)
 * adds the command line, read from /proc/PID/cmdline at exec (or at fork,
 * from the parent) while the process still lives; a process gone before it
 * was read is counted (no_cmdline) and keeps its command name only.
 *
 * Two layers, each usable alone:
 *
 * 1. struct exitacct_agg: the bookkeeping between netlink messages and
 *    frames (per-process sums of threads that ended earlier, the command
 *    lines of live processes, the rows of the tick). Pure, no I/O: the unit
 *    tests drive it with parsed records (collectors/exitacct_parse.h).
 * 2. struct exitacct: both sockets and the "vigil-exitacct" thread; the
 *    sampler takes one tick's exits with exitacct_take.
 *
 * Needs CONFIG_TASKSTATS and CAP_NET_ADMIN in the initial user and pid
 * namespaces (root on the host); without them exitacct_start fails with one
 * reason and everything else runs as before. The kernel drops records when
 * the socket's receive buffer is full (ENOBUFS): the number it dropped is read
 * from the socket (SO_MEMINFO) and counted as lost.
 */
#ifndef VIGIL_COLLECTORS_EXITACCT_H
#define VIGIL_COLLECTORS_EXITACCT_H

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

struct exitacct;

/*
 * Opens both sockets, registers for the exits of all possible CPUs and
 * starts the thread. proc_root is where command lines are read ("/proc").
 * Returns 0 with *out owned by the caller (exitacct_stop), or -1 with *out
 * NULL and one reason in why: "the kernel has no taskstats
 * (CONFIG_TASKSTATS)", "needs root (CAP_NET_ADMIN)", "not available inside
 * a container (another pid or user namespace)", ... A proc connector that
 * cannot be had only costs the command lines (exitacct_take says so).
 */
int exitacct_start(const char *proc_root, struct exitacct **out, char *why,
		   size_t whylen);
/* Deregisters, joins the thread, closes the sockets and frees e. NULL ok. */
void exitacct_stop(struct exitacct *e);
/* One tick's exits (exitacct_agg_take) with on set; never NULL; owned by
 * the caller. Any thread. */
struct proc_exits *exitacct_take(struct exitacct *e);
/* CPU time the thread has used, in ns; -1 when unavailable (bench). */
int64_t exitacct_thread_cpu_ns(const struct exitacct *e);

#endif
