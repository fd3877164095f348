/* SPDX-License-Identifier: MIT */
/*
 * test_retention: which saved sessions the cap deletes (retention_select,
 * pure), which names count as ours, the VIGIL_RETAIN_* grammars, and the
 * directory walk on a temp directory (symlinks, strangers, side files).
 *
 * cmd/ is not in libvigil.a (the Makefile links unit tests against the
 * library rooms only), so the module is compiled into this test directly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cmd/retention.c"

#define MIB ((uint64_t)1 << 20)
#define DAY DAY_MS
#define NOW ((int64_t)1700000000000)
/* an entry with a writable path, as retention_prune builds them */
#define E(path, bytes, mtime, in_use)                                                    \
	{                                                                                \
		(char[]){path}, (bytes), (mtime), (in_use)                               \
	}

/* Runs retention_select and returns the doomed flags as a string of 0/1. */
static const char *verdict(struct retention_entry *v, size_t n, uint64_t max_bytes,
			   int64_t max_age_ms, const char *current, size_t *chosen)
{
	static char out[64];
	struct retention_caps caps = {max_bytes, max_age_ms};
	bool doomed[32];
	size_t count;

	assert_true(n < sizeof(doomed) / sizeof(doomed[0]));
	count = retention_select(v, n, NOW, &caps, current, doomed);
	for (size_t i = 0; i < n; i++)
		out[i] = doomed[i] ? '1' : '0';
	out[n] = '\0';
	if (chosen)
		*chosen = count;
	return out;
}

static void test_nothing_to_do(void **state)
{
	struct retention_entry v[] = {
		E("d/a.vigil", 10 * MIB, NOW - 1 * DAY, false),
		E("d/b.vigil", 10 * MIB, NOW - 2 * DAY, false),
	};
	size_t chosen = 99;

	(void)state;
	assert_string_equal(verdict(v, 2, 100 * MIB, 14 * DAY, "d/a.vigil", &chosen),
			    "00");
	assert_int_equal(chosen, 0);
	assert_int_equal(retention_select(NULL, 0, NOW, &(struct retention_caps){1, 1},
					  NULL, NULL),
			 0);
}

/* Oldest first until the rest fits; the newest stay. */
static void test_size_cap_oldest_first(void **state)
{
	struct retention_entry v[] = {
		E("d/new.vigil", 40 * MIB, NOW - 1 * DAY, false),
		E("d/old.vigil", 40 * MIB, NOW - 5 * DAY, false),
		E("d/mid.vigil", 40 * MIB, NOW - 3 * DAY, false),
		E("d/cur.vigil", 1 * MIB, NOW, false),
	};
	size_t chosen;

	(void)state;
	/* 121 MiB, cap 100: dropping the oldest (40) leaves 81 */
	assert_string_equal(verdict(v, 4, 100 * MIB, 0, "d/cur.vigil", &chosen), "0100");
	assert_int_equal(chosen, 1);
	/* cap 50: old and mid go, 41 left */
	assert_string_equal(verdict(v, 4, 50 * MIB, 0, "d/cur.vigil", &chosen), "0110");
	assert_int_equal(chosen, 2);
	/* exactly at the cap is within it */
	assert_string_equal(verdict(v, 4, 121 * MIB, 0, "d/cur.vigil", NULL), "0000");
	assert_string_equal(verdict(v, 4, 121 * MIB - 1, 0, "d/cur.vigil", NULL), "0100");
	/* cap 0: no size cap at all */
	assert_string_equal(verdict(v, 4, 0, 0, "d/cur.vigil", NULL), "0000");
}

static void test_age_cap(void **state)
{
	struct retention_entry v[] = {
		E("d/a.vigil", 1, NOW - 15 * DAY, false),
		E("d/b.vigil", 1, NOW - 14 * DAY, false), /* exactly at the cap: kept */
		E("d/c.vigil", 1, NOW - 14 * DAY - 1, false), /* 1 ms over */
		E("d/d.vigil", 1, NOW + 3 * DAY, false),      /* clock skew: the future */
		E("d/e.vigil", 1, 0, false),		      /* the epoch */
	};
	size_t chosen;

	(void)state;
	assert_string_equal(verdict(v, 5, 0, 14 * DAY, NULL, &chosen), "10101");
	assert_int_equal(chosen, 3);
	/* age 0: no age cap */
	assert_string_equal(verdict(v, 5, 0, 0, NULL, NULL), "00000");
}

