/* SPDX-License-Identifier: MIT */
/*
 * test_record: `vigil record` + `vigil report` against real processes.
 *
 * Each test starts fixtures, records them with the real binary, and checks
 * what landed in the session: through the store's query API (the numbers) and
 * through `report --json` read by jq (the contract scripts rely on).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"
#include "store/frames.h"
#include "store/processes.h"
#include "store/store.h"

static char session[4096];

static int setup(void **state)
{
	char *dir = temp_dir();

	(void)state;
	if (!dir)
		return -1;
	snprintf(session, sizeof(session), "%s/s.vigil", dir);
	return 0;
}

static int teardown(void **state)
{
	fixtures_stop_all();
	char dir[4096];

	(void)state;
	remove_session(session);
	snprintf(dir, sizeof(dir), "%s", session);
	*strrchr(dir, '/') = '\0';
	rmdir(dir);
	return 0;
}

static void report_json(struct run_result *r)
{
	run_vigil(r, "report", session, "--json");
	assert_int_equal(r->status, 0);
}

/* jq over the export in path, a number; -1e300 when jq failed. */
static double export_num(const char *path, const char *filter)
{
	char buf[128];

	jq_path(path, filter, buf, sizeof(buf));
	return buf[0] ? atof(buf) : -1e300;
}

/* A jq filter binding $i to column name's index and $r to the rows. */
#define COLUMN(name) ".columns as $c | ($c | index(\"" name "\")) as $i | .rows as $r | "
/* The column integrated over the ticks' intervals: %-seconds / 100. */
#define INTEGRAL                                                                         \
	"[range(1; $r | length) | ($r[.][$i] // 0) * ($r[.][0] - $r[. - 1][0])] "        \
	"| add / 100000"
#define VALUES "[$r[][$i] | select(. != null)]"

#define assert_near(a, b, tol)                                                           \
	do {                                                                             \
		double a_ = (a), b_ = (b);                                               \
		if (!(fabs(a_ - b_) <= (tol)))                                           \
			fail_msg("%s = %.6f, expected %.6f within %.6f", #a, a_, b_,     \
				 (double)(tol));                                         \
	} while (0)

/*
 * One CPU convention per figure, against the kernel's own accounting. The
 * busy fixture uses a known amount of CPU inside the session (K seconds:
 * the kernel's utime+stime across two SIGSTOPs, whatever the load), so:
 * - target.cpu is % of one core: integrated over the ticks it is K;
 * - report's target cpu_pct_avg/max are the mean/max of those values, and
 *   top_processes' figure for busy is K over the session's span;
 * - the system's CPU is % of all cores: cpu.total and report's system
 *   figures lie in 0..100, and integrated times the CPU count they cover at
 *   least K and at most the busy time /proc/stat counted from before vigil
 *   started to after it ended.
 */
static void test_cpu_conventions_match_kernel(void **state)
{
	struct run_result r;
	char pidbuf[16], out[4200], err[256], filter[256], buf[64];
	pid_t pid = fixture_start("busy", NULL);
	long clk = sysconf(_SC_CLK_TCK);
	long long b0, b1, used;
	double k, span_s, pct, ncpu, sys;

	(void)state;
	assert_true(pid > 0);
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
	snprintf(out, sizeof(out), "%s.json", session);
	b0 = kernel_busy_ticks();
	used = record_known_cpu(pid, session,
				(const char *const[]){"record", "-p", pidbuf, "-i",
						      "200ms", "--statsd", "off", "-o",
						      session, NULL},
				clk, err, sizeof(err));
	b1 = kernel_busy_ticks();
	fixture_stop(pid);
	if (used < 0)
		fail_msg("%s", err);
	k = (double)used / (double)clk;
	run_vigil(&r, "export", session, "--metrics", "--format", "json", "-o", out);
	assert_int_equal(r.status, 0);
	report_json(&r);

	/* the target: % of one core */
	assert_near(export_num(out, COLUMN("target.cpu") INTEGRAL), k, 0.002 + k * 1e-3);
	assert_near(jq_num(r.out, ".target.cpu_pct_avg"),
		    export_num(out, COLUMN("target.cpu") VALUES " | add / length"),
		    0.006);
	assert_near(jq_num(r.out, ".target.cpu_pct_max"),
		    export_num(out, COLUMN("target.cpu") VALUES " | max"), 0.006);
	span_s = export_num(out, ".rows[-1][0] - .rows[0][0]") / 1000;
	snprintf(filter, sizeof(filter),
		 ".top_processes.cpu[] | select(.pid == %d) | .cpu_pct_avg", (int)pid);
	pct = 100 * k / span_s;
	assert_near(jq_num(r.out, filter), pct, 0.006 + pct * 1e-3);

	/* the system: % of all cores */
	ncpu = jq_num(r.out, ".session.ncpu");
	assert_true(ncpu >= 1);
	assert_string_equal(jq_path(out,
				    COLUMN("cpu.total") VALUES
				    " | length > 0 and min >= 0 and max <= 100",
				    buf, sizeof(buf)),
			    "true");
	assert_near(jq_num(r.out, ".system.cpu_pct_all_cores_avg"),
		    export_num(out, COLUMN("cpu.total") VALUES " | add / length"), 0.006);
	assert_true(jq_num(r.out, ".system.cpu_pct_all_cores_max") <= 100);
	/* the old key, 100 per core, is gone rather than changed in place */
	assert_string_equal(jq(r.out, ".system | has(\"cpu_pct_avg\")", buf, sizeof(buf)),
			    "false");
	sys = export_num(out, COLUMN("cpu.total") INTEGRAL) * ncpu;
	print_message("busy used %.3f s of CPU in a %.3f s session (target.cpu: %.3f s); "
		      "the system %.3f s (%.3f s around it)\n",
		      k, span_s, export_num(out, COLUMN("target.cpu") INTEGRAL), sys,
		      (double)(b1 - b0) / (double)clk);
	if (!(sys >= 0.9 * k - 0.05 &&
	      sys <= 1.05 * (double)(b1 - b0) / (double)clk + 0.1))
		fail_msg("system busy %.3f s over the session: busy %.3f s in it, "
			 "%.3f s around it",
			 sys, k, (double)(b1 - b0) / (double)clk);
	unlink(out);

	/* the text says which is which */
	run_vigil(&r, "report", session);
	assert_int_equal(r.status, 0);
	snprintf(filter, sizeof(filter), "%% of all %d core", (int)ncpu);
	assert_non_null(strstr(r.out, filter));
	assert_non_null(strstr(r.out, "% of one core\n"));
}

