/* SPDX-License-Identifier: MIT */
/*
 * test_profnames: what `vigil profile` calls things, on real processes.
 *
 * - A stripped binary (prof_hot-stripped: no .symtab) spends its time in one
 *   function; its samples must make one row named after the function's start
 *   ("prof_hot-stripped+0x<start>", start as nm prints it for the unstripped
 *   build), not one row per instruction address as perf shows.
 * - C++ names are demangled (prof_cxx: ns::Klass::method(int)).
 * - A target that never runs (sleeper) gives an empty profile, exit 0, and
 *   the note "0 samples: the target did not run" on stderr.
 * - Wall mode's on-CPU share (every sample not ending in [off-cpu]) of a
 *   thread on a CPU about a quarter of the time (prof_duty) is within 5
 *   points of the CPU time the kernel accounted to it over the same run. The
 *   yardstick is that run's utime+stime, not 25 %, so a loaded machine
 *   (where the thread also waits for a CPU) moves both alike.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"

#define TOLERANCE 5.0

static int teardown(void **state)
{
	(void)state;
	fixtures_stop_all();
	return 0;
}

/* Samples of folded text whose leaf (last frame) is leaf; *all gets the total. */
static uint64_t leaf_samples(const char *text, const char *leaf, uint64_t *all)
{
	uint64_t n = 0;

	*all = 0;
	for (const char *line = text; *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		const char *sp = line + len, *start;

		while (sp > line && sp[-1] != ' ')
			sp--;
		if (sp > line) {
			uint64_t c = strtoull(sp, NULL, 10);

			*all += c;
			start = sp - 1;
			while (start > line && start[-1] != ';')
				start--;
			if ((size_t)(sp - 1 - start) == strlen(leaf) &&
			    !memcmp(start, leaf, strlen(leaf)))
				n += c;
		}
		line = nl ? nl + 1 : line + len;
	}
	return n;
}

/* The leaf with the most samples, into out. */
static void top_leaf(const char *text, char *out, size_t cap)
{
	uint64_t best = 0, all;

	out[0] = '\0';
	for (const char *line = text; *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		const char *sp = line + len, *start;
		char leaf[512];

		while (sp > line && sp[-1] != ' ')
			sp--;
		if (sp > line) {
			start = sp - 1;
			while (start > line && start[-1] != ';')
				start--;
			snprintf(leaf, sizeof(leaf), "%.*s", (int)(sp - 1 - start),
				 start);
			if (leaf_samples(text, leaf, &all) > best) {
				best = leaf_samples(text, leaf, &all);
				snprintf(out, cap, "%s", leaf);
			}
		}
		line = nl ? nl + 1 : line + len;
	}
}

/* The address nm gives a local function whose name starts with name. */
static unsigned long long nm_start(const char *file, const char *name)
{
	char cmd[4400], line[512];
	unsigned long long addr = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "nm '%s'", file);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		unsigned long long a;
		char type, sym[256];

		if (sscanf(line, "%llx %c %255s", &a, &type, sym) == 3 &&
		    (type == 't' || type == 'T') && !strncmp(sym, name, strlen(name)))
			addr = a;
	}
	pclose(p);
	return addr;
}

static void test_stripped_function_is_one_row(void **state)
{
	char pidbuf[16], want[128], top[512];
	unsigned long long churn = nm_start(fixture_path("prof_hot"), "churn");
	pid_t pid = fixture_start("prof_hot-stripped", NULL);
	struct run_result r;
	uint64_t all, n;

	(void)state;
	assert_true(churn != 0);
	assert_true(pid > 0);
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
	run_vigil(&r, "profile", "-p", pidbuf, "-d", "2s", "-F", "999", "--format",
		  "folded");
	fixture_stop(pid);
	assert_int_equal(r.status, 0);
	snprintf(want, sizeof(want), "prof_hot-stripped+0x%llx", churn);
	top_leaf(r.out, top, sizeof(top));
	assert_string_equal(top, want);
	/* one row holds the function: per-address rows would hold ~10 % each */
	n = leaf_samples(r.out, want, &all);
	assert_true(all >= 50);
	if (n * 100 < all * 80)
		fail_msg("%s holds %llu of %llu samples", want, (unsigned long long)n,
			 (unsigned long long)all);
}

static void test_cxx_names_demangled(void **state)
{
	pid_t pid = fixture_start("prof_cxx", NULL);
	struct run_result r;
	char pidbuf[16];

	(void)state;
	assert_true(pid > 0);
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
	run_vigil(&r, "profile", "-p", pidbuf, "-d", "2s");
	fixture_stop(pid);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "ns::Klass::method(int) (prof_cxx)"));
	assert_null(strstr(r.out, "_ZN"));
}

static void test_idle_target_says_no_samples(void **state)
{
	pid_t pid = fixture_start("sleeper", NULL);
	struct run_result r;
	char pidbuf[16];

	(void)state;
	assert_true(pid > 0);
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
	run_vigil(&r, "profile", "-p", pidbuf, "-d", "1s", "--format", "folded");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "");
	assert_non_null(strstr(r.err, "0 samples: the target did not run"));
	/* the table: its header, no rows */
	run_vigil(&r, "profile", "-p", pidbuf, "-d", "1s");
	fixture_stop(pid);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "FUNCTION"));
	assert_null(strchr(strchr(r.out, '\n') + 1, '\n'));
	assert_non_null(strstr(r.err, "0 samples: the target did not run"));
}

/* utime + stime of thread tid of pid, in ms. */
static double thread_cpu_ms(pid_t pid)
{
	char path[64], text[1024];
	unsigned long long ut, st;
	const char *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)pid);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	p = strrchr(text, ')');
	assert_non_null(p);
	assert_int_equal(sscanf(p + 2,
				"%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
				&ut, &st),
			 2);
	return (double)(ut + st) * 1000.0 / (double)sysconf(_SC_CLK_TCK);
}

static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
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
	cpu0 = thread_cpu_ms(pid);
	t0 = mono_ms();
	run_vigil(&r, "profile", "-p", pidbuf, "-d", "5s", "--mode", "wall", "--format",
		  "folded");
	t1 = mono_ms();
	cpu1 = thread_cpu_ms(pid);
	fixture_stop(pid);
	assert_int_equal(r.status, 0);
	off = leaf_samples(r.out, "[off-cpu]", &all);
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
		cmocka_unit_test_teardown(test_stripped_function_is_one_row, teardown),
		cmocka_unit_test_teardown(test_cxx_names_demangled, teardown),
		cmocka_unit_test_teardown(test_idle_target_says_no_samples, teardown),
		cmocka_unit_test_teardown(test_wall_on_cpu_share_matches_kernel,
					  teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
