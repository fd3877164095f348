/* SPDX-License-Identifier: MIT */
/*
 * test_app_rows: StatsD metrics read back from a session written here, with
 * every expected figure set by the test: timers to the nanosecond, counters
 * (total, rate over the time covered), gauges (last, min, max), one tick's
 * rates, per-tick rows for export, and a schema 3 file (histograms in
 * microseconds, no gauge range) reading the same values.
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

#include "core/appmetrics.h"
#include "core/frame.h"
#include "core/hdr.h"
#include "core/xalloc.h"
#include "store/app_rows.h"
#include "store/store.h"

#define T0 1700000000000LL

static char path[64];

/* Values of timer "t" in every tick with data, in ns: 1.4 us three times,
 * 15.4 us, and 1.234567 s; and one above 1 h (clamped) in the last tick. */
static const uint64_t tvals[] = {1400, 1400, 1400, 15400, 1234567000};
#define NT (sizeof(tvals) / sizeof(tvals[0]))

static void add_metric(struct app_metrics *m, const char *name, char kind, uint64_t count,
		       double value, double lo, double hi, struct hdr *h)
{
	struct app_metric *a = &m->metrics[m->n++];

	a->name = xstrdup(name);
	a->kind = kind;
	a->count = count;
	a->value = value;
	a->lo = lo;
	a->hi = hi;
	a->hist = h ? hdr_compact(h) : NULL;
}

/* Ticks 0..9, one a second; StatsD values in ticks 3..6 only. */
static int setup(void **state)
{
	struct hdr *h = hdr_new();
	struct store *s;

	(void)state;
	s = sql_session_new(path, sizeof(path), "app", T0, 100);
	if (!s)
		return -1;
	for (uint64_t i = 0; i < 10; i++) {
		struct frame *f = frame_new();

		f->seq = i;
		f->t_ms = T0 + (int64_t)i * 1000;
		if (i >= 3 && i <= 6) {
			f->app = app_metrics_new();
			f->app->metrics = xcalloc(3, sizeof(*f->app->metrics));
			f->app->lines = 10;
			hdr_reset(h);
			for (size_t k = 0; k < NT; k++)
				hdr_record(h, tvals[k], 1);
			if (i == 6)
				hdr_record(h, HDR_MAX_NS + 5, 1);
			/* counter 10 a tick; gauge ending at i, lowest i - 5,
			 * highest 2 i */
			add_metric(f->app, "c", APP_COUNTER, 2, 10, 10, 10, NULL);
			add_metric(f->app, "g", APP_GAUGE, 3, (double)i, (double)i - 5,
				   2.0 * (double)i, NULL);
			add_metric(f->app, "t", APP_TIMER, hdr_count(h), 0, 0, 0, h);
			app_metrics_sort(f->app);
		}
		if (store_write_frame(s, f) < 0)
			return -1;
		frame_unref(f);
	}
	hdr_free(h);
	store_close(s);
	return 0;
}

static void remove_file(const char *file)
{
	char p[128];

	unlink(file);
	snprintf(p, sizeof(p), "%s-wal", file);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", file);
	unlink(p);
}

static int teardown(void **state)
{
	(void)state;
	remove_file(path);
	return 0;
}

static struct store *open_session(const char *file)
{
	struct store *s;
	char err[512];

	if (store_open(file, &s, err, sizeof(err)) < 0)
		fail_msg("store_open: %s", err);
	return s;
}

/* got within 0.1% of want (ms) */
static void assert_close(double got, double want)
{
	if (fabs(got - want) > want / 1000.0)
		fail_msg("got %.9f ms, want %.9f ms", got, want);
}

