/* SPDX-License-Identifier: MIT */
/*
 * test_query: the read API against sessions written by hand, where every
 * expected number is worked out here: derived cpu_pct of the process table,
 * series of gauges, rates and CPU shares, downsampling into buckets, values
 * that were never read, and the errors a reader can get; and that each CPU
 * figure the SQL derives is the one the C side (core, alerts) derives, in
 * the same convention.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sql.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/alert_metrics.h"
#include "core/frame.h"
#include "core/xalloc.h"
#include "store/frames.h"
#include "store/processes.h"
#include "store/series.h"
#include "store/store.h"

#define T0 1700000000000LL

#define assert_dbl(a, b)                                                                 \
	do {                                                                             \
		double a_ = (a), b_ = (b);                                               \
		if (!(fabs(a_ - b_) <= 1e-9 * (fabs(b_) > 1 ? fabs(b_) : 1)))            \
			fail_msg("%s = %.17g, expected %.17g", #a, a_, b_);              \
	} while (0)

struct session {
	char path[64];
	struct store *s;
};

static void session_create(struct session *t, long clk_tck)
{
	t->s = sql_session_new(t->path, sizeof(t->path), "query", T0, clk_tck);
	assert_non_null(t->s);
}

static void session_remove(struct session *t)
{
	char p[80];

	store_close(t->s);
	unlink(t->path);
	snprintf(p, sizeof(p), "%s-wal", t->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", t->path);
	unlink(p);
}

static struct frame *frame_at(uint64_t seq, int64_t t_ms)
{
	struct frame *f = frame_new();

	f->seq = seq;
	f->t_ms = t_ms;
	return f;
}

static void write_frame(struct session *t, struct frame *f)
{
	if (store_write_frame(t->s, f) < 0)
		fail_msg("store_write_frame: %s", store_error(t->s));
	frame_unref(f);
}

static struct proc_row *add_proc(struct frame *f, int pid, uint64_t cpu)
{
	struct proc_row *r;

	f->procs.rows =
		xrealloc(f->procs.rows, (f->procs.n + 1) * sizeof(*f->procs.rows));
	r = &f->procs.rows[f->procs.n++];
	memset(r, 0, sizeof(*r));
	r->pid = pid;
	r->start_ticks = (uint64_t)pid * 10;
	r->state = 'S';
	r->cpu_ticks = cpu;
	r->cmdline = xstrdup("");
	return r;
}

static void series(struct session *t, const char *metric, int64_t t0, int64_t t1,
		   size_t npoints, struct series *out)
{
	if (query_series(t->s, metric, t0, t1, npoints, out) < 0)
		fail_msg("query_series %s: %s", metric, store_error(t->s));
}

/* ---- process table ---- */

static void test_cpu_pct(void **state)
{
	struct session t;
	struct proc_table pt;
	/* ticks at 0, 1 s, 2 s, 4 s: the last interval is two seconds */
	static const int64_t at[] = {0, 1000, 2000, 4000};
	static const uint64_t cpu_a[] = {0, 50, 50, 150};

	(void)state;
	session_create(&t, 100);
	for (uint64_t k = 0; k < 4; k++) {
		struct frame *f = frame_at(k, T0 + at[k]);

		add_proc(f, 10, cpu_a[k]);
		if (k >= 1)
			add_proc(f, 20, 1000 + 7 * k);
		write_frame(&t, f);
	}

	assert_int_equal(query_proc_table_at(t.s, T0 + 1000, &pt), 0);
	assert_int_equal(pt.n, 2);
	assert_dbl(pt.rows[0].cpu_pct, 50.0); /* 50 ticks / 1 s / 100 Hz */
	assert_dbl(pt.rows[1].cpu_pct, -1.0); /* new: no previous row */
	proc_table_release(&pt);

	assert_int_equal(query_proc_table_at(t.s, T0 + 2999, &pt), 0);
	assert_int_equal(pt.n, 2);
	assert_dbl(pt.rows[0].cpu_pct, 0.0); /* idle: no row this tick */
	assert_int_equal(pt.rows[0].cpu_ticks, 50);
	assert_dbl(pt.rows[1].cpu_pct, 7.0);
	proc_table_release(&pt);

	assert_int_equal(query_proc_table_at(t.s, T0 + 4000, &pt), 0);
	assert_dbl(pt.rows[0].cpu_pct, 50.0); /* 100 ticks over 2 s */
	assert_dbl(pt.rows[1].cpu_pct, 3.5);  /* 7 ticks over 2 s */
	proc_table_release(&pt);

	assert_int_equal(query_proc_table_at(t.s, T0 - 1, &pt), -1);
	assert_int_equal(pt.n, 0);
	assert_null(pt.rows);
	session_remove(&t);
}

/* ---- series ---- */

static struct frame *sys_frame(uint64_t i)
{
	struct frame *f = frame_at(i, T0 + 1000 * (int64_t)i);
	struct sys_sample *y = &f->sys;

