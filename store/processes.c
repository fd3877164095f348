/* SPDX-License-Identifier: MIT */
/*
 * processes: the process table as it was at a tick, and the heaviest
 * processes of a window of time (declared in store/processes.h).
 *
 * Process rows are written only when something changed (store/identity.c),
 * so a process's state at tick T is its latest row at or before T: every
 * query here is a probe of the (proc, tick) primary key per identity, never
 * a scan of the ticks in between. CPU percentages are derived here from two
 * rows, never stored.
 */
#include "store/processes.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rates.h"
#include "core/xalloc.h"
#include "store/store-internal.h"

/* ---- the table at a tick ---- */

#define PROC_TABLE_SQL(cgroup)                                                           \
	"SELECT p.pid, p.start_ticks, p.start_ms, p.uid, p.user, p.comm,"                \
	" p.cmdline, r.ppid, r.state, r.nice, r.threads, r.cpu_ticks, r.rss,"            \
	" r.vsz, r.tick,"                                                                \
	" (SELECT q.cpu_ticks FROM proc_samples q"                                       \
	"  WHERE q.proc = p.id AND q.tick < r.tick"                                      \
	"  ORDER BY q.tick DESC LIMIT 1), " cgroup                                       \
	" FROM procs p JOIN proc_samples r ON r.proc = p.id"                             \
	" AND r.tick = (SELECT max(m.tick) FROM proc_samples m"                          \
	"  WHERE m.proc = p.id AND m.tick <= ?1)"                                        \
	" WHERE p.first_tick <= ?1 AND (p.last_tick IS NULL OR p.last_tick >= ?1)"       \
	" ORDER BY p.pid, p.start_ticks"

static const char proc_table_sql[] = PROC_TABLE_SQL("p.cgroup");
/* before schema v9 */
static const char proc_table_sql_v8[] = PROC_TABLE_SQL("NULL");

static double cpu_pct(sqlite3_stmt *st, const struct store_tick *ref, long clk,
		      uint64_t cpu_ticks)
{
	if (sqlite3_column_int64(st, 14) < ref->seq)
		return 0; /* no row this tick: nothing moved */
	if (sqlite3_column_type(st, 15) == SQLITE_NULL || !ref->has_prev)
		return RATE_UNKNOWN;
	return rate_core_pct(cpu_ticks, store_column_u64(st, 15), clk,
			     (double)(ref->t_ms - ref->prev_ms) / 1000.0);
}

/* What cpu_pct of a row is derived from besides the row itself. */
struct proc_row_ctx {
	const struct store_tick *ref;
	long clk;
};

static int read_proc_row(sqlite3_stmt *st, void *row, void *arg)
{
	const struct proc_row_ctx *ctx = arg;
	struct proc_row *r = row;
	const unsigned char *cmdline;
	int c = 0;

	memset(r, 0, sizeof(*r));
	r->pid = sqlite3_column_int(st, c++);
	r->start_ticks = store_column_u64(st, c++);
	r->start_ms = sqlite3_column_int64(st, c++);
	r->uid = (unsigned)sqlite3_column_int64(st, c++);
	store_column_text(st, c++, r->user, sizeof(r->user));
	store_column_text(st, c++, r->comm, sizeof(r->comm));
	cmdline = sqlite3_column_text(st, c++);
	r->cmdline = xstrdup(cmdline ? (const char *)cmdline : "");
	r->ppid = sqlite3_column_int(st, c++);
	r->state = store_column_char(st, c++);
	r->nice = sqlite3_column_int(st, c++);
	r->threads = sqlite3_column_int(st, c++);
	r->cpu_ticks = store_column_u64(st, c++);
	r->rss_bytes = store_column_u64(st, c++);
	r->vsz_bytes = store_column_u64(st, c++);
	r->cpu_pct = cpu_pct(st, ctx->ref, ctx->clk, r->cpu_ticks);
	if (sqlite3_column_type(st, 16) != SQLITE_NULL)
		r->cgroup = xstrdup((const char *)sqlite3_column_text(st, 16));
	return 0;
}

