/* SPDX-License-Identifier: MIT */
/*
 * test_wall_perf: wall-clock profiles from context switches (perf_event), on
 * prof_offcpu: a spinner, a thread blocked on a mutex, a thread blocked
 * reading a pipe, and their holder and feeder.
 *
 * The yardstick is the kernel's own account: each thread's utime+stime
 * (/proc/PID/task/TID/stat) over a window that holds the capture, against
 * the monotonic clock over the same window. A thread's on-CPU share in the
 * profile (samples without the [off-cpu] leaf, over all of its samples) must
 * be within 5 points of the kernel's. The blocked threads' off-CPU stacks
 * must go through the call that blocks (pthread_mutex_lock, read).
 *
 * The same through the command line: `vigil profile --mode wall --format
 * folded` on prof_duty, a thread on a CPU about a quarter of the time: its
 * on-CPU share (every sample not ending in [off-cpu]) is within 5 points of
 * the CPU time the kernel accounted to it over the same run. The yardstick
 * is that run's utime+stime, not 25 %, so a loaded machine (where the
 * thread also waits for a CPU) moves both alike.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <time.h>

#include <cmocka.h>

#include "analysis/profile.h"
#include "collectors/profiler.h"
#include "harness.h"

#define TOLERANCE 5.0
#define NTHREADS 5

static const char *const names[NTHREADS] = {"spin", "holder", "waiter", "feeder",
					    "reader"};

static int teardown(void **state)
{
	(void)state;
	fixtures_stop_all();
	return 0;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* The tid of pid's thread named comm, from /proc (0 if none). */
static int task_named(pid_t pid, const char *comm)
{
	char path[512], name[64];
	struct dirent *d;
	int tid = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = opendir(path);
	if (!dir)
		return 0;
	while (!tid && (d = readdir(dir))) {
		FILE *f;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/comm", (int)pid,
			 d->d_name);
		f = fopen(path, "r");
		if (f && fgets(name, sizeof(name), f)) {
			name[strcspn(name, "\n")] = '\0';
			if (!strcmp(name, comm))
				tid = atoi(d->d_name);
		}
		if (f)
			fclose(f);
	}
	closedir(dir);
	return tid;
}

/* utime + stime of one thread in ms. */
static double task_cpu_ms(pid_t pid, int tid)
{
	char path[128], buf[1024];
	unsigned long long ut = 0, st = 0;
	const char *p;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, tid);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	assert_non_null(p);
	assert_int_equal(sscanf(p + 2,
				"%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
				&ut, &st),
			 2);
	return (double)(ut + st) * 1000.0 / (double)sysconf(_SC_CLK_TCK);
}

static bool stack_has(const struct profile *p, uint32_t node, const char *fn)
{
	for (; node && node != PROFILE_NONE; node = p->nodes[node].parent)
		if (strstr(p->frames[p->nodes[node].frame].function, fn))
			return true;
	return false;
}

struct split {
	uint64_t on, off, off_in; /* off_in: off-CPU samples whose stack has fn */
};

static struct split thread_split(const struct profile *p, int tid, const char *fn)
{
	struct split s = {0, 0, 0};

	for (size_t i = 0; i < p->ncounts; i++) {
		const struct profile_count *c = &p->counts[i];
		const char *leaf;

		if (c->tid != tid)
			continue;
		leaf = p->frames[p->nodes[c->node].frame].function;
		if (strcmp(leaf, PROFILE_OFF_CPU)) {
			s.on += c->n;
			continue;
		}
		s.off += c->n;
		if (fn && stack_has(p, c->node, fn))
			s.off_in += c->n;
	}
	return s;
}

static void test_shares_match_kernel(void **state)
{
	struct profiler_opts o = {.mode = PROFILE_WALL, .hz = 999, .duration_ms = 3000};
	pid_t pid = fixture_start("prof_offcpu", NULL);
	double cpu0[NTHREADS], cpu1[NTHREADS], t0, t1;
	int tids[NTHREADS];
	struct profiler *pr;
	struct profile *p;
	char err[256];

	(void)state;
	assert_true(pid > 0);
	for (int i = 0; i < NTHREADS; i++) {
		tids[i] = task_named(pid, names[i]);
		assert_true(tids[i] > 0);
	}
	/* blocked threads have blocked at least once before the window */
	sleep_ms(100);
	t0 = now_ms();
	for (int i = 0; i < NTHREADS; i++)
		cpu0[i] = task_cpu_ms(pid, tids[i]);
	pr = profiler_start(pid, &o, err, sizeof(err));
	if (!pr)
		fail_msg("profiler_start: %s", err);
	p = profiler_finish(pr);
	for (int i = 0; i < NTHREADS; i++)
		cpu1[i] = task_cpu_ms(pid, tids[i]);
	t1 = now_ms();
	assert_string_equal(p->meta.sampler, "perf");
	assert_non_null(strstr(p->meta.why, "context switches"));
	assert_null(strstr(p->meta.why, "stopped"));
	for (int i = 0; i < NTHREADS; i++) {
		struct split s = thread_split(p, tids[i], NULL);
		double kernel = 100.0 * (cpu1[i] - cpu0[i]) / (t1 - t0);
		double prof = s.on + s.off ? 100.0 * (double)s.on / (double)(s.on + s.off)
					   : -100.0;

		print_message("%-7s on-CPU %5.1f%% of %llu samples, kernel %5.1f%%\n",
			      names[i], prof, (unsigned long long)(s.on + s.off), kernel);
		if (prof < kernel - TOLERANCE || prof > kernel + TOLERANCE)
			fail_msg("%s: on-CPU share %.1f%%, kernel says %.1f%%", names[i],
				 prof, kernel);
	}
	/* where the blocked ones wait */
	{
		struct split w = thread_split(p, tids[2], "pthread_mutex_lock");
		struct split r = thread_split(p, tids[4], "read");

		print_message("waiter %llu of %llu off-CPU in pthread_mutex_lock, reader "
			      "%llu of %llu in read\n",
			      (unsigned long long)w.off_in, (unsigned long long)w.off,
			      (unsigned long long)r.off_in, (unsigned long long)r.off);

		/* the waiter also sleeps 1 ms after each turn: most, not all, of
		 * its time off CPU is in the lock */
		assert_true(w.off > 0 && w.off_in * 2 > w.off);
		assert_true(thread_split(p, tids[2], "wait_lock").off_in * 10 >=
			    w.off * 9);
		assert_true(r.off > 0 && r.off_in * 10 >= r.off * 9);
		assert_true(thread_split(p, tids[4], "read_pipe").off_in * 10 >=
			    r.off * 9);
	}
	profile_free(p);
	fixture_stop(pid);
}

