/* SPDX-License-Identifier: MIT */
/*
 * test_diff: `vigil diff` over real recordings of the workload fixture (a
 * set share of one core, 1,000 StatsD timings a second from a set
 * distribution). Five recordings are made once, side by side, 8-12 s each
 * at 200 ms:
 *
 *   base1, base2, base3  5% of a core, latencies x1, seeds 1, 2, 3
 *   slow                 10% of a core, latencies x1.5, seed 1 (so every
 *                        value is exactly 1.5 times base1's, in order)
 *   shift                base for 5 s, then slow's settings (a deploy)
 *
 * - The same workload twice (three pairs, different seeds) reports no
 *   change in anything the workload controls (its CPU, RSS and every timer
 *   figure) and --fail-if does not fire. The machine's own figures and the
 *   target's run-queue wait are left out: other processes on this shared
 *   machine move them between any two runs, and diff is right to say so.
 * - base1 -> slow: target.cpu about doubles and p50/p90/p99 rise by half,
 *   each significant. Tolerances: the latencies are the same stream of
 *   values times 1.5, so their percentiles differ by the histogram's 0.1%,
 *   whole microseconds, and the values one window holds more than the
 *   other at its ends (50-100 of 8,000: the fixture starts before the
 *   first tick and the last datagrams may land after the last). Those few
 *   move a p50 by well under 1%, but a p99, which rests on the slowest 80
 *   values of a heavy tail, by up to about 6% (seen: +54.5% and +43.6% for
 *   a true +50%): +/-5% for p50, 7% for p90, 12% for p99. CPU is counted in clock ticks
 * (10 ms: about 40 of them in a side at 5%) and the fixture catches up on its budget
 * after a wait, but it has to get its share in all: the shares are small (5% and 10% of a
 *   core) because this VM's two CPUs often run a dozen other jobs:
 *   x1.6 .. x2.4.
 * - --fail-if: exit 3 when a condition holds, 0 when it does not or is not
 *   significant, 2 for a bad expression or a name matching nothing.
 * - --json parses and has the keys docs/diff-json.md documents.
 * - Two windows of one file (shift@start..+4s against shift@+7s..end) find
 *   the same change; a bad window is a usage error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "harness.h"

static char dir[64];

/*
 * n free UDP ports on the loopback: the sockets are held until all are
 * bound, so the n differ (the recorders bind them side by side). 0 or -1.
 */