/* Aged-out entries no longer count towards the size total. */
static void test_both_caps(void **state)
{
	struct retention_entry v[] = {
		E("d/ancient.vigil", 500 * MIB, NOW - 30 * DAY, false),
		E("d/old.vigil", 30 * MIB, NOW - 10 * DAY, false),
		E("d/young.vigil", 30 * MIB, NOW - 1 * DAY, false),
		E("d/cur.vigil", 1 * MIB, NOW, false),
	};
	size_t chosen;

	(void)state;
	assert_string_equal(verdict(v, 4, 100 * MIB, 14 * DAY, "d/cur.vigil", &chosen),
			    "1000");
	assert_int_equal(chosen, 1);
	assert_string_equal(verdict(v, 4, 40 * MIB, 14 * DAY, "d/cur.vigil", &chosen),
			    "1100");
	assert_int_equal(chosen, 2);
}

static void test_current_never_deleted(void **state)
{
	struct retention_entry v[] = {
		E("d/other.vigil", 1 * MIB, NOW - 1 * DAY, false),
		E("d/cur.vigil", 900 * MIB, NOW - 60 * DAY, false),
	};
	size_t chosen;

	(void)state;
	/* alone over the cap and over the age: the others go, it stays */
	assert_string_equal(verdict(v, 2, 100 * MIB, 14 * DAY, "d/cur.vigil", &chosen),
			    "10");
	assert_int_equal(chosen, 1);
	/* without a current, the same entry is fair game */
	assert_string_equal(verdict(v, 2, 100 * MIB, 0, NULL, NULL), "01");
	assert_string_equal(verdict(v, 2, 100 * MIB, 14 * DAY, NULL, NULL), "01");
}

static void test_in_use_is_kept_but_counted(void **state)
{
	struct retention_entry v[] = {
		E("d/running.vigil", 80 * MIB, NOW - 20 * DAY, true),
		E("d/old.vigil", 30 * MIB, NOW - 3 * DAY, false),
		E("d/young.vigil", 30 * MIB, NOW - 1 * DAY, false),
	};

	(void)state;
	assert_string_equal(verdict(v, 3, 100 * MIB, 14 * DAY, NULL, NULL), "011");
	assert_string_equal(verdict(v, 3, 120 * MIB, 14 * DAY, NULL, NULL), "010");
}

/* Equal times: the smaller name (the older stamp) goes first. */
static void test_ties_by_name(void **state)
{
	struct retention_entry v[] = {
		E("d/h-20240101-000002.vigil", 10, NOW - DAY, false),
		E("d/h-20240101-000001.vigil", 10, NOW - DAY, false),
		E("d/h-20240101-000001-1.vigil", 10, NOW - DAY, false),
		E("d/h-20240101-000003.vigil", 10, NOW - DAY, false),
		E("d/h-20240101-000001-10.vigil", 10, NOW - DAY, false),
		E("d/h-20240101-000001-2.vigil", 10, NOW - DAY, false),
	};

	(void)state;
	/* order: 000001, 000001-1, 000001-2, 000001-10, 000002, 000003 */
	assert_string_equal(verdict(v, 6, 55, 0, NULL, NULL), "010000");
	assert_string_equal(verdict(v, 6, 45, 0, NULL, NULL), "011000");
	assert_string_equal(verdict(v, 6, 35, 0, NULL, NULL), "011001");
	assert_string_equal(verdict(v, 6, 25, 0, NULL, NULL), "011011");
	assert_string_equal(verdict(v, 6, 15, 0, NULL, NULL), "111011");
	assert_string_equal(verdict(v, 6, 1, 0, NULL, NULL), "111111");
}

static void test_names(void **state)
{
	(void)state;
	assert_true(retention_name_is_session("web01-20240131-235959.vigil"));
	assert_true(retention_name_is_session("web-01-20240131-235959.vigil"));
	assert_true(retention_name_is_session("h-20240131-235959-1.vigil"));
	assert_true(retention_name_is_session("h-20240131-235959-99.vigil"));
	assert_false(retention_name_is_session("h-20240131-235959-100.vigil"));
	assert_false(retention_name_is_session("h-20240131-235959-0.vigil"));
	assert_false(retention_name_is_session("h-20240131-235959-.vigil"));
	assert_false(retention_name_is_session("-20240131-235959.vigil"));
	assert_false(retention_name_is_session("20240131-235959.vigil"));
	assert_false(retention_name_is_session("h-2024013-235959.vigil"));
	assert_false(retention_name_is_session("h-20240131-23595x.vigil"));
	assert_false(retention_name_is_session("h-20240131-235959.vigil-wal"));
	assert_false(retention_name_is_session("h-20240131-235959.vigil.log"));
	assert_false(retention_name_is_session("h-20240131-235959.db"));
	assert_false(retention_name_is_session("notes.vigil"));
	assert_false(retention_name_is_session(".vigil"));
	assert_false(retention_name_is_session(""));
}

