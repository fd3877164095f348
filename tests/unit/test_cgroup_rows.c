/* SPDX-License-Identifier: MIT */
/*
 * test_cgroup_rows: cgroups written frame by frame into a session and read
 * back, every expected number worked out here: a row only when a value
 * moved; a cgroup that goes away is closed and one made again under the
 * same path is another identity; the table at a tick with CPU % from two rows; a
 * window's CPU average, memory peak, throttling and OOM kills; a counter
 * that went back gives no figure; the process identity keeps its cgroup.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sql.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/frame.h"
#include "core/xalloc.h"
#include "store/cgroup_query.h"
#include "store/processes.h"
#include "store/store.h"

#define T0 1700000000000LL
#define MIB (1024ull * 1024ull)
#define SEC 1000000000ull

struct session {
	char path[64];
	struct store *s;
};

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

/* One tick of two cgroups: app (CPU in s, memory in MiB, throttling, OOM
 * kills) and, when idle_there, an idle slice that never changes. */
struct tick {
	uint64_t app_cpu_s, app_mib, app_thr_periods, app_throttled, app_thr_s, app_kills;
	bool app_there, idle_there;
};

static void add_row(struct frame *f, const char *path)
{
	struct cgroup_row *r;

	f->cgroups.rows = xrealloc(f->cgroups.rows, (f->cgroups.n + 1) * sizeof(*r));
	r = &f->cgroups.rows[f->cgroups.n++];
	memset(r, 0, sizeof(*r));
	r->path = xstrdup(path);
	r->cpu_pct = -1;
}

static void write_ticks(struct session *t, const struct tick *ticks, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct frame *f = frame_new();
		struct cgroup_row *r;

		f->seq = i;
		f->t_ms = T0 + (int64_t)i * 1000;
		f->cgroups.layout = CGROUP_LAYOUT_V2;
		add_row(f, "/");
		f->cgroups.rows[0].have = CGROUP_HAVE_CPU;
		f->cgroups.rows[0].cpu_usage_ns = (i + 100) * SEC;
		if (ticks[i].app_there) {
			add_row(f, "/app.slice/app.service");
			r = &f->cgroups.rows[f->cgroups.n - 1];
			r->have = CGROUP_HAVE_CPU | CGROUP_HAVE_THROTTLE |
				  CGROUP_HAVE_MEM | CGROUP_HAVE_MEM_LIMIT |
				  CGROUP_HAVE_OOM_KILL | CGROUP_HAVE_IO;
			r->cpu_usage_ns = ticks[i].app_cpu_s * SEC;
			r->nr_periods = ticks[i].app_thr_periods;
			r->nr_throttled = ticks[i].app_throttled;
			r->throttled_ns = ticks[i].app_thr_s * SEC;
			r->mem_current = ticks[i].app_mib * MIB;
			r->mem_high = CGROUP_UNLIMITED;
			r->mem_max = 512 * MIB;
			r->oom_kill = ticks[i].app_kills;
			r->ndevs = 1;
			r->devs = xcalloc(1, sizeof(*r->devs));
			r->devs[0].major = 8;
			r->devs[0].rbytes = ticks[i].app_mib; /* moves with memory */
			r->io_rbytes = ticks[i].app_mib;
		}
		if (ticks[i].idle_there) {
			add_row(f, "/idle.slice");
			r = &f->cgroups.rows[f->cgroups.n - 1];
			r->have = CGROUP_HAVE_MEM | CGROUP_HAVE_PIDS;
			r->mem_current = 4 * MIB;
			r->pids_current = 1;
			r->pids_max = CGROUP_UNLIMITED;
		}
		if (store_write_frame(t->s, f) < 0)
			fail_msg("store_write_frame: %s", store_error(t->s));
		frame_unref(f);
	}
}

/* app: 0.5 core for 2 s, then idle, then a full core; memory 100 -> 300
 * MiB and back; 2 OOM kills; throttled in 30 of 100 periods. Tick 4 it is
 * gone; tick 5 it is back with its counters started again. */
