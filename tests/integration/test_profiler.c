/* SPDX-License-Identifier: MIT */
/*
 * test_profiler: `vigil profile` and the profiler API against real processes.
 *
 * The yardstick is Linux perf. prof_split spends its CPU time 50/30/20 % in
 * three call paths (one inside libc) and is built -O2 without frame
 * pointers, so only DWARF unwinding finds its callers. vigil and
 * `perf record --call-graph dwarf` profile the same run at the same time;
 * perf's stacks are folded here (perf script, parsed below) and every
 * function's self and total share must be within 5 points of the design and
 * of perf's.
 *
 * Rates: the 5-point bar is a statistical one. At 99 Hz a few seconds give a
 * few hundred samples, whose binomial noise alone (about 3 points for a 50 %
 * share, more between two samplers) would fail the bar now and then; the
 * comparisons run at 999 Hz, the profiler's maximum, for perf as for vigil.
 * The default rate is exercised by the tests that do not compare shares.
 *
 * This file runs alone (tests/solo.list): its shares are compared with
 * perf's on a machine busy with nothing else. What the profiler does besides
 * (threads, partial profiles, the default table, bad arguments) is in
 * test_profiler_basics, in the pool.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "analysis/profile.h"
#include "collectors/profiler.h"
#include "harness.h"

#define TOLERANCE 5.0
#define TEXT_MAX (1u << 22)

static char dir[4096];

static int setup(void **state)
{
	char *d = temp_dir();

	(void)state;
	if (!d)
		return -1;
	snprintf(dir, sizeof(dir), "%s", d);
	return 0;
}

static int teardown(void **state)
{
	char cmd[4200];

	(void)state;
	fixtures_stop_all();
	unsetenv("VIGIL_PROFILER");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return -1;
	return 0;
}

/* Shares of one function in folded text ("a;b;leaf N" lines), in percent. */
struct share {
	double self, total;
	uint64_t samples; /* all samples in the text */
};

/* Whether ';'-separated stack contains frame fn. */
static bool has_frame(const char *stack, size_t len, const char *fn)
{
	size_t n = strlen(fn);

	for (const char *p = stack; p < stack + len;) {
		const char *semi = memchr(p, ';', (size_t)(stack + len - p));
		size_t flen = semi ? (size_t)(semi - p) : (size_t)(stack + len - p);

		if (flen == n && !memcmp(p, fn, n))
			return true;
		if (!semi)
			break;
		p = semi + 1;
	}
	return false;
}

static const char *leaf_of(const char *stack, size_t len, size_t *leaf_len)
{
	const char *p = stack + len;

	while (p > stack && p[-1] != ';')
		p--;
	*leaf_len = (size_t)(stack + len - p);
	return p;
}

static struct share folded_share(const char *text, const char *fn)
{
	struct share s = {0, 0, 0};
	uint64_t self = 0, total = 0;

	for (const char *line = text; *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		const char *sp = line + len;
		size_t leaf_len;
		const char *leaf;
		uint64_t n;

		while (sp > line && sp[-1] != ' ')
			sp--;
		if (sp > line) {
			n = strtoull(sp, NULL, 10);
			s.samples += n;
			if (has_frame(line, (size_t)(sp - 1 - line), fn))
				total += n;
			leaf = leaf_of(line, (size_t)(sp - 1 - line), &leaf_len);
			if (leaf_len == strlen(fn) && !memcmp(leaf, fn, leaf_len))
				self += n;
		}
		line = nl ? nl + 1 : line + len;
	}
	if (s.samples) {
		s.self = 100.0 * (double)self / (double)s.samples;
		s.total = 100.0 * (double)total / (double)s.samples;
	}
	return s;
}

