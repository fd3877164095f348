/* SPDX-License-Identifier: MIT */
/*
 * query: reading a session file back: the session row, time series of named
 * metrics, whole frames at a point in time, and the heaviest processes of a
 * window of time.
 *
 * Series are downsampled by SQLite (GROUP BY time bucket), so a graph of a
 * day of ticks moves a few hundred rows into C, not eighty thousand. Metrics
 * are rows of one const table: an SQL expression over one row of a sample
 * table, and how a value is derived from it: as is (a gauge), per second
 * between consecutive ticks (a rate, LAG over the ticks), or as a share of
 * another counter's movement (CPU percentages).
 *
 * Statements here are prepared per call: a reader runs few queries, and a
 * prepare costs far less than the query behind it.
 */
#include "store/query.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/store-internal.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum metric_kind {
	METRIC_GAUGE, /* the value as stored */
	METRIC_RATE,  /* per second between consecutive ticks */
	METRIC_SHARE, /* 100 * moved(expr) / moved(total) between ticks */
	METRIC_RATIO, /* moved(expr) / moved(total) between ticks */
};

enum metric_source { METRIC_SYS, METRIC_TARGET };

struct metric {
	const char *name;
	enum metric_source source;
	enum metric_kind kind;
	const char *expr;  /* over the sample row "x"; :clk_tck may be used */
	const char *total; /* METRIC_SHARE and METRIC_RATIO only */
	const char *unit;
	int since; /* schema version that brought its columns; 0: always there */
};

#define CPU_ALL                                                                          \
	"x.cpu_user + x.cpu_nice + x.cpu_system + x.cpu_idle + x.cpu_iowait "            \
	"+ x.cpu_irq + x.cpu_softirq + x.cpu_steal"
/* as cpu_times_busy(): everything but idle and iowait */
#define CPU_BUSY                                                                         \
	"x.cpu_user + x.cpu_nice + x.cpu_system + x.cpu_irq + x.cpu_softirq "            \
	"+ x.cpu_steal"
/* clock ticks to percent of one core, once divided by seconds */
#define CORE_PCT(e) "(" e ") * 100.0 / :clk_tck"

