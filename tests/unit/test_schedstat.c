/* SPDX-License-Identifier: MIT */
/*
 * test_schedstat: the /proc/schedstat parser on the fixture tree's file
 * (through the system collector: a version-15 file with domain lines and an
 * offline CPU), on version-16 and version-17 headers (same cpu lines, other
 * domain lines), on a missing file (normal: no reason noted), and on hostile
 * text: older layouts, no version line, short cpu lines, words for numbers,
 * numbers past 64 bits, CPUs out of order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collectors/schedstat.h"
#include "collectors/sysstat.h"
#include "core/xalloc.h"

static void collect_fixture(const char *tree, struct sys_sample *s)
{
	const char *src = getenv("VIGIL_SRCDIR");
	char *root = xasprintf("%s/tests/fixtures/proc-sys/%s", src ? src : ".", tree);
	struct sys_collector *c = sys_collector_new(root);

	sys_collector_read(c, s);
	sys_collector_free(c);
	free(root);
}

static void assert_cpu(const struct sched_cpu *c, int cpu, uint64_t run_ns,
		       uint64_t wait_ns, uint64_t slices)
{
	assert_int_equal(c->cpu, cpu);
	assert_int_equal(c->run_ns, run_ns);
	assert_int_equal(c->wait_ns, wait_ns);
	assert_int_equal(c->slices, slices);
}

/* Fields 7, 8 and 9 of each cpu line, cpu2 absent as in the tree's stat. */
static void test_fixture_v15(void **state)
{
	struct sys_sample s;

	(void)state;
	collect_fixture("normal", &s);
	assert_true(s.have & SYS_HAVE_SCHEDSTAT);
	assert_string_equal(s.why, "");
	assert_int_equal(s.nsched, 3);
	assert_cpu(&s.sched[0], 0, 1123456789012, 98765432109, 15138291);
	assert_cpu(&s.sched[1], 1, 2000000000000, 500000000, 14000000);
	assert_cpu(&s.sched[2], 3, 3000000001, 1, 2);
	sys_sample_release(&s);
	assert_null(s.sched);
	assert_int_equal(s.nsched, 0);
}

/* No schedstat in the tree (CONFIG_SCHEDSTATS off): no bit, no reason. */
static void test_missing_file(void **state)
{
	struct sys_sample s;

	(void)state;
	collect_fixture("no-psi", &s);
	assert_false(s.have & SYS_HAVE_SCHEDSTAT);
	assert_true(s.have & SYS_HAVE_STAT); /* the rest is still read */
	assert_string_equal(s.why, "");
	assert_int_equal(s.nsched, 0);
	assert_null(s.sched);
	sys_sample_release(&s);
}

/* A cpu line cut short: noted, nothing kept. */
static void test_fixture_hostile(void **state)
{
	struct sys_sample s;

	(void)state;
	collect_fixture("hostile", &s);
	assert_false(s.have & SYS_HAVE_SCHEDSTAT);
	assert_non_null(strstr(s.why, "schedstat: unparsable"));
	assert_null(s.sched);
	sys_sample_release(&s);
}

/* This machine's file, when its kernel has one: a line per online CPU. */
static void test_real_proc(void **state)
{
	struct sys_collector *c = sys_collector_new("/proc");
	struct sys_sample s;

	(void)state;
	sys_collector_read(c, &s);
	sys_collector_free(c);
	if (access("/proc/schedstat", R_OK) == 0) {
		assert_true(s.have & SYS_HAVE_SCHEDSTAT);
		assert_int_equal(s.nsched, s.ncores);
		for (size_t i = 0; i < s.nsched; i++)
			assert_int_equal(s.sched[i].cpu, s.cores[i].cpu);
	} else {
		assert_false(s.have & SYS_HAVE_SCHEDSTAT);
		assert_null(strstr(s.why, "schedstat"));
	}
	sys_sample_release(&s);
}

static const char v16[] =
	"version 16\n"
	"timestamp 4296357530\n"
	"cpu0 0 0 1528394 633128 946220 611874 52001733386 4912736101 895186\n"
	"domain0 MC 00000003 8042 7998 40 24 4 0 4 7956 14 14 0 0 0 0 0 0 0 0 0 0 "
	"0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
	"cpu1 0 0 1393830 571542 900813 583466 48994361250 4537166733 819914\n"
	"domain0 MC 00000003 7512 7480 30 20 2 0 2 7448 11 11 0 0 0 0 0 0 0 0 0 0 "
	"0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

