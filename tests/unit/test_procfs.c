/* SPDX-License-Identifier: MIT */
/* test_procfs: the shared readers and number/field parsers, hostile input included. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/procfs.h"

static void test_next_u64(void **state)
{
	const char *p = "  12 345\t18446744073709551615 x";
	uint64_t v;
	int64_t s;

	(void)state;
	assert_int_equal(procfs_next_u64(&p, &v), 0);
	assert_int_equal(v, 12);
	assert_int_equal(procfs_next_u64(&p, &v), 0);
	assert_int_equal(v, 345);
	assert_int_equal(procfs_next_u64(&p, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(procfs_next_u64(&p, &v), -1);
	assert_string_equal(p, "x"); /* not advanced past a failure */
	p = "18446744073709551616";
	assert_int_equal(procfs_next_u64(&p, &v), -1);
	p = "-42 7";
	assert_int_equal(procfs_next_i64(&p, &s), 0);
	assert_int_equal(s, -42);
	p = "-";
	assert_int_equal(procfs_next_i64(&p, &s), -1);
	p = "- 5";
	assert_int_equal(procfs_next_i64(&p, &s), -1);
	p = "";
	assert_int_equal(procfs_next_u64(&p, &v), -1);
}

static void test_kv(void **state)
{
	const char *text = "MemTotal:       16384 kB\nMemFreeish: 1\nMemFree: 2048 kB\n"
			   "Threads:\t7\nBad: x kB\nHuge: 18446744073709551615 kB\n";
	uint64_t v;

	(void)state;
	assert_int_equal(procfs_kv_u64(text, "MemTotal", &v), 0);
	assert_int_equal(v, 16384ull * 1024);
	assert_int_equal(procfs_kv_u64(text, "MemFree", &v), 0); /* not MemFreeish */
	assert_int_equal(v, 2048ull * 1024);
	assert_int_equal(procfs_kv_u64(text, "Threads", &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(procfs_kv_u64(text, "Bad", &v), -1);
	assert_int_equal(procfs_kv_u64(text, "Huge", &v), -1); /* overflow when scaled */
	assert_int_equal(procfs_kv_u64(text, "Missing", &v), -1);
	assert_int_equal(procfs_kv_u64(text, "Mem", &v), -1);
	assert_int_equal(procfs_kv_u64("", "MemTotal", &v), -1);
}

static void test_stat_split(void **state)
{
	char comm[16];
	const char *rest;

	(void)state;
	rest = procfs_stat_split("42 (a) b) c) S 1 2", comm, sizeof(comm));
	assert_non_null(rest);
	assert_string_equal(comm, "a) b) c");
	assert_string_equal(rest, "S 1 2");
	rest = procfs_stat_split("1 (a very long command name here) R 0", comm,
				 sizeof(comm));
	assert_non_null(rest);
	assert_string_equal(comm, "a very long com"); /* truncated to the buffer */
	assert_null(procfs_stat_split("1 no parens S", comm, sizeof(comm)));
	assert_null(procfs_stat_split("1 )x( S", comm, sizeof(comm)));
	assert_null(procfs_stat_split("1 (cut", comm, sizeof(comm)));
	assert_null(procfs_stat_split("1 (x)", comm, sizeof(comm))); /* nothing after */
}

static void test_read(void **state)
{
	char dir[] = "/tmp/vigil-procfs-XXXXXX", path[64], buf[8];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("0123456789", f);
	fclose(f);
	assert_int_equal(procfs_read(dir, "f", buf, sizeof(buf)), 7); /* truncated */
	assert_string_equal(buf, "0123456");
	assert_int_equal(procfs_read(dir, "missing", buf, sizeof(buf)), -ENOENT);
	assert_string_equal(buf, "");
	assert_int_equal(procfs_read(dir, ".", buf, sizeof(buf)), -EISDIR);
	assert_true(procfs_read("/proc", "self/stat", buf, sizeof(buf)) > 0);
	unlink(path);
	rmdir(dir);
	assert_true(procfs_boot_ms("/proc") > 1000000000000LL);
	assert_int_equal(procfs_boot_ms("/nonexistent"), 0);
	assert_true(procfs_clk_tck() > 0);
	assert_true(procfs_page_size() >= 4096);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_next_u64),
		cmocka_unit_test(test_kv),
		cmocka_unit_test(test_stat_split),
		cmocka_unit_test(test_read),
	};

	return cmocka_run_group_tests_name("procfs", tests, NULL, NULL);
}
