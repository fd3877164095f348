/* SPDX-License-Identifier: MIT */
/*
 * test_process_actions: htop's process actions in the console, on the test's own
 * fixture processes only. Each fixture carries a marker argument of its own
 * and the console is filtered by it, so the selected row can only be that
 * fixture; the y of every question is typed only once the question on
 * screen names the fixture's pid.
 *
 * k -> a signal from the menu -> y: the fixture dies of it and `report`
 * (text and JSON) lists the action; F8 moves its nice from 0 to 1 (read
 * back from /proc/PID/stat); an action on a process that has exited since
 * the table was drawn says "No such process"; s without strace on PATH
 * says how to install it; a fake strace on PATH gets the terminal, prints
 * its marker, and Enter returns to the console. Replay refuses actions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "tmux.h"

static char session[256];

static int setup(void **state)
{
	(void)state;
	if (tmux_begin("actions") < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return tmux_end();
}

/* The fixture was reaped here: teardown must never kill its pid again. */
static void forget_fixture(pid_t pid)
{
	for (int i = 0; i < fixture_count; i++)
		if (fixture_pids[i] == pid)
			fixture_pids[i] = 0;
}

/* A sleeper whose command line holds a marker no other process has. */
static pid_t start_marked(char *marker, size_t cap, const char *tag)
{
	pid_t pid;

	snprintf(marker, cap, "va-%s-%d", tag, (int)getpid());
	pid = fixture_start("sleeper", marker, NULL);
	assert_true(pid > 0);
	return pid;
}

/* The live console in session "t", with env before it and args after. */
static void start_console(const char *env, const char *args)
{
	static int n;
	char script[256];
	FILE *f;

	/* a session file of its own each time: -o never replaces one */
	snprintf(session, sizeof(session), "%s/s%d.vigil", dir, n++);
	snprintf(script, sizeof(script), "%s/run.sh", dir);
	f = fopen(script, "w");
	assert_non_null(f);
	fprintf(f, "%s '%s' -o '%s' --statsd off %s\necho EXIT=$?\nsleep 600\n", env,
		vigil_bin(), session, args);
	fclose(f);
	assert_int_equal(tmux("new-session -d -s t -x 80 -y 24 'sh %s'", script), 0);
	assert_true(wait_for("PID"));
}

/* Filters the table down to the marked fixture; waits for its row. */
static void select_fixture(const char *marker, pid_t pid)
{
	char row[32];

	tmux("send-keys -t t /");
	tmux("send-keys -t t -l '%s'", marker);
	tmux("send-keys -t t Enter");
	snprintf(row, sizeof(row), "%7d ", (int)pid);
	assert_true(wait_for(row));
	assert_true(wait_for("F9Kill"));
}