	y->have = SYS_HAVE_STAT | SYS_HAVE_MEMINFO | SYS_HAVE_LOADAVG;
	/* per tick: user +20, nice +10, system +5, irq +3, softirq +2,
	 * iowait +10, steal +0, idle +50: 100 ticks in all */
	y->cpu = (struct cpu_times){.user = 20 * i,
				    .nice = 10 * i,
				    .system = 5 * i,
				    .idle = 50 * i,
				    .iowait = 10 * i,
				    .irq = 3 * i,
				    .softirq = 2 * i};
	y->ctxt = 5 * i * (i + 1); /* rate at tick i: 10 i per second */
	y->forks = 3 * i;
	y->mem_total = 1 << 30;
	y->mem_available = 1024 * i;
	y->swap_total = 4096;
	y->swap_free = 4096 - i;
	y->load1 = (double)i / 4;
	y->psi[PSI_MEMORY].present = true;
	y->psi[PSI_MEMORY].some.avg10 = 0.5;
	return f;
}

static void write_sys_ticks(struct session *t, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		write_frame(t, sys_frame(i));
}

static void test_series_gauge_buckets(void **state)
{
	struct session t;
	struct series sr;

	(void)state;
	session_create(&t, 100);
	write_sys_ticks(&t, 100);

	/* 100 ticks, one per second, into 10 buckets of 10 s */
	series(&t, "mem.available", T0, T0 + 99999, 10, &sr);
	assert_int_equal(sr.n, 10);
	for (size_t k = 0; k < 10; k++) {
		assert_int_equal(sr.points[k].t_ms, T0 + 10000 * (int64_t)k);
		assert_int_equal(sr.points[k].n, 10);
		assert_dbl(sr.points[k].min, 1024.0 * (double)(10 * k));
		assert_dbl(sr.points[k].max, 1024.0 * (double)(10 * k + 9));
		assert_dbl(sr.points[k].avg, 1024.0 * ((double)(10 * k) + 4.5));
	}
	series_release(&sr);
	assert_null(sr.points);

	/* one point: the whole window */
	series(&t, "mem.used", T0, T0 + 99999, 1, &sr);
	assert_int_equal(sr.n, 1);
	assert_int_equal(sr.points[0].n, 100);
	assert_dbl(sr.points[0].min, (double)(1 << 30) - 1024.0 * 99);
	assert_dbl(sr.points[0].max, (double)(1 << 30));
	assert_dbl(sr.points[0].avg, (double)(1 << 30) - 1024.0 * 49.5);
	series_release(&sr);

	/* more points than ticks: one tick each, at its own time */
	series(&t, "swap.used", T0 + 10000, T0 + 14000, 1000, &sr);
	assert_int_equal(sr.n, 5);
	for (size_t k = 0; k < 5; k++) {
		assert_int_equal(sr.points[k].t_ms, T0 + 10000 + 1000 * (int64_t)k);
		assert_int_equal(sr.points[k].n, 1);
		assert_dbl(sr.points[k].avg, 10.0 + (double)k);
	}
	series_release(&sr);

	series(&t, "load1", T0 + 4000, T0 + 4000, 1, &sr);
	assert_int_equal(sr.n, 1);
	assert_dbl(sr.points[0].avg, 1.0);
	series_release(&sr);

	/* an empty or inverted window */
	series(&t, "load1", T0 + 500000, T0 + 600000, 10, &sr);
	assert_int_equal(sr.n, 0);
	series(&t, "load1", T0 + 5000, T0, 10, &sr);
	assert_int_equal(sr.n, 0);
	session_remove(&t);
}

static void test_series_rates(void **state)
{
	struct session t;
	struct series sr;

	(void)state;
	session_create(&t, 100);
	write_sys_ticks(&t, 100);

	series(&t, "ctxt.rate", T0, T0 + 99999, 10, &sr);
	assert_int_equal(sr.n, 10);
	/* the window's first tick has no rate: bucket 0 holds ticks 1..9 */
	assert_int_equal(sr.points[0].n, 9);
	assert_int_equal(sr.points[0].t_ms, T0 + 1000);
	assert_dbl(sr.points[0].min, 10.0);
	assert_dbl(sr.points[0].max, 90.0);
	assert_dbl(sr.points[0].avg, 50.0);
	assert_int_equal(sr.points[1].n, 10);
	assert_dbl(sr.points[1].min, 100.0);
	assert_dbl(sr.points[1].max, 190.0);
	assert_dbl(sr.points[1].avg, 145.0);
	series_release(&sr);

	/* a window starting mid-way starts its rates there too */
	series(&t, "forks.rate", T0 + 50000, T0 + 59999, 1, &sr);
	assert_int_equal(sr.n, 1);
	assert_int_equal(sr.points[0].n, 9);
	assert_dbl(sr.points[0].avg, 3.0);
	series_release(&sr);

	/* shares of all CPU time moved between ticks */
	series(&t, "cpu.total", T0, T0 + 99999, 1, &sr);
	assert_int_equal(sr.points[0].n, 99);
	assert_dbl(sr.points[0].min, 40.0); /* 20+10+5+3+2 of 100 */
	assert_dbl(sr.points[0].max, 40.0);
	series_release(&sr);
	series(&t, "cpu.user", T0, T0 + 99999, 1, &sr);
	assert_dbl(sr.points[0].avg, 30.0);
	series_release(&sr);
	series(&t, "cpu.system", T0, T0 + 99999, 1, &sr);
	assert_dbl(sr.points[0].avg, 10.0);
	series_release(&sr);
	series(&t, "cpu.iowait", T0, T0 + 99999, 1, &sr);
	assert_dbl(sr.points[0].avg, 10.0);
	series_release(&sr);
	series(&t, "cpu.steal", T0, T0 + 99999, 1, &sr);
	assert_dbl(sr.points[0].avg, 0.0);
	series_release(&sr);

	/* present PSI gives values; absent PSI (io) gives none, not zeros */
	series(&t, "psi.memory.some.avg10", T0, T0 + 99999, 1, &sr);
	assert_int_equal(sr.points[0].n, 100);
	assert_dbl(sr.points[0].avg, 0.5);
	series_release(&sr);
	series(&t, "psi.io.some.avg10", T0, T0 + 99999, 1, &sr);
	assert_int_equal(sr.n, 0);
	series(&t, "psi.memory.full.avg10", T0, T0 + 99999, 1, &sr);
	assert_int_equal(sr.n, 0);
	session_remove(&t);
}

