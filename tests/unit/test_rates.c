/* SPDX-License-Identifier: MIT */
/*
 * test_rates: each derived figure is defined once. core/rates gives the
 * console, the alerts and the process table their figures between two
 * readings; the store's SQL (store/series.c) gives the same figures for
 * long windows. First the functions on their own (what counts as unknown),
 * then a session written through the real writer, with uneven intervals, a
 * restarted target, a thread exit that takes run-queue time with it and a
 * tick in which no timeslice ran: every metric's SQL series agrees with the
 * function applied to consecutive frames, tick by tick and folded into wide
 * buckets (min, mean, max and count). The per-minute rollups behind the
 * widest windows are checked against the ticks by test_rollups.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sql.h"

#include <math.h>
#include <string.h>

#include "core/frame.h"
#include "core/rates.h"
#include "core/xalloc.h"
#include "store/series.h"

#define T0 1700000000000LL
#define CLK 100
#define NTICKS 40

#define assert_close(a, b)                                                               \
	do {                                                                             \
		double a_ = (a), b_ = (b);                                               \
		if (!(fabs(a_ - b_) <= 1e-9 * (fabs(b_) > 1 ? fabs(b_) : 1)))            \
			fail_msg("%s = %.17g, expected %.17g", #a, a_, b_);              \
	} while (0)

/* ---- the functions on their own ---- */

static void test_unknown_is_never_a_number(void **state)
{
	struct sched_rates s;

	(void)state;
	assert_close(rate_per_s(300, 100, 2.0), 100.0);
	assert_close(rate_per_s(100, 300, 2.0), RATE_UNKNOWN); /* went backwards */
	assert_close(rate_per_s(300, 100, 0), RATE_UNKNOWN);   /* clock stood */
	assert_close(rate_per_s(300, 100, NAN), RATE_UNKNOWN);
	assert_close(rate_share_pct(30, 10, 200, 100), 20.0);
	assert_close(rate_share_pct(30, 10, 100, 100), RATE_UNKNOWN); /* total stood */
	assert_close(rate_share_pct(5, 10, 200, 100), RATE_UNKNOWN);
	assert_close(rate_ratio(30, 10, 14, 10), 5.0);
	/* 150 ticks in 1.5 s at 100 Hz: one core busy */
	assert_close(rate_core_pct(250, 100, 100, 1.5), 100.0);
	assert_close(rate_core_pct(250, 100, 0, 1.5), RATE_UNKNOWN);
	/* 10 ticks of IO wait in 2 s at 100 Hz: 50 ms per second */
	assert_close(rate_ticks_ms_per_s(20, 10, 100, 2.0), 50.0);
	/* 3 ms waited and 9 ms run in 2 s over 4 slices */
	rate_sched(9000000, 3000000, 4, 0, 0, 0, 2.0, &s);
	assert_close(s.wait_share_pct, 25.0);
	assert_close(s.wait_ms_per_s, 1.5);
	assert_close(s.wait_us_per_slice, 750.0);
	rate_sched(9000000, 3000000, 4, 0, 0, 4, 2.0, &s); /* no slice ran */
	assert_close(s.wait_us_per_slice, RATE_UNKNOWN);
	assert_close(s.wait_ms_per_s, 1.5);
}

/* ---- the store's SQL against the functions ---- */

/* A small deterministic generator: the same session on every machine. */
static uint64_t next(uint64_t *x, uint64_t mod)
{
	*x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
	return (*x >> 33) % mod;
}

static struct frame *frames[NTICKS];

/* Frames with uneven intervals; the target restarts at tick 20, a thread
 * exits at tick 11, and no slice runs in tick 27. */
