/* SPDX-License-Identifier: MIT */
/*
 * test_compact: store/compact.h on a session written through the real store:
 * three minutes of 1 s ticks with a busy process, a quiet one, one that
 * exits in the second minute and one that lives ten seconds between two
 * kept ticks. After compaction the state at each kept tick is what it was,
 * the rollups are whole, every process alive at a kept tick is still there
 * (the one that lived between two is not), exits are merged per minute
 * and read the same, and a second compaction does nothing. store_seal ends a session a
 * killed writer left.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sql.h"
#include "tempdir.h"

#include <string.h>
#include <sys/stat.h>

#include "core/frame.h"
#include "core/xalloc.h"
#include "store/compact.h"
#include "store/exit_rows.h"
#include "store/frames.h"
#include "store/processes.h"
#include "store/store.h"

#define T0 1700000040000LL /* a whole minute: ticks 59, 119, 179 end minutes */
#define TICKS 180

static char dir[64];
static char path[128];

static int setup(void **state)
{
	(void)state;
	tempdir_make(dir, sizeof(dir), "compact");
	snprintf(path, sizeof(path), "%s/s.vigil", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tempdir_remove(dir);
	return 0;
}

static void add_proc(struct frame *f, int pid, uint64_t cpu, uint64_t rss_pages)
{
	struct proc_row *r;

	f->procs.rows = xrealloc(f->procs.rows, (f->procs.n + 1) * sizeof(*r));
	r = &f->procs.rows[f->procs.n++];
	memset(r, 0, sizeof(*r));
	r->pid = pid;
	r->ppid = 1;
	r->uid = 1000;
	r->state = 'S';
	r->threads = 1;
	r->cpu_ticks = cpu;
	r->start_ticks = (uint64_t)pid * 10;
	r->start_ms = T0 - 100000;
	r->rss_bytes = 4096 * rss_pages;
	r->vsz_bytes = 4096 * 1000;
	r->cpu_pct = -1;
	snprintf(r->comm, sizeof(r->comm), "proc%d", pid);
	snprintf(r->user, sizeof(r->user), "alice");
	r->cmdline = xasprintf("/usr/bin/proc%d", pid);
}

static void add_exit(struct frame *f, int pid, const char *comm, int code, uint64_t k)
{
	struct proc_exit *x;

	if (!f->exits) {
		f->exits = xcalloc(1, sizeof(*f->exits));
		f->exits->on = true;
		f->exits->cmdlines = true;
	}
	f->exits->rows =
		xrealloc(f->exits->rows, (f->exits->n + 1) * sizeof(*f->exits->rows));
	x = &f->exits->rows[f->exits->n++];
	memset(x, 0, sizeof(*x));
	x->pid = pid;
	x->ppid = 1;
	x->uid = 1000;
	snprintf(x->comm, sizeof(x->comm), "%s", comm);
	x->cmdline = xasprintf("/bin/%s -c %d", comm, pid);
	x->end_ms = f->t_ms - 10;
	x->start_ms = x->end_ms - 40 - (int64_t)(k * 7 % 50);
	x->utime_ns = 1000000 * (k % 5);
	x->stime_ns = 500000;
	x->cpu_ns = k % 3 ? 2000000 * (k % 5) : 0;
	x->peak_rss = 4096 * (1 + k % 13) * (code ? 100 : 1);
	x->threads = 1;
	x->exit_code = code;
}

static struct frame *make_frame(uint64_t k)
{
	struct frame *f = frame_new();

	f->seq = k;
	f->t_ms = T0 + 1000 * (int64_t)k;
	f->sys.have = SYS_HAVE_STAT | SYS_HAVE_MEMINFO | SYS_HAVE_LOADAVG;
	f->sys.cpu = (struct cpu_times){100 + 3 * k, 0, 30 + k, 1000 + k, 0, 0, 0, 0};
	f->sys.mem_total = 8ull << 30;
	f->sys.mem_available = (3ull << 30) + 4096 * k;
	f->sys.load1 = (double)(k % 7);
	add_proc(f, 1, 5 * k, 100 + k);	      /* busy: a new row every tick */
	add_proc(f, 50, k < 10 ? 5 : 6, 200); /* quiet: one change at 10 */
	if (k < 70)			      /* exits in the second minute */
		add_proc(f, 400, 7, 300);
	if (k >= 130 && k < 140) /* lives between kept ticks */
		add_proc(f, 500, k - 130, 50);
	add_exit(f, 10000 + (int)k, "sh", 0, k); /* short-lived commands */
	if (k % 7 == 0)
		add_exit(f, 20000 + (int)k, "cc1", 1, k);
	return f;
}

/* Writes the session; ended says whether its end is recorded. */
static void write_session(bool ended)
{
	struct session_meta m = {.started_ms = T0,
				 .interval_ms = 1000,
				 .ncpu = 2,
				 .clk_tck = 100,
				 .page_size = 4096,
				 .mem_total = 8ull << 30,
				 .target_exit_code = -1};
	struct store *s;
	char err[512];

	snprintf(m.version, sizeof(m.version), "test");
	snprintf(m.host, sizeof(m.host), "testhost");
	if (store_create(path, false, &s, err, sizeof(err)) < 0)
		fail_msg("store_create: %s", err);
	assert_int_equal(store_session_begin(s, &m), 0);
	for (uint64_t k = 0; k < TICKS; k++) {
		struct frame *f = make_frame(k);

		assert_int_equal(store_write_frame(s, f), 0);
		frame_unref(f);
	}
	m.ended_ms = T0 + 1000 * (TICKS - 1);
	if (ended)
		assert_int_equal(store_session_end(s, &m), 0);
	store_close(s);
}

/* pid's row in the process table at t_ms; false when it is not there. */
static bool row_at(int64_t t_ms, int pid, struct proc_row *out)
{
	struct proc_table pt;
	const struct proc_row *r;
	struct store *s;
	char err[512];
	bool found;

	if (store_open(path, &s, err, sizeof(err)) < 0)
		fail_msg("store_open: %s", err);
	assert_int_equal(query_proc_table_at(s, t_ms, &pt), 0);
	r = proc_table_find(&pt, pid);
	found = r != NULL;
	if (r) {
		*out = *r;
		out->cmdline = NULL; /* freed with the table */
	}
	proc_table_release(&pt);
	store_close(s);
	return found;
}

static void test_state_at_kept_ticks_survives(void **state)
{
	static const int pids[] = {1, 50};
	static const int64_t kept[] = {59, 119, 179};
	struct proc_row before[3][2], after;
	struct compact_result r;
	int64_t rollups;
	char err[512];

	(void)state;
	write_session(true);
	rollups = sql_int(path, "SELECT count(*) FROM rollups");
	assert_true(rollups > 0);
	for (int i = 0; i < 3; i++)
		for (int p = 0; p < 2; p++)
			assert_true(row_at(T0 + 1000 * kept[i], pids[p], &before[i][p]));

	assert_int_equal(store_compact(path, &r, err, sizeof(err)), 1);
	assert_int_equal(r.ticks_before, TICKS);
	assert_int_equal(r.ticks_after, 3);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM ticks"), 3);
	assert_int_equal(sql_int(path, "SELECT min(seq) FROM ticks"), 59);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM sys_samples"), 3);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM rollups"), rollups);
	/* the state at each kept tick is what it was */
	for (int i = 0; i < 3; i++)
		for (int p = 0; p < 2; p++) {
			assert_true(row_at(T0 + 1000 * kept[i], pids[p], &after));
			assert_int_equal(after.cpu_ticks, before[i][p].cpu_ticks);
			assert_int_equal(after.rss_bytes, before[i][p].rss_bytes);
		}
	/* every identity alive at a kept tick stays (400 was, at 59); the one
	 * that lived between two kept ticks is gone, samples and all */
	assert_int_equal(sql_int(path, "SELECT count(*) FROM procs"), 3);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM procs WHERE pid = 400"), 1);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM procs WHERE pid = 500"), 0);
	assert_false(row_at(T0 + 1000 * 179, 500, &after));
	assert_false(row_at(T0 + 1000 * 119, 400, &after)); /* ended at 69 */
	assert_int_equal(sql_int(path,
				 "SELECT count(*) FROM proc_samples WHERE tick NOT IN"
				 " (SELECT seq FROM ticks)"),
			 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM notices WHERE kind = "
				       "'" COMPACT_NOTICE_KIND "' AND tick = 179"),
			 1);
	/* the space is given back, and the file is out of WAL mode */
	assert_true(r.bytes_after < r.bytes_before);
	/* a second time: nothing to do */
	assert_int_equal(store_compact(path, &r, err, sizeof(err)), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM notices"), 1);
}

