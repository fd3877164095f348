/* SPDX-License-Identifier: MIT */
/*
 * test_rules: the alert rule language. Every example of the issue parses to
 * the struct it means, units scale to bytes/ms/percent, every kind of bad line
 * is rejected with file:line:column and what was expected while the good
 * lines around it load, and the shipped assets/alerts.conf loads clean.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/alert_metrics.h"
#include "analysis/rules.h"
#include "core/xalloc.h"

#define GIB (1024.0 * 1024 * 1024)

static struct rule_set set;

static int setup(void **state)
{
	(void)state;
	rule_set_init(&set);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rule_set_release(&set);
	return 0;
}

/* Parses one good line with the real metric validator; the rule is set.rules[0]. */
static const struct rule *one(const char *line)
{
	rule_set_release(&set);
	if (rules_parse(&set, line, "t.conf", alert_metrics_name_valid) != 0)
		fail_msg("'%s' rejected: %s", line, set.errors[0]);
	assert_int_equal(set.n, 1);
	return &set.rules[0];
}

/* Parses one bad line; returns its message (valid until the next call). */
static const char *bad(const char *line)
{
	rule_set_release(&set);
	assert_int_equal(rules_parse(&set, line, "t.conf", alert_metrics_name_valid), 1);
	assert_int_equal(set.n, 0);
	assert_int_equal(set.nerrors, 1);
	return set.errors[0];
}

static void test_issue_examples(void **state)
{
	const struct rule *r;

	(void)state;
	r = one("cpu.total > 90% for 30s severity=warning");
	assert_string_equal(r->metric, "cpu.total");
	assert_int_equal(r->op, RULE_GT);
	assert_int_equal(r->unit, RULE_UNIT_PERCENT);
	assert_true(r->threshold == 90);
	assert_true(r->clear == 90);
	assert_int_equal(r->for_ms, 30000);
	assert_int_equal(r->severity, RULE_WARNING);
	assert_null(r->word);
	assert_int_equal(r->nactions, 0);
	assert_string_equal(r->name, "cpu.total > 90% for 30s severity=warning");
	assert_string_equal(r->text, r->name);

	r = one("target.rss > 2GiB severity=critical");
	assert_int_equal(r->unit, RULE_UNIT_BYTES);
	assert_true(r->threshold == 2 * GIB);
	assert_int_equal(r->for_ms, 0);
	assert_int_equal(r->severity, RULE_CRITICAL);

	r = one("target.cpu > 150% for 10s cooldown=5m action=profile:10s");
	assert_true(r->threshold == 150);
	assert_int_equal(r->for_ms, 10000);
	assert_int_equal(r->cooldown_ms, 300000);
	assert_int_equal(r->nactions, 1);
	assert_int_equal(r->actions[0].kind, RULE_ACTION_PROFILE);
	assert_int_equal(r->actions[0].duration_ms, 10000);
	assert_null(r->actions[0].path);

	r = one("latency.timer.api.request.p99 > 250ms for 1m");
	assert_string_equal(r->metric, "latency.timer.api.request.p99");
	assert_int_equal(r->unit, RULE_UNIT_MS);
	assert_true(r->threshold == 250);
	assert_int_equal(r->for_ms, 60000);

	r = one("memory.verdict == leak-suspect severity=warning");
	assert_int_equal(r->op, RULE_EQ);
	assert_int_equal(r->unit, RULE_UNIT_WORD);
	assert_string_equal(r->word, "leak-suspect");

	r = one("psi.memory.some.avg10 > 20 for 1m");
	assert_int_equal(r->unit, RULE_UNIT_PERCENT);
	assert_true(r->threshold == 20);
}

