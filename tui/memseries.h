/* SPDX-License-Identifier: MIT */
/*
 * memseries: the memory graphs' extra series, worked out by the tui from
 * what the store returned so the views only draw: the floor line over the
 * heap graph, the garbage-collection marks under it, and a region's smaps
 * readings spread over a graph's slots.
 *
 * Every series here is "slotted" like the tui's history series: n slots
 * cover [t0, t1) in equal buckets, slot i from t0 + i * (t1 - t0) / n, oldest
 * first, NaN (or no mark) where there is nothing to show. Pure functions:
 * no I/O, no curses; what they allocate they free before returning.
 */
#ifndef VIGIL_TUI_MEMSERIES_H
#define VIGIL_TUI_MEMSERIES_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/gcstats.h"
#include "store/heap_rows.h"
#include "store/jvm_rows.h"

/*
 * The floor of the slotted series v[0..n) over [t0, t1), as the leak
 * analysis sees a heap (analysis/leak.h: leak_floors with
 * leak_params_default(), each slot a point at its middle): line[i] is the
 * floor line through the floors' points, straight between two floors, NaN
 * before the first floor and after the last (the trailing window is not
 * complete yet). Gaps (NaN) in v are skipped. line has room for n values.
 */
void memseries_floor_line(const double *v, size_t n, int64_t t0, int64_t t1,
			  double *line);

/*
 * Marks collections: for each reading p[k] (k >= 1, oldest first) of pid
 * whose counters rose since p[k - 1] of the same pid, the slot holding its
 * time gets GRAPH_MARK_MAJOR when full (or concurrent) collections rose,
 * else GRAPH_MARK_MINOR (young ones); a slot keeps the stronger mark. A
 * counter that fell (a new JVM) marks nothing. marks has room for n.
 */
void memseries_gc_marks(const struct jvm_gc_point *p, size_t np, int pid, int64_t t0,
			int64_t t1, size_t n, unsigned char *marks);

/*
 * Marks a traced runtime's collections p[0..np) (--gc-trace; any order):
 * the slot holding each one's time gets GRAPH_MARK_MAJOR for a major one
 * (Node's Mark-Compact, every Go cycle), else GRAPH_MARK_MINOR; a slot
 * keeps the stronger mark. marks has room for n.
 */
void memseries_gc_pause_marks(const struct gc_pause *p, size_t np, int64_t t0, int64_t t1,
			      size_t n, unsigned char *marks);

/*
 * A region's readings p[0..np) (oldest first) as anon + swap per slot: each
 * slot holds the latest reading taken before its end, so a reading every
 * 30 s draws as steps, not as a comb; NaN before the first reading and in
 * slots that start after end_ms (no tick there yet). out has room for n.
 */
void memseries_hold(const struct mapping_point *p, size_t np, int64_t t0, int64_t t1,
		    int64_t end_ms, size_t n, double *out);

#endif
