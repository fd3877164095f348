/* SPDX-License-Identifier: MIT */
/*
 * test_target_access: which groups of a process's files a reader is refused,
 * against proc trees made in a temp directory (a file the kernel lacks is
 * not a refusal; a file the reader may not open is), and the sentences the
 * groups are said in.
 *
 * Refusals need a reader without root's DAC override: as root, a forked child
 * drops to uid/gid 65534 and runs the check there; as anyone else the test
 * runs the check itself.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "collectors/target_access.h"

#define PID 4242

static char root[64];

static void put(const char *rel, const char *text, mode_t mode)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%d/%s", root, PID, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static void dir(const char *rel, mode_t mode)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%d%s%s", root, PID, *rel ? "/" : "", rel);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/vigil-access-XXXXXX");
	if (!mkdtemp(root) || chmod(root, 0755) < 0)
		return -1;
	dir("", 0755);
	put("comm", "server\n", 0644);
	return 0;
}

static int teardown(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx '%s' && rm -rf '%s'", root, root);
	return system(cmd) == 0 ? 0 : -1;
}

/* target_access_check on the tree as a reader without DAC override; *err too. */
static unsigned check_unprivileged(int *err)
{
	int status, fds[2];
	unsigned got[2] = {0, 0};
	pid_t pid;

	if (geteuid() != 0) {
		got[0] = target_access_check(root, PID, err);
		return got[0];
	}
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(1);
		got[0] = target_access_check(root, PID, (int *)&got[1]);
		_exit(write(fds[1], got, sizeof(got)) == sizeof(got) ? 0 : 1);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], got, sizeof(got)), sizeof(got));
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	*err = (int)got[1];
	return got[0];
}

static void test_readable_or_absent_is_not_refused(void **state)
{
	int err = -1;

	(void)state;
	/* nothing but comm: every group is absent (ENOENT), none refused */
	assert_int_equal(target_access_check(root, PID, &err), 0);
	assert_int_equal(err, 0);
	assert_int_equal(check_unprivileged(&err), 0);
	put("io", "rchar: 1\n", 0644);
	dir("fd", 0755);
	put("smaps_rollup", "", 0644); /* empty reads as readable */
	put("syscall", "running\n", 0644);
	assert_int_equal(check_unprivileged(&err), 0);
	assert_int_equal(err, 0);
	/* a process that is gone is not a refusal either */
	assert_int_equal(target_access_check(root, PID + 1, &err), 0);
	assert_int_equal(target_access_check(root, PID, NULL), 0);
}

static void test_refused_groups(void **state)
{
	char path[256];
	int err = 0;

	(void)state;
	put("io", "rchar: 1\n", 0000);
	dir("fd", 0000);
	put("smaps_rollup", "x\n", 0644);
	put("syscall", "running\n", 0000);
	assert_int_equal(check_unprivileged(&err),
			 TARGET_ACCESS_IO | TARGET_ACCESS_FDS | TARGET_ACCESS_SYSCALL);
	assert_int_equal(err, EACCES);
	/* without smaps_rollup (before 4.14) maps decides */
	put("maps", "x\n", 0000);
	snprintf(path, sizeof(path), "%s/%d/smaps_rollup", root, PID);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(check_unprivileged(&err) & TARGET_ACCESS_MAPS,
			 TARGET_ACCESS_MAPS);
}

static void test_jvm_only_for_java(void **state)
{
	int err = 0;

	(void)state;
	dir("root", 0000);
	assert_int_equal(check_unprivileged(&err), 0); /* "server" is no JVM */
	put("comm", "java\n", 0644);
	assert_int_equal(check_unprivileged(&err), TARGET_ACCESS_JVM);
	assert_int_equal(err, EACCES);
}

static void test_sentences(void **state)
{
	const unsigned four = TARGET_ACCESS_IO | TARGET_ACCESS_FDS | TARGET_ACCESS_MAPS |
			      TARGET_ACCESS_SYSCALL;
	char buf[512];

	(void)state;
	target_access_list(0, false, buf, sizeof(buf));
	assert_string_equal(buf, "");
	target_access_list(TARGET_ACCESS_IO, false, buf, sizeof(buf));
	assert_string_equal(buf, "io");
	target_access_list(TARGET_ACCESS_IO | TARGET_ACCESS_FDS, false, buf, sizeof(buf));
	assert_string_equal(buf, "io and fds");
	target_access_list(four, false, buf, sizeof(buf));
	assert_string_equal(buf, "io, fds, memory regions (smaps) and syscalls");
	target_access_list(TARGET_ACCESS_ALL, true, buf, sizeof(buf));
	assert_string_equal(buf, "io, fds, smaps, syscalls, hsperf");
	target_access_list(four, false, buf, 10); /* cut, still terminated */
	assert_string_equal(buf, "io, fds, ");

	assert_string_equal(target_access_name(TARGET_ACCESS_MAPS), "smaps");
	assert_string_equal(target_access_name(TARGET_ACCESS_JVM), "hsperf");
	assert_null(target_access_name(TARGET_ACCESS_IO | TARGET_ACCESS_FDS));
	assert_null(target_access_name(0));

	target_access_warning(TARGET_ACCESS_STDERR, 1, "systemd", 65534, four, EACCES,
			      buf, sizeof(buf));
	assert_string_equal(buf, "warning: pid 1 (systemd) is not fully readable as uid "
				 "65534: io, fds, memory regions (smaps) and syscalls "
				 "will be missing: permission denied; run as root or as "
				 "the process's user");
	target_access_warning(TARGET_ACCESS_STATUS, 1, "systemd", 65534, four, EPERM, buf,
			      sizeof(buf));
	assert_string_equal(buf,
			    "pid 1 (systemd): no io, fds, smaps, syscalls (operation not "
			    "permitted)");
	target_access_warning(TARGET_ACCESS_REPORT, 7, "x", 0, TARGET_ACCESS_IO, EACCES,
			      buf, sizeof(buf));
	assert_string_equal(buf,
			    "pid 7 (x) was not fully readable by the recorder: io is "
			    "missing (permission denied)");
	/* a name chosen to drive the terminal is shown, not obeyed */
	target_access_warning(TARGET_ACCESS_STATUS, 9, "a\033]0;x\007\nb\177", 0,
			      TARGET_ACCESS_IO, EACCES, buf, sizeof(buf));
	assert_string_equal(buf, "pid 9 (a?]0;x??b?): no io (permission denied)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_readable_or_absent_is_not_refused,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_groups, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jvm_only_for_java, setup, teardown),
		cmocka_unit_test(test_sentences),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
