/* SPDX-License-Identifier: MIT */
/* test_json: escaping always yields valid JSON; numbers and null. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/json.h"

static char *capture_string(const char *s)
{
	static char buf[256];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	json_string(f, s);
	fclose(f);
	return buf;
}

static char *capture_number(double v, int decimals)
{
	static char buf[64];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	json_number(f, v, decimals);
	fclose(f);
	return buf;
}

static void test_strings(void **state)
{
	(void)state;
	assert_string_equal(capture_string("plain"), "\"plain\"");
	assert_string_equal(capture_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
	assert_string_equal(capture_string("tab\there\nnl"), "\"tab\\there\\nnl\"");
	assert_string_equal(capture_string("\x01\x1f"), "\"\\u0001\\u001f\"");
	assert_string_equal(capture_string("h\xc3\xa9llo \xe2\x9c\x93"),
			    "\"h\xc3\xa9llo \xe2\x9c\x93\"");
	/* invalid UTF-8: a lone continuation byte, a truncated sequence, an overlong */
	assert_string_equal(capture_string("a\x80z"), "\"a\\ufffdz\"");
	assert_string_equal(capture_string("a\xe2\x9c"), "\"a\\ufffd\\ufffd\"");
	assert_string_equal(capture_string("\xc0\xaf"), "\"\\ufffd\\ufffd\"");
	assert_string_equal(capture_string("\xe0\x80\xaf"), "\"\\ufffd\\ufffd\\ufffd\"");
	assert_string_equal(capture_string("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
	/* DEL and C1 are valid JSON raw but drive a terminal: escaped, same value */
	assert_string_equal(capture_string("\x7f\xc2\x9b\xc2\x80\xc2\xa0"),
			    "\"\\u007f\\u009b\\u0080\xc2\xa0\"");
	assert_string_equal(capture_string("\x1b]0;x\x07"), "\"\\u001b]0;x\\u0007\"");
	assert_string_equal(capture_string(""), "\"\"");
}

static void test_numbers(void **state)
{
	(void)state;
	assert_string_equal(capture_number(42, 2), "42");
	assert_string_equal(capture_number(-3, 2), "-3");
	assert_string_equal(capture_number(99.456, 2), "99.46");
	assert_string_equal(capture_number(NAN, 2), "null");
	assert_string_equal(capture_number(INFINITY, 2), "null");
	assert_string_equal(capture_number(1e12, 0), "1000000000000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_numbers),
	};

	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