static void drop_proc_row(void *row)
{
	free(((struct proc_row *)row)->cmdline);
	free(((struct proc_row *)row)->cgroup);
}

int store_read_proc_table(struct store *s, const struct store_tick *ref,
			  struct proc_table *out)
{
	struct proc_row_ctx ctx = {.ref = ref, .clk = store_session_clk_tck(s)};
	sqlite3_stmt *st;

	if (store_prepare(s,
			  store_has(s, STORE_SINCE_CGROUPS) ? proc_table_sql
							    : proc_table_sql_v8,
			  &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, ref->seq);
	return store_read_rows_with(s, st, (void **)&out->rows, &out->n,
				    sizeof(*out->rows), read_proc_row, &ctx,
				    drop_proc_row);
}

int query_proc_table_at(struct store *s, int64_t t_ms, struct proc_table *out)
{
	struct store_tick ref;
	bool began;
	int rc;

	out->n = 0;
	out->rows = NULL;
	if (store_read_begin(s, &began) < 0)
		return -1;
	rc = store_resolve_tick(s, t_ms, &ref);
	if (rc == 0)
		rc = store_no_tick(s, t_ms);
	if (rc > 0)
		rc = store_read_proc_table(s, &ref, out);
	store_read_end(s, began);
	return rc < 0 ? -1 : 0;
}

/*
 * w: the window's ticks (lo..hi) and the baseline tick at or before :t0;
 * ids: identities alive in the window, with the first (ws) and last (we)
 * tick they were alive in it, and the tick CPU is counted from (cs); v: an
 * identity's state at a tick is its latest row at or before it, so each
 * value is one probe of the (proc, tick) primary key, and rss is the max
 * over the rows from the one in force at ws to we.
 */
#define TOP_PROCESSES_SQL(key)                                                           \
	"WITH w AS ("                                                                    \
	" SELECT min(seq) AS lo, max(seq) AS hi, coalesce((SELECT b.seq FROM ticks b"    \
	"  WHERE b.t_ms <= :t0 ORDER BY b.t_ms DESC, b.seq DESC LIMIT 1), min(seq))"     \
	"  AS base"                                                                      \
	" FROM ticks WHERE t_ms BETWEEN :t0 AND :t1),"                                   \
	" ids AS ("                                                                      \
	" SELECT p.id, p.pid, p.start_ticks, p.comm, p.cmdline,"                         \
	"  max(p.first_tick, w.lo) AS ws,"                                               \
	"  min(coalesce(p.last_tick, w.hi), w.hi) AS we,"                                \
	"  max(p.first_tick, w.base) AS cs"                                              \
	" FROM w JOIN procs p ON p.first_tick <= w.hi"                                   \
	"  AND (p.last_tick IS NULL OR p.last_tick >= w.lo)),"                           \
	" v AS MATERIALIZED ("                                                           \
	" SELECT i.*,"                                                                   \
	"  (SELECT q.cpu_ticks FROM proc_samples q WHERE q.proc = i.id"                  \
	"   AND q.tick <= i.we ORDER BY q.tick DESC LIMIT 1) AS c1,"                     \
	"  (SELECT q.cpu_ticks FROM proc_samples q WHERE q.proc = i.id"                  \
	"   AND q.tick <= i.cs ORDER BY q.tick DESC LIMIT 1) AS c0,"                     \
	"  (SELECT max(q.rss) FROM proc_samples q WHERE q.proc = i.id"                   \
	"   AND q.tick <= i.we AND q.tick >= (SELECT max(r.tick) FROM proc_samples r"    \
	"   WHERE r.proc = i.id AND r.tick <= i.ws)) AS rss,"                            \
	"  (SELECT t_ms FROM ticks WHERE seq = i.cs) AS cs_ms,"                          \
	"  (SELECT t_ms FROM ticks WHERE seq = i.ws) AS ws_ms,"                          \
	"  (SELECT t_ms FROM ticks WHERE seq = i.we) AS we_ms"                           \
	" FROM ids i)"                                                                   \
	" SELECT pid, comm, cmdline,"                                                    \
	" CASE WHEN c1 >= c0 AND we_ms > cs_ms"                                          \
	"  THEN (c1 - c0) * 100000.0 / ((we_ms - cs_ms) * :clk_tck) ELSE 0 END AS pct,"  \
	" coalesce(rss, 0) AS rss, ws_ms, we_ms"                                         \
	" FROM v ORDER BY " key " DESC, pid, start_ticks LIMIT :n"

static const char *const top_processes_sql[] = {
	[QUERY_TOP_CPU] = TOP_PROCESSES_SQL("pct"),
	[QUERY_TOP_RSS] = TOP_PROCESSES_SQL("rss"),
};

void top_processes_free(struct top_process *p, size_t n)
{
	for (size_t i = 0; p && i < n; i++)
		free(p[i].cmdline);
	free(p);
}

static int read_top_process(sqlite3_stmt *st, void *row, void *arg)
{
	struct top_process *p = row;
	const unsigned char *cmdline;

	memset(p, 0, sizeof(*p));
	p->pid = sqlite3_column_int(st, 0);
	store_column_text(st, 1, p->comm, sizeof(p->comm));
	cmdline = sqlite3_column_text(st, 2);
	p->cmdline = xstrdup(cmdline ? (const char *)cmdline : "");
	p->cpu_pct_avg = sqlite3_column_double(st, 3);
	p->rss_bytes_max = store_column_u64(st, 4);
	p->first_ms = sqlite3_column_int64(st, 5);
	p->last_ms = sqlite3_column_int64(st, 6);
	(void)arg;
	return 0;
}

static void drop_top_process(void *row)
{
	free(((struct top_process *)row)->cmdline);
}

int query_top_processes(struct store *s, int64_t t0, int64_t t1, enum query_top_by by,
			size_t n, struct top_process **out, size_t *count)
{
	sqlite3_stmt *st;

	*out = NULL;
	*count = 0;
	assert(by == QUERY_TOP_CPU || by == QUERY_TOP_RSS);
	if (t1 < t0 || n == 0)
		return 0;
	if (store_prepare(s, top_processes_sql[by], &st) < 0)
		return -1;
	store_bind_named_int64(st, ":t0", t0);
	store_bind_named_int64(st, ":t1", t1);
	store_bind_named_int64(st, ":n",
			       n > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)n);
	store_bind_named_int64(st, ":clk_tck", store_session_clk_tck(s));
	return store_read_rows_with(s, st, (void **)out, count, sizeof(**out),
				    read_top_process, NULL, drop_top_process);
}

