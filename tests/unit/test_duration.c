/* SPDX-License-Identifier: MIT */
/* test_duration: the command line's duration grammar, both directions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/duration.h"

static int64_t parse_ok(const char *s)
{
	char why[128] = "";
	int64_t ms = -1;

	assert_int_equal(duration_parse(s, &ms, why, sizeof(why)), 0);
	return ms;
}

static const char *parse_fails(const char *s)
{
	static char why[128];
	int64_t ms = 12345;

	why[0] = '\0';
	assert_int_equal(duration_parse(s, &ms, why, sizeof(why)), -1);
	assert_int_equal(ms, 12345); /* untouched on failure */
	assert_true(why[0] != '\0');
	return why;
}

static void test_units(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("250ms"), 250);
	assert_int_equal(parse_ok("5s"), 5000);
	assert_int_equal(parse_ok("2m"), 120000);
	assert_int_equal(parse_ok("1h"), 3600000);
	assert_int_equal(parse_ok("1m30s"), 90000);
	assert_int_equal(parse_ok("1h2m3s4ms"), 3723004);
	assert_int_equal(parse_ok("1.5s"), 1500);
	assert_int_equal(parse_ok("0.25s"), 250);
	assert_int_equal(parse_ok("3"), 3000); /* bare number: seconds, as top -d */
	assert_int_equal(parse_ok("0.1"), 100);
}

static void test_rejects(void **state)
{
	(void)state;
	assert_non_null(strstr(parse_fails(""), "empty"));
	assert_non_null(strstr(parse_fails("5parsecs"), "unknown unit 'parsecs'"));
	assert_non_null(strstr(parse_fails("0s"), "greater than zero"));
	assert_non_null(strstr(parse_fails("0"), "greater than zero"));
	parse_fails("-5s");
	parse_fails("s");
	parse_fails("5s ");
	parse_fails(" 5s");
	parse_fails("1.s");
	parse_fails("1m30"); /* a unit is required after the first group */
	assert_non_null(strstr(parse_fails("99999999999999999999h"), "too long"));
	assert_non_null(strstr(parse_fails("9000h"), "too long"));
	parse_fails("0.0001s"); /* rounds to zero ms */
}

static void test_format(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(duration_format(250, buf, sizeof(buf)), "250ms");
	assert_string_equal(duration_format(1000, buf, sizeof(buf)), "1s");
	assert_string_equal(duration_format(90000, buf, sizeof(buf)), "1m30s");
	assert_string_equal(duration_format(3600000, buf, sizeof(buf)), "1h");
	assert_string_equal(duration_format(1500, buf, sizeof(buf)), "1500ms");
	/* every formatted value parses back to itself */
	for (int64_t ms = 1; ms < 5000000; ms = ms * 3 + 7) {
		char why[64];
		int64_t back;

		duration_format(ms, buf, sizeof(buf));
		assert_int_equal(duration_parse(buf, &back, why, sizeof(why)), 0);
		assert_int_equal(back, ms);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests_name("duration", tests, NULL, NULL);
}
