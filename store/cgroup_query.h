/* SPDX-License-Identifier: MIT */
/*
 * cgroup_query: the cgroups of a session read back: the table as it was at
 * one tick (the console's cgroup screen, live and in replay alike) and each
 * cgroup summed over a window of time (report's top lists, export).
 *
 * Invariants:
 * - A cgroup's state at tick T is its latest cgroup_samples row at or
 *   before T (rows are written only on change).
 * - Rates (CPU %, throttling) are derived here from two rows, never stored;
 *   a counter that went back (the cgroup was removed and made again) gives
 *   no rate rather than a wrong one.
 * - A file older than schema v9 has no cgroups: every call answers empty.
 * - On failure, -1 with store_error(s) and the outputs empty.
 */
#ifndef VIGIL_STORE_CGROUP_QUERY_H
#define VIGIL_STORE_CGROUP_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/frame.h"
#include "store/store.h"

/* Whether the file can hold cgroups (schema 9 or later). */
bool store_has_cgroups(const struct store *s);

/*
 * The cgroup table as it was at the latest tick <= t_ms, ascending path,
 * with cpu_pct derived from the row before (0 when nothing moved that tick,
 * -1 without one). Per-device IO is not read back (ndevs 0). *out is owned
 * by the caller (cgroup_table_release). -1 when no tick is <= t_ms.
 */
int query_cgroup_table_at(struct store *s, int64_t t_ms, struct cgroup_table *out);

/* One cgroup over a window of time. */
struct cgroup_summary {
	char *path;	    /* owned */
	char kind[12];	    /* cgroup_kind_name */
	char name[128];	    /* cgroup_ident.name */
	double cpu_pct_avg; /* 100 = one core, over the time it was watched */
	uint64_t mem_peak;  /* the largest memory in use in any tick; 0 unknown */
	uint64_t mem_max;   /* its limit at the end; CGROUP_UNLIMITED none */
	uint64_t nr_periods, nr_throttled, throttled_ns; /* moved in the window */
	double throttled_pct;				 /* of its periods; -1 none */
	uint64_t oom_kills;				 /* in the window */
	int64_t first_ms, last_ms;			 /* first and last tick alive */
};

enum query_cgroup_by {
	QUERY_CG_CPU,
	QUERY_CG_MEMORY,
	QUERY_CG_THROTTLED, /* by throttled time */
	QUERY_CG_OOM_KILLS,
};

/*
 * Every cgroup but the root present in any tick with t0 <= t_ms <= t1,
 * ascending path (a path removed and made again is listed once for each
 * time it was there); counters moved from its state at the tick at or before t0
 * (or its first row) to its last tick in the window, like
 * query_top_processes. *out (*n entries) is freed with
 * cgroup_summaries_free; NULL when *n is 0. Returns 0 or -1.
 */
int query_cgroup_summaries(struct store *s, int64_t t0, int64_t t1,
			   struct cgroup_summary **out, size_t *n);
/* Heaviest first by `by`; ties by path. */
void cgroup_summaries_sort(struct cgroup_summary *v, size_t n, enum query_cgroup_by by);
/* How much of `by` a summary has: 0 means it has nothing to show there. */
double cgroup_summary_weight(const struct cgroup_summary *c, enum query_cgroup_by by);
void cgroup_summaries_free(struct cgroup_summary *v, size_t n);

#endif