/* What report's exits section reads, by count. */
static void read_exits(struct exit_summary *sum, struct exit_group **g, size_t *n)
{
	struct store *s;
	char err[512];

	if (store_open(path, &s, err, sizeof(err)) < 0)
		fail_msg("store_open: %s", err);
	assert_int_equal(query_exit_summary(s, INT64_MIN, INT64_MAX, sum), 0);
	assert_int_equal(
		query_exit_groups(s, INT64_MIN, INT64_MAX, EXIT_BY_COUNT, 10, g, n), 0);
	store_close(s);
}

/* Exits become one row per minute, command, user and outcome, and report
 * reads the same counts, CPU, peaks, longest lives and failures. */
static void test_exits_merge_per_minute(void **state)
{
	struct exit_summary sb, sa;
	struct exit_group *gb, *ga;
	size_t nb, na;
	char err[512];

	(void)state;
	write_session(true);
	read_exits(&sb, &gb, &nb);
	assert_int_equal(sb.exits, TICKS + (TICKS + 6) / 7);
	assert_int_equal(nb, 2);
	assert_int_equal(store_compact(path, NULL, err, sizeof(err)), 1);
	/* 4 minutes of end times (tick 0's exit is in the one before) x 2 */
	assert_true(sql_int(path, "SELECT count(*) FROM proc_exits") <= 8);
	assert_int_equal(sql_int(path, "SELECT sum(n) FROM proc_exits"), sb.exits);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM proc_exits WHERE tick NOT IN"
				       " (SELECT seq FROM ticks)"),
			 0);
	read_exits(&sa, &ga, &na);
	/* the state row, written at the first tick only, still says on */
	assert_true(sb.recorded && sb.running);
	assert_true(sa.recorded && sa.running);
	assert_int_equal(sa.exits, sb.exits);
	assert_int_equal(sa.unseen, sb.unseen);
	assert_int_equal(sa.failed, sb.failed);
	assert_int_equal(na, nb);
	for (size_t i = 0; i < nb; i++) {
		assert_string_equal(ga[i].comm, gb[i].comm);
		assert_int_equal(ga[i].n, gb[i].n);
		assert_int_equal(ga[i].cpu_ns, gb[i].cpu_ns);
		assert_int_equal(ga[i].peak_rss, gb[i].peak_rss);
		assert_int_equal(ga[i].life_ms, gb[i].life_ms);
		assert_int_equal(ga[i].failed, gb[i].failed);
	}
	free(gb);
	free(ga);
}

