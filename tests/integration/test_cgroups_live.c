/* SPDX-License-Identifier: MIT */
/*
 * test_cgroups_live: a REAL cgroup on the test machine, the one exception
 * to "tests never touch system paths" (issue 19 asks for it). The test
 * makes a uniquely named child, vigil-test-<pid>, under the v1 cpu,
 * cpuacct, memory and pids hierarchies (or the v2 root, when it delegates
 * cpu and memory), gives it a 256 MiB memory limit and a tenth of a core
 * of CPU quota, runs a CPU hog (busy) and a memory holder (holdmem 64) in it, and
 * records with `vigil record`. It then compares vigil's figures with the
 * kernel's own counters, read by the test itself:
 *
 * - The fixtures are stopped before vigil's first two ticks and again
 *   before its last, so the CPU, periods and throttled time the cgroup
 *   gathered inside the session are the kernel's difference across the two
 *   stops: vigil's last tick must hold exactly the kernel's counters, and
 *   report's average CPU times the span must give back that difference.
 * - The limits vigil stored are those the test wrote.
 * - Each fixture's process row names the test cgroup.
 *
 * Only what the test made is removed (its fixtures killed first), in the
 * teardown, which runs on failure too. It is skipped, with the reason, when
 * not root or when no cgroup hierarchy here can be written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"

#include "store/processes.h"

#include <limits.h>
#include <math.h>

#define CG_ROOT "/sys/fs/cgroup"
#define MEM_LIMIT (256ull << 20)
#define QUOTA_US 10000 /* a tenth of a core: a spinning thread hits it */
#define PERIOD_US 100000
#define WANT_CPU_NS 300000000ull /* what the hog must use inside the session */

/* The directories the test made (at most cpu, cpuacct, memory, pids), so
 * the teardown removes exactly those. */
static char made[4][PATH_MAX];
static int nmade;
static char name[64];	       /* vigil-test-<pid> */
static char cpu_dir[PATH_MAX]; /* where cpu.stat and the quota are */
static char acct_dir[PATH_MAX];
static char mem_dir[PATH_MAX];
static bool v2;
static pid_t hog, holder;
static char session[PATH_MAX], tmp[256];

static bool write_file(const char *dir, const char *file, const char *text)
{
	char path[PATH_MAX + 64];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "w");
	if (!f)
		return false;
	ok = fputs(text, f) >= 0;
	return fclose(f) == 0 && ok;
}

/* The first number in <dir>/<file> after key (NULL: the file's first). */
static unsigned long long read_num(const char *dir, const char *file, const char *key)
{
	char path[PATH_MAX + 64], line[256], k[64];
	unsigned long long v;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot read %s", path);
	while (fgets(line, sizeof(line), f)) {
		if (!key ? sscanf(line, "%llu", &v) == 1
			 : sscanf(line, "%63s %llu", k, &v) == 2 && !strcmp(k, key)) {
			fclose(f);
			return v;
		}
	}
	fclose(f);
	fail_msg("no %s in %s", key ? key : "number", path);
	return 0;
}

/* Makes <hierarchy>/<name> once per distinct mount (cpu may be a link to
 * cpu,cpuacct); its path in dir. false when it cannot. */
static bool make_child(const char *hierarchy, char *dir)
{
	char real[PATH_MAX], path[PATH_MAX + 64];

	snprintf(path, sizeof(path), CG_ROOT "/%s", hierarchy);
	if (!realpath(path, real))
		return false;
	if ((size_t)snprintf(dir, PATH_MAX, "%.3000s/%s", real, name) >= PATH_MAX)
		return false;
	for (int i = 0; i < nmade; i++)
		if (!strcmp(made[i], dir))
			return true;
	if (mkdir(dir, 0755) < 0)
		return false;
	snprintf(made[nmade++], PATH_MAX, "%s", dir);
	return true;
}

/* Moves pid into every cgroup the test made. */
static bool enter(pid_t pid)
{
	char text[32];

	snprintf(text, sizeof(text), "%d\n", (int)pid);
	for (int i = 0; i < nmade; i++)
		if (!write_file(made[i], "cgroup.procs", text))
			return false;
	return true;
}

static void cleanup(void)
{
	if (hog > 0)
		fixture_stop(hog);
	if (holder > 0)
		fixture_stop(holder);
	hog = holder = 0;
	for (int i = nmade - 1; i >= 0; i--) {
		/* a reaped task may take a moment to leave a v1 cgroup */
		for (int k = 0; k < 100 && rmdir(made[i]) < 0 && errno == EBUSY; k++)
			sleep_ms(20);
	}
	nmade = 0;
	if (session[0])
		remove_session(session);
	if (tmp[0])
		rmdir(tmp);
	session[0] = tmp[0] = '\0';
}

