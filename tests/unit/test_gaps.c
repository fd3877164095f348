/* SPDX-License-Identifier: MIT */
/*
 * test_gaps: store/gaps.h, no rate across a stretch nothing recorded. The
 * rule in C and its SQL twin give the same answer; a directory of two
 * segments ten minutes apart, read as one timeline (store/history.h), has
 * no rate at the first tick after the gap (series, the process table at
 * that tick, a process's CPU slots), where before it had the gap's average
 * as one point; the recorder's next file (seqs going on) and a quick
 * restart still continue, a slow restart does not; inside one file a
 * stalled tick is a gap and compaction's one tick a minute is not.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/frame.h"
#include "core/rates.h"
#include "core/xalloc.h"
#include "sql.h"
#include "store/compact.h"
#include "store/gaps.h"
#include "store/history.h"
#include "store/processes.h"
#include "store/segments.h"
#include "store/series.h"
#include "store/store-internal.h"
#include "store/store.h"
#include "tempdir.h"

#define T0 1700000040000LL /* a whole minute */
#define GAP_MS (10 * 60 * 1000LL)
/* ctxt and the process's CPU move 10 a second while recorded, 100 a
 * second while nothing recorded (the gap's average would be 100) */
#define RATE 10
#define GAP_RATE 100

static char dir[64];

static int setup(void **state)
{
	(void)state;
	tempdir_make(dir, sizeof(dir), "gaps");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tempdir_remove(dir);
	return 0;
}

/* One recorded stretch: n ticks a second apart from t0, frame seqs from
 * seq0, counters from base (ctxt; the process's CPU ticks the same). */
struct stretch {
	int64_t t0;
	uint64_t seq0, base;
	int n;
};

static struct frame *make_frame(const struct stretch *r, int i)
{
	struct frame *f = frame_new();
	uint64_t c = r->base + (uint64_t)(RATE * i);

	f->seq = r->seq0 + (uint64_t)i;
	f->t_ms = r->t0 + 1000LL * i;
	f->sys.have = SYS_HAVE_STAT | SYS_HAVE_DISKSTATS;
	f->sys.ctxt = c;
	f->sys.ndisks = 1;
	f->sys.disks = xcalloc(1, sizeof(*f->sys.disks));
	snprintf(f->sys.disks[0].name, sizeof(f->sys.disks[0].name), "sda");
	f->sys.disks[0].reads = c;
	f->procs.n = 1;
	f->procs.rows = xcalloc(1, sizeof(*f->procs.rows));
	f->procs.rows[0].pid = 42;
	f->procs.rows[0].start_ticks = 7;
	f->procs.rows[0].cpu_ticks = c;
	f->procs.rows[0].cpu_pct = -1;
	snprintf(f->procs.rows[0].comm, FRAME_COMM_MAX, "p42");
	f->procs.rows[0].cmdline = xstrdup("p42");
	return f;
}