static const struct metric metrics[] = {
	{"cpu.total", METRIC_SYS, METRIC_SHARE, CPU_BUSY, CPU_ALL, "%", 0},
	{"cpu.user", METRIC_SYS, METRIC_SHARE, "x.cpu_user + x.cpu_nice", CPU_ALL, "%",
	 0},
	{"cpu.system", METRIC_SYS, METRIC_SHARE,
	 "x.cpu_system + x.cpu_irq + x.cpu_softirq", CPU_ALL, "%", 0},
	{"cpu.iowait", METRIC_SYS, METRIC_SHARE, "x.cpu_iowait", CPU_ALL, "%", 0},
	{"cpu.steal", METRIC_SYS, METRIC_SHARE, "x.cpu_steal", CPU_ALL, "%", 0},
	{"mem.used", METRIC_SYS, METRIC_GAUGE, "x.mem_total - x.mem_available", NULL,
	 "bytes", 0},
	{"mem.available", METRIC_SYS, METRIC_GAUGE, "x.mem_available", NULL, "bytes", 0},
	{"mem.cached", METRIC_SYS, METRIC_GAUGE, "x.mem_cached", NULL, "bytes", 0},
	{"mem.buffers", METRIC_SYS, METRIC_GAUGE, "x.mem_buffers", NULL, "bytes", 0},
	{"swap.used", METRIC_SYS, METRIC_GAUGE, "x.swap_total - x.swap_free", NULL,
	 "bytes", 0},
	{"load1", METRIC_SYS, METRIC_GAUGE, "x.load1", NULL, "", 0},
	{"load5", METRIC_SYS, METRIC_GAUGE, "x.load5", NULL, "", 0},
	{"load15", METRIC_SYS, METRIC_GAUGE, "x.load15", NULL, "", 0},
	{"psi.cpu.some.avg10", METRIC_SYS, METRIC_GAUGE, "x.psi_cpu_some_avg10", NULL,
	 "%", 0},
	{"psi.memory.some.avg10", METRIC_SYS, METRIC_GAUGE, "x.psi_memory_some_avg10",
	 NULL, "%", 0},
	{"psi.memory.full.avg10", METRIC_SYS, METRIC_GAUGE, "x.psi_memory_full_avg10",
	 NULL, "%", 0},
	{"psi.io.some.avg10", METRIC_SYS, METRIC_GAUGE, "x.psi_io_some_avg10", NULL, "%",
	 0},
	{"psi.io.full.avg10", METRIC_SYS, METRIC_GAUGE, "x.psi_io_full_avg10", NULL, "%",
	 0},
	{"ctxt.rate", METRIC_SYS, METRIC_RATE, "x.ctxt", NULL, "/s", 0},
	{"forks.rate", METRIC_SYS, METRIC_RATE, "x.forks", NULL, "/s", 0},
	{"target.cpu", METRIC_TARGET, METRIC_RATE, CORE_PCT("x.utime + x.stime"), NULL,
	 "%", 0},
	{"target.cpu.user", METRIC_TARGET, METRIC_RATE, CORE_PCT("x.utime"), NULL, "%",
	 0},
	{"target.cpu.system", METRIC_TARGET, METRIC_RATE, CORE_PCT("x.stime"), NULL, "%",
	 0},
	{"target.rss", METRIC_TARGET, METRIC_GAUGE, "x.vm_rss", NULL, "bytes", 0},
	{"target.rss_anon", METRIC_TARGET, METRIC_GAUGE, "x.rss_anon", NULL, "bytes", 0},
	{"target.rss_file", METRIC_TARGET, METRIC_GAUGE, "x.rss_file", NULL, "bytes", 0},
	{"target.rss_shmem", METRIC_TARGET, METRIC_GAUGE, "x.rss_shmem", NULL, "bytes",
	 0},
	{"target.swap", METRIC_TARGET, METRIC_GAUGE, "x.vm_swap", NULL, "bytes", 0},
	{"target.vm_hwm", METRIC_TARGET, METRIC_GAUGE, "x.vm_hwm", NULL, "bytes", 0},
	{"target.vm_data", METRIC_TARGET, METRIC_GAUGE, "x.vm_data", NULL, "bytes", 0},
	{"target.threads", METRIC_TARGET, METRIC_GAUGE, "x.num_threads", NULL, "", 0},
	{"target.fds", METRIC_TARGET, METRIC_GAUGE, "x.fds", NULL, "", 0},
	{"target.read_bps", METRIC_TARGET, METRIC_RATE, "x.read_bytes", NULL, "bytes/s",
	 0},
	{"target.write_bps", METRIC_TARGET, METRIC_RATE, "x.write_bytes", NULL, "bytes/s",
	 0},
	{"target.minflt.rate", METRIC_TARGET, METRIC_RATE, "x.minflt", NULL, "/s", 0},
	{"target.majflt.rate", METRIC_TARGET, METRIC_RATE, "x.majflt", NULL, "/s", 0},
	{"target.ctxsw.vol.rate", METRIC_TARGET, METRIC_RATE, "x.vol_ctxsw", NULL, "/s",
	 0},
	{"target.ctxsw.invol.rate", METRIC_TARGET, METRIC_RATE, "x.invol_ctxsw", NULL,
	 "/s", 0},
	/* latency (v3): share of runnable time spent waiting for a CPU, that
	 * wait in ms per second and per timeslice, block-IO delay in ms/s */
	{"target.run_wait", METRIC_TARGET, METRIC_SHARE, "x.run_delay_ns",
	 "x.run_delay_ns + x.run_ns", "%", STORE_SINCE_LATENCY},
	{"target.run_delay.rate", METRIC_TARGET, METRIC_RATE, "x.run_delay_ns / 1e6",
	 NULL, "ms/s", STORE_SINCE_LATENCY},
	{"target.wait_per_slice", METRIC_TARGET, METRIC_RATIO, "x.run_delay_ns / 1e3",
	 "x.slices", "us", STORE_SINCE_LATENCY},
	{"target.io_delay.rate", METRIC_TARGET, METRIC_RATE,
	 "x.blkio_ticks * 1000.0 / :clk_tck", NULL, "ms/s", STORE_SINCE_LATENCY},
	{"target.cgpsi.cpu.some.avg10", METRIC_TARGET, METRIC_GAUGE,
	 "x.cg_psi_cpu_some_avg10", NULL, "%", STORE_SINCE_LATENCY},
	{"target.cgpsi.memory.some.avg10", METRIC_TARGET, METRIC_GAUGE,
	 "x.cg_psi_memory_some_avg10", NULL, "%", STORE_SINCE_LATENCY},
	{"target.cgpsi.memory.full.avg10", METRIC_TARGET, METRIC_GAUGE,
	 "x.cg_psi_memory_full_avg10", NULL, "%", STORE_SINCE_LATENCY},
	{"target.cgpsi.io.some.avg10", METRIC_TARGET, METRIC_GAUGE,
	 "x.cg_psi_io_some_avg10", NULL, "%", STORE_SINCE_LATENCY},
	{"target.cgpsi.io.full.avg10", METRIC_TARGET, METRIC_GAUGE,
	 "x.cg_psi_io_full_avg10", NULL, "%", STORE_SINCE_LATENCY},
};