/* Resident memory matches the kernel's own VmRSS within 2%. */
static void test_rss_matches_kernel(void **state)
{
	struct run_result r;
	char pidbuf[16];
	pid_t pid = fixture_start("holdmem", "96", NULL);
	double rss;
	unsigned long long kernel;

	(void)state;
	assert_true(pid > 0);
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
	run_vigil(&r, "record", "-p", pidbuf, "-i", "200ms", "-d", "1s", "-o", session);
	kernel = kernel_rss(pid);
	fixture_stop(pid);
	assert_int_equal(r.status, 0);
	report_json(&r);
	rss = jq_num(r.out, ".target.rss_bytes_last");
	assert_true(kernel >= 96ull << 20);
	assert_true(rss > kernel * 0.98 && rss < kernel * 1.02);
	assert_true(jq_num(r.out, ".target.rss_bytes_max") >= rss);
}

/* A command vigil started and that exits ends the recording with its status. */
static void test_started_command_exits(void **state)
{
	struct run_result r;
	char buf[64];

	(void)state;
	run_vigil(&r, "record", "-i", "100ms", "-d", "30s", "-o", session, "--",
		  fixture_path("exiter"), "700", "7");
	assert_int_equal(r.status, 0);
	report_json(&r);
	assert_string_equal(jq(r.out, ".target.exited", buf, sizeof(buf)), "true");
	assert_true(jq_num(r.out, ".target.exit_code") == 7);
	assert_string_equal(jq(r.out, ".target.comm", buf, sizeof(buf)), "exiter");
	/* it stopped because the target exited, long before -d 30s: 300 ticks */
	assert_true(jq_num(r.out, ".session.ticks") < 100);
	assert_true(jq_num(r.out, ".session.ticks") >= 3);
}

/* -p on a process that exits mid-recording: marked exited, history kept. */
static void test_attached_process_exits(void **state)
{
	struct run_result r;
	char pidbuf[16], buf[64];
	pid_t pid = fixture_start("exiter", "800", "0", NULL);

	(void)state;
	assert_true(pid > 0);
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
	/* Nobody reaps it while vigil runs: a zombie must count as exited. */
	run_vigil(&r, "record", "-p", pidbuf, "-i", "100ms", "-d", "20s", "-o", session);
	waitpid(pid, NULL, 0);
	assert_int_equal(r.status, 0);
	report_json(&r);
	assert_string_equal(jq(r.out, ".target.exited", buf, sizeof(buf)), "true");
	assert_true(jq_num(r.out, ".target.pid") == pid);
	assert_true(jq_num(r.out, ".target.rss_bytes_max") > 0);
}

