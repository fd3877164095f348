/* SPDX-License-Identifier: MIT */
/*
 * test_actions: exec and log actions for real. Shell scripts written into a
 * temp directory are started directly with argv (no shell string): they save
 * what arrived (stdin, VIGIL_ALERT_* environment, arguments) for the test to
 * read. The time limit is driven by the now_ms the test passes, so a script
 * sleeping 30 s is killed at once, with no wall-clock figure in any assertion;
 * the only real waiting is polling until a killed or finished child is reaped.
 */
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "tempdir.h"

#include "core/actions.h"
#include "core/xalloc.h"

#define POLL_ROUNDS 30000 /* 1 ms apart: a safety net, not a measurement */

static char dir[64];

static int setup(void **state)
{
	(void)state;
	tempdir_make(dir, sizeof(dir), "actions");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tempdir_remove(dir);
	return 0;
}

/* <dir>/<name>, owned by the caller. */
static char *in_dir(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static char *write_file(const char *name, const char *body, mode_t mode)
{
	char *path = in_dir(name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(body, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

/* The whole file, or NULL when it does not exist; owned by the caller. */
static char *read_file(const char *name)
{
	char *path = in_dir(name);
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	free(path);
	if (!f)
		return NULL;
	buf = xcalloc(1, 65536);
	n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void nap(void)
{
	struct timespec ts = {0, 1000000};

	nanosleep(&ts, NULL);
}

static struct action_result wait_result(struct action_runner *r, int64_t now)
{
	struct action_result res;

	for (int i = 0; i < POLL_ROUNDS; i++) {
		if (action_runner_poll(r, now, &res, 1) == 1)
			return res;
		nap();
	}
	fail_msg("the child was never reaped");
	return res;
}

/* ---- a small JSON checker: true when s is exactly one valid JSON value ---- */

static const char *json_value(const char *p);

static const char *json_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *json_str(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p != '"') {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF", p[i]) ||
					    !p[i])
						return NULL;
				p += 4;
			} else if (!*p || !strchr("\"\\/bfnrt", *p)) {
				return NULL;
			}
		}
		p++;
	}
	return p + 1;
}

static const char *json_num(const char *p)
{
	const char *s = p;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return NULL;
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return p > s ? p : NULL;
}

static const char *json_value(const char *p)
{
	p = json_ws(p);
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';
		bool obj = *p == '{';

		p = json_ws(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (obj) {
				p = json_str(json_ws(p));
				if (!p)
					return NULL;
				p = json_ws(p);
				if (*p++ != ':')
					return NULL;
			}
			p = json_value(p);
			if (!p)
				return NULL;
			p = json_ws(p);
			if (*p == close)
				return p + 1;
			if (*p++ != ',')
				return NULL;
		}
	}
	if (*p == '"')
		return json_str(p);
	if (!strncmp(p, "true", 4))
		return p + 4;
	if (!strncmp(p, "false", 5))
		return p + 5;
	if (!strncmp(p, "null", 4))
		return p + 4;
	return json_num(p);
}

static bool json_valid(const char *s)
{
	const char *end = json_value(s);

	return end && *json_ws(end) == '\0';
}

/* ---- the alert used throughout ---- */

static struct action_alert sample(void)
{
	return (struct action_alert){
		.rule = "target.rss > 2GiB name=\"big \\\"one\\\"\" action=exec:/x",
		.name = "big \"one\"",
		.metric = "target.rss",
		.severity = "critical",
		.state = "firing",
		.from = "pending",
		.value = 2469606195.2,
		.word = "",
		.threshold = 2147483648.0,
		.message = "target.rss 2.3 GiB > 2 GiB\nfor 10s",
		.t_ms = 1700000000123,
	};
}

static void test_json(void **state)
{
	struct action_alert a = sample();
	char *json;

	(void)state;
	json = action_alert_json(&a);
	assert_string_equal(
		json,
		"{\"t_ms\":1700000000123,"
		"\"rule\":\"target.rss > 2GiB name=\\\"big \\\\\\\"one\\\\\\\"\\\" "
		"action=exec:/x\","
		"\"name\":\"big \\\"one\\\"\",\"metric\":\"target.rss\","
		"\"severity\":\"critical\",\"state\":\"firing\",\"from\":\"pending\","
		"\"value\":2469606195.200000,\"word\":null,\"threshold\":2147483648,"
		"\"message\":\"target.rss 2.3 GiB > 2 GiB\\nfor 10s\"}");
	assert_true(json_valid(json));
	assert_null(strchr(json, '\n'));
	free(json);

	/* a word rule: value and threshold null, the word a string */
	a.value = NAN;
	a.threshold = NAN;
	a.word = "leak-suspect";
	a.rule = NULL;
	json = action_alert_json(&a);
	assert_true(json_valid(json));
	assert_non_null(strstr(json, "\"rule\":\"\""));
	assert_non_null(strstr(json, "\"value\":null,\"word\":\"leak-suspect\","
				     "\"threshold\":null"));
	free(json);

	/* the checker itself rejects broken JSON */
	assert_false(json_valid("{\"a\":1,}"));
	assert_false(json_valid("{\"a\":nan}"));
	assert_false(json_valid("{\"a\":\"x\ny\"}"));
	assert_false(json_valid("{\"a\":1} {"));
	assert_true(json_valid("{\"a\":[1,-2.5e3,true,null,{}]}"));
}

