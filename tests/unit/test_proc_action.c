/* SPDX-License-Identifier: MIT */
/*
 * test_proc_action: kill and renice by identity (core/proc_action), on a
 * child of the test only. The identity is read from a fixture proc tree in
 * a scratch directory, whose <pid>/stat names the child with a start time
 * the test chooses: a matching one lets the signal or the new nice reach the
 * child, another one (a reused pid) must leave it untouched. Then the
 * session side: the records the writer thread is handed come back from
 * proc_actions, in order, through query_proc_actions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "core/proc_action.h"
#include "sql.h"
#include "store/action_rows.h"
#include "store/writer.h"
#include "tempdir.h"

#define START 4242 /* the start time the fixture stat gives */

static char root[64];

/* <root>/<pid>/stat for pid with comm, nice and start time. */
static void write_stat(pid_t pid, const char *comm, int nice, uint64_t start)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%d", root, (int)pid);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/%d/stat", root, (int)pid);
	f = fopen(path, "w");
	assert_non_null(f);
	/* fields 4..18, then nice (19), threads, itrealvalue, starttime (22) */
	fprintf(f,
		"%d (%s) S 1 %d %d 0 -1 4194304 100 0 0 0 1 2 0 0 20 %d 1 0 %llu "
		"2000000 100 18446744073709551615\n",
		(int)pid, comm, (int)pid, (int)pid, nice, (unsigned long long)start);
	fclose(f);
}

static pid_t child(void)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

/* The child is still running: not signalled, not reaped. */
static bool running(pid_t pid)
{
	return waitpid(pid, NULL, WNOHANG) == 0;
}

static void end_child(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static int setup(void **state)
{
	(void)state;
	tempdir_make(root, sizeof(root), "procact");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tempdir_remove(root);
	return 0;
}

static void test_identity(void **state)
{
	struct proc_action a;
	char path[256];
	int nice = 99;

	(void)state;
	write_stat(1234, "a (b) c", 5, START); /* a comm with ") " inside */
	proc_action_init(&a, 1234, START, "a (b) c");
	assert_int_equal(proc_action_identity(root, &a, &nice), 0);
	assert_int_equal(nice, 5);
	a.start_ticks = START + 1;
	assert_int_equal(proc_action_identity(root, &a, NULL), -ESTALE);
	proc_action_init(&a, 999, START, "gone");
	assert_int_equal(proc_action_identity(root, &a, NULL), -ESRCH);
	snprintf(path, sizeof(path), "%s/77", root);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/77/stat", root);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("77 (x) S 1 2\n", f); /* cut short */
	fclose(f);
	proc_action_init(&a, 77, START, "x");
	assert_int_equal(proc_action_identity(root, &a, NULL), -EIO);
}

static void test_signal_reaches_only_the_same_process(void **state)
{
	pid_t pid = child();
	struct proc_action a;
	char text[256];
	int status = 0;

	(void)state;
	/* the pid now belongs to a process that started later */
	write_stat(pid, "sleeper", 0, START + 100);
	proc_action_init(&a, pid, START, "sleeper");
	assert_int_equal(proc_action_signal(root, &a, SIGTERM), -ESTALE);
	assert_false(a.ok);
	assert_string_equal(a.what, "signal");
	assert_string_equal(a.detail, "SIGTERM");
	assert_non_null(strstr(a.result, "another process now: nothing sent"));
	assert_true(a.t_ms > 0);
	assert_true(running(pid));
	proc_action_describe(&a, text, sizeof(text));
	assert_non_null(strstr(text, "kill "));

	/* the same process: it gets the signal */
	write_stat(pid, "sleeper", 0, START);
	assert_int_equal(proc_action_signal(root, &a, SIGTERM), 0);
	assert_true(a.ok);
	assert_string_equal(a.result, "ok");
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	proc_action_describe(&a, text, sizeof(text));
	snprintf(a.result, sizeof(a.result), "sent SIGTERM to %d sleeper", (int)pid);
	assert_string_equal(text, a.result);

	/* gone (reaped): the kernel's own word for it */
	proc_action_init(&a, pid, START, "sleeper");
	assert_int_equal(proc_action_signal(root, &a, SIGTERM), -ESRCH);
	proc_action_describe(&a, text, sizeof(text));
	snprintf(a.result, sizeof(a.result), "kill %d: No such process", (int)pid);
	assert_string_equal(text, a.result);
}

static void test_renice(void **state)
{
	pid_t pid = child();
	struct proc_action a;
	char text[256];

	(void)state;
	write_stat(pid, "sleeper", 0, START);
	proc_action_init(&a, pid, START, "sleeper");
	assert_int_equal(proc_action_renice(root, &a, +1), 0);
	assert_string_equal(a.what, "renice");
	assert_string_equal(a.detail, "nice 0 -> 1");
	errno = 0;
	assert_int_equal(getpriority(PRIO_PROCESS, (id_t)pid), 1);
	proc_action_describe(&a, text, sizeof(text));
	snprintf(a.result, sizeof(a.result), "renice %d sleeper: nice 0 -> 1", (int)pid);
	assert_string_equal(text, a.result);

	/* already at the end of the range: nothing to do, said so */
	write_stat(pid, "sleeper", 19, START);
	proc_action_init(&a, pid, START, "sleeper");
	assert_int_equal(proc_action_renice(root, &a, +1), -ERANGE);
	assert_false(a.ok);
	assert_string_equal(a.result, "already at nice 19");
	assert_int_equal(getpriority(PRIO_PROCESS, (id_t)pid), 1);

	/* another process has the pid: its nice stays */
	write_stat(pid, "sleeper", 1, START + 1);
	proc_action_init(&a, pid, START, "sleeper");
	assert_int_equal(proc_action_renice(root, &a, +1), -ESTALE);
	assert_string_equal(a.detail, "nice +1");
	assert_int_equal(getpriority(PRIO_PROCESS, (id_t)pid), 1);
	end_child(pid);
}

static void test_signal_table(void **state)
{
	static const char *const want[] = {"TERM", "KILL", "HUP",  "INT", "QUIT",
					   "USR1", "USR2", "STOP", "CONT"};
	size_t n;
	const struct proc_signal *s = proc_action_signals(&n);

	(void)state;
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(s[i].name, want[i]);
		assert_string_equal(sigabbrev_np(s[i].number), want[i]);
	}
}