static void test_timer_over_window(void **state)
{
	struct store *s = open_session(path);
	struct timer_stat *t;
	size_t n;

	(void)state;
	assert_int_equal(query_timers(s, T0, T0 + 9000, &t, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(t[0].name, "t");
	assert_int_equal(t[0].count, 4 * NT + 1);
	assert_int_equal(t[0].clamped, 1);
	/* 21 values: rank 11 (p50) is 1.4 us, rank 19 (p90) 1.234567 s */
	assert_close(t[0].p50_ms, 0.0014);
	assert_close(t[0].p90_ms, 1234.567);
	assert_true(t[0].max_ms == 3600000.0);
	/* over the time covered: ticks 3..9, the first one's interval
	 * included, 7 s; not the 10 s the window could hold */
	assert_true(fabs(t[0].per_s - 21.0 / 7.0) < 1e-9);
	free(t);

	/* one tick: its count over one interval */
	assert_int_equal(query_timers(s, T0 + 4000, T0 + 4000, &t, &n), 0);
	assert_int_equal(n, 1);
	assert_true(t[0].per_s == (double)NT);
	assert_close(t[0].p50_ms, 0.0014);
	assert_close(t[0].p90_ms, 1234.567);
	assert_true(t[0].max_ms == 1234.567);
	assert_int_equal(t[0].clamped, 0);
	free(t);
	store_close(s);
}

static void test_counters_and_gauges(void **state)
{
	struct store *s = open_session(path);
	struct app_value_stat *v;
	size_t n;

	(void)state;
	assert_int_equal(query_app_values(s, T0, T0 + 9000, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].name, "c");
	assert_int_equal(v[0].kind, APP_COUNTER);
	assert_int_equal(v[0].count, 8);
	assert_true(v[0].total == 40);
	assert_true(fabs(v[0].per_s - 40.0 / 7.0) < 1e-9);
	assert_string_equal(v[1].name, "g");
	assert_int_equal(v[1].kind, APP_GAUGE);
	assert_true(v[1].last == 6);
	assert_true(v[1].min == -2); /* tick 3: 3 - 5 */
	assert_true(v[1].max == 12); /* tick 6: 2 * 6 */
	free(v);

	/* a window starting inside the data: ticks 5..9, 5 s covered */
	assert_int_equal(query_app_values(s, T0 + 5000, T0 + 9000, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_true(v[0].total == 20);
	assert_true(fabs(v[0].per_s - 20.0 / 5.0) < 1e-9);
	assert_true(v[1].min == 0 && v[1].max == 12 && v[1].last == 6);
	free(v);

	/* a window without data */
	assert_int_equal(query_app_values(s, T0, T0 + 2000, &v, &n), 0);
	assert_int_equal(n, 0);
	store_close(s);
}

static void test_ticks_for_export(void **state)
{
	struct store *s = open_session(path);
	struct app_name *names;
	struct app_tick *k;
	size_t n;

	(void)state;
	assert_int_equal(query_app_names(s, T0, T0 + 9000, &names, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(names[0].name, "c");
	assert_string_equal(names[1].name, "g");
	assert_string_equal(names[2].name, "t");
	assert_int_equal(names[2].kind, APP_TIMER);
	free(names);

	assert_int_equal(query_app_ticks(s, "g", APP_GAUGE, T0, T0 + 9000, &k, &n), 0);
	assert_int_equal(n, 4);
	assert_true(k[0].t_ms == T0 + 3000);
	assert_true(k[0].value == 3 && k[0].lo == -2 && k[0].hi == 6);
	free(k);
	assert_int_equal(query_app_ticks(s, "c", APP_COUNTER, T0, T0 + 9000, &k, &n), 0);
	assert_int_equal(n, 4);
	assert_true(k[1].value == 10 && k[1].per_s == 10);
	free(k);
	assert_int_equal(query_app_ticks(s, "t", APP_TIMER, T0 + 6000, T0 + 9000, &k, &n),
			 0);
	assert_int_equal(n, 1);
	assert_int_equal(k[0].count, NT + 1);
	assert_int_equal(k[0].clamped, 1);
	assert_close(k[0].p50_ms, 0.0014);
	assert_true(k[0].max_ms == 3600000.0);
	free(k);
	store_close(s);
}

/* Rewrites every timer row of file as a schema 3 vigil wrote it: the same
 * values in whole microseconds (encoding version 1). */
static void write_v1_blobs(const char *file, const uint64_t *us, size_t n)
{
	struct hdr *h = hdr_new();
	uint8_t blob[256];
	sqlite3 *db;
	sqlite3_stmt *st;
	size_t len;

	/* version 1 is the same layout in us: record the us values as they
	 * are, then mark the blob version 1 */
	for (size_t i = 0; i < n; i++)
		hdr_record(h, us[i], 1);
	len = hdr_encode(h, blob, sizeof(blob));
	assert_true(len <= sizeof(blob));
	blob[0] = 1;
	assert_int_equal(sqlite3_open(file, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "UPDATE app_samples SET hist = ?1, count = ?2"
					    " WHERE hist IS NOT NULL",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_blob(st, 1, blob, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)n);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
	hdr_free(h);
}

/* A schema 3 file: histograms in us and no gauge range columns. */
static void test_v3_file_reads_the_same(void **state)
{
	static const uint64_t us[] = {15, 15, 15, 500, 1234567};
	char v3[96], cmd[512];
	struct store *s;
	struct timer_stat *t;
	struct app_value_stat *v;
	size_t n;

	(void)state;
	snprintf(v3, sizeof(v3), "%s.v3", path);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", path, v3);
	assert_int_equal(system(cmd), 0);
	write_v1_blobs(v3, us, sizeof(us) / sizeof(us[0]));
	sql_exec(v3, "ALTER TABLE app_samples DROP COLUMN lo;"
		     " ALTER TABLE app_samples DROP COLUMN hi; PRAGMA user_version = 3");
	s = open_session(v3);
	assert_int_equal(query_timers(s, T0, T0 + 9000, &t, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(t[0].count, 20);
	assert_int_equal(t[0].clamped, 0);
	/* what a schema 3 reader said: p50 15 us, p90 1234.567 ms, max
	 * 1234.567 ms (exact), mean (15 * 3 + 500 + 1234567) / 5 us */
	assert_close(t[0].p50_ms, 0.015);
	assert_close(t[0].p90_ms, 1234.567);
	assert_close(t[0].p99_ms, 1234.567);
	assert_true(t[0].max_ms == 1234.567);
	assert_true(fabs(t[0].mean_ms - (45.0 + 500 + 1234567) / 5 / 1000) < 1e-9);
	free(t);
	/* the gauge's range falls back to its values */
	assert_int_equal(query_app_values(s, T0, T0 + 9000, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_true(v[1].last == 6 && v[1].min == 3 && v[1].max == 6);
	free(v);
	store_close(s);
	remove_file(v3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timer_over_window),
		cmocka_unit_test(test_counters_and_gauges),
		cmocka_unit_test(test_ticks_for_export),
		cmocka_unit_test(test_v3_file_reads_the_same),
	};

	return cmocka_run_group_tests_name("app_rows", tests, setup, teardown);
}
