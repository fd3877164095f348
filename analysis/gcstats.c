/* SPDX-License-Identifier: MIT */
/*
 * gcstats: see gcstats.h. Ranks are worked out in integers so that p99 of
 * exactly 100 pauses is the 99th, never the 100th by a rounding of 0.99.
 */
#include "analysis/gcstats.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The pct-th percentile of sorted v[0..n), n > 0, by nearest rank. */
static double nearest_rank(const double *v, size_t n, unsigned pct)
{
	size_t rank = (pct * n + 99) / 100; /* ceil(pct / 100 * n) */

	return v[rank ? rank - 1 : 0];
}

uint64_t gcstats_window(const struct gc_pause *ev, size_t n, int64_t from_ms,
			int64_t to_ms, struct gc_stats *out)
{
	double *p;
	size_t k = 0;

	memset(out, 0, sizeof(*out));
	if (!n)
		return 0;
	p = xmalloc(n * sizeof(*p));
	for (size_t i = 0; i < n; i++) {
		if (ev[i].t_ms < from_ms || ev[i].t_ms > to_ms)
			continue;
		p[k++] = ev[i].pause_ms;
		out->total_ms += ev[i].pause_ms;
		if (ev[i].major) {
			out->major++;
			if (!out->after_ms || ev[i].t_ms >= out->after_ms) {
				out->after_ms = ev[i].t_ms;
				out->after_bytes = ev[i].after_bytes;
			}
		}
	}
	out->count = k;
	if (k) {
		qsort(p, k, sizeof(*p), cmp_double);
		out->p50_ms = nearest_rank(p, k, 50);
		out->p99_ms = nearest_rank(p, k, 99);
		out->max_ms = p[k - 1];
		if (to_ms > from_ms)
			out->share = out->total_ms / (double)(to_ms - from_ms);
	}
	free(p);
	return out->count;
}
