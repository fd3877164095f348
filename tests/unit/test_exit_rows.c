/* SPDX-License-Identifier: MIT */
/*
 * test_exit_rows: exits written through store_write_frame and read back
 * (store/exit_rows): every field of a row, a missing command line and CPU
 * kept as NULL; the state row written at the first tick and then only when
 * the state or a counter changed; the summary's counters within a span
 * (cumulative counters subtracted at its start); groups by command name in
 * each order; a frame without exits writes nothing; and a file from before
 * schema 9 answers "not recorded" with no rows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sql.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/frame.h"
#include "core/xalloc.h"
#include "store/exit_rows.h"
#include "store/store.h"

#define T0 1700000000000LL

static char path[64];

static void remove_files(void)
{
	char p[80];

	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

static void add_exit(struct proc_exits *e, int pid, const char *comm, const char *cmd,
		     uint64_t cpu_ns, uint64_t rss, int code, int64_t end_ms)
{
	struct proc_exit *x;

	e->rows = xrealloc(e->rows, (e->n + 1) * sizeof(*e->rows));
	x = &e->rows[e->n++];
	memset(x, 0, sizeof(*x));
	x->pid = pid;
	x->ppid = 1;
	x->uid = 1000;
	snprintf(x->comm, sizeof(x->comm), "%s", comm);
	x->cmdline = cmd ? xstrdup(cmd) : NULL;
	x->start_ms = end_ms - 40;
	x->end_ms = end_ms;
	x->utime_ns = 4000000;
	x->stime_ns = 0;
	x->cpu_ns = cpu_ns;
	x->peak_rss = rss;
	x->threads = 1;
	if (code < 0) {
		x->exit_code = -1;
		x->exit_signal = SIGKILL;
	} else {
		x->exit_code = code;
	}
}

/* Writes tick seq at T0 + seq s with e (taken over; NULL: none). */
static void write_tick(struct store *s, uint64_t seq, struct proc_exits *e)
{
	struct frame *f = frame_new();

	f->seq = seq;
	f->t_ms = T0 + (int64_t)seq * 1000;
	f->exits = e;
	assert_int_equal(store_write_frame(s, f), 0);
	frame_unref(f);
}

static struct proc_exits *exits_on(uint64_t lost)
{
	struct proc_exits *e = xcalloc(1, sizeof(*e));

	e->on = true;
	e->cmdlines = true;
	e->lost = lost;
	return e;
}

