/* SPDX-License-Identifier: MIT */
/*
 * cgroup_query: cgroups at a tick and over a window (see cgroup_query.h).
 *
 * Rows are written only on change (store/cgroup_rows.c), so every value is a
 * probe of the (cgroup, tick) primary key for the latest row at or before a
 * tick, never a scan of the ticks between; this is the shape of
 * store/processes.c's queries, for the same reason.
 */
#include "store/cgroup_query.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/store-internal.h"

#define SAMPLE_COLS                                                                      \
	"r.have, r.cpu_usage_ns, r.nr_periods, r.nr_throttled, r.throttled_ns,"          \
	" r.cpu_quota_us, r.cpu_period_us, r.mem_current, r.mem_high, r.mem_max,"        \
	" r.oom, r.oom_kill, r.swap_current, r.swap_max, r.io_rbytes, r.io_wbytes,"      \
	" r.io_rios, r.io_wios, r.psi_cpu_some_avg10, r.psi_cpu_some_total_us,"          \
	" r.psi_memory_some_avg10, r.psi_memory_some_total_us,"                          \
	" r.psi_memory_full_avg10, r.psi_memory_full_total_us,"                          \
	" r.psi_io_some_avg10, r.psi_io_some_total_us, r.psi_io_full_avg10,"             \
	" r.psi_io_full_total_us, r.pids_current, r.pids_max"

static const char table_sql[] =
	"SELECT g.path, r.tick, " SAMPLE_COLS ","
	" (SELECT q.cpu_usage_ns FROM cgroup_samples q"
	"  WHERE q.cgroup = g.id AND q.tick < r.tick ORDER BY q.tick DESC LIMIT 1)"
	" FROM cgroups g JOIN cgroup_samples r ON r.cgroup = g.id"
	" AND r.tick = (SELECT max(m.tick) FROM cgroup_samples m"
	"  WHERE m.cgroup = g.id AND m.tick <= ?1)"
	" WHERE g.first_tick <= ?1 AND (g.last_tick IS NULL OR g.last_tick >= ?1)"
	" ORDER BY g.path";

/* A limit column: NULL is none. */
static uint64_t limit_col(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? CGROUP_UNLIMITED
							 : store_column_u64(st, i);
}

static void psi_cols(sqlite3_stmt *st, int *c, struct psi *p, bool full)
{
	p->present = sqlite3_column_type(st, *c) != SQLITE_NULL;
	p->some.avg10 = sqlite3_column_double(st, (*c)++);
	p->some.total_us = store_column_u64(st, (*c)++);
	if (full) {
		p->has_full = sqlite3_column_type(st, *c) != SQLITE_NULL;
		p->full.avg10 = sqlite3_column_double(st, (*c)++);
		p->full.total_us = store_column_u64(st, (*c)++);
	}
}

/* SAMPLE_COLS from column c on into r. */
static void sample_cols(sqlite3_stmt *st, int c, struct cgroup_row *r)
{
	r->have = (unsigned)sqlite3_column_int64(st, c++);
	r->cpu_usage_ns = store_column_u64(st, c++);
	r->nr_periods = store_column_u64(st, c++);
	r->nr_throttled = store_column_u64(st, c++);
	r->throttled_ns = store_column_u64(st, c++);
	r->cpu_quota_us = limit_col(st, c++);
	r->cpu_period_us = store_column_u64(st, c++);
	r->mem_current = store_column_u64(st, c++);
	r->mem_high = limit_col(st, c++);
	r->mem_max = limit_col(st, c++);
	r->oom = store_column_u64(st, c++);
	r->oom_kill = store_column_u64(st, c++);
	r->swap_current = store_column_u64(st, c++);
	r->swap_max = limit_col(st, c++);
	r->io_rbytes = store_column_u64(st, c++);
	r->io_wbytes = store_column_u64(st, c++);
	r->io_rios = store_column_u64(st, c++);
	r->io_wios = store_column_u64(st, c++);
	psi_cols(st, &c, &r->psi[PSI_CPU], false);
	psi_cols(st, &c, &r->psi[PSI_MEMORY], true);
	psi_cols(st, &c, &r->psi[PSI_IO], true);
	r->pids_current = store_column_u64(st, c++);
	r->pids_max = limit_col(st, c++);
}