static int setup(void **state)
{
	char text[64];

	(void)state;
	snprintf(name, sizeof(name), "vigil-test-%d", (int)getpid());
	if (geteuid() != 0) {
		print_message("skipped: making a cgroup needs root\n");
		return 0;
	}
	v2 = access(CG_ROOT "/cgroup.controllers", F_OK) == 0;
	if (v2) {
		FILE *f = fopen(CG_ROOT "/cgroup.subtree_control", "r");
		char line[256] = "";

		if (f) {
			if (!fgets(line, sizeof(line), f))
				line[0] = '\0';
			fclose(f);
		}
		/* never change what the root delegates: skip instead */
		if (!strstr(line, "cpu") || !strstr(line, "memory")) {
			print_message("skipped: the v2 root does not delegate cpu and "
				      "memory\n");
			return 0;
		}
		if (!make_child(".", cpu_dir)) {
			print_message("skipped: cannot make %s: %s\n", name,
				      strerror(errno));
			return 0;
		}
		snprintf(acct_dir, sizeof(acct_dir), "%s", cpu_dir);
		snprintf(mem_dir, sizeof(mem_dir), "%s", cpu_dir);
		snprintf(text, sizeof(text), "%d %d\n", QUOTA_US, PERIOD_US);
		assert_true(write_file(cpu_dir, "cpu.max", text));
		snprintf(text, sizeof(text), "%llu\n", MEM_LIMIT);
		assert_true(write_file(mem_dir, "memory.max", text));
		return 0;
	}
	if (!make_child("cpu", cpu_dir) || !make_child("cpuacct", acct_dir) ||
	    !make_child("memory", mem_dir)) {
		print_message("skipped: cannot make %s under the v1 cpu, cpuacct and "
			      "memory hierarchies: %s\n",
			      name, strerror(errno));
		cleanup();
		return 0;
	}
	{
		char pids[PATH_MAX];

		make_child("pids", pids); /* optional */
	}
	snprintf(text, sizeof(text), "%d\n", PERIOD_US);
	assert_true(write_file(cpu_dir, "cpu.cfs_period_us", text));
	snprintf(text, sizeof(text), "%d\n", QUOTA_US);
	assert_true(write_file(cpu_dir, "cpu.cfs_quota_us", text));
	snprintf(text, sizeof(text), "%llu\n", MEM_LIMIT);
	assert_true(write_file(mem_dir, "memory.limit_in_bytes", text));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cleanup();
	return 0;
}

/* Starts a fixture inside the test cgroup (the child enters it before it
 * execs, so every page it touches is charged there, v1 included, which
 * does not move charges with a task) and waits for its "ready". */
static pid_t start_inside(char *fixture, char *arg)
{
	char *argv[] = {fixture, arg, NULL};
	char line[16] = "";
	int pipefd[2];
	pid_t pid;

	if (pipe(pipefd) < 0)
		fail_msg("pipe: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		dup2(pipefd[1], 1);
		dup2(devnull, 2);
		close(pipefd[0]);
		close(pipefd[1]);
		if (!enter(getpid()))
			_exit(126);
		execv(fixture_path(fixture), argv);
		_exit(127);
	}
	if (fixture_count < 64)
		fixture_pids[fixture_count++] = pid;
	close(pipefd[1]);
	if (read(pipefd[0], line, sizeof(line) - 1) <= 0 || strncmp(line, "ready", 5))
		fail_msg("cannot start %s in %s", fixture, name);
	close(pipefd[0]);
	return pid;
}

/* Waits for a tick stamped after t_ms; returns its time (0: none came). */
static int64_t tick_after(int64_t t_ms)
{
	int64_t last = 0;

	for (int i = 0; i < 1200 && (last = session_last_tick(session, NULL)) <= t_ms;
	     i++)
		sleep_ms(50);
	return last > t_ms ? last : 0;
}

static unsigned long long usage_ns(void)
{
	return v2 ? read_num(cpu_dir, "cpu.stat", "usage_usec") * 1000
		  : read_num(acct_dir, "cpuacct.usage", NULL);
}

static unsigned long long throttled_ns(void)
{
	return v2 ? read_num(cpu_dir, "cpu.stat", "throttled_usec") * 1000
		  : read_num(cpu_dir, "cpu.stat", "throttled_time");
}

static unsigned long long mem_usage(void)
{
	return v2 ? read_num(mem_dir, "memory.current", NULL)
		  : read_num(mem_dir, "memory.usage_in_bytes", NULL);
}

/* Vigil's value of field at the last tick for the test cgroup (export
 * --cgroups into a file: every cgroup of every tick is more than a pipe's
 * worth for the harness). */
static double last_value(const char *field)
{
	char filter[256], buf[64], out[PATH_MAX + 16];
	struct run_result r;

	snprintf(out, sizeof(out), "%s/cg.json", tmp);
	run_vigil(&r, "export", session, "--cgroups", "--format", "json", "-o", out,
		  "--force");
	assert_int_equal(r.status, 0);
	snprintf(filter, sizeof(filter), "[.[] | select(.path == \"/%s\")] | last | .%s",
		 name, field);
	jq_path(out, filter, buf, sizeof(buf));
	unlink(out);
	if (!*buf)
		fail_msg("no %s for /%s in export --cgroups", field, name);
	return strtod(buf, NULL);
}

