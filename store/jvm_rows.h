/* SPDX-License-Identifier: MIT */
/*
 * jvm_rows: a JVM target's HotSpot readings read back from the session: the
 * latest one at a time (the generation figures of the Memory panel) and the
 * collection counters over a window (where the heap graph marks collections).
 *
 * The jvm_samples table exists from schema v3 on; older files answer with no
 * rows, never an error. The writer stores full and concurrent collections
 * together (full_gcs, full_gc_ms), so a reading from here has them summed in
 * full_* and concurrent_* zero.
 */
#ifndef VIGIL_STORE_JVM_ROWS_H
#define VIGIL_STORE_JVM_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "core/heap_sample.h"
#include "store/store.h"

/*
 * The latest JVM reading at or before t_ms into *out (its pid and t_ms
 * included; the caller decides whether it is still the target's). have says
 * which figures were read (JVM_HAVE_*; the collector name is not stored).
 * 1 found, 0 none, -1 (store_error).
 */
int query_jvm_at(struct store *s, int64_t t_ms, struct jvm_sample *out);

/* The collection counters of one reading. */
struct jvm_gc_point {
	int64_t t_ms;
	int pid;
	uint64_t young_gcs, full_gcs; /* full: full and concurrent collections */
	double young_gc_ms, full_gc_ms;
};

/*
 * The readings with collection counters from from_ms to to_ms (inclusive),
 * oldest first, preceded by the last one before from_ms when there is one
 * (so a collection right at the start of the window is seen as a change).
 * *out is malloc'd (the caller frees it; NULL when *n is 0). Returns 0, or
 * -1 (store_error) with *out NULL and *n 0.
 */
int query_jvm_gcs(struct store *s, int64_t from_ms, int64_t to_ms,
		  struct jvm_gc_point **out, size_t *n);

#endif
