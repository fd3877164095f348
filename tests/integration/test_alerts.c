/* SPDX-License-Identifier: MIT */
/*
 * test_alerts: the alert rules in `vigil record`, against a real process.
 *
 * memstep holds 64 MiB for a while and then gives it back, so a rule on the
 * target's RSS must go pending, fire, and resolve; its log: and exec:
 * actions must run with the alert; every transition must be a row, and
 * `report --json` must pair the firing with its resolution. Bad rules must
 * be reported with file:line:column without stopping the recording.
 * (A machine-wide rule naming the processes behind it: test_alerts_system,
 * which runs in the pool, as what it checks does not depend on the CPU
 * the fixtures get.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sys/stat.h>

#include "harness.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s", temp_dir());
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	fixtures_stop_all();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static size_t count_lines(const char *path, const char *needle)
{
	char line[4096];
	size_t n = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

static void test_rule_fires_resolves_and_acts(void **state)
{
	char rules[128], log[128], hook[128], seen[128], session[128], text[1024],
		buf[256];
	char pidbuf[16];
	struct run_result r;
	pid_t pid;

	(void)state;
	snprintf(rules, sizeof(rules), "%s/alerts.conf", dir);
	snprintf(log, sizeof(log), "%s/alerts.jsonl", dir);
	snprintf(hook, sizeof(hook), "%s/hook.sh", dir);
	snprintf(seen, sizeof(seen), "%s/hook.out", dir);
	snprintf(session, sizeof(session), "%s/s.vigil", dir);
	/* the exec action gets the alert as JSON on stdin and in the environment */
	snprintf(text, sizeof(text),
		 "#!/bin/sh\n{ cat; echo \" $VIGIL_ALERT_STATE\"; } >> %s\n", seen);
	write_file(hook, text, 0700);
	snprintf(
		text, sizeof(text),
		"# a comment, then a good rule and two bad ones\n"
		"target.rss > 32MiB for 300ms clear=16MiB severity=critical name=big-rss "
		"action=log:%s action=exec:%s\n"
		"target.rss > lots\n"
		"nosuch.metric > 1\n",
		log, hook);
	write_file(rules, text, 0600);

	pid = fixture_start("memstep", "64", "2500", NULL);
	assert_true(pid > 0);
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
	run_vigil(&r, "record", "--alerts", rules, "-i", "100ms", "-d", "5s", "-o",
		  session, "-p", pidbuf);
	assert_int_equal(r.status, 0);
	/* bad rules: where, and what was expected; the good one still ran */
	snprintf(buf, sizeof(buf), "vigil: %s:3:14: expected a size", rules);
	assert_non_null(strstr(r.err, buf));
	snprintf(buf, sizeof(buf), "vigil: %s:4:1: expected a metric name", rules);
	assert_non_null(strstr(r.err, buf));
	assert_non_null(strstr(r.err, "2 rejected"));

	/* log: one JSON line per transition of the rule */
	assert_int_equal(count_lines(log, "\"state\":\"pending\""), 1);
	assert_int_equal(count_lines(log, "\"state\":\"firing\""), 1);
	assert_int_equal(count_lines(log, "\"state\":\"resolved\""), 1);
	assert_int_equal(count_lines(log, "\"name\":\"big-rss\""), 3);
	/* exec: ran when it fired and when it resolved (reaped by the next tick) */
	assert_int_equal(count_lines(seen, "\"state\":\"firing\""), 1);
	assert_int_equal(count_lines(seen, " firing"), 1);

	run_vigil(&r, "report", session, "--json");
	assert_int_equal(r.status, 0);
	assert_string_equal(jq(r.out,
			       "[.alerts[] | select(.rule == \"big-rss\")] | length", buf,
			       sizeof(buf)),
			    "1");
	assert_string_equal(jq(r.out,
			       ".alerts[] | select(.rule == \"big-rss\") | .severity",
			       buf, sizeof(buf)),
			    "critical");
	/* fired above 32 MiB; resolved after it fired */
	assert_true(jq_num(r.out, ".alerts[] | select(.rule == \"big-rss\") | .value") >
		    32.0 * 1024 * 1024);
	assert_true(
		jq_num(r.out, ".alerts[] | select(.rule == \"big-rss\") | .resolved_ms") >
		jq_num(r.out, ".alerts[] | select(.rule == \"big-rss\") | .fired_ms"));
	/* the rows are there for replay, in order */
	snprintf(text, sizeof(text),
		 "sqlite3 %s \"SELECT group_concat(state, ',') FROM (SELECT state FROM "
		 "alert_events WHERE rule = 'big-rss' ORDER BY id)\"",
		 session);
	FILE *p = popen(text, "r");
	assert_non_null(p);
	assert_non_null(fgets(buf, sizeof(buf), p));
	pclose(p);
	assert_string_equal(buf, "pending,firing,resolved\n");
}

