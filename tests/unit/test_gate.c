/* SPDX-License-Identifier: MIT */
/*
 * test_gate: --fail-if conditions (analysis/gate.c): what parses and to
 * what, what is refused and with which reason, names and globs, and when a
 * condition holds (its change and its significance both).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/gate.h"

static void parse_ok(const char *text, const char *name, enum gate_op op, double th,
		     bool rel)
{
	struct gate g;
	char why[256] = "";

	if (gate_parse(text, &g, why, sizeof(why)) < 0)
		fail_msg("'%s' refused: %s", text, why);
	assert_string_equal(g.name, name);
	assert_int_equal(g.op, op);
	assert_true(fabs(g.threshold - th) < 1e-12);
	assert_int_equal(g.relative, rel);
}

static void test_parse(void **state)
{
	(void)state;
	parse_ok("latency.api.request.p99 > +10%", "latency.api.request.p99", GATE_GT,
		 0.1, true);
	parse_ok("target.cpu>+20%", "target.cpu", GATE_GT, 0.2, true);
	parse_ok("  system.cpu.user > 5 ", "system.cpu.user", GATE_GT, 5, false);
	parse_ok("system.mem.available <= -10.5%", "system.mem.available", GATE_LE,
		 -0.105, true);
	parse_ok("x >= 0.25", "x", GATE_GE, 0.25, false);
	parse_ok("latency.*.p99 < -3", "latency.*.p99", GATE_LT, -3, false);
}

static void parse_bad(const char *text, const char *reason)
{
	struct gate g;
	char why[256] = "";

	if (gate_parse(text, &g, why, sizeof(why)) == 0)
		fail_msg("'%s' was taken", text);
	if (!strstr(why, reason))
		fail_msg("'%s': '%s' does not say '%s'", text, why, reason);
}

static void test_parse_errors(void **state)
{
	(void)state;
	parse_bad("", "expected a figure's name");
	parse_bad("> 5", "expected a figure's name");
	parse_bad("target.cpu", "expected one of > >= < <= after 'target.cpu'");
	parse_bad("target.cpu = 5", "expected one of");
	parse_bad("target.cpu =>5", "expected one of");
	parse_bad("target.cpu >", "expected a change after '>'");
	parse_bad("target.cpu > abc", "bad change 'abc'");
	parse_bad("target.cpu > 10%%", "bad change");
	parse_bad("target.cpu > 10 %", "bad change");
	parse_bad("target.cpu > inf", "bad change");
	parse_bad("target.cpu > 0x10", "bad change");
	parse_bad("target.cpu > 5 6", "bad change");
}

static void test_matches(void **state)
{
	struct gate g;
	char why[64];

	(void)state;
	assert_int_equal(gate_parse("latency.*.p99 > 1", &g, why, sizeof(why)), 0);
	assert_true(gate_matches(&g, "latency.api.request.p99"));
	assert_false(gate_matches(&g, "latency.api.request.p999"));
	assert_int_equal(gate_parse("target.cpu > 1", &g, why, sizeof(why)), 0);
	assert_true(gate_matches(&g, "target.cpu"));
	assert_false(gate_matches(&g, "target.cpu.user"));
}

static void test_holds(void **state)
{
	struct cmp_change c = {.before = 100,
			       .after = 125,
			       .abs_change = 25,
			       .rel_change = 0.25,
			       .significant = true};
	struct gate g;
	char why[64];

	(void)state;
	gate_parse("x > +20%", &g, why, sizeof(why));
	assert_true(gate_holds(&g, &c));
	gate_parse("x > +30%", &g, why, sizeof(why));
	assert_false(gate_holds(&g, &c));
	gate_parse("x > 24", &g, why, sizeof(why)); /* absolute */
	assert_true(gate_holds(&g, &c));
	gate_parse("x >= 25", &g, why, sizeof(why));
	assert_true(gate_holds(&g, &c));
	gate_parse("x < -10%", &g, why, sizeof(why));
	assert_false(gate_holds(&g, &c));
	/* the same change, not significant: never holds */
	c.significant = false;
	gate_parse("x > +20%", &g, why, sizeof(why));
	assert_false(gate_holds(&g, &c));
	/* a fall */
	c = (struct cmp_change){
		.abs_change = -40, .rel_change = -0.4, .significant = true};
	gate_parse("x < -10%", &g, why, sizeof(why));
	assert_true(gate_holds(&g, &c));
	gate_parse("x <= -40", &g, why, sizeof(why));
	assert_true(gate_holds(&g, &c));
	/* from 0: an infinite rise holds any relative rise */
	c = (struct cmp_change){
		.abs_change = 3, .rel_change = INFINITY, .significant = true};
	gate_parse("x > +1000%", &g, why, sizeof(why));
	assert_true(gate_holds(&g, &c));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_matches),
		cmocka_unit_test(test_holds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