static void test_rows_and_state(void **state)
{
	struct store *s = sql_session_new(path, sizeof(path), "exitrows", T0, 100);
	struct exit_summary sum;
	struct exit_group *g;
	struct proc_exit *v;
	struct proc_exits *e;
	size_t n;
	char err[256];

	(void)state;
	assert_non_null(s);
	e = exits_on(0);
	add_exit(e, 100, "cc1", "cc1 -O2 x.c", 30000000, 40 << 20, 0, T0 - 500);
	add_exit(e, 101, "sh", NULL, 0, 1 << 20, 3, T0 - 400);
	write_tick(s, 0, e);
	e = exits_on(0);
	add_exit(e, 102, "cc1", "cc1 y.c", 10000000, 60 << 20, -1, T0 + 600);
	write_tick(s, 1, e);
	write_tick(s, 2, exits_on(0)); /* nothing changed: no state row */
	write_tick(s, 3, NULL);	       /* not asked for: nothing at all */
	write_tick(s, 4, exits_on(5)); /* 5 lost: a state row */
	store_close(s);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM exit_accounting"), 2);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM proc_exits"), 3);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM proc_exits"
				       " WHERE cmdline IS NULL AND cpu_ns IS NULL"),
			 1);

	assert_int_equal(store_open(path, &s, err, sizeof(err)), 0);
	assert_int_equal(query_proc_exits(s, INT64_MIN, INT64_MAX, 10, &v, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].pid, 100);
	assert_string_equal(v[0].comm, "cc1");
	assert_string_equal(v[0].cmdline, "cc1 -O2 x.c");
	assert_int_equal(v[0].cpu_ns, 30000000);
	assert_int_equal(v[0].peak_rss, 40 << 20);
	assert_int_equal(v[0].start_ms, T0 - 540);
	assert_int_equal(v[0].uid, 1000);
	assert_null(v[1].cmdline);
	assert_int_equal(v[1].exit_code, 3);
	assert_int_equal(v[2].exit_code, -1);
	assert_int_equal(v[2].exit_signal, SIGKILL);
	proc_exit_rows_free(v, n);

	assert_int_equal(query_exit_summary(s, INT64_MIN, INT64_MAX, &sum), 0);
	assert_true(sum.recorded && sum.running && sum.cmdlines);
	assert_int_equal(sum.exits, 3);
	assert_int_equal(sum.unseen, 3);
	assert_int_equal(sum.failed, 2);
	assert_int_equal(sum.lost, 5);
	/* a span that starts after the last state row: nothing lost within it */
	assert_int_equal(query_exit_summary(s, T0 + 4500, INT64_MAX, &sum), 0);
	assert_int_equal(sum.lost, 0);
	assert_int_equal(sum.exits, 0);

	/* by CPU: cc1 (40 ms) before sh (its 4 ms of user time stands in) */
	assert_int_equal(
		query_exit_groups(s, INT64_MIN, INT64_MAX, EXIT_BY_CPU, 5, &g, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(g[0].comm, "cc1");
	assert_int_equal(g[0].n, 2);
	assert_int_equal(g[0].cpu_ns, 40000000);
	assert_int_equal(g[0].peak_rss, 60 << 20);
	assert_int_equal(g[0].failed, 1);
	assert_int_equal(g[1].cpu_ns, 4000000);
	free(g);
	assert_int_equal(
		query_exit_groups(s, INT64_MIN, INT64_MAX, EXIT_BY_RSS, 1, &g, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(g[0].comm, "cc1");
	free(g);
	store_close(s);
	remove_files();
}

/* While a daemon records (store_skip_processes): the state says why there
 * are no command lines; the exits are the daemon's to keep. */
static void test_daemon_records(void **state)
{
	struct store *s = sql_session_new(path, sizeof(path), "exitrows", T0, 100);
	struct exit_summary sum;
	struct proc_exits *e;
	char err[256];

	(void)state;
	store_skip_processes(s, true);
	e = exits_on(0);
	e->cmdlines = false;
	snprintf(e->why, sizeof(e->why), "no command lines: left to vigil daemon");
	add_exit(e, 100, "cc1", NULL, 30000000, 40 << 20, 0, T0 - 500);
	write_tick(s, 0, e);
	store_close(s);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM proc_exits"), 0);
	assert_int_equal(store_open(path, &s, err, sizeof(err)), 0);
	assert_int_equal(query_exit_summary(s, INT64_MIN, INT64_MAX, &sum), 0);
	assert_true(sum.recorded && sum.running && !sum.cmdlines);
	assert_string_equal(sum.why, "no command lines: left to vigil daemon");
	assert_int_equal(sum.exits, 0);
	store_close(s);
	remove_files();
}

/* Off: one state row with the reason, no rows. */
static void test_off(void **state)
{
	struct store *s = sql_session_new(path, sizeof(path), "exitrows", T0, 100);
	struct proc_exits *e = xcalloc(1, sizeof(*e));
	struct exit_summary sum;
	char err[256];

	(void)state;
	snprintf(e->why, sizeof(e->why), "needs root (CAP_NET_ADMIN)");
	write_tick(s, 0, e);
	e = xcalloc(1, sizeof(*e));
	snprintf(e->why, sizeof(e->why), "needs root (CAP_NET_ADMIN)");
	write_tick(s, 1, e);
	store_close(s);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM exit_accounting"), 1);
	assert_int_equal(store_open(path, &s, err, sizeof(err)), 0);
	assert_int_equal(query_exit_summary(s, INT64_MIN, INT64_MAX, &sum), 0);
	assert_true(sum.recorded);
	assert_false(sum.running);
	assert_string_equal(sum.why, "needs root (CAP_NET_ADMIN)");
	store_close(s);
	remove_files();
}

/* A file from before schema 9: not recorded, no rows, no error. */
static void test_old_file(void **state)
{
	struct store *s = sql_session_new(path, sizeof(path), "exitrows", T0, 100);
	struct exit_summary sum;
	struct exit_group *g;
	struct proc_exit *v;
	size_t n;
	char err[256];

	(void)state;
	write_tick(s, 0, NULL);
	store_close(s);
	sql_exec(path, "DROP TABLE proc_exits; DROP TABLE exit_accounting;"
		       " PRAGMA user_version = 8;");
	assert_int_equal(store_open(path, &s, err, sizeof(err)), 0);
	assert_int_equal(query_exit_summary(s, INT64_MIN, INT64_MAX, &sum), 0);
	assert_false(sum.recorded);
	assert_int_equal(query_proc_exits(s, INT64_MIN, INT64_MAX, 10, &v, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(
		query_exit_groups(s, INT64_MIN, INT64_MAX, EXIT_BY_CPU, 5, &g, &n), 0);
	assert_int_equal(n, 0);
	store_close(s);
	remove_files();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_and_state),
		cmocka_unit_test(test_daemon_records),
		cmocka_unit_test(test_off),
		cmocka_unit_test(test_old_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
