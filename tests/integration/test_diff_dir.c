/* SPDX-License-Identifier: MIT */
/*
 * test_diff_dir: `vigil diff` with a daemon's directory as a side (whole, or
 * DIR@FROM..TO, or two windows of one directory) and the profile part of
 * the plain report (a profile in each side's window).
 *
 * The directory is written here through the store API, as `vigil daemon`
 * would write it, so every span is known: three hourly files of 60 ticks a
 * minute apart (06:00..06:59, 07:00..07:59, 08:00..08:59 on 2026-12-05 UTC),
 * the machine 20%, 40% and 80% busy in them, forty processes at 1% each
 * throughout (so the JSON is larger than a pipe's page). File 2 holds a profile at
 * 07:30 with 75% of its samples in "left"; file 3 two, at 08:10 and 08:40,
 * the newer with 25% in "left". A separate file of 30 ticks from 10:00 is
 * the other kind of side. TZ is UTC and TMPDIR a directory of the test's,
 * so the copies vigil makes can be seen to go away, after a normal end and
 * after SIGINT while the report is being written (vigil is held in write(2)
 * on a full pipe, so the moment needs no timing).
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <poll.h>

#include "harness.h"
#include "analysis/profile.h"
#include "core/frame.h"
#include "core/xalloc.h"
#include "store/profiles.h"
#include "store/store.h"

#define T0 1796450400000LL /* 2026-12-05 06:00:00 UTC */
#define MIN 60000LL
#define HOUR (60 * MIN)
#define LAST (T0 + 2 * HOUR + 59 * MIN) /* the directory's last tick */
#define SINGLE_T0 (T0 + 4 * HOUR)
#define NPROCS 40 /* enough figures for a JSON larger than a pipe's page */

static char dir[256], hist[300], tmp[300], single[300];

/* A profile of main;left and main;right with left/right samples. */
static void write_profile(struct store *st, int64_t at, uint64_t left, uint64_t right)
{
	struct profile_meta m = {
		.pid = 100, .hz = 99, .started_ms = at, .duration_ms = 10000};
	struct profile *p;
	uint32_t fr[2];
	int64_t id;
	char err[256];

	snprintf(m.sampler, sizeof(m.sampler), "perf");
	p = profile_new(&m);
	fr[1] = profile_frame_id(p, "main", "app");
	fr[0] = profile_frame_id(p, "left", "app");
	profile_add_stack(p, 100, fr, 2, left);
	fr[0] = profile_frame_id(p, "right", "app");
	profile_add_stack(p, 100, fr, 2, right);
	p->meta.samples = left + right;
	if (store_write_profile_const(st, p, &id, err, sizeof(err)) < 0)
		fail_msg("store_write_profile: %s", err);
	profile_free(p);
}

/* NPROCS processes of their own commands, each at 1% of the CPU. */
static void add_procs(struct frame *f, int tick)
{
	f->procs.n = NPROCS;
	f->procs.rows = xcalloc(NPROCS, sizeof(*f->procs.rows));
	for (size_t k = 0; k < NPROCS; k++) {
		struct proc_row *r = &f->procs.rows[k];

		r->pid = 1000 + (int)k;
		r->ppid = 1;
		r->state = 'S';
		r->threads = 1;
		r->start_ticks = 5000;
		r->start_ms = T0 - HOUR;
		r->cpu_ticks = 60 * (uint64_t)(f->t_ms - T0) / MIN + (uint64_t)tick % 2;
		r->rss_bytes = (uint64_t)(k + 1) << 20;
		snprintf(r->comm, sizeof(r->comm), "worker%02zu", k);
		r->cmdline = xasprintf("/usr/bin/worker%02zu", k);
	}
}

/*
 * n ticks a minute apart from t0; the CPU counters run on from *busy and
 * *idle (clock ticks, 100 Hz, one CPU) at pct% busy, as the kernel's run on
 * across files. profiles: {at, left, right} triples, count of them.
 */