/* The writer thread stores the records it is handed, in order. */
static void test_records_stored(void **state)
{
	char path[64];
	struct store *s = sql_session_new(path, sizeof(path), "procact", 1000, 100);
	struct store_writer *w;
	struct proc_action a, b, *v;
	char err[256];
	size_t n;

	(void)state;
	assert_non_null(s);
	proc_action_init(&a, 10, 77, "evil\033]0;x");
	a.t_ms = 2000;
	snprintf(a.what, sizeof(a.what), "signal");
	snprintf(a.detail, sizeof(a.detail), "SIGKILL");
	a.ok = true;
	snprintf(a.result, sizeof(a.result), "ok");
	proc_action_init(&b, 11, 78, "b");
	b.t_ms = 3000;
	snprintf(b.what, sizeof(b.what), "renice");
	snprintf(b.result, sizeof(b.result), "Operation not permitted");
	w = store_writer_start(s, 4);
	store_writer_push_action(w, &a);
	store_writer_push_action(w, &b);
	store_writer_finish(w, NULL); /* no frame came: written at the end */
	store_close(s);

	assert_int_equal(sql_int(path, "SELECT count(*) FROM proc_actions"), 2);
	assert_int_equal(store_open(path, &s, err, sizeof(err)), 0);
	assert_int_equal(query_proc_actions(s, 0, 10000, 10, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].pid, 10);
	assert_int_equal(v[0].start_ticks, 77);
	assert_string_equal(v[0].comm, "evil\033]0;x"); /* stored as it is */
	assert_string_equal(v[0].detail, "SIGKILL");
	assert_true(v[0].ok);
	assert_false(v[1].ok);
	assert_string_equal(v[1].result, "Operation not permitted");
	free(v);
	/* the newest one when max is 1; none outside the time asked */
	assert_int_equal(query_proc_actions(s, 0, 10000, 1, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].pid, 11);
	free(v);
	assert_int_equal(query_proc_actions(s, 2500, 2600, 10, &v, &n), 0);
	assert_int_equal(n, 0);
	assert_null(v);
	store_close(s);

	/* a file from before schema 7 has none, and no error */
	sql_exec(path, "DROP TABLE proc_actions; PRAGMA user_version = 6;");
	assert_int_equal(store_open(path, &s, err, sizeof(err)), 0);
	assert_int_equal(query_proc_actions(s, 0, 10000, 10, &v, &n), 0);
	assert_int_equal(n, 0);
	store_close(s);
	unlink(path);
	snprintf(err, sizeof(err), "%s-wal", path);
	unlink(err);
	snprintf(err, sizeof(err), "%s-shm", path);
	unlink(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signal_table),
		cmocka_unit_test_setup_teardown(test_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signal_reaches_only_the_same_process,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_renice, setup, teardown),
		cmocka_unit_test(test_records_stored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