/* ---- small helpers ---- */

int store_prepare(struct store *s, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK) {
		*st = NULL;
		return store_fail_sql(s, "cannot query the session");
	}
	return 0;
}

int store_prepare_cached(struct store *s, const char *sql, sqlite3_stmt **st)
{
	struct stmt_cache *slot = NULL, *c;

	for (int i = 0; i < STORE_CACHE_N; i++) {
		c = &s->cache[i];
		if (c->sql && !c->busy && !strcmp(c->sql, sql)) {
			c->busy = true;
			c->used = ++s->cache_clock;
			*st = c->st;
			return 0;
		}
		/* a free slot, else the least recently used idle one */
		if (!c->busy &&
		    (!slot || (slot->sql && (!c->sql || c->used < slot->used))))
			slot = c;
	}
	if (store_prepare(s, sql, st) < 0)
		return -1;
	if (!slot)
		return 0; /* every slot busy: finished by finalizing */
	if (slot->sql) {
		sqlite3_finalize(slot->st);
		free(slot->sql);
	}
	slot->sql = xstrdup(sql);
	slot->st = *st;
	slot->busy = true;
	slot->used = ++s->cache_clock;
	return 0;
}

void store_finish(struct store *s, sqlite3_stmt *st)
{
	if (!st)
		return;
	for (int i = 0; i < STORE_CACHE_N; i++)
		if (s->cache[i].busy && s->cache[i].st == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			s->cache[i].busy = false;
			return;
		}
	sqlite3_finalize(st);
}

int store_read_rows(struct store *s, sqlite3_stmt *st, void **out, size_t *n, size_t size,
		    void (*fill)(sqlite3_stmt *st, void *row))
{
	size_t cap = 0;
	bool began;
	int rc;

	*out = NULL;
	*n = 0;
	if (store_read_begin(s, &began) < 0) {
		store_finish(s, st);
		return -1;
	}
	while ((rc = store_step(s, st)) > 0) {
		*out = xgrow(*out, &cap, *n + 1, size);
		fill(st, (char *)*out + *n * size);
		(*n)++;
	}
	store_read_end(s, began);
	store_finish(s, st);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

void store_cache_release(struct store *s)
{
	for (int i = 0; i < STORE_CACHE_N; i++) {
		sqlite3_finalize(s->cache[i].st);
		free(s->cache[i].sql);
		s->cache[i] = (struct stmt_cache){0};
	}
}

int store_step(struct store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return store_fail_sql(s, "cannot read the session");
}

static void bind_named_int64(sqlite3_stmt *st, const char *name, int64_t v)
{
	int i = sqlite3_bind_parameter_index(st, name);

	if (i > 0)
		sqlite3_bind_int64(st, i, v);
}

static void bind_named_double(sqlite3_stmt *st, const char *name, double v)
{
	int i = sqlite3_bind_parameter_index(st, name);

	if (i > 0)
		sqlite3_bind_double(st, i, v);
}

/* ---- the session ---- */

int query_session(struct store *s, struct session_meta *out)
{
	sqlite3_stmt *st;
	int rc, c = 0;

	memset(out, 0, sizeof(*out));
	if (store_prepare(s, "SELECT " SESSION_COLUMNS " FROM sessions LIMIT 1", &st) < 0)
		return -1;
	rc = store_step(s, st);
	if (rc == 0)
		rc = store_fail(s, "the session has no sessions row");
	if (rc < 0) {
		sqlite3_finalize(st);
		return -1;
	}
	store_column_text(st, c++, out->version, sizeof(out->version));
	store_column_text(st, c++, out->host, sizeof(out->host));
	store_column_text(st, c++, out->kernel, sizeof(out->kernel));
	out->started_ms = sqlite3_column_int64(st, c++);
	out->ended_ms = sqlite3_column_int64(st, c++); /* NULL: running */
	out->interval_ms = sqlite3_column_int64(st, c++);
	out->ncpu = sqlite3_column_int(st, c++);
	out->clk_tck = (long)sqlite3_column_int64(st, c++);
	out->page_size = (long)sqlite3_column_int64(st, c++);
	out->boot_ms = sqlite3_column_int64(st, c++);
	out->mem_total = store_column_u64(st, c++);
	out->target_pid = sqlite3_column_int(st, c++);
	store_column_text(st, c++, out->target_cmd, sizeof(out->target_cmd));
	out->target_exit_code = sqlite3_column_int(st, c++);
	out->target_exit_signal = sqlite3_column_int(st, c++);
	sqlite3_finalize(st);
	return 0;
}

/* Clock ticks per second of the recorded machine; 100 (Linux's USER_HZ on
 * every architecture we know) when the file has no session row yet. */
static long session_clk_tck(struct store *s)
{
	sqlite3_stmt *st;
	long clk = 100;

	if (sqlite3_prepare_v2(s->db, "SELECT clk_tck FROM sessions LIMIT 1", -1, &st,
			       NULL) != SQLITE_OK)
		return clk;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0)
		clk = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return clk;
}