/* store_pack: the same rows in 1 KiB pages, out of WAL mode, once. */
static void test_pack_keeps_every_row(void **state)
{
	uint64_t before, after;
	int64_t samples, exits;
	char err[512];

	(void)state;
	write_session(true);
	samples = sql_int(path, "SELECT count(*) FROM proc_samples");
	exits = sql_int(path, "SELECT count(*) FROM proc_exits");
	assert_int_equal(sql_int(path, "PRAGMA page_size"), 4096);
	assert_int_equal(store_pack(path, &before, &after, err, sizeof(err)), 1);
	assert_true(after < before);
	assert_int_equal(sql_int(path, "PRAGMA page_size"), 1024);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM ticks"), TICKS);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM proc_samples"), samples);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM proc_exits"), exits);
	assert_int_equal(store_pack(path, NULL, NULL, err, sizeof(err)), 0);
	/* a packed file still compacts */
	assert_int_equal(store_compact(path, NULL, err, sizeof(err)), 1);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM ticks"), 3);
}

static void test_refuses_what_is_not_a_session(void **state)
{
	struct compact_result r;
	char err[512];
	FILE *f;

	(void)state;
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("not a database, not at all, just some text in a file\n", f);
	fclose(f);
	assert_int_equal(store_compact(path, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	assert_int_equal(store_seal(path, err, sizeof(err)), -1);
}

static void test_seal_ends_a_killed_session(void **state)
{
	char err[512];

	(void)state;
	write_session(false);
	assert_int_equal(sql_int(path, "SELECT ended_ms IS NULL FROM sessions"), 1);
	assert_int_equal(store_seal(path, err, sizeof(err)), 1);
	assert_int_equal(sql_int(path, "SELECT ended_ms FROM sessions"),
			 T0 + 1000 * (TICKS - 1));
	assert_int_equal(sql_int(path, "SELECT count(*) FROM procs WHERE last_tick IS "
				       "NULL"),
			 0);
	assert_int_equal(store_seal(path, err, sizeof(err)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_state_at_kept_ticks_survives, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_exits_merge_per_minute, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_pack_keeps_every_row, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_refuses_what_is_not_a_session, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_seal_ends_a_killed_session, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("compact", tests, NULL, NULL);
}