static int read_table_row(sqlite3_stmt *st, void *row, void *arg)
{
	const struct store_tick *ref = arg;
	struct cgroup_row *r = row;
	const unsigned char *path = sqlite3_column_text(st, 0);
	int last = 2 + 30;

	memset(r, 0, sizeof(*r));
	r->path = xstrdup(path ? (const char *)path : "");
	sample_cols(st, 2, r);
	r->cpu_pct = -1;
	if (!(r->have & CGROUP_HAVE_CPU))
		return 0;
	if (sqlite3_column_int64(st, 1) < ref->seq)
		r->cpu_pct = 0; /* no row this tick: nothing moved */
	else if (sqlite3_column_type(st, last) != SQLITE_NULL && ref->has_prev &&
		 ref->t_ms > ref->prev_ms &&
		 r->cpu_usage_ns >= store_column_u64(st, last))
		r->cpu_pct = (double)(r->cpu_usage_ns - store_column_u64(st, last)) /
			     1e6 / (double)(ref->t_ms - ref->prev_ms) * 100.0;
	return 0;
}

static void drop_table_row(void *row)
{
	free(((struct cgroup_row *)row)->path);
}

int store_read_cgroup_table(struct store *s, const struct store_tick *ref,
			    struct cgroup_table *out)
{
	struct store_tick copy = *ref; /* the row reader's argument is not const */
	sqlite3_stmt *st;

	if (!store_has(s, STORE_SINCE_CGROUPS))
		return 0;
	if (store_prepare_cached(s, table_sql, &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, ref->seq);
	return store_read_rows_with(s, st, (void **)&out->rows, &out->n,
				    sizeof(*out->rows), read_table_row, &copy,
				    drop_table_row);
}

int query_cgroup_table_at(struct store *s, int64_t t_ms, struct cgroup_table *out)
{
	struct store_tick ref;
	bool began;
	int rc;

	memset(out, 0, sizeof(*out));
	if (store_read_begin(s, &began) < 0)
		return -1;
	rc = store_resolve_tick(s, t_ms, &ref);
	if (rc == 0)
		rc = store_no_tick(s, t_ms);
	if (rc > 0)
		rc = store_read_cgroup_table(s, &ref, out);
	store_read_end(s, began);
	return rc < 0 ? -1 : 0;
}

bool store_has_cgroups(const struct store *s)
{
	return store_has(s, STORE_SINCE_CGROUPS);
}

/* ---- over a window ---- */

static const char summary_sql[] =
	"WITH w AS ("
	" SELECT min(seq) AS lo, max(seq) AS hi, coalesce((SELECT b.seq FROM ticks b"
	"  WHERE b.t_ms <= :t0 ORDER BY b.t_ms DESC, b.seq DESC LIMIT 1), min(seq))"
	"  AS base"
	" FROM ticks WHERE t_ms BETWEEN :t0 AND :t1),"
	" ids AS ("
	" SELECT g.id, g.path, g.kind, g.name,"
	"  max(g.first_tick, w.lo) AS ws,"
	"  min(coalesce(g.last_tick, w.hi), w.hi) AS we,"
	"  max(g.first_tick, w.base) AS cs"
	" FROM w JOIN cgroups g ON g.first_tick <= w.hi"
	"  AND (g.last_tick IS NULL OR g.last_tick >= w.lo) AND g.path <> '/'),"
	" v AS MATERIALIZED ("
	" SELECT i.*,"
	"  (SELECT max(q.tick) FROM cgroup_samples q WHERE q.cgroup = i.id"
	"   AND q.tick <= i.cs) AS b,"
	"  (SELECT max(q.tick) FROM cgroup_samples q WHERE q.cgroup = i.id"
	"   AND q.tick <= i.we) AS e,"
	"  (SELECT max(q.tick) FROM cgroup_samples q WHERE q.cgroup = i.id"
	"   AND q.tick <= i.ws) AS m"
	" FROM ids i)"
	" SELECT v.path, v.kind, v.name,"
	" (SELECT t_ms FROM ticks WHERE seq = v.cs), (SELECT t_ms FROM ticks WHERE seq = "
	"v.ws),"
	" (SELECT t_ms FROM ticks WHERE seq = v.we),"
	" b.cpu_usage_ns, b.nr_periods, b.nr_throttled, b.throttled_ns, b.oom_kill,"
	" e.cpu_usage_ns, e.nr_periods, e.nr_throttled, e.throttled_ns, e.oom_kill,"
	" e.mem_max, (SELECT max(q.mem_current) FROM cgroup_samples q"
	"  WHERE q.cgroup = v.id AND q.tick >= coalesce(v.m, 0) AND q.tick <= v.we)"
	" FROM v LEFT JOIN cgroup_samples b ON b.cgroup = v.id AND b.tick = v.b"
	" LEFT JOIN cgroup_samples e ON e.cgroup = v.id AND e.tick = v.e"
	" ORDER BY v.path, v.id";

/* Counter column i of the end row less its column of the base row, when
 * both are there and it did not go back. */
static bool moved(sqlite3_stmt *st, int b, int e, uint64_t *out)
{
	uint64_t x, y;

	*out = 0;
	if (sqlite3_column_type(st, b) == SQLITE_NULL ||
	    sqlite3_column_type(st, e) == SQLITE_NULL)
		return false;
	x = store_column_u64(st, b);
	y = store_column_u64(st, e);
	if (y < x)
		return false;
	*out = y - x;
	return true;
}

static int read_summary(sqlite3_stmt *st, void *row, void *arg)
{
	struct cgroup_summary *c = row;
	const unsigned char *path = sqlite3_column_text(st, 0);
	int64_t cs_ms = sqlite3_column_int64(st, 3);
	uint64_t cpu;

	(void)arg;
	memset(c, 0, sizeof(*c));
	c->path = xstrdup(path ? (const char *)path : "");
	store_column_text(st, 1, c->kind, sizeof(c->kind));
	store_column_text(st, 2, c->name, sizeof(c->name));
	c->first_ms = sqlite3_column_int64(st, 4);
	c->last_ms = sqlite3_column_int64(st, 5);
	if (moved(st, 6, 11, &cpu) && c->last_ms > cs_ms)
		c->cpu_pct_avg = (double)cpu / 1e6 / (double)(c->last_ms - cs_ms) * 100.0;
	moved(st, 7, 12, &c->nr_periods);
	moved(st, 8, 13, &c->nr_throttled);
	moved(st, 9, 14, &c->throttled_ns);
	moved(st, 10, 15, &c->oom_kills);
	c->throttled_pct =
		c->nr_periods ? (double)c->nr_throttled * 100.0 / (double)c->nr_periods
			      : -1;
	c->mem_max = limit_col(st, 16);
	c->mem_peak = store_column_u64(st, 17);
	return 0;
}

static void drop_summary(void *row)
{
	free(((struct cgroup_summary *)row)->path);
}

int query_cgroup_summaries(struct store *s, int64_t t0, int64_t t1,
			   struct cgroup_summary **out, size_t *n)
{
	sqlite3_stmt *st;