static void test_units(void **state)
{
	static const struct {
		const char *line;
		double want;
	} cases[] = {
		{"target.rss > 512B", 512},
		{"target.rss > 4KiB", 4096},
		{"target.rss > 1.5MiB", 1.5 * 1024 * 1024},
		{"target.rss > 2 GiB", 2 * GIB},
		{"target.rss > 1TiB", 1024 * GIB},
		{"target.rss > 4KB", 4000},
		{"target.rss > 512MB", 512e6},
		{"target.rss > 2GB", 2e9},
		{"target.rss > 123456", 123456},
		{"latency.timer.db.p50 > 500us", 0.5},
		{"latency.timer.db.p50 > 500\xc2\xb5s", 0.5},
		{"latency.timer.db.p50 > 250\xce\xbcs", 0.25},
		{"latency.timer.db.p50 > 1.5s", 1500},
		{"latency.timer.db.p50 > 2m", 120000},
		{"latency.timer.db.p50 > 1h", 3600000},
		{"latency.timer.db.p50 > 40", 40},
		{"cpu.total > 85.5%", 85.5},
		{"cpu.total > 85", 85},
		{"load.1 >= 16", 16},
		{"latency.timer.db.count > 1000", 1000},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct rule *r = one(cases[i].line);

		if (fabs(r->threshold - cases[i].want) > 1e-9)
			fail_msg("%s: got %f, want %f", cases[i].line, r->threshold,
				 cases[i].want);
	}
}

static void test_operators(void **state)
{
	static const char *const lines[] = {"load.1 > 1",  "load.1 >= 1", "load.1 < 1",
					    "load.1 <= 1", "load.1 == 1", "load.1 != 1"};

	(void)state;
	for (int op = 0; op < 6; op++) {
		const char *name = rule_op_name((enum rule_op)op);

		assert_int_equal(one(lines[op])->op, op);
		assert_int_equal(strncmp(name, lines[op] + 7, strlen(name)), 0);
		assert_int_equal(lines[op][7 + strlen(name)], ' ');
	}
	/* no blanks needed around the operator */
	assert_int_equal(one("load.1>=1")->op, RULE_GE);
	assert_true(one("cpu.total>90%")->threshold == 90);

	assert_true(rule_compare(RULE_GT, 2, 1));
	assert_false(rule_compare(RULE_GT, 1, 1));
	assert_true(rule_compare(RULE_GE, 1, 1));
	assert_true(rule_compare(RULE_LT, 0, 1));
	assert_true(rule_compare(RULE_LE, 1, 1));
	assert_true(rule_compare(RULE_EQ, 1, 1));
	assert_true(rule_compare(RULE_NE, 2, 1));
	assert_false(rule_compare(RULE_NE, NAN, 1));
	assert_false(rule_compare(RULE_LT, NAN, 1));
}

static void test_options(void **state)
{
	const struct rule *r;

	(void)state;
	r = one("cpu.total > 90% clear=80% name=\"CPU busy # really\" severity=info "
		"cooldown=1m30s for=45s");
	assert_true(r->clear == 80);
	assert_string_equal(r->name, "CPU busy # really");
	assert_int_equal(r->severity, RULE_INFO);
	assert_int_equal(r->cooldown_ms, 90000);
	assert_int_equal(r->for_ms, 45000);

	r = one("mem.available < 256MiB clear=512MiB name=low-mem");
	assert_int_equal(r->op, RULE_LT);
	assert_true(r->threshold == 256.0 * 1024 * 1024);
	assert_true(r->clear == 512.0 * 1024 * 1024);
	assert_string_equal(r->name, "low-mem");

	r = one("target.rss > 1GiB action=exec:/usr/local/bin/page,--team,ops "
		"action=log:/var/log/a.jsonl action=\"exec:/opt/x y/notify\" "
		"action=profile:30s");
	assert_int_equal(r->nactions, 4);
	assert_int_equal(r->actions[0].kind, RULE_ACTION_EXEC);
	assert_string_equal(r->actions[0].path, "/usr/local/bin/page");
	assert_string_equal(r->actions[0].argv[0], "/usr/local/bin/page");
	assert_string_equal(r->actions[0].argv[1], "--team");
	assert_string_equal(r->actions[0].argv[2], "ops");
	assert_null(r->actions[0].argv[3]);
	assert_int_equal(r->actions[1].kind, RULE_ACTION_LOG);
	assert_string_equal(r->actions[1].path, "/var/log/a.jsonl");
	assert_null(r->actions[1].argv);
	assert_string_equal(r->actions[2].argv[0], "/opt/x y/notify");
	assert_null(r->actions[2].argv[1]);
	assert_int_equal(r->actions[3].kind, RULE_ACTION_PROFILE);
	assert_int_equal(r->actions[3].duration_ms, 30000);

	/* a trailing comment is not part of the text; the name defaults to it */
	r = one("  load.5 > 8   # busy box\r");
	assert_string_equal(r->text, "load.5 > 8");
	assert_string_equal(r->name, "load.5 > 8");

	r = one("memory.verdict != steady");
	assert_int_equal(r->op, RULE_NE);
	assert_string_equal(r->word, "steady");
}