int query_span(struct store *s, int64_t *first_ms, int64_t *last_ms, uint64_t *ticks)
{
	sqlite3_stmt *st;
	int rc;

	*first_ms = *last_ms = 0;
	*ticks = 0;
	if (store_prepare(s, "SELECT min(t_ms), max(t_ms), count(*) FROM ticks", &st) < 0)
		return -1;
	rc = store_step(s, st);
	if (rc > 0) {
		*first_ms = sqlite3_column_int64(st, 0);
		*last_ms = sqlite3_column_int64(st, 1);
		*ticks = store_column_u64(st, 2);
	}
	sqlite3_finalize(st);
	return rc < 0 ? -1 : 0;
}

int query_tick_times(struct store *s, int64_t t0, int64_t t1, int64_t *out, size_t max,
		     size_t *n)
{
	sqlite3_stmt *st;
	int rc = 0;

	*n = 0;
	if (t1 < t0 || max == 0)
		return 0;
	if (store_prepare(s,
			  "SELECT t_ms FROM ticks WHERE t_ms BETWEEN ?1 AND ?2"
			  " ORDER BY t_ms, seq LIMIT ?3",
			  &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, t0);
	sqlite3_bind_int64(st, 2, t1);
	sqlite3_bind_int64(st, 3, max > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)max);
	while (*n < max && (rc = store_step(s, st)) > 0)
		out[(*n)++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc < 0)
		*n = 0;
	return rc < 0 ? -1 : 0;
}

int query_has_target(struct store *s)
{
	sqlite3_stmt *st;
	int rc;

	if (store_prepare(s, "SELECT EXISTS (SELECT 1 FROM target_samples)", &st) < 0)
		return -1;
	rc = store_step(s, st);
	if (rc > 0)
		rc = sqlite3_column_int(st, 0) != 0;
	else if (rc == 0)
		rc = store_fail(s, "cannot read the session: no answer");
	sqlite3_finalize(st);
	return rc;
}

/* ---- series ---- */

void series_release(struct series *s)
{
	free(s->points);
	s->points = NULL;
	s->n = 0;
}

static const struct metric *metric_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(metrics); i++) {
		if (!strcmp(metrics[i].name, name))
			return &metrics[i];
	}
	return NULL;
}

static const char *metric_names[ARRAY_SIZE(metrics) + 1];
static pthread_once_t metric_names_once = PTHREAD_ONCE_INIT;

static void fill_metric_names(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(metrics); i++)
		metric_names[i] = metrics[i].name;
	metric_names[ARRAY_SIZE(metrics)] = NULL;
}

const char *const *query_metric_names(void)
{
	pthread_once(&metric_names_once, fill_metric_names);
	return metric_names;
}

const char *query_metric_unit(const char *metric)
{
	const struct metric *m = metric_find(metric);

	return m ? m->unit : NULL;
}

/* How one value y is derived from this tick's v, d, t_ms and the previous
 * tick's pv, pd, pt. A counter that went backwards (a wrapped counter) or a
 * clock that did not move gives no value rather than a wild one. */
static const char *metric_value_sql(enum metric_kind kind)
{
	switch (kind) {
	case METRIC_RATE:
		return "CASE WHEN v >= pv AND t_ms > pt"
		       " THEN (v - pv) * 1000.0 / (t_ms - pt) END";
	case METRIC_SHARE:
		return "CASE WHEN v >= pv AND d > pd"
		       " THEN 100.0 * (v - pv) / (d - pd) END";
	case METRIC_RATIO:
		return "CASE WHEN v >= pv AND d > pd"
		       " THEN (v - pv) * 1.0 / (d - pd) END";
	case METRIC_GAUGE:
		break;
	}
	return "v";
}

/*
 * src: one row per tick in the window with the metric's raw value v (and
 * total d); prev: the same with the previous tick's values, from one window
 * pass (target counters restart with each target identity, hence PARTITION
 * BY; gauges skip it); val: the derived value y and its bucket b; then one row per
 * bucket.
 */
