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

#include "cgtest.h"

#include "store/processes.h"

#include <limits.h>
#include <math.h>

#define MEM_LIMIT (256ull << 20)
#define QUOTA_US 10000 /* a tenth of a core: a spinning thread hits it */
#define PERIOD_US 100000
#define WANT_CPU_NS 300000000ull /* what the hog must use inside the session */

static struct cgtest cg; /* vigil-test-<pid> */
static pid_t hog, holder;
static char session[PATH_MAX], tmp[256];

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

static void cleanup(void)
{
	if (hog > 0)
		fixture_stop(hog);
	if (holder > 0)
		fixture_stop(holder);
	hog = holder = 0;
	cgtest_remove(&cg);
	if (session[0])
		remove_session(session);
	if (tmp[0])
		rmdir(tmp);
	session[0] = tmp[0] = '\0';
}

static int setup(void **state)
{
	const struct cgtest_limits lim = {.mem_max = MEM_LIMIT,
					  .cpu_quota_us = QUOTA_US,
					  .cpu_period_us = PERIOD_US};

	(void)state;
	cgtest_make(&cg, "vigil-test", &lim);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cleanup();
	return 0;
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
	return cg.v2 ? read_num(cg.cpu, "cpu.stat", "usage_usec") * 1000
		     : read_num(cg.acct, "cpuacct.usage", NULL);
}

static unsigned long long throttled_ns(void)
{
	return cg.v2 ? read_num(cg.cpu, "cpu.stat", "throttled_usec") * 1000
		     : read_num(cg.cpu, "cpu.stat", "throttled_time");
}

/* User (user true) or system CPU of the cgroup in ns, as the kernel
 * counts it: cpu.stat's usec, or v1 cpuacct.stat's clock ticks. */
static unsigned long long split_ns(bool user)
{
	unsigned long long hz = (unsigned long long)sysconf(_SC_CLK_TCK);

	return cg.v2 ? read_num(cg.cpu, "cpu.stat", user ? "user_usec" : "system_usec") *
			       1000
		     : read_num(cg.acct, "cpuacct.stat", user ? "user" : "system") *
			       (1000000000ull / hz);
}

static unsigned long long mem_anon(void)
{
	return read_num(cg.mem, "memory.stat", cg.v2 ? "anon" : "total_rss");
}

static unsigned long long mem_usage(void)
{
	return cg.v2 ? read_num(cg.mem, "memory.current", NULL)
		     : read_num(cg.mem, "memory.usage_in_bytes", NULL);
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
		 cg.name, field);
	jq_path(out, filter, buf, sizeof(buf));
	unlink(out);
	if (!*buf)
		fail_msg("no %s for /%s in export --cgroups", field, cg.name);
	return strtod(buf, NULL);
}

static void test_real_cgroup(void **state)
{
	unsigned long long u0, u1, thr0, thr1, nthr1, mem1, user1, sys1, anon1;
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
	if (cg.nmade == 0)
		skip();
	snprintf(tmp, sizeof(tmp), "%s", temp_dir());
	snprintf(session, sizeof(session), "%s/cg.vigil", tmp);
	holder = cgtest_start_inside(&cg, (char[]){"holdmem"}, (char[]){"64"});
	hog = cgtest_start_inside(&cg, (char[]){"busy"}, NULL);
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
	/* the stop is reported to us before the hog's last dequeue, which can
	 * still throttle its group (nr_throttled now, throttled time at the
	 * next period's unthrottle): read once two readings a period and more
	 * apart agree */
	thr1 = throttled_ns();
	nthr1 = read_num(cg.cpu, "cpu.stat", "nr_throttled");
	for (int k = 0; k < 100; k++) {
		unsigned long long t, n;

		sleep_ms(150);
		t = throttled_ns();
		n = read_num(cg.cpu, "cpu.stat", "nr_throttled");
		if (t == thr1 && n == nthr1)
			break;
		thr1 = t;
		nthr1 = n;
	}
	u1 = usage_ns();
	mem1 = mem_usage();
	user1 = split_ns(true);
	sys1 = split_ns(false);
	anon1 = mem_anon();
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
	/* user and system CPU (cAdvisor's container_cpu_{user,system}_*), and
	 * anonymous memory: the holder's 64 MiB are in it */
	assert_true(last_value("cpu_user_ns") == (double)user1);
	assert_true(last_value("cpu_system_ns") == (double)sys1);
	assert_true(fabs(last_value("mem_anon") - (double)anon1) <= (double)anon1 * 0.02);
	assert_true(anon1 >= 64ull << 20);
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
		 cg.name);
	jq(r.out, filter, buf, sizeof(buf));
	{
		double pct = -1, thr_s = -1;
		long long f = 0, l = 0, kills = -1;

		if (sscanf(buf, "%lf %lld %lld %lf %lld", &pct, &f, &l, &thr_s, &kills) !=
		    5)
			fail_msg("no /%s in report's cgroups: '%s'", cg.name, buf);
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
	snprintf(filter, sizeof(filter), "/%s", cg.name);
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
