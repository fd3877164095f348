/* SPDX-License-Identifier: MIT */
/*
 * memseries: see memseries.h. The floor line is computed over the graph's
 * own points rather than the raw ticks: it is a picture of what the analysis
 * does, at the graph's resolution, and costs nothing extra to load.
 */
#include "tui/memseries.h"

#include <math.h>
#include <stdlib.h>

#include "analysis/leak.h"
#include "core/xalloc.h"
#include "views/graph.h"

/* The start of slot i (i == n: t1). */
static int64_t slot_start(size_t i, size_t n, int64_t t0, int64_t t1)
{
	return t0 + (int64_t)((double)(t1 - t0) * (double)i / (double)n);
}

/* The slot holding t, or -1 outside [t0, t1). */
static long slot_of(int64_t t, size_t n, int64_t t0, int64_t t1)
{
	if (t < t0 || t >= t1 || t1 <= t0)
		return -1;
	return (long)((double)(t - t0) * (double)n / (double)(t1 - t0));
}

void memseries_floor_line(const double *v, size_t n, int64_t t0, int64_t t1, double *line)
{
	struct leak_params params = leak_params_default();
	struct leak_point *pts, *floors;
	size_t np = 0, nf, k = 0;

	for (size_t i = 0; i < n; i++)
		line[i] = NAN;
	if (!n || t1 <= t0)
		return;
	pts = xmalloc(n * sizeof(*pts));
	floors = xmalloc(n * sizeof(*floors));
	for (size_t i = 0; i < n; i++)
		if (isfinite(v[i])) /* the middle of the slot */
			pts[np++] = (struct leak_point){(slot_start(i, n, t0, t1) +
							 slot_start(i + 1, n, t0, t1)) /
								2,
							v[i]};
	nf = leak_floors(pts, np, NULL, 0, &params, floors);
	for (size_t i = 0; i < n && nf; i++) {
		int64_t t = (slot_start(i, n, t0, t1) + slot_start(i + 1, n, t0, t1)) / 2;

		if (t < floors[0].t_ms || t > floors[nf - 1].t_ms)
			continue;
		while (k + 1 < nf && floors[k + 1].t_ms < t)
			k++;
		if (k + 1 == nf || floors[k + 1].t_ms == floors[k].t_ms)
			line[i] = floors[k].bytes;
		else
			line[i] = floors[k].bytes +
				  (floors[k + 1].bytes - floors[k].bytes) *
					  (double)(t - floors[k].t_ms) /
					  (double)(floors[k + 1].t_ms - floors[k].t_ms);
	}
	free(pts);
	free(floors);
}

void memseries_gc_marks(const struct jvm_gc_point *p, size_t np, int pid, int64_t t0,
			int64_t t1, size_t n, unsigned char *marks)
{
	for (size_t i = 0; i < n; i++)
		marks[i] = GRAPH_MARK_NONE;
	for (size_t k = 1; k < np; k++) {
		const struct jvm_gc_point *a = &p[k - 1], *b = &p[k];
		long slot = slot_of(b->t_ms, n, t0, t1);
		unsigned char m;

		if (slot < 0 || a->pid != pid || b->pid != pid ||
		    b->young_gcs < a->young_gcs || b->full_gcs < a->full_gcs)
			continue;
		m = b->full_gcs > a->full_gcs	  ? GRAPH_MARK_MAJOR
		    : b->young_gcs > a->young_gcs ? GRAPH_MARK_MINOR
						  : GRAPH_MARK_NONE;
		if (m > marks[slot])
			marks[slot] = m;
	}
}

void memseries_gc_pause_marks(const struct gc_pause *p, size_t np, int64_t t0, int64_t t1,
			      size_t n, unsigned char *marks)
{
	for (size_t i = 0; i < n; i++)
		marks[i] = GRAPH_MARK_NONE;
	for (size_t k = 0; k < np; k++) {
		long slot = slot_of(p[k].t_ms, n, t0, t1);
		unsigned char m = p[k].major ? GRAPH_MARK_MAJOR : GRAPH_MARK_MINOR;

		if (slot >= 0 && m > marks[slot])
			marks[slot] = m;
	}
}

void memseries_hold(const struct mapping_point *p, size_t np, int64_t t0, int64_t t1,
		    int64_t end_ms, size_t n, double *out)
{
	size_t k = 0;
	const struct mapping_point *last = NULL;

	for (size_t i = 0; i < n; i++) {
		int64_t end = slot_start(i + 1, n, t0, t1);

		while (k < np && p[k].t_ms < end)
			last = &p[k++];
		out[i] = last && slot_start(i, n, t0, t1) <= end_ms
				 ? (double)(last->anon + last->swap)
				 : NAN;
	}
}
