/* SPDX-License-Identifier: MIT */
/*
 * test_cgtarget_screen: `vigil -c CGROUP` at 80x24 on a REAL cgroup the
 * test makes (vigil-cgs-<pid>, in the hierarchy vigil lists processes
 * from: the v2 root, or v1's memory), with a sleeper in it. The console
 * opens on the cgroup's target screen: its name and path, one process, the
 * sleeper in the processes panel, the Cgrp line with its memory, the
 * Pressure panel (its PSI, quota and pids), the Memory panel saying the leak verdict
 * judges memory.current. The sleeper killed, the screen counts it gone; the cgroup
 * removed, the screen says so. Skipped, with the reason, when not root or when the
 * hierarchy cannot be written; the teardown removes what the test made.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tmux.h"

#include <limits.h>

#define CG_ROOT "/sys/fs/cgroup"

static char name[64], cgdir[PATH_MAX];
static bool made;
static pid_t sleeper;

static int setup(void **state)
{
	(void)state;
	if (tmux_begin("cgtarget") < 0)
		return -1;
	snprintf(name, sizeof(name), "vigil-cgs-%d", (int)getpid());
	if (geteuid() != 0) {
		print_message("skipped: making a cgroup needs root\n");
		return 0;
	}
	if (access(CG_ROOT "/cgroup.controllers", F_OK) == 0)
		snprintf(cgdir, sizeof(cgdir), CG_ROOT "/%s", name);
	else
		snprintf(cgdir, sizeof(cgdir), CG_ROOT "/memory/%s", name);
	if (mkdir(cgdir, 0755) < 0) {
		print_message("skipped: cannot make %s: %s\n", cgdir, strerror(errno));
		return 0;
	}
	made = true;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (sleeper > 0)
		fixture_stop(sleeper);
	sleeper = 0;
	if (made)
		for (int k = 0; k < 100 && rmdir(cgdir) < 0 && errno == EBUSY; k++)
			sleep_ms(20);
	made = false;
	return tmux_end();
}

/* A sleeper that enters the cgroup before it execs. */
static pid_t start_sleeper(void)
{
	char line[16] = "", path[PATH_MAX + 32];
	int pipefd[2];
	pid_t pid;

	if (pipe(pipefd) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		FILE *f;

		dup2(pipefd[1], 1);
		dup2(devnull, 2);
		close(pipefd[0]);
		close(pipefd[1]);
		snprintf(path, sizeof(path), "%s/cgroup.procs", cgdir);
		f = fopen(path, "w");
		if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f) != 0)
			_exit(126);
		execl(fixture_path("sleeper"), "sleeper", (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	if (read(pipefd[0], line, sizeof(line) - 1) <= 0 || strncmp(line, "ready", 5))
		pid = -1;
	close(pipefd[0]);
	return pid;
}

static void test_cgroup_target_screen(void **state)
{
	char path[256], text[128];
	FILE *f;

	(void)state;
	if (!made)
		skip();
	sleeper = start_sleeper();
	assert_true(sleeper > 0);
	snprintf(path, sizeof(path), "%s/run.sh", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f,
		"VIGIL_LEAK=every=1s XDG_STATE_HOME='%s' '%s' --ascii --no-history "
		"--statsd off -i 200ms "
		"-c '%s'\necho EXIT=$?\nsleep 600\n",
		dir, vigil_bin(), cgdir);
	fclose(f);
	assert_int_equal(tmux("new-session -d -s t -x 80 -y 24 'sh %s'", path), 0);

	/* the path as the cgroup table names it, however -c was written */
	snprintf(text, sizeof(text), "CGROUP %s", name);
	assert_true(wait_for(text));
	snprintf(text, sizeof(text), "/%s  (figures: its processes summed", name);
	assert_true(wait_for(text));
	assert_true(wait_for("1 process "));
	snprintf(text, sizeof(text), "busiest %d sleeper", (int)sleeper);
	assert_true(wait_for(text));
	/* the processes panel in place of threads, the cgroup's own line */
	assert_true(wait_for("PID PROCESS"));
	snprintf(text, sizeof(text), "%7d sleeper", (int)sleeper);
	assert_true(wait_for(text));
	assert_true(wait_for("Cgrp vigil-cgs"));
	assert_true(wait_for(" Processes   Pressure   Memory "));
	/* the Latency tab's place: the cgroup's pressure (absent on a v1-only
	 * cgroup, which has no pressure files), quota and pids */
	tmux("send-keys -t t Tab");
	assert_true(wait_for("PSI %    some10"));
	assert_true(
		wait_for_either("CPU quota unknown, throttling unknown", "CPU no quota"));
	assert_true(wait_for_either("\ncpu  ", "no pressure files for this cgroup"));
	/* the Memory panel: the cgroup's memory, and what the verdict judges */
	tmux("send-keys -t t Tab");
	assert_true(wait_for("memory.current "));
	assert_true(wait_for("floors of the cgroup's memory.current"));
	tmux("send-keys -t t Tab");
	assert_true(wait_for("PID PROCESS"));

	/* it goes: counted, not an error */
	fixture_stop(sleeper);
	sleeper = 0;
	assert_true(wait_for("0 processes"));
	assert_true(wait_for("+0 -1 since attach"));
	assert_true(wait_for("no process"));

	/* the cgroup goes: the screen says so */
	assert_int_equal(rmdir(cgdir), 0);
	made = false;
	assert_true(wait_for("cgroup removed: showing its last sample"));
	tmux("send-keys -t t q");
	assert_true(wait_for("EXIT=0"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cgroup_target_screen, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