static void test_log_lines(void **state)
{
	struct action_alert a = sample();
	char *path = in_dir("alerts.jsonl"), *text, *line, *save = NULL;
	char err[256] = "";
	struct stat st;
	int lines = 0;

	(void)state;
	assert_int_equal(action_log_append(path, &a, err, sizeof(err)), 0);
	a.state = "resolved";
	a.from = "firing";
	a.message = "target.rss 1.9 GiB <= 2 GiB, resolved";
	assert_int_equal(action_log_append(path, &a, err, sizeof(err)), 0);
	a.state = "acked";
	a.word = "tab\there \x01 and bad utf-8 \xff";
	assert_int_equal(action_log_append(path, &a, err, sizeof(err)), 0);

	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	text = read_file("alerts.jsonl");
	assert_non_null(text);
	assert_int_equal(text[strlen(text) - 1], '\n');
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!json_valid(line))
			fail_msg("line %d is not JSON: %s", lines + 1, line);
		lines++;
	}
	assert_int_equal(lines, 3);
	free(text);

	/* an unwritable place is an error with a message, not a crash */
	free(path);
	path = in_dir("no/such/dir/alerts.jsonl");
	assert_int_equal(action_log_append(path, &a, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "cannot open '"));
	assert_non_null(strstr(err, "No such file or directory"));
	free(path);
}

static const char record_script[] =
	"#!/bin/sh\n"
	"cat > \"$1/stdin\"\n"
	"env | grep '^VIGIL_ALERT_' | grep -v '^VIGIL_ALERT_JSON=' "
	"| sort > \"$1/env\"\n"
	"printf '%s|' \"$#\" \"$2\" > \"$1/args\"\n"
	"printf '%s' \"$VIGIL_ALERT_MESSAGE\" > \"$1/message\"\n"
	"exit \"$3\"\n";

static void test_exec_gets_json_env_and_args(void **state)
{
	struct action_runner *r = action_runner_new(0, 0);
	struct action_alert a = sample();
	char *script = write_file("record.sh", record_script, 0700);
	char two[] = "two words", status3[] = "3", status0[] = "0";
	char *argv[] = {script, dir, two, status3, NULL};
	char err[256] = "", *text, *json, *want;
	struct action_result res;

	(void)state;
	setenv("VIGIL_ALERT_STATE", "stale", 1); /* replaced, not duplicated */
	assert_true(action_runner_exec(r, argv, &a, 0, err, sizeof(err)) > 0);
	unsetenv("VIGIL_ALERT_STATE");
	assert_int_equal(action_runner_running(r), 1);
	res = wait_result(r, 0);
	assert_int_equal(action_runner_running(r), 0);
	assert_false(res.ok);
	assert_false(res.timed_out);
	assert_true(res.pid > 0);
	want = xasprintf("exec '%s': exited with status 3", script);
	assert_string_equal(res.message, want);
	free(want);

	json = action_alert_json(&a);
	want = xasprintf("%s\n", json);
	text = read_file("stdin");
	assert_non_null(text);
	assert_string_equal(text, want);
	free(text);
	free(want);

	text = read_file("env");
	assert_non_null(text);
	assert_string_equal(text,
			    "VIGIL_ALERT_FROM=pending\n"
			    "VIGIL_ALERT_MESSAGE=target.rss 2.3 GiB > 2 GiB\n"
			    "VIGIL_ALERT_METRIC=target.rss\n"
			    "VIGIL_ALERT_NAME=big \"one\"\n"
			    "VIGIL_ALERT_RULE=target.rss > 2GiB name=\"big \\\"one\\\"\" "
			    "action=exec:/x\n"
			    "VIGIL_ALERT_SEVERITY=critical\n"
			    "VIGIL_ALERT_STATE=firing\n"
			    "VIGIL_ALERT_THRESHOLD=2147483648\n"
			    "VIGIL_ALERT_TIME_MS=1700000000123\n"
			    "VIGIL_ALERT_VALUE=2469606195.2\n"
			    "VIGIL_ALERT_WORD=\n");
	free(text);

	/* (grep kept the first line of the two-line message; here is all of it) */
	text = read_file("message");
	assert_string_equal(text, a.message);
	free(text);

	text = read_file("args");
	assert_string_equal(text, "3|two words|");
	free(text);
	free(json);

	/* status 0 is success */
	argv[3] = status0;
	assert_true(action_runner_exec(r, argv, &a, 0, err, sizeof(err)) > 0);
	res = wait_result(r, 0);
	assert_true(res.ok);
	assert_non_null(strstr(res.message, "': done"));
	action_runner_free(r);
	free(script);
}