static void test_errors(void **state)
{
	static const struct {
		const char *line, *want;
	} cases[] = {
		{"cpu.totl > 90%",
		 "t.conf:1:1: expected a metric name such as cpu.total, mem.available, "
		 "target.rss, got 'cpu.totl' (unknown metric)"},
		{"cpu.total >> 90%",
		 "t.conf:1:11: expected an operator (> >= < <= == !=), got '>>'"},
		{"cpu.total = 90%",
		 "t.conf:1:11: expected an operator (> >= < <= == !=), got '='"},
		{"cpu.total",
		 "t.conf:1:10: expected an operator (> >= < <= == !=), got end of "
		 "line"},
		{"cpu.total >",
		 "t.conf:1:12: expected a percentage such as 90%, got end of line"},
		{"cpu.total > 2GiB",
		 "t.conf:1:13: expected a percentage such as 90%, got '2GiB'"},
		{"target.rss > 90%",
		 "t.conf:1:14: expected a size such as 512MiB or 2GB (B, "
		 "KiB..TiB, KB..TB), got '90%'"},
		{"target.rss > 2Gib", "t.conf:1:15: expected a size such as 512MiB or "
				      "2GB (B, KiB..TiB, KB..TB), "
				      "got 'Gib'"},
		{"load.1 > 2%", "t.conf:1:10: expected a plain number, got '2%'"},
		{"load.1 > lots", "t.conf:1:10: expected a plain number, got 'lots'"},
		{"memory.verdict == 3",
		 "t.conf:1:19: expected a word such as leak-suspect, got '3'"},
		{"memory.verdict > leak-suspect", "t.conf:1:16: expected == or != before "
						  "a word, got '>' (a word compares with "
						  "== or != only)"},
		{"cpu.total > 90% fro 30s", "t.conf:1:17: expected 'for' or an option "
					    "(name= clear= severity= cooldown= "
					    "action=), got 'fro'"},
		{"cpu.total > 90% for",
		 "t.conf:1:20: expected a duration such as 30s after "
		 "'for', got end of line"},
		{"cpu.total > 90% for 30x", "t.conf:1:21: expected a duration such as "
					    "30s, 5m or 1h, got '30x' (unknown "
					    "unit 'x' (use ms, s, m, h))"},
		{"cpu.total > 90% severity=urgent",
		 "t.conf:1:26: expected info, warning or critical, got 'urgent'"},
		{"cpu.total > 90% clear=95%", "t.conf:1:23: expected a clear value at or "
					      "below the threshold, got '95%' (a > "
					      "rule resolves below its threshold)"},
		{"mem.available < 1GiB clear=512MiB",
		 "t.conf:1:28: expected a clear value at or above the threshold, got "
		 "'512MiB' "
		 "(a < rule resolves above its threshold)"},
		{"load.1 == 4 clear=3", "t.conf:1:19: expected no clear= with == or !=, "
					"got '3' (clear= needs > >= < "
					"or <=)"},
		{"cpu.total > 90% action=exec:notify",
		 "t.conf:1:24: expected an absolute program path after exec:, got "
		 "'exec:notify' (no shell, no PATH search)"},
		{"cpu.total > 90% action=mail:ops",
		 "t.conf:1:24: expected an action profile:DURATION, exec:/PATH[,ARG...] "
		 "or "
		 "log:FILE, got 'mail:ops'"},
		{"cpu.total > 90% action=exec:/bin/x,,y",
		 "t.conf:1:24: expected an argument after each ',', got "
		 "'exec:/bin/x,,y'"},
		{"cpu.total > 90% name=\"open",
		 "t.conf:1:27: expected a closing '\"', got end of "
		 "line"},
		{"cpu.total > 90% severity=info severity=critical",
		 "t.conf:1:31: expected one severity=, got 'severity=critical' (given "
		 "twice)"},
		{"cpu.total > 90%x",
		 "t.conf:1:15: expected a percentage such as 90%, got '%x'"},
		{"cpu.total > 9e9999",
		 "t.conf:1:14: expected a percentage such as 90%, got "
		 "'e9999'"},
		/* the quoted token is escaped: it goes to a terminal */
		{"cpu.total > 90% \x1b]0;x\x07\x1b[2J",
		 "t.conf:1:17: expected 'for' or an option (name= clear= severity= "
		 "cooldown= action=), got '\\x1b]0;x\\x07\\x1b[2J'"},
		{"cpu.total > 90% \xc2\x9b\xff",
		 "t.conf:1:17: expected 'for' or an option (name= clear= severity= "
		 "cooldown= action=), got '\\xc2\\x9b\\xff'"},
		{"cpu.total > 90% for 30\x1b", "t.conf:1:21: expected a duration such as "
					       "30s, 5m or 1h, got '30\\x1b' (unknown "
					       "unit '\\x1b' (use ms, s, m, h))"},
		/* cut inside "é": the stray lead byte is escaped, never printed raw */
		{"cpu.total > 90% aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xc3\xa9",
		 "t.conf:1:17: expected 'for' or an option (name= clear= severity= "
		 "cooldown= action=), got "
		 "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\\xc3...'"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = bad(cases[i].line);

		if (strcmp(got, cases[i].want))
			fail_msg("'%s'\n  got:  %s\n  want: %s", cases[i].line, got,
				 cases[i].want);
	}
}

static void test_columns_count_characters(void **state)
{
	(void)state;
	/* "µ" is two bytes, one column */
	assert_string_equal(
		bad("latency.timer.µ.p99 > 5 x=1"),
		"t.conf:1:25: expected 'for' or an option (name= clear= severity= "
		"cooldown= action=), got 'x=1'");
}

static void test_file_keeps_good_lines(void **state)
{
	static const char text[] = "# vigil rules\n"
				   "\n"
				   "cpu.total > 90% for 30s\n"
				   "   # indented comment\n"
				   "swap.in > 1MiB\n"
				   "target.rss > 2GiB severity=critical\n"
				   "target.fds > 1000 severity=loud\n"
				   "load.1 > 32";
	char buf[64];

	(void)state;
	assert_int_equal(rules_parse(&set, text, "alerts.conf", alert_metrics_name_valid),
			 2);
	assert_int_equal(set.n, 3);
	assert_string_equal(set.rules[0].metric, "cpu.total");
	assert_int_equal(set.rules[0].line, 3);
	assert_string_equal(set.rules[1].metric, "target.rss");
	assert_int_equal(set.rules[1].line, 6);
	assert_string_equal(set.rules[2].text, "load.1 > 32");
	assert_int_equal(set.rules[2].line, 8);
	assert_int_equal(set.nerrors, 2);
	assert_non_null(strstr(set.errors[0], "alerts.conf:5:1: "));
	assert_non_null(strstr(set.errors[0], "got 'swap.in'"));
	assert_non_null(strstr(set.errors[1], "alerts.conf:7:28: "));
	assert_string_equal(rule_set_summary(&set, buf, sizeof(buf)),
			    "3 rules loaded, 2 rejected");

	/* a second file appends to the same set */
	assert_int_equal(
		rules_parse(&set, "load.15 > 4\n", "user.conf", alert_metrics_name_valid),
		0);
	assert_int_equal(set.n, 4);
	assert_int_equal(set.nerrors, 2);
	rule_set_release(&set);
	assert_int_equal(rules_parse(&set, "load.1 > 1", "x", NULL), 0);
	assert_string_equal(rule_set_summary(&set, buf, sizeof(buf)), "1 rule loaded");
	rule_set_release(&set);
	assert_int_equal(rules_parse(&set, "", "x", NULL), 0);
	assert_int_equal(rules_parse(&set, NULL, "x", NULL), 0);
	assert_int_equal(set.n, 0);
}

static void test_without_validator(void **state)
{
	(void)state;
	rule_set_release(&set);
	assert_int_equal(rules_parse(&set,
				     "anything.at.all == some-word\n"
				     "other.metric > 3GiB\n"
				     "third > 5\n",
				     "x", NULL),
			 0);
	assert_int_equal(set.n, 3);
	assert_int_equal(set.rules[0].unit, RULE_UNIT_WORD);
	assert_string_equal(set.rules[0].word, "some-word");
	assert_int_equal(set.rules[1].unit, RULE_UNIT_BYTES);
	assert_true(set.rules[1].threshold == 3 * GIB);
	assert_int_equal(set.rules[2].unit, RULE_UNIT_NUMBER);
}

static void test_format_value(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(rule_format_value(RULE_UNIT_BYTES, 2 * GIB, buf, sizeof(buf)),
			    "2 GiB");
	assert_string_equal(
		rule_format_value(RULE_UNIT_BYTES, 2.3 * GIB, buf, sizeof(buf)),
		"2.3 GiB");
	assert_string_equal(rule_format_value(RULE_UNIT_BYTES, 100, buf, sizeof(buf)),
			    "100 B");
	assert_string_equal(rule_format_value(RULE_UNIT_PERCENT, 91.54, buf, sizeof(buf)),
			    "91.5%");
	assert_string_equal(rule_format_value(RULE_UNIT_MS, 250, buf, sizeof(buf)),
			    "250ms");
	assert_string_equal(rule_format_value(RULE_UNIT_MS, 1500, buf, sizeof(buf)),
			    "1.5s");
	assert_string_equal(rule_format_value(RULE_UNIT_MS, 0.5, buf, sizeof(buf)),
			    "500us");
	assert_string_equal(rule_format_value(RULE_UNIT_MS, 120000, buf, sizeof(buf)),
			    "2m");
	assert_string_equal(rule_format_value(RULE_UNIT_NUMBER, 3, buf, sizeof(buf)),
			    "3");
	assert_string_equal(rule_format_value(RULE_UNIT_NUMBER, 0.25, buf, sizeof(buf)),
			    "0.25");
	assert_string_equal(rule_format_value(RULE_UNIT_NUMBER, NAN, buf, sizeof(buf)),
			    "?");
}

/*
 * Lines made of rule fragments and junk in a fixed pseudo-random order: each
 * either parses or is rejected with exactly one message at line 1, and never
 * crashes the parser (the sanitizer build runs this too).
 */
static void test_junk_lines(void **state)
{
	static const char *const parts[] = {
		"cpu.total",
		"target.rss",
		"memory.verdict",
		">",
		">=",
		"<",
		"==",
		"!=",
		"=",
		"!",
		"90%",
		"2GiB",
		"2",
		"GiB",
		"1.",
		".5",
		"-3",
		"leak-suspect",
		"for",
		"30s",
		"x",
		"name=",
		"name=\"a b\"",
		"\"",
		"clear=80%",
		"clear=",
		"severity=info",
		"cooldown=5m",
		"action=exec:/bin/x,a",
		"action=log:",
		"action=profile:",
		" ",
		"\t",
		"#",
		"\xc2\xb5s",
		"\xff",
		"%",
		"==leak",
		"for=1m",
		"\\",
	};
	const size_t nparts = sizeof(parts) / sizeof(parts[0]);
	uint32_t seed = 12345;
	char line[512];
	int accepted = 0, rejected = 0;

	(void)state;
	for (int round = 0; round < 5000; round++) {
		size_t len = 0, words;

		seed = seed * 1103515245u + 12345u;
		words = (seed >> 16) % 9;
		line[0] = '\0';
		if ((seed >> 12) & 1) { /* half start as a rule, junk after it */
			static const char *const heads[] = {
				"cpu.total > 90% ", "target.rss >= 2 GiB ",
				"memory.verdict == leak-suspect ", "load.1 < 2 "};

			len = (size_t)snprintf(line, sizeof(line), "%s",
					       heads[(seed >> 4) % 4]);
			words %= 3;
		}
		for (size_t w = 0; w < words; w++) {
			const char *part;

			seed = seed * 1103515245u + 12345u;
			part = parts[(seed >> 16) % nparts];
			len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s",
						part, (seed >> 8) & 1 ? " " : "");
		}
		rule_set_release(&set);
		if (rules_parse(&set, line, "t.conf", alert_metrics_name_valid)) {
			assert_int_equal(set.n, 0);
			assert_int_equal(set.nerrors, 1);
			if (strncmp(set.errors[0], "t.conf:1:", 9) ||
			    !strstr(set.errors[0], ": expected "))
				fail_msg("'%s': %s", line, set.errors[0]);
			rejected++;
		} else {
			assert_int_equal(set.nerrors, 0);
			accepted += (int)set.n;
		}
	}
	/* the generator reaches both outcomes */
	assert_true(accepted > 0);
	assert_true(rejected > 0);
}

