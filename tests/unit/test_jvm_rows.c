/* SPDX-License-Identifier: MIT */
/*
 * test_jvm_rows: the JVM readings read back from a session written here,
 * tick by tick, with every expected figure set by the test: the latest
 * reading at a time, the collection counters over a window (with the one
 * just before it), and a file from before schema v3 answering with no rows.
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
#include "store/jvm_rows.h"
#include "store/store.h"

#define T0 1700000000000LL
#define PID 4242

static char path[64];

static int setup(void **state)
{
	struct store *s;

	(void)state;
	s = sql_session_new(path, sizeof(path), "jvm", T0, 100);
	if (!s)
		return -1;
	/*
	 * Ticks 0..9, one a second; a JVM reading on every even tick: young
	 * collections 10 + tick, full ones 1 from tick 6 on and concurrent
	 * ones 2 from tick 8 on.
	 */
	for (uint64_t i = 0; i < 10; i++) {
		struct frame *f = frame_new();

		f->seq = i;
		f->t_ms = T0 + (int64_t)i * 1000;
		f->target = xcalloc(1, sizeof(*f->target));
		f->target->pid = PID;
		f->target->start_ticks = 1;
		f->target->alive = true;
		f->target->exit_code = -1;
		if (i % 2 == 0) {
			struct jvm_sample *j = xcalloc(1, sizeof(*j));

			j->t_ms = f->t_ms;
			j->pid = PID;
			j->have = JVM_HAVE_YOUNG | JVM_HAVE_OLD | JVM_HAVE_META |
				  JVM_HAVE_GC;
			j->young_used = 1000 * i;
			j->young_capacity = 8000;
			j->old_used = 2000 + i;
			j->old_capacity = 16000;
			j->meta_used = 300;
			j->meta_capacity = 400;
			j->young_gcs = 10 + i;
			j->young_gc_ms = 1.5 * (double)i;
			j->full_gcs = i >= 6 ? 1 : 0;
			j->concurrent_gcs = i >= 8 ? 2 : 0; /* stored with full */
			j->full_gc_ms = i >= 6 ? 40 : 0;
			f->jvm = j;
		}
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

static void test_latest_reading(void **state)
{
	struct store *s = open_session(path);
	struct jvm_sample j;

	(void)state;
	assert_int_equal(query_jvm_at(s, T0 - 1, &j), 0); /* before the first */
	assert_int_equal(query_jvm_at(s, T0 + 3500, &j), 1);
	assert_int_equal(j.t_ms, T0 + 2000);
	assert_int_equal(j.pid, PID);
	assert_int_equal(j.young_used, 2000);
	assert_int_equal(j.old_capacity, 16000);
	assert_int_equal(j.meta_used, 300);
	assert_int_equal(j.young_gcs, 12);
	assert_int_equal(j.have & JVM_HAVE_GC, JVM_HAVE_GC);
	assert_int_equal(query_jvm_at(s, T0 + 4000, &j), 1);
	assert_int_equal(j.t_ms, T0 + 4000);
	assert_int_equal(j.young_gcs, 14);
	assert_int_equal(j.full_gcs, 0);
	/* full and concurrent collections come back summed */
	assert_int_equal(query_jvm_at(s, T0 + 60000, &j), 1);
	assert_int_equal(j.t_ms, T0 + 8000);
	assert_int_equal(j.full_gcs, 3);
	assert_true(j.full_gc_ms > 39.9 && j.full_gc_ms < 40.1);
	store_close(s);
}

static void test_gc_counters_in_a_window(void **state)
{
	struct store *s = open_session(path);
	struct jvm_gc_point *p;
	size_t n;

	(void)state;
	/* 5000..8000: the reading at 4000 first, then 6000 and 8000 */
	assert_int_equal(query_jvm_gcs(s, T0 + 5000, T0 + 8000, &p, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(p[0].t_ms, T0 + 4000);
	assert_int_equal(p[0].young_gcs, 14);
	assert_int_equal(p[1].t_ms, T0 + 6000);
	assert_int_equal(p[1].young_gcs, 16);
	assert_int_equal(p[1].full_gcs, 1);
	assert_true(p[1].young_gc_ms > 8.9 && p[1].young_gc_ms < 9.1);
	assert_int_equal(p[2].t_ms, T0 + 8000);
	assert_int_equal(p[2].full_gcs, 3);
	assert_int_equal(p[2].pid, PID);
	free(p);
	/* nothing before the first reading to prepend */
	assert_int_equal(query_jvm_gcs(s, T0, T0 + 1000, &p, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(p[0].t_ms, T0);
	free(p);
	/* an empty window still brings the reading before it */
	assert_int_equal(query_jvm_gcs(s, T0 + 100000, T0 + 200000, &p, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(p[0].t_ms, T0 + 8000);
	free(p);
	store_close(s);
}

/* A file from before v3 has no jvm_samples table: no rows, no error. */
static void test_older_file_has_none(void **state)
{
	char v2[96], cmd[512];
	struct store *s;
	struct jvm_gc_point *p = (void *)1;
	struct jvm_sample j;
	size_t n = 7;

	(void)state;
	snprintf(v2, sizeof(v2), "%s.v2", path);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", path, v2);
	assert_int_equal(system(cmd), 0);
	sql_exec(v2, "DROP TABLE jvm_samples; PRAGMA user_version = 2");
	s = open_session(v2);
	assert_int_equal(query_jvm_at(s, T0 + 5000, &j), 0);
	assert_int_equal(query_jvm_gcs(s, T0, T0 + 9000, &p, &n), 0);
	assert_null(p);
	assert_int_equal(n, 0);
	store_close(s);
	unlink(v2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_latest_reading),
		cmocka_unit_test(test_gc_counters_in_a_window),
		cmocka_unit_test(test_older_file_has_none),
	};

	return cmocka_run_group_tests_name("jvm_rows", tests, setup, teardown);
}