static void add_target(struct frame *f, uint64_t i, unsigned have)
{
	struct target_sample *tg = xcalloc(1, sizeof(*tg));

	tg->pid = 4242;
	tg->start_ticks = 1;
	tg->alive = true;
	tg->exit_code = -1;
	tg->have = have;
	/* garbage in every field: only the have bits say what is real */
	tg->utime = 50 * i;
	tg->stime = 25 * i;
	tg->num_threads = 4;
	tg->vm_rss = (have & TARGET_HAVE_STATUS) ? 1000 * (i + 1) : 999999999;
	tg->read_bytes = 4096 * i;
	tg->write_bytes = 512 * i;
	tg->minflt = 7 * i;
	tg->vol_ctxsw = 2 * i;
	tg->fds = (have & TARGET_HAVE_FDS) ? 12 : 777;
	f->target = tg;
}

/*
 * One CPU convention per figure, wherever it is computed: the machine's CPU
 * is a share of all its cores (0..100; iowait is idle), the same from the
 * store's SQL (cpu.total), core's cpu_times_busy_pct() (the console) and the
 * alerts' lookup; a process's is a share of one core (100 = one core busy,
 * 150 = one and a half), the same from target.cpu, the alerts' target.cpu
 * and the process table's cpu_pct. Four cores, uneven intervals.
 */
static void test_cpu_conventions_agree(void **state)
{
	static const int64_t at[] = {0, 1000, 2500, 3000, 5000};
	/* per interval, of 400 ticks a second (4 cores at 100 Hz):
	 * 40% busy, every core busy, only iowait, half of it stolen */
	static const struct cpu_times moved[] = {
		{0},
		{.user = 100,
		 .system = 40,
		 .irq = 5,
		 .softirq = 5,
		 .steal = 10,
		 .iowait = 40,
		 .idle = 200},
		{.user = 500, .system = 100},
		{.iowait = 150, .idle = 50},
		{.user = 200, .steal = 200, .idle = 400},
	};
	static const double want_sys[] = {0, 40, 100, 0, 50};
	/* the target: one core, one and a half, nothing, a quarter */
	static const uint64_t tmoved[] = {0, 100, 225, 0, 50};
	static const double want_tgt[] = {0, 100, 150, 0, 25};
	struct frame *f[5];
	struct session t;
	struct series sys, tgt;
	struct proc_table pt;
	struct cpu_times c = {0};
	uint64_t tcpu = 1000;

	(void)state;
	session_create(&t, 100);
	for (size_t k = 0; k < 5; k++) {
		f[k] = frame_at(k, T0 + at[k]);
		c.user += moved[k].user;
		c.system += moved[k].system;
		c.irq += moved[k].irq;
		c.softirq += moved[k].softirq;
		c.steal += moved[k].steal;
		c.iowait += moved[k].iowait;
		c.idle += moved[k].idle + 1000 * (k == 0);
		f[k]->sys.have = SYS_HAVE_STAT;
		f[k]->sys.cpu = c;
		tcpu += tmoved[k];
		add_target(f[k], 0, TARGET_HAVE_STAT);
		f[k]->target->utime = tcpu - tcpu / 3;
		f[k]->target->stime = tcpu / 3;
		add_proc(f[k], 4242, tcpu);
	}
	for (size_t k = 1; k < 5; k++) {
		struct alert_metrics am = {.cur = f[k], .prev = f[k - 1], .clk_tck = 100};
		struct alert_value v;

		assert_dbl(cpu_times_busy_pct(&f[k - 1]->sys.cpu, &f[k]->sys.cpu),
			   want_sys[k]);
		assert_int_equal(alert_metrics_lookup(&am, "cpu.total", &v), ALERT_VALUE);
		assert_dbl(v.number, want_sys[k]);
		assert_int_equal(alert_metrics_lookup(&am, "target.cpu", &v),
				 ALERT_VALUE);
		assert_dbl(v.number, want_tgt[k]);
	}
	for (size_t k = 0; k < 5; k++)
		write_frame(&t, f[k]);

	series(&t, "cpu.total", T0, T0 + 5000, 100, &sys);
	series(&t, "target.cpu", T0, T0 + 5000, 100, &tgt);
	assert_int_equal(sys.n, 4);
	assert_int_equal(tgt.n, 4);
	for (size_t k = 1; k < 5; k++) {
		assert_int_equal(sys.points[k - 1].t_ms, T0 + at[k]);
		assert_dbl(sys.points[k - 1].avg, want_sys[k]);
		assert_dbl(tgt.points[k - 1].avg, want_tgt[k]);
		assert_int_equal(query_proc_table_at(t.s, T0 + at[k], &pt), 0);
		assert_int_equal(pt.n, 1);
		assert_dbl(pt.rows[0].cpu_pct, want_tgt[k]);
		proc_table_release(&pt);
	}
	series_release(&sys);
	series_release(&tgt);
	session_remove(&t);
}

