/* SPDX-License-Identifier: MIT */
/*
 * test_timeline: `vigil report|export DIR` over a directory of session files
 * read as one timeline (store/segments.h, store/history.h, cmd/source.h).
 *
 * The directory is written here through the store API, as `vigil daemon`
 * would write it, with numbers chosen so every answer is known: three
 * files of 60 one-second ticks, the first two back to back, the third
 * after an eight-minute gap; one CPU at 100 Hz, 50% busy; process "alpha"
 * (pid 100) at 10% of a core in files 1 and 2, "beta" (pid 200) idle in
 * file 1, pid 100 reused by "alpha2" and "gamma" (pid 300) at 30% in file
 * 3. Counters run on with time across the files, as the kernel's do.
 * TZ is UTC and TMPDIR a directory of the test's, so the copy vigil makes
 * can be seen to go away.
 */
#include <math.h>
#include <setjmp.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"
#include "core/frame.h"
#include "core/xalloc.h"
#include "store/store.h"

#define T0 1796450400000LL /* 2026-12-05 06:00:00 UTC */
#define SEG_TICKS 60
#define GAP_START (T0 + 119000) /* the last tick of file 2 */
#define GAP_END (T0 + 600000)	/* the first of file 3 */

static char dir[256], hist[300], tmp[300], outside[300];

struct fake_proc {
	int pid;
	uint64_t start_ticks;
	const char *comm;
	int cpu_per_s; /* clock ticks per second */
	uint64_t rss;
};

static const struct fake_proc alpha = {100, 5000, "alpha", 10, 100 << 20};
static const struct fake_proc beta = {200, 6000, "beta", 0, 50 << 20};
static const struct fake_proc alpha2 = {100, 9999, "alpha2", 0, 1 << 20};
static const struct fake_proc gamma_ = {300, 7000, "gamma", 30, 10 << 20};

/* One session file of n ticks from t0 with the given processes (by pid). */
static void write_file(const char *path, int64_t t0, int n,
		       const struct fake_proc *const procs[], size_t nprocs)
{
	struct session_meta m = {.clk_tck = 100, .interval_ms = 1000, .ncpu = 1};
	struct store *st;
	char err[256];

	snprintf(m.version, sizeof(m.version), "test");
	snprintf(m.host, sizeof(m.host), "testhost");
	m.started_ms = t0;
	if (store_create(path, true, &st, err, sizeof(err)) < 0)
		fail_msg("store_create: %s", err);
	assert_int_equal(store_session_begin(st, &m), 0);
	for (int i = 0; i < n; i++) {
		struct frame *f = frame_new();
		int64_t t = t0 + 1000LL * i, s = (t - T0 + 3600000) / 1000;

		f->seq = (uint64_t)i;
		f->t_ms = t;
		f->sys.have = SYS_HAVE_STAT | SYS_HAVE_MEMINFO;
		f->sys.cpu.user = 50 * (uint64_t)s;
		f->sys.cpu.idle = 50 * (uint64_t)s;
		f->sys.ctxt = 10 * (uint64_t)s;
		f->sys.mem_total = 1ULL << 30;
		f->sys.mem_available = 1ULL << 29;
		f->procs.n = nprocs;
		f->procs.rows = xcalloc(nprocs, sizeof(*f->procs.rows));
		for (size_t k = 0; k < nprocs; k++) {
			struct proc_row *r = &f->procs.rows[k];

			r->pid = procs[k]->pid;
			r->ppid = 1;
			r->state = 'S';
			r->threads = 1;
			r->start_ticks = procs[k]->start_ticks;
			r->start_ms = T0 - 3600000;
			r->cpu_ticks = (uint64_t)procs[k]->cpu_per_s * (uint64_t)s;
			r->rss_bytes = procs[k]->rss;
			snprintf(r->comm, sizeof(r->comm), "%s", procs[k]->comm);
			r->cmdline = xasprintf("/usr/bin/%s", procs[k]->comm);
		}
		assert_int_equal(store_write_frame(st, f), 0);
		frame_unref(f);
	}
	m.ended_ms = t0 + 1000LL * (n - 1);
	assert_int_equal(store_session_end(st, &m), 0);
	store_close(st);
}

