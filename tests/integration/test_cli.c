/* SPDX-License-Identifier: MIT */
/*
 * test_cli: the command-line contract of the real binary. Usage errors exit 2,
 * runtime failures exit 1, both with one "vigil: ..." line on stderr; nothing
 * crashes and no stray session file is left behind.
 */
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"

static char dir[4096], session[4200];

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
	fixtures_stop_all();
	char cmd[4200];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* stderr is exactly one line starting with "vigil: " and containing needle. */
static void assert_one_error_line(const struct run_result *r, const char *needle)
{
	assert_true(!strncmp(r->err, "vigil: ", 7));
	assert_non_null(strstr(r->err, needle));
	assert_ptr_equal(strchr(r->err, '\n'), r->err + strlen(r->err) - 1);
}

static void test_version_and_help(void **state)
{
	struct run_result r;

	(void)state;
	run_vigil(&r, "--version");
	assert_int_equal(r.status, 0);
	assert_true(!strncmp(r.out, "vigil ", 6));
	run_vigil(&r, "-V");
	assert_int_equal(r.status, 0);
	assert_true(!strncmp(r.out, "vigil ", 6));
	run_vigil(&r, "--help");
	assert_int_equal(r.status, 0);
	/* the console's usage, then every subcommand */
	assert_true(!strncmp(r.out, "usage: vigil [OPTIONS]", 22));
	assert_non_null(strstr(r.out, "vigil record [OPTIONS] [-- CMD ARGS...]"));
	assert_non_null(strstr(r.out, "vigil replay [OPTIONS] FILE"));
	assert_non_null(strstr(r.out, "vigil report [OPTIONS] FILE"));
	assert_non_null(strstr(r.out, "vigil export [OPTIONS] FILE"));
	assert_non_null(strstr(r.out, "vigil profile [OPTIONS]"));
	assert_string_equal(r.err, "");
}

static void test_usage_errors_exit_2(void **state)
{
	struct run_result r;

	(void)state;
	run_vigil(&r, "record", "-d", "5parsecs", "-o", session);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "bad duration '5parsecs'"));
	run_vigil(&r, "record", "-i", "10ms", "-o", session);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "minimum is 100ms"));
	run_vigil(&r, "record", "-p", "12x", "-o", session);
	assert_int_equal(r.status, 2);
	run_vigil(&r, "record", "--bogus");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "unknown option '--bogus'"));
	run_vigil(&r, "record", "-p", "1", "-o", session, "--", "true");
	assert_int_equal(r.status, 2);
	run_vigil(&r, "frobnicate");
	assert_int_equal(r.status, 2);
	run_vigil(&r, "report");
	assert_int_equal(r.status, 2);
	run_vigil(&r, "record", "-o", session, "--");
	assert_int_equal(r.status, 2);
	assert_int_equal(access(session, F_OK), -1);
}

static void test_unknown_pid_exits_1(void **state)
{
	struct run_result r;
	char pidbuf[16];
	pid_t pid = fixture_start("sleeper", NULL);

	(void)state;
	assert_true(pid > 0);
	fixture_stop(pid); /* a pid that surely does not exist right now */
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
	run_vigil(&r, "record", "-p", pidbuf, "-d", "1s", "-o", session);
	assert_int_equal(r.status, 1);
	assert_one_error_line(&r, "cannot attach to pid");
	assert_non_null(strstr(r.err, "no such process"));
	assert_int_equal(access(session, F_OK), -1); /* nothing left behind */
}

static void test_existing_output_needs_force(void **state)
{
	struct run_result r;
	FILE *f = fopen(session, "w");

	(void)state;
	assert_non_null(f);
	fputs("precious\n", f);
	fclose(f);
	run_vigil(&r, "record", "-d", "300ms", "-i", "100ms", "-o", session);
	assert_int_equal(r.status, 1);
	assert_one_error_line(&r, "exists (use --force to overwrite)");
	run_vigil(&r, "report", session);
	assert_int_equal(r.status, 1);
	assert_one_error_line(&r, "cannot open session");
	run_vigil(&r, "record", "-d", "300ms", "-i", "100ms", "-o", session, "--force");
	assert_int_equal(r.status, 0);
	run_vigil(&r, "report", session);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "target    none"));
}

