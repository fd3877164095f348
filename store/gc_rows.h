/* SPDX-License-Identifier: MIT */
/*
 * gc_rows: the collections a runtime traced (--gc-trace, table gc_events
 * from schema v10 on) read back as a summary over a window: how many of
 * each kind, the pause distribution (p50, p99, max) and the share of the
 * window's wall time spent in pauses. Older files answer with none.
 */
#ifndef VIGIL_STORE_GC_ROWS_H
#define VIGIL_STORE_GC_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define GC_KINDS_MAX 8

struct gc_summary {
	char runtime[8]; /* "node", "go" */
	uint64_t count;
	struct {
		char kind[32];
		uint64_t count;
	} kinds[GC_KINDS_MAX]; /* most frequent first; the rest not listed */
	size_t nkinds;
	double p50_ms, p99_ms, max_ms, total_ms;
	double share; /* total pause / (to_ms - from_ms), 0..1 */
};

/* 1 with *out filled, 0 when the window has no collection, -1 (store_error). */
int query_gc_summary(struct store *s, int64_t from_ms, int64_t to_ms,
		     struct gc_summary *out);

#endif