static void test_series_target(void **state)
{
	const unsigned all =
		TARGET_HAVE_STAT | TARGET_HAVE_STATUS | TARGET_HAVE_IO | TARGET_HAVE_FDS;
	struct session t;
	struct series sr;

	(void)state;
	session_create(&t, 100);
	for (uint64_t i = 0; i < 10; i++) {
		struct frame *f = frame_at(i, T0 + 1000 * (int64_t)i);

		/* status unreadable at tick 3 and 4, fds at tick 9 */
		add_target(f, i,
			   i == 3 || i == 4 ? all & ~TARGET_HAVE_STATUS
			   : i == 9	    ? all & ~TARGET_HAVE_FDS
					    : all);
		write_frame(&t, f);
	}
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM target_samples"
					 " WHERE vm_rss IS NULL"),
			 2);
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM target_samples"
					 " WHERE fds IS NULL"),
			 1);
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM target_samples"
					 " WHERE vm_swap IS NULL"),
			 2);

	/* 1000 (i + 1) for i in 0..9 without 3, 4 */
	series(&t, "target.rss", T0, T0 + 9999, 1, &sr);
	assert_int_equal(sr.points[0].n, 8);
	assert_dbl(sr.points[0].min, 1000.0);
	assert_dbl(sr.points[0].max, 10000.0);
	assert_dbl(sr.points[0].avg, (55.0 - 4 - 5) * 1000 / 8);
	series_release(&sr);
	series(&t, "target.fds", T0, T0 + 9999, 1, &sr);
	assert_int_equal(sr.points[0].n, 9);
	assert_dbl(sr.points[0].max, 12.0);
	series_release(&sr);

	series(&t, "target.cpu", T0, T0 + 9999, 1, &sr);
	assert_int_equal(sr.points[0].n, 9);
	assert_dbl(sr.points[0].min, 75.0); /* 75 ticks / s at 100 Hz */
	assert_dbl(sr.points[0].max, 75.0);
	series_release(&sr);
	series(&t, "target.cpu.user", T0, T0 + 9999, 1, &sr);
	assert_dbl(sr.points[0].avg, 50.0);
	series_release(&sr);
	series(&t, "target.read_bps", T0, T0 + 9999, 1, &sr);
	assert_dbl(sr.points[0].avg, 4096.0);
	series_release(&sr);
	series(&t, "target.write_bps", T0, T0 + 9999, 1, &sr);
	assert_dbl(sr.points[0].avg, 512.0);
	series_release(&sr);
	series(&t, "target.minflt.rate", T0, T0 + 9999, 1, &sr);
	assert_dbl(sr.points[0].avg, 7.0);
	series_release(&sr);
	/* vol_ctxsw is a status field: ticks 3 and 4 have none, so the
	 * rates into 3, 4 and 5 are missing: 9 - 3 = 6 */
	series(&t, "target.ctxsw.vol.rate", T0, T0 + 9999, 1, &sr);
	assert_int_equal(sr.points[0].n, 6);
	assert_dbl(sr.points[0].avg, 2.0);
	series_release(&sr);
	session_remove(&t);
}

/* A new target (another pid) has its own counters: no rate across, even
 * when the new counters happen to be larger. */
static void test_series_target_replaced(void **state)
{
	struct session t;
	struct series sr;

	(void)state;
	session_create(&t, 100);
	for (uint64_t i = 0; i < 6; i++) {
		struct frame *f = frame_at(i, T0 + 1000 * (int64_t)i);

		add_target(f, i < 3 ? i : 20 + i, TARGET_HAVE_STAT);
		if (i >= 3)
			f->target->pid = 5000;
		write_frame(&t, f);
	}
	series(&t, "target.cpu", T0, T0 + 9999, 1, &sr);
	assert_int_equal(sr.points[0].n, 4); /* 2 per process */
	assert_dbl(sr.points[0].min, 75.0);
	assert_dbl(sr.points[0].max, 75.0);
	series_release(&sr);
	session_remove(&t);
}

/* The run of ticks of one target: another target ends it on either side,
 * ticks without a target do not, and only the window is looked at. */
