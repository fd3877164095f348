/* SPDX-License-Identifier: MIT */
/*
 * test_gc_rows: the traced collections (--gc-trace) read back from a
 * session written here, every figure set by the test: ticks 0..9 a second
 * apart, pid 4242 until tick 5 and pid 4343 (a restarted runtime) from tick
 * 6 on, one collection on each tick (pause tick + 1 ms, major on the even
 * ticks, heap after 10 MiB + tick). Each collection comes back at the time
 * of its tick, of the pid asked for (0: any), oldest first, with the newest
 * one's runtime; the summary's figures are gcstats's over the same rows; a
 * file from before schema v11 answers with none.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/frame.h"
#include "core/xalloc.h"
#include "store/gc_rows.h"
#include "store/store.h"

#define T0 1700000000000LL
#define MIB (1024.0 * 1024.0)

static char path[64];

static int setup(void **state)
{
	struct store *s;

	(void)state;
	s = sql_session_new(path, sizeof(path), "gcrows", T0, 100);
	if (!s)
		return -1;
	for (uint64_t i = 0; i < 10; i++) {
		struct frame *f = frame_new();

		f->seq = i;
		f->t_ms = T0 + (int64_t)i * 1000;
		f->target = xcalloc(1, sizeof(*f->target));
		f->target->pid = i < 6 ? 4242 : 4343;
		f->target->start_ticks = i < 6 ? 1 : 2;
		f->target->alive = true;
		f->target->exit_code = -1;
		f->gcs = xcalloc(1, sizeof(*f->gcs));
		f->ngcs = 1;
		snprintf(f->gcs->runtime, sizeof(f->gcs->runtime), "%s",
			 i < 6 ? "node" : "go");
		snprintf(f->gcs->kind, sizeof(f->gcs->kind), "%s",
			 i % 2 ? "Scavenge" : "Mark-Compact");
		f->gcs->major = i % 2 == 0;
		f->gcs->pause_ms = (double)i + 1;
		f->gcs->before_bytes = 64 * MIB;
		f->gcs->after_bytes = 10 * MIB + (double)i;
		if (store_write_frame(s, f) < 0)
			return -1;
		frame_unref(f);
	}
	store_close(s);
	return 0;
}

static int teardown(void **state)
{
	char p[80];

	(void)state;
	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
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

static void test_pauses_of_a_pid(void **state)
{
	struct store *s = open_session(path);
	struct gc_pause *p;
	char rt[8];
	size_t n;

	(void)state;
	/* ticks 2..7 of pid 4242: 2, 3, 4, 5 */
	assert_int_equal(
		query_gc_pauses(s, T0 + 2000, T0 + 7000, 4242, &p, &n, rt, sizeof(rt)),
		0);
	assert_int_equal(n, 4);
	assert_string_equal(rt, "node");
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(p[i].t_ms, T0 + 2000 + (int64_t)i * 1000);
		assert_true(p[i].pause_ms == 3.0 + (double)i);
		assert_int_equal(p[i].major, i % 2 == 0);
		assert_true(p[i].after_bytes == (double)(int64_t)(10 * MIB + 2 + i));
	}
	free(p);
	/* any pid: 2..7, the newest a Go one */
	assert_int_equal(
		query_gc_pauses(s, T0 + 2000, T0 + 7000, 0, &p, &n, rt, sizeof(rt)), 0);
	assert_int_equal(n, 6);
	assert_string_equal(rt, "go");
	assert_int_equal(p[5].t_ms, T0 + 7000);
	free(p);
	/* none in the window */
	assert_int_equal(
		query_gc_pauses(s, T0 + 20000, T0 + 30000, 0, &p, &n, rt, sizeof(rt)), 0);
	assert_int_equal(n, 0);
	assert_null(p);
	assert_string_equal(rt, "");
	store_close(s);
}

static void test_summary(void **state)
{
	struct store *s = open_session(path);
	struct gc_summary g;

	(void)state;
	/* ticks 0..9: pauses 1..10, p50 5, p99 10, 55 ms over 9 s */
	assert_int_equal(query_gc_summary(s, T0, T0 + 9000, &g), 1);
	assert_int_equal(g.stats.count, 10);
	assert_int_equal(g.stats.major, 5);
	assert_true(g.stats.p50_ms == 5.0);
	assert_true(g.stats.p99_ms == 10.0);
	assert_true(g.stats.max_ms == 10.0);
	assert_true(g.stats.total_ms == 55.0);
	assert_true(g.stats.share == 55.0 / 9000.0);
	assert_int_equal(g.stats.after_ms, T0 + 8000);
	/* kinds per runtime, most frequent first, ties by name; the runtime
	 * of the first */
	assert_string_equal(g.runtime, "node");
	assert_int_equal(g.nkinds, 4);
	assert_string_equal(g.kinds[0].kind, "Mark-Compact");
	assert_int_equal(g.kinds[0].count, 3);
	assert_string_equal(g.kinds[1].kind, "Scavenge");
	assert_int_equal(g.kinds[1].count, 3);
	assert_int_equal(g.kinds[3].count, 2);
	/* a window is both ends inclusive: ticks 3..5, pauses 4 5 6 */
	assert_int_equal(query_gc_summary(s, T0 + 3000, T0 + 5000, &g), 1);
	assert_int_equal(g.stats.count, 3);
	assert_true(g.stats.p50_ms == 5.0);
	assert_true(g.stats.share == 15.0 / 2000.0);
	assert_int_equal(g.stats.after_ms, T0 + 4000);
	assert_true(g.stats.after_bytes == (double)(int64_t)(10 * MIB + 4));
	assert_int_equal(query_gc_summary(s, T0 + 20000, T0 + 30000, &g), 0);
	assert_int_equal(g.stats.count, 0);
	store_close(s);
}

/* A file from before v11 has no gc_events table: no rows, no error. */
static void test_older_file_has_none(void **state)
{
	char v10[96], cmd[512], rt[8] = "x";
	struct store *s;
	struct gc_pause *p = (void *)1;
	struct gc_summary g;
	size_t n = 7;

	(void)state;
	snprintf(v10, sizeof(v10), "%s.v10", path);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", path, v10);
	assert_int_equal(system(cmd), 0);
	sql_exec(v10, "DROP TABLE gc_events; PRAGMA user_version = 10");
	s = open_session(v10);
	assert_int_equal(query_gc_pauses(s, T0, T0 + 9000, 0, &p, &n, rt, sizeof(rt)), 0);
	assert_null(p);
	assert_int_equal(n, 0);
	assert_string_equal(rt, "");
	assert_int_equal(query_gc_summary(s, T0, T0 + 9000, &g), 0);
	store_close(s);
	unlink(v10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pauses_of_a_pid),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_older_file_has_none),
	};

	return cmocka_run_group_tests_name("gc_rows", tests, setup, teardown);
}