static char *series_sql(const struct metric *m)
{
	bool sys = m->source == METRIC_SYS;
	/* a gauge needs no previous tick, and the window pass is most of
	 * the cost of a series */
	bool gauge = m->kind == METRIC_GAUGE;

	return xasprintf("WITH src AS ("
			 " SELECT t.seq AS seq, t.t_ms AS t_ms, %s AS k1, %s AS k2,"
			 " (%s) AS v, (%s) AS d"
			 " FROM ticks t JOIN %s x ON x.tick = t.seq"
			 " WHERE t.t_ms BETWEEN :t0 AND :t1),"
			 " prev AS (SELECT t_ms, v, d, %s FROM src%s),"
			 " val AS ("
			 " SELECT t_ms, %s AS y,"
			 " min(CAST((t_ms - :t0) / :width AS INTEGER), :last) AS b"
			 " FROM prev)"
			 " SELECT min(t_ms), min(y), avg(y), max(y), count(y)"
			 " FROM val WHERE y IS NOT NULL GROUP BY b ORDER BY b",
			 sys ? "0" : "x.pid", sys ? "0" : "x.start_ticks", m->expr,
			 m->total ? m->total : "NULL",
			 sys ? "sys_samples" : "target_samples",
			 gauge ? "NULL AS pv, NULL AS pd, NULL AS pt"
			       : "LAG(v) OVER w AS pv, LAG(d) OVER w AS pd,"
				 " LAG(t_ms) OVER w AS pt",
			 gauge ? "" : " WINDOW w AS (PARTITION BY k1, k2 ORDER BY seq)",
			 metric_value_sql(m->kind));
}

static int read_points(struct store *s, sqlite3_stmt *st, struct series *out)
{
	size_t cap = 0;
	int rc;

	while ((rc = store_step(s, st)) > 0) {
		struct series_point *p;

		out->points = xgrow(out->points, &cap, out->n + 1, sizeof(*out->points));
		p = &out->points[out->n++];
		p->t_ms = sqlite3_column_int64(st, 0);
		p->min = sqlite3_column_double(st, 1);
		p->avg = sqlite3_column_double(st, 2);
		p->max = sqlite3_column_double(st, 3);
		p->n = store_column_u64(st, 4);
	}
	if (rc < 0)
		series_release(out);
	return rc;
}

/* ---- rollups ---- */

/* The time of the newest tick before t; false when there is none. */
static bool tick_before(struct store *s, int64_t t, int64_t *out)
{
	sqlite3_stmt *st;
	bool found = false;

	if (sqlite3_prepare_v2(s->db, "SELECT max(t_ms) FROM ticks WHERE t_ms < ?1", -1,
			       &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_int64(st, 1, t);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*out = sqlite3_column_int64(st, 0);
		found = true;
	}
	sqlite3_finalize(st);
	return found;
}

#define MINUTE_MS 60000
/* Buckets this wide or wider are read from the per-minute rollups. */
#define ROLLUP_MIN_WIDTH_MS (2 * MINUTE_MS)

/* Buckets built from whole minutes: min of mins, weighted mean, max of maxes. */
static const char rollup_sql[] =
	"SELECT min(minute) * 60000, min(min), sum(sum) / sum(n), max(max), sum(n)"
	" FROM (SELECT minute, n, min, sum, max,"
	" max(0, min(CAST((minute * 60000 - :t0) / :width AS INTEGER), :last)) AS b"
	" FROM rollups WHERE metric = :metric"
	" AND minute BETWEEN :t0 / 60000 AND :t1 / 60000)"
	" GROUP BY b ORDER BY b";

int query_series(struct store *s, const char *metric, int64_t t0, int64_t t1,
		 size_t npoints, struct series *out)
{
	const struct metric *m = metric_find(metric);
	sqlite3_stmt *st;
	char *sql;
	bool began, rolled;
	int rc;

	out->n = 0;
	out->points = NULL;
	if (!m)
		return store_fail(s, "unknown metric '%s'", metric);
	if (npoints == 0)
		return store_fail(s, "a series needs at least one point");
	/* a file older than the metric's columns has no such values */
	if (t1 < t0 || !store_has(s, m->since))
		return 0;
	/* wide buckets come from the minutes (readers only: the writer builds
	 * the rollups from the ticks) */
	rolled = s->readonly && store_has(s, STORE_SINCE_ROLLUPS) &&
		 ((double)t1 - (double)t0) / (double)npoints >= ROLLUP_MIN_WIDTH_MS;
	sql = rolled ? xstrdup(rollup_sql) : series_sql(m);
	/* readers ask for the same few series every tick; the writer asks for
	 * each metric once a minute (its rollups), which would only churn a
	 * cache it never reads from again soon */
	rc = s->readonly ? store_prepare_cached(s, sql, &st) : store_prepare(s, sql, &st);
	free(sql);
	if (rc < 0)
		return -1;
	if (rolled)
		sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":metric"),
				  m->name, -1, SQLITE_STATIC);
	bind_named_int64(st, ":t0", t0);
	bind_named_int64(st, ":t1", t1);
	/* in double: t1 - t0 may not fit an int64_t for an open window */
	bind_named_double(st, ":width",
			  ((double)t1 - (double)t0 + 1.0) / (double)npoints);
	bind_named_int64(st, ":last", (int64_t)npoints - 1);
	bind_named_int64(st, ":clk_tck", session_clk_tck(s));
	rc = store_read_begin(s, &began);
	if (rc == 0) {
		rc = read_points(s, st, out);
		store_read_end(s, began);
	}
	store_finish(s, st);
	return rc < 0 ? -1 : 0;
}

