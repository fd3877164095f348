/* SPDX-License-Identifier: MIT */
/* app_rows: see app_rows.h. */
#include "store/app_rows.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hdr.h"
#include "core/xalloc.h"
#include "store/store-internal.h"

/* ---- writing ---- */

static int write_ingest(struct store *s, const struct frame *f)
{
	const struct app_metrics *m = f->app;
	sqlite3_stmt *st = store_stmt(s, STMT_APP_INGEST);
	char bad[1024];
	size_t off = 0;

	off += (size_t)snprintf(bad, sizeof(bad), "{");
	for (int i = 0; i < APP_BAD_N && off < sizeof(bad); i++)
		off += (size_t)snprintf(bad + off, sizeof(bad) - off, "%s\"%s\": %llu",
					i ? ", " : "", app_bad_name((enum app_bad)i),
					(unsigned long long)m->bad[i]);
	if (off < sizeof(bad))
		snprintf(bad + off, sizeof(bad) - off, "}");
	store_bind_u64(st, 1, f->seq);
	store_bind_u64(st, 2, m->packets);
	store_bind_u64(st, 3, m->lines);
	store_bind_u64(st, 4, m->dropped);
	sqlite3_bind_text(st, 5, bad, -1, SQLITE_TRANSIENT);
	return store_exec_stmt(s, st, "cannot write the StatsD counts");
}

/* The id of (name, kind), created on first sight. */
static int metric_id(struct store *s, const struct app_metric *a, int64_t *id)
{
	sqlite3_stmt *st = store_stmt(s, STMT_APP_METRIC);
	char kind[2] = {a->kind, '\0'};

	sqlite3_bind_text(st, 1, a->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_TRANSIENT);
	return store_exec_returning_id(s, st, "cannot write a StatsD metric", id);
}

int store_write_app(struct store *s, const struct frame *f)
{
	uint8_t *blob = NULL;
	size_t cap = 0;
	int rc = 0;

	if (!f->app)
		return 0;
	if (write_ingest(s, f) < 0)
		return -1;
	for (size_t i = 0; i < f->app->n && rc == 0; i++) {
		const struct app_metric *a = &f->app->metrics[i];
		sqlite3_stmt *st;
		int64_t id;

		if (metric_id(s, a, &id) < 0) {
			rc = -1;
			break;
		}
		st = store_stmt(s, STMT_APP_SAMPLE);
		sqlite3_bind_int64(st, 1, id);
		store_bind_u64(st, 2, f->seq);
		store_bind_u64(st, 3, a->count);
		if (a->hist) {
			size_t len = hdr_encode(a->hist, NULL, 0);

			blob = xgrow(blob, &cap, len, 1);
			hdr_encode(a->hist, blob, len);
			sqlite3_bind_blob(st, 5, blob, (int)len, SQLITE_STATIC);
		} else {
			sqlite3_bind_double(st, 4, a->value);
		}
		if (a->kind == APP_GAUGE) {
			sqlite3_bind_double(st, 6, a->lo);
			sqlite3_bind_double(st, 7, a->hi);
		}
		rc = store_exec_stmt(s, st, "cannot write a StatsD sample");
	}
	free(blob);
	return rc;
}

/* ---- reading ---- */

static double ns_to_ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

/* The figures of one merged timer; per_s is left to the caller. */
static void fill_stat(struct timer_stat *t, const struct hdr *h)
{
	t->count = hdr_count(h);
	t->clamped = hdr_clamped(h);
	t->p50_ms = ns_to_ms(hdr_value_at_ppm(h, 500000));
	t->p90_ms = ns_to_ms(hdr_value_at_ppm(h, 900000));
	t->p99_ms = ns_to_ms(hdr_value_at_ppm(h, 990000));
	t->p999_ms = ns_to_ms(hdr_value_at_ppm(h, 999000));
	t->max_ms = ns_to_ms(hdr_max(h));
	t->mean_ms = hdr_mean(h) / 1e6;
}

/* What the window covers: its last recorded tick and the session's tick
 * interval (ms, at least 1). 0 or -1. */
struct cover {
	int64_t last_ms, interval_ms;
};