/* DIR/name holding the stretches r[0..nr) (one file: stalls between). */
static void write_file(const char *name, const struct stretch *r, int nr)
{
	struct session_meta m = {.clk_tck = 100, .interval_ms = 1000, .ncpu = 1};
	char path[128], err[256];
	struct store *s;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(m.version, sizeof(m.version), "test");
	snprintf(m.host, sizeof(m.host), "h");
	m.started_ms = r[0].t0;
	if (store_create(path, false, &s, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_int_equal(store_session_begin(s, &m), 0);
	for (int k = 0; k < nr; k++)
		for (int i = 0; i < r[k].n; i++) {
			struct frame *f = make_frame(&r[k], i);

			assert_int_equal(store_write_frame(s, f), 0);
			m.ended_ms = f->t_ms;
			frame_unref(f);
		}
	assert_int_equal(store_session_end(s, &m), 0);
	store_close(s);
}

/* The counters after stretch r and a gap of gap_ms at GAP_RATE. */
static uint64_t after(const struct stretch *r, int64_t gap_ms)
{
	return r->base + (uint64_t)(RATE * (r->n - 1)) +
	       (uint64_t)(gap_ms / 1000 * GAP_RATE);
}

/* Opens the directory as one timeline; *c to remove after. */
static struct store *open_dir(struct history_copy *c)
{
	struct segments sg;
	struct store *s;
	char err[256];

	assert_int_equal(segments_scan(dir, &sg, err, sizeof(err)), 0);
	if (history_copy(&sg, INT64_MIN / 4, INT64_MAX / 4, c, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	segments_release(&sg);
	if (store_open(c->path, &s, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	return s;
}

/* metric at the tick at t_ms: its value, NAN when it has none. The window
 * reaches an hour back, past every gap here, in 1 ms buckets, so the tick
 * before is in it and the tick is a bucket of its own. */
#define AT_TICK_BACK_MS 3600000LL
static double at_tick(struct store *s, const char *metric, int64_t t_ms)
{
	struct series ser;
	double v = NAN;

	assert_int_equal(query_series(s, metric, t_ms - AT_TICK_BACK_MS, t_ms,
				      AT_TICK_BACK_MS + 1, &ser),
			 0);
	for (size_t i = 0; i < ser.n; i++)
		if (ser.points[i].t_ms == t_ms)
			v = ser.points[i].avg;
	series_release(&ser);
	return v;
}

static double proc_cpu_at(struct store *s, int64_t t_ms)
{
	struct proc_table pt;
	const struct proc_row *r;
	double v;

	assert_int_equal(query_proc_table_at(s, t_ms, &pt), 0);
	r = proc_table_find(&pt, 42);
	assert_non_null(r);
	v = r->cpu_pct;
	proc_table_release(&pt);
	return v;
}

/* The rates at the tick at t_ms: none of them (gap), or all RATE. The
 * disk's only where its row is not a file's first (those are fresh: no
 * rate at a new file's first tick, gap or not). */
static void assert_rates(struct store *s, int64_t t_ms, bool known, bool disk)
{
	const char *const metrics[] = {"ctxt.rate", "disk.reads"};

	for (size_t i = 0; i < (disk ? 2u : 1u); i++) {
		double v = at_tick(s, metrics[i], t_ms);

		if (known ? !(fabs(v - RATE) < 1e-9) : !isnan(v))
			fail_msg("%s at +%llds: %g, wanted %s", metrics[i],
				 (long long)((t_ms - T0) / 1000), v,
				 known ? "10" : "none");
	}
	/* 10 clock ticks a second at 100 Hz: 10% of a core */
	if (known ? !(fabs(proc_cpu_at(s, t_ms) - 10.0) < 1e-9)
		  : proc_cpu_at(s, t_ms) != RATE_UNKNOWN)
		fail_msg("process CPU at +%llds: %g", (long long)((t_ms - T0) / 1000),
			 proc_cpu_at(s, t_ms));
}

static void test_rule_in_c_and_sql_agree(void **state)
{
	static const int64_t ivs[] = {100, 1000, 5000, 300000};
	static const int64_t seqs[] = {0, 1, 2, 3, 60, 3600};
	static const int64_t dts[] = {0,    100,   999,	   1000,   2000,   3000,   3001,
				      4000, 61000, 121000, 121001, 600000, 3600000};
	sqlite3 *db;
	sqlite3_stmt *st;

	(void)state;
	assert_true(ticks_continue(1000, 5, T0, 6, T0 + 1000));
	assert_true(ticks_continue(1000, 5, T0, 6, T0 + 3000)); /* late */
	assert_false(ticks_continue(1000, 5, T0, 6, T0 + 3001));
	assert_true(ticks_continue(1000, 0, T0, 60, T0 + 60000)); /* compacted */
	assert_false(ticks_continue(1000, 0, T0, 3600, T0 + 3600000));
	assert_false(ticks_continue(1000, 6, T0, 6, T0 + 1000));
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT " STORE_CONTINUES_SQL(":seq", ":t",
									  ":ps", ":pt"),
					    -1, &st, NULL),
			 SQLITE_OK);
	for (size_t a = 0; a < 4; a++)
		for (size_t b = 0; b < 6; b++)
			for (size_t c = 0; c < 13; c++) {
				bool want = ticks_continue(ivs[a], 10, T0, 10 + seqs[b],
							   T0 + dts[c]);

				sqlite3_reset(st);
				store_bind_named_int64(st, ":interval", ivs[a]);
				store_bind_named_int64(st, ":ps", 10);
				store_bind_named_int64(st, ":pt", T0);
				store_bind_named_int64(st, ":seq", 10 + seqs[b]);
				store_bind_named_int64(st, ":t", T0 + dts[c]);
				assert_int_equal(sqlite3_step(st), SQLITE_ROW);
				if (sqlite3_column_int(st, 0) != want)
					fail_msg("interval %lld, %lld frames, %lld ms: C "
						 "says %d",
						 (long long)ivs[a], (long long)seqs[b],
						 (long long)dts[c], want);
			}
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* The daemon killed, started ten minutes later: a new file, seqs from 0. */
static void test_restart_after_a_gap(void **state)
{
	struct stretch a = {T0, 0, 1000, 30}, b;
	struct history_copy c;
	struct store *s;
	int64_t b0;
	double cpu[66], rss[66];

	(void)state;
	b = (struct stretch){a.t0 + 29000 + GAP_MS, 0, after(&a, GAP_MS), 30};
	b0 = b.t0;
	write_file("h-1.vigil", &a, 1);
	write_file("h-2.vigil", &b, 1);
	s = open_dir(&c);
	assert_rates(s, T0 + 1000, true, true);
	assert_rates(s, T0 + 29000, true, true);
	assert_rates(s, b0, false, false);
	assert_rates(s, b0 + 1000, true, true);
	/* a window over both: the gap's 100/s is nowhere in it */
	{
		struct series ser;

		assert_int_equal(query_series(s, "ctxt.rate", T0, b0 + 29000, 100, &ser),
				 0);
		for (size_t i = 0; i < ser.n; i++)
			assert_true(ser.points[i].max <= RATE + 1e-9);
		series_release(&ser);
	}
	/* slots of 10 s: those before and after the gap have their CPU, those
	 * inside it nothing (not a flat line), the one its end cuts its RSS
	 * but no CPU (not the gap's CPU over 10 s, a spike) */
	assert_true(query_proc_slots(s, 42, 7, T0, T0 + 660000, 66, cpu, rss) > 0);
	assert_true(fabs(cpu[0] - 10.0) < 1e-9);
	assert_true(isnan(cpu[5]) && isnan(rss[5]));
	assert_true(isnan(cpu[62]) && !isnan(rss[62]));
	assert_true(fabs(cpu[63] - 10.0) < 1e-9);
	store_close(s);
	history_copy_remove(&c);
}

/* The recorder's next file (seqs going on) continues; so does a restart
 * that took a second and a half; one that took ten seconds does not. */
static void test_what_continues(void **state)
{
	struct stretch a = {T0, 0, 1000, 10}, b, d, e;
	struct history_copy c;
	struct store *s;

	(void)state;
	b = (struct stretch){a.t0 + 10000, 10, a.base + RATE * 10, 10};
	d = (struct stretch){b.t0 + 10500, 0, b.base + RATE * 9 + 15, 10};
	e = (struct stretch){d.t0 + 19000, 0, after(&d, 10000), 10};
	write_file("h-1.vigil", &a, 1);
	write_file("h-2.vigil", &b, 1);
	write_file("h-3.vigil", &d, 1);
	write_file("h-4.vigil", &e, 1);
	s = open_dir(&c);
	assert_rates(s, b.t0, true, false);
	assert_rates(s, d.t0, true, false); /* 15 over 1.5 s */
	assert_rates(s, e.t0, false, false);
	assert_rates(s, e.t0 + 1000, true, true);
	store_close(s);
	history_copy_remove(&c);
}

/* In one file: a tick ten minutes late (a suspended machine) is a gap;
 * compacted to a tick a minute, the minutes still make rates. */
static void test_one_file(void **state)
{
	struct stretch r[2] = {{T0, 0, 1000, 180}};
	char path[128], err[256];
	struct store *s;

	(void)state;
	r[1] = (struct stretch){T0 + 179000 + GAP_MS, 180, after(&r[0], GAP_MS), 180};
	write_file("one.vigil", r, 2);
	snprintf(path, sizeof(path), "%s/one.vigil", dir);
	assert_int_equal(store_open(path, &s, err, sizeof(err)), 0);
	assert_rates(s, T0 + 179000, true, true);
	assert_rates(s, r[1].t0, false, true);
	assert_rates(s, r[1].t0 + 1000, true, true);
	store_close(s);
	assert_int_equal(store_compact(path, NULL, err, sizeof(err)), 1);
	assert_int_equal(store_open(path, &s, err, sizeof(err)), 0);
	/* kept: the last tick of each minute, 60 frames a minute apart; the
	 * stall is still a gap (the first tick after it ends its minute) */
	assert_true(fabs(at_tick(s, "ctxt.rate", T0 + 119000) - RATE) < 1e-9);
	assert_true(fabs(at_tick(s, "ctxt.rate", T0 + 179000) - RATE) < 1e-9);
	assert_int_equal((r[1].t0 - T0) % 60000, 59000);
	assert_true(isnan(at_tick(s, "ctxt.rate", r[1].t0)));
	assert_true(fabs(at_tick(s, "ctxt.rate", r[1].t0 + 60000) - RATE) < 1e-9);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_in_c_and_sql_agree),
		cmocka_unit_test_setup_teardown(test_restart_after_a_gap, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_what_continues, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_file, setup, teardown),
	};

	return cmocka_run_group_tests_name("gaps", tests, NULL, NULL);
}