static void write_dir(void)
{
	char p[400];

	snprintf(p, sizeof(p), "%s/testhost-20261205-06.vigil", hist);
	write_file(p, T0, SEG_TICKS, (const struct fake_proc *const[]){&alpha, &beta}, 2);
	snprintf(p, sizeof(p), "%s/testhost-20261205-06.2.vigil", hist);
	write_file(p, T0 + 60000, SEG_TICKS, (const struct fake_proc *const[]){&alpha},
		   1);
	snprintf(p, sizeof(p), "%s/testhost-20261205-06.3.vigil", hist);
	write_file(p, GAP_END, SEG_TICKS,
		   (const struct fake_proc *const[]){&alpha2, &gamma_}, 2);
}

static int setup(void **state)
{
	char *d = temp_dir();

	(void)state;
	if (!d)
		return -1;
	snprintf(dir, sizeof(dir), "%s", d);
	snprintf(hist, sizeof(hist), "%s/hist", dir);
	snprintf(tmp, sizeof(tmp), "%s/tmp", dir);
	snprintf(outside, sizeof(outside), "%s/outside.vigil", dir);
	if (mkdir(hist, 0700) < 0 || mkdir(tmp, 0700) < 0)
		return -1;
	setenv("TZ", "UTC", 1);
	setenv("TMPDIR", tmp, 1);
	write_dir();
	return 0;
}

static int teardown(void **state)
{
	char cmd[400];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Entries in d other than . and .. */
static int entries(const char *d)
{
	char cmd[400], buf[32] = "";
	FILE *p;

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", d);
	p = popen(cmd, "r");
	if (!p || !fgets(buf, sizeof(buf), p))
		fail_msg("cannot list '%s'", d);
	pclose(p);
	return atoi(buf);
}

static double report_num(const char *path, const char *filter)
{
	struct run_result r;

	run_vigil(&r, "report", path, "--json");
	if (r.status != 0)
		fail_msg("report '%s' failed: %s", path, r.err);
	return jq_num(r.out, filter);
}

/* Three files read as one: ticks add up, a process in two files is one,
 * a reused pid is another, and the copy is gone afterwards. */
static void test_sum_of_parts(void **state)
{
	static const char *const files[] = {"06", "06.2", "06.3"};
	struct run_result r;
	char p[400], buf[64];
	double ticks = 0, listed = 0;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/testhost-20261205-%s.vigil", hist, files[i]);
		ticks += report_num(p, ".session.ticks");
		listed += report_num(p, ".top_processes.cpu | length");
	}
	assert_true(ticks == 3 * SEG_TICKS);
	assert_true(listed == 5); /* alpha is in two of them */
	run_vigil(&r, "report", hist, "--json");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.err, "");
	assert_true(jq_num(r.out, ".session.ticks") == 3 * SEG_TICKS);
	assert_true(jq_num(r.out, ".session.started_ms") == T0);
	assert_true(jq_num(r.out, ".session.ended_ms") == GAP_END + 59000);
	/* alpha, beta, alpha2, gamma: four identities, alpha once */
	assert_true(jq_num(r.out, ".top_processes.cpu | length") == 4);
	assert_true(jq_num(r.out, "[.top_processes.cpu[] | select(.comm == \"alpha\")]"
				  " | length") == 1);
	assert_true(jq_num(r.out, "[.top_processes.cpu[] | select(.pid == 100)]"
				  " | length") == 2);
	/* its CPU over both files: 10 ticks a second at 100 Hz */
	assert_true(fabs(jq_num(r.out, ".top_processes.cpu[] | select(.comm == "
				       "\"alpha\") | .cpu_pct_avg") -
			 10.0) < 1e-9);
	assert_string_equal(jq(r.out, ".top_processes.cpu[0].comm", buf, sizeof(buf)),
			    "gamma");
	/* export: one row per tick of every file */
	run_vigil(&r, "export", hist, "--metrics");
	assert_int_equal(r.status, 0);
	{
		size_t lines = 0;

		for (const char *c = r.out; *c; c++)
			lines += *c == '\n';
		assert_int_equal(lines, 1 + 3 * SEG_TICKS);
	}
	assert_int_equal(entries(tmp), 0);
}

/* The t_ms of each exported row of [from, to], into out; returns how many. */
static size_t export_times(const char *from, const char *to, int64_t *out, size_t max,
			   struct run_result *r)
{
	size_t n = 0;
	char *line;

	run_vigil(r, "export", hist, "--metrics", "--from", from, "--to", to);
	if (r->status != 0)
		fail_msg("export failed: %s", r->err);
	line = strchr(r->out, '\n');
	while (line && line[1] && n < max) {
		out[n++] = strtoll(line + 1, NULL, 10);
		line = strchr(line + 1, '\n');
	}
	return n;
}

