/* SPDX-License-Identifier: MIT */
/*
 * test_action_worker: alert actions on their own thread. A log: action aimed
 * at a FIFO nobody reads must fail at once (not block anything), a failing
 * program must come back as a notice naming its rule, and when more actions
 * arrive than may run or wait, the rest are dropped and counted, never lost
 * silently. Programs are shell scripts in a temp directory; the one that
 * holds a slot waits for a file the test creates, so what runs and what
 * waits does not depend on timing. The waits below are safety nets.
 */
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tempdir.h"

#include "core/action_worker.h"
#include "core/xalloc.h"

#define DRAIN_MS 20000

static char dir[64];

static int setup(void **state)
{
	(void)state;
	tempdir_make(dir, sizeof(dir), "aworker");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tempdir_remove(dir);
	return 0;
}

static char *script(const char *name, const char *body)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0755), 0);
	return path;
}

static const struct action_alert alert = {
	.rule = "r",
	.name = "r",
	.metric = "cpu.total",
	.severity = "warning",
	.state = "firing",
	.from = "pending",
	.value = 99,
	.threshold = 90,
	.message = "cpu.total 99% > 90%",
	.t_ms = 1,
};

static void test_fifo_log_fails_without_blocking(void **state)
{
	char *fifo = xasprintf("%s/fifo", dir), *file = xasprintf("%s/alerts.jsonl", dir);
	struct action_worker *w = action_worker_start(0, 0, 0);
	struct action_counts c;
	struct notice *n;
	size_t nn;

	(void)state;
	assert_int_equal(mkfifo(fifo, 0600), 0);
	action_worker_log(w, "to-fifo", fifo, &alert);
	action_worker_log(w, "to-file", file, &alert);
	assert_int_equal(action_worker_drain(w, DRAIN_MS), 0);
	action_worker_counts(w, &c);
	assert_int_equal(c.run, 1);
	assert_int_equal(c.failed, 1);
	assert_int_equal(c.dropped, 0);
	nn = action_worker_take(w, &n);
	assert_int_equal(nn, 1);
	assert_string_equal(n[0].kind, "action-failed");
	assert_string_equal(n[0].source, "to-fifo");
	assert_non_null(strstr(n[0].message, "is a FIFO"));
	free(n);
	/* taken: the next take is empty */
	assert_int_equal(action_worker_take(w, &n), 0);
	assert_null(n);
	assert_int_equal(access(file, F_OK), 0);
	action_worker_stop(w);
	free(fifo);
	free(file);
}

static void test_failed_program_names_its_rule(void **state)
{
	char *bad = script("bad", "exit 3"), *good = script("good", "exit 0");
	char *argv_bad[] = {bad, NULL}, *argv_good[] = {good, NULL};
	char missing[] = "/nonexistent/vigil-action";
	char *argv_missing[] = {missing, NULL};
	struct action_worker *w = action_worker_start(0, 0, 0);
	struct action_counts c;
	struct notice *n;
	size_t nn;
	bool saw_bad = false, saw_missing = false;

	(void)state;
	action_worker_exec(w, "rule-bad", argv_bad, &alert);
	action_worker_exec(w, "rule-good", argv_good, &alert);
	action_worker_exec(w, "rule-missing", argv_missing, &alert);
	assert_int_equal(action_worker_drain(w, DRAIN_MS), 0);
	action_worker_counts(w, &c);
	assert_int_equal(c.run, 1);
	assert_int_equal(c.failed, 2);
	nn = action_worker_take(w, &n);
	assert_int_equal(nn, 2);
	for (size_t i = 0; i < nn; i++) {
		if (!strcmp(n[i].source, "rule-bad")) {
			saw_bad = true;
			assert_non_null(strstr(n[i].message, "exited with status 3"));
		}
		if (!strcmp(n[i].source, "rule-missing")) {
			saw_missing = true;
			assert_non_null(strstr(n[i].message, "No such file"));
		}
	}
	assert_true(saw_bad && saw_missing);
	free(n);
	action_worker_stop(w);
	free(bad);
	free(good);
}

/* One slot, four places to wait: of 21 programs one runs, four wait, and
 * sixteen are dropped with a notice each; released, the five all run. */
static void test_overflow_is_dropped_and_counted(void **state)
{
	char *gate = xasprintf("%s/go", dir), *started = xasprintf("%s/started", dir);
	char *body = xasprintf("touch %s; while [ ! -e %s ]; do sleep 0.01; done",
			       started, gate);
	char *hold = script("hold", body), *argv[] = {hold, NULL};
	struct action_worker *w = action_worker_start(4, 60000, 1);
	struct action_counts c;
	struct notice *n;
	size_t nn;
	FILE *f;

	(void)state;
	/* the first holds the slot before the others come */
	action_worker_exec(w, "many", argv, &alert);
	for (int i = 0; i < 20000 && access(started, F_OK) < 0; i++)
		usleep(1000);
	assert_int_equal(access(started, F_OK), 0);
	for (int i = 0; i < 20; i++)
		action_worker_exec(w, "many", argv, &alert);
	/* the drops happen as the worker takes the jobs, before any ends */
	for (int i = 0; i < 20000; i++) {
		action_worker_counts(w, &c);
		if (c.dropped == 16)
			break;
		usleep(1000);
	}
	assert_int_equal(c.dropped, 16);
	assert_int_equal(c.run, 0);
	f = fopen(gate, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(action_worker_drain(w, DRAIN_MS), 0);
	action_worker_counts(w, &c);
	assert_int_equal(c.run, 5);
	assert_int_equal(c.failed, 0);
	assert_int_equal(c.dropped, 16);
	nn = action_worker_take(w, &n);
	assert_int_equal(nn, 16);
	for (size_t i = 0; i < nn; i++) {
		assert_string_equal(n[i].kind, "action-dropped");
		assert_string_equal(n[i].source, "many");
	}
	free(n);
	action_worker_stop(w);
	free(gate);
	free(started);
	free(body);
	free(hold);
}

/* Stopping with a program running and others waiting: all are counted. */
static void test_stop_counts_what_never_ran(void **state)
{
	char *hold = script("hold", "sleep 60"), *argv[] = {hold, NULL};
	struct action_worker *w = action_worker_start(8, 60000, 1);
	struct action_counts c;

	(void)state;
	for (int i = 0; i < 3; i++)
		action_worker_exec(w, "slow", argv, &alert);
	action_worker_stop_counted(w, &c);
	assert_int_equal(c.run, 0);
	assert_int_equal(c.failed, 0);
	assert_int_equal(c.dropped, 3);
	free(hold);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fifo_log_fails_without_blocking,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_program_names_its_rule, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_overflow_is_dropped_and_counted,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_counts_what_never_ran, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