/* /proc/<pid>/stat says the process is gone or a zombie. */
static bool dead(pid_t pid)
{
	char path[64], buf[512];
	FILE *f;
	char *rp;
	bool gone;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return true;
	gone = !fgets(buf, sizeof(buf), f) || !(rp = strrchr(buf, ')')) || rp[2] == 'Z' ||
	       rp[2] == 'X';
	fclose(f);
	return gone;
}

static void test_time_limit_kills_the_group(void **state)
{
	static const char body[] = "#!/bin/sh\n"
				   "sleep 30 &\n"
				   "echo $! > \"$1/sleep.pid.tmp\"\n"
				   "mv \"$1/sleep.pid.tmp\" \"$1/sleep.pid\"\n"
				   "wait\n"
				   "echo late > \"$1/late\"\n";
	struct action_runner *r = action_runner_new(10000, 4);
	struct action_alert a = sample();
	char *script = write_file("slow.sh", body, 0700);
	char *argv[] = {script, dir, NULL};
	char err[256] = "", *pidtext = NULL;
	struct action_result res;
	pid_t sleeper;
	int i;

	(void)state;
	assert_true(action_runner_exec(r, argv, &a, 5000, err, sizeof(err)) > 0);
	for (i = 0; i < POLL_ROUNDS && !(pidtext = read_file("sleep.pid")); i++)
		nap();
	assert_non_null(pidtext);
	sleeper = (pid_t)atoi(pidtext);
	free(pidtext);
	assert_true(sleeper > 0);

	/* within the limit nothing happens */
	assert_int_equal(action_runner_poll(r, 14999, &res, 1), 0);
	assert_int_equal(action_runner_running(r), 1);
	/* at the limit the group is killed; a later poll reaps it */
	res = wait_result(r, 15000);
	assert_true(res.timed_out);
	assert_false(res.ok);
	assert_non_null(strstr(res.message, "killed after the 10000ms time limit"));
	assert_int_equal(action_runner_running(r), 0);
	/* the script's own child died with it */
	for (i = 0; i < POLL_ROUNDS && !dead(sleeper); i++)
		nap();
	assert_true(dead(sleeper));
	assert_null(read_file("late"));
	action_runner_free(r);
	free(script);
}

static void test_exec_failures(void **state)
{
	struct action_runner *r = action_runner_new(10000, 1);
	struct action_alert a = sample();
	char *noexec = write_file("noexec.sh", "#!/bin/sh\nexit 0\n", 0600);
	char *garbage = write_file("garbage", "\x01\x02\x03 not a program\n", 0700);
	char *slow = write_file("slow.sh",
				"#!/bin/sh\necho $$ > \"$1/slow.pid.tmp\"\n"
				"mv \"$1/slow.pid.tmp\" \"$1/slow.pid\"\nexec sleep 30\n",
				0700);
	char *missing = in_dir("missing");
	char *argv[] = {NULL, dir, NULL}, *pidtext = NULL;
	char err[256] = "", sh[] = "sh";
	struct action_result res;
	pid_t pid;

	(void)state;
	argv[0] = noexec;
	assert_int_equal(action_runner_exec(r, argv, &a, 0, err, sizeof(err)), -EACCES);
	assert_non_null(strstr(err, "Permission denied"));
	argv[0] = missing;
	assert_int_equal(action_runner_exec(r, argv, &a, 0, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "cannot run '"));
	argv[0] = sh;
	assert_int_equal(action_runner_exec(r, argv, &a, 0, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "cannot run 'sh': not an absolute path");
	assert_int_equal(action_runner_running(r), 0);

	/* executable bit but not a program: execve's errno comes back */
	argv[0] = garbage;
	assert_true(action_runner_exec(r, argv, &a, 0, err, sizeof(err)) > 0);
	res = wait_result(r, 0);
	assert_false(res.ok);
	assert_non_null(strstr(res.message, "cannot execute: Exec format error"));

	/* one at a time: the second is refused while the first runs */
	argv[0] = slow;
	assert_true(action_runner_exec(r, argv, &a, 0, err, sizeof(err)) > 0);
	assert_int_equal(action_runner_exec(r, argv, &a, 0, err, sizeof(err)), -EAGAIN);
	assert_non_null(strstr(err, "1 actions still running"));
	assert_int_equal(action_runner_poll(r, 0, &res, 0),
			 0); /* no room: nothing reaped */
	assert_int_equal(action_runner_running(r), 1);

	/* freeing the runner kills and reaps what still runs */
	for (int i = 0; i < POLL_ROUNDS && !(pidtext = read_file("slow.pid")); i++)
		nap();
	assert_non_null(pidtext);
	pid = (pid_t)atoi(pidtext);
	free(pidtext);
	assert_true(pid > 0);
	assert_int_equal(kill(pid, 0), 0);
	action_runner_free(r);
	assert_int_equal(kill(pid, 0), -1); /* gone, and not left a zombie */
	assert_int_equal(errno, ESRCH);
	action_runner_free(NULL);
	free(noexec);
	free(garbage);
	free(slow);
	free(missing);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json),
		cmocka_unit_test_setup_teardown(test_log_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exec_gets_json_env_and_args, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_time_limit_kills_the_group, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_exec_failures, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