static const struct tick story[] = {
	{10, 100, 0, 0, 0, 0, true, true},   {10, 100, 0, 0, 0, 0, true, true},
	{11, 300, 50, 10, 1, 1, true, true}, {12, 200, 100, 30, 3, 2, true, true},
	{0, 0, 0, 0, 0, 0, false, true},     {1, 50, 0, 0, 0, 0, true, true},
	{2, 50, 0, 0, 0, 0, true, true},
};

static void test_rows_only_on_change(void **state)
{
	struct session t;

	(void)state;
	t.s = sql_session_new(t.path, sizeof(t.path), "cgrows", T0, 100);
	assert_non_null(t.s);
	write_ticks(&t, story, sizeof(story) / sizeof(story[0]));
	/* the idle slice: one row for the session */
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM cgroup_samples s JOIN "
					 "cgroups g ON g.id = s.cgroup WHERE "
					 "g.path = '/idle.slice'"),
			 1);
	/* app: ticks 0, 2, 3, 5, 6 (tick 1 changed nothing, tick 4 it was gone) */
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM cgroup_samples s JOIN "
					 "cgroups g ON g.id = s.cgroup WHERE "
					 "g.path = '/app.slice/app.service'"),
			 5);
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM cgroup_io_samples"), 5);
	/* made again: another identity; the first closed at tick 3 */
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM cgroups"), 4);
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM cgroups WHERE "
					 "last_tick IS NULL"),
			 3);
	assert_int_equal(sql_int(t.path, "SELECT last_tick FROM cgroups WHERE "
					 "last_tick IS NOT NULL"),
			 3);
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM cgroup_samples WHERE "
					 "mem_max = 536870912"),
			 5);
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM cgroup_samples WHERE "
					 "mem_high IS NOT NULL"),
			 0);
	assert_int_equal(sql_int(t.path, "SELECT kind = 'service' AND name = "
					 "'app.service' FROM cgroups WHERE path = "
					 "'/app.slice/app.service'"),
			 1);
	session_remove(&t);
}

static void test_table_at(void **state)
{
	struct session t;
	struct cgroup_table ct;
	const struct cgroup_row *r;

	(void)state;
	t.s = sql_session_new(t.path, sizeof(t.path), "cgtable", T0, 100);
	assert_non_null(t.s);
	write_ticks(&t, story, sizeof(story) / sizeof(story[0]));
	assert_int_equal(query_cgroup_table_at(t.s, T0 + 3000, &ct), 0);
	assert_int_equal(ct.n, 3);
	r = cgroup_table_find(&ct, "/app.slice/app.service");
	assert_non_null(r);
	/* 1 s of CPU over the 1 s since tick 2: 100% */
	assert_true(fabs(r->cpu_pct - 100.0) < 1e-9);
	assert_true(r->mem_current == 200 * MIB && r->mem_max == 512 * MIB);
	assert_true(r->mem_high == CGROUP_UNLIMITED && r->oom_kill == 2);
	r = cgroup_table_find(&ct, "/idle.slice");
	assert_true(r->pids_max == CGROUP_UNLIMITED && r->cpu_pct < 0);
	cgroup_table_release(&ct);
	/* tick 1: no row, nothing moved */
	assert_int_equal(query_cgroup_table_at(t.s, T0 + 1000, &ct), 0);
	assert_true(cgroup_table_find(&ct, "/app.slice/app.service")->cpu_pct == 0);
	cgroup_table_release(&ct);
	/* tick 4: gone; tick 5: back as a new identity, no row before: no rate */
	assert_int_equal(query_cgroup_table_at(t.s, T0 + 4000, &ct), 0);
	assert_null(cgroup_table_find(&ct, "/app.slice/app.service"));
	cgroup_table_release(&ct);
	assert_int_equal(query_cgroup_table_at(t.s, T0 + 5000, &ct), 0);
	assert_true(cgroup_table_find(&ct, "/app.slice/app.service")->cpu_pct < 0);
	cgroup_table_release(&ct);
	assert_int_equal(query_cgroup_table_at(t.s, T0 - 1, &ct), -1);
	assert_int_equal(ct.n, 0);
	session_remove(&t);
}

