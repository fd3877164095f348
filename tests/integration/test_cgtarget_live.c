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

#include "harness.h"

#include <limits.h>
#include <math.h>

#define CG_ROOT "/sys/fs/cgroup"
#define WANT_CPU_NS 300000000ull /* what the hog must use inside the session */
#define MEM_LIMIT (256ull << 20)

static char made[4][PATH_MAX]; /* what the teardown removes */
static int nmade;
static char name[64];		/* vigil-cgt-<pid> */
static char acct_dir[PATH_MAX]; /* where the CPU usage is */
static bool v2;
static pid_t hog, holder, visitor;
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

/* The CPU the cgroup used, in ns, as the kernel counts it. */
static unsigned long long usage_ns(void)
{
	char path[PATH_MAX + 64], line[256];
	unsigned long long v = 0, got = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", acct_dir,
		 v2 ? "cpu.stat" : "cpuacct.usage");
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot read %s", path);
	while (fgets(line, sizeof(line), f))
		if (v2 ? sscanf(line, "usage_usec %llu", &v) == 1
		       : sscanf(line, "%llu", &v) == 1) {
			got = v2 ? v * 1000 : v;
			break;
		}
	fclose(f);
	return got;
}

/* Makes <hierarchy>/<name> once per distinct mount; its path in dir. */
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
	pid_t *fx[] = {&hog, &holder, &visitor};

	for (size_t i = 0; i < 3; i++)
		if (*fx[i] > 0)
			fixture_stop(*fx[i]);
	hog = holder = visitor = 0;
	for (int i = nmade - 1; i >= 0; i--)
		for (int k = 0; k < 100 && rmdir(made[i]) < 0 && errno == EBUSY; k++)
			sleep_ms(20);
	nmade = 0;
	if (session[0])
		remove_session(session);
	if (tmp[0])
		rmdir(tmp);
	session[0] = tmp[0] = '\0';
}

static int setup(void **state)
{
	char dir[PATH_MAX], text[64];

	(void)state;
	snprintf(name, sizeof(name), "vigil-cgt-%d", (int)getpid());
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
		if (!strstr(line, "cpu") || !strstr(line, "memory")) {
			print_message("skipped: the v2 root does not delegate cpu and "
				      "memory\n");
			return 0;
		}
		if (!make_child(".", acct_dir)) {
			print_message("skipped: cannot make %s: %s\n", name,
				      strerror(errno));
			cleanup();
			return 0;
		}
		snprintf(text, sizeof(text), "%llu\n", MEM_LIMIT);
		assert_true(write_file(acct_dir, "memory.max", text));
		return 0;
	}
	if (!make_child("cpu", dir) || !make_child("cpuacct", acct_dir) ||
	    !make_child("memory", dir)) {
		print_message("skipped: cannot make %s under the v1 cpu, cpuacct and "
			      "memory hierarchies: %s\n",
			      name, strerror(errno));
		cleanup();
		return 0;
	}
	snprintf(text, sizeof(text), "%llu\n", MEM_LIMIT);
	assert_true(write_file(dir, "memory.limit_in_bytes", text));
	make_child("pids", dir); /* optional */
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cleanup();
	return 0;
}

/* Starts a fixture inside the test cgroup (it enters before it execs) and
 * waits for its "ready". */
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
	const char *args[] = {"record", "-c",	       name, "-i",    "250ms", "--statsd",
			      "off",	"--no-alerts", "-o", session, NULL};
	char path[80], buf[256];
	struct run_result r;
	uint64_t ticks = 0;
	struct frame *f;
	int64_t t;
	int status;
	pid_t v;

	(void)state;
	if (nmade == 0)
		skip();
	snprintf(tmp, sizeof(tmp), "%s", temp_dir());
	snprintf(session, sizeof(session), "%s/cgt.vigil", tmp);
	holder = start_inside((char[]){"holdmem"}, (char[]){"64"});
	hog = start_inside((char[]){"busy"}, NULL);
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
	visitor = start_inside((char[]){"sleeper"}, NULL);
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
	snprintf(path, sizeof(path), "/%s", name);
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
