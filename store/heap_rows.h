/* SPDX-License-Identifier: MIT */
/*
 * heap_rows: the target's heap readings (smaps_rollup, HotSpot perf data)
 * and the leak verdicts, as the writer stores them and readers get them back.
 */
#ifndef VIGIL_STORE_HEAP_ROWS_H
#define VIGIL_STORE_HEAP_ROWS_H

#include <stdint.h>

#include "core/heap_sample.h"
#include "store/store.h"

/* The latest leak verdict at or before t_ms into *out and its time into
 * *at_ms. 1 found, 0 none (also for files before v3), -1 (store_error). */
int query_leak_verdict_at(struct store *s, int64_t t_ms, struct heap_verdict *out,
			  int64_t *at_ms);

/*
 * The suspects stored with the verdict in force at t_ms, in rank order (the
 * process first when it is one), with mapping_id set for regions. Returns
 * how many were written to out (at most cap; 0 also for files before v3), or
 * -1 (store_error).
 */
int query_leak_suspects_at(struct store *s, int64_t t_ms, struct heap_suspect *out,
			   size_t cap);

/* One region of the target at one smaps reading. */
struct mapping_row {
	int64_t mapping_id;
	char kind[8]; /* heap_kind_name() */
	char key[128], name[128];
	uint64_t size, rss, anon, swap, pss;
};

/*
 * The regions of the latest smaps reading at or before t_ms, largest
 * anon + swap first, up to cap, with the reading's time in *read_ms and its
 * VMA count in *nvmas (either may be NULL). Returns how many were written (0
 * when there was no reading yet), or -1.
 */
int query_mappings_at(struct store *s, int64_t t_ms, struct mapping_row *out, size_t cap,
		      int64_t *read_ms, uint64_t *nvmas);

/* One region at one reading. */
struct mapping_point {
	int64_t t_ms;
	uint64_t size, rss, anon, swap, pss;
};

/*
 * Region mapping_id's readings from from_ms to to_ms (inclusive), oldest
 * first, into *out (malloc'd; the caller frees it) and *n. Returns 0, or -1
 * with *out NULL.
 */
int query_mapping_history(struct store *s, int64_t mapping_id, int64_t from_ms,
			  int64_t to_ms, struct mapping_point **out, size_t *n);

#endif