static void write_file(const char *path, int64_t t0, int n, int pct, uint64_t *busy,
		       uint64_t *idle, const int64_t (*profiles)[3], size_t nprofiles)
{
	struct session_meta m = {.clk_tck = 100, .interval_ms = MIN, .ncpu = 1};
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

		*busy += 60 * (uint64_t)pct;
		*idle += 60 * (uint64_t)(100 - pct);
		f->seq = (uint64_t)i;
		f->t_ms = t0 + MIN * i;
		f->sys.have = SYS_HAVE_STAT | SYS_HAVE_MEMINFO;
		f->sys.cpu.user = *busy;
		f->sys.cpu.idle = *idle;
		f->sys.mem_total = 1ULL << 30;
		f->sys.mem_available = 1ULL << 29;
		add_procs(f, i);
		assert_int_equal(store_write_frame(st, f), 0);
		frame_unref(f);
	}
	for (size_t i = 0; i < nprofiles; i++)
		write_profile(st, profiles[i][0], (uint64_t)profiles[i][1],
			      (uint64_t)profiles[i][2]);
	m.ended_ms = t0 + MIN * (n - 1);
	assert_int_equal(store_session_end(st, &m), 0);
	store_close(st);
}

static void write_sides(void)
{
	static const int64_t p2[][3] = {{T0 + HOUR + 30 * MIN, 300, 100}};
	static const int64_t p3[][3] = {{T0 + 2 * HOUR + 10 * MIN, 200, 200},
					{T0 + 2 * HOUR + 40 * MIN, 100, 300}};
	uint64_t busy = 0, idle = 0;
	char p[400];

	snprintf(p, sizeof(p), "%s/testhost-20261205-06.vigil", hist);
	write_file(p, T0, 60, 20, &busy, &idle, NULL, 0);
	snprintf(p, sizeof(p), "%s/testhost-20261205-07.vigil", hist);
	write_file(p, T0 + HOUR, 60, 40, &busy, &idle, p2, 1);
	snprintf(p, sizeof(p), "%s/testhost-20261205-08.vigil", hist);
	write_file(p, T0 + 2 * HOUR, 60, 80, &busy, &idle, p3, 2);
	write_file(single, SINGLE_T0, 30, 50, &busy, &idle, NULL, 0);
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
	snprintf(single, sizeof(single), "%s/single.vigil", dir);
	if (mkdir(hist, 0700) < 0 || mkdir(tmp, 0700) < 0)
		return -1;
	setenv("TZ", "UTC", 1);
	setenv("TMPDIR", tmp, 1);
	write_sides();
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

/* `vigil diff BEFORE AFTER --json -o FILE`: the JSON's path; no copy is
 * left under TMPDIR. */
static const char *diff_json(const char *before, const char *after)
{
	static char out[400];
	struct run_result r;

	snprintf(out, sizeof(out), "%s/diff.json", dir);
	unlink(out);
	run_vigil(&r, "diff", before, after, "--json", "-o", out);
	if (r.status != 0)
		fail_msg("diff %s %s exited %d: %s", before, after, r.status, r.err);
	assert_int_equal(entries(tmp), 0);
	return out;
}

static long long num(const char *json, const char *filter)
{
	char buf[128];

	jq_path(json, filter, buf, sizeof(buf));
	if (!buf[0] || !strcmp(buf, "null"))
		fail_msg("no %s in %s", filter, json);
	return atoll(buf);
}

static const char *str(const char *json, const char *filter)
{
	static char buf[512];

	return jq_path(json, filter, buf, sizeof(buf));
}

static void test_dir_against_file(void **state)
{
	const char *json = diff_json(hist, single);
	char buf[256];

	(void)state;
	assert_string_equal(str(json, ".before.path"), hist);
	assert_string_equal(str(json, ".before.from"), "null");
	assert_int_equal(num(json, ".before.t0_ms"), T0);
	assert_int_equal(num(json, ".before.t1_ms"), LAST);
	assert_int_equal(num(json, ".before.ticks"), 180);
	assert_int_equal(num(json, ".before.segments"), 3);
	assert_int_equal(num(json, ".before.interval_ms"), MIN);
	assert_int_equal(num(json, ".before.profiles"), 3);
	assert_string_equal(str(json, ".after.path"), single);
	assert_int_equal(num(json, ".after.t0_ms"), SINGLE_T0);
	assert_int_equal(num(json, ".after.ticks"), 30);
	assert_int_equal(num(json, ".after.segments"), 0);
	assert_int_equal(num(json, ".after.profiles"), 0);
	/* only one side holds a profile: no profile part */
	assert_string_equal(str(json, ".profile"), "null");
	/* figures were compared across the directory's three files */
	snprintf(buf, sizeof(buf), "%s",
		 str(json, ".figures[] | select(.name == \"system.cpu.total\") | "
			   ".n_before"));
	assert_true(atoi(buf) >= 179);
}

static void test_two_windows_of_one_dir(void **state)
{
	char before[400], after[400], cmd[1200];
	const char *json;
	struct run_result r;

	(void)state;
	snprintf(before, sizeof(before), "%s@-2h..-1h", hist);
	snprintf(after, sizeof(after), "%s@-1h..", hist);
	json = diff_json(before, after);
	assert_string_equal(str(json, ".before.path"), hist);
	assert_string_equal(str(json, ".before.from"), "-2h");
	assert_string_equal(str(json, ".before.to"), "-1h");
	assert_int_equal(num(json, ".before.t0_ms"), LAST - 2 * HOUR);
	assert_int_equal(num(json, ".before.t1_ms"), LAST - HOUR);
	assert_int_equal(num(json, ".before.ticks"), 61);
	assert_string_equal(str(json, ".after.from"), "-1h");
	assert_string_equal(str(json, ".after.to"), "null");
	assert_int_equal(num(json, ".after.t0_ms"), LAST - HOUR);
	assert_int_equal(num(json, ".after.t1_ms"), LAST);
	assert_int_equal(num(json, ".after.ticks"), 61);
	/* 40% -> 80% of the one CPU, but for the one tick of the other file */
	snprintf(cmd, sizeof(cmd),
		 ".figures[] | select(.name == \"system.cpu.total\") | .abs_change");
	assert_true(atof(str(json, cmd)) > 35 && atof(str(json, cmd)) < 45);
	/* only the files of the window are copied: 07:59 is file 2's */
	assert_int_equal(num(json, ".before.segments"), 2);
	assert_int_equal(num(json, ".after.segments"), 2);
	snprintf(after, sizeof(after), "%s@08:30..08:40", hist);
	json = diff_json(before, after);
	assert_int_equal(num(json, ".after.segments"), 1);
	assert_int_equal(num(json, ".after.ticks"), 11);
	assert_int_equal(num(json, ".after.t0_ms"), T0 + 2 * HOUR + 30 * MIN);
	/* the text says which files */
	run_vigil(&r, "diff", before, hist);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "(3 of its files)"));
	assert_int_equal(entries(tmp), 0);
}