static int free_udp_ports(int *ports, int n)
{
	int fds[8], rc = 0;

	for (int i = 0; i < n; i++) {
		struct sockaddr_in a = {.sin_family = AF_INET,
					.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
		socklen_t len = sizeof(a);

		fds[i] = socket(AF_INET, SOCK_DGRAM, 0);
		ports[i] = -1;
		if (fds[i] >= 0 && bind(fds[i], (struct sockaddr *)&a, sizeof(a)) == 0 &&
		    getsockname(fds[i], (struct sockaddr *)&a, &len) == 0)
			ports[i] = ntohs(a.sin_port);
		if (ports[i] < 0)
			rc = -1;
	}
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return rc;
}

static const char *path_of(const char *name)
{
	static char p[4][128];
	static int k;

	k = (k + 1) % 4;
	snprintf(p[k], sizeof(p[k]), "%s/%s.vigil", dir, name);
	return p[k];
}

/*
 * Starts recording the workload with args for secs seconds into
 * NAME.vigil, vigil's stderr to NAME.err; returns the recorder's pid.
 */
static pid_t record_start(const char *name, int udp_port, const char *secs,
			  const char *seed, const char *duty, const char *scale,
			  const char *at, const char *duty2, const char *scale2)
{
	char port[16], addr[32], wl[4096], errpath[128];
	pid_t pid;

	snprintf(wl, sizeof(wl), "%s", fixture_path("workload"));
	snprintf(port, sizeof(port), "%d", udp_port);
	snprintf(addr, sizeof(addr), "127.0.0.1:%s", port);
	snprintf(errpath, sizeof(errpath), "%s/%s.err", dir, name);
	pid = fork();
	if (pid == 0) {
		const char *args[] = {
			vigil_bin(), "record", "-i",	      "200ms",	     "-d", secs,
			"--statsd",  addr,     "-o",	      path_of(name), "--", wl,
			"127.0.0.1", port,     "api.request", seed,	     duty, scale,
			at,	     duty2,    scale2,	      NULL};
		char *argv[24];
		int n = 0, fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int devnull = open("/dev/null", O_WRONLY);

		for (; args[n] && n < 23; n++)
			argv[n] = strdup(args[n]); /* execv wants them writable */
		argv[n] = NULL;
		dup2(devnull, 1);
		dup2(fd, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* Waits for a recorder; its status, with its stderr printed when not 0. */
static int record_wait(const char *name, pid_t pid)
{
	char errpath[128], cmd[160];
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	fprintf(stderr, "record %s: status %d\n", name, status);
	snprintf(errpath, sizeof(errpath), "%s/%s.err", dir, name);
	snprintf(cmd, sizeof(cmd), "cat '%s' >&2", errpath);
	if (system(cmd) != 0)
		fprintf(stderr, "record %s: no stderr\n", name);
	return -1;
}

/*
 * The five recordings run side by side (each its own workload, StatsD port
 * and session): the pairs compared then saw the same machine over the same
 * seconds, and the wait is the longest one's, not their sum.
 */
static int setup_group(void **state)
{
	const char *names[] = {"base1", "base2", "base3", "slow", "shift"};
	pid_t pids[5];
	int ports[5], bad = 0;

	(void)state;
	snprintf(dir, sizeof(dir), "%s", temp_dir());
	if (free_udp_ports(ports, 5) < 0)
		return -1;
	pids[0] =
		record_start("base1", ports[0], "8s", "1", "5", "100", NULL, NULL, NULL);
	pids[1] =
		record_start("base2", ports[1], "8s", "2", "5", "100", NULL, NULL, NULL);
	pids[2] =
		record_start("base3", ports[2], "8s", "3", "5", "100", NULL, NULL, NULL);
	pids[3] =
		record_start("slow", ports[3], "8s", "1", "10", "150", NULL, NULL, NULL);
	pids[4] =
		record_start("shift", ports[4], "12s", "4", "5", "100", "5", "10", "150");
	for (size_t i = 0; i < 5; i++)
		bad |= record_wait(names[i], pids[i]);
	return bad ? -1 : 0;
}

static int teardown_group(void **state)
{
	char cmd[128];

	(void)state;
	fixtures_stop_all();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* `vigil diff BEFORE AFTER --json -o FILE` (the JSON is larger than the
 * harness's capture); returns the JSON's path. */
static const char *diff_json(const char *before, const char *after)
{
	static char out[160];
	struct run_result r;

	snprintf(out, sizeof(out), "%s/diff.json", dir);
	unlink(out);
	run_vigil(&r, "diff", before, after, "--json", "-o", out);
	if (r.status != 0)
		fail_msg("diff exited %d: %s", r.status, r.err);
	return out;
}

static double figure(const char *json, const char *name, const char *key)
{
	char filter[256], buf[128];

	snprintf(filter, sizeof(filter), ".figures[] | select(.name == \"%s\") | .%s",
		 name, key);
	jq_path(json, filter, buf, sizeof(buf));
	if (!buf[0])
		fail_msg("no %s of %s in %s", key, name, json);
	return !strcmp(buf, "true") ? 1 : !strcmp(buf, "false") ? 0 : atof(buf);
}

/* What the workload controls: its CPU and RSS, every timer figure. */
#define OWN_FIGURES                                                                      \
	"[.figures[] | select(.group == \"latency\" or .name == \"target.cpu\" or "      \
	".name == \"target.rss\" or .name == \"target.rss_floor\")"

static void test_same_workload_unchanged(void **state)
{
	const char *pairs[][2] = {
		{"base1", "base2"}, {"base2", "base3"}, {"base1", "base3"}};
	char buf[4096];

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		const char *json = diff_json(path_of(pairs[i][0]), path_of(pairs[i][1]));
		struct run_result r;

		/* all five timer figures and the three target ones were compared */
		jq_path(json, OWN_FIGURES " | .name] | length", buf, sizeof(buf));
		assert_int_equal(atoi(buf), 8);
		jq_path(json, OWN_FIGURES " | select(.changed) | .name] | join(\",\")",
			buf, sizeof(buf));
		if (buf[0])
			fail_msg("%s -> %s: changed: %s", pairs[i][0], pairs[i][1], buf);
		run_vigil(&r, "diff", path_of(pairs[i][0]), path_of(pairs[i][1]),
			  "--fail-if", "target.cpu > +20%", "--fail-if",
			  "latency.*.p99 > +10%");
		assert_int_equal(r.status, 0);
		assert_non_null(strstr(r.out, "does not hold"));
	}
}

static void assert_within(double got, double lo, double hi, const char *what)
{
	if (!(got >= lo && got <= hi))
		fail_msg("%s: %.4f is not within [%.2f, %.2f]", what, got, lo, hi);
}

static void test_changed_sizes(void **state)
{
	const char *json = diff_json(path_of("base1"), path_of("slow"));
	const char *lat[] = {"latency.api.request.p50", "latency.api.request.p90",
			     "latency.api.request.p99"};
	const double tol[] = {0.05, 0.07, 0.12};
	struct run_result r;

	(void)state;
	assert_within(figure(json, "target.cpu", "rel_change"), 0.6, 1.4, "target.cpu");
	assert_true(figure(json, "target.cpu", "changed"));
	assert_within(figure(json, "target.cpu", "abs_change"), 3, 7,
		      "target.cpu points");
	for (size_t i = 0; i < 3; i++) {
		assert_within(figure(json, lat[i], "rel_change"), 0.5 - tol[i],
			      0.5 + tol[i], lat[i]);
		assert_true(figure(json, lat[i], "changed"));
		assert_true(figure(json, lat[i], "p") < 0.01);
	}
	/* as many requests a second: not a change */
	assert_false(figure(json, "latency.api.request.rate", "changed"));
	/* the text: changed figures listed with their sizes */
	run_vigil(&r, "diff", path_of("base1"), path_of("slow"));
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "target.cpu"));
	assert_non_null(strstr(r.out, "latency.api.request.p99"));
	assert_non_null(strstr(r.out, "* percentiles: a bootstrap"));
	assert_null(strstr(r.out, "latency.api.request.rate"));
}

static void test_fail_if(void **state)
{
	struct run_result r;

	(void)state;
	run_vigil(&r, "diff", path_of("base1"), path_of("slow"), "--fail-if",
		  "latency.api.request.p99 > +10%");
	assert_int_equal(r.status, 3);
	assert_non_null(strstr(r.out, "holds for latency.api.request.p99"));
	run_vigil(&r, "diff", path_of("base1"), path_of("slow"), "--fail-if",
		  "target.cpu > +200%", "--fail-if", "latency.api.request.p50 < -10%");
	assert_int_equal(r.status, 0);
	/* absolute: +5 points of a core */
	run_vigil(&r, "diff", path_of("base1"), path_of("slow"), "--fail-if",
		  "target.cpu > 2");
	assert_int_equal(r.status, 3);
	run_vigil(&r, "diff", path_of("base1"), path_of("slow"), "--fail-if",
		  "target.cpu > 50");
	assert_int_equal(r.status, 0);
	/* bad expressions and names: usage errors naming them */
	run_vigil(&r, "diff", path_of("base1"), path_of("slow"), "--fail-if",
		  "target.cpu >> 5");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "bad --fail-if 'target.cpu >> 5'"));
	run_vigil(&r, "diff", path_of("base1"), path_of("slow"), "--fail-if",
		  "latency.nope.p99 > +10%");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "no figure is called 'latency.nope.p99'"));
	assert_non_null(strstr(r.err, "latency.api.request.p99"));
}