static void test_target_run(void **state)
{
	struct session t;
	int64_t from, to;

	(void)state;
	session_create(&t, 100);
	/* 4242 at 0-2, 5000 at 3-5, none at 6, 4242 again at 7-9 */
	for (uint64_t i = 0; i < 10; i++) {
		struct frame *f = frame_at(i, T0 + 1000 * (int64_t)i);

		if (i != 6)
			add_target(f, i, TARGET_HAVE_STAT);
		if (i >= 3 && i <= 5)
			f->target->pid = 5000;
		write_frame(&t, f);
	}
	assert_int_equal(
		timeline_target_run(t.s, 4242, 1, T0, T0 + 1000, T0 + 9000, &from, &to),
		0);
	assert_true(from == T0 && to == T0 + 3000);
	assert_int_equal(
		timeline_target_run(t.s, 5000, 1, T0, T0 + 4000, T0 + 9000, &from, &to),
		0);
	assert_true(from == T0 + 2001 && to == T0 + 7000);
	assert_int_equal(
		timeline_target_run(t.s, 4242, 1, T0, T0 + 9000, T0 + 9000, &from, &to),
		0);
	assert_true(from == T0 + 5001 && to == T0 + 9001);
	/* the same pid started again is another target */
	assert_int_equal(timeline_target_run(t.s, 4242, 2, T0 + 7000, T0 + 8000,
					     T0 + 9000, &from, &to),
			 0);
	assert_true(from == T0 + 8001 && to == T0 + 9000);
	/* a window inside the run: its edges */
	assert_int_equal(timeline_target_run(t.s, 5000, 1, T0 + 3500, T0 + 4000,
					     T0 + 4500, &from, &to),
			 0);
	assert_true(from == T0 + 3500 && to == T0 + 4501);
	session_remove(&t);
}

static void test_series_errors(void **state)
{
	struct session t;
	struct series sr = {0};

	(void)state;
	session_create(&t, 100);
	write_sys_ticks(&t, 3);
	assert_int_equal(query_series(t.s, "cpu.totl", T0, T0 + 9999, 10, &sr), -1);
	assert_string_equal(store_error(t.s), "unknown metric 'cpu.totl'");
	assert_int_equal(sr.n, 0);
	assert_null(sr.points);
	assert_int_equal(query_series(t.s, "load1", T0, T0 + 9999, 0, &sr), -1);
	assert_int_equal(sr.n, 0);
	assert_null(query_metric_unit("cpu.totl"));
	session_remove(&t);
}

/* Every advertised metric runs, over a session with sys and target data. */
static void test_every_metric_runs(void **state)
{
	const char *const *names = query_metric_names();
	struct session t;
	size_t count = 0;

	(void)state;
	session_create(&t, 100);
	for (uint64_t i = 0; i < 3; i++) {
		struct frame *f = sys_frame(i);

		add_target(f, i,
			   TARGET_HAVE_STAT | TARGET_HAVE_STATUS | TARGET_HAVE_IO |
				   TARGET_HAVE_FDS);
		write_frame(&t, f);
	}
	for (; names[count]; count++) {
		struct series sr;

		assert_non_null(query_metric_unit(names[count]));
		series(&t, names[count], T0, T0 + 2999, 4, &sr);
		series_release(&sr);
	}
	assert_int_equal(count, 59); /* 47, and 12 of disks and interfaces */
	assert_string_equal(query_metric_unit("target.read_bps"), "bytes/s");
	assert_string_equal(query_metric_unit("cpu.total"), "%");
	session_remove(&t);
}

/* Latency fields survive the store, and the latency metrics derive from them. */
static void add_latency(struct target_sample *tg, uint64_t i)
{
	tg->have |= TARGET_HAVE_THREADS | TARGET_HAVE_SCHED | TARGET_HAVE_CGPSI;
	tg->run_ns = 750000000ull * i;	     /* 750 ms on a CPU per second */
	tg->run_delay_ns = 250000000ull * i; /* 250 ms waiting for one */
	tg->slices = 50 * i;
	tg->blkio_ticks = 10 * i; /* 100 ms/s at 100 Hz */
	tg->delayacct = 1;
	snprintf(tg->cgroup, sizeof(tg->cgroup), "/app.slice");
	tg->cg_psi[PSI_IO].present = true;
	tg->cg_psi[PSI_IO].has_full = true;
	tg->cg_psi[PSI_IO].some.avg10 = 4.5;
	tg->cg_psi[PSI_IO].full.total_us = 1234;
	tg->nthreads = 1;
	tg->threads = xcalloc(1, sizeof(*tg->threads));
	tg->threads[0].tid = 4242;
	tg->threads[0].state = 'D';
	tg->threads[0].have_sched = true;
	tg->threads[0].run_delay_ns = 250000000ull * i;
	snprintf(tg->threads[0].wchan, sizeof(tg->threads[0].wchan), "io_schedule");
	tg->threads[0].syscall = 17;
}

