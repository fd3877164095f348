/* SPDX-License-Identifier: MIT */
/* test_units: exact human-readable forms of sizes, CPU times and spans. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/units.h"

static void test_bytes(void **state)
{
	char b[32];

	(void)state;
	assert_string_equal(units_bytes(0, b, sizeof(b)), "0 B");
	assert_string_equal(units_bytes(1023, b, sizeof(b)), "1023 B");
	assert_string_equal(units_bytes(1536, b, sizeof(b)), "1.5 KiB");
	assert_string_equal(units_bytes(25276510208.0, b, sizeof(b)), "23.5 GiB");
	assert_string_equal(units_bytes_short(512, b, sizeof(b)), "512");
	assert_string_equal(units_bytes_short(1536, b, sizeof(b)), "1.5K");
	assert_string_equal(units_bytes_short(64.0 * 1048576, b, sizeof(b)), "64M");
	assert_string_equal(units_bytes_short(1023.0 * 1048576, b, sizeof(b)), "1023M");
	assert_string_equal(units_bytes_short(25276510208.0, b, sizeof(b)), "24G");
}

static void test_cpu_time(void **state)
{
	char b[32];

	(void)state;
	assert_string_equal(units_cpu_time(0, 100, b, sizeof(b)), "0:00.00");
	assert_string_equal(units_cpu_time(6150, 100, b, sizeof(b)), "1:01.50");
	assert_string_equal(units_cpu_time(360000, 100, b, sizeof(b)), "01:00:00");
	assert_string_equal(units_cpu_time(100ull * 360000, 100, b, sizeof(b)), "100h");
	assert_string_equal(units_cpu_time(5, 0, b, sizeof(b)), "0:00.00");
}

static void test_latency(void **state)
{
	char b[32];

	(void)state;
	assert_string_equal(units_latency(0, b, sizeof(b)), "0ns");
	assert_string_equal(units_latency(0.0005, b, sizeof(b)), "500ns");
	assert_string_equal(units_latency(0.001, b, sizeof(b)), "1.000us");
	assert_string_equal(units_latency(0.0014, b, sizeof(b)), "1.400us");
	assert_string_equal(units_latency(0.0154, b, sizeof(b)), "15.40us");
	assert_string_equal(units_latency(0.9999, b, sizeof(b)), "999.9us");
	assert_string_equal(units_latency(0.99996, b, sizeof(b)), "1.000ms");
	assert_string_equal(units_latency(12.3456, b, sizeof(b)), "12.35ms");
	assert_string_equal(units_latency(500, b, sizeof(b)), "500.0ms");
	assert_string_equal(units_latency(1234.567, b, sizeof(b)), "1.235s");
	assert_string_equal(units_latency(59 * 60000.0, b, sizeof(b)), "59.00min");
	assert_string_equal(units_latency(3600000, b, sizeof(b)), "60.00min");
	assert_string_equal(units_latency(-1, b, sizeof(b)), "-");
	assert_string_equal(units_latency(NAN, b, sizeof(b)), "-");
}

static void test_span(void **state)
{
	char b[32];

	(void)state;
	assert_string_equal(units_span(45000, b, sizeof(b)), "45s");
	assert_string_equal(units_span(723000, b, sizeof(b)), "12m3s");
	assert_string_equal(units_span(18120000, b, sizeof(b)), "5h2m");
	assert_string_equal(units_span(273600000, b, sizeof(b)), "3d4h");
	assert_string_equal(units_span(-5, b, sizeof(b)), "0s");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_cpu_time),
		cmocka_unit_test(test_span),
		cmocka_unit_test(test_latency),
	};

	return cmocka_run_group_tests_name("units", tests, NULL, NULL);
}
