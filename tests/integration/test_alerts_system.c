/* SPDX-License-Identifier: MIT */
/*
 * test_alerts_system: a machine-wide alert rule in `vigil record` names the
 * processes behind it when it fires. Split from test_alerts, which runs
 * alone (tests/solo.list) for its CPU rule and its ticks in a stretch of
 * time: this one is about memory, which a shared machine does not move, so
 * it runs in the pool.
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
	return scratch_make(dir, sizeof(dir));
}

static int teardown(void **state)
{
	(void)state;
	return scratch_remove(dir);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

/*
 * A machine-wide rule names the processes behind it: a memory rule names
 * the fixture holding 2 GiB (among the largest resident sets) when it fires,
 * in report --json and in the text report. Memory, not CPU: on a shared
 * machine how much CPU a busy fixture gets depends on everyone else, how
 * much it holds does not.
 */
static void test_system_alert_names_processes(void **state)
{
	char rules[128], session[128], filter[160], buf[64];
	struct run_result r;
	pid_t big;

	(void)state;
	snprintf(rules, sizeof(rules), "%s/alerts.conf", dir);
	snprintf(session, sizeof(session), "%s/t.vigil", dir);
	write_file(rules, "mem.used_pct > 0% for 500ms name=mem-any\n", 0600);
	big = fixture_start("holdmem", "2048", NULL);
	assert_true(big > 0);
	run_vigil(&r, "record", "--alerts", rules, "-i", "250ms", "-d", "2s", "-o",
		  session);
	assert_int_equal(r.status, 0);

	run_vigil(&r, "report", session, "--json");
	assert_int_equal(r.status, 0);
	assert_string_equal(jq(r.out,
			       ".alerts[] | select(.rule == \"mem-any\") | .top_by", buf,
			       sizeof(buf)),
			    "rss");
	/* among the three, with its resident set */
	snprintf(filter, sizeof(filter),
		 "[.alerts[] | select(.rule == \"mem-any\") | .top[] | select(.pid == %d"
		 " and .name == \"holdmem\" and .value >= 2147483648)] | length",
		 (int)big);
	assert_string_equal(jq(r.out, filter, buf, sizeof(buf)), "1");
	run_vigil(&r, "report", session);
	assert_int_equal(r.status, 0);
	snprintf(filter, sizeof(filter), "%d holdmem 2.0 GiB", (int)big);
	assert_non_null(strstr(r.out, "top by memory: "));
	assert_non_null(strstr(r.out, filter));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_system_alert_names_processes, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