static void test_latency_round_trip(void **state)
{
	struct session t;
	struct series sr;
	struct frame *f;
	const struct target_sample *tg;

	(void)state;
	session_create(&t, 100);
	for (uint64_t i = 0; i < 5; i++) {
		f = frame_at(i, T0 + 1000 * (int64_t)i);
		add_target(f, i, TARGET_HAVE_STAT);
		add_latency(f->target, i);
		write_frame(&t, f);
	}
	series(&t, "target.run_wait", T0, T0 + 4999, 1, &sr);
	assert_int_equal(sr.points[0].n, 4);
	assert_dbl(sr.points[0].avg, 25.0);
	series_release(&sr);
	series(&t, "target.run_delay.rate", T0, T0 + 4999, 1, &sr);
	assert_dbl(sr.points[0].avg, 250.0);
	series_release(&sr);
	series(&t, "target.wait_per_slice", T0, T0 + 4999, 1, &sr);
	assert_dbl(sr.points[0].avg, 5000.0);
	series_release(&sr);
	series(&t, "target.io_delay.rate", T0, T0 + 4999, 1, &sr);
	assert_dbl(sr.points[0].avg, 100.0);
	series_release(&sr);
	series(&t, "target.cgpsi.io.some.avg10", T0, T0 + 4999, 1, &sr);
	assert_dbl(sr.points[0].max, 4.5);
	series_release(&sr);
	series(&t, "target.cgpsi.cpu.some.avg10", T0, T0 + 4999, 1, &sr);
	assert_int_equal(sr.n, 0); /* never present: no values, not zeros */
	series_release(&sr);

	if (query_frame_at(t.s, T0 + 3000, &f) < 0)
		fail_msg("query_frame_at: %s", store_error(t.s));
	tg = f->target;
	assert_non_null(tg);
	assert_true(tg->have & TARGET_HAVE_SCHED);
	assert_true(tg->run_delay_ns == 750000000ull);
	assert_int_equal(tg->blkio_ticks, 30);
	assert_int_equal(tg->delayacct, 1);
	assert_string_equal(tg->cgroup, "/app.slice");
	assert_true(tg->cg_psi[PSI_IO].present && tg->cg_psi[PSI_IO].has_full);
	assert_false(tg->cg_psi[PSI_CPU].present);
	assert_int_equal(tg->cg_psi[PSI_IO].full.total_us, 1234);
	assert_int_equal(tg->nthreads, 1);
	assert_true(tg->threads[0].have_sched);
	assert_string_equal(tg->threads[0].wchan, "io_schedule");
	assert_int_equal(tg->threads[0].syscall, 17);
	frame_unref(f);
	session_remove(&t);
}

static void test_span_and_session(void **state)
{
	struct session t;
	struct session_meta m;
	int64_t first = -1, last = -1;
	uint64_t ticks = 99;

	(void)state;
	session_create(&t, 250);
	assert_int_equal(query_span(t.s, &first, &last, &ticks), 0);
	assert_int_equal(ticks, 0);
	assert_int_equal(first, 0);
	assert_int_equal(last, 0);
	write_frame(&t, frame_at(0, T0 + 5));
	write_frame(&t, frame_at(2, T0 + 2005)); /* seq 1 was dropped */
	assert_int_equal(query_span(t.s, &first, &last, &ticks), 0);
	assert_int_equal(ticks, 2);
	assert_int_equal(first, T0 + 5);
	assert_int_equal(last, T0 + 2005);
	assert_int_equal(query_session(t.s, &m), 0);
	assert_int_equal(m.clk_tck, 250);
	assert_int_equal(m.ended_ms, 0);
	assert_string_equal(m.version, "test");
	session_remove(&t);
}

/* ---- the heaviest processes of a window ---- */

static struct proc_row *add_named(struct frame *f, int pid, const char *comm,
				  uint64_t cpu, uint64_t rss)
{
	struct proc_row *r = add_proc(f, pid, cpu);

	snprintf(r->comm, sizeof(r->comm), "%s", comm);
	free(r->cmdline);
	r->cmdline = xasprintf("/usr/bin/%s --flag", comm);
	r->rss_bytes = rss;
	return r;
}

/*
 * Ten ticks a second apart at 100 Hz:
 *   10 spin   every tick, +50 ticks each: 50%, RSS 1000
 *   20 late   from tick 3, +100 each: 100%, RSS 2000 (k - 2)
 *   30 idle   every tick, CPU still, RSS 5000, 9000 from tick 5
 *   40 short  ticks 0..4, +30 each: 30%, RSS 3000
 *   50 once   tick 6 only: 0%, RSS 50
 *   60 burst  +100 per tick up to tick 2, then still, RSS 700
 */
static void write_top_ticks(struct session *t)
{
	for (uint64_t k = 0; k < 10; k++) {
		struct frame *f = frame_at(k, T0 + 1000 * (int64_t)k);

		add_named(f, 10, "spin", 50 * k, 1000);
		if (k >= 3)
			add_named(f, 20, "late", 5 + 100 * (k - 3), 2000 * (k - 2));
		add_named(f, 30, "idle", 7, k < 5 ? 5000 : 9000);
		if (k <= 4)
			add_named(f, 40, "short", 30 * k, 3000);
		if (k == 6)
			add_named(f, 50, "once", 999, 50);
		add_named(f, 60, "burst", 100 * (k < 2 ? k : 2), 700);
		write_frame(t, f);
	}
}

static struct top_process *top(struct session *t, int64_t t0, int64_t t1,
			       enum query_top_by by, size_t n, size_t *count)
{
	struct top_process *p;

