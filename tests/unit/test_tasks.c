/* SPDX-License-Identifier: MIT */
/*
 * test_tasks: the threads of a process with their files kept open, over a
 * fixture tree made in a temp dir: the listing (ascending, junk names
 * skipped), re-reading a kept file at offset 0 after it changed, closing the
 * files of a thread that left, a thread whose files vanished, and the
 * descriptor budget under a small RLIMIT_NOFILE.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "collectors/tasks.h"

#define PID 4242

struct tree {
	char dir[64];
};

static void put(const struct tree *t, int tid, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%d/task/%d", t->dir, PID, tid);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/%d/task/%d/%s", t->dir, PID, tid, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void drop(const struct tree *t, int tid)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%d/task/%d/stat", t->dir, PID, tid);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%d/task/%d/schedstat", t->dir, PID, tid);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%d/task/%d", t->dir, PID, tid);
	rmdir(path);
}

static void add_thread(const struct tree *t, int tid)
{
	char text[64];

	snprintf(text, sizeof(text), "%d (t) S 1\n", tid);
	put(t, tid, "stat", text);
	snprintf(text, sizeof(text), "%d 0 1\n", tid * 10);
	put(t, tid, "schedstat", text);
}

static int setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));
	char path[PATH_MAX];

	assert_non_null(t);
	snprintf(t->dir, sizeof(t->dir), "/tmp/vigil-tasks-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(path, sizeof(path), "%s/%d", t->dir, PID);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/%d/task", t->dir, PID);
	assert_int_equal(mkdir(path, 0700), 0);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tree *t = *state;
	char path[PATH_MAX];

	for (int tid = 1; tid <= 200; tid++)
		drop(t, tid);
	drop(t, PID);
	snprintf(path, sizeof(path), "%s/%d/task/junk", t->dir, PID);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/%d/task", t->dir, PID);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/%d", t->dir, PID);
	rmdir(path);
	rmdir(t->dir);
	free(t);
	return 0;
}

static void test_list_and_reread(void **state)
{
	struct tree *t = *state;
	struct task_files *tf = task_files_new(t->dir, PID);
	char path[PATH_MAX], buf[128];
	const int *tids;

	add_thread(t, 7);
	add_thread(t, PID);
	add_thread(t, 12);
	snprintf(path, sizeof(path), "%s/%d/task/junk", t->dir, PID);
	assert_int_equal(mkdir(path, 0700), 0);

	assert_int_equal(task_files_list(tf, &tids), 3);
	assert_int_equal(tids[0], 7);
	assert_int_equal(tids[1], 12);
	assert_int_equal(tids[2], PID);
	assert_true(task_files_read(tf, 1, TASK_SCHEDSTAT, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "120 0 1\n");
	assert_int_equal(task_files_kept(tf), 1);

	/* the kept descriptor sees the file as it is now, from its start */
	put(t, 12, "schedstat", "999 5 2\n");
	assert_int_equal(task_files_list(tf, &tids), 3);
	assert_true(task_files_read(tf, 1, TASK_SCHEDSTAT, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "999 5 2\n");
	assert_int_equal(task_files_kept(tf), 1);

	/* the read once of a file that is not kept */
	put(t, 7, "wchan", "do_wait");
	assert_int_equal(task_files_read_once(tf, 7, "wchan", buf, sizeof(buf)), 7);
	assert_string_equal(buf, "do_wait");
	assert_int_equal(task_files_kept(tf), 1);

	/* a small buffer is cut, never overrun */
	assert_int_equal(task_files_read(tf, 2, TASK_STAT, buf, 5), 4);
	assert_string_equal(buf, "4242");
	assert_int_equal(task_files_read(tf, 3, TASK_STAT, buf, sizeof(buf)), -EINVAL);
	task_files_free(tf);
}