/* The newest profile of each window, compared, in --json and the text. */
static void test_profile_part(void **state)
{
	char before[400], after[400];
	const char *json;
	struct run_result r;

	(void)state;
	snprintf(before, sizeof(before), "%s@-2h..-1h", hist);
	snprintf(after, sizeof(after), "%s@-1h..", hist);
	json = diff_json(before, after);
	assert_int_equal(num(json, ".before.profiles"), 1);
	assert_int_equal(num(json, ".after.profiles"), 2);
	assert_int_equal(num(json, ".profile.before.started_ms"), T0 + HOUR + 30 * MIN);
	/* of the two, the newer (08:40), not 08:10's even split */
	assert_int_equal(num(json, ".profile.after.started_ms"),
			 T0 + 2 * HOUR + 40 * MIN);
	assert_int_equal(num(json, ".profile.before.samples"), 400);
	assert_int_equal(num(json, ".profile.functions[] | select(.function == "
				   "\"left\") | .total.change"),
			 -50);
	assert_string_equal(str(json, ".profile.functions[] | select(.function == "
				      "\"right\") | .total.verdict"),
			    "grown");
	run_vigil(&r, "diff", before, after);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\nprofile "));
	assert_non_null(strstr(r.out, "(newest of 2)"));
	assert_non_null(strstr(r.out, "shrunk"));
	assert_non_null(strstr(r.out, "left (app)"));
	/* the ids it names are those --profile takes for the same sides */
	{
		char ids[64], *p = strstr(r.out, "--profile ");
		struct run_result r2;

		assert_non_null(p);
		sscanf(p + 10, "%63[0-9:]", ids);
		run_vigil(&r2, "diff", before, after, "--profile", ids);
		assert_int_equal(r2.status, 0);
		assert_non_null(strstr(r2.out, "left (app)"));
	}
	/* a --fail-if still decides the exit status alone */
	run_vigil(&r, "diff", before, after, "--fail-if", "system.cpu.total > 200");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\nprofile "));
	assert_int_equal(entries(tmp), 0);
}