static uint64_t size_ok(const char *s)
{
	char why[128] = "";
	uint64_t v = 12345;

	assert_int_equal(retention_parse_size(s, &v, why, sizeof(why)), 0);
	return v;
}

static void size_fails(const char *s)
{
	char why[128] = "";
	uint64_t v = 12345;

	assert_int_equal(retention_parse_size(s, &v, why, sizeof(why)), -1);
	assert_int_equal(v, 12345);
	assert_true(why[0] != '\0');
}

static void test_parse_size(void **state)
{
	(void)state;
	assert_int_equal(size_ok("0"), 0);
	assert_int_equal(size_ok("4096"), 4096);
	assert_int_equal(size_ok("4096B"), 4096);
	assert_int_equal(size_ok("2GiB"), 2ull << 30);
	assert_int_equal(size_ok("2G"), 2ull << 30);
	assert_int_equal(size_ok("2gb"), 2ull << 30);
	assert_int_equal(size_ok("500MiB"), 500ull << 20);
	assert_int_equal(size_ok("64k"), 64ull << 10);
	assert_int_equal(size_ok("1T"), 1ull << 40);
	assert_int_equal(size_ok("1.5G"), 3ull << 29);
	assert_int_equal(size_ok("0.5K"), 512);
	size_fails("");
	size_fails("G");
	size_fails("-1G");
	size_fails(" 1G");
	size_fails("1 G");
	size_fails("1.G");
	size_fails("1X");
	size_fails("1GiBs");
	size_fails("1iB");
	size_fails("0x10");
	size_fails("1P");
	size_fails("99999999T");
	size_fails("123456789012345678901234567890123");
}

static int64_t age_ok(const char *s)
{
	char why[128] = "";
	int64_t v = 12345;

	assert_int_equal(retention_parse_age(s, &v, why, sizeof(why)), 0);
	return v;
}

static void age_fails(const char *s)
{
	char why[128] = "";
	int64_t v = 12345;

	assert_int_equal(retention_parse_age(s, &v, why, sizeof(why)), -1);
	assert_int_equal(v, 12345);
	assert_true(why[0] != '\0');
}

static void test_parse_age(void **state)
{
	(void)state;
	assert_int_equal(age_ok("0"), 0);
	assert_int_equal(age_ok("14d"), 14 * DAY);
	assert_int_equal(age_ok("1d12h"), DAY + DAY / 2);
	assert_int_equal(age_ok("36h"), 36 * 3600 * 1000);
	assert_int_equal(age_ok("90m"), 90 * 60 * 1000);
	assert_int_equal(age_ok("400d"), 400 * DAY);
	age_fails("");
	age_fails("14");
	age_fails("0d");
	age_fails("d");
	age_fails("14x");
	age_fails("-1d");
	age_fails("1d1");
	age_fails("9999999d");
}

static void test_caps_from_env(void **state)
{
	struct retention_caps caps;
	char warn[512];

	(void)state;
	unsetenv("VIGIL_RETAIN_SIZE");
	unsetenv("VIGIL_RETAIN_AGE");
	retention_caps_from_env(&caps, warn, sizeof(warn));
	assert_string_equal(warn, "");
	assert_int_equal(caps.max_bytes, RETENTION_DEFAULT_BYTES);
	assert_int_equal(caps.max_age_ms, RETENTION_DEFAULT_AGE_MS);

	setenv("VIGIL_RETAIN_SIZE", "2GiB", 1);
	setenv("VIGIL_RETAIN_AGE", "0", 1);
	retention_caps_from_env(&caps, warn, sizeof(warn));
	assert_string_equal(warn, "");
	assert_int_equal(caps.max_bytes, 2ull << 30);
	assert_int_equal(caps.max_age_ms, 0);

	setenv("VIGIL_RETAIN_SIZE", "lots", 1);
	setenv("VIGIL_RETAIN_AGE", "forever", 1);
	retention_caps_from_env(&caps, warn, sizeof(warn));
	assert_int_equal(caps.max_bytes, RETENTION_DEFAULT_BYTES);
	assert_int_equal(caps.max_age_ms, RETENTION_DEFAULT_AGE_MS);
	assert_non_null(strstr(warn, "bad VIGIL_RETAIN_SIZE 'lots': "));
	assert_non_null(strstr(warn, "(using 1GiB)\nbad VIGIL_RETAIN_AGE 'forever': "));
	assert_null(strchr(strchr(warn, '\n') + 1, '\n'));
	unsetenv("VIGIL_RETAIN_SIZE");
	unsetenv("VIGIL_RETAIN_AGE");
}

