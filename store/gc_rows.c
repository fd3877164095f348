/* SPDX-License-Identifier: MIT */
/*
 * gc_rows: see gc_rows.h. The figures are analysis/gcstats's over the rows
 * read here, for report and the console alike.
 */
#include "store/gc_rows.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/store-internal.h"

/* A row as read: the collection, and its runtime. */
struct gc_row {
	struct gc_pause p;
	char runtime[8];
};

static void read_pause(sqlite3_stmt *st, void *row)
{
	struct gc_row *r = row;

	r->p.t_ms = sqlite3_column_int64(st, 0);
	r->p.pause_ms = sqlite3_column_double(st, 1);
	r->p.after_bytes = sqlite3_column_double(st, 2);
	r->p.major = sqlite3_column_int(st, 3) != 0;
	store_column_text(st, 4, r->runtime, sizeof(r->runtime));
}

struct gc_kind_row {
	char runtime[8], kind[32];
	uint64_t count;
};

static void read_kind(sqlite3_stmt *st, void *row)
{
	struct gc_kind_row *r = row;

	store_column_text(st, 0, r->runtime, sizeof(r->runtime));
	store_column_text(st, 1, r->kind, sizeof(r->kind));
	r->count = (uint64_t)sqlite3_column_int64(st, 2);
}

static int read_kinds(struct store *s, int64_t from_ms, int64_t to_ms,
		      struct gc_summary *out)
{
	static const char sql[] =
		"SELECT g.runtime, g.kind, count(*) FROM gc_events g JOIN ticks t"
		" ON t.seq = g.tick WHERE t.t_ms BETWEEN ?1 AND ?2"
		" GROUP BY 1, 2 ORDER BY 3 DESC, 2";
	struct gc_kind_row *rows = NULL;
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

int query_gc_pauses(struct store *s, int64_t from_ms, int64_t to_ms, int pid,
		    struct gc_pause **out, size_t *n, char *runtime, size_t len)
{
	static const char sql[] =
		"SELECT t.t_ms, g.pause_ms, g.after_bytes, g.major, g.runtime"
		" FROM gc_events g JOIN ticks t ON t.seq = g.tick"
		" WHERE t.t_ms BETWEEN ?1 AND ?2 AND (?3 = 0 OR g.pid = ?3)"
		" ORDER BY g.id";
	struct gc_row *rows = NULL;
	sqlite3_stmt *st;

	*out = NULL;
	*n = 0;
	if (len)
		runtime[0] = '\0';
	if (!store_has(s, STORE_SINCE_GC_EVENTS))
		return 0;
	if (store_prepare_cached(s, sql, &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, from_ms);
	sqlite3_bind_int64(st, 2, to_ms);
	sqlite3_bind_int(st, 3, pid);
	if (store_read_rows(s, st, (void **)&rows, n, sizeof(*rows), read_pause) < 0)
		return -1;
	if (!*n) {
		free(rows);
		return 0;
	}
	if (len)
		snprintf(runtime, len, "%s", rows[*n - 1].runtime);
	*out = xmalloc(*n * sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		(*out)[i] = rows[i].p;
	free(rows);
	return 0;
}

int query_gc_summary(struct store *s, int64_t from_ms, int64_t to_ms,
		     struct gc_summary *out)
{
	struct gc_pause *p;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (query_gc_pauses(s, from_ms, to_ms, 0, &p, &n, NULL, 0) < 0)
		return -1;
	gcstats_window(p, n, from_ms, to_ms, &out->stats);
	free(p);
	if (!out->stats.count)
		return 0;
	return read_kinds(s, from_ms, to_ms, out) < 0 ? -1 : 1;
}
