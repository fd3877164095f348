/* SPDX-License-Identifier: MIT */
/*
 * test_threads: `vigil record` of a process with 2,000 threads. Whatever the
 * speed of the machine, every tick must carry the whole process (every
 * thread's stat and schedstat, so the thread count and the run-queue sums
 * cover them all), and the per-thread rows must come on the ticks the
 * cadence says (every ceil(2001 / 500) = 5th tick, starting with the first),
 * each with all 2,001 threads and sums that agree with its target row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"

#define NTHREADS 2000

static char session[4096];

static int setup(void **state)
{
	char *dir = temp_dir();

	(void)state;
	if (!dir)
		return -1;
	snprintf(session, sizeof(session), "%s/s.vigil", dir);
	return 0;
}

static int teardown(void **state)
{
	char dir[4096];

	(void)state;
	fixtures_stop_all();
	remove_session(session);
	snprintf(dir, sizeof(dir), "%s", session);
	*strrchr(dir, '/') = '\0';
	rmdir(dir);
	return 0;
}

/* One line of `sqlite3 -readonly session SQL` output, into buf. */
static const char *sql(const char *query, char *buf, size_t cap)
{
	char cmd[8192];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "sqlite3 -readonly '%s' \"%s\"", session, query);
	p = popen(cmd, "r");
	assert_non_null(p);
	buf[0] = '\0';
	if (!fgets(buf, (int)cap, p))
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	pclose(p);
	return buf;
}

static long sql_long(const char *query)
{
	char buf[256];

	return strtol(sql(query, buf, sizeof(buf)), NULL, 10);
}

static void test_every_tick_has_every_thread(void **state)
{
	struct run_result r;
	char pidbuf[16], n[16], buf[256];
	pid_t pid;
	long ticks;

	(void)state;
	snprintf(n, sizeof(n), "%d", NTHREADS);
	pid = fixture_start("threads", n, "1", NULL);
	assert_true(pid > 0);
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
	run_vigil(&r, "record", "-p", pidbuf, "-i", "200ms", "-d", "5s", "-o", session);
	assert_int_equal(r.status, 0);

	ticks = sql_long("SELECT count(*) FROM ticks");
	assert_true(ticks >= 6);
	/* every tick: the target, all its threads counted and summed (bits
	 * 1 STAT, 16 THREADS, 32 SCHED) */
	assert_int_equal(sql_long("SELECT count(*) FROM target_samples"
				  " WHERE num_threads = 2001 AND have & 49 = 49"
				  " AND run_ns > 0"),
			 ticks);
	/* the thread rows: on ticks 0, 5, 10, ... and only there, all threads */
	assert_int_equal(sql_long("SELECT count(DISTINCT tick) FROM thread_samples"),
			 (ticks + 4) / 5);
	assert_int_equal(sql_long("SELECT count(*) FROM (SELECT tick, count(*) AS n"
				  " FROM thread_samples GROUP BY tick)"
				  " WHERE tick % 5 != 0 OR n != 2001"),
			 0);
	/* a reading's rows are its tick's: the sums of the target row */
	sql("SELECT x.run_delay_ns = sum(t.run_delay_ns),"
	    " x.slices = sum(t.slices), x.run_ns = sum(t.run_ns)"
	    " FROM target_samples x JOIN thread_samples t ON t.tick = x.tick"
	    " WHERE x.tick = 5 GROUP BY x.tick",
	    buf, sizeof(buf));
	assert_string_equal(buf, "1|1|1");
	/* the blocked threads say where they block, read with the detail */
	assert_true(sql_long("SELECT count(*) FROM thread_samples WHERE tick = 5"
			     " AND (wchan IS NOT NULL OR syscall IS NOT NULL)") >=
		    NTHREADS - 1);
	fixture_stop(pid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_tick_has_every_thread, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