int store_rollup_minute(struct store *s, int64_t minute)
{
	int64_t t0 = minute * MINUTE_MS, t1 = t0 + MINUTE_MS - 1, before = 0;
	bool has_before = tick_before(s, t0, &before);
	sqlite3_stmt *ins;

	if (store_prepare(
		    s,
		    "INSERT OR REPLACE INTO rollups (metric, minute, n, min, sum, max)"
		    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
		    &ins) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(metrics); i++) {
		const struct metric *m = &metrics[i];
		struct series ser = {0};
		/* a rate needs the tick before the minute for its first value; that
		 * tick has no rate of its own in the window, so it adds none */
		int64_t from = m->kind != METRIC_GAUGE && has_before ? before : t0;
		int rc = query_series(s, m->name, from, t1, 1, &ser);

		if (rc == 0 && ser.n && ser.points[0].n) {
			sqlite3_reset(ins);
			sqlite3_bind_text(ins, 1, m->name, -1, SQLITE_STATIC);
			sqlite3_bind_int64(ins, 2, minute);
			sqlite3_bind_int64(ins, 3, (int64_t)ser.points[0].n);
			sqlite3_bind_double(ins, 4, ser.points[0].min);
			sqlite3_bind_double(ins, 5,
					    ser.points[0].avg * (double)ser.points[0].n);
			sqlite3_bind_double(ins, 6, ser.points[0].max);
			if (sqlite3_step(ins) != SQLITE_DONE)
				rc = store_fail_sql(s, "cannot write rollups");
		}
		series_release(&ser);
		if (rc < 0) {
			sqlite3_finalize(ins);
			return -1;
		}
	}
	sqlite3_finalize(ins);
	return 0;
}

/* ---- frames ---- */

/* The tick a point in time falls in, and the one before it. */
struct tick_ref {
	int64_t seq, t_ms, cost_ns;
	bool has_prev;
	int64_t prev_ms;
};