static void make_frames(void)
{
	uint64_t x = 42, t_ms = T0;
	struct cpu_times c = {.idle = 1000};
	struct target_sample g = {0};

	for (int k = 0; k < NTICKS; k++) {
		struct frame *f = frame_new();
		uint64_t busy = next(&x, 150);

		if (k == 20) /* a new process: its counters start again */
			memset(&g, 0, sizeof(g));
		t_ms += k ? 300 + next(&x, 2000) : 0;
		c.user += busy;
		c.system += busy / 3;
		c.iowait += next(&x, 40);
		c.idle += 200 - busy / 2;
		f->seq = (uint64_t)k;
		f->t_ms = (int64_t)t_ms;
		f->sys.have = SYS_HAVE_STAT;
		f->sys.cpu = c;
		f->sys.ctxt = (uint64_t)k * 1000 + next(&x, 999);
		g.pid = k < 20 ? 42 : 43;
		g.start_ticks = k < 20 ? 7 : 9;
		g.alive = true;
		g.exit_code = -1;
		g.delayacct = 1;
		g.have = TARGET_HAVE_STAT | TARGET_HAVE_STATUS | TARGET_HAVE_IO |
			 TARGET_HAVE_THREADS | TARGET_HAVE_SCHED;
		g.utime += next(&x, 120);
		g.stime += next(&x, 30);
		g.read_bytes += next(&x, 1 << 20);
		g.minflt += next(&x, 500);
		g.run_ns += next(&x, 900000000);
		g.run_delay_ns += next(&x, 300000000);
		if (k == 11)
			g.run_delay_ns -= g.run_delay_ns / 4;
		g.slices += k == 27 ? 0 : 1 + next(&x, 90);
		g.blkio_ticks += next(&x, 20);
		f->target = xmalloc(sizeof(*f->target));
		*f->target = g;
		frames[k] = f;
	}
}

/* A metric and the function that derives it from two consecutive frames. */
struct derived {
	const char *metric;
	double (*between)(const struct frame *a, const struct frame *b, double dt_s);
};

static bool same_target(const struct frame *a, const struct frame *b)
{
	return a->target->pid == b->target->pid &&
	       a->target->start_ticks == b->target->start_ticks;
}

static struct sched_rates sched_of(const struct frame *a, const struct frame *b,
				   double dt_s)
{
	const struct target_sample *p = a->target, *t = b->target;
	struct sched_rates r;

	rate_sched(t->run_ns, t->run_delay_ns, t->slices, p->run_ns, p->run_delay_ns,
		   p->slices, dt_s, &r);
	return r;
}

static double cpu_total(const struct frame *a, const struct frame *b, double dt_s)
{
	(void)dt_s;
	return cpu_times_busy_pct(&a->sys.cpu, &b->sys.cpu);
}

static double cpu_iowait(const struct frame *a, const struct frame *b, double dt_s)
{
	(void)dt_s;
	return rate_share_pct(b->sys.cpu.iowait, a->sys.cpu.iowait,
			      cpu_times_total(&b->sys.cpu), cpu_times_total(&a->sys.cpu));
}

static double ctxt_rate(const struct frame *a, const struct frame *b, double dt_s)
{
	return rate_per_s(b->sys.ctxt, a->sys.ctxt, dt_s);
}

static double target_cpu(const struct frame *a, const struct frame *b, double dt_s)
{
	return rate_core_pct(b->target->utime + b->target->stime,
			     a->target->utime + a->target->stime, CLK, dt_s);
}

static double target_read(const struct frame *a, const struct frame *b, double dt_s)
{
	return rate_per_s(b->target->read_bytes, a->target->read_bytes, dt_s);
}

static double target_minflt(const struct frame *a, const struct frame *b, double dt_s)
{
	return rate_per_s(b->target->minflt, a->target->minflt, dt_s);
}

static double run_wait(const struct frame *a, const struct frame *b, double dt_s)
{
	return sched_of(a, b, dt_s).wait_share_pct;
}

static double run_delay(const struct frame *a, const struct frame *b, double dt_s)
{
	return sched_of(a, b, dt_s).wait_ms_per_s;
}

static double per_slice(const struct frame *a, const struct frame *b, double dt_s)
{
	return sched_of(a, b, dt_s).wait_us_per_slice;
}

static double io_delay(const struct frame *a, const struct frame *b, double dt_s)
{
	return rate_ticks_ms_per_s(b->target->blkio_ticks, a->target->blkio_ticks, CLK,
				   dt_s);
}

