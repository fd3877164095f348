/* SPDX-License-Identifier: MIT */
/*
 * test_latency: the parsers of the latency files (schedstat, syscall,
 * cgroup), on real shapes and on hostile text. The collector's reading of
 * them is covered by test_target over fixture trees.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "collectors/latency.h"

static void test_schedstat(void **state)
{
	uint64_t run = 1, delay = 2, slices = 3;

	(void)state;
	assert_int_equal(
		latency_parse_schedstat("482061 89246 2\n", &run, &delay, &slices), 0);
	assert_int_equal(run, 482061);
	assert_int_equal(delay, 89246);
	assert_int_equal(slices, 2);
	assert_int_equal(latency_parse_schedstat("18446744073709551615 0 0", &run, &delay,
						 &slices),
			 0);
	assert_true(run == UINT64_MAX);
	/* hostile: untouched */
	run = delay = slices = 7;
	assert_int_equal(latency_parse_schedstat("", &run, &delay, &slices), -1);
	assert_int_equal(latency_parse_schedstat("1 2\n", &run, &delay, &slices), -1);
	assert_int_equal(latency_parse_schedstat("1 2 3 4\n", &run, &delay, &slices), -1);
	assert_int_equal(latency_parse_schedstat("1 -2 3\n", &run, &delay, &slices), -1);
	assert_int_equal(latency_parse_schedstat("18446744073709551616 0 0", &run, &delay,
						 &slices),
			 -1);
	assert_int_equal(run + delay + slices, 21);
}

static void test_syscall(void **state)
{
	int nr = 99;

	(void)state;
	assert_int_equal(latency_parse_syscall("running\n", &nr), 0);
	assert_int_equal(nr, -1);
	assert_int_equal(
		latency_parse_syscall("0 0x3 0x7f8b 0x20000 0 0 0 0x7ffd 0x7f8b\n", &nr),
		0);
	assert_int_equal(nr, 0);
	assert_int_equal(latency_parse_syscall(
				 "230 0x1 0x0 0x7ffc 0x0 0x0 0x0 0x7ffc 0x7f\n", &nr),
			 0);
	assert_int_equal(nr, 230);
	/* blocked outside a syscall (a page fault, a signal stop) */
	assert_int_equal(latency_parse_syscall("-1 0x7ffd 0x55d\n", &nr), 0);
	assert_int_equal(nr, -1);
	nr = 5;
	assert_int_equal(latency_parse_syscall("", &nr), -1);
	assert_int_equal(latency_parse_syscall("x 1 2", &nr), -1);
	assert_int_equal(latency_parse_syscall("12x 1", &nr), -1);
	assert_int_equal(latency_parse_syscall("-7 1", &nr), -1);
	assert_int_equal(nr, 5);
}

static void test_cgroup(void **state)
{
	char path[16] = "untouched";

	(void)state;
	assert_int_equal(latency_parse_cgroup("0::/a.slice/b\n", path, sizeof(path)), 0);
	assert_string_equal(path, "/a.slice/b");
	/* hybrid: v1 lines first, the v2 one last */
	assert_int_equal(latency_parse_cgroup("9:name=systemd:/\n4:memory:/x/y\n0::/\n",
					      path, sizeof(path)),
			 0);
	assert_string_equal(path, "/");
	/* cut to fit */
	assert_int_equal(
		latency_parse_cgroup("0::/0123456789abcdefghij\n", path, sizeof(path)),
		0);
	assert_string_equal(path, "/0123456789abcd");
	strcpy(path, "untouched");
	assert_int_equal(latency_parse_cgroup("4:memory:/x\n", path, sizeof(path)), -1);
	assert_int_equal(latency_parse_cgroup("", path, sizeof(path)), -1);
	assert_int_equal(latency_parse_cgroup("0::relative\n", path, sizeof(path)), -1);
	assert_string_equal(path, "untouched");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schedstat),
		cmocka_unit_test(test_syscall),
		cmocka_unit_test(test_cgroup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
