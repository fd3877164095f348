/* SPDX-License-Identifier: MIT */
/*
 * test_exposition: the format writer under /metrics: name and label
 * sanitising (fixed cases and random bytes), numbers, families refused when
 * a name is taken, state sets in both formats, and that the checkers the
 * /metrics tests rely on (promcheck.h) refuse broken bodies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/exposition.h"
#include "core/xalloc.h"
#include "tempdir.h"
#include "promcheck.h"

/* ---- names ---- */

static bool valid_name(const char *s)
{
	if (!*s || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

static void test_sanitize(void **state)
{
	char out[64];

	(void)state;
	expo_sanitize_name("api.request-time", out, sizeof(out));
	assert_string_equal(out, "api_request_time");
	expo_sanitize_name("9lives", out, sizeof(out));
	assert_string_equal(out, "_9lives");
	expo_sanitize_name("", out, sizeof(out));
	assert_string_equal(out, "_");
	expo_sanitize_name("caf\xc3\xa9:x", out, sizeof(out));
	assert_string_equal(out, "caf__x"); /* one '_' for the two-byte é */
	expo_sanitize_name("abcdefgh", out, 5);
	assert_string_equal(out, "abcd");
	expo_sanitize_label("__name__", out, sizeof(out));
	assert_string_equal(out, "tag___name__");
	expo_sanitize_label("le", out, sizeof(out));
	assert_string_equal(out, "tag_le");
	expo_sanitize_label("env", out, sizeof(out));
	assert_string_equal(out, "env");
}

/* Random bytes (fixed seed) always give a valid name and label name. */
static void test_sanitize_fuzz(void **state)
{
	uint64_t rng = 0x9e3779b97f4a7c15ull;

	(void)state;
	for (int i = 0; i < 20000; i++) {
		char in[40], out[32], label[32];
		size_t n;

		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		n = rng % sizeof(in);
		for (size_t k = 0; k < n; k++) {
			rng ^= rng << 13;
			rng ^= rng >> 7;
			rng ^= rng << 17;
			in[k] = (char)(1 + rng % 255);
		}
		in[n] = '\0';
		assert_true(expo_sanitize_name(in, out, sizeof(out)) < sizeof(out));
		assert_true(valid_name(out));
		expo_sanitize_label(in, label, sizeof(label));
		assert_true(valid_name(label));
		assert_true(strncmp(label, "__", 2) && strcmp(label, "le"));
	}
}

static void test_values(void **state)
{
	char out[40];

	(void)state;
	expo_format_value(0.1, out, sizeof(out));
	assert_string_equal(out, "0.1");
	expo_format_value(1.0 / 3, out, sizeof(out));
	assert_true(strtod(out, NULL) == 1.0 / 3);
	expo_format_value(18446744073709551615.0, out, sizeof(out));
	assert_true(strtod(out, NULL) == 18446744073709551615.0);
	expo_format_value(-2, out, sizeof(out));
	assert_string_equal(out, "-2");
	expo_format_value(1.0 / 0.0, out, sizeof(out));
	assert_string_equal(out, "+Inf");
	expo_format_value(0.0 / 0.0, out, sizeof(out));
	assert_string_equal(out, "NaN");
}

/* One StatsD tick of single metrics named names[i] of kinds kinds[i]. */

/* The checks above are not blind: each refuses a broken body. */
static void test_checks_refuse(void **state)
{
	char out[4096];
	int rc;

	(void)state;
	if (!have_promtool())
		skip();
	rc = run(
		"printf '# TYPE x counter\\nx{a=\"b} 1\\n' | promtool check metrics 2>&1",
		out, sizeof(out));
	assert_int_equal(rc, 1);
	rc = run("d=$(mktemp -d /tmp/vigil-om-XXXXXX) && printf '# TYPE x gauge\\nx 1 "
		 "1\\n' > "
		 "$d/m && promtool tsdb create-blocks-from openmetrics $d/m $d/b 2>&1; "
		 "s=$?; rm -rf \"$d\"; exit $s",
		 out, sizeof(out));
	assert_int_not_equal(rc, 0); /* no # EOF */
}

/* A family is written once: a second one, or one whose sample names a
 * family took (x_total of counter x), is refused with nothing written. */
static void test_family_once(void **state)
{
	struct expo e;
	size_t len, before;
	char *body;

	(void)state;
	expo_init(&e, false);
	assert_true(expo_family(&e, "x", EXPO_COUNTER, "", "An x."));
	expo_sample(&e, "", NULL, 0, 1);
	before = e.len;
	assert_false(expo_family(&e, "x", EXPO_GAUGE, "", "Again."));
	assert_false(expo_family(&e, "x_total", EXPO_GAUGE, "", "Its sample."));
	assert_false(expo_family(&e, "x_created", EXPO_GAUGE, "", "Its sample."));
	assert_int_equal(e.len, before);
	assert_true(expo_family(&e, "h_seconds", EXPO_HISTOGRAM, "seconds", "An h."));
	assert_false(expo_family(&e, "h_seconds_count", EXPO_GAUGE, "", "Its sample."));
	assert_true(
		expo_family(&e, "h", EXPO_HISTOGRAM, "", "Another: h_bucket is free."));
	assert_false(expo_family(&e, "h_bucket", EXPO_COUNTER, "", "Now it is not."));
	body = expo_finish(&e, &len);
	assert_string_equal(body, "# HELP x_total An x.\n"
				  "# TYPE x_total counter\n"
				  "x_total 1\n"
				  "# HELP h_seconds An h.\n"
				  "# TYPE h_seconds histogram\n"
				  "# HELP h Another: h_bucket is free.\n"
				  "# TYPE h histogram\n");
	free(body);
}

/* A state set: OpenMetrics' own type, a gauge per state in the text
 * format; help and label values escaped per format. */
static void test_stateset_and_escapes(void **state)
{
	static const char *const st[] = {"ok", "bad"};
	struct expo_label l = {"who", "a\\b\"c\nd\xff"};
	struct expo e;
	size_t len;
	char *body;

	(void)state;
	expo_init(&e, true);
	assert_true(expo_family(&e, "s", EXPO_STATESET, "", "Say \"hi\"\\\n."));
	expo_stateset(&e, &l, 1, st, 2, 1);
	body = expo_finish(&e, &len);
	assert_string_equal(body, "# HELP s Say \\\"hi\\\"\\\\\\n.\n"
				  "# TYPE s stateset\n"
				  "s{who=\"a\\\\b\\\"c\\nd\xef\xbf\xbd\",s=\"ok\"} 0\n"
				  "s{who=\"a\\\\b\\\"c\\nd\xef\xbf\xbd\",s=\"bad\"} 1\n"
				  "# EOF\n");
	assert_int_equal(len, strlen(body));
	free(body);
	expo_init(&e, false);
	assert_true(expo_family(&e, "s", EXPO_STATESET, "", "Say \"hi\"."));
	expo_stateset(&e, NULL, 0, st, 2, 0);
	body = expo_finish(&e, &len);
	assert_string_equal(body, "# HELP s Say \"hi\".\n"
				  "# TYPE s gauge\n"
				  "s{s=\"ok\"} 1\n"
				  "s{s=\"bad\"} 0\n");
	free(body);
}

/* An info family: "_info" on its sample, a gauge in the text format. */
static void test_info(void **state)
{
	struct expo_label l = {"version", "1.2"};
	struct expo e;
	size_t len;
	char *body;

	(void)state;
	for (int om = 0; om < 2; om++) {
		expo_init(&e, om);
		assert_true(expo_family(&e, "b", EXPO_INFO, "", "Build."));
		expo_sample(&e, "", &l, 1, 1);
		assert_false(expo_family(&e, "b_info", EXPO_GAUGE, "", "Taken."));
		body = expo_finish(&e, &len);
		assert_string_equal(body,
				    om ? "# HELP b Build.\n# TYPE b info\n"
					 "b_info{version=\"1.2\"} 1\n# EOF\n"
				       : "# HELP b_info Build.\n# TYPE b_info gauge\n"
					 "b_info{version=\"1.2\"} 1\n");
		free(body);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_sanitize_fuzz),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_family_once),
		cmocka_unit_test(test_stateset_and_escapes),
		cmocka_unit_test(test_info),
		cmocka_unit_test(test_checks_refuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
