/* SPDX-License-Identifier: MIT */
/*
 * series: the named metrics of a session and their time series.
 *
 * Metrics are rows of one const table: an SQL expression over one row of a
 * sample table, and how a value is derived from it: as is (a gauge), per
 * second between consecutive ticks (a rate, LAG over the ticks), or as a
 * share of another counter's movement (CPU percentages). Series are
 * downsampled by SQLite (GROUP BY time bucket), so a graph of a day of ticks
 * moves a few hundred rows into C, not eighty thousand; buckets of two
 * minutes or more come from the per-minute rollups the writer keeps
 * (store/write.c, store_rollup_minute) when the file has them.
 */
#include "store/series.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/dev_rows.h"
#include "store/store-internal.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The values are store/dev_rows.c's KIND_* too. */
enum metric_kind {
	METRIC_GAUGE = 0, /* the value as stored */
	METRIC_RATE = 1,  /* per second between consecutive ticks */
	METRIC_SHARE = 2, /* 100 * moved(expr) / moved(total) between ticks */
	METRIC_RATIO = 3, /* moved(expr) / moved(total) between ticks */
	METRIC_BUSY = 4,  /* devices: a rate in %, at most 100; the busiest one */
};

/* METRIC_DISK, METRIC_NET: summed over the devices (store/dev_rows.c) */
enum metric_source { METRIC_SYS, METRIC_TARGET, METRIC_DISK, METRIC_NET };

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
	/* disks and interfaces (v6): totals over whole disks (not stacked
	 * ones) and interfaces but lo; "disk.DEV.read_bytes" and the like are
	 * the same for one device. util is the busiest disk's. */
	{"disk.read_bytes", METRIC_DISK, METRIC_RATE, "x.read_sectors * 512", NULL,
	 "bytes/s", STORE_SINCE_DISKNET},
	{"disk.write_bytes", METRIC_DISK, METRIC_RATE, "x.write_sectors * 512", NULL,
	 "bytes/s", STORE_SINCE_DISKNET},
	{"disk.reads", METRIC_DISK, METRIC_RATE, "x.reads", NULL, "/s",
	 STORE_SINCE_DISKNET},
	{"disk.writes", METRIC_DISK, METRIC_RATE, "x.writes", NULL, "/s",
	 STORE_SINCE_DISKNET},
	{"disk.util", METRIC_DISK, METRIC_BUSY, "x.io_ms / 10.0", NULL, "%",
	 STORE_SINCE_DISKNET},
	{"disk.await", METRIC_DISK, METRIC_RATIO, "x.read_ms + x.write_ms",
	 "x.reads + x.writes", "ms", STORE_SINCE_DISKNET},
	{"net.rx_bytes", METRIC_NET, METRIC_RATE, "x.rx_bytes", NULL, "bytes/s",
	 STORE_SINCE_DISKNET},
	{"net.tx_bytes", METRIC_NET, METRIC_RATE, "x.tx_bytes", NULL, "bytes/s",
	 STORE_SINCE_DISKNET},
	{"net.rx_packets", METRIC_NET, METRIC_RATE, "x.rx_packets", NULL, "/s",
	 STORE_SINCE_DISKNET},
	{"net.tx_packets", METRIC_NET, METRIC_RATE, "x.tx_packets", NULL, "/s",
	 STORE_SINCE_DISKNET},
	{"net.errors", METRIC_NET, METRIC_RATE, "x.rx_errs + x.tx_errs", NULL, "/s",
	 STORE_SINCE_DISKNET},
	{"net.drops", METRIC_NET, METRIC_RATE, "x.rx_drop + x.tx_drop", NULL, "/s",
	 STORE_SINCE_DISKNET},
};

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

static const char *dev_prefix(enum metric_source src)
{
	return src == METRIC_DISK ? "disk." : src == METRIC_NET ? "net." : NULL;
}

/*
 * "disk.sda.read_bytes" (a device's own metric): the totals metric
 * "disk.read_bytes" it follows, with the device name copied to dev. The
 * field is after the last dot (interface names have dots: eth0.100).
 */
static const struct metric *dev_metric_find(const char *name, char dev[FRAME_DEV_MAX])
{
	const char *field = strrchr(name, '.');

	for (size_t i = 0; field && i < ARRAY_SIZE(metrics); i++) {
		const char *pre = dev_prefix(metrics[i].source);
		size_t pl = pre ? strlen(pre) : 0, dl;

		if (!pre || strncmp(name, pre, pl) ||
		    strcmp(metrics[i].name + pl, field + 1))
			continue;
		dl = (size_t)(field - (name + pl));
		if (field <= name + pl || dl >= FRAME_DEV_MAX)
			return NULL;
		memcpy(dev, name + pl, dl);
		dev[dl] = '\0';
		return &metrics[i];
	}
	return NULL;
}

static const char *dev_fields[2][ARRAY_SIZE(metrics) + 1];
static pthread_once_t dev_fields_once = PTHREAD_ONCE_INIT;

static void fill_dev_fields(void)
{
	size_t n[2] = {0, 0};

	for (size_t i = 0; i < ARRAY_SIZE(metrics); i++) {
		const char *pre = dev_prefix(metrics[i].source);
		int c = metrics[i].source == METRIC_DISK ? DEV_DISK : DEV_NET;

		if (pre)
			dev_fields[c][n[c]++] = metrics[i].name + strlen(pre);
	}
}

const char *const *query_dev_fields(enum dev_class cls)
{
	pthread_once(&dev_fields_once, fill_dev_fields);
	return dev_fields[cls];
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
	char dev[FRAME_DEV_MAX];
	const struct metric *m = metric_find(metric);

	if (!m)
		m = dev_metric_find(metric, dev);
	return m ? m->unit : NULL;
}