/* A window across the boundary of files 1 and 2, named by date: ticks
 * from both, a second apart, the rates running on across the seam. */
static void test_window_across_files(void **state)
{
	struct run_result r;
	char buf[64];
	int64_t t[64];
	size_t n;

	(void)state;
	n = export_times("2026-12-05 06:00:55", "2026-12-05T06:01:05", t, 64, &r);
	assert_int_equal(n, 11);
	for (size_t i = 0; i < n; i++)
		assert_true(t[i] == T0 + 55000 + 1000 * (int64_t)i);
	/* a clock time alone over a short history: that day's */
	n = export_times("06:00:58", "06:01:01", t, 64, &r);
	assert_int_equal(n, 4);
	assert_true(t[0] == T0 + 58000);
	/* report over it: the system was 50% busy throughout */
	run_vigil(&r, "report", hist, "--json", "--from", "2026-12-05 06:00:55", "--to",
		  "+10s");
	assert_int_equal(r.status, 0);
	assert_true(fabs(jq_num(r.out, ".system.cpu_pct_all_cores_avg") - 50) < 1e-6);
	/* the window is named with its own ticks; the session keeps its own */
	assert_true(jq_num(r.out, ".window.from_ms") == T0 + 55000);
	assert_true(jq_num(r.out, ".window.to_ms") == T0 + 65000);
	assert_true(jq_num(r.out, ".window.ticks") == 11);
	assert_true(jq_num(r.out, ".session.ticks") > 11);
	run_vigil(&r, "report", hist, "--from", "2026-12-05 06:00:55", "--to", "+10s");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\nwindow    2026-12-05 06:00:55 +0000 .. "
				      "2026-12-05 06:01:05 +0000, 11 ticks\n"));
	run_vigil(&r, "report", hist, "--json");
	assert_string_equal(jq(r.out, ".window == null", buf, sizeof(buf)), "true");
	assert_int_equal(entries(tmp), 0);
}

/* The eight minutes between files 2 and 3 have no rows: a gap. */
static void test_gap(void **state)
{
	struct run_result r;
	static int64_t t[256];
	size_t n;

	(void)state;
	n = export_times("start", "end", t, 256, &r);
	assert_int_equal(n, 3 * SEG_TICKS);
	for (size_t i = 0; i < n; i++)
		assert_false(t[i] > GAP_START && t[i] < GAP_END);
	for (size_t i = 1; i < n; i++)
		assert_true(t[i] > t[i - 1]);
	/* a window inside the gap holds nothing; one over it the two sides */
	n = export_times("06:03", "06:09", t, 256, &r);
	assert_int_equal(n, 0);
	n = export_times("06:01:58", "06:10:01", t, 256, &r);
	assert_int_equal(n, 4);
	assert_true(t[1] == GAP_START && t[2] == GAP_END);
}

static void exec_sql(const char *path, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
	sqlite3_close(db);
}

/*
 * A file compacted to its per-minute rollups (the per-tick rows dropped, as
 * the daemon does to old files): five minutes before file 1 read at minute
 * resolution, with the same CPU figure as before it was compacted.
 */
static void test_compacted(void **state)
{
	char p[400];
	double before, after;
	struct run_result r;
	int64_t t[16];
	size_t n;

	(void)state;
	snprintf(p, sizeof(p), "%s/testhost-20261205-05.vigil", hist);
	write_file(p, T0 - 600000, 300, (const struct fake_proc *const[]){&beta}, 1);
	before = report_num(p, ".system.cpu_pct_all_cores_avg");
	assert_true(fabs(before - 50) < 1e-6);
	exec_sql(p, "DELETE FROM sys_samples; DELETE FROM cpu_samples;"
		    " DELETE FROM proc_samples; DELETE FROM ticks; VACUUM");
	run_vigil(&r, "report", hist, "--json", "--from", "05:50", "--to", "05:54:59");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.err, "");
	after = jq_num(r.out, ".system.cpu_pct_all_cores_avg");
	assert_true(fabs(after - before) < 1e-6);
	/* its minutes are the timeline's ticks there */
	n = export_times("05:50", "05:54:59", t, 16, &r);
	assert_int_equal(n, 5);
	for (size_t i = 0; i < n; i++)
		assert_true(t[i] == T0 - 600000 + 60000 * (int64_t)i);
	/* and the files after it read as before */
	run_vigil(&r, "report", hist, "--json");
	assert_true(jq_num(r.out, ".session.started_ms") == T0 - 600000);
	assert_true(jq_num(r.out, "[.top_processes.cpu[] | select(.comm == \"alpha\")]"
				  " | length") == 1);
	assert_int_equal(entries(tmp), 0);
}

