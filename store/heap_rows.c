/* SPDX-License-Identifier: MIT */
/* heap_rows: see heap_rows.h. */
#include "store/heap_rows.h"

#include <sqlite3.h>
#include <string.h>

#include "store/store-internal.h"

static int write_rollup(struct store *s, const struct frame *f)
{
	const struct heap_rollup *r = f->rollup;
	sqlite3_stmt *st = store_stmt(s, STMT_HEAP_ROLLUP);

	store_bind_u64(st, 1, f->seq);
	sqlite3_bind_int(st, 2, f->target->pid);
	/* Pss, Private_Dirty, Anonymous and Swap are in every smaps_rollup */
	store_bind_u64(st, 3, r->pss);
	store_bind_u64(st, 4, r->private_dirty);
	store_bind_u64(st, 5, r->anonymous);
	store_bind_u64_if(st, 6, r->lazyfree, r->have & HEAP_ROLLUP_HAVE_LAZYFREE);
	store_bind_u64(st, 7, r->swap);
	sqlite3_bind_int64(st, 8, r->cost_ns);
	return store_exec_stmt(s, st, "cannot write the heap rollup");
}

static int write_jvm(struct store *s, const struct frame *f)
{
	const struct jvm_sample *j = f->jvm;
	sqlite3_stmt *st = store_stmt(s, STMT_JVM);
	int i = 1;

	store_bind_u64(st, i++, f->seq);
	sqlite3_bind_int(st, i++, j->pid);
	store_bind_u64(st, i++, j->young_used);
	store_bind_u64(st, i++, j->young_capacity);
	store_bind_u64(st, i++, j->old_used);
	store_bind_u64(st, i++, j->old_capacity);
	store_bind_u64(st, i++, j->meta_used);
	store_bind_u64(st, i++, j->meta_capacity);
	store_bind_u64(st, i++, j->young_gcs);
	sqlite3_bind_double(st, i++, j->young_gc_ms);
	store_bind_u64(st, i++, j->full_gcs + j->concurrent_gcs);
	sqlite3_bind_double(st, i++, j->full_gc_ms + j->concurrent_gc_ms);
	store_bind_u64_if(st, i++, j->old_after_gc, j->have & JVM_HAVE_OLD_AFTER_GC);
	return store_exec_stmt(s, st, "cannot write the JVM sample");
}

static int write_leak(struct store *s, const struct frame *f)
{
	const struct heap_verdict *v = f->leak;
	sqlite3_stmt *st = store_stmt(s, STMT_LEAK);

	store_bind_u64(st, 1, f->seq);
	sqlite3_bind_int(st, 2, f->target->pid);
	sqlite3_bind_text(st, 3, v->source, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, v->state, -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(st, 5, v->rate_bytes_per_hour);
	sqlite3_bind_double(st, 6, v->confidence);
	if (v->since_ms > 0)
		sqlite3_bind_int64(st, 7, v->since_ms);
	if (v->time_to_limit_s >= 0)
		sqlite3_bind_double(st, 8, v->time_to_limit_s);
	store_bind_u64_if(st, 9, v->limit_bytes, v->limit_bytes > 0);
	store_bind_u64(st, 10, v->floor_bytes);
	return store_exec_stmt(s, st, "cannot write the leak verdict");
}

int store_write_heap(struct store *s, const struct frame *f)
{
	if (!f->target)
		return 0;
	if (f->rollup && write_rollup(s, f) < 0)
		return -1;
	if (f->jvm && write_jvm(s, f) < 0)
		return -1;
	if (f->leak && write_leak(s, f) < 0)
		return -1;
	return 0;
}

int query_leak_verdict_at(struct store *s, int64_t t_ms, struct heap_verdict *out,
			  int64_t *at_ms)
{
	sqlite3_stmt *st;
	bool began;
	int rc;

	memset(out, 0, sizeof(*out));
	if (s->version < 3)
		return 0;
	if (store_prepare(
		    s,
		    "SELECT t.t_ms, source, verdict, rate_bytes_per_hour, confidence,"
		    " since_ms, time_to_limit_s, limit_bytes, floor_bytes"
		    " FROM leak_verdicts v JOIN ticks t ON t.seq = v.tick"
		    " WHERE t.t_ms <= ?1 ORDER BY v.tick DESC LIMIT 1",
		    &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, t_ms);
	if (store_read_begin(s, &began) < 0) {
		sqlite3_finalize(st);
		return -1;
	}
	rc = store_step(s, st);
	if (rc > 0) {
		*at_ms = sqlite3_column_int64(st, 0);
		store_column_text(st, 1, out->source, sizeof(out->source));
		store_column_text(st, 2, out->state, sizeof(out->state));
		out->rate_bytes_per_hour = sqlite3_column_double(st, 3);
		out->confidence = sqlite3_column_double(st, 4);
		out->since_ms = sqlite3_column_int64(st, 5);
		out->time_to_limit_s = sqlite3_column_type(st, 6) == SQLITE_NULL
					       ? -1
					       : sqlite3_column_double(st, 6);
		out->limit_bytes = store_column_u64(st, 7);
		out->floor_bytes = store_column_u64(st, 8);
	}
	store_read_end(s, began);
	sqlite3_finalize(st);
	return rc;
}
