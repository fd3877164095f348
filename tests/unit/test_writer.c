/* SPDX-License-Identifier: MIT */
/*
 * test_writer: the writer thread. Every pushed frame is accounted for
 * (written, dropped or failed), a stuck disk drops the oldest frames instead
 * of blocking the pusher, the thread is named, and references are returned.
 *
 * "A slow disk" is another connection holding the write lock: the writer
 * waits in its busy handler exactly like it would on a slow fsync.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sql.h"

#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/frame.h"
#include "core/xalloc.h"
#include "store/store.h"
#include "store/writer.h"

#define T0 1700000000000LL

struct session {
	char path[64];
	struct store *s;
};

static void session_create(struct session *t)
{
	char err[512];
	int fd;

	snprintf(t->path, sizeof(t->path), "/tmp/vigil-test-writer-XXXXXX");
	fd = mkstemp(t->path);
	assert_true(fd >= 0);
	close(fd);
	if (store_create(t->path, true, &t->s, err, sizeof(err)) < 0)
		fail_msg("store_create: %s", err);
}

static void session_remove(struct session *t)
{
	char p[80];

	store_close(t->s);
	unlink(t->path);
	snprintf(p, sizeof(p), "%s-wal", t->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", t->path);
	unlink(p);
}

static struct frame *make_frame(uint64_t seq)
{
	struct frame *f = frame_new();

	f->seq = seq;
	f->t_ms = T0 + 1000 * (int64_t)seq;
	f->sys.have = SYS_HAVE_MEMINFO;
	f->sys.mem_available = seq;
	f->procs.n = 1;
	f->procs.rows = xcalloc(1, sizeof(*f->procs.rows));
	f->procs.rows[0].pid = 1;
	f->procs.rows[0].cpu_ticks = seq;
	f->procs.rows[0].cmdline = xstrdup("init");
	return f;
}

static bool thread_named(const char *name)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	bool found = false;

	assert_non_null(d);
	while (!found && (e = readdir(d))) {
		char path[300], comm[32] = "";
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
		found = !strcmp(comm, name);
	}
	closedir(d);
	return found;
}

static void test_writer_writes_everything(void **state)
{
	struct session t;
	struct store_writer *w;
	struct store_writer_stats st;
	struct frame *frames[50];

	(void)state;
	session_create(&t);
	w = store_writer_start(t.s, 64);
	for (uint64_t i = 0; i < 50; i++) {
		frames[i] = make_frame(i);
		store_writer_push(w, frames[i]);
	}
	store_writer_finish(w, &st);
	assert_int_equal(st.written, 50);
	assert_int_equal(st.dropped, 0);
	assert_int_equal(st.failed, 0);
	assert_string_equal(st.last_error, "");
	/* the writer took and returned its own references */
	for (int i = 0; i < 50; i++) {
		assert_int_equal(atomic_load(&frames[i]->refs), 1);
		frame_unref(frames[i]);
	}
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM ticks"), 50);
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM proc_samples"), 50);
	/*
	 * No check that the thread is gone from /proc/self/task: the kernel
	 * wakes pthread_join (clear_child_tid) before it releases the task,
	 * so the entry can outlive the join for a moment. Joining is shown by
	 * the final stats and the returned references above.
	 */
	session_remove(&t);
}

static void test_writer_drops_oldest_when_stuck(void **state)
{
	struct session t;
	struct store_writer *w;
	struct store_writer_stats st;
	sqlite3 *blocker;

	(void)state;
	session_create(&t);
	assert_int_equal(sqlite3_open(t.path, &blocker), SQLITE_OK);
	assert_int_equal(sqlite3_exec(blocker, "BEGIN IMMEDIATE", NULL, NULL, NULL),
			 SQLITE_OK);

	w = store_writer_start(t.s, 4);
	for (uint64_t i = 0; i < 200; i++) {
		struct frame *f = make_frame(i);

		store_writer_push(w, f); /* must return at once */
		frame_unref(f);
	}
	store_writer_stats(w, &st);
	assert_int_equal(st.written, 0); /* still stuck on the lock */
	assert_true(st.dropped >= 195);
	for (int i = 0; i < 200 && !thread_named("vigil-writer"); i++)
		usleep(10000); /* the thread names itself when it runs */
	assert_true(thread_named("vigil-writer"));

	assert_int_equal(sqlite3_exec(blocker, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(blocker);
	store_writer_finish(w, &st);

	/* one frame was being written when the lock struck, four waited */
	assert_int_equal(st.failed, 0);
	assert_int_equal(st.written + st.dropped, 200);
	assert_in_range(st.written, 4, 5);
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM ticks"),
			 (int64_t)st.written);
	/* the newest frames win */
	assert_int_equal(sql_int(t.path, "SELECT max(seq) FROM ticks"), 199);
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM ticks"
					 " WHERE seq >= 196"),
			 4);
	session_remove(&t);
}

static void test_writer_counts_failures(void **state)
{
	static const uint64_t seqs[] = {0, 1, 1, 2};
	struct session t;
	struct store_writer *w;
	struct store_writer_stats st;

	(void)state;
	session_create(&t);
	w = store_writer_start(t.s, 16);
	for (size_t i = 0; i < 4; i++) {
		struct frame *f = make_frame(seqs[i]);

		store_writer_push(w, f);
		frame_unref(f);
	}
	store_writer_finish(w, &st);
	assert_int_equal(st.written, 3);
	assert_int_equal(st.failed, 1);
	assert_int_equal(st.dropped, 0);
	assert_non_null(strstr(st.last_error, "cannot write tick 1"));
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM ticks"), 3);
	/* the failed frame left no half-written rows behind */
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM sys_samples"), 3);
	store_writer_stop(NULL);
	session_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writer_writes_everything),
		cmocka_unit_test(test_writer_drops_oldest_when_stuck),
		cmocka_unit_test(test_writer_counts_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