/* With no target: system and process table only, target is null. */
static void test_system_only_and_sigint(void **state)
{
	struct run_result r;
	char buf[64];
	pid_t pid;
	int status;

	(void)state;
	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		dup2(devnull, 2);
		execl(vigil_bin(), "vigil", "record", "-i", "100ms", "-o", session,
		      (char *)NULL);
		_exit(127);
	}
	sleep_ms(1200);
	kill(pid, SIGINT);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	report_json(&r);
	assert_string_equal(jq(r.out, ".target", buf, sizeof(buf)), "null");
	assert_true(jq_num(r.out, ".session.ticks") >= 5);
	assert_true(jq_num(r.out, ".session.ended_ms") >=
		    jq_num(r.out, ".session.started_ms"));
	assert_true(jq_num(r.out, ".system.mem_used_bytes_avg") > 0);
}

/* The session is private to its owner and passes SQLite's integrity check. */
static void test_session_file_mode_and_integrity(void **state)
{
	struct run_result r;
	struct stat st;
	char cmd[4300], line[64] = "";
	FILE *p;

	(void)state;
	run_vigil(&r, "record", "-i", "100ms", "-d", "500ms", "-o", session);
	assert_int_equal(r.status, 0);
	assert_int_equal(stat(session, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(cmd, sizeof(cmd), "sqlite3 -readonly '%s' 'PRAGMA integrity_check'",
		 session);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(line, sizeof(line), p));
	pclose(p);
	assert_string_equal(line, "ok\n");
}

/* The process table at a tick has the fixture with its identity and cmdline. */
static void test_process_table_in_session(void **state)
{
	struct run_result r;
	struct store *st;
	struct proc_table table = {0};
	int64_t first, last;
	uint64_t ticks;
	char err[256];
	pid_t pid = fixture_start("sleeper", "--marker", NULL);
	const struct proc_row *row;

	(void)state;
	assert_true(pid > 0);
	run_vigil(&r, "record", "-i", "100ms", "-d", "600ms", "-o", session);
	fixture_stop(pid);
	assert_int_equal(r.status, 0);
	assert_int_equal(store_open(session, &st, err, sizeof(err)), 0);
	assert_int_equal(query_span(st, &first, &last, &ticks), 0);
	assert_int_equal(query_proc_table_at(st, last, &table), 0);
	row = proc_table_find(&table, pid);
	assert_non_null(row);
	assert_string_equal(row->comm, "sleeper");
	assert_non_null(strstr(row->cmdline, "sleeper --marker"));
	assert_int_equal(row->ppid, getpid());
	assert_int_equal(row->uid, getuid());
	assert_true(row->user[0] != '\0');
	assert_true(row->rss_bytes > 0);
	assert_true(proc_table_find(&table, 1) != NULL);
	proc_table_release(&table);
	store_close(st);
}

/*
 * PID reuse: a pid that exits and comes back as another process is two
 * identities. The kernel is asked for the pid again through ns_last_pid
 * (root only); elsewhere the test is skipped, the unit tests cover the logic.
 */
static pid_t fork_sleeper_at(pid_t want)
{
	for (int attempt = 0; attempt < 50; attempt++) {
		FILE *f = fopen("/proc/sys/kernel/ns_last_pid", "w");
		pid_t pid;

		if (!f)
			return -1;
		fprintf(f, "%d", (int)want - 1);
		if (fclose(f) != 0)
			return -1;
		pid = fixture_start("sleeper", NULL);
		if (pid == want)
			return pid;
		fixture_stop(pid);
	}
	return -1;
}

static void test_pid_reuse_is_two_identities(void **state)
{
	struct run_result r;
	pid_t rec, a, b;
	int status;
	char cmd[4400], line[64] = "";
	FILE *p;

	(void)state;
	if (access("/proc/sys/kernel/ns_last_pid", W_OK) != 0)
		skip();
	rec = fork();
	if (rec == 0) {
		execl(vigil_bin(), "vigil", "record", "-i", "100ms", "-d", "2500ms", "-o",
		      session, (char *)NULL);
		_exit(127);
	}
	a = fixture_start("sleeper", NULL);
	assert_true(a > 0);
	sleep_ms(700);
	fixture_stop(a);
	sleep_ms(400);
	b = fork_sleeper_at(a);
	if (b < 0) {
		waitpid(rec, &status, 0);
		skip();
	}
	sleep_ms(700);
	waitpid(rec, &status, 0);
	fixture_stop(b);
	assert_int_equal(WEXITSTATUS(status), 0);
	snprintf(cmd, sizeof(cmd),
		 "sqlite3 -readonly '%s' 'SELECT COUNT(DISTINCT start_ticks) FROM procs "
		 "WHERE pid = %d'",
		 session, (int)a);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(line, sizeof(line), p));
	pclose(p);
	assert_string_equal(line, "2\n");
	(void)r;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cpu_conventions_match_kernel, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rss_matches_kernel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_started_command_exits, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_attached_process_exits, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_system_only_and_sigint, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_session_file_mode_and_integrity,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_process_table_in_session, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_pid_reuse_is_two_identities, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("record", tests, NULL, NULL);
}