/* action=profile: a profile of the target is captured, stored and linked. */
static void test_profile_action(void **state)
{
	char rules[128], session[128], cmd[512], buf[64];
	struct run_result r;
	FILE *p;

	(void)state;
	snprintf(rules, sizeof(rules), "%s/alerts.conf", dir);
	snprintf(session, sizeof(session), "%s/p.vigil", dir);
	write_file(rules, "target.cpu > 20% for 300ms name=hot action=profile:1s\n",
		   0600);
	run_vigil(&r, "record", "--alerts", rules, "-i", "200ms", "-d", "4s", "-o",
		  session, "--", fixture_path("prof_split"));
	assert_int_equal(r.status, 0);
	snprintf(cmd, sizeof(cmd),
		 "sqlite3 %s \"SELECT count(*), (SELECT profile FROM alert_events WHERE"
		 " rule = 'hot' AND state = 'firing'), min(samples) > 0 FROM profiles\"",
		 session);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(buf, sizeof(buf), p));
	pclose(p);
	assert_string_equal(buf, "1|1|1\n");
	run_vigil(&r, "export", session, "--profile", "1");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "main;work_hot "));
}

/*
 * A rule on a target whose RSS steps up and down, with a `for` longer than
 * the recording, goes pending and back: report folds the run into one entry
 * of "alert_flaps" with its count, and export still has every transition.
 */
static void test_flaps_folded_in_report(void **state)
{
	char rules[128], session[128], buf[64];
	struct run_result r;
	double moves, flaps;
	pid_t flap;

	(void)state;
	snprintf(rules, sizeof(rules), "%s/alerts.conf", dir);
	snprintf(session, sizeof(session), "%s/f.vigil", dir);
	write_file(rules, "target.rss > 32MiB for 1h name=rss-flap\n", 0600);
	flap = fixture_start("flapper", "64", "300", NULL);
	assert_true(flap > 0);
	snprintf(buf, sizeof(buf), "%d", (int)flap);
	run_vigil(&r, "record", "--alerts", rules, "-i", "100ms", "-d", "3s", "-o",
		  session, "-p", buf);
	assert_int_equal(r.status, 0);

	run_vigil(&r, "report", session, "--json");
	assert_int_equal(r.status, 0);
	assert_string_equal(
		jq(r.out, "[.alert_flaps[] | select(.rule == \"rss-flap\")] | length",
		   buf, sizeof(buf)),
		"1");
	flaps = jq_num(r.out, ".alert_flaps[] | select(.rule == \"rss-flap\") | .flaps");
	assert_true(flaps >= 2);
	moves = jq_num(r.out,
		       ".alert_flaps[] | select(.rule == \"rss-flap\") | .transitions");
	assert_true(moves >= 3);
	run_vigil(&r, "report", session);
	assert_int_equal(r.status, 0);
	/* "flapped   RULE Nx pending<->ok HH:MM:SS .. HH:MM:SS", a line per run
	 * (the first begins "flapped", the others are indented under it) */
	assert_non_null(strstr(r.out, "\nflapped   "));
	snprintf(buf, sizeof(buf), " rss-flap %.0fx pending<->ok ", flaps);
	assert_non_null(strstr(r.out, buf));
	/* every raw transition is still in export, each in the folded run */
	run_vigil(&r, "export", session, "--alerts", "--format", "json");
	assert_int_equal(r.status, 0);
	assert_true(jq_num(r.out, "[.[] | select(.rule == \"rss-flap\")] | length") ==
		    moves);
}

static void test_unreadable_rules_file(void **state)
{
	struct run_result r;
	char session[128];

	(void)state;
	snprintf(session, sizeof(session), "%s/x.vigil", dir);
	run_vigil(&r, "record", "--alerts", "/nonexistent/alerts.conf", "-d", "1s", "-o",
		  session);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(
		r.err, "vigil: cannot read alert rules '/nonexistent/alerts.conf': "
		       "No such file or directory"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rule_fires_resolves_and_acts, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_profile_action, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flaps_folded_in_report, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unreadable_rules_file, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
