/* SPDX-License-Identifier: MIT */
/*
 * query: the read API of a session file. Every reader goes through it: the
 * report command now, the live and replay screens later, so a view never
 * knows whether it looks at this second or at last Tuesday.
 *
 * Invariants:
 * - Times are ms since the epoch. "At t_ms" means the latest tick whose time
 *   is <= t_ms.
 * - Rates and percentages are derived here from consecutive stored ticks,
 *   never stored. A value that was not read is absent from results, never 0.
 * - Each call reads one consistent snapshot, also while another process is
 *   still writing the file.
 * - On failure a call returns -1 and store_error(s) says why; outputs are
 *   then left empty (nothing to release).
 */
#ifndef VIGIL_STORE_QUERY_H
#define VIGIL_STORE_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "core/frame.h"
#include "store/store.h"

/* The sessions row. 0, or -1 if the file has none (yet). */
int query_session(struct store *s, struct session_meta *out);

/* Time of the first and last tick and the number of ticks. A file without
 * ticks gives 0 with *ticks = 0 (and both times 0). */
int query_span(struct store *s, int64_t *first_ms, int64_t *last_ms, uint64_t *ticks);

struct series_point {
	int64_t t_ms; /* time of the first tick with a value in it */
	double min, avg, max;
	uint64_t n; /* values in the bucket */
};

struct series {
	size_t n;
	struct series_point *points; /* owned; series_release frees */
};

/* Frees the points; s may be reused. */
void series_release(struct series *s);

/*
 * Values of metric over the ticks with t0 <= t_ms <= t1, downsampled in SQL
 * into at most npoints equal-width time buckets over [t0, t1], in time order.
 * Buckets without a value are omitted; npoints == 1 gives the aggregates of
 * the whole window. Rates come from consecutive ticks inside the window, so
 * its first tick has none. *out is overwritten (release it first if reused)
 * and owned by the caller. Returns 0, or -1 (unknown metric "unknown metric
 * 'x'", npoints == 0, SQL failure).
 */
int query_series(struct store *s, const char *metric, int64_t t0, int64_t t1,
		 size_t npoints, struct series *out);

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

/* NULL-terminated list of the metric names query_series knows. Static. */
const char *const *query_metric_names(void);
/* The unit of a metric ("%", "bytes", "bytes/s", "/s", ""), NULL if unknown.
 * Static. */
const char *query_metric_unit(const char *metric);

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

/*
 * The whole frame of the latest tick <= t_ms, rebuilt: system with cores,
 * process table as above, target and threads if the tick had one. Values
 * the collector could not read come back 0 with their HAVE_* bit clear.
 * *out has one reference the caller drops with frame_unref(). -1 when no
 * tick is <= t_ms.
 */
int query_frame_at(struct store *s, int64_t t_ms, struct frame **out);

/*
 * When the target's threads were last read at or before tick seq: a process
 * with many threads has its thread rows every few ticks. Fills out[0] with
 * the t_ms of the newest such tick and out[1] with the one before it, and
 * returns how many it found (0, 1 or 2), or -1 on a read error.
 */
int query_thread_ticks(struct store *s, int64_t seq, int64_t out[2]);

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
