/* SPDX-License-Identifier: MIT */
/*
 * test_proctable: CPU % derivation across ticks (identity-aware), cmdline
 * joining, and one live read of this machine's table through libproc2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "collectors/proctable.h"
#include "core/clock.h"

static struct proc_row row(int pid, uint64_t start, uint64_t cpu)
{
	struct proc_row r = {.pid = pid, .start_ticks = start, .cpu_ticks = cpu};

	return r;
}

static void test_derive_cpu(void **state)
{
	struct proc_row prev_rows[] = {row(1, 10, 100), row(5, 50, 0), row(7, 70, 30),
				       row(9, 90, 500)};
	struct proc_row cur_rows[] = {row(1, 10, 150), row(3, 30, 5), row(5, 51, 40),
				      row(7, 70, 30), row(9, 90, 400)};
	struct proc_table prev = {4, prev_rows}, cur = {5, cur_rows};

	(void)state;
	/* 2 s at 100 ticks/s: 50 ticks = 25% of one core */
	proc_table_derive_cpu(&cur, &prev, 2000000000LL, 100);
	assert_true(cur_rows[0].cpu_pct > 24.999 && cur_rows[0].cpu_pct < 25.001);
	assert_true(cur_rows[1].cpu_pct < 0);  /* new pid */
	assert_true(cur_rows[2].cpu_pct < 0);  /* pid 5 reused: other start time */
	assert_true(cur_rows[3].cpu_pct == 0); /* idle */
	assert_true(cur_rows[4].cpu_pct < 0);  /* counter went backwards: unknown */
	proc_table_derive_cpu(&cur, &prev, 0, 100);
	assert_true(cur_rows[0].cpu_pct < 0); /* no interval, no rate */
}

static void test_cmdline_join(void **state)
{
	char a[] = "sleep\0"
		   "10\0";
	char b[] = "\0\0";
	char c[] = "sh\0-c\0echo\nhi\0";

	(void)state;
	assert_string_equal(proc_cmdline_join(a, sizeof(a) - 1), "sleep 10");
	assert_string_equal(proc_cmdline_join(b, sizeof(b) - 1), "");
	assert_string_equal(proc_cmdline_join(c, sizeof(c) - 1), "sh -c echo hi");
}

/* A stat line as the kernel writes it: comm with spaces and a ')', a
 * negative nice, then every field up to rss and beyond. */
static void test_stat_parse(void **state)
{
	const char *line =
		"4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 2131 0 3 0 "
		"250 75 0 0 20 -5 7 0 123456 104857600 2560 18446744073709551615 "
		"1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n";
	struct proc_row r;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(proc_stat_parse(line, &r), 0);
	assert_string_equal(r.comm, "my (odd) name");
	assert_int_equal(r.state, 'S');
	assert_int_equal(r.ppid, 1);
	assert_int_equal(r.cpu_ticks, 325);
	assert_int_equal(r.nice, -5);
	assert_int_equal(r.threads, 7);
	assert_int_equal(r.start_ticks, 123456);
	assert_int_equal(r.vsz_bytes, 104857600);
	assert_int_equal(r.rss_bytes, 2560); /* pages: the caller scales */
	/* cut short before rss, or not a stat line at all */
	assert_int_equal(proc_stat_parse("4242 (x) S 1 2 3 4 5 6 7 8 9 10 11 12", &r),
			 -1);
	assert_int_equal(proc_stat_parse("4242 (x) S 1 two 3", &r), -1);
	assert_int_equal(proc_stat_parse("no parens here", &r), -1);
}

/* The live table holds this process, with its identity and command line. */
static void test_live_read(void **state)
{
	char err[128];
	struct proc_collector *c = proc_collector_new("/proc", err, sizeof(err));
	struct proc_table t1 = {0}, t2 = {0};
	const struct proc_row *me, *me2;

	(void)state;
	assert_non_null(c);
	assert_int_equal(proc_collector_read(c, clock_mono_ns(), &t1), 0);
	assert_true(t1.n > 1);
	for (size_t i = 1; i < t1.n; i++)
		assert_true(t1.rows[i - 1].pid < t1.rows[i].pid);
	me = proc_table_find(&t1, getpid());
	assert_non_null(me);
	assert_int_equal(me->ppid, getppid());
	assert_int_equal(me->uid, geteuid());
	assert_true(me->rss_bytes > 0 && me->vsz_bytes >= me->rss_bytes);
	assert_non_null(strstr(me->cmdline, "proctable"));
	assert_true(me->cpu_pct < 0); /* first sight */
	assert_true(me->start_ms > 1000000000000LL && me->start_ms <= clock_wall_ms());
	/* burn a little CPU so the second read has something to derive */
	for (volatile long i = 0; i < 50000000; i++)
		;
	assert_int_equal(proc_collector_read(c, clock_mono_ns(), &t2), 0);
	me2 = proc_table_find(&t2, getpid());
	assert_non_null(me2);
	assert_true(me2->cpu_pct > 0);
	assert_string_equal(me2->cmdline, me->cmdline);
	proc_table_release(&t1);
	proc_table_release(&t2);
	proc_collector_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_derive_cpu),
		cmocka_unit_test(test_cmdline_join),
		cmocka_unit_test(test_stat_parse),
		cmocka_unit_test(test_live_read),
	};

	return cmocka_run_group_tests_name("proctable", tests, NULL, NULL);
}