/* ---- one process over time ---- */

static const char proc_rows_sql[] =
	"SELECT t.t_ms, r.cpu_ticks, r.rss"
	" FROM procs p JOIN proc_samples r ON r.proc = p.id"
	" JOIN ticks t ON t.seq = r.tick"
	" WHERE p.pid = ?1 AND p.start_ticks = ?2 AND t.t_ms < ?3"
	" ORDER BY r.tick";

struct proc_held {
	int64_t t_ms;
	uint64_t cpu, rss;
};

static void read_held(sqlite3_stmt *st, void *row)
{
	struct proc_held *h = row;

	h->t_ms = sqlite3_column_int64(st, 0);
	h->cpu = store_column_u64(st, 1);
	h->rss = store_column_u64(st, 2);
}

/* The held row at time t: the latest with t_ms <= t, from *k on (rows in
 * time order, t rising between calls); NULL before the first. */
static const struct proc_held *held_at(const struct proc_held *v, size_t n, size_t *k,
				       int64_t t)
{
	while (*k + 1 < n && v[*k + 1].t_ms <= t)
		(*k)++;
	return n && v[*k].t_ms <= t ? &v[*k] : NULL;
}

/* The identity's first and last tick times (last: INT64_MAX while open). */
static int proc_life(struct store *s, int pid, uint64_t start_ticks, int64_t *first,
		     int64_t *last)
{
	sqlite3_stmt *st;
	int rc;

	*first = INT64_MAX;
	*last = INT64_MIN;
	if (store_prepare(s,
			  "SELECT (SELECT t_ms FROM ticks WHERE seq = first_tick),"
			  " (SELECT t_ms FROM ticks WHERE seq = last_tick),"
			  " last_tick IS NULL"
			  " FROM procs WHERE pid = ?1 AND start_ticks = ?2",
			  &st) < 0)
		return -1;
	sqlite3_bind_int(st, 1, pid);
	store_bind_u64(st, 2, start_ticks);
	rc = store_step(s, st);
	if (rc == 1) {
		*first = sqlite3_column_int64(st, 0);
		*last = sqlite3_column_int(st, 2) ? INT64_MAX
						  : sqlite3_column_int64(st, 1);
	}
	store_finish(s, st);
	return rc < 0 ? -1 : 0;
}

