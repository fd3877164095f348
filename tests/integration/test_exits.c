/* SPDX-License-Identifier: MIT */
/*
 * test_exits: processes that live and die between two ticks are in the
 * session, through the real binary and the kernel's exit accounting.
 *
 * - While `vigil record -i 1s` runs, the forkstorm fixture runs 40 children
 *   one after another, each touching 16 MiB and burning some CPU, exiting
 *   with a status it was given (or killed by SIGUSR2). Every child is in
 *   proc_exits, in order, with the fixture as parent, the command name
 *   "forkstorm" (and its command line, unless it was gone before vigil
 *   could read it, which the session counts), peak RSS >= 16 MiB, CPU > 0,
 *   a lifetime under a second and its exit status; report --json counts
 *   them, and export --exits has them. Skipped without root (exit accounting needs
 * CAP_NET_ADMIN).
 * - Recorded without CAP_NET_ADMIN (setpriv drops it), the recording goes
 *   on and the report says exit accounting was off and why.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"
#include "store/exit_rows.h"

#define CHILDREN 40
#define CHILD_MIB 16

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

/* Polls until the session has at least n ticks; false past the bound. */
static bool wait_ticks(uint64_t n)
{
	uint64_t ticks = 0;

	for (int i = 0; i < 600; i++) { /* 60 s at most, whatever the load */
		session_last_tick(session, &ticks);
		if (ticks >= n)
			return true;
		sleep_ms(100);
	}
	return false;
}

/* Runs forkstorm to its end; its pid (the children's parent), or -1. */
static pid_t run_forkstorm(void)
{
	char n[16], mib[16], line[64] = "";
	char *path = fixture_path("forkstorm");
	int fd[2], status, got = -1;
	pid_t pid;

	snprintf(n, sizeof(n), "%d", CHILDREN);
	snprintf(mib, sizeof(mib), "%d", CHILD_MIB);
	if (pipe(fd) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]), close(fd[1]);
		execl(path, path, n, mib, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	drain(fd[0], line, sizeof(line));
	close(fd[0]);
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    sscanf(line, "done %d", &got) != 1 || got != (int)pid)
		return -1;
	return pid;
}

static void check_child(const struct proc_exit *x, int i, const char *path)
{
	char want[4200];

	assert_string_equal(x->comm, "forkstorm");
	snprintf(want, sizeof(want), "%s child %d %d", path, i, CHILD_MIB);
	if (x->cmdline)
		assert_string_equal(x->cmdline, want);
	if (x->peak_rss < (uint64_t)CHILD_MIB << 20)
		fail_msg("child %d: peak RSS %llu < %d MiB", i,
			 (unsigned long long)x->peak_rss, CHILD_MIB);
	assert_true(x->cpu_ns > 0);
	assert_true(x->end_ms >= x->start_ms);
	assert_true(x->end_ms - x->start_ms < 1000);
	assert_int_equal(x->threads, 1);
	if (i % 10 == 9) {
		assert_int_equal(x->exit_code, -1);
		assert_int_equal(x->exit_signal, SIGUSR2);
	} else {
		assert_int_equal(x->exit_code, i % 8);
		assert_int_equal(x->exit_signal, 0);
	}
}

static void test_short_lived_children(void **state)
{
	const char *const args[] = {"record", "-i", "1s",    "--statsd",
				    "off",    "-o", session, NULL};
	struct exit_summary sum;
	struct proc_exit *v;
	struct run_result r;
	struct store *st;
	size_t n, k = 0, no_cmd = 0;
	uint64_t ticks;
	char err[256], buf[64], filter[200], out[128];
	pid_t vigil, storm;
	int status;

	(void)state;
	if (geteuid() != 0)
		skip();
	vigil = vigil_start(args);
	assert_true(vigil > 0);
	assert_true(wait_ticks(1));
	storm = run_forkstorm();
	assert_true(storm > 0);
	/* two more ticks: the one that takes the last exits has been written */
	session_last_tick(session, &ticks);
	assert_true(wait_ticks(ticks + 2));
	kill(vigil, SIGTERM);
	waitpid(vigil, &status, 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	assert_int_equal(store_open(session, &st, err, sizeof(err)), 0);
	assert_int_equal(query_proc_exits(st, INT64_MIN, INT64_MAX, 100000, &v, &n), 0);
	for (size_t j = 0; j < n; j++) {
		if (v[j].ppid != storm)
			continue;
		assert_true(k < CHILDREN);
		check_child(&v[j], (int)k++, fixture_path("forkstorm"));
		no_cmd += !v[j].cmdline;
	}
	assert_int_equal(k, CHILDREN);
	assert_int_equal(query_exit_summary(st, INT64_MIN, INT64_MAX, &sum), 0);
	assert_true(sum.recorded && sum.running && sum.cmdlines);
	assert_true(sum.no_cmdline >= no_cmd); /* a missing one is counted */
	assert_int_equal(sum.lost, 0);
	proc_exit_rows_free(v, n);
	store_close(st);

	run_vigil(&r, "report", session, "--json");
	assert_int_equal(r.status, 0);
	assert_string_equal(jq(r.out, ".exits.recording", buf, sizeof(buf)), "true");
	assert_true(jq_num(r.out, ".exits.count") >= CHILDREN);
	assert_true(jq_num(r.out, ".exits.failed") >= CHILDREN - 5);

	/* export --exits: the same rows for other tools (a busy machine's
	 * exits outgrow a captured stdout: through a file) */
	snprintf(out, sizeof(out), "%s/exits.json", dir);
	run_vigil(&r, "export", session, "--exits", "--format", "json", "-o", out);
	assert_int_equal(r.status, 0);
	snprintf(filter, sizeof(filter),
		 "map(select(.ppid == %d and .comm == \"forkstorm\" and "
		 ".peak_rss_bytes >= %d)) | length",
		 (int)storm, CHILD_MIB << 20);
	assert_int_equal(atoi(jq_path(out, filter, buf, sizeof(buf))), CHILDREN);
	run_vigil(&r, "export", session, "--exits", "--to", "start");
	assert_int_equal(r.status, 0);
	assert_true(
		!strncmp(r.out, "pid,ppid,uid,comm,cmdline,start_ms,end_ms,cpu_ns,", 49));
}

static void test_off_without_cap(void **state)
{
	struct run_result r;
	char buf[256], cmd[1024];

	(void)state;
	if (geteuid() != 0 || access("/usr/bin/setpriv", X_OK) != 0)
		skip();
	/* setpriv runs vigil without CAP_NET_ADMIN */
	snprintf(cmd, sizeof(cmd),
		 "/usr/bin/setpriv --bounding-set -net_admin --inh-caps -net_admin "
		 "'%s' record -i 250ms -d 1s --statsd off -o '%s' >/dev/null 2>&1",
		 vigil_bin(), session);
	assert_int_equal(system(cmd), 0);
	run_vigil(&r, "report", session);
	assert_int_equal(r.status, 0);
	if (!strstr(r.out, "exited    not recorded: needs root (CAP_NET_ADMIN)\n"))
		fail_msg("no reason in the report: %s", r.out);
	run_vigil(&r, "report", session, "--json");
	assert_int_equal(r.status, 0);
	assert_string_equal(jq(r.out, ".exits.recording", buf, sizeof(buf)), "false");
	assert_string_equal(jq(r.out, ".exits.why", buf, sizeof(buf)),
			    "needs root (CAP_NET_ADMIN)");
	assert_true(jq_num(r.out, ".session.ticks") >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_short_lived_children, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_off_without_cap, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