/* The shipped defaults load with no rejected line and cover the issue's list. */
static void test_default_rules(void **state)
{
	const char *src = getenv("VIGIL_SRCDIR");
	char *path = xasprintf("%s/assets/alerts.conf", src && *src ? src : ".");
	FILE *f = fopen(path, "r");
	char *text = xcalloc(1, 65536);
	size_t len;
	bool seen_cpu = false, seen_psi = false, seen_leak = false, seen_wait = false,
	     seen_swap = false, seen_mem = false;

	(void)state;
	if (!f)
		fail_msg("cannot open %s", path);
	len = fread(text, 1, 65535, f);
	fclose(f);
	assert_true(len > 0 && len < 65535);
	rule_set_release(&set);
	if (rules_parse(&set, text, path, alert_metrics_name_valid))
		fail_msg("%s", set.errors[0]);
	for (size_t i = 0; i < set.n; i++) {
		const char *m = set.rules[i].metric;

		seen_cpu |= !strcmp(m, "cpu.total");
		seen_mem |= !strcmp(m, "mem.used_pct") || !strcmp(m, "mem.available");
		seen_psi |= !strncmp(m, "psi.memory.", 11);
		seen_swap |= !strncmp(m, "swap.", 5);
		seen_leak |= !strcmp(m, "memory.verdict") && set.rules[i].word &&
			     !strcmp(set.rules[i].word, "leak-suspect");
		seen_wait |= !strcmp(m, "target.run_wait_share");
	}
	assert_true(seen_cpu && seen_mem && seen_psi && seen_swap && seen_leak &&
		    seen_wait);
	free(text);
	free(path);
}