/* Every output format of `vigil profile --mode wall`, and the method said. */
static void test_cli_formats_and_method(void **state)
{
	static const char *const formats[] = {"table", "folded", "json", "pprof"};
	pid_t pid = fixture_start("prof_offcpu", NULL);
	struct run_result r;
	char pidbuf[16];

	(void)state;
	assert_true(pid > 0);
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		run_vigil(&r, "profile", "-p", pidbuf, "-d", "500ms", "--mode", "wall",
			  "--format", formats[i]);
		assert_int_equal(r.status, 0);
		assert_non_null(strstr(r.err, "by perf_event"));
		if (!strcmp(formats[i], "pprof")) /* gzip */
			assert_true((unsigned char)r.out[0] == 0x1f);
		else
			assert_true(strlen(r.out) > 0);
		if (!strcmp(formats[i], "folded"))
			assert_non_null(strstr(r.out, "read_pipe;"));
	}
	run_vigil(&r, "profile", "-p", pidbuf, "-d", "500ms", "--mode", "wall",
		  "--wall-method", "ptrace", "--format", "folded");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.err, "by ptrace"));
	assert_non_null(strstr(r.out, "[off-cpu]"));
	run_vigil(&r, "profile", "-p", pidbuf, "--wall-method", "perf");
	assert_int_equal(r.status, 2);
	run_vigil(&r, "profile", "-p", pidbuf, "--mode", "wall", "--wall-method", "x");
	assert_int_equal(r.status, 2);
	fixture_stop(pid);
}

/* Samples of folded text (a count ends each line); *off gets those whose
 * leaf (last frame) is [off-cpu]. */
static uint64_t folded_samples(const char *text, uint64_t *off)
{
	static const char leaf[] = ";[off-cpu] ";
	uint64_t all = 0;

	*off = 0;
	for (const char *line = text; *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		const char *sp = line + len;
		uint64_t c;

		while (sp > line && sp[-1] != ' ')
			sp--;
		c = sp > line ? strtoull(sp, NULL, 10) : 0;
		all += c;
		/* the leaf is the last frame: ";[off-cpu] N", or the only one */
		if ((sp - line >= (long)sizeof(leaf) - 1 &&
		     !memcmp(sp - (sizeof(leaf) - 1), leaf, sizeof(leaf) - 1)) ||
		    (sp - line == (long)sizeof(leaf) - 2 &&
		     !memcmp(line, leaf + 1, sizeof(leaf) - 2)))
			*off += c;
		line = nl ? nl + 1 : line + len;
	}
	return all;
}

static void test_wall_on_cpu_share_matches_kernel(void **state)
{
	pid_t pid = fixture_start("prof_duty", NULL);
	double cpu0, cpu1, t0, t1, kernel, profile;
	struct run_result r;
	uint64_t all, off;
	char pidbuf[16];

	(void)state;
	assert_true(pid > 0);
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
	cpu0 = task_cpu_ms(pid, pid);
	t0 = now_ms();
	run_vigil(&r, "profile", "-p", pidbuf, "-d", "5s", "--mode", "wall", "--format",
		  "folded");
	t1 = now_ms();
	cpu1 = task_cpu_ms(pid, pid);
	fixture_stop(pid);
	if (r.status != 0)
		fail_msg("vigil profile exited %d: %s", r.status, r.err);
	all = folded_samples(r.out, &off);
	assert_true(all >= 100);
	kernel = 100.0 * (cpu1 - cpu0) / (t1 - t0);
	profile = 100.0 * (double)(all - off) / (double)all;
	/* the thread did run, and did sleep: neither share is trivial */
	if (kernel <= 2.0 || kernel >= 50.0)
		fail_msg("the kernel says the thread ran %.1f%% of %.0f ms: the "
			 "fixture's 25%% duty did not hold",
			 kernel, t1 - t0);
	if (profile < kernel - TOLERANCE || profile > kernel + TOLERANCE)
		fail_msg("on-CPU share %.1f%% of %llu samples, kernel says %.1f%%",
			 profile, (unsigned long long)all, kernel);
	print_message("on-CPU %.1f%% (%llu samples), kernel %.1f%%\n", profile,
		      (unsigned long long)all, kernel);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_shares_match_kernel, teardown),
		cmocka_unit_test_teardown(test_cli_formats_and_method, teardown),
		cmocka_unit_test_teardown(test_wall_on_cpu_share_matches_kernel,
					  teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
