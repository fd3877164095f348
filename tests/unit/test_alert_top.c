/* SPDX-License-Identifier: MIT */
/*
 * test_alert_top: which processes a system-wide alert names: the metric's
 * ranking (cpu, rss, blocked, none), the top three of a table by it with
 * ties by pid, unknown CPU shares left out, only pending and firing
 * transitions filled, and the text the screens and the report show.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/alert_top.h"

static struct proc_row rows[6];
static struct proc_table table = {.n = 6, .rows = rows};

static void row(int i, int pid, const char *comm, double cpu, uint64_t rss, char st)
{
	memset(&rows[i], 0, sizeof(rows[i]));
	rows[i].pid = pid;
	snprintf(rows[i].comm, sizeof(rows[i].comm), "%s", comm);
	rows[i].cpu_pct = cpu;
	rows[i].rss_bytes = rss;
	rows[i].state = st;
}

static int setup_table(void **state)
{
	(void)state;
	/* ascending pid, as the collector gives it */
	row(0, 1, "init", 0.0, 10 << 20, 'S');
	row(1, 50, "busy", 99.5, 1 << 20, 'R');
	row(2, 60, "java", 12.0, 2048u << 20, 'S');
	row(3, 70, "dd", 30.0, 4 << 20, 'D');
	row(4, 80, "new", -1.0, 8 << 20, 'R'); /* first seen: share unknown */
	row(5, 90, "twin", 30.0, 2048u << 20, 'D');
	return 0;
}

static void test_by_metric(void **state)
{
	(void)state;
	assert_int_equal(alert_top_by_metric("cpu.total"), ALERT_TOP_CPU);
	assert_int_equal(alert_top_by_metric("cpu.steal"), ALERT_TOP_CPU);
	assert_int_equal(alert_top_by_metric("cpu.iowait"), ALERT_TOP_BLOCKED);
	assert_int_equal(alert_top_by_metric("load.1"), ALERT_TOP_CPU);
	assert_int_equal(alert_top_by_metric("psi.cpu.some.avg10"), ALERT_TOP_CPU);
	assert_int_equal(alert_top_by_metric("mem.used_pct"), ALERT_TOP_RSS);
	assert_int_equal(alert_top_by_metric("swap.used"), ALERT_TOP_RSS);
	assert_int_equal(alert_top_by_metric("psi.memory.full.avg10"), ALERT_TOP_RSS);
	assert_int_equal(alert_top_by_metric("psi.io.full.avg60"), ALERT_TOP_BLOCKED);
	assert_int_equal(alert_top_by_metric("disk.util"), ALERT_TOP_BLOCKED);
	assert_int_equal(alert_top_by_metric("net.rx_bytes"), ALERT_TOP_CPU);
	assert_int_equal(alert_top_by_metric("target.cpu"), ALERT_TOP_NONE);
	assert_int_equal(alert_top_by_metric("memory.verdict"), ALERT_TOP_NONE);
	assert_int_equal(alert_top_by_metric("latency.timer.x.p99"), ALERT_TOP_NONE);
	assert_string_equal(alert_top_by_name(ALERT_TOP_RSS), "rss");
	assert_string_equal(alert_top_by_name(ALERT_TOP_NONE), "");
}

static void test_pick_cpu(void **state)
{
	struct alert_top top[3];

	(void)state;
	assert_int_equal(alert_top_pick(&table, ALERT_TOP_CPU, top, 3), 3);
	assert_int_equal(top[0].pid, 50);
	assert_string_equal(top[0].comm, "busy");
	assert_true(top[0].value == 99.5);
	assert_int_equal(top[1].pid, 70); /* a tie at 30%: the lower pid first */
	assert_int_equal(top[2].pid, 90);
	/* fewer asked for: still the largest */
	assert_int_equal(alert_top_pick(&table, ALERT_TOP_CPU, top, 1), 1);
	assert_int_equal(top[0].pid, 50);
}

static void test_pick_rss_and_blocked(void **state)
{
	struct alert_top top[3];

	(void)state;
	assert_int_equal(alert_top_pick(&table, ALERT_TOP_RSS, top, 3), 3);
	assert_int_equal(top[0].pid, 60);
	assert_int_equal(top[1].pid, 90);
	assert_int_equal(top[2].pid, 1);
	/* only the two in state D */
	assert_int_equal(alert_top_pick(&table, ALERT_TOP_BLOCKED, top, 3), 2);
	assert_int_equal(top[0].pid, 70);
	assert_int_equal(top[1].pid, 90);
	assert_int_equal(alert_top_pick(&table, ALERT_TOP_NONE, top, 3), 0);
	assert_int_equal(alert_top_pick(NULL, ALERT_TOP_CPU, top, 3), 0);
}

static void test_fill_and_format(void **state)
{
	struct alert_event e;
	char text[256];

	(void)state;
	memset(&e, 0, sizeof(e));
	snprintf(e.state, sizeof(e.state), "firing");
	alert_top_fill(&e, "cpu.total", &table);
	assert_string_equal(e.top_by, "cpu");
	assert_int_equal(e.ntop, 3);
	alert_top_format(&e, text, sizeof(text));
	assert_string_equal(text, "50 busy 99.5%, 70 dd 30.0%, 90 twin 30.0%");

	alert_top_fill(&e, "mem.available", &table);
	alert_top_format(&e, text, sizeof(text));
	assert_string_equal(text, "60 java 2.0 GiB, 90 twin 2.0 GiB, 1 init 10.0 MiB");

	/* a target's rule, or a resolution: nothing named */
	alert_top_fill(&e, "target.rss", &table);
	assert_string_equal(e.top_by, "");
	assert_int_equal(e.ntop, 0);
	snprintf(e.state, sizeof(e.state), "resolved");
	alert_top_fill(&e, "cpu.total", &table);
	assert_int_equal(e.ntop, 0);
	alert_top_format(&e, text, sizeof(text));
	assert_string_equal(text, "");
	/* a short buffer is cut, never overrun */
	snprintf(e.state, sizeof(e.state), "pending");
	alert_top_fill(&e, "cpu.total", &table);
	alert_top_format(&e, text, 8);
	assert_string_equal(text, "50 busy");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_by_metric),
		cmocka_unit_test_setup(test_pick_cpu, setup_table),
		cmocka_unit_test_setup(test_pick_rss_and_blocked, setup_table),
		cmocka_unit_test_setup(test_fill_and_format, setup_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