/* The issue's cgroup rule: "VALUE of max" is a share of the cgroup's limit. */
static void test_cgroup_of_max(void **state)
{
	const struct rule *r;

	(void)state;
	r = one("cgroup[system.slice/nginx.service].memory > 90% of max for 1m");
	assert_string_equal(r->metric,
			    "cgroup[system.slice/nginx.service].memory.of_max");
	assert_int_equal(r->unit, RULE_UNIT_PERCENT);
	assert_true(r->threshold == 90 && r->for_ms == 60000);
	r = one("cgroup[/x].cpu >= 80 % of  max severity=critical");
	assert_string_equal(r->metric, "cgroup[/x].cpu.of_max");
	assert_int_equal(r->severity, RULE_CRITICAL);
	r = one("cgroup[x].memory > 2GiB");
	assert_int_equal(r->unit, RULE_UNIT_BYTES);
	r = one("cgroup[x].oom_kills > 0");
	assert_int_equal(r->unit, RULE_UNIT_NUMBER);
	/* no limit to be a share of, or not quite "of max" */
	assert_non_null(strstr(bad("cpu.total > 90% of max"), "no limit"));
	assert_non_null(strstr(bad("cgroup[x].pids > 90% of max"), "no limit"));
	/* without "of max" a cgroup's memory is bytes: 90% is no size */
	assert_non_null(strstr(bad("cgroup[x].memory > 90% of maximum"), "a size"));
	assert_non_null(strstr(bad("cgroup[x].memory > 90% of"), "a size"));
	assert_non_null(strstr(bad("cgroup[x].memory.of_max > 2GiB"), "a percentage"));
	assert_non_null(strstr(bad("cgroup[x].nothing > 1"), "unknown metric"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_issue_examples, setup, teardown),
		cmocka_unit_test_setup_teardown(test_units, setup, teardown),
		cmocka_unit_test_setup_teardown(test_operators, setup, teardown),
		cmocka_unit_test_setup_teardown(test_options, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_columns_count_characters, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_file_keeps_good_lines, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_without_validator, setup, teardown),
		cmocka_unit_test_setup_teardown(test_format_value, setup, teardown),
		cmocka_unit_test_setup_teardown(test_junk_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cgroup_of_max, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
