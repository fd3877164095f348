/* SPDX-License-Identifier: MIT */
/*
 * proctable: the whole process table, every tick.
 *
 * One file per process: /proc/PID/stat, opened once and read again with
 * pread every tick (collectors/tasks.h), the owner (euid) from an fstat of
 * it, as top and ps take it from the /proc/PID directory. A tick costs one
 * getdents pass, one pread and one fstat per process: no path walks, opens
 * or closes for processes already seen (libproc2's reap, used before, costs
 * a stat, an open, a read and a close with two path walks per process, and
 * made the recorder 0.67 of top's CPU with 500 processes). The previous tick
 * is kept, to derive CPU % per process over the interval and to know which
 * identities (pid + start time) are new. The command line is read only for
 * new identities and after an exec (comm changed), so a steady table costs
 * no cmdline reads at all.
 * The process's cgroup (/proc/PID/cgroup) is read likewise, so a process
 * moved to another cgroup without an exec keeps the one it was first seen in.
 */
#ifndef VIGIL_COLLECTORS_PROCTABLE_H
#define VIGIL_COLLECTORS_PROCTABLE_H

#include <stdint.h>

#include "core/frame.h"

struct proc_collector;

/*
 * The reader over proc_root ("/proc" or a fixture tree). Returns NULL with a
 * reason in err when proc_root cannot be listed (no /proc mounted).
 */
struct proc_collector *proc_collector_new(const char *proc_root, char *err,
					  size_t errlen);
void proc_collector_free(struct proc_collector *c);

/*
 * Fills *out (empty on entry) with every process, ascending pid. cpu_pct is
 * derived against the previous call (-1 for a process seen for the first
 * time, or on the first call). now_ns is the monotonic time of this read.
 * Rows and cmdlines are owned by out. Returns 0, or -1 when the reap failed
 * (out stays empty).
 */
int proc_collector_read(struct proc_collector *c, int64_t now_ns, struct proc_table *out);

/*
 * Pure: derives cpu_pct of each row of cur from prev (both ascending pid) over
 * dt_ns, 100 = one core. Identities that differ (PID reuse) or are absent in
 * prev get -1. Exposed for unit tests.
 */
void proc_table_derive_cpu(struct proc_table *cur, const struct proc_table *prev,
			   int64_t dt_ns, long clk_tck);

/*
 * Pure: the fields of a /proc/PID/stat line that a row holds (comm, state,
 * ppid, nice, threads, utime + stime, start time, vsize, and rss in pages:
 * the caller scales it). Returns 0, or -1 when text is not a stat line.
 */
int proc_stat_parse(const char *text, struct proc_row *r);

/* Joins a NUL-separated cmdline of len bytes in place with spaces; returns buf. */
char *proc_cmdline_join(char *buf, size_t len);

#endif