static void test_json_keys(void **state)
{
	const char *json = diff_json(path_of("base1"), path_of("slow"));
	const char *keys[] = {".schema",
			      ".before.path",
			      ".before.t0_ms",
			      ".after.ticks",
			      ".after.interval_ms",
			      ".rules.alpha",
			      ".rules.min_rel_change",
			      ".rules.bootstrap_resamples",
			      ".compared",
			      ".changed",
			      ".figures[0].name",
			      ".figures[0].group",
			      ".figures[0].unit",
			      ".figures[0].method",
			      ".figures[0].before",
			      ".figures[0].after",
			      ".figures[0].abs_change",
			      ".figures[0].rel_change",
			      ".figures[0].p",
			      ".figures[0].n_before",
			      ".figures[0].significant",
			      ".figures[0].changed",
			      ".figures[0].score",
			      ".only_before | length",
			      ".fail_if | length"};
	char buf[256];

	(void)state;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		jq_path(json, keys[i], buf, sizeof(buf));
		if (!buf[0] || !strcmp(buf, "null"))
			fail_msg("no %s", keys[i]);
	}
	assert_int_equal(atoi(jq_path(json, ".schema", buf, sizeof(buf))), 1);
	/* the ranking: every changed figure before every unchanged one */
	jq_path(json, "[.figures[].changed] | . == (sort | reverse)", buf, sizeof(buf));
	assert_string_equal(buf, "true");
	jq_path(json,
		".figures[] | select(.name == \"latency.api.request.p99\") | .method",
		buf, sizeof(buf));
	assert_string_equal(buf, "bootstrap");
	jq_path(json, ".figures[] | select(.name == \"target.cpu\") | .method", buf,
		sizeof(buf));
	assert_string_equal(buf, "mann-whitney");
}