static void wait_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void wait_fmt(const char *fmt, ...)
{
	char text[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	assert_true(wait_for(text));
}

static void quit_console(void)
{
	tmux("send-keys -t t q");
	assert_true(wait_for("EXIT=0"));
	tmux_restart();
}

/* The nice value of pid: field 19 of /proc/PID/stat. */
static int stat_nice(pid_t pid)
{
	char path[64], buf[1024];
	const char *p;
	FILE *f;
	int nice = 99;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	p = strrchr(buf, ')'); /* comm may hold spaces */
	assert_non_null(p);
	/* after ") ": state is field 3, nice field 19 */
	assert_int_equal(sscanf(p + 2,
				"%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u "
				"%*u %*d %*d %*d %d",
				&nice),
			 1);
	return nice;
}

static void test_kill_from_menu_is_reported(void **state)
{
	char marker[64], buf[256];
	struct run_result r;
	pid_t pid = start_marked(marker, sizeof(marker), "kill");
	int status = 0;

	(void)state;
	start_console("", "");
	select_fixture(marker, pid);
	tmux("send-keys -t t k");
	wait_fmt("Send signal to %d sleeper", (int)pid);
	tmux("send-keys -t t Down Down Up Enter"); /* the second: KILL */
	wait_fmt("send SIGKILL to %d sleeper? y/N", (int)pid);
	tmux("send-keys -t t y");
	wait_fmt("sent SIGKILL to %d sleeper", (int)pid);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	forget_fixture(pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	quit_console();

	run_vigil(&r, "report", session);
	assert_int_equal(r.status, 0);
	snprintf(buf, sizeof(buf), "signal SIGKILL %d sleeper: ok", (int)pid);
	if (!strstr(r.out, buf))
		fail_msg("'%s' is not in the report:\n%s", buf, r.out);
	run_vigil(&r, "report", "--json", session);
	assert_int_equal(r.status, 0);
	assert_int_equal((int)jq_num(r.out, ".process_actions | length"), 1);
	assert_int_equal((int)jq_num(r.out, ".process_actions[0].pid"), (int)pid);
	assert_string_equal(jq(r.out, ".process_actions[0].detail", buf, sizeof(buf)),
			    "SIGKILL");
	assert_string_equal(jq(r.out, ".process_actions[0].ok", buf, sizeof(buf)),
			    "true");
	assert_string_equal(jq(r.out, ".process_actions[0].comm", buf, sizeof(buf)),
			    "sleeper");

	/* the recording is only read: k there changes nothing */
	snprintf(buf, sizeof(buf), "%s/replay.sh", dir);
	FILE *f = fopen(buf, "w");
	assert_non_null(f);
	fprintf(f, "'%s' replay '%s'\necho EXIT=$?\nsleep 600\n", vigil_bin(), session);
	fclose(f);
	assert_int_equal(tmux("new-session -d -s t -x 80 -y 24 'sh %s'", buf), 0);
	assert_true(wait_for("PID"));
	tmux("send-keys -t t k");
	assert_true(wait_for("actions are disabled in replay"));
	tmux("send-keys -t t q");
	assert_true(wait_for("EXIT=0"));
}

static void test_renice_and_gone(void **state)
{
	char marker[64];
	pid_t pid = start_marked(marker, sizeof(marker), "nice");

	(void)state;
	assert_int_equal(stat_nice(pid), 0);
	/* one tick an hour: the table keeps showing the fixture after it exits */
	start_console("", "-i 1h");
	select_fixture(marker, pid);
	tmux("send-keys -t t F8");
	wait_fmt("renice %d sleeper from nice 0 to 1 (lower priority)? y/N", (int)pid);
	tmux("send-keys -t t y");
	wait_fmt("renice %d sleeper: nice 0 -> 1", (int)pid);
	assert_int_equal(stat_nice(pid), 1);

	/* N (anything but y) leaves it alone */
	tmux("send-keys -t t F8");
	wait_fmt("renice %d sleeper from nice", (int)pid);
	tmux("send-keys -t t n");
	assert_true(wait_for("nice unchanged"));
	assert_int_equal(stat_nice(pid), 1);

	/* the process exits; the row is still shown */
	assert_int_equal(fixture_stop(pid) != 0, 1);
	forget_fixture(pid);
	tmux("send-keys -t t k");
	wait_fmt("Send signal to %d sleeper", (int)pid);
	tmux("send-keys -t t 1"); /* TERM */
	wait_fmt("send SIGTERM to %d sleeper? y/N", (int)pid);
	tmux("send-keys -t t y");
	wait_fmt("kill %d: No such process", (int)pid);
	tmux("send-keys -t t F8");
	wait_fmt("renice %d sleeper from nice", (int)pid);
	tmux("send-keys -t t y");
	wait_fmt("renice %d: No such process", (int)pid);
	quit_console();
}

/* An executable shell script at path printing text and its arguments. */
static void write_script(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fprintf(f, "#!/bin/sh\necho \"%s $*\"\n", text);
	fclose(f);
	assert_int_equal(chmod(path, 0755), 0);
}

static void test_strace_missing_and_fake(void **state)
{
	char marker[64], empty[256], bin[256], env[600], path[300], buf[256];
	struct run_result r;
	pid_t pid = start_marked(marker, sizeof(marker), "strace");

	(void)state;
	snprintf(empty, sizeof(empty), "%s/empty", dir);
	snprintf(bin, sizeof(bin), "%s/bin", dir);
	assert_int_equal(mkdir(empty, 0700), 0);
	assert_int_equal(mkdir(bin, 0700), 0);

	snprintf(env, sizeof(env), "PATH='%s'", empty);
	start_console(env, "");
	select_fixture(marker, pid);
	tmux("send-keys -t t s");
	assert_true(wait_for("strace not found: apt-get install strace"));
	tmux("send-keys -t t l");
	assert_true(wait_for("lsof not found: apt-get install lsof"));
	quit_console();

	snprintf(path, sizeof(path), "%s/strace", bin);
	write_script(path, "fake-strace-marker");
	snprintf(env, sizeof(env), "PATH='%s'", bin);
	start_console(env, "");
	select_fixture(marker, pid);
	tmux("send-keys -t t s");
	wait_fmt("fake-strace-marker -p %d", (int)pid);
	assert_true(wait_for("press Enter to return to vigil"));
	assert_null(strstr(screen, "F9Kill")); /* curses has stepped aside */
	tmux("send-keys -t t Enter");
	assert_true(wait_for("F9Kill"));
	wait_fmt("strace -p %d: exited with status 0", (int)pid);
	assert_null(strstr(capture(false), "fake-strace-marker"));
	quit_console();

	run_vigil(&r, "report", "--json", session);
	assert_int_equal(r.status, 0);
	assert_string_equal(jq(r.out, ".process_actions[0].action", buf, sizeof(buf)),
			    "strace");
	assert_int_equal((int)jq_num(r.out, ".process_actions[0].pid"), (int)pid);
	assert_int_equal(kill(pid, 0), 0); /* strace does not end it */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kill_from_menu_is_reported, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_renice_and_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_strace_missing_and_fake, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
