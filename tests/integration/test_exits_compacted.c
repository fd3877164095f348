/* SPDX-License-Identifier: MIT */
/*
 * test_exits_compacted: `vigil export --exits` and `vigil report` of a file
 * whose exits compaction merged (one row per minute, command, user and
 * outcome standing for n exits). The session is written here through the
 * store, three minutes of 1 s ticks with a shell exiting every tick and a
 * compiler failing every seventh, then compacted with store_compact as the
 * daemon does; the binary's CSV and JSON rows must carry n (1 before
 * compaction, the merged count after) adding up to every exit, and
 * report's exits section must count the exits, not the rows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"
#include "core/frame.h"
#include "core/xalloc.h"
#include "store/compact.h"
#include "store/store.h"

#define T0 1700000040000LL /* a whole minute */
#define TICKS 180
#define EXITS (TICKS + (TICKS + 6) / 7) /* a sh every tick, a cc1 every 7th */

static char dir[256], session[320];

static int setup(void **state)
{
	(void)state;
	if (scratch_make(dir, sizeof(dir)) < 0)
		return -1;
	snprintf(session, sizeof(session), "%s/s.vigil", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	remove_session(session);
	return scratch_remove(dir);
}

static void add_exit(struct frame *f, int pid, const char *comm, int code)
{
	struct proc_exit *x;

	f->exits->rows =
		xrealloc(f->exits->rows, (f->exits->n + 1) * sizeof(*f->exits->rows));
	x = &f->exits->rows[f->exits->n++];
	memset(x, 0, sizeof(*x));
	x->pid = pid;
	x->ppid = 1;
	x->uid = 1000;
	snprintf(x->comm, sizeof(x->comm), "%s", comm);
	x->cmdline = xasprintf("/bin/%s %d", comm, pid);
	x->end_ms = f->t_ms - 10;
	x->start_ms = x->end_ms - 40;
	x->utime_ns = 1000000;
	x->peak_rss = 4096;
	x->threads = 1;
	x->exit_code = code;
}

static void write_session(void)
{
	struct session_meta m = {.started_ms = T0,
				 .interval_ms = 1000,
				 .ncpu = 1,
				 .clk_tck = 100,
				 .page_size = 4096,
				 .target_exit_code = -1};
	struct store *st;
	char err[256];

	snprintf(m.version, sizeof(m.version), "test");
	snprintf(m.host, sizeof(m.host), "testhost");
	if (store_create(session, false, &st, err, sizeof(err)) < 0)
		fail_msg("store_create: %s", err);
	assert_int_equal(store_session_begin(st, &m), 0);
	for (uint64_t k = 0; k < TICKS; k++) {
		struct frame *f = frame_new();

		f->seq = k;
		f->t_ms = T0 + 1000 * (int64_t)k;
		f->sys.have = SYS_HAVE_STAT | SYS_HAVE_MEMINFO;
		f->sys.mem_total = 1 << 30;
		f->exits = xcalloc(1, sizeof(*f->exits));
		f->exits->on = true;
		f->exits->cmdlines = true;
		add_exit(f, 10000 + (int)k, "sh", 0);
		if (k % 7 == 0)
			add_exit(f, 20000 + (int)k, "cc1", 1);
		assert_int_equal(store_write_frame(st, f), 0);
		frame_unref(f);
	}
	m.ended_ms = T0 + 1000 * (TICKS - 1);
	assert_int_equal(store_session_end(st, &m), 0);
	store_close(st);
}

/* The rows of `export --exits` as JSON: how many, and their n summed. */
static void exported(const char *out, double *rows, double *sum)
{
	char buf[64];

	*rows = atof(jq_path(out, "length", buf, sizeof(buf)));
	*sum = atof(jq_path(out, "map(.n) | add", buf, sizeof(buf)));
}

static void test_rows_carry_their_count(void **state)
{
	static char json[HARNESS_OUT_MAX];
	struct run_result r;
	char out[400], err[256], buf[64];
	double rows, sum;

	(void)state;
	write_session();
	snprintf(out, sizeof(out), "%s/exits.json", dir);
	/* before compaction: a row per exit, each standing for itself */
	run_vigil(&r, "export", session, "--exits", "--format", "json", "-o", out);
	assert_int_equal(r.status, 0);
	exported(out, &rows, &sum);
	assert_true(rows == EXITS);
	assert_true(sum == EXITS);
	assert_string_equal(
		jq_path(out, "map(select(.n != 1)) | length", buf, sizeof(buf)), "0");

	assert_int_equal(store_compact(session, NULL, err, sizeof(err)), 1);
	run_vigil(&r, "export", session, "--exits", "--format", "json", "-o", out,
		  "--force");
	assert_int_equal(r.status, 0);
	exported(out, &rows, &sum);
	/* sh and cc1 in each of 4 minutes of end times at most */
	assert_true(rows >= 2 && rows <= 8);
	assert_true(sum == EXITS);
	/* failed ones: every cc1, counted by n */
	assert_int_equal(atoi(jq_path(out, "map(select(.exit_code != 0) | .n) | add", buf,
				      sizeof(buf))),
			 (TICKS + 6) / 7);

	/* CSV: n is the last column, its header says so */
	run_vigil(&r, "export", session, "--exits");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, ",threads,seen,n\n"));
	{
		unsigned long long total = 0;
		size_t lines = 0;

		for (char *p = strchr(r.out, '\n'); p && p[1]; p = strchr(p + 1, '\n')) {
			char *end = strchr(p + 1, '\n'), *last;

			assert_non_null(end);
			*end = '\0';
			last = strrchr(p + 1, ',');
			assert_non_null(last);
			total += strtoull(last + 1, NULL, 10);
			*end = '\n';
			lines++;
		}
		assert_true((double)lines == rows);
		assert_int_equal(total, EXITS);
	}

	/* report counts the exits the rows stand for */
	run_vigil(&r, "report", session, "--json");
	assert_int_equal(r.status, 0);
	snprintf(json, sizeof(json), "%s", r.out);
	if (jq_num(json, ".exits.count") != EXITS)
		fail_msg("report counts %s exits, not %d",
			 jq(json, ".exits.count", buf, sizeof(buf)), EXITS);
	assert_true(jq_num(json, ".exits.failed") == (TICKS + 6) / 7);
	assert_true(jq_num(json, "[.exits.top_cpu[].count] | add") == EXITS);
	run_vigil(&r, "report", session);
	assert_int_equal(r.status, 0);
	snprintf(buf, sizeof(buf), "exited    %d processes", EXITS);
	assert_non_null(strstr(r.out, buf));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rows_carry_their_count, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("exits_compacted", tests, NULL, NULL);
}
