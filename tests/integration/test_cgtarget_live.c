/* SPDX-License-Identifier: MIT */
/*
 * test_cgtarget_live: `vigil record -c CGROUP`, a REAL cgroup as the target (the
 * exception to "tests never touch system paths" that test_cgroups_live
 * makes too, for issue 19). The test makes a uniquely named child,
 * vigil-cgt-<pid>, under the v1 cpu, cpuacct, memory and pids hierarchies
 * (or the v2 root, when it delegates cpu and memory), runs a CPU hog
 * (busy) and a memory holder (holdmem 64) in it, and records the cgroup:
 *
 * - Both fixtures are stopped before vigil's first tick and again before a
 *   later one, so at that tick the target's counters (which count from
 *   attach) must be exactly the processes' own utime+stime differences, and
 *   the cgroup's kernel CPU counter the same within the processes' tick
 *   truncation; its RSS exactly the sum of theirs.
 * - A third process started in the cgroup and killed again is counted as
 *   come and gone, not an error.
 * - The session names the cgroup; report --json says so.
 *
 * And, without a cgroup: -c with -p or -- CMD is a usage error (2), a
 * cgroup that does not exist or a path with ".." a runtime error (1).
 * Only what the test made is removed (its fixtures killed first), in the
 * teardown, which runs on failure too; skipped, with the reason, when not
 * root or when no hierarchy here can be written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cgtest.h"

#include <limits.h>
#include <math.h>

#define WANT_CPU_NS 300000000ull /* what the hog must use inside the session */
#define MEM_LIMIT (256ull << 20)

static struct cgtest cg; /* vigil-cgt-<pid> */
static pid_t hog, holder, visitor;
static char session[PATH_MAX], tmp[256];

/* The CPU the cgroup used, in ns, as the kernel counts it. */
static unsigned long long usage_ns(void)
{
	char path[PATH_MAX + 64], line[256];
	unsigned long long v = 0, got = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", cg.acct,
		 cg.v2 ? "cpu.stat" : "cpuacct.usage");
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot read %s", path);
	while (fgets(line, sizeof(line), f))
		if (cg.v2 ? sscanf(line, "usage_usec %llu", &v) == 1
			  : sscanf(line, "%llu", &v) == 1) {
			got = cg.v2 ? v * 1000 : v;
			break;
		}
	fclose(f);
	return got;
}

static void cleanup(void)
{
	pid_t *fx[] = {&hog, &holder, &visitor};

	for (size_t i = 0; i < 3; i++)
		if (*fx[i] > 0)
			fixture_stop(*fx[i]);
	hog = holder = visitor = 0;
	cgtest_remove(&cg);
	if (session[0])
		remove_session(session);
	if (tmp[0])
		rmdir(tmp);
	session[0] = tmp[0] = '\0';
}