static void test_thread_leaves(void **state)
{
	struct tree *t = *state;
	struct task_files *tf = task_files_new(t->dir, PID);
	char buf[128];
	const int *tids;

	add_thread(t, 5);
	add_thread(t, 6);
	assert_int_equal(task_files_list(tf, &tids), 2);
	for (size_t i = 0; i < 2; i++) {
		assert_true(task_files_read(tf, i, TASK_STAT, buf, sizeof(buf)) > 0);
		assert_true(task_files_read(tf, i, TASK_SCHEDSTAT, buf, sizeof(buf)) > 0);
	}
	assert_int_equal(task_files_kept(tf), 4);

	/* 5 leaves the listing: its two descriptors are closed */
	drop(t, 5);
	assert_int_equal(task_files_list(tf, &tids), 1);
	assert_int_equal(tids[0], 6);
	assert_int_equal(task_files_kept(tf), 2);
	assert_true(task_files_read(tf, 0, TASK_STAT, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "6 (t) S 1\n");

	/* listed but its file gone: the thread has ended */
	add_thread(t, 9);
	assert_int_equal(task_files_list(tf, &tids), 2);
	drop(t, 9);
	assert_int_equal(task_files_read(tf, 1, TASK_STAT, buf, sizeof(buf)), -ENOENT);
	assert_int_equal(task_files_kept(tf), 2);
	task_files_free(tf);
}

static void test_budget_under_small_limit(void **state)
{
	struct tree *t = *state;
	struct task_files *tf = task_files_new(t->dir, PID);
	struct rlimit old, small;
	char buf[128], want[64];
	const int *tids;

	for (int tid = 1; tid <= 100; tid++)
		add_thread(t, tid);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	small = old;
	small.rlim_cur = 64;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &small), 0);
	assert_int_equal(task_files_list(tf, &tids), 100);
	/* every thread is read, though at most half the limit stays open */
	for (size_t i = 0; i < 100; i++) {
		assert_true(task_files_read(tf, i, TASK_STAT, buf, sizeof(buf)) > 0);
		snprintf(want, sizeof(want), "%d (t) S 1\n", (int)i + 1);
		assert_string_equal(buf, want);
	}
	assert_int_equal(task_files_kept(tf), 32);
	task_files_free(tf);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
}

static uint64_t first_u64(const char *text)
{
	return strtoull(text, NULL, 10);
}

/* The real /proc: a kept schedstat read again at offset 0 shows the CPU
 * this thread burnt in between (a seq file starts over at offset 0). */
static void test_live_reread(void **state)
{
	struct task_files *tf = task_files_new("/proc", (int)getpid());
	struct timespec ts;
	const int *tids;
	char buf[256];
	long n = task_files_list(tf, &tids);
	size_t me = 0;
	uint64_t before, start;
	volatile uint64_t x = 0;

	(void)state;
	assert_true(n >= 1);
	while (me < (size_t)n && tids[me] != (int)getpid())
		me++;
	assert_true(me < (size_t)n);
	assert_true(task_files_read(tf, me, TASK_SCHEDSTAT, buf, sizeof(buf)) > 0);
	assert_int_equal(task_files_kept(tf), 1);
	before = first_u64(buf);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	start = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	do { /* 50 ms of this thread's CPU, however busy the machine */
		for (int i = 0; i < 100000; i++)
			x += (uint64_t)i;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	} while ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec - start <
		 50000000u);
	assert_true(task_files_read(tf, me, TASK_SCHEDSTAT, buf, sizeof(buf)) > 0);
	assert_true(first_u64(buf) > before);
	assert_int_equal(task_files_kept(tf), 1);
	assert_true(task_files_read(tf, me, TASK_STAT, buf, sizeof(buf)) > 0);
	assert_int_equal((int)first_u64(buf), (int)getpid());
	task_files_free(tf);
}

static void test_no_process(void **state)
{
	struct tree *t = *state;
	struct task_files *tf = task_files_new(t->dir, 99999);
	const int *tids;
	char buf[16];

	assert_int_equal(task_files_list(tf, &tids), -ENOENT);
	assert_int_equal(task_files_read_once(tf, 1, "wchan", buf, sizeof(buf)), -EBADF);
	task_files_free(tf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_list_and_reread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_thread_leaves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_budget_under_small_limit, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_process, setup, teardown),
		cmocka_unit_test(test_live_reread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
