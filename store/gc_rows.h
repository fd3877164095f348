/* SPDX-License-Identifier: MIT */
/*
 * gc_rows: the collections a runtime traced (--gc-trace, table gc_events
 * from schema v11 on) read back: each collection in a window, and a summary
 * over a window (how many of each kind, and analysis/gcstats over the
 * pauses: p50, p99, max, the share of the window's wall time). A
 * collection's time is that of the tick that took it. Older files answer
 * with none.
 */
#ifndef VIGIL_STORE_GC_ROWS_H
#define VIGIL_STORE_GC_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/gcstats.h"
#include "store/store.h"

#define GC_KINDS_MAX 8

struct gc_summary {
	char runtime[8]; /* "node", "go" */
	struct {
		char kind[32];
		uint64_t count;
	} kinds[GC_KINDS_MAX]; /* most frequent first; the rest not listed */
	size_t nkinds;
	struct gc_stats stats; /* over [from_ms, to_ms] */
};

/*
 * The collections of process pid (0: of any) in ticks from_ms .. to_ms
 * (inclusive), oldest first, into *out (malloc'd, owned by the caller, NULL
 * when there are none) and *n; runtime (len bytes) gets the runtime of the
 * newest ("" without any). 0, or -1 (store_error).
 */
int query_gc_pauses(struct store *s, int64_t from_ms, int64_t to_ms, int pid,
		    struct gc_pause **out, size_t *n, char *runtime, size_t len);

/* 1 with *out filled, 0 when the window has no collection, -1 (store_error). */
int query_gc_summary(struct store *s, int64_t from_ms, int64_t to_ms,
		     struct gc_summary *out);

#endif