	if (query_top_processes(t->s, t0, t1, by, n, &p, count) < 0)
		fail_msg("query_top_processes: %s", store_error(t->s));
	return p;
}

static void assert_pids(const struct top_process *p, size_t count, const int *pids,
			size_t n)
{
	assert_int_equal(count, n);
	for (size_t i = 0; i < n; i++)
		if (p[i].pid != pids[i])
			fail_msg("entry %zu is pid %d, expected %d", i, p[i].pid,
				 pids[i]);
}

static void test_top_whole_session(void **state)
{
	static const int by_cpu[] = {20, 10, 40, 60, 30, 50};
	static const int by_rss[] = {20, 30, 40, 10, 60, 50};
	struct session t;
	struct top_process *p;
	size_t n;

	(void)state;
	session_create(&t, 100);
	write_top_ticks(&t);

	p = top(&t, T0, T0 + 9000, QUERY_TOP_CPU, 10, &n);
	assert_pids(p, n, by_cpu, 6);
	assert_dbl(p[0].cpu_pct_avg, 100.0); /* 600 ticks over 6 s */
	assert_string_equal(p[0].comm, "late");
	assert_string_equal(p[0].cmdline, "/usr/bin/late --flag");
	assert_int_equal(p[0].first_ms, T0 + 3000);
	assert_int_equal(p[0].last_ms, T0 + 9000);
	assert_int_equal(p[0].rss_bytes_max, 14000);
	assert_dbl(p[1].cpu_pct_avg, 50.0);
	assert_int_equal(p[1].first_ms, T0);
	/* exited after tick 4: 120 ticks over the 4 s it was watched */
	assert_dbl(p[2].cpu_pct_avg, 30.0);
	assert_int_equal(p[2].last_ms, T0 + 4000);
	/* busy, then asleep: the sleep counts, 200 ticks over 9 s */
	assert_dbl(p[3].cpu_pct_avg, 200.0 * 1000 / 9000);
	assert_dbl(p[4].cpu_pct_avg, 0.0);
	assert_int_equal(p[4].rss_bytes_max, 9000);
	/* seen once: no interval, so 0 */
	assert_dbl(p[5].cpu_pct_avg, 0.0);
	assert_int_equal(p[5].first_ms, T0 + 6000);
	assert_int_equal(p[5].last_ms, T0 + 6000);
	top_processes_free(p, n);

	p = top(&t, T0, T0 + 9000, QUERY_TOP_RSS, 10, &n);
	assert_pids(p, n, by_rss, 6);
	assert_int_equal(p[0].rss_bytes_max, 14000);
	assert_int_equal(p[1].rss_bytes_max, 9000);
	assert_int_equal(p[2].rss_bytes_max, 3000);
	assert_int_equal(p[3].rss_bytes_max, 1000);
	assert_int_equal(p[4].rss_bytes_max, 700);
	assert_int_equal(p[5].rss_bytes_max, 50);
	assert_dbl(p[0].cpu_pct_avg, 100.0);
	top_processes_free(p, n);

	/* n cuts the list; a window reaching before the session is the same */
	p = top(&t, T0 - 60000, T0 + 9000, QUERY_TOP_CPU, 2, &n);
	assert_pids(p, n, by_cpu, 2);
	assert_dbl(p[1].cpu_pct_avg, 50.0);
	top_processes_free(p, n);
	session_remove(&t);
}

static void test_top_window(void **state)
{
	static const int mid[] = {20, 10, 30};
	static const int early[] = {10, 60, 40, 20, 30};
	struct session t;
	struct top_process *p;
	size_t n;

	(void)state;
	session_create(&t, 100);
	write_top_ticks(&t);

	/* ticks 5..7, baseline tick 4: 40 is gone, 50 and 60 idle */
	p = top(&t, T0 + 4500, T0 + 7000, QUERY_TOP_CPU, 3, &n);
	assert_pids(p, n, mid, 3);
	assert_dbl(p[0].cpu_pct_avg, 100.0); /* 405 -> 705 over 3 s */
	assert_int_equal(p[0].rss_bytes_max, 10000);
	assert_int_equal(p[0].first_ms, T0 + 5000);
	assert_int_equal(p[0].last_ms, T0 + 7000);
	assert_dbl(p[1].cpu_pct_avg, 50.0);
	assert_dbl(p[2].cpu_pct_avg, 0.0);
	top_processes_free(p, n);
	p = top(&t, T0 + 4500, T0 + 7000, QUERY_TOP_CPU, 10, &n);
	assert_int_equal(n, 5);
	for (size_t i = 0; i < n; i++)
		assert_int_not_equal(p[i].pid, 40);
	top_processes_free(p, n);

	/* ticks 2, 3 from baseline tick 1: 20 appeared in tick 3, one tick,
	 * no interval; 30's RSS is the row in force then, not the later one */
	p = top(&t, T0 + 1500, T0 + 3500, QUERY_TOP_CPU, 10, &n);
	assert_pids(p, n, early, 5);
	assert_dbl(p[0].cpu_pct_avg, 50.0);
	assert_dbl(p[1].cpu_pct_avg, 50.0); /* 100 -> 200 by tick 2, then still */
	assert_dbl(p[2].cpu_pct_avg, 30.0);
	assert_dbl(p[3].cpu_pct_avg, 0.0);
	assert_int_equal(p[4].rss_bytes_max, 5000);
	top_processes_free(p, n);

	/* one tick (6): the idle RSS comes from its row of tick 5 */
	p = top(&t, T0 + 5500, T0 + 6500, QUERY_TOP_RSS, 1, &n);
	assert_int_equal(n, 1);
	assert_int_equal(p[0].pid, 30);
	assert_int_equal(p[0].rss_bytes_max, 9000);
	assert_int_equal(p[0].first_ms, T0 + 6000);
	top_processes_free(p, n);

	/* nothing: no tick in the window, inverted, or n = 0 */
	p = top(&t, T0 + 20000, T0 + 30000, QUERY_TOP_CPU, 5, &n);
	assert_int_equal(n, 0);
	assert_null(p);
	p = top(&t, T0 + 5000, T0, QUERY_TOP_CPU, 5, &n);
	assert_int_equal(n, 0);
	assert_null(p);
	p = top(&t, T0, T0 + 9000, QUERY_TOP_RSS, 0, &n);
	assert_int_equal(n, 0);
	assert_null(p);
	top_processes_free(NULL, 0);
	session_remove(&t);
}