static void test_summaries(void **state)
{
	struct session t;
	struct cgroup_summary *v;
	size_t n;

	(void)state;
	t.s = sql_session_new(t.path, sizeof(t.path), "cgsum", T0, 100);
	assert_non_null(t.s);
	write_ticks(&t, story, sizeof(story) / sizeof(story[0]));
	/* ticks 0..3: app moved 2 s of CPU over 3 s */
	assert_int_equal(query_cgroup_summaries(t.s, T0, T0 + 3000, &v, &n), 0);
	assert_int_equal(n, 2); /* the root is not listed */
	assert_string_equal(v[0].path, "/app.slice/app.service");
	assert_true(fabs(v[0].cpu_pct_avg - 200.0 / 3.0) < 1e-9);
	assert_true(v[0].mem_peak == 300 * MIB && v[0].mem_max == 512 * MIB);
	assert_true(v[0].nr_periods == 100 && v[0].nr_throttled == 30);
	assert_true(fabs(v[0].throttled_pct - 30.0) < 1e-9);
	assert_true(v[0].throttled_ns == 3 * SEC && v[0].oom_kills == 2);
	assert_true(v[0].first_ms == T0 && v[0].last_ms == T0 + 3000);
	assert_string_equal(v[1].path, "/idle.slice");
	assert_true(v[1].cpu_pct_avg == 0 && v[1].mem_peak == 4 * MIB);
	assert_true(v[1].throttled_pct < 0 && v[1].mem_max == CGROUP_UNLIMITED);
	cgroup_summaries_sort(v, n, QUERY_CG_MEMORY);
	assert_string_equal(v[0].path, "/app.slice/app.service");
	cgroup_summaries_free(v, n);
	/* from tick 2 on: the baseline is tick 2; the app made again at tick 5
	 * is counted from its own first row */
	assert_int_equal(query_cgroup_summaries(t.s, T0 + 2000, T0 + 6000, &v, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].path, "/app.slice/app.service");
	assert_true(fabs(v[0].cpu_pct_avg - 100.0) < 1e-9 && v[0].oom_kills == 1);
	assert_true(v[0].last_ms == T0 + 3000);
	assert_string_equal(v[1].path, "/app.slice/app.service");
	assert_true(fabs(v[1].cpu_pct_avg - 100.0) < 1e-9 && v[1].oom_kills == 0);
	assert_true(v[1].first_ms == T0 + 5000 && v[1].mem_peak == 50 * MIB);
	cgroup_summaries_sort(v, n, QUERY_CG_OOM_KILLS);
	assert_true(v[0].oom_kills == 1);
	cgroup_summaries_free(v, n);
	session_remove(&t);
}

static void test_process_cgroup(void **state)
{
	struct session t;
	struct proc_table pt;
	struct frame *f = frame_new();

	(void)state;
	t.s = sql_session_new(t.path, sizeof(t.path), "cgproc", T0, 100);
	assert_non_null(t.s);
	f->t_ms = T0;
	f->procs.n = 2;
	f->procs.rows = xcalloc(2, sizeof(*f->procs.rows));
	f->procs.rows[0] = (struct proc_row){.pid = 10, .state = 'S', .comm = "a"};
	f->procs.rows[0].cmdline = xstrdup("a");
	f->procs.rows[0].cgroup = xstrdup("/docker/abc");
	f->procs.rows[1] = (struct proc_row){.pid = 11, .state = 'S', .comm = "b"};
	f->procs.rows[1].cmdline = xstrdup("b");
	assert_int_equal(store_write_frame(t.s, f), 0);
	frame_unref(f);
	assert_int_equal(query_proc_table_at(t.s, T0, &pt), 0);
	assert_int_equal(pt.n, 2);
	assert_string_equal(pt.rows[0].cgroup, "/docker/abc");
	assert_null(pt.rows[1].cgroup);
	proc_table_release(&pt);
	session_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_only_on_change),
		cmocka_unit_test(test_table_at),
		cmocka_unit_test(test_summaries),
		cmocka_unit_test(test_process_cgroup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
