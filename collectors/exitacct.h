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
 * Three layers, each usable alone: exitacct_parse (bytes -> records),
 * exitacct_agg (records -> a tick's rows, pure) and here struct exitacct:
 * both sockets and the "vigil-exitacct" thread; the sampler takes one
 * tick's exits with exitacct_take.
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

#include "collectors/exitacct_agg.h"
#include "core/proc_exit.h"

struct exitacct;

/*
 * Opens both sockets, registers for the exits of all possible CPUs and
 * starts the thread. proc_root is where command lines are read ("/proc").
 * Without cmdlines the proc connector is not opened: exits are counted and
 * accounted from taskstats alone, with no /proc read per exec (the console
 * while a daemon records the command lines), and exitacct_take says why.
 * Returns 0 with *out owned by the caller (exitacct_stop), or -1 with *out
 * NULL and one reason in why: "the kernel has no taskstats
 * (CONFIG_TASKSTATS)", "needs root (CAP_NET_ADMIN)", "not available inside
 * a container (another pid or user namespace)", ... A proc connector that
 * cannot be had only costs the command lines (exitacct_take says so).
 */
int exitacct_start(const char *proc_root, bool cmdlines, struct exitacct **out, char *why,
		   size_t whylen);
/* Deregisters, joins the thread, closes the sockets and frees e. NULL ok. */
void exitacct_stop(struct exitacct *e);
/* One tick's exits (exitacct_agg_take) with on set; never NULL; owned by
 * the caller. Any thread. */
struct proc_exits *exitacct_take(struct exitacct *e);
/* CPU time the thread has used, in ns; -1 when unavailable (bench). */
int64_t exitacct_thread_cpu_ns(const struct exitacct *e);

#endif