/* ---- the directory walk ---- */

static char dir[64];

static void make_file(const char *name, size_t bytes, int64_t age_ms)
{
	char path[256];
	struct timespec ts[2];
	int64_t t = clock_wall_ms() - age_ms;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)bytes), 0);
	close(fd);
	ts[0].tv_sec = ts[1].tv_sec = t / 1000;
	ts[0].tv_nsec = ts[1].tv_nsec = (t % 1000) * 1000000;
	assert_int_equal(utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW), 0);
}

static bool exists(const char *name)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return lstat(path, &st) == 0;
}

static void test_prune_directory(void **state)
{
	struct retention_caps caps = {3 * MIB, 14 * DAY};
	char current[256], path[256], target[256];

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/vigil-retention-XXXXXX");
	assert_non_null(mkdtemp(dir));
	make_file("h-20240101-000000.vigil", 1000, 30 * DAY); /* aged out */
	make_file("h-20240101-000000.vigil-wal", 1000, 30 * DAY);
	make_file("h-20240101-000000.vigil.log", 1000, 30 * DAY);
	/* young but the oldest of them: the size cap takes it, side files too */
	make_file("h-20240102-000000.vigil", MIB, 3 * DAY);
	make_file("h-20240102-000000.vigil-wal", MIB / 2, 2 * DAY);
	make_file("h-20240103-000000.vigil", MIB, 2 * DAY);
	make_file("h-20240104-000000-1.vigil", MIB, 1 * DAY);
	make_file("h-20240105-000000.vigil", 1000, 0); /* current */
	/* not ours: other names, and a symlink to an old file elsewhere */
	make_file("notes.vigil", 10 * MIB, 60 * DAY);
	make_file("h-20240101-000000.vigil.bak", 10 * MIB, 60 * DAY);
	make_file("outside", 10 * MIB, 60 * DAY);
	snprintf(target, sizeof(target), "%s/outside", dir);
	snprintf(path, sizeof(path), "%s/h-20230101-000000.vigil", dir);
	assert_int_equal(symlink(target, path), 0);
	snprintf(current, sizeof(current), "%s/h-20240105-000000.vigil", dir);

	assert_int_equal(retention_prune(current, &caps), 2);
	assert_false(exists("h-20240101-000000.vigil"));
	assert_false(exists("h-20240101-000000.vigil-wal"));
	assert_false(exists("h-20240101-000000.vigil.log"));
	assert_false(exists("h-20240102-000000.vigil"));
	assert_false(exists("h-20240102-000000.vigil-wal"));
	assert_true(exists("h-20240103-000000.vigil"));
	assert_true(exists("h-20240104-000000-1.vigil"));
	assert_true(exists("h-20240105-000000.vigil"));
	assert_true(exists("notes.vigil"));
	assert_true(exists("h-20240101-000000.vigil.bak"));
	assert_true(exists("outside"));
	assert_true(exists("h-20230101-000000.vigil"));
	/* nothing more to do the second time */
	assert_int_equal(retention_prune(current, &caps), 0);

	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

/* A directory that cannot be read prunes nothing and does not fail. */
static void test_prune_missing_directory(void **state)
{
	struct retention_caps caps = {1, 1};

	(void)state;
	assert_int_equal(
		retention_prune("/nonexistent/dir/h-20240101-000000.vigil", &caps), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_to_do),
		cmocka_unit_test(test_size_cap_oldest_first),
		cmocka_unit_test(test_age_cap),
		cmocka_unit_test(test_both_caps),
		cmocka_unit_test(test_current_never_deleted),
		cmocka_unit_test(test_in_use_is_kept_but_counted),
		cmocka_unit_test(test_ties_by_name),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_parse_age),
		cmocka_unit_test(test_caps_from_env),
		cmocka_unit_test(test_prune_directory),
		cmocka_unit_test(test_prune_missing_directory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