static const struct derived derived[] = {
	{"cpu.total", cpu_total},
	{"cpu.iowait", cpu_iowait},
	{"ctxt.rate", ctxt_rate},
	{"target.cpu", target_cpu},
	{"target.read_bps", target_read},
	{"target.minflt.rate", target_minflt},
	{"target.run_wait", run_wait},
	{"target.run_delay.rate", run_delay},
	{"target.wait_per_slice", per_slice},
	{"target.io_delay.rate", io_delay},
};

/* The function's value at tick k (k >= 1), RATE_UNKNOWN when there is none. */
static double value_at(const struct derived *d, int k)
{
	const struct frame *a = frames[k - 1], *b = frames[k];
	bool sys = strncmp(d->metric, "target.", 7) != 0;

	if (!sys && !same_target(a, b))
		return RATE_UNKNOWN; /* counters of another process */
	return d->between(a, b, (double)(b->t_ms - a->t_ms) / 1000.0);
}

/* The function's values folded into npoints buckets over [t0, t1], as
 * query_series buckets ticks, compared with the SQL's series. */
static void expect_buckets(struct store *s, const struct derived *d, size_t npoints)
{
	int64_t t0 = frames[0]->t_ms, t1 = frames[NTICKS - 1]->t_ms;
	double width = ((double)t1 - (double)t0 + 1.0) / (double)npoints;
	struct series got;
	size_t j = 0;

	if (query_series(s, d->metric, t0, t1, npoints, &got) < 0)
		fail_msg("query_series %s: %s", d->metric, store_error(s));
	for (size_t b = 0; b < npoints; b++) {
		double mn = INFINITY, mx = -INFINITY, sum = 0;
		uint64_t n = 0;

		for (int k = 1; k < NTICKS; k++) {
			double v = value_at(d, k);
			size_t in = (size_t)((double)(frames[k]->t_ms - t0) / width);

			if ((in < npoints - 1 ? in : npoints - 1) != b || v < 0)
				continue;
			mn = fmin(mn, v);
			mx = fmax(mx, v);
			sum += v;
			n++;
		}
		if (!n)
			continue;
		if (j >= got.n)
			fail_msg("%s: bucket %zu of %zu missing from the SQL", d->metric,
				 b, npoints);
		assert_int_equal(got.points[j].n, n);
		assert_close(got.points[j].min, mn);
		assert_close(got.points[j].max, mx);
		assert_close(got.points[j].avg, sum / (double)n);
		j++;
	}
	assert_int_equal(got.n, j); /* and no value the functions do not give */
	series_release(&got);
}

static void test_sql_agrees_with_the_functions(void **state)
{
	char path[64], side[80];
	struct store *s;
	int unknown[sizeof(derived) / sizeof(derived[0])] = {0};

	(void)state;
	make_frames();
	s = sql_session_new(path, sizeof(path), "rates", T0, CLK);
	assert_non_null(s);
	for (int k = 0; k < NTICKS; k++) {
		if (store_write_frame(s, frames[k]) < 0)
			fail_msg("store_write_frame: %s", store_error(s));
	}
	for (size_t i = 0; i < sizeof(derived) / sizeof(derived[0]); i++) {
		/* a point per tick, a few wide buckets, and one for the window */
		expect_buckets(s, &derived[i], 4 * NTICKS);
		expect_buckets(s, &derived[i], 7);
		expect_buckets(s, &derived[i], 1);
		for (int k = 1; k < NTICKS; k++)
			unknown[i] += value_at(&derived[i], k) < 0;
	}
	/* the session has the cases that make a figure unknown: the restart
	 * for every target figure, the thread exit, the tick without slices */
	assert_int_equal(unknown[3], 1); /* target.cpu: the restart */
	assert_int_equal(unknown[6], 2); /* run_wait: and the exit */
	assert_int_equal(unknown[8], 3); /* wait_per_slice: and no slice */
	assert_int_equal(unknown[0], 0); /* cpu.total: the machine has no restart */
	store_close(s);
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
	for (int k = 0; k < NTICKS; k++)
		frame_unref(frames[k]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_is_never_a_number),
		cmocka_unit_test(test_sql_agrees_with_the_functions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
