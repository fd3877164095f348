/* SPDX-License-Identifier: MIT */
/*
 * test_diff_profile: the differential profile of two real recordings.
 *
 * prof_shift splits its CPU time between shift_left and shift_right in a
 * proportion it is given (measured in its own CPU time, so the split holds
 * however busy the machine is). Two `vigil record` runs, side by side, capture one
 * profile each through an alert action (one 8 s capture from the first tick): the first
 * with 75% in shift_left, the second with 25%. The differential must say shift_left
 * shrank and shift_right grew, significantly, by 50 points of total share each, within a
 * tolerance taken from the samples drawn:
 *
 *   tol = 4 sigma + 5 points, sigma = sqrt(pb (1 - pb) / Nb + pa (1 - pa) / Na)
 *
 * sigma is the standard error of a difference of two sampled shares (a
 * sampling profiler draws a share of Bernoulli trials; samples close in
 * time are not quite independent, which 4 sigma rather than 3 allows for);
 * as independent draws, 4 sigma fails by chance once in 15000 runs. The
 * 5 points are what is not under either function (main's loop, the round
 * bookkeeping, the start of the capture); the shares are totals, so the
 * vDSO clock calls inside each function count for it.
 *
 * The profiles go through the store's API and analysis/profdiff, and
 * through `vigil diff --profile` in each of its text forms, and the plain
 * report's profile part, which must say the same.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "analysis/profdiff.h"
#include "harness.h"
#include "store/profiles.h"

#define SPLIT_BEFORE 75
#define SPLIT_AFTER 25
/* Below this many samples a side says too little to judge by (8 s at 99 Hz
 * is 792 on an idle core; a fixture starved to under 4% of a core is a
 * machine too busy for this test, which then skips, saying so). */
#define MIN_SAMPLES 30

static char dir[64];
static char before[128], after[128];

/* dir/alerts.conf, for both recordings */
static void write_rules(const char *in)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/alerts.conf", in);
	f = fopen(path, "w");

	assert_non_null(f);
	/* fires at the first tick the target is seen, whatever CPU it gets on a
	 * busy machine, and stays firing: one profile per recording */
	fputs("target.threads >= 1 name=start action=profile:8s\n", f);
	fclose(f);
}

/* Starts recording prof_shift at pct into session, vigil's stderr to
 * session.err; returns the recorder's pid. */