static void test_real_cgroup(void **state)
{
	unsigned long long u0, u1, thr0, thr1, nthr1, mem1;
	int64_t stopped_ms, first, last;
	const char *args[] = {"record", "-i", "250ms", "--statsd",
			      "off",	"-o", session, NULL};
	char filter[256], buf[256];
	struct run_result r;
	struct timespec ts;
	uint64_t ticks = 0;
	int status;
	pid_t v;

	(void)state;
	if (nmade == 0)
		skip();
	snprintf(tmp, sizeof(tmp), "%s", temp_dir());
	snprintf(session, sizeof(session), "%s/cg.vigil", tmp);
	holder = start_inside((char[]){"holdmem"}, (char[]){"64"});
	hog = start_inside((char[]){"busy"}, NULL);
	fixture_pause(hog);
	fixture_pause(holder);
	u0 = usage_ns();
	thr0 = throttled_ns();
	v = vigil_start(args);
	for (int i = 0; i < 1200 && (session_last_tick(session, &ticks), ticks < 2); i++)
		sleep_ms(50);
	assert_true(ticks >= 2);
	fixture_resume(hog);
	for (int k = 0; k < 3000 && usage_ns() < u0 + WANT_CPU_NS; k++)
		sleep_ms(20);
	fixture_pause(hog);
	u1 = usage_ns();
	thr1 = throttled_ns();
	nthr1 = read_num(cpu_dir, "cpu.stat", "nr_throttled");
	mem1 = mem_usage();
	clock_gettime(CLOCK_REALTIME, &ts);
	stopped_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	/* two ticks after the stop: the last one's CPU % is over a stopped span */
	tick_after(tick_after(stopped_ms));
	kill(v, SIGINT);
	waitpid(v, &status, 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_true(u1 >= u0 + WANT_CPU_NS);

	/* the last tick read the stopped cgroup: the kernel's counters exactly */
	assert_true(last_value("cpu_pct") == 0);
	assert_true(last_value("throttled_ns") == (double)thr1);
	assert_true(last_value("nr_throttled") == (double)nthr1);
	/* 0.3 s of CPU under 10 ms per 100 ms: held back in some period */
	assert_true(nthr1 > 0);
	/* memory: the same pages, give or take the kernel's own charges */
	assert_true(fabs(last_value("mem_current") - (double)mem1) <=
		    (double)mem1 * 0.02);
	assert_true(mem1 >= 64ull << 20);
	/* the limits the test wrote */
	assert_true(last_value("mem_max") == (double)MEM_LIMIT);
	assert_true(last_value("cpu_quota_us") == QUOTA_US);
	assert_true(last_value("cpu_period_us") == PERIOD_US);

	/* report: CPU over the span is the kernel's difference across the stops */
	run_vigil(&r, "report", session, "--json");
	assert_int_equal(r.status, 0);
	snprintf(filter, sizeof(filter),
		 "[.cgroups.top_cpu[], .cgroups.top_memory[]] | map(select(.path == "
		 "\"/%s\")) | first | \"\\(.cpu_pct_avg) \\(.first_ms) \\(.last_ms) "
		 "\\(.throttled_s) \\(.oom_kills)\"",
		 name);
	jq(r.out, filter, buf, sizeof(buf));
	{
		double pct = -1, thr_s = -1;
		long long f = 0, l = 0, kills = -1;

		if (sscanf(buf, "%lf %lld %lld %lf %lld", &pct, &f, &l, &thr_s, &kills) !=
		    5)
			fail_msg("no /%s in report's cgroups: '%s'", name, buf);
		first = f;
		last = l;
		/* report rounds to 2 decimals of a percent */
		assert_true(fabs(pct / 100.0 * (double)(last - first) * 1e6 -
				 (double)(u1 - u0)) <=
			    0.005 / 100.0 * (double)(last - first) * 1e6 + 1);
		assert_true(fabs(thr_s * 1e9 - (double)(thr1 - thr0)) <= 0.0005e9 + 1);
		assert_int_equal(kills, 0);
	}

	/* the processes' rows name the cgroup */
	snprintf(filter, sizeof(filter), "/%s", name);
	{
		struct store *st;
		struct proc_table pt;
		char err[256];
		int found = 0;

		assert_int_equal(store_open(session, &st, err, sizeof(err)), 0);
		assert_int_equal(query_proc_table_at(st, last, &pt), 0);
		for (size_t i = 0; i < pt.n; i++)
			if ((pt.rows[i].pid == hog || pt.rows[i].pid == holder) &&
			    pt.rows[i].cgroup && !strcmp(pt.rows[i].cgroup, filter))
				found++;
		proc_table_release(&pt);
		store_close(st);
		assert_int_equal(found, 2);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_real_cgroup, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
