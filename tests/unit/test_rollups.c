/* SPDX-License-Identifier: MIT */
/*
 * test_rollups: the per-minute rollups (schema v2) give wide windows the same
 * numbers the ticks give. A session is written through the real writer path,
 * then each wide query is answered twice: in wide buckets (from the rollups)
 * and one point per tick (from the ticks), folded into the same buckets.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/xalloc.h"
#include "store/series.h"
#include "store/store.h"

#define MINUTES 5
#define T0 (1700000000000LL / 60000 * 60000) /* on a minute boundary */

static char path[64];

/* Frames are made in order: counters only ever grow, by varying amounts. */
static struct frame *make_frame(uint64_t i)
{
	static uint64_t user, idle, utime;
	struct frame *f = frame_new();

	user += 20 + i % 7 * 9;
	idle += 100 - (20 + i % 7 * 9);
	utime += i % 3 * 10;
	f->seq = i;
	f->t_ms = T0 + (int64_t)i * 1000;
	f->sys.have = SYS_HAVE_STAT | SYS_HAVE_MEMINFO | SYS_HAVE_LOADAVG;
	f->sys.cpu.user = user; /* busy a varying share of 100 ticks a second */
	f->sys.cpu.idle = idle;
	f->sys.mem_total = 1000000;
	f->sys.mem_available = 500000 + (i % 13) * 1000;
	f->sys.load1 = (double)(i % 10) / 4;
	f->target = xcalloc(1, sizeof(*f->target));
	f->target->pid = 42;
	f->target->start_ticks = 7;
	f->target->alive = true;
	f->target->exit_code = -1;
	f->target->have = TARGET_HAVE_STAT | TARGET_HAVE_STATUS;
	f->target->utime = utime;
	f->target->vm_rss = 1000 + (i % 17) * 100;
	return f;
}

static int setup(void **state)
{
	struct session_meta meta = {.interval_ms = 1000,
				    .ncpu = 1,
				    .clk_tck = 100,
				    .page_size = 4096,
				    .target_pid = 42,
				    .target_exit_code = -1};
	struct store *st;
	char err[256];

	(void)state;
	snprintf(path, sizeof(path), "/tmp/vigil-rollups-%d.vigil", (int)getpid());
	if (store_create(path, true, &st, err, sizeof(err)) < 0)
		return -1;
	meta.started_ms = T0;
	store_session_begin(st, &meta);
	for (uint64_t i = 0; i < MINUTES * 60; i++) {
		struct frame *f = make_frame(i);

		if (store_write_frame(st, f) < 0)
			return -1;
		frame_unref(f);
	}
	meta.ended_ms = T0 + MINUTES * 60000;
	store_session_end(st, &meta);
	store_close(st);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

/* Wide buckets (rollups) equal the ticks folded into the same buckets. */
static void compare(const char *metric, int64_t t0, int64_t t1, size_t npoints)
{
	struct store *rolled;
	struct series a = {0}, b = {0};
	char err[256];

	assert_int_equal(store_open(path, &rolled, err, sizeof(err)), 0);
	/* b: wide buckets, from the rollups; a: one point per tick (1 s buckets
	 * are read from the ticks), folded into b's buckets below */
	assert_int_equal(query_series(rolled, metric, t0, t1, npoints, &b), 0);
	assert_int_equal(
		query_series(rolled, metric, t0, t1, (size_t)((t1 - t0) / 1000), &a), 0);
	assert_true(b.n >= 1);
	/* fold the per-tick points into b's buckets and compare */
	for (size_t k = 0; k < b.n; k++) {
		double lo = INFINITY, hi = -INFINITY, sum = 0;
		uint64_t n = 0;
		int64_t from = b.points[k].t_ms;
		int64_t to = k + 1 < b.n ? b.points[k + 1].t_ms : t1 + 1;

		for (size_t j = 0; j < a.n; j++) {
			if (a.points[j].t_ms < from || a.points[j].t_ms >= to)
				continue;
			lo = fmin(lo, a.points[j].min);
			hi = fmax(hi, a.points[j].max);
			sum += a.points[j].avg * (double)a.points[j].n;
			n += a.points[j].n;
		}
		assert_int_equal(b.points[k].n, n);
		assert_true(fabs(b.points[k].min - lo) < 1e-9);
		assert_true(fabs(b.points[k].max - hi) < 1e-9);
		assert_true(fabs(b.points[k].avg - sum / (double)n) < 1e-6);
	}
	series_release(&a);
	series_release(&b);
	store_close(rolled);
}

static void test_rollups_match_ticks(void **state)
{
	(void)state;
	/* 5 minutes in 2 buckets of 150 s: wide enough for rollups */
	compare("mem.used", T0, T0 + MINUTES * 60000 - 1, 2);
	compare("load1", T0, T0 + MINUTES * 60000 - 1, 1);
	compare("cpu.total", T0, T0 + MINUTES * 60000 - 1, 2);
	compare("target.cpu", T0, T0 + MINUTES * 60000 - 1, 1);
	compare("target.rss", T0, T0 + MINUTES * 60000 - 1, 2);
}

/* Every minute of the session, the last (closed by the session end) too. */
static void test_every_minute_rolled_up(void **state)
{
	struct store *st;
	struct series s = {0};
	char err[256];

	(void)state;
	assert_int_equal(store_open(path, &st, err, sizeof(err)), 0);
	assert_int_equal(
		query_series(st, "mem.used", T0, T0 + MINUTES * 60000 - 1, 1, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.points[0].n, MINUTES * 60);
	assert_int_equal(s.points[0].t_ms, T0);
	series_release(&s);
	/* a rate has one value fewer: the session's first tick has no rate */
	assert_int_equal(
		query_series(st, "cpu.total", T0, T0 + MINUTES * 60000 - 1, 1, &s), 0);
	assert_int_equal(s.points[0].n, MINUTES * 60 - 1);
	series_release(&s);
	store_close(st);
}

/* A v1 file (before rollups) still answers wide windows, from the ticks. */
static void test_v1_file_reads_ticks(void **state)
{
	char v1[96], cmd[512];
	struct store *st;
	struct series s = {0};
	char err[256];

	(void)state;
	snprintf(v1, sizeof(v1), "%s.v1", path);
	snprintf(cmd, sizeof(cmd),
		 "cp '%s' '%s' && sqlite3 '%s' 'DROP TABLE rollups; PRAGMA user_version "
		 "= 1'",
		 path, v1, v1);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(store_open(v1, &st, err, sizeof(err)), 0);
	assert_int_equal(
		query_series(st, "mem.used", T0, T0 + MINUTES * 60000 - 1, 1, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.points[0].n, MINUTES * 60);
	series_release(&s);
	store_close(st);
	unlink(v1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rollups_match_ticks),
		cmocka_unit_test(test_every_minute_rolled_up),
		cmocka_unit_test(test_v1_file_reads_ticks),
	};

	return cmocka_run_group_tests_name("rollups", tests, setup, teardown);
}