/* 1 with *ref filled, 0 when no tick is <= t_ms, -1 on failure. */
static int resolve_tick(struct store *s, int64_t t_ms, struct tick_ref *ref)
{
	sqlite3_stmt *st;
	int rc;

	memset(ref, 0, sizeof(*ref));
	if (store_prepare(s,
			  "SELECT seq, t_ms, cost_ns FROM ticks WHERE t_ms <= ?1"
			  " ORDER BY t_ms DESC, seq DESC LIMIT 1",
			  &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, t_ms);
	rc = store_step(s, st);
	if (rc > 0) {
		ref->seq = sqlite3_column_int64(st, 0);
		ref->t_ms = sqlite3_column_int64(st, 1);
		ref->cost_ns = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	if (rc <= 0)
		return rc;
	if (store_prepare(s,
			  "SELECT t_ms FROM ticks WHERE seq < ?1"
			  " ORDER BY seq DESC LIMIT 1",
			  &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, ref->seq);
	rc = store_step(s, st);
	if (rc > 0) {
		ref->has_prev = true;
		ref->prev_ms = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return rc < 0 ? -1 : 1;
}

static int no_tick(struct store *s, int64_t t_ms)
{
	return store_fail(s, "no tick at or before %lld", (long long)t_ms);
}

/* The latest row of each identity alive in the tick, and the cpu_ticks of
 * the row before that (for cpu_pct). */
static const char proc_table_sql[] =
	"SELECT p.pid, p.start_ticks, p.start_ms, p.uid, p.user, p.comm,"
	" p.cmdline, r.ppid, r.state, r.nice, r.threads, r.cpu_ticks, r.rss,"
	" r.vsz, r.tick,"
	" (SELECT q.cpu_ticks FROM proc_samples q"
	"  WHERE q.proc = p.id AND q.tick < r.tick"
	"  ORDER BY q.tick DESC LIMIT 1)"
	" FROM procs p JOIN proc_samples r ON r.proc = p.id"
	" AND r.tick = (SELECT max(m.tick) FROM proc_samples m"
	"  WHERE m.proc = p.id AND m.tick <= ?1)"
	" WHERE p.first_tick <= ?1 AND (p.last_tick IS NULL OR p.last_tick >= ?1)"
	" ORDER BY p.pid, p.start_ticks";

static double cpu_pct(sqlite3_stmt *st, const struct tick_ref *ref, long clk,
		      uint64_t cpu_ticks)
{
	uint64_t before;
	int64_t dt;

	if (sqlite3_column_int64(st, 14) < ref->seq)
		return 0; /* no row this tick: nothing moved */
	if (sqlite3_column_type(st, 15) == SQLITE_NULL || !ref->has_prev)
		return -1;
	before = store_column_u64(st, 15);
	dt = ref->t_ms - ref->prev_ms;
	if (dt <= 0 || cpu_ticks < before)
		return -1;
	return (double)(cpu_ticks - before) * 100000.0 / ((double)dt * clk);
}

static void read_proc_row(sqlite3_stmt *st, const struct tick_ref *ref, long clk,
			  struct proc_row *r)
{
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
	r->cpu_pct = cpu_pct(st, ref, clk, r->cpu_ticks);
}

static int read_proc_table(struct store *s, const struct tick_ref *ref,
			   struct proc_table *out)
{
	long clk = session_clk_tck(s);
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	if (store_prepare(s, proc_table_sql, &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, ref->seq);
	while ((rc = store_step(s, st)) > 0) {
		out->rows = xgrow(out->rows, &cap, out->n + 1, sizeof(*out->rows));
		read_proc_row(st, ref, clk, &out->rows[out->n++]);
	}
	sqlite3_finalize(st);
	if (rc < 0)
		proc_table_release(out);
	return rc < 0 ? -1 : 0;
}

int query_proc_table_at(struct store *s, int64_t t_ms, struct proc_table *out)
{
	struct tick_ref ref;
	bool began;
	int rc;

	out->n = 0;
	out->rows = NULL;
	if (store_read_begin(s, &began) < 0)
		return -1;
	rc = resolve_tick(s, t_ms, &ref);
	if (rc == 0)
		rc = no_tick(s, t_ms);
	if (rc > 0)
		rc = read_proc_table(s, &ref, out);
	store_read_end(s, began);
	return rc < 0 ? -1 : 0;
}

static int read_cpu_times(sqlite3_stmt *st, int c, struct cpu_times *t)
{
	t->user = store_column_u64(st, c++);
	t->nice = store_column_u64(st, c++);
	t->system = store_column_u64(st, c++);
	t->idle = store_column_u64(st, c++);
	t->iowait = store_column_u64(st, c++);
	t->irq = store_column_u64(st, c++);
	t->softirq = store_column_u64(st, c++);
	t->steal = store_column_u64(st, c++);
	return c;
}

static int read_psi(sqlite3_stmt *st, int c, struct psi *p)
{
	p->present = sqlite3_column_type(st, c) != SQLITE_NULL;
	p->has_full = sqlite3_column_type(st, c + 4) != SQLITE_NULL;
	p->some.avg10 = sqlite3_column_double(st, c++);
	p->some.avg60 = sqlite3_column_double(st, c++);
	p->some.avg300 = sqlite3_column_double(st, c++);
	p->some.total_us = store_column_u64(st, c++);
	p->full.avg10 = sqlite3_column_double(st, c++);
	p->full.avg60 = sqlite3_column_double(st, c++);
	p->full.avg300 = sqlite3_column_double(st, c++);
	p->full.total_us = store_column_u64(st, c++);
	return c;
}

static void read_sys_row(sqlite3_stmt *st, struct sys_sample *y)
{
	int c = 1; /* after tick */

	y->have = (unsigned)sqlite3_column_int64(st, c++);
	store_column_text(st, c++, y->why, sizeof(y->why));
	c = read_cpu_times(st, c, &y->cpu);
	y->ctxt = store_column_u64(st, c++);
	y->forks = store_column_u64(st, c++);
	y->procs_running = (uint32_t)sqlite3_column_int64(st, c++);
	y->procs_blocked = (uint32_t)sqlite3_column_int64(st, c++);
	y->boot_time_s = sqlite3_column_int64(st, c++);
	y->mem_total = store_column_u64(st, c++);
	y->mem_free = store_column_u64(st, c++);
	y->mem_available = store_column_u64(st, c++);
	y->buffers = store_column_u64(st, c++);
	y->cached = store_column_u64(st, c++);
	y->swap_total = store_column_u64(st, c++);
	y->swap_free = store_column_u64(st, c++);
	y->load1 = sqlite3_column_double(st, c++);
	y->load5 = sqlite3_column_double(st, c++);
	y->load15 = sqlite3_column_double(st, c++);
	for (int r = 0; r < PSI_N; r++)
		c = read_psi(st, c, &y->psi[r]);
}

static int read_sys(struct store *s, int64_t seq, struct sys_sample *y)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	if (store_prepare(s, "SELECT " SYS_COLUMNS " FROM sys_samples WHERE tick = ?1",
			  &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, seq);
	rc = store_step(s, st);
	if (rc > 0)
		read_sys_row(st, y);
	sqlite3_finalize(st);
	if (rc < 0 || store_prepare(s,
				    "SELECT cpu, " CPU_COLUMNS " FROM cpu_samples"
				    " WHERE tick = ?1 ORDER BY cpu",
				    &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, seq);
	while ((rc = store_step(s, st)) > 0) {
		struct core_times *core;

		y->cores = xgrow(y->cores, &cap, y->ncores + 1, sizeof(*y->cores));
		core = &y->cores[y->ncores++];
		core->cpu = sqlite3_column_int(st, 0);
		read_cpu_times(st, 1, &core->t);
	}
	sqlite3_finalize(st);
	return rc < 0 ? -1 : 0;
}

static int read_frame(struct store *s, int64_t t_ms, struct frame *f)
{
	struct tick_ref ref;
	int rc = resolve_tick(s, t_ms, &ref);

	if (rc == 0)
		return no_tick(s, t_ms);
	if (rc < 0)
		return -1;
	f->seq = (uint64_t)ref.seq;
	f->t_ms = ref.t_ms;
	f->cost_ns = ref.cost_ns;
	if (read_sys(s, ref.seq, &f->sys) < 0 ||
	    read_proc_table(s, &ref, &f->procs) < 0 ||
	    store_read_target(s, ref.seq, f) < 0)
		return -1;
	return 0;
}

int query_frame_at(struct store *s, int64_t t_ms, struct frame **out)
{
	struct frame *f;
	bool began;
	int rc;

	*out = NULL;
	if (store_read_begin(s, &began) < 0)
		return -1;
	f = frame_new();
	rc = read_frame(s, t_ms, f);
	store_read_end(s, began);
	if (rc < 0) {
		frame_unref(f);
		return -1;
	}
	*out = f;
	return 0;
}

/* ---- the heaviest processes of a window ---- */

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

static void read_top_process(sqlite3_stmt *st, struct top_process *p)
{
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
}

static int read_top_processes(struct store *s, sqlite3_stmt *st, struct top_process **out,
			      size_t *count)
{
	size_t cap = 0;
	int rc;

	while ((rc = store_step(s, st)) > 0) {
		*out = xgrow(*out, &cap, *count + 1, sizeof(**out));
		read_top_process(st, &(*out)[(*count)++]);
	}
	if (rc < 0) {
		top_processes_free(*out, *count);
		*out = NULL;
		*count = 0;
	}
	return rc;
}

int query_top_processes(struct store *s, int64_t t0, int64_t t1, enum query_top_by by,
			size_t n, struct top_process **out, size_t *count)
{
	sqlite3_stmt *st;
	bool began;
	int rc;

	*out = NULL;
	*count = 0;
	assert(by == QUERY_TOP_CPU || by == QUERY_TOP_RSS);
	if (t1 < t0 || n == 0)
		return 0;
	if (store_prepare(s, top_processes_sql[by], &st) < 0)
		return -1;
	bind_named_int64(st, ":t0", t0);
	bind_named_int64(st, ":t1", t1);
	bind_named_int64(st, ":n", n > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)n);
	bind_named_int64(st, ":clk_tck", session_clk_tck(s));
	rc = store_read_begin(s, &began);
	if (rc == 0) {
		rc = read_top_processes(s, st, out, count);
		store_read_end(s, began);
	}
	sqlite3_finalize(st);
	return rc < 0 ? -1 : 0;
}