static int window_cover(struct store *s, int64_t t0, int64_t t1, struct cover *c)
{
	sqlite3_stmt *st;
	int rc;

	c->last_ms = t1;
	c->interval_ms = 1000;
	if (store_prepare_cached(s,
				 "SELECT (SELECT max(t_ms) FROM ticks WHERE t_ms BETWEEN "
				 "?1 AND ?2), (SELECT interval_ms FROM sessions)",
				 &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, t0);
	sqlite3_bind_int64(st, 2, t1);
	rc = store_step(s, st);
	if (rc > 0) {
		if (sqlite3_column_type(st, 0) != SQLITE_NULL)
			c->last_ms = sqlite3_column_int64(st, 0);
		if (sqlite3_column_int64(st, 1) > 0)
			c->interval_ms = sqlite3_column_int64(st, 1);
	}
	store_finish(s, st);
	return rc < 0 ? -1 : 0;
}

/* n over the time covered from the tick at first_ms (see app_rows.h). */
static double rate_from(double n, int64_t first_ms, const struct cover *c)
{
	double span = (double)(c->last_ms - first_ms + c->interval_ms) / 1000.0;

	return span > 0 ? n / span : NAN;
}

int query_timers(struct store *s, int64_t t0, int64_t t1, struct timer_stat **out,
		 size_t *n)
{
	sqlite3_stmt *st;
	struct hdr *h = NULL;
	struct cover cov;
	int64_t cur = -1, *first = NULL;
	size_t cap = 0, fcap = 0;
	bool began;
	int rc;

	*out = NULL;
	*n = 0;
	if (!store_has(s, STORE_SINCE_APP))
		return 0;
	if (store_read_begin(s, &began) < 0)
		return -1;
	if (window_cover(s, t0, t1, &cov) < 0 ||
	    store_prepare_cached(
		    s,
		    "SELECT m.id, m.name, a.hist, t.t_ms FROM app_samples a"
		    " JOIN app_metrics m ON m.id = a.metric JOIN ticks t ON t.seq "
		    "= a.tick"
		    " WHERE m.kind = 't' AND t.t_ms BETWEEN ?1 AND ?2"
		    " ORDER BY m.name, t.t_ms",
		    &st) < 0) {
		store_read_end(s, began);
		return -1;
	}
	sqlite3_bind_int64(st, 1, t0);
	sqlite3_bind_int64(st, 2, t1);
	h = hdr_new();
	while ((rc = store_step(s, st)) > 0) {
		int64_t id = sqlite3_column_int64(st, 0);

		if (id != cur) {
			if (cur >= 0)
				fill_stat(&(*out)[*n - 1], h);
			*out = xgrow(*out, &cap, *n + 1, sizeof(**out));
			first = xgrow(first, &fcap, *n + 1, sizeof(*first));
			memset(&(*out)[*n], 0, sizeof(**out));
			store_column_text(st, 1, (*out)[*n].name,
					  sizeof((*out)[*n].name));
			first[*n] = sqlite3_column_int64(st, 3);
			(*n)++;
			hdr_reset(h);
			cur = id;
		}
		/* a damaged blob is skipped, never trusted */
		hdr_decode_merge(h, sqlite3_column_blob(st, 2),
				 (size_t)sqlite3_column_bytes(st, 2));
	}
	if (cur >= 0 && rc == 0)
		fill_stat(&(*out)[*n - 1], h);
	store_read_end(s, began);
	store_finish(s, st);
	hdr_free(h);
	for (size_t i = 0; rc == 0 && i < *n; i++)
		(*out)[i].per_s = rate_from((double)(*out)[i].count, first[i], &cov);
	free(first);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

/* Gauges' lo and hi columns: NULL before schema 4, value stands in. */
static const char *gauge_range_sql(const struct store *s)
{
	return store_has(s, STORE_SINCE_GAUGE_RANGE)
		       ? "coalesce(a.lo, a.value), coalesce(a.hi, a.value)"
		       : "a.value, a.value";
}

/* Folds one row (count, value, lo, hi at columns c..c+3) into v. */
static void fold_value(struct app_value_stat *v, sqlite3_stmt *st, int c, bool first)
{
	double value = sqlite3_column_double(st, c + 1);
	double lo = sqlite3_column_double(st, c + 2),
	       hi = sqlite3_column_double(st, c + 3);

	v->count += store_column_u64(st, c);
	if (v->kind == APP_COUNTER) {
		v->total += value;
		return;
	}
	v->last = value;
	if (first || lo < v->min)
		v->min = lo;
	if (first || hi > v->max)
		v->max = hi;
}

int query_app_values(struct store *s, int64_t t0, int64_t t1, struct app_value_stat **out,
		     size_t *n)
{
	char sql[512];
	sqlite3_stmt *st;
	struct cover cov;
	int64_t cur = -1, *first = NULL;
	size_t cap = 0, fcap = 0;
	bool began;
	int rc;

	*out = NULL;
	*n = 0;
	if (!store_has(s, STORE_SINCE_APP))
		return 0;
	snprintf(sql, sizeof(sql),
		 "SELECT m.id, m.name, m.kind, t.t_ms, a.count, a.value, %s"
		 " FROM app_samples a JOIN app_metrics m ON m.id = a.metric"
		 " JOIN ticks t ON t.seq = a.tick"
		 " WHERE m.kind IN ('c', 'g') AND t.t_ms BETWEEN ?1 AND ?2"
		 " ORDER BY m.kind, m.name, t.t_ms",
		 gauge_range_sql(s));
	if (store_read_begin(s, &began) < 0)
		return -1;
	if (window_cover(s, t0, t1, &cov) < 0 || store_prepare_cached(s, sql, &st) < 0) {
		store_read_end(s, began);
		return -1;
	}
	sqlite3_bind_int64(st, 1, t0);
	sqlite3_bind_int64(st, 2, t1);
	while ((rc = store_step(s, st)) > 0) {
		int64_t id = sqlite3_column_int64(st, 0);
		bool fresh = id != cur;

		if (fresh) {
			*out = xgrow(*out, &cap, *n + 1, sizeof(**out));
			first = xgrow(first, &fcap, *n + 1, sizeof(*first));
			memset(&(*out)[*n], 0, sizeof(**out));
			store_column_text(st, 1, (*out)[*n].name,
					  sizeof((*out)[*n].name));
			(*out)[*n].kind = store_column_char(st, 2);
			first[*n] = sqlite3_column_int64(st, 3);
			(*n)++;
			cur = id;
		}
		fold_value(&(*out)[*n - 1], st, 4, fresh);
	}
	store_read_end(s, began);
	store_finish(s, st);
	for (size_t i = 0; rc == 0 && i < *n; i++)
		(*out)[i].per_s = (*out)[i].kind == APP_COUNTER
					  ? rate_from((*out)[i].total, first[i], &cov)
					  : NAN;
	free(first);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

static void fill_name(sqlite3_stmt *st, void *row)
{
	struct app_name *a = row;

	store_column_text(st, 0, a->name, sizeof(a->name));
	a->kind = store_column_char(st, 1);
}

int query_app_names(struct store *s, int64_t t0, int64_t t1, struct app_name **out,
		    size_t *n)
{
	sqlite3_stmt *st;

	*out = NULL;
	*n = 0;
	if (!store_has(s, STORE_SINCE_APP))
		return 0;
	if (store_prepare_cached(s,
				 "SELECT m.name, m.kind FROM app_metrics m WHERE EXISTS"
				 " (SELECT 1 FROM app_samples a JOIN ticks t ON t.seq = "
				 "a.tick"
				 " WHERE a.metric = m.id AND t.t_ms BETWEEN ?1 AND ?2)"
				 " ORDER BY m.kind, m.name",
				 &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, t0);
	sqlite3_bind_int64(st, 2, t1);
	return store_read_rows(s, st, (void **)out, n, sizeof(**out), fill_name);
}

/* What fill_tick needs besides the row: a histogram to decode into (reused
 * across rows) and the window's cover. */
struct tick_ctx {
	struct hdr *h;
	const struct cover *cover;
};

/* One row of query_app_ticks: t_ms, count, value, lo, hi, hist. */
static int fill_tick(sqlite3_stmt *st, void *row, void *arg)
{
	const struct tick_ctx *ctx = arg;
	const struct cover *c = ctx->cover;
	struct hdr *h = ctx->h;
	struct app_tick *k = row;

	memset(k, 0, sizeof(*k));
	k->t_ms = sqlite3_column_int64(st, 0);
	k->count = store_column_u64(st, 1);
	k->value = sqlite3_column_double(st, 2);
	k->per_s = k->value * 1000.0 / (double)c->interval_ms;
	k->lo = sqlite3_column_double(st, 3);
	k->hi = sqlite3_column_double(st, 4);
	if (sqlite3_column_type(st, 5) != SQLITE_BLOB)
		return 0;
	hdr_reset(h);
	if (hdr_decode_merge(h, sqlite3_column_blob(st, 5),
			     (size_t)sqlite3_column_bytes(st, 5)) < 0)
		return 0; /* damaged: the tick reads as empty */
	k->count = hdr_count(h);
	k->clamped = hdr_clamped(h);
	k->p50_ms = ns_to_ms(hdr_value_at_ppm(h, 500000));
	k->p90_ms = ns_to_ms(hdr_value_at_ppm(h, 900000));
	k->p99_ms = ns_to_ms(hdr_value_at_ppm(h, 990000));
	k->p999_ms = ns_to_ms(hdr_value_at_ppm(h, 999000));
	k->max_ms = ns_to_ms(hdr_max(h));
	return 0;
}

int query_app_ticks(struct store *s, const char *name, char kind, int64_t t0, int64_t t1,
		    struct app_tick **out, size_t *n)
{
	char sql[512], kind_text[2] = {kind, '\0'};
	sqlite3_stmt *st;
	struct cover cov;
	struct tick_ctx ctx = {.cover = &cov};
	bool began;
	int rc;

	*out = NULL;
	*n = 0;
	if (!store_has(s, STORE_SINCE_APP))
		return 0;
	snprintf(sql, sizeof(sql),
		 "SELECT t.t_ms, a.count, a.value, %s, a.hist"
		 " FROM app_samples a JOIN app_metrics m ON m.id = a.metric"
		 " JOIN ticks t ON t.seq = a.tick"
		 " WHERE m.name = ?1 AND m.kind = ?2 AND t.t_ms BETWEEN ?3 AND ?4"
		 " ORDER BY t.t_ms",
		 gauge_range_sql(s));
	if (store_read_begin(s, &began) < 0)
		return -1;
	if (window_cover(s, t0, t1, &cov) < 0 || store_prepare_cached(s, sql, &st) < 0) {
		store_read_end(s, began);
		return -1;
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kind_text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, t0);
	sqlite3_bind_int64(st, 4, t1);
	ctx.h = hdr_new();
	rc = store_read_rows_with(s, st, (void **)out, n, sizeof(**out), fill_tick, &ctx,
				  NULL);
	hdr_free(ctx.h);
	store_read_end(s, began);
	return rc;
}

int query_timer_series(struct store *s, const char *name, double pct, int64_t t0,
		       int64_t t1, size_t npoints, struct series *out)
{
	sqlite3_stmt *st;
	struct hdr *h;
	double width = ((double)t1 - (double)t0 + 1.0) / (double)(npoints ? npoints : 1);
	int64_t bucket = -1, bucket_t = 0;
	size_t cap = 0;
	bool began;
	int rc;

	out->n = 0;
	out->points = NULL;
	if (!store_has(s, STORE_SINCE_APP) || t1 < t0 || !npoints)
		return 0;
	if (store_prepare(
		    s,
		    "SELECT t.t_ms, a.hist FROM app_samples a"
		    " JOIN app_metrics m ON m.id = a.metric JOIN ticks t ON t.seq = "
		    "a.tick"
		    " WHERE m.name = ?1 AND m.kind = 't' AND t.t_ms BETWEEN ?2 AND ?3"
		    " ORDER BY t.t_ms",
		    &st) < 0)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, t0);
	sqlite3_bind_int64(st, 3, t1);
	if (store_read_begin(s, &began) < 0) {
		sqlite3_finalize(st);
		return -1;
	}
	h = hdr_new();
	for (;;) {
		int64_t at = 0, b = -2;

		rc = store_step(s, st);
		if (rc > 0) {
			at = sqlite3_column_int64(st, 0);
			b = (int64_t)((double)(at - t0) / width);
			if (b >= (int64_t)npoints)
				b = (int64_t)npoints - 1;
		}
		if (b != bucket && bucket >= 0 && hdr_count(h)) {
			double v = ns_to_ms(hdr_value_at_percentile(h, pct));

			out->points = xgrow(out->points, &cap, out->n + 1,
					    sizeof(*out->points));
			out->points[out->n++] = (struct series_point){.t_ms = bucket_t,
								      .min = v,
								      .avg = v,
								      .max = v,
								      .n = hdr_count(h)};
			hdr_reset(h);
		}
		if (rc <= 0)
			break;
		if (b != bucket)
			bucket_t = at;
		bucket = b;
		hdr_decode_merge(h, sqlite3_column_blob(st, 1),
				 (size_t)sqlite3_column_bytes(st, 1));
	}
	store_read_end(s, began);
	sqlite3_finalize(st);
	hdr_free(h);
	if (rc < 0) {
		series_release(out);
		return -1;
	}
	return 0;
}

int query_timer_ticks(struct store *s, const char *name, int64_t t0, int64_t t1,
		      struct hdr ***out, int64_t **t_ms, size_t *n)
{
	sqlite3_stmt *st;
	struct hdr *h;
	size_t cap = 0, tcap = 0;
	bool began;
	int rc;

	*out = NULL;
	*t_ms = NULL;
	*n = 0;
	if (!store_has(s, STORE_SINCE_APP) || t1 < t0)
		return 0;
	if (store_prepare_cached(
		    s,
		    "SELECT t.t_ms, a.hist FROM app_samples a"
		    " JOIN app_metrics m ON m.id = a.metric JOIN ticks t ON t.seq = "
		    "a.tick"
		    " WHERE m.name = ?1 AND m.kind = 't' AND t.t_ms BETWEEN ?2 AND ?3"
		    " ORDER BY t.t_ms",
		    &st) < 0)
		return -1;
	if (store_read_begin(s, &began) < 0) {
		store_finish(s, st);
		return -1;
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, t0);
	sqlite3_bind_int64(st, 3, t1);
	h = hdr_new();
	while ((rc = store_step(s, st)) > 0) {
		hdr_reset(h);
		/* a damaged blob is an empty tick, never trusted */
		hdr_decode_merge(h, sqlite3_column_blob(st, 1),
				 (size_t)sqlite3_column_bytes(st, 1));
		*out = xgrow(*out, &cap, *n + 1, sizeof(**out));
		*t_ms = xgrow(*t_ms, &tcap, *n + 1, sizeof(**t_ms));
		(*out)[*n] = hdr_compact(h);
		(*t_ms)[*n] = sqlite3_column_int64(st, 0);
		(*n)++;
	}
	store_read_end(s, began);
	store_finish(s, st);
	hdr_free(h);
	if (rc < 0) {
		timer_ticks_free(*out, *t_ms, *n);
		*out = NULL;
		*t_ms = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

void timer_ticks_free(struct hdr **h, int64_t *t_ms, size_t n)
{
	for (size_t i = 0; h && i < n; i++)
		hdr_free(h[i]);
	free(h);
	free(t_ms);
}

int query_app_ingest(struct store *s, int64_t t0, int64_t t1, struct app_ingest *out)
{
	char sql[2048];
	size_t off;
	sqlite3_stmt *st;
	bool began;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!store_has(s, STORE_SINCE_APP))
		return 0;
	off = (size_t)snprintf(sql, sizeof(sql),
			       "SELECT sum(packets), sum(lines), sum(dropped)");
	for (int i = 0; i < APP_BAD_N; i++)
		off += (size_t)snprintf(sql + off, sizeof(sql) - off,
					", sum(json_extract(bad, '$.%s'))",
					app_bad_name((enum app_bad)i));
	snprintf(sql + off, sizeof(sql) - off,
		 " FROM app_ingest a JOIN ticks t ON t.seq = a.tick"
		 " WHERE t.t_ms BETWEEN ?1 AND ?2");
	if (store_prepare_cached(s, sql, &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, t0);
	sqlite3_bind_int64(st, 2, t1);
	if (store_read_begin(s, &began) < 0) {
		store_finish(s, st);
		return -1;
	}
	rc = store_step(s, st);
	if (rc > 0) {
		out->packets = store_column_u64(st, 0);
		out->lines = store_column_u64(st, 1);
		out->dropped = store_column_u64(st, 2);
		for (int i = 0; i < APP_BAD_N; i++)
			out->bad[i] = store_column_u64(st, 3 + i);
	}
	store_read_end(s, began);
	store_finish(s, st);
	return rc < 0 ? -1 : 0;
}