static int setup(void **state)
{
	const struct cgtest_limits lim = {.mem_max = MEM_LIMIT};

	(void)state;
	cgtest_make(&cg, "vigil-cgt", &lim);
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

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The target sample of the session's tick at t_ms (the caller unrefs). */
static struct frame *frame_at(int64_t t_ms)
{
	struct store *st;
	struct frame *f = NULL;
	char err[256];

	assert_int_equal(store_open(session, &st, err, sizeof(err)), 0);
	assert_int_equal(query_frame_at(st, t_ms, &f), 0);
	store_close(st);
	assert_non_null(f);
	assert_non_null(f->target);
	return f;
}

/* Polls the session until its newest target sample has nprocs processes
 * and left departures; false when none did within the bound. */
static bool wait_procs(int nprocs, uint64_t left)
{
	for (int i = 0; i < 1200; i++) {
		int64_t t = session_last_tick(session, NULL);

		if (t) {
			struct frame *f = frame_at(t);
			bool ok = f->target->nprocs == nprocs &&
				  f->target->procs_left == left;

			frame_unref(f);
			if (ok)
				return true;
		}
		sleep_ms(50);
	}
	return false;
}

static void test_record_cgroup(void **state)
{
	long long c0, c1, h0, h1, clk = sysconf(_SC_CLK_TCK);
	unsigned long long u0, u1, rss;
	const char *args[] = {"record", "-c",	    cg.name, "-i",
			      "250ms",	"--statsd", "off",   "--no-alerts",
			      "-o",	session,    NULL};
	char path[80], buf[256];
	struct run_result r;
	uint64_t ticks = 0;
	struct frame *f;
	int64_t t;
	int status;
	pid_t v;

	(void)state;
	if (cg.nmade == 0)
		skip();
	snprintf(tmp, sizeof(tmp), "%s", temp_dir());
	snprintf(session, sizeof(session), "%s/cgt.vigil", tmp);
	holder = cgtest_start_inside(&cg, (char[]){"holdmem"}, (char[]){"64"});
	hog = cgtest_start_inside(&cg, (char[]){"busy"}, NULL);
	fixture_pause(hog);
	fixture_pause(holder);
	/* a leak verdict every second, so the recording has some */
	setenv("VIGIL_LEAK", "every=1s", 1);
	c0 = kernel_cpu_ticks(hog);
	h0 = kernel_cpu_ticks(holder);
	u0 = usage_ns();
	v = vigil_start(args);
	for (int i = 0; i < 1200 && (session_last_tick(session, &ticks), ticks < 2); i++)
		sleep_ms(50);
	assert_true(ticks >= 2);
	fixture_resume(hog);
	for (int k = 0; k < 3000 && usage_ns() < u0 + WANT_CPU_NS; k++)
		sleep_ms(20);
	fixture_pause(hog);
	c1 = kernel_cpu_ticks(hog);
	h1 = kernel_cpu_ticks(holder);
	u1 = usage_ns();
	rss = kernel_rss(hog) + kernel_rss(holder);
	/* the second tick after the stop read the stopped processes */
	t = tick_after(tick_after(now_ms()));
	assert_true(t > 0);

	/* a process comes and goes: counted, the recording goes on */
	visitor = cgtest_start_inside(&cg, (char[]){"sleeper"}, NULL);
	assert_true(wait_procs(3, 0));
	fixture_stop(visitor);
	visitor = 0;
	assert_true(wait_procs(2, 1));
	kill(v, SIGINT);
	waitpid(v, &status, 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_true(u1 >= u0 + WANT_CPU_NS);

	f = frame_at(t);
	assert_true(f->target->is_cgroup);
	assert_int_equal(f->target->pid, 0);
	snprintf(path, sizeof(path), "/%s", cg.name);
	assert_string_equal(f->target->cgroup, path);
	assert_int_equal(f->target->nprocs, 2);
	assert_true(f->target->lead_pid == hog || f->target->lead_pid == holder);
	/* counters count from attach, when both were stopped: exactly the
	 * processes' own differences since */
	assert_int_equal((long long)(f->target->utime + f->target->stime),
			 (c1 - c0) + (h1 - h0));
	/* and the kernel's cgroup counter, but for each process's utime and
	 * stime being cut to whole ticks apiece: under 2 ticks a process at
	 * each reading, so under 2 a process in a difference */
	assert_true(
		fabs((double)(f->target->utime + f->target->stime) * 1e9 / (double)clk -
		     (double)(u1 - u0)) < 2.0 * 2 /* processes */ * 1e9 / (double)clk);
	/* memory: the sum of theirs, to the byte */
	assert_int_equal(f->target->vm_rss, rss);
	assert_true(f->target->vm_rss >= 64ull << 20);
	frame_unref(f);

	/* the session names the cgroup; so does report */
	run_vigil(&r, "report", session, "--json");
	assert_int_equal(r.status, 0);
	jq(r.out, ".target.cgroup", buf, sizeof(buf));
	assert_string_equal(buf, path);
	jq(r.out, "\"\\(.target.processes_joined) \\(.target.processes_left)\"", buf,
	   sizeof(buf));
	assert_string_equal(buf, "1 1");
	/* the leak verdict judged the cgroup's own memory, against its limit */
	jq(r.out, "\"\\(.memory.source) \\(.memory.limit_bytes)\"", buf, sizeof(buf));
	snprintf(path, sizeof(path), "cgroup %llu", MEM_LIMIT);
	assert_string_equal(buf, path);
}

static void test_usage_errors(void **state)
{
	struct run_result r;
	char missing[96], want[160];

	(void)state;
	run_vigil(&r, "record", "-c", "system.slice", "-p", "1");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "vigil: -c and -p cannot be used together"));
	run_vigil(&r, "record", "-c", "system.slice", "--", "true");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "vigil: -c and -- CMD cannot be used together"));
	run_vigil(&r, "-c", "system.slice", "-p", "1");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "-c and -p cannot be used together"));

	snprintf(missing, sizeof(missing), "vigil-no-such-%d", (int)getpid());
	snprintf(want, sizeof(want),
		 "vigil: cannot attach to cgroup '%s': no such cgroup\n", missing);
	run_vigil(&r, "record", "-c", missing, "-d", "1s", "-o", "/nonexistent/x.vigil");
	assert_int_equal(r.status, 1);
	assert_string_equal(r.err, want);
	run_vigil(&r, "record", "-c", "../../etc", "-d", "1s", "-o",
		  "/nonexistent/x.vigil");
	assert_int_equal(r.status, 1);
	assert_string_equal(r.err,
			    "vigil: cannot attach to cgroup '../../etc': bad cgroup "
			    "path\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test_setup_teardown(test_record_cgroup, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
