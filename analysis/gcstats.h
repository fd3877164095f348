/* SPDX-License-Identifier: MIT */
/*
 * gcstats: the pauses of the collections a runtime traced (--gc-trace,
 * analysis/gctrace) summed up over a window of wall time: how many, how many
 * major, the pause distribution (nearest-rank p50, p99, max), the share of
 * the window spent in pauses and the heap after the latest major collection
 * (the floor the leak verdict judges). Report's "gc" section and the Memory
 * panel's GC lines both come from here, so they never disagree.
 *
 * Pure: no I/O, the events are borrowed and left untouched.
 */
#ifndef VIGIL_ANALYSIS_GCSTATS_H
#define VIGIL_ANALYSIS_GCSTATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One collection, at the wall time of the tick that took it. */
struct gc_pause {
	int64_t t_ms;
	double pause_ms;
	double after_bytes; /* heap after (Node) / live heap (Go) */
	bool major;	    /* after_bytes is a leak floor */
};

struct gc_stats {
	uint64_t count, major;
	/* nearest rank over the pauses: the smallest pause with at least
	 * 50% (99%) of them at or below it; 0 without collections */
	double p50_ms, p99_ms, max_ms, total_ms;
	double share; /* total_ms / (to_ms - from_ms); 0 for an empty span */
	/* the latest major collection in the window (after_ms 0: none) */
	double after_bytes;
	int64_t after_ms;
};

/*
 * Summarises the events ev[0..n) with from_ms <= t_ms <= to_ms (any order)
 * into *out; returns how many there were (out->count).
 */
uint64_t gcstats_window(const struct gc_pause *ev, size_t n, int64_t from_ms,
			int64_t to_ms, struct gc_stats *out);

#endif
