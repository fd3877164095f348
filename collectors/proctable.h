/* SPDX-License-Identifier: MIT */
/*
 * proctable: the whole process table, every tick.
 *
 * Reading is libproc2's pids API (the reader top and ps use): one pass over
 * /proc that reads only stat and status per process. What libproc2 does not
 * keep between reaps is ours: the previous tick, to derive CPU % per process
 * over the interval and to know which identities (pid + start time) are new.
 * The command line is read only for new identities and after an exec (comm
 * changed), so a steady table costs no cmdline reads at all; the process's
 * cgroup (/proc/PID/cgroup) likewise, so a process moved to another cgroup
 * without an exec keeps the one it was first seen in.
 */
#ifndef VIGIL_COLLECTORS_PROCTABLE_H
#define VIGIL_COLLECTORS_PROCTABLE_H

#include <stdint.h>

#include "core/frame.h"

struct proc_collector;

/*
 * Opens the libproc2 reader. proc_root serves the files libproc2 does not
 * read (cmdline, btime); libproc2 itself always reads /proc. Returns NULL with
 * a reason in err when libproc2 cannot start (no /proc mounted).
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

/* Joins a NUL-separated cmdline of len bytes in place with spaces; returns buf. */
char *proc_cmdline_join(char *buf, size_t len);

#endif