/* How one value y is derived from this tick's v, d, t_ms, seq and the
 * previous tick's pv, pd, pt, ps: core/rates's rate_per_s, rate_share_pct
 * and rate_ratio in SQL (tests/unit/test_rates.c holds the two to the same
 * numbers). A counter that went backwards (a wrapped counter), a clock that
 * did not move or a gap between the two ticks (store/gaps.h) gives no value
 * rather than a wild one or an average over minutes nothing recorded. */
#define CONTINUES STORE_CONTINUES_SQL("seq", "t_ms", "ps", "pt")
static const char *metric_value_sql(enum metric_kind kind)
{
	switch (kind) {
	case METRIC_RATE:
		return "CASE WHEN v >= pv AND t_ms > pt AND " CONTINUES
		       " THEN (v - pv) * 1000.0 / (t_ms - pt) END";
	case METRIC_SHARE:
		return "CASE WHEN v >= pv AND d > pd AND " CONTINUES
		       " THEN 100.0 * (v - pv) / (d - pd) END";
	case METRIC_RATIO:
		return "CASE WHEN v >= pv AND d > pd AND " CONTINUES
		       " THEN (v - pv) * 1.0 / (d - pd) END";
	case METRIC_BUSY: /* devices only (store/dev_rows.c) */
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
static char *series_sql(const struct metric *m, bool per_device)
{
	bool sys = m->source == METRIC_SYS;

	if (m->source == METRIC_DISK || m->source == METRIC_NET)
		return store_dev_series_sql(m->source == METRIC_DISK, (int)m->kind,
					    m->expr, m->total, per_device);
	/* a gauge needs no previous tick, and the window pass is most of
	 * the cost of a series */
	bool gauge = m->kind == METRIC_GAUGE;

	return xasprintf("WITH src AS ("
			 " SELECT t.seq AS seq, t.t_ms AS t_ms, %s AS k1, %s AS k2,"
			 " (%s) AS v, (%s) AS d"
			 " FROM ticks t JOIN %s x ON x.tick = t.seq"
			 " WHERE t.t_ms BETWEEN :t0 AND :t1),"
			 " prev AS (SELECT seq, t_ms, v, d, %s FROM src%s),"
			 " val AS ("
			 " SELECT t_ms, %s AS y,"
			 " min(CAST((t_ms - :t0) / :width AS INTEGER), :last) AS b"
			 " FROM prev)"
			 " SELECT min(t_ms), min(y), avg(y), max(y), count(y)"
			 " FROM val WHERE y IS NOT NULL GROUP BY b ORDER BY b",
			 sys ? "0" : "x.pid", sys ? "0" : "x.start_ticks", m->expr,
			 m->total ? m->total : "NULL",
			 sys ? "sys_samples" : "target_samples",
			 gauge ? "NULL AS pv, NULL AS pd, NULL AS pt, NULL AS ps"
			       : "LAG(v) OVER w AS pv, LAG(d) OVER w AS pd,"
				 " LAG(t_ms) OVER w AS pt, LAG(seq) OVER w AS ps",
			 gauge ? "" : " WINDOW w AS (PARTITION BY k1, k2 ORDER BY seq)",
			 metric_value_sql(m->kind));
}

static void read_point(sqlite3_stmt *st, void *row)
{
	struct series_point *p = row;

	p->t_ms = sqlite3_column_int64(st, 0);
	p->min = sqlite3_column_double(st, 1);
	p->avg = sqlite3_column_double(st, 2);
	p->max = sqlite3_column_double(st, 3);
	p->n = store_column_u64(st, 4);
}

bool store_metric_is_gauge(const char *name)
{
	const struct metric *m = metric_find(name);

	return m && m->kind == METRIC_GAUGE;
}

/* ---- reading a series ---- */

/* Buckets this wide or wider are read from the per-minute rollups. */
#define ROLLUP_MIN_WIDTH_MS (2 * STORE_MINUTE_MS)

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
	char dev[FRAME_DEV_MAX] = "";
	sqlite3_stmt *st;
	char *sql;
	bool rolled;
	int rc;

	out->n = 0;
	out->points = NULL;
	if (!m)
		m = dev_metric_find(metric, dev);
	if (!m)
		return store_fail(s, "unknown metric '%s'", metric);
	if (npoints == 0)
		return store_fail(s, "a series needs at least one point");
	/* a file older than the metric's columns has no such values */
	if (t1 < t0 || !store_has(s, m->since))
		return 0;
	/* wide buckets come from the minutes (readers only: the writer builds
	 * the rollups from the ticks) */
	rolled = s->readonly && store_has(s, STORE_SINCE_ROLLUPS) && !*dev &&
		 ((double)t1 - (double)t0) / (double)npoints >= ROLLUP_MIN_WIDTH_MS;
	sql = rolled ? xstrdup(rollup_sql) : series_sql(m, *dev);
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
	store_bind_named_int64(st, ":t0", t0);
	store_bind_named_int64(st, ":t1", t1);
	/* in double: t1 - t0 may not fit an int64_t for an open window */
	store_bind_named_double(st, ":width",
				((double)t1 - (double)t0 + 1.0) / (double)npoints);
	store_bind_named_int64(st, ":last", (int64_t)npoints - 1);
	store_bind_named_int64(st, ":clk_tck", store_session_clk_tck(s));
	store_bind_named_int64(st, ":interval", store_session_interval(s));
	if (*dev)
		sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":dev"), dev, -1,
				  SQLITE_TRANSIENT);
	return store_read_rows(s, st, (void **)&out->points, &out->n,
			       sizeof(*out->points), read_point);
}