/*
 * What does not belong is skipped with a note and never opened through:
 * a link to a valid session outside, a foreign file, a FIFO, a directory,
 * a newer schema's file. Nothing is created in the directory.
 */
static void test_foreign_and_links(void **state)
{
	char p[400];
	struct run_result r;
	struct stat before, after;
	int n;
	FILE *f;

	(void)state;
	write_file(outside, T0 + 900000, 5, (const struct fake_proc *const[]){&beta}, 1);
	assert_int_equal(stat(outside, &before), 0);
	snprintf(p, sizeof(p), "%s/link.vigil", hist);
	assert_int_equal(symlink(outside, p), 0);
	snprintf(p, sizeof(p), "%s/foreign.vigil", hist);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("not a database at all\n", f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/fifo.vigil", hist);
	assert_int_equal(mkfifo(p, 0600), 0);
	snprintf(p, sizeof(p), "%s/sub.vigil", hist);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/newer.vigil", hist);
	write_file(p, T0 + 1200000, 5, (const struct fake_proc *const[]){&beta}, 1);
	exec_sql(p, "PRAGMA user_version = 99");
	n = entries(hist);

	run_vigil(&r, "report", hist, "--json");
	assert_int_equal(r.status, 0);
	assert_true(jq_num(r.out, ".session.ticks") == 3 * SEG_TICKS);
	assert_non_null(strstr(r.err, "skipped 'link.vigil': a symbolic link"));
	assert_non_null(strstr(r.err, "skipped 'foreign.vigil': not an SQLite database"));
	assert_non_null(strstr(r.err, "skipped 'fifo.vigil': not a regular file"));
	assert_non_null(strstr(r.err, "skipped 'sub.vigil': not a regular file"));
	assert_non_null(strstr(r.err, "skipped 'newer.vigil': written by a newer vigil"));
	assert_int_equal(entries(hist), n);
	assert_int_equal(stat(outside, &after), 0);
	assert_true(after.st_size == before.st_size &&
		    after.st_mtim.tv_sec == before.st_mtim.tv_sec &&
		    after.st_mtim.tv_nsec == before.st_mtim.tv_nsec);
	assert_int_equal(entries(tmp), 0);
}

/* A failure after the copy was made (no such profile) still removes it;
 * a directory with nothing readable is an error. */
static void test_errors(void **state)
{
	struct run_result r;
	char p[400];

	(void)state;
	run_vigil(&r, "export", hist, "--profile", "7");
	assert_int_equal(r.status, 1);
	assert_int_equal(entries(tmp), 0);
	run_vigil(&r, "report", hist, "--from", "noon");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "bad --from 'noon'"));
	snprintf(p, sizeof(p), "%s/empty", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	run_vigil(&r, "report", p);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "no vigil session files in"));
	assert_int_equal(entries(tmp), 0);
}

/*
 * Ctrl-C (or SIGTERM) on a long export: the copy goes with the process. The
 * export writes into a pipe nobody reads, so it blocks once the pipe is
 * full, after its copy was made; the signal comes then.
 */
static void test_signal_removes_copy(void **state)
{
	static char big[400], p[500];
	int fds[2], status;
	char byte;
	pid_t pid;

	(void)state;
	snprintf(big, sizeof(big), "%s/big", dir);
	assert_int_equal(mkdir(big, 0700), 0);
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/testhost-20261205-0%d.vigil", big, i);
		write_file(p, T0 + 3600000LL * i, 900,
			   (const struct fake_proc *const[]){&alpha, &beta}, 2);
	}
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		dup2(fds[1], 1);
		dup2(devnull, 2);
		close(fds[0]);
		execl(vigil_bin(), vigil_bin(), "export", big, "--metrics", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	/* its first byte: the copy is made and the export has begun */
	assert_int_equal(read(fds[0], &byte, 1), 1);
	assert_int_equal(entries(tmp), 1);
	kill(pid, SIGTERM);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(fds[0]);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	assert_int_equal(entries(tmp), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sum_of_parts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_across_files, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_gap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compacted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreign_and_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signal_removes_copy, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("timeline", tests, NULL, NULL);
}
