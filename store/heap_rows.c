/* SPDX-License-Identifier: MIT */
/* heap_rows: see heap_rows.h. */
#include "store/heap_rows.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
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

static int write_gcs(struct store *s, const struct frame *f)
{
	for (size_t k = 0; k < f->ngcs; k++) {
		const struct gc_record *g = &f->gcs[k];
		sqlite3_stmt *st = store_stmt(s, STMT_GC);
		int i = 1;

		store_bind_u64(st, i++, f->seq);
		sqlite3_bind_int(st, i++, f->target->pid);
		sqlite3_bind_text(st, i++, g->runtime, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, i++, g->kind, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, i++, g->major);
		sqlite3_bind_double(st, i++, g->runtime_ms);
		sqlite3_bind_double(st, i++, g->pause_ms);
		sqlite3_bind_int64(st, i++, (int64_t)g->before_bytes);
		sqlite3_bind_int64(st, i++, (int64_t)g->after_bytes);
		if (store_exec_stmt(s, st, "cannot write the GC event") < 0)
			return -1;
	}
	return 0;
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

/* The id of the target's region key, created on first sight. */
static int mapping_id(struct store *s, const struct frame *f, const char *key,
		      const char *kind, const char *name, int64_t *id)
{
	sqlite3_stmt *st = store_stmt(s, STMT_MAPPING);

	sqlite3_bind_int(st, 1, f->target->pid);
	store_bind_u64(st, 2, f->target->start_ticks);
	sqlite3_bind_text(st, 3, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, name, -1, SQLITE_STATIC);
	return store_exec_returning_id(s, st, "cannot write a mapping", id);
}

static int write_mappings(struct store *s, const struct frame *f)
{
	const struct heap_mapping_set *set = f->mappings;
	sqlite3_stmt *st = store_stmt(s, STMT_SMAPS_READ);

	store_bind_u64(st, 1, f->seq);
	store_bind_u64(st, 2, set->nvmas);
	sqlite3_bind_int64(st, 3, set->cost_ns);
	if (store_exec_stmt(s, st, "cannot write the smaps reading") < 0)
		return -1;
	for (size_t i = 0; i < set->n; i++) {
		const struct heap_mapping *m = &set->maps[i];
		int64_t id;

		if (mapping_id(s, f, m->key, heap_kind_name(m->kind), m->name, &id) < 0)
			return -1;
		st = store_stmt(s, STMT_MAPPING_SAMPLE);
		sqlite3_bind_int64(st, 1, id);
		store_bind_u64(st, 2, f->seq);
		store_bind_u64(st, 3, m->size);
		store_bind_u64(st, 4, m->rss);
		store_bind_u64(st, 5, m->anon);
		store_bind_u64(st, 6, m->swap);
		store_bind_u64(st, 7, m->pss);
		if (store_exec_stmt(s, st, "cannot write a mapping sample") < 0)
			return -1;
	}
	return 0;
}

static int write_suspects(struct store *s, const struct frame *f)
{
	for (size_t i = 0; i < f->nsuspects; i++) {
		const struct heap_suspect *h = &f->suspects[i];
		bool region = !strcmp(h->kind, "mapping");
		sqlite3_stmt *st;
		int64_t id = 0;

		/* a region raised before smaps rows were written for this
		 * target (the first reading) gets its row here */
		if (region && mapping_id(s, f, h->key, h->region, h->name, &id) < 0)
			return -1;
		st = store_stmt(s, STMT_SUSPECT);
		store_bind_u64(st, 1, f->seq);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		sqlite3_bind_text(st, 3, h->kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, h->name, -1, SQLITE_STATIC);
		if (region)
			sqlite3_bind_int64(st, 5, id);
		sqlite3_bind_double(st, 6, h->rate_bytes_per_hour);
		store_bind_u64(st, 7, h->size_bytes);
		if (h->since_ms > 0)
			sqlite3_bind_int64(st, 8, h->since_ms);
		if (store_exec_stmt(s, st, "cannot write a leak suspect") < 0)
			return -1;
	}
	return 0;
}

int store_write_heap(struct store *s, const struct frame *f)
{
	if (!f->target)
		return 0;
	if (f->rollup && write_rollup(s, f) < 0)
		return -1;
	if (f->jvm && write_jvm(s, f) < 0)
		return -1;
	if (f->ngcs && write_gcs(s, f) < 0)
		return -1;
	if (f->mappings && write_mappings(s, f) < 0)
		return -1;
	if (f->leak && (write_leak(s, f) < 0 || write_suspects(s, f) < 0))
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
	if (!store_has(s, STORE_SINCE_HEAP))
		return 0;
	if (store_prepare_cached(
		    s,
		    "SELECT t.t_ms, source, verdict, rate_bytes_per_hour, confidence,"
		    " since_ms, time_to_limit_s, limit_bytes, floor_bytes"
		    " FROM leak_verdicts v JOIN ticks t ON t.seq = v.tick"
		    " WHERE t.t_ms <= ?1 ORDER BY v.tick DESC LIMIT 1",
		    &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, t_ms);
	if (store_read_begin(s, &began) < 0) {
		store_finish(s, st);
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
	store_finish(s, st);
	return rc;
}

int query_leak_suspects_at(struct store *s, int64_t t_ms, struct heap_suspect *out,
			   size_t cap)
{
	sqlite3_stmt *st;
	bool began;
	int rc, n = 0;

	if (!store_has(s, STORE_SINCE_HEAP) || !cap)
		return 0;
	/* the suspects of the latest verdict at or before t_ms, none if that
	 * verdict raised none */
	if (store_prepare_cached(
		    s,
		    "SELECT x.kind, x.name, x.rate_bytes_per_hour, x.size_bytes,"
		    " x.since_ms, x.mapping, m.kind, m.key"
		    " FROM leak_suspects x LEFT JOIN mappings m ON m.id = x.mapping"
		    " WHERE x.tick = (SELECT v.tick FROM leak_verdicts v"
		    "  JOIN ticks t ON t.seq = v.tick WHERE t.t_ms <= ?1"
		    "  ORDER BY v.tick DESC LIMIT 1)"
		    " ORDER BY x.rank LIMIT ?2",
		    &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, t_ms);
	sqlite3_bind_int64(st, 2, (int64_t)cap);
	if (store_read_begin(s, &began) < 0) {
		store_finish(s, st);
		return -1;
	}
	while ((rc = store_step(s, st)) > 0) {
		struct heap_suspect *h = &out[n++];

		memset(h, 0, sizeof(*h));
		store_column_text(st, 0, h->kind, sizeof(h->kind));
		store_column_text(st, 1, h->name, sizeof(h->name));
		h->rate_bytes_per_hour = sqlite3_column_double(st, 2);
		h->size_bytes = store_column_u64(st, 3);
		h->since_ms = sqlite3_column_int64(st, 4);
		h->mapping_id = sqlite3_column_int64(st, 5);
		store_column_text(st, 6, h->region, sizeof(h->region));
		store_column_text(st, 7, h->key, sizeof(h->key));
	}
	store_read_end(s, began);
	store_finish(s, st);
	return rc < 0 ? -1 : n;
}

int query_mappings_at(struct store *s, int64_t t_ms, struct mapping_row *out, size_t cap,
		      int64_t *read_ms, uint64_t *nvmas)
{
	sqlite3_stmt *st;
	int64_t tick = -1;
	bool began;
	int rc, n = 0;

	if (!store_has(s, STORE_SINCE_HEAP) || !cap)
		return 0;
	if (store_read_begin(s, &began) < 0)
		return -1;
	if (store_prepare_cached(s,
				 "SELECT r.tick, t.t_ms, r.mappings FROM smaps_reads r"
				 " JOIN ticks t ON t.seq = r.tick WHERE t.t_ms <= ?1"
				 " ORDER BY r.tick DESC LIMIT 1",
				 &st) < 0)
		goto fail;
	sqlite3_bind_int64(st, 1, t_ms);
	rc = store_step(s, st);
	if (rc > 0) {
		tick = sqlite3_column_int64(st, 0);
		if (read_ms)
			*read_ms = sqlite3_column_int64(st, 1);
		if (nvmas)
			*nvmas = store_column_u64(st, 2);
	}
	store_finish(s, st);
	if (rc <= 0) {
		store_read_end(s, began);
		return rc;
	}
	if (store_prepare_cached(
		    s,
		    "SELECT m.id, m.kind, m.key, m.name, x.size, x.rss, x.anon,"
		    " x.swap, x.pss FROM mapping_samples x"
		    " JOIN mappings m ON m.id = x.mapping WHERE x.tick = ?1"
		    " ORDER BY x.anon + x.swap DESC, m.key LIMIT ?2",
		    &st) < 0)
		goto fail;
	sqlite3_bind_int64(st, 1, tick);
	sqlite3_bind_int64(st, 2, (int64_t)cap);
	while ((rc = store_step(s, st)) > 0) {
		struct mapping_row *r = &out[n++];

		r->mapping_id = sqlite3_column_int64(st, 0);
		store_column_text(st, 1, r->kind, sizeof(r->kind));
		store_column_text(st, 2, r->key, sizeof(r->key));
		store_column_text(st, 3, r->name, sizeof(r->name));
		r->size = store_column_u64(st, 4);
		r->rss = store_column_u64(st, 5);
		r->anon = store_column_u64(st, 6);
		r->swap = store_column_u64(st, 7);
		r->pss = store_column_u64(st, 8);
	}
	store_finish(s, st);
	store_read_end(s, began);
	return rc < 0 ? -1 : n;
fail:
	store_read_end(s, began);
	return -1;
}

static void read_mapping_point(sqlite3_stmt *st, void *row)
{
	struct mapping_point *p = row;

	p->t_ms = sqlite3_column_int64(st, 0);
	p->size = store_column_u64(st, 1);
	p->rss = store_column_u64(st, 2);
	p->anon = store_column_u64(st, 3);
	p->swap = store_column_u64(st, 4);
	p->pss = store_column_u64(st, 5);
}

int query_mapping_history(struct store *s, int64_t mapping_id, int64_t from_ms,
			  int64_t to_ms, struct mapping_point **out, size_t *n)
{
	sqlite3_stmt *st;

	*out = NULL;
	*n = 0;
	if (!store_has(s, STORE_SINCE_HEAP))
		return 0;
	if (store_prepare_cached(s,
				 "SELECT t.t_ms, x.size, x.rss, x.anon, x.swap, x.pss"
				 " FROM mapping_samples x JOIN ticks t ON t.seq = x.tick"
				 " WHERE x.mapping = ?1 AND t.t_ms BETWEEN ?2 AND ?3"
				 " ORDER BY x.tick",
				 &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, mapping_id);
	sqlite3_bind_int64(st, 2, from_ms);
	sqlite3_bind_int64(st, 3, to_ms);
	return store_read_rows(s, st, (void **)out, n, sizeof(**out), read_mapping_point);
}