static void test_versions_16_17(void **state)
{
	struct sched_cpu *c = NULL;
	char *v17 = xstrdup(v16);
	size_t n = 0;

	(void)state;
	assert_int_equal(schedstat_parse(v16, &c, &n), 0);
	assert_int_equal(n, 2);
	assert_cpu(&c[0], 0, 52001733386, 4912736101, 895186);
	assert_cpu(&c[1], 1, 48994361250, 4537166733, 819914);
	free(c);

	v17[9] = '7';
	assert_int_equal(schedstat_parse(v17, &c, &n), 0);
	assert_int_equal(n, 2);
	assert_cpu(&c[1], 1, 48994361250, 4537166733, 819914);
	free(c);
	free(v17);
}

/* A cpu line with more than nine counters: the first nine are read. */
static void test_accepts(void **state)
{
	struct sched_cpu *c = NULL;
	size_t n = 7;

	(void)state;
	assert_int_equal(schedstat_parse("version 15\ntimestamp 1\n"
					 "cpu0 1 2 3 4 5 6 7 8 9 10 11\n"
					 "cpu7\t0 0 0 0 0 0 18446744073709551615 0 0",
					 &c, &n),
			 0);
	assert_int_equal(n, 2);
	assert_cpu(&c[0], 0, 7, 8, 9);
	assert_cpu(&c[1], 7, UINT64_MAX, 0, 0);
	free(c);

	/* no cpu line at all (no CPU online is not a thing, but no crash) */
	assert_int_equal(schedstat_parse("version 15\ntimestamp 1\n", &c, &n), 0);
	assert_int_equal(n, 0);
	assert_null(c);
}

static void test_rejects(void **state)
{
	static const char *const bad[] = {
		"",
		"timestamp 1\ncpu0 0 0 0 0 0 0 1 2 3\n",      /* no version */
		"version 14\ncpu0 0 0 0 0 0 0 0 0 0 0 1 2\n", /* 2.6.2x */
		"version\ncpu0 0 0 0 0 0 0 1 2 3\n",	      /* no number */
		"version 15x\ncpu0 0 0 0 0 0 0 1 2 3\n",      /* not a number */
		"version 99999999999999999999\ncpu0 0 0 0 0 0 0 1 2 3\n", /* > 64 bits */
		" version 15\ncpu0 0 0 0 0 0 0 1 2 3\n",		  /* not first */
		"version 15\ncpu0 0 0 0 0 0 0 1 2\n",	 /* eight counters */
		"version 15\ncpu0 0 0 0 0 0 0 1 2 x\n",	 /* a word */
		"version 15\ncpu0 0 0 0 0 0 0 1 2 3x\n", /* a cut word */
		"version 15\ncpu0 0 0 0 0 0 0 1 2 -3\n", /* negative */
		"version 15\ncpu0 0 0 0 0 0 0 1 18446744073709551616 3\n", /* 2^64 */
		"version 15\ncpu1 0 0 0 0 0 0 1 2 3\ncpu0 0 0 0 0 0 0 1 2 3\n",
		"version 15\ncpu0 0 0 0 0 0 0 1 2 3\ncpu0 0 0 0 0 0 0 1 2 3\n",
		"version 15\ncpu2147483648 0 0 0 0 0 0 1 2 3\n", /* past int */
		"version 15\ncpu0x 0 0 0 0 0 0 1 2 3\n",
	};
	struct sched_cpu sentinel, *c = &sentinel;
	size_t n = 42;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (schedstat_parse(bad[i], &c, &n) != -1)
			fail_msg("accepted: %s", bad[i]);
		assert_ptr_equal(c, &sentinel); /* untouched */
		assert_int_equal(n, 42);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_v15),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_fixture_hostile),
		cmocka_unit_test(test_real_proc),
		cmocka_unit_test(test_versions_16_17),
		cmocka_unit_test(test_accepts),
		cmocka_unit_test(test_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
