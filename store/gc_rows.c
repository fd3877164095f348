/* SPDX-License-Identifier: MIT */
/* gc_rows: see gc_rows.h. Percentiles are nearest-rank over the pauses. */
#include "store/gc_rows.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/store-internal.h"

static void read_pause(sqlite3_stmt *st, void *row)
{
	*(double *)row = sqlite3_column_double(st, 0);
}

static void read_kind(sqlite3_stmt *st, void *row)
{
	struct gc_kind_row {
		char runtime[8], kind[32];
		uint64_t count;
	} *r = row;

	store_column_text(st, 0, r->runtime, sizeof(r->runtime));
	store_column_text(st, 1, r->kind, sizeof(r->kind));
	r->count = (uint64_t)sqlite3_column_int64(st, 2);
}

/* Nearest rank: the smallest pause with at least q of them at or below. */
static double rank(const double *v, size_t n, double q)
{
	size_t i = (size_t)ceil(q * (double)n);

	return v[i ? i - 1 : 0];
}

static int read_kinds(struct store *s, int64_t from_ms, int64_t to_ms,
		      struct gc_summary *out)
{
	static const char sql[] =
		"SELECT g.runtime, g.kind, count(*) FROM gc_events g JOIN ticks t"
		" ON t.seq = g.tick WHERE t.t_ms BETWEEN ?1 AND ?2"
		" GROUP BY 1, 2 ORDER BY 3 DESC, 2";
	struct gc_kind_row {
		char runtime[8], kind[32];
		uint64_t count;
	} *rows = NULL;
	size_t n = 0;
	sqlite3_stmt *st;

	if (store_prepare_cached(s, sql, &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, from_ms);
	sqlite3_bind_int64(st, 2, to_ms);
	if (store_read_rows(s, st, (void **)&rows, &n, sizeof(*rows), read_kind) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (i == 0)
			snprintf(out->runtime, sizeof(out->runtime), "%s",
				 rows[i].runtime);
		if (out->nkinds < GC_KINDS_MAX) {
			snprintf(out->kinds[out->nkinds].kind, sizeof(out->kinds[0].kind),
				 "%s", rows[i].kind);
			out->kinds[out->nkinds++].count = rows[i].count;
		}
	}
	free(rows);
	return 0;
}

int query_gc_summary(struct store *s, int64_t from_ms, int64_t to_ms,
		     struct gc_summary *out)
{
	static const char sql[] =
		"SELECT g.pause_ms FROM gc_events g JOIN ticks t ON t.seq = g.tick"
		" WHERE t.t_ms BETWEEN ?1 AND ?2 ORDER BY 1";
	double *p = NULL;
	size_t n = 0;
	sqlite3_stmt *st;

	memset(out, 0, sizeof(*out));
	if (!store_has(s, STORE_SINCE_GC_EVENTS))
		return 0;
	if (store_prepare_cached(s, sql, &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, from_ms);
	sqlite3_bind_int64(st, 2, to_ms);
	if (store_read_rows(s, st, (void **)&p, &n, sizeof(*p), read_pause) < 0)
		return -1;
	if (!n)
		return 0;
	out->count = n;
	for (size_t i = 0; i < n; i++)
		out->total_ms += p[i];
	out->p50_ms = rank(p, n, 0.50);
	out->p99_ms = rank(p, n, 0.99);
	out->max_ms = p[n - 1];
	out->share = to_ms > from_ms ? out->total_ms / (double)(to_ms - from_ms) : 0;
	free(p);
	return read_kinds(s, from_ms, to_ms, out) < 0 ? -1 : 1;
}
