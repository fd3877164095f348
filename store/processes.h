/* SPDX-License-Identifier: MIT */
/*
 * processes: the process table of a session read back: as it was at one tick
 * (the replay's table), and the heaviest processes of a window of time (the
 * report's top lists).
 *
 * Invariants:
 * - A process is an identity, pid + start time: a reused pid is another
 *   process. Its state at a tick is its latest stored row at or before it
 *   (rows are written only on change).
 * - CPU percentages are derived from two stored rows, 100 = one core.
 * - Each call reads one consistent snapshot; on failure it returns -1 with
 *   store_error(s) and its outputs empty.
 */
#ifndef VIGIL_STORE_PROCESSES_H
#define VIGIL_STORE_PROCESSES_H

#include <stddef.h>
#include <stdint.h>

#include "core/frame.h"
#include "store/store.h"

/*
 * The process table as it was at the latest tick <= t_ms: every identity
 * alive in that tick, with its latest stored row at or before it. cpu_pct is
 * derived: the cpu_ticks moved since the process's previous row, over the
 * time since the previous tick; 0 when the latest row is older than the tick
 * (nothing moved); -1 without a previous row. Rows ascending by pid; *out is
 * overwritten and owned by the caller (proc_table_release). -1 when no tick
 * is <= t_ms.
 */
int query_proc_table_at(struct store *s, int64_t t_ms, struct proc_table *out);

enum query_top_by {
	QUERY_TOP_CPU, /* by cpu_pct_avg, highest first */
	QUERY_TOP_RSS, /* by rss_bytes_max, highest first */
};

/* One process identity (pid + start time) over a window of time. */
struct top_process {
	int pid;
	char comm[FRAME_COMM_MAX];
	char *cmdline;	    /* owned; "" for kernel threads */
	double cpu_pct_avg; /* 100 = one core */
	uint64_t rss_bytes_max;
	int64_t first_ms, last_ms; /* first and last tick in the window it was alive in */
};

/*
 * The n heaviest process identities alive in any tick with t0 <= t_ms <= t1,
 * by CPU or by resident memory; ties go to the lower pid.
 *
 * cpu_pct_avg is the CPU time it used over the time it was watched: from its
 * state at the tick at or before t0 (the baseline, like the previous tick of
 * a rate) or, for a process that appeared later, from its first row, to its
 * last tick alive in the window. Rows are written only on change, so an
 * idle stretch counts as idle, not as missing. A process seen in one tick
 * only gets 0. rss_bytes_max is the largest RSS it had in any tick of the
 * window (its state at the first of them included).
 *
 * *out is an array of *count entries (at most n) the caller frees with
 * top_processes_free(); NULL when *count is 0. Returns 0 or -1.
 */
int query_top_processes(struct store *s, int64_t t0, int64_t t1, enum query_top_by by,
			size_t n, struct top_process **out, size_t *count);
/* Frees p, n entries from query_top_processes(). NULL is ignored. */
void top_processes_free(struct top_process *p, size_t n);

/*
 * One process identity's CPU (100 = one core) and RSS (bytes) over [t0, t1)
 * in n equal slots, from its process rows (what `vigil daemon` records of
 * every process), for a graph: slot i covers [t0 + i*w/n, t0 + (i+1)*w/n).
 * A row is written only when something changed, so the counters hold from
 * one row to the next: a slot's CPU is the CPU time its ticks added (the
 * counter at its end edge less the one at its start) over its width, its
 * RSS the value at its end; the slot a process ends in counts over the
 * whole slot. Slots before the
 * process's first tick or after its last are NaN, as are all of them when
 * the session never saw it, and those inside a gap (store/gaps.h); a slot
 * a gap cuts has its RSS but no CPU (NaN). cpu and rss are the caller's arrays of n.
 * Returns the number of slots filled, or -1 (store_error) with every slot
 * NaN.
 */
int query_proc_slots(struct store *s, int pid, uint64_t start_ticks, int64_t t0,
		     int64_t t1, size_t n, double *cpu, double *rss);

#endif