static void test_bad_sides(void **state)
{
	char spec[400], empty[400];
	struct run_result r;

	(void)state;
	snprintf(spec, sizeof(spec), "%s@+5x..", hist);
	run_vigil(&r, "diff", spec, single);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "bad window"));
	assert_non_null(strstr(r.err, "FROM '+5x'"));
	snprintf(spec, sizeof(spec), "%s@08:00..07:00", hist);
	run_vigil(&r, "diff", single, spec);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "FROM is after TO"));
	/* a window between the ticks: nothing to compare */
	snprintf(spec, sizeof(spec), "%s@06:30:10..06:30:20", hist);
	run_vigil(&r, "diff", spec, single);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "no ticks in it"));
	snprintf(empty, sizeof(empty), "%s/empty", dir);
	assert_int_equal(mkdir(empty, 0700), 0);
	run_vigil(&r, "diff", empty, single);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "no vigil session files in"));
	assert_int_equal(entries(tmp), 0);
}

/*
 * SIGINT while both copies exist: vigil writes the JSON into a pipe of one
 * page that is read only once, so it is held in write(2) with the two
 * sides open until the signal; both copies must be gone after it.
 */
static void test_sigint_removes_both_copies(void **state)
{
	char before[400], after[400], errpath[400];
	int fd[2], status;
	struct pollfd pfd;
	char c;
	pid_t pid;

	(void)state;
	snprintf(before, sizeof(before), "%s@-2h..-1h", hist);
	snprintf(after, sizeof(after), "%s@-1h..", hist);
	snprintf(errpath, sizeof(errpath), "%s/sigint.err", dir);
	/* the JSON must not fit the pipe and stdio's buffer together */
	{
		const char *json = diff_json(before, after);
		struct stat sb;

		assert_int_equal(stat(json, &sb), 0);
		assert_true(sb.st_size > 4 * 4096);
	}
	assert_int_equal(pipe(fd), 0);
	assert_true(fcntl(fd[1], F_SETPIPE_SZ, 4096) >= 4096);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int e = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		dup2(fd[1], 1);
		dup2(e, 2);
		close(fd[0]);
		execl(vigil_bin(), vigil_bin(), "diff", before, after, "--json",
		      (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	/* the first byte: both sides are open and the report is under way */
	pfd = (struct pollfd){.fd = fd[0], .events = POLLIN};
	assert_int_equal(poll(&pfd, 1, 120000), 1);
	assert_int_equal(read(fd[0], &c, 1), 1);
	assert_int_equal(c, '{');
	assert_int_equal(entries(tmp), 2);
	assert_int_equal(kill(pid, SIGINT), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(fd[0]);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGINT);
	assert_int_equal(entries(tmp), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dir_against_file),
		cmocka_unit_test(test_two_windows_of_one_dir),
		cmocka_unit_test(test_profile_part),
		cmocka_unit_test(test_bad_sides),
		cmocka_unit_test(test_sigint_removes_both_copies),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
