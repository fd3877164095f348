/* SPDX-License-Identifier: MIT */
/*
 * test_access: who may reach vigil and what vigil may read, through the real
 * binary.
 *
 * - StatsD: a listener other hosts can reach (0.0.0.0) is said on stderr and
 *   the recording goes on; a loopback one is not mentioned. An explicit
 *   --statsd that cannot be parsed or bound (garbage, a port out of range, a
 *   port this test holds) exits 2 with "vigil: --statsd 'x': why" and leaves
 *   no session file.
 * - A process the recorder may not fully read (as root, the test records a
 *   fixture it runs as root from a child that dropped to uid 65534): record
 *   exits 0 and says once on stderr which figures will be missing and why,
 *   and report (text and JSON) says so for that session; the same recording
 *   as root says nothing. Skipped when the test does not run as root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <grp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "harness.h"

static char dir[64], session[128];

static int setup(void **state)
{
	char *d = temp_dir();

	(void)state;
	if (!d)
		return -1;
	snprintf(dir, sizeof(dir), "%s", d);
	snprintf(session, sizeof(session), "%s/s.vigil", dir);
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

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* ---- StatsD ---- */

static void test_statsd_exposed_is_said(void **state)
{
	struct run_result r;

	(void)state;
	run_vigil(&r, "record", "--statsd", "0.0.0.0:0", "-d", "500ms", "-i", "100ms",
		  "-o", session);
	assert_int_equal(r.status, 0);
	/* the port the kernel picked is named, not the 0 that was asked for */
	assert_non_null(strstr(r.err, "vigil: warning: StatsD listener on 0.0.0.0:"));
	assert_null(strstr(r.err, "0.0.0.0:0 "));
	assert_int_equal(
		count(r.err, "accepts packets from any host that can reach this one"), 1);
	assert_int_equal(access(session, F_OK), 0);
	run_vigil(&r, "report", session);
	assert_int_equal(r.status, 0);
}

static void test_statsd_loopback_is_quiet(void **state)
{
	struct run_result r;

	(void)state;
	run_vigil(&r, "record", "--statsd", "127.0.0.1:0", "-d", "500ms", "-i", "100ms",
		  "-o", session);
	assert_int_equal(r.status, 0);
	assert_null(strstr(r.err, "StatsD"));
	assert_int_equal(access(session, F_OK), 0);
}

/* record --statsd addr: exit 2, one "vigil: --statsd 'addr': why" line, no file */
static void assert_statsd_refused(const char *addr, const char *why)
{
	char want[160];
	struct run_result r;

	run_vigil(&r, "record", "--statsd", addr, "-d", "500ms", "-i", "100ms", "-o",
		  session);
	snprintf(want, sizeof(want), "vigil: --statsd '%s': %s", addr, why);
	if (r.status != 2 || strncmp(r.err, want, strlen(want)))
		fail_msg("--statsd '%s': status %d, stderr '%s'", addr, r.status, r.err);
	assert_int_equal(access(session, F_OK), -1);
	assert_int_equal(errno, ENOENT);
}

static void test_statsd_bad_is_usage_error(void **state)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	char held[32];

	(void)state;
	assert_statsd_refused("nonsense", "missing port");
	assert_statsd_refused("127.0.0.1:99999",
			      "port '99999' is out of range (0-65535)");
	assert_statsd_refused("localhost:8125", "'localhost' is not a numeric");
	/* a port this test holds: parsed fine, refused by bind, before any file */
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	snprintf(held, sizeof(held), "127.0.0.1:%d", ntohs(a.sin_port));
	assert_statsd_refused(held, "cannot bind: address already in use");
	close(fd);
}

/* ---- a process the recorder may not fully read ---- */

#define NOBODY 65534

/* run_vigil_argv, with the child dropped to uid and gid NOBODY first. */
static void run_vigil_as_nobody(struct run_result *r, const char *const args[])
{
	char *argv[64];
	int n = 0, out[2], err[2], status;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	assert_int_equal(pipe(out), 0);
	assert_int_equal(pipe(err), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		argv[n++] = strdup(vigil_bin());
		for (int i = 0; args[i] && n < 63; i++)
			argv[n++] = strdup(args[i]);
		argv[n] = NULL;
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(out[0]), close(out[1]), close(err[0]), close(err[1]);
		/* group first: once the uid is dropped, setgid is refused */
		if (setgroups(0, NULL) < 0 || setgid(NOBODY) < 0 || setuid(NOBODY) < 0)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	drain(out[0], r->out, sizeof(r->out));
	drain(err[0], r->err, sizeof(r->err));
	close(out[0]);
	close(err[0]);
	waitpid(pid, &status, 0);
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void test_unreadable_target_is_said(void **state)
{
	const char *groups = "io, fds, memory regions (smaps) and syscalls";
	char pid[16], want[256], buf[256];
	struct run_result r;
	pid_t target;

	(void)state;
	if (geteuid() != 0) {
		print_message("skipped: needs root to record as uid %d a process of "
			      "another user\n",
			      NOBODY);
		skip();
	}
	target = fixture_start("sleeper", NULL);
	assert_true(target > 0);
	snprintf(pid, sizeof(pid), "%d", (int)target);
	assert_int_equal(chmod(dir, 0777), 0); /* uid NOBODY writes the session */
	{
		const char *const args[] = {"record", "-p",    pid,  "-d",    "1s",
					    "-i",     "200ms", "-o", session, NULL};

		run_vigil_as_nobody(&r, args);
	}
	assert_int_equal(r.status, 0);
	snprintf(want, sizeof(want),
		 "vigil: warning: pid %d (sleeper) is not fully readable as uid %d: %s "
		 "will be missing: permission denied",
		 (int)target, NOBODY, groups);
	if (count(r.err, want) != 1)
		fail_msg("want once '%s' in '%s'", want, r.err);
	assert_int_equal(count(r.err, "not fully readable"), 1);

	run_vigil(&r, "report", session);
	assert_int_equal(r.status, 0);
	snprintf(want, sizeof(want),
		 "access    pid %d (sleeper) was not fully readable by the recorder: %s "
		 "are missing (permission denied)\n",
		 (int)target, groups);
	if (!strstr(r.out, want))
		fail_msg("want '%s' in '%s'", want, r.out);
	run_vigil(&r, "report", session, "--json");
	assert_int_equal(r.status, 0);
	assert_string_equal(jq(r.out, ".access | length", buf, sizeof(buf)), "1");
	assert_int_equal((int)jq_num(r.out, ".access[0].pid"), (int)target);
	assert_string_equal(
		jq(r.out, ".access[0].missing | join(\",\")", buf, sizeof(buf)),
		"io,fds,smaps,syscalls");
	assert_string_equal(jq(r.out, ".access[0].reason", buf, sizeof(buf)),
			    "permission denied");

	/* the same process recorded as root: every figure, nothing said */
	remove_session(session);
	run_vigil(&r, "record", "-p", pid, "-d", "1s", "-i", "200ms", "-o", session);
	assert_int_equal(r.status, 0);
	assert_null(strstr(r.err, "not fully readable"));
	run_vigil(&r, "report", session);
	assert_int_equal(r.status, 0);
	/* at a line's start: a top table's COMMAND column may end in
	 * "test_access" and padding */
	assert_null(strstr(r.out, "\naccess    "));
	run_vigil(&r, "report", session, "--json");
	assert_string_equal(jq(r.out, ".access | length", buf, sizeof(buf)), "0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_statsd_exposed_is_said, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_statsd_loopback_is_quiet, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_statsd_bad_is_usage_error, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unreadable_target_is_said, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