	*out = NULL;
	*n = 0;
	if (t1 < t0 || !store_has(s, STORE_SINCE_CGROUPS))
		return 0;
	if (store_prepare(s, summary_sql, &st) < 0)
		return -1;
	store_bind_named_int64(st, ":t0", t0);
	store_bind_named_int64(st, ":t1", t1);
	return store_read_rows_with(s, st, (void **)out, n, sizeof(**out), read_summary,
				    NULL, drop_summary);
}

double cgroup_summary_weight(const struct cgroup_summary *c, enum query_cgroup_by by)
{
	switch (by) {
	case QUERY_CG_CPU:
		return c->cpu_pct_avg;
	case QUERY_CG_MEMORY:
		return (double)c->mem_peak;
	case QUERY_CG_THROTTLED:
		return (double)c->throttled_ns;
	case QUERY_CG_OOM_KILLS:
		return (double)c->oom_kills;
	}
	return 0;
}

static int summary_cmp(const void *a, const void *b, void *arg)
{
	const struct cgroup_summary *x = a, *y = b;
	enum query_cgroup_by by = *(const enum query_cgroup_by *)arg;
	double wx = cgroup_summary_weight(x, by), wy = cgroup_summary_weight(y, by);

	if (wx != wy)
		return wx < wy ? 1 : -1;
	return strcmp(x->path, y->path);
}

void cgroup_summaries_sort(struct cgroup_summary *v, size_t n, enum query_cgroup_by by)
{
	if (n > 1)
		qsort_r(v, n, sizeof(*v), summary_cmp, &by);
}

void cgroup_summaries_free(struct cgroup_summary *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i].path);
	free(v);
}
