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
 *
 * Nothing here compares a share with the kernel's (wall mode's on-CPU share
 * of prof_duty does, in test_wall_perf, which runs alone), so this runs in
 * the pool.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_stripped_function_is_one_row, teardown),
		cmocka_unit_test_teardown(test_cxx_names_demangled, teardown),
		cmocka_unit_test_teardown(test_idle_target_says_no_samples, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