/* Appends one perf stack (frames innermost first) as a folded line. */
static void fold_perf_stack(char *out, size_t cap, char frames[][128], int n)
{
	size_t len = strlen(out);

	if (n == 0)
		return;
	for (int i = n - 1; i >= 0; i--) {
		/* kernel frames collapse into one, as vigil reports them */
		if (!strcmp(frames[i], "[kernel]") && i < n - 1 &&
		    !strcmp(frames[i + 1], "[kernel]"))
			continue;
		len += (size_t)snprintf(out + len, cap - len, "%s%s",
					i == n - 1 ? "" : ";", frames[i]);
		if (len >= cap)
			return;
	}
	snprintf(out + len, cap - len, " 1\n");
}

/* `perf script` of file as folded text in out (one line per sample). */
static void perf_folded(const char *file, char *out, size_t cap)
{
	char cmd[4400], line[1024], frames[128][128];
	int n = 0;
	FILE *p;

	out[0] = '\0';
	snprintf(cmd, sizeof(cmd),
		 "perf script --no-inline -F tid,ip,sym,dso -i '%s' 2>/dev/null", file);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		char addr[64], sym[512] = "", dso[512] = "";

		if (line[0] == '\n') {
			fold_perf_stack(out, cap, frames, n);
			n = 0;
			continue;
		}
		if (line[0] != '\t' && line[0] != ' ') /* the "tid" header */
			continue;
		if (sscanf(line, " %63s %511s (%511[^)])", addr, sym, dso) < 2 ||
		    n >= 128)
			continue;
		if (strstr(dso, "kernel.kallsyms") || !strncmp(dso, "[kernel", 7))
			snprintf(frames[n++], 128, "[kernel]");
		else
			snprintf(frames[n++], 128, "%s", sym);
	}
	fold_perf_stack(out, cap, frames, n);
	pclose(p);
}