static pid_t record_split_start(const char *session, int pct)
{
	char rules[128], arg[16], errpath[160], fixture[4096];
	pid_t pid;

	snprintf(rules, sizeof(rules), "%s/alerts.conf", dir);
	snprintf(arg, sizeof(arg), "%d", pct);
	snprintf(errpath, sizeof(errpath), "%s.err", session);
	snprintf(fixture, sizeof(fixture), "%s", fixture_path("prof_shift"));
	pid = fork();
	if (pid == 0) {
		const char *args[] = {vigil_bin(), "record", "--alerts", rules,	  "-i",
				      "200ms",	   "-d",     "10s",	 "-o",	  session,
				      "--",	   fixture,  arg,	 "12000", NULL};
		char *argv[16];
		int n = 0, fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int devnull = open("/dev/null", O_WRONLY);

		for (; args[n]; n++)
			argv[n] = strdup(args[n]); /* execv wants them writable */
		argv[n] = NULL;
		dup2(devnull, 1);
		dup2(fd, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* Waits for a recorder: 0, or -1 with its stderr printed. */
static int record_split_wait(const char *session, pid_t pid)
{
	char cmd[200];
	int status;

	if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0)
		return 0;
	fprintf(stderr, "record %s failed (%d):\n", session, pid > 0 ? status : -1);
	snprintf(cmd, sizeof(cmd), "cat '%s.err' >&2", session);
	if (system(cmd) != 0)
		fprintf(stderr, "(no stderr)\n");
	return -1;
}

/* The two recordings run side by side: each fixture splits its own CPU
 * time, so sharing the machine moves neither split, and setup waits 10 s,
 * not 20. */
static int setup(void **state)
{
	pid_t b, a;
	int bad;

	(void)state;
	snprintf(dir, sizeof(dir), "%s", temp_dir());
	snprintf(before, sizeof(before), "%s/before.vigil", dir);
	snprintf(after, sizeof(after), "%s/after.vigil", dir);
	write_rules(dir);
	b = record_split_start(before, SPLIT_BEFORE);
	a = record_split_start(after, SPLIT_AFTER);
	bad = record_split_wait(before, b);
	bad |= record_split_wait(after, a);
	return bad ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	fixtures_stop_all();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The newest profile of a session (caller frees). */
static struct profile *load_profile(const char *session)
{
	struct profile_meta *list;
	struct profile *p;
	struct store *s;
	char err[256];
	size_t n;

	if (store_open(session, &s, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_int_equal(query_profiles(s, &list, &n), 0);
	if (n == 0)
		fail_msg("no profile in '%s': the alert did not fire", session);
	p = query_profile_load(s, list[0].id, err, sizeof(err));
	if (!p)
		fail_msg("%s", err);
	free(list);
	store_close(s);
	return p;
}

static const struct profdiff_fn *fn(const struct profdiff *d, const char *name)
{
	for (size_t i = 0; i < d->nfns; i++) {
		if (!strcmp(profdiff_function(d, d->fns[i].frame), name))
			return &d->fns[i];
	}
	fail_msg("no function '%s' in the differential", name);
	return NULL;
}

static double tolerance(const struct profdiff *d, const struct profdiff_fn *f)
{
	double pb = f->total_b.share / 100.0, pa = f->total_a.share / 100.0;
	double sigma = sqrt(pb * (1 - pb) / (double)d->samples_b +
			    pa * (1 - pa) / (double)d->samples_a);

	return 100.0 * 4.0 * sigma + 5.0;
}

static void check_moved(const struct profdiff *d, const struct profdiff_fn *left,
			const struct profdiff_fn *right)
{
	double want = SPLIT_AFTER - SPLIT_BEFORE; /* points of shift_left's share */

	print_message("samples %llu -> %llu; shift_left %.1f%% -> %.1f%% (%+.1f, z "
		      "%.1f, tol %.1f); shift_right %.1f%% -> %.1f%% (%+.1f, z %.1f, "
		      "tol %.1f)\n",
		      (unsigned long long)d->samples_b, (unsigned long long)d->samples_a,
		      left->total_b.share, left->total_a.share, left->total_change,
		      left->total_z, tolerance(d, left), right->total_b.share,
		      right->total_a.share, right->total_change, right->total_z,
		      tolerance(d, right));
	if (d->samples_b < MIN_SAMPLES || d->samples_a < MIN_SAMPLES) {
		print_message("too few samples to judge (machine too busy): skipped\n");
		skip();
	}
	assert_int_equal(left->total_verdict, PROFDIFF_SHRUNK);
	assert_int_equal(right->total_verdict, PROFDIFF_GROWN);
	assert_true(fabs(left->total_change - want) <= tolerance(d, left));
	assert_true(fabs(right->total_change + want) <= tolerance(d, right));
}

/* Work moved from shift_left to shift_right shows as one shrunk and one
 * grown function, by the configured split. */
static void test_moved_work_real(void **state)
{
	struct profile *pb = load_profile(before), *pa = load_profile(after);
	struct profdiff *d = profdiff_new(pb, pa);
	const struct profdiff_fn *left = fn(d, "shift_left"),
				 *right = fn(d, "shift_right");

	(void)state;
	check_moved(d, left, right);
	/* the two lead the ranking: nothing else moved by as much */
	assert_true(d->nfns >= 2);
	assert_true(d->fns[0].frame == left->frame || d->fns[0].frame == right->frame);
	assert_true(d->fns[1].frame == left->frame || d->fns[1].frame == right->frame);
	/* main runs the whole time on both sides */
	assert_true(fabs(fn(d, "main")->total_change) <= tolerance(d, fn(d, "main")));
	profdiff_free(d);
	profile_free(pa);
	profile_free(pb);
}

/* `vigil diff --profile : --format json` says what the library says. */
static void test_cli_json(void **state)
{
	struct profile *pb = load_profile(before), *pa = load_profile(after);
	struct profdiff *d = profdiff_new(pb, pa);
	const struct profdiff_fn *left = fn(d, "shift_left");
	struct run_result r;
	char buf[128];

	(void)state;
	run_vigil(&r, "diff", before, after, "--profile", ":", "--format", "json");
	assert_int_equal(r.status, 0);
	assert_string_equal(jq(r.out,
			       "[.functions[] | select(.function == \"shift_left\")]"
			       "[0].total.verdict",
			       buf, sizeof(buf)),
			    "shrunk");
	assert_string_equal(jq(r.out,
			       "[.functions[] | select(.function == \"shift_right\")]"
			       "[0].total.verdict",
			       buf, sizeof(buf)),
			    "grown");
	assert_true(
		fabs(jq_num(r.out, "[.functions[] | select(.function == \"shift_left\")]"
				   "[0].total.change") -
		     left->total_change) < 0.01);
	assert_true(jq_num(r.out, ".before.samples") == (double)d->samples_b);
	/* --json is the same object */
	run_vigil(&r, "diff", before, after, "--profile", "1:1", "--json");
	assert_int_equal(r.status, 0);
	assert_true(jq_num(r.out, ".after.samples") == (double)d->samples_a);
	profdiff_free(d);
	profile_free(pa);
	profile_free(pb);
}

/* Sums of a folded column over the lines whose stack contains needle. */
static void folded_sums(const char *text, const char *needle, unsigned long long *b,
			unsigned long long *a, size_t *lines)
{
	const char *line = text;

	*b = *a = 0;
	*lines = 0;
	while (*line) {
		const char *nl = strchr(line, '\n');
		char copy[1024];
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char *last, *prev;

		assert_true(len < sizeof(copy));
		memcpy(copy, line, len);
		copy[len] = '\0';
		/* "stack BEFORE AFTER": two counts after the last two spaces */
		last = strrchr(copy, ' ');
		assert_non_null(last);
		*last = '\0';
		prev = strrchr(copy, ' ');
		assert_non_null(prev);
		*prev = '\0';
		if (strstr(copy, needle)) {
			*b += strtoull(prev + 1, NULL, 10);
			*a += strtoull(last + 1, NULL, 10);
		}
		(*lines)++;
		line = nl ? nl + 1 : line + len;
	}
}

/* --format folded: difffolded lines; --raw carries the recorded counts,
 * the default scales BEFORE to AFTER's total. */
static void test_cli_folded(void **state)
{
	struct profile *pb = load_profile(before), *pa = load_profile(after);
	struct profdiff *d = profdiff_new(pb, pa);
	const struct profdiff_fn *left = fn(d, "shift_left");
	unsigned long long b, a, all_b, all_a;
	struct run_result r;
	size_t lines;

	(void)state;
	run_vigil(&r, "diff", before, after, "--profile", ":", "--format", "folded",
		  "--raw");
	assert_int_equal(r.status, 0);
	folded_sums(r.out, "main;shift_left", &b, &a, &lines);
	assert_true(lines > 0);
	assert_int_equal(b, left->total_b.n);
	assert_int_equal(a, left->total_a.n);
	folded_sums(r.out, "", &all_b, &all_a, &lines);
	assert_int_equal(all_b, d->samples_b);
	assert_int_equal(all_a, d->samples_a);
	/* normalised: each line truncated, so within a count per line of the
	 * after total */
	run_vigil(&r, "diff", before, after, "--profile", ":", "--format", "folded");
	assert_int_equal(r.status, 0);
	folded_sums(r.out, "", &all_b, &all_a, &lines);
	assert_true(all_b <= d->samples_a && all_b + lines >= d->samples_a);
	profdiff_free(d);
	profile_free(pa);
	profile_free(pb);
}

/* The table names the moved functions; bad ids are usage errors, a missing
 * profile a runtime one. */
static void test_cli_table_and_errors(void **state)
{
	struct run_result r;

	(void)state;
	run_vigil(&r, "diff", before, after, "--profile", "1:1");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "shift_left"));
	assert_non_null(strstr(r.out, "\nshrunk "));
	assert_non_null(strstr(r.out, "\ngrown "));
	run_vigil(&r, "diff", before, after, "--profile", "1");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "bad --profile '1'"));
	{
		static const char *const bad[] = {"x:1", "1:2:3", "0:1", "1:-1", "1:2x"};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			run_vigil(&r, "diff", before, after, "--profile", bad[i]);
			assert_int_equal(r.status, 2);
		}
	}
	run_vigil(&r, "diff", before, after, "--profile", "1:");
	assert_int_equal(r.status, 0);
	run_vigil(&r, "diff", before, after, "--profile", ":1", "--fail-if", "x > 1");
	assert_int_equal(r.status, 2);
	run_vigil(&r, "diff", before, after, "--format", "folded");
	assert_int_equal(r.status, 2); /* --format is for --profile */
	run_vigil(&r, "diff", before, after, "--profile", "1:99");
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "no profile 99"));
	run_vigil(&r, "diff", before, after, "--profile", ":", "--format", "console");
	assert_int_equal(r.status, 1); /* not a terminal */
	assert_non_null(strstr(r.err, "must be a terminal"));
}