/* A reused pid is two entries; the clock rate of the session is used. */
static void test_top_pid_reuse_and_clk_tck(void **state)
{
	struct session t;
	struct top_process *p;
	size_t n;

	(void)state;
	session_create(&t, 250);
	for (uint64_t k = 0; k < 10; k++) {
		struct frame *f = frame_at(k, T0 + 1000 * (int64_t)k);
		struct proc_row *r = add_named(f, 70, k < 5 ? "first" : "second",
					       k < 5 ? 125 * k : 1000, 100 + k);

		r->start_ticks = k < 5 ? 700 : 701;
		write_frame(&t, f);
	}
	assert_int_equal(
		store_session_end(t.s, &(struct session_meta){.ended_ms = T0 + 9000,
							      .target_exit_code = -1}),
		0);
	p = top(&t, T0, T0 + 9000, QUERY_TOP_CPU, 10, &n);
	assert_int_equal(n, 2);
	assert_int_equal(p[0].pid, 70);
	assert_string_equal(p[0].comm, "first");
	assert_dbl(p[0].cpu_pct_avg, 50.0); /* 125 ticks/s at 250 Hz */
	assert_int_equal(p[0].last_ms, T0 + 4000);
	assert_int_equal(p[0].rss_bytes_max, 104);
	assert_string_equal(p[1].comm, "second");
	assert_dbl(p[1].cpu_pct_avg, 0.0);
	assert_int_equal(p[1].first_ms, T0 + 5000);
	assert_int_equal(p[1].last_ms, T0 + 9000);
	assert_int_equal(p[1].rss_bytes_max, 109);
	top_processes_free(p, n);
	session_remove(&t);
}

/* Paging through tick times; whether a session ever had a target. */
static void test_tick_times_and_has_target(void **state)
{
	struct session t;
	int64_t times[4];
	size_t n = 99;

	(void)state;
	session_create(&t, 100);
	assert_int_equal(query_has_target(t.s), 0);
	assert_int_equal(query_tick_times(t.s, T0, T0 + 9999, times, 4, &n), 0);
	assert_int_equal(n, 0);
	for (uint64_t i = 0; i < 10; i++) {
		struct frame *f = sys_frame(i);

		if (i == 7)
			add_target(f, i, TARGET_HAVE_STAT);
		write_frame(&t, f);
	}
	assert_int_equal(query_has_target(t.s), 1);

	/* ticks at T0 + 0, 1000, ..., 9000: pages of 4 */
	assert_int_equal(query_tick_times(t.s, T0 + 500, T0 + 8000, times, 4, &n), 0);
	assert_int_equal(n, 4);
	for (size_t k = 0; k < 4; k++)
		assert_int_equal(times[k], T0 + 1000 * (int64_t)(k + 1));
	assert_int_equal(query_tick_times(t.s, times[3] + 1, T0 + 8000, times, 4, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(times[0], T0 + 5000);
	assert_int_equal(times[3], T0 + 8000);
	assert_int_equal(query_tick_times(t.s, times[3] + 1, T0 + 8500, times, 4, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(query_tick_times(t.s, T0, T0 + 9000, times, 0, &n), 0);
	assert_int_equal(n, 0);
	session_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu_pct),
		cmocka_unit_test(test_latency_round_trip),
		cmocka_unit_test(test_series_gauge_buckets),
		cmocka_unit_test(test_series_rates),
		cmocka_unit_test(test_series_target),
		cmocka_unit_test(test_cpu_conventions_agree),
		cmocka_unit_test(test_series_target_replaced),
		cmocka_unit_test(test_target_run),
		cmocka_unit_test(test_series_errors),
		cmocka_unit_test(test_every_metric_runs),
		cmocka_unit_test(test_span_and_session),
		cmocka_unit_test(test_top_whole_session),
		cmocka_unit_test(test_top_window),
		cmocka_unit_test(test_top_pid_reuse_and_clk_tck),
		cmocka_unit_test(test_tick_times_and_has_target),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