/* How slot [a, b) meets the gaps g (ascending; *k moves on with a): 2 when
 * it lies inside one (nothing recorded), 1 when one cuts it (its counters'
 * difference holds the gap's CPU too), else 0. */
static int slot_gap(const struct tick_gap *g, size_t ng, size_t *k, int64_t a, int64_t b)
{
	while (*k < ng && g[*k].after_ms <= a)
		(*k)++;
	if (*k >= ng || g[*k].before_ms >= b)
		return 0;
	return g[*k].before_ms < a && g[*k].after_ms >= b ? 2 : 1;
}

int query_proc_slots(struct store *s, int pid, uint64_t start_ticks, int64_t t0,
		     int64_t t1, size_t n, double *cpu, double *rss)
{
	struct proc_held *v = NULL;
	struct tick_gap *gaps = NULL;
	size_t nv = 0, k = 0, ng = 0, kg = 0;
	int64_t first, last;
	long clk = store_session_clk_tck(s);
	sqlite3_stmt *st;
	int filled = 0;

	for (size_t i = 0; i < n; i++)
		cpu[i] = rss[i] = NAN;
	if (!n || t1 <= t0 || proc_life(s, pid, start_ticks, &first, &last) < 0)
		return n && t1 > t0 ? -1 : 0;
	if (store_prepare(s, proc_rows_sql, &st) < 0)
		return -1;
	sqlite3_bind_int(st, 1, pid);
	store_bind_u64(st, 2, start_ticks);
	sqlite3_bind_int64(st, 3, t1);
	if (store_read_rows(s, st, (void **)&v, &nv, sizeof(*v), read_held) < 0)
		return -1;
	if (query_gaps(s, t0, t1, &gaps, &ng) < 0) {
		free(v);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		int64_t a = t0 + (t1 - t0) * (int64_t)i / (int64_t)n;
		int64_t b = t0 + (t1 - t0) * (int64_t)(i + 1) / (int64_t)n;
		const struct proc_held *ha, *hb;
		int gap;

		if (b - 1 < first || a > last)
			continue;
		/* inside a gap nothing is known; a slot a gap cuts would put
		 * the gap's CPU into its own width */
		gap = slot_gap(gaps, ng, &kg, a, b);
		if (gap == 2)
			continue;
		/* the counters at the slot's two edges: the CPU its ticks added */
		ha = held_at(v, nv, &k, a);
		hb = held_at(v, nv, &k, b < last ? b : last);
		if (!hb)
			continue;
		rss[i] = (double)hb->rss;
		if (ha && hb->cpu >= ha->cpu && !gap)
			cpu[i] = rate_core_pct(hb->cpu, ha->cpu, clk,
					       (double)(b - a) / 1000.0);
		filled++;
	}
	free(v);
	free(gaps);
	return filled;
}
