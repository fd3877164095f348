/* SPDX-License-Identifier: MIT */
/*
 * test_profiler_basics: what `vigil profile` and the profiler API do besides
 * matching perf's shares (test_profiler, which runs alone): each thread's
 * samples are its own work, in cpu and in wall mode; a cancelled capture
 * and a `vigil profile` stopped by SIGINT keep what they took; the default
 * table names the hot function first; bad arguments are usage errors. No
 * share here is compared with another sampler's or the kernel's, and the
 * sample counts asked for are a few percent of an idle core's, so this runs
 * in the pool.
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

static char dir[4096];

static int setup(void **state)
{
	(void)state;
	return scratch_make(dir, sizeof(dir));
}

static int teardown(void **state)
{
	(void)state;
	unsetenv("VIGIL_PROFILER");
	return scratch_remove(dir);
}

static uint64_t thread_samples(const struct profile *p, int tid, const char *fn,
			       uint64_t *all)
{
	uint64_t in = 0;

	*all = 0;
	for (size_t i = 0; i < p->ncounts; i++) {
		if (p->counts[i].tid != tid)
			continue;
		*all += p->counts[i].n;
		for (uint32_t n = p->counts[i].node; n && n != PROFILE_NONE;
		     n = p->nodes[n].parent)
			if (!strcmp(p->frames[p->nodes[n].frame].function, fn)) {
				in += p->counts[i].n;
				break;
			}
	}
	return in;
}

static int tid_of(const struct profile *p, const char *comm)
{
	for (size_t i = 0; i < p->nthreads; i++)
		if (!strcmp(p->threads[i].comm, comm))
			return p->threads[i].tid;
	return 0;
}

static struct profile *capture(pid_t pid, enum profile_mode mode, int hz, int64_t ms)
{
	/* wall with ptrace here; tests/integration/test_wall_perf.c has wall with perf */
	struct profiler_opts o = {.mode = mode,
				  .hz = hz,
				  .duration_ms = ms,
				  .method = mode == PROFILE_WALL ? PROFILER_PTRACE
								 : PROFILER_AUTO};
	char err[256];
	struct profiler *pr = profiler_start(pid, &o, err, sizeof(err));

	if (!pr)
		fail_msg("profiler_start: %s", err);
	return profiler_finish(pr);
}

/* Each named thread's samples are its own work, in cpu and in wall mode. */
static void test_threads_are_attributed(void **state)
{
	pid_t pid = fixture_start("prof_threads", NULL);
	struct profile *p;
	uint64_t all, in;
	int alpha, beta, sleepy;

	(void)state;
	assert_true(pid > 0);
	p = capture(pid, PROFILE_CPU, 499, 2000);
	assert_string_equal(p->meta.sampler, "perf");
	alpha = tid_of(p, "alpha");
	beta = tid_of(p, "beta");
	assert_true(alpha > 0 && beta > 0 && alpha != beta);
	in = thread_samples(p, alpha, "alpha_work", &all);
	assert_true(all > 20 && in * 100 >= all * 95);
	assert_int_equal(thread_samples(p, alpha, "beta_work", &all), 0);
	in = thread_samples(p, beta, "beta_work", &all);
	assert_true(all > 20 && in * 100 >= all * 95);
	assert_int_equal(thread_samples(p, beta, "alpha_work", &all), 0);
	/* blocked all along: no CPU samples */
	sleepy = tid_of(p, "sleepy");
	if (sleepy)
		assert_true(thread_samples(p, sleepy, "sleepy_wait", &all) <= 2);
	profile_free(p);

	/* wall clock: the sleeping thread is sampled where it waits */
	p = capture(pid, PROFILE_WALL, 99, 1500);
	assert_string_equal(p->meta.sampler, "ptrace");
	sleepy = tid_of(p, "sleepy");
	assert_true(sleepy > 0);
	in = thread_samples(p, sleepy, "sleepy_wait", &all);
	assert_true(all > 10 && in * 100 >= all * 95);
	in = thread_samples(p, tid_of(p, "alpha"), "alpha_work", &all);
	assert_true(all > 10 && in * 100 >= all * 95);
	assert_true(strstr(p->meta.why, "stopped") != NULL);
	profile_free(p);
	fixture_stop(pid);
}