static void test_unwritable_output_exits_1(void **state)
{
	struct run_result r;
	char path[4300];

	(void)state;
	snprintf(path, sizeof(path), "%s/no/such/dir/s.vigil", dir);
	run_vigil(&r, "record", "-d", "300ms", "-o", path);
	assert_int_equal(r.status, 1);
	assert_one_error_line(&r, "No such file or directory");
}

static void test_command_that_cannot_run(void **state)
{
	struct run_result r;

	(void)state;
	run_vigil(&r, "record", "-d", "1s", "-o", session, "--", "/nonexistent/cmd", "x");
	assert_int_equal(r.status, 1);
	assert_one_error_line(&r, "cannot run '/nonexistent/cmd'");
	assert_int_equal(access(session, F_OK), -1);
}

static void test_report_rejects_non_sessions(void **state)
{
	struct run_result r;
	char path[4300], cmd[4400];
	FILE *f;

	(void)state;
	run_vigil(&r, "report", "/nonexistent.vigil");
	assert_int_equal(r.status, 1);
	assert_one_error_line(&r, "cannot open session '/nonexistent.vigil'");
	snprintf(path, sizeof(path), "%s/other.db", dir);
	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' 'CREATE TABLE t(x)'", path);
	assert_int_equal(system(cmd), 0);
	run_vigil(&r, "report", path);
	assert_int_equal(r.status, 1);
	assert_one_error_line(&r, "not a vigil session file");
	snprintf(path, sizeof(path), "%s/empty.db", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	run_vigil(&r, "report", path, "--json");
	assert_int_equal(r.status, 1);
	assert_one_error_line(&r, "cannot open session");
}

/*
 * Another user's process: its io file is closed to us. The tick goes on, the
 * value is recorded as unavailable with the reason. Needs root to become
 * "nobody"; skipped otherwise.
 */
static void test_unreadable_files_do_not_abort(void **state)
{
	struct passwd *nobody = getpwnam("nobody");
	pid_t target = fixture_start("sleeper", NULL), rec;
	char pidbuf[16], cmd[4400], line[256] = "";
	int status;
	FILE *p;

	(void)state;
	assert_true(target > 0);
	if (getuid() != 0 || !nobody) {
		fixture_stop(target);
		skip();
	}
	assert_int_equal(chmod(dir, 0777), 0);
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)target);
	rec = fork();
	if (rec == 0) {
		if (setgid(nobody->pw_gid) || setuid(nobody->pw_uid))
			_exit(126);
		if (access(vigil_bin(), X_OK) != 0)
			_exit(77); /* checkout under a private home: cannot run as nobody
				    */
		execl(vigil_bin(), "vigil", "record", "-p", pidbuf, "-i", "100ms", "-d",
		      "600ms", "-o", session, (char *)NULL);
		_exit(127);
	}
	waitpid(rec, &status, 0);
	fixture_stop(target);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
		skip();
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	snprintf(cmd, sizeof(cmd),
		 "sqlite3 -readonly '%s' \"SELECT COUNT(*), MAX(why) FROM "
		 "target_samples\"",
		 session);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(line, sizeof(line), p));
	pclose(p);
	assert_true(atoi(line) >= 3);
	assert_non_null(strstr(line, "io: Permission denied"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_and_help),
		cmocka_unit_test_setup_teardown(test_usage_errors_exit_2, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unknown_pid_exits_1, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_existing_output_needs_force, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unwritable_output_exits_1, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_command_that_cannot_run, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_report_rejects_non_sessions, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unreadable_files_do_not_abort, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