/* Plain `vigil diff` (no --profile): the report has the profile part, the
 * same differential as --profile ":" (the newest of each side). */
static void test_report_profile_part(void **state)
{
	struct profile *pb = load_profile(before), *pa = load_profile(after);
	struct profdiff *d = profdiff_new(pb, pa);
	const struct profdiff_fn *left = fn(d, "shift_left");
	char out[160], buf[128], head[128];
	struct run_result r;

	(void)state;
	snprintf(out, sizeof(out), "%s/report.json", dir);
	run_vigil(&r, "diff", before, after, "--json", "-o", out);
	assert_int_equal(r.status, 0);
	assert_string_equal(jq_path(out,
				    "[.profile.functions[] | select(.function == "
				    "\"shift_left\")][0].total.verdict",
				    buf, sizeof(buf)),
			    "shrunk");
	jq_path(out,
		"[.profile.functions[] | select(.function == \"shift_left\")]"
		"[0].total.change",
		buf, sizeof(buf));
	assert_true(fabs(atof(buf) - left->total_change) < 0.01);
	assert_int_equal(atoll(jq_path(out, ".profile.before.id", buf, sizeof(buf))),
			 pb->meta.id);
	assert_int_equal(atoll(jq_path(out, ".profile.after.samples", buf, sizeof(buf))),
			 (long long)d->samples_a);
	assert_int_equal(atoi(jq_path(out, ".before.profiles", buf, sizeof(buf))), 1);
	/* the text names both profiles and lists the functions */
	run_vigil(&r, "diff", before, after);
	assert_int_equal(r.status, 0);
	snprintf(head, sizeof(head),
		 "\nprofile %lld of BEFORE (newest of 1) against profile %lld of AFTER",
		 (long long)pb->meta.id, (long long)pa->meta.id);
	assert_non_null(strstr(r.out, head));
	assert_non_null(strstr(r.out, "shift_left"));
	assert_non_null(strstr(r.out, "shrunk"));
	profdiff_free(d);
	profile_free(pa);
	profile_free(pb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_moved_work_real),
		cmocka_unit_test(test_cli_json),
		cmocka_unit_test(test_cli_folded),
		cmocka_unit_test(test_cli_table_and_errors),
		cmocka_unit_test(test_report_profile_part),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
