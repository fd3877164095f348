/* SPDX-License-Identifier: MIT */
/*
 * heap_rows: the target's heap readings (smaps_rollup, HotSpot perf data)
 * and the leak verdicts, as the writer stores them and readers get them back.
 */
#ifndef VIGIL_STORE_HEAP_ROWS_H
#define VIGIL_STORE_HEAP_ROWS_H

#include <stdint.h>

#include "core/heap.h"
#include "store/store.h"

/* The latest leak verdict at or before t_ms into *out and its time into
 * *at_ms. 1 found, 0 none (also for files before v3), -1 (store_error). */
int query_leak_verdict_at(struct store *s, int64_t t_ms, struct heap_verdict *out,
			  int64_t *at_ms);

#endif