static void test_windows_of_one_file(void **state)
{
	char before[192], after[192];
	const char *json;
	struct run_result r;

	(void)state;
	snprintf(before, sizeof(before), "%s@start..+4s", path_of("shift"));
	snprintf(after, sizeof(after), "%s@+7s..end", path_of("shift"));
	json = diff_json(before, after);
	assert_within(figure(json, "target.cpu", "rel_change"), 0.6, 1.4, "target.cpu");
	assert_true(figure(json, "target.cpu", "changed"));
	/* another seed than base1's: the distribution, not the same values */
	assert_within(figure(json, "latency.api.request.p50", "rel_change"), 0.35, 0.65,
		      "p50");
	assert_true(figure(json, "latency.api.request.p50", "changed"));
	assert_true(figure(json, "target.cpu", "n_before") <= 21);
	run_vigil(&r, "diff", before, "nope.vigil@10:00..");
	assert_int_equal(r.status, 1); /* the file is missing: a runtime error */
	snprintf(after, sizeof(after), "%s@+7x..end", path_of("shift"));
	run_vigil(&r, "diff", before, after);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "bad window"));
	snprintf(after, sizeof(after), "%s@+7s", path_of("shift"));
	run_vigil(&r, "diff", before, after);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "expected FILE@FROM..TO"));
}

static void test_output_file(void **state)
{
	char out[160];
	struct run_result r;

	(void)state;
	snprintf(out, sizeof(out), "%s/report.txt", dir);
	run_vigil(&r, "diff", path_of("base1"), path_of("slow"), "-o", out);
	assert_int_equal(r.status, 0);
	assert_int_equal(access(out, F_OK), 0);
	run_vigil(&r, "diff", path_of("base1"), path_of("slow"), "-o", out);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "exists"));
	run_vigil(&r, "diff", path_of("base1"), path_of("slow"), "-o", out, "--force");
	assert_int_equal(r.status, 0);
	run_vigil(&r, "diff", path_of("base1"));
	assert_int_equal(r.status, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_workload_unchanged),
		cmocka_unit_test(test_changed_sizes),
		cmocka_unit_test(test_fail_if),
		cmocka_unit_test(test_json_keys),
		cmocka_unit_test(test_windows_of_one_file),
		cmocka_unit_test(test_output_file),
	};

	return cmocka_run_group_tests(tests, setup_group, teardown_group);
}
