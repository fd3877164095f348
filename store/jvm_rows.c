/* SPDX-License-Identifier: MIT */
/* jvm_rows: see jvm_rows.h. */
#include "store/jvm_rows.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/store-internal.h"

/* The columns of query_jvm_at, in the order read_sample reads them. */
#define JVM_SELECT                                                                       \
	"SELECT t.t_ms, j.pid, young_used, young_capacity, old_used, old_capacity,"      \
	" meta_used, meta_capacity, young_gcs, young_gc_ms, full_gcs, full_gc_ms,"       \
	" old_after_gc FROM jvm_samples j JOIN ticks t ON t.seq = j.tick"

/* A NULL column is a figure the reading did not have. */
static bool have_all(sqlite3_stmt *st, int from, int to)
{
	for (int i = from; i <= to; i++)
		if (sqlite3_column_type(st, i) == SQLITE_NULL)
			return false;
	return true;
}

static void read_sample(sqlite3_stmt *st, struct jvm_sample *j)
{
	memset(j, 0, sizeof(*j));
	j->t_ms = sqlite3_column_int64(st, 0);
	j->pid = sqlite3_column_int(st, 1);
	j->young_used = store_column_u64(st, 2);
	j->young_capacity = store_column_u64(st, 3);
	j->old_used = store_column_u64(st, 4);
	j->old_capacity = store_column_u64(st, 5);
	j->meta_used = store_column_u64(st, 6);
	j->meta_capacity = store_column_u64(st, 7);
	j->young_gcs = store_column_u64(st, 8);
	j->young_gc_ms = sqlite3_column_double(st, 9);
	j->full_gcs = store_column_u64(st, 10);
	j->full_gc_ms = sqlite3_column_double(st, 11);
	j->old_after_gc = store_column_u64(st, 12);
	j->have = (have_all(st, 2, 3) ? JVM_HAVE_YOUNG : 0) |
		  (have_all(st, 4, 5) ? JVM_HAVE_OLD : 0) |
		  (have_all(st, 6, 7) ? JVM_HAVE_META : 0) |
		  (have_all(st, 8, 11) ? JVM_HAVE_GC : 0) |
		  (have_all(st, 12, 12) ? JVM_HAVE_OLD_AFTER_GC : 0);
}

int query_jvm_at(struct store *s, int64_t t_ms, struct jvm_sample *out)
{
	sqlite3_stmt *st;
	bool began;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!store_has(s, STORE_SINCE_JVM))
		return 0;
	if (store_prepare_cached(
		    s, JVM_SELECT " WHERE t.t_ms <= ?1 ORDER BY j.tick DESC LIMIT 1",
		    &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, t_ms);
	if (store_read_begin(s, &began) < 0) {
		store_finish(s, st);
		return -1;
	}
	rc = store_step(s, st);
	if (rc > 0)
		read_sample(st, out);
	store_read_end(s, began);
	store_finish(s, st);
	return rc;
}

static void read_gc_point(sqlite3_stmt *st, void *row)
{
	struct jvm_gc_point *p = row;

	p->t_ms = sqlite3_column_int64(st, 0);
	p->pid = sqlite3_column_int(st, 1);
	p->young_gcs = store_column_u64(st, 2);
	p->young_gc_ms = sqlite3_column_double(st, 3);
	p->full_gcs = store_column_u64(st, 4);
	p->full_gc_ms = sqlite3_column_double(st, 5);
}

int query_jvm_gcs(struct store *s, int64_t from_ms, int64_t to_ms,
		  struct jvm_gc_point **out, size_t *n)
{
	/* readings without counters (JVM_HAVE_GC missing) would look like resets */
	static const char sql[] =
		"SELECT * FROM (SELECT t.t_ms, j.pid, young_gcs, young_gc_ms, full_gcs,"
		" full_gc_ms FROM jvm_samples j JOIN ticks t ON t.seq = j.tick"
		" WHERE t.t_ms < ?1 AND young_gcs IS NOT NULL AND full_gcs IS NOT NULL"
		" ORDER BY t.t_ms DESC LIMIT 1)"
		" UNION ALL SELECT t.t_ms, j.pid, young_gcs, young_gc_ms, full_gcs,"
		" full_gc_ms FROM jvm_samples j JOIN ticks t ON t.seq = j.tick"
		" WHERE t.t_ms BETWEEN ?1 AND ?2 AND young_gcs IS NOT NULL"
		" AND full_gcs IS NOT NULL ORDER BY 1";
	sqlite3_stmt *st;

	*out = NULL;
	*n = 0;
	if (!store_has(s, STORE_SINCE_JVM))
		return 0;
	if (store_prepare_cached(s, sql, &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, from_ms);
	sqlite3_bind_int64(st, 2, to_ms);
	return store_read_rows(s, st, (void **)out, n, sizeof(**out), read_gc_point);
}