/* profiler_cancel from another thread ends the capture, partial. */
static void test_cancel_gives_partial_profile(void **state)
{
	struct profiler_opts o = {.mode = PROFILE_CPU, .hz = 99, .duration_ms = 60000};
	struct profiler_progress pg;
	pid_t pid = fixture_start("prof_split", NULL);
	struct profiler *pr;
	struct profile *p;
	char err[256];

	(void)state;
	assert_true(pid > 0);
	pr = profiler_start(pid, &o, err, sizeof(err));
	assert_non_null(pr);
	for (int i = 0; i < 300; i++) {
		profiler_progress(pr, &pg);
		if (pg.samples >= 5)
			break;
		sleep_ms(100);
	}
	assert_true(pg.samples >= 5);
	assert_string_equal(pg.sampler, "perf");
	assert_false(profiler_done(pr));
	profiler_cancel(pr);
	p = profiler_finish(pr);
	assert_true(p->meta.partial);
	assert_non_null(strstr(p->meta.why, "cancelled"));
	assert_true(p->meta.samples >= pg.samples);
	assert_int_equal(p->meta.pid, pid);
	assert_int_equal(p->meta.hz, 99);
	profile_free(p);
	fixture_stop(pid);
}

/* Whether pid has a thread named comm. */
static bool has_thread(pid_t pid, const char *comm)
{
	char cmd[256], out[64] = "";
	FILE *p;

	snprintf(cmd, sizeof(cmd), "cat /proc/%d/task/*/comm 2>/dev/null | grep -cx '%s'",
		 (int)pid, comm);
	p = popen(cmd, "r");
	if (!p)
		return false;
	if (!fgets(out, sizeof(out), p))
		out[0] = '\0';
	pclose(p);
	return atoi(out) > 0;
}

/* SIGINT stops `vigil profile` early; the partial profile is still written
 * to -o, whole (no temporary file left beside it). */
static void test_sigint_writes_partial_file(void **state)
{
	char pidbuf[16], out[4200], cmd[4400], buf[256] = "";
	pid_t pid = fixture_start("prof_split", NULL), v;
	int status;
	FILE *f;

	(void)state;
	assert_true(pid > 0);
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
	snprintf(out, sizeof(out), "%s/p.folded", dir);
	v = fork();
	if (v == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		dup2(devnull, 2);
		execl(vigil_bin(), "vigil", "profile", "-p", pidbuf, "-d", "60s",
		      "--format", "folded", "-o", out, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200 && !has_thread(v, "vigil-profiler"); i++)
		sleep_ms(50);
	assert_true(has_thread(v, "vigil-profiler"));
	sleep_ms(500);
	kill(v, SIGINT);
	waitpid(v, &status, 0);
	fixture_stop(pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	f = fopen(out, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_non_null(strstr(buf, "main"));
	snprintf(cmd, sizeof(cmd), "ls '%s' | grep -c 'p.folded.' | grep -qx 0", dir);
	assert_int_equal(system(cmd), 0);
}

/* The default table names the hot function first. */
static void test_default_table(void **state)
{
	struct run_result r;
	char pidbuf[16];
	pid_t pid = fixture_start("prof_split", NULL);

	(void)state;
	assert_true(pid > 0);
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
	run_vigil(&r, "profile", "-p", pidbuf, "-d", "2s");
	fixture_stop(pid);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "work_hot"));
	assert_non_null(strstr(r.out, "warm_inner"));
	assert_true(strstr(r.out, "work_hot") < strstr(r.out, "warm_inner"));
}

static void test_bad_arguments_exit_2(void **state)
{
	static const char *const bad[][6] = {
		{"profile", NULL},
		{"profile", "-p", "abc", NULL},
		{"profile", "-p", "1", "-F", "0", NULL},
		{"profile", "-p", "1", "-F", "1000", NULL},
		{"profile", "-p", "1", "--mode", "idle", NULL},
		{"profile", "-p", "1", "--format", "svg", NULL},
		{"profile", "-p", "1", "-d", "soon", NULL},
		{"profile", "-p", "1", "extra", NULL},
		{"profile", "-p", "1", "--bogus", NULL},
	};
	struct run_result r;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		run_vigil_argv(&r, bad[i]);
		if (r.status != 2)
			fail_msg("args %zu: exit %d, stderr %s", i, r.status, r.err);
		assert_true(!strncmp(r.err, "vigil: ", 7));
	}
	/* no such process: a runtime failure, not a usage error */
	run_vigil(&r, "profile", "-p", "999999999", "-d", "1s");
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "vigil: cannot profile"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bad_arguments_exit_2, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_default_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threads_are_attributed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_cancel_gives_partial_profile, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sigint_writes_partial_file, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