/* Starts perf record on pid for seconds (returns its pid). */
static pid_t perf_record(pid_t target, const char *file, const char *seconds)
{
	char pidbuf[16];
	pid_t pid;

	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)target);
	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		dup2(devnull, 1);
		dup2(devnull, 2);
		execlp("perf", "perf", "record", "-q", "-F", "999", "--call-graph",
		       "dwarf", "-p", pidbuf, "-o", file, "--", "sleep", seconds,
		       (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void assert_near(const char *what, const char *fn, double got, double want)
{
	if (got < want - TOLERANCE || got > want + TOLERANCE)
		fail_msg("%s: %s is %.1f%%, expected %.1f%% +- %.0f", what, fn, got, want,
			 TOLERANCE);
}

/* The share of samples whose stack goes through fn. */
static double reach(const char *text, const char *fn)
{
	return folded_share(text, fn).total;
}

/*
 * vigil and perf at once on prof_split: both against the design, and against
 * each other, function by function.
 */
static void check_split_against_perf(void **state, bool ptrace_mode)
{
	static const struct {
		const char *fn;
		double self, total;
	} design[] = {
		{"work_hot", 50, 50},
		{"warm_inner", 30, 30},
		{"work_warm", 0, 30},
		{"work_libc", 0, 20},
	};
	struct run_result *r = malloc(sizeof(*r));
	char *perf_text = malloc(TEXT_MAX), file[4200], pidbuf[16];
	pid_t pid = fixture_start("prof_split", NULL), perf;
	int status;

	(void)state;
	assert_non_null(r);
	assert_non_null(perf_text);
	assert_true(pid > 0);
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
	snprintf(file, sizeof(file), "%s/perf.data", dir);
	if (ptrace_mode)
		setenv("VIGIL_PROFILER", "ptrace", 1);
	perf = perf_record(pid, file, "5");
	assert_true(perf > 0);
	run_vigil(r, "profile", "-p", pidbuf, "-d", "5s", "-F", "999", "--format",
		  "folded");
	waitpid(perf, &status, 0);
	unsetenv("VIGIL_PROFILER");
	fixture_stop(pid);
	assert_int_equal(r->status, 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	perf_folded(file, perf_text, TEXT_MAX);
	assert_true(folded_share(r->out, "main").samples > 200);
	assert_true(folded_share(perf_text, "main").samples > 200);

	for (size_t i = 0; i < sizeof(design) / sizeof(design[0]); i++) {
		struct share v = folded_share(r->out, design[i].fn);
		struct share p = folded_share(perf_text, design[i].fn);

		print_message(
			"%-12s vigil self %5.1f total %5.1f | perf self %5.1f total "
			"%5.1f\n",
			design[i].fn, v.self, v.total, p.self, p.total);
		assert_near("vigil total", design[i].fn, v.total, design[i].total);
		assert_near("vigil total vs perf", design[i].fn, v.total, p.total);
		/* ptrace stops threads where the kernel returns to user space
		 * (often a system call), which shifts self time, not totals */
		if (!ptrace_mode && design[i].self > 0) {
			assert_near("vigil self", design[i].fn, v.self, design[i].self);
			assert_near("vigil self vs perf", design[i].fn, v.self, p.self);
		}
	}
	/* every stack is unwound through the fixture's frames to main */
	assert_true(reach(r->out, "main") > 97.0);
	free(perf_text);
	free(r);
}

static void test_split_matches_design_and_perf(void **state)
{
	check_split_against_perf(state, false);
}

static void test_ptrace_fallback_matches_too(void **state)
{
	check_split_against_perf(state, true);
}

/* A sample inside libc (memcpy) unwinds to work_libc and on to main. */
/*
 * Samples taken inside libc's copy routine unwind out of libc to the
 * fixture's caller. Only samples whose leaf is that routine are judged: how
 * much of work_libc goes to its clock_gettime (in the vdso, or in the kernel
 * where the clocksource is kvm-clock or hpet) depends on the machine, and is
 * not what this test is about.
 */
static void test_libc_sample_reaches_its_caller(void **state)
{
	struct run_result *r = malloc(sizeof(*r));
	char pidbuf[16];
	pid_t pid = fixture_start("prof_split", NULL);
	uint64_t in_copy = 0, reached = 0;

	(void)state;
	assert_non_null(r);
	assert_true(pid > 0);
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
	run_vigil(r, "profile", "-p", pidbuf, "-d", "3s", "--format", "folded");
	fixture_stop(pid);
	assert_int_equal(r->status, 0);
	for (char *line = strtok(r->out, "\n"); line; line = strtok(NULL, "\n")) {
		char *sp = strrchr(line, ' ');
		const char *leaf;
		size_t leaf_len;
		uint64_t n;

		if (!sp)
			continue;
		n = strtoull(sp + 1, NULL, 10);
		leaf = leaf_of(line, (size_t)(sp - line), &leaf_len);
		/* the leaf is libc's copy routine, named or as libc.so.6+0x... */
		if (!memmem(leaf, leaf_len, "mem", 3) &&
		    !memmem(leaf, leaf_len, "libc.so", 7))
			continue;
		in_copy += n;
		if (strstr(line, "main;work_libc;"))
			reached += n;
	}
	assert_true(in_copy > 0);
	assert_true(reached * 10 >= in_copy * 8);
	free(r);
}

/* The target exits mid-capture: what was taken is kept, marked partial. */
static void test_target_exit_gives_partial_profile(void **state)
{
	struct run_result r;
	char pidbuf[16];
	pid_t pid = fixture_start("prof_split", "1500", NULL);

	(void)state;
	assert_true(pid > 0);
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
	run_vigil(&r, "profile", "-p", pidbuf, "-d", "30s", "--format", "folded");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.err, "partial profile"));
	assert_non_null(strstr(r.err, "target exited"));
	assert_true(folded_share(r.out, "main").samples > 0);
	assert_true(reach(r.out, "work_hot") > 0);
	fixture_stop(pid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_split_matches_design_and_perf, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_libc_sample_reaches_its_caller,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_target_exit_gives_partial_profile,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_ptrace_fallback_matches_too, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
