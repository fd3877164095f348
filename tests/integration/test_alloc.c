/* SPDX-License-Identifier: MIT */
/*
 * test_alloc: `vigil profile --mode alloc|live` against prof_alloc, a
 * program with one leaking and one churning allocation site.
 *
 * prof_alloc knows its truth: it waits until vigil's uprobes are in place
 * (their breakpoint bytes), then makes COUNT calls at each site and writes
 * the bytes it allocated at each to a file; the test then stops vigil
 * (SIGINT keeps what was taken). So vigil saw exactly the calls the truth
 * counts, and the bar is statistical only: at one sample per 64 KiB, 2000
 * blocks of 16 KiB give ~440 samples a site; the estimate's standard error
 * is about 4 %, so the 20 % bar is over 4.5 standard errors away.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "harness.h"

#define TOLERANCE 0.20
#define TEXT_MAX (1u << 20)

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
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) != 0 ? -1 : 0;
}

/* Starts vigil with args (NULL-terminated), its stderr to err_path. */
static pid_t vigil_start_err(const char *const args[], const char *err_path)
{
	pid_t pid = fork();

	if (pid == 0) {
		char *argv[64];
		int n = 0, devnull = open("/dev/null", O_WRONLY),
		    err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		argv[n++] = strdup(vigil_bin());
		for (int i = 0; args[i] && n < 63; i++)
			argv[n++] = strdup(args[i]);
		argv[n] = NULL;
		dup2(devnull, 1);
		dup2(err, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* One capture of prof_alloc: count calls at each site; duty is the
 * --alloc-duty value, NULL for vigil's default; steady: the fixture goes on
 * allocating after its truth. */
struct capture_opts {
	const char *mode, *format, *name, *rate, *count, *duty;
	bool steady;
};

/*
 * One capture of prof_alloc as o says, written as o->format to dir/name
 * (vigil's stderr to dir/name.err); returns the bytes the fixture
 * allocated at each site during its burst (*leaked, also churned: both
 * sites make the same calls).
 */
static void capture_with(const struct capture_opts *o, unsigned long long *leaked)
{
	char truth[4200], out[4200], errp[4200], pidbuf[16], line[128] = "";
	unsigned long long churned = 0;
	const char *args[24];
	pid_t pid, v;
	int status, n = 0;
	FILE *f = NULL;

	snprintf(truth, sizeof(truth), "%s/%s.truth", dir, o->name);
	snprintf(out, sizeof(out), "%s/%s", dir, o->name);
	snprintf(errp, sizeof(errp), "%s/%s.err", dir, o->name);
	pid = fixture_start("prof_alloc", truth, "16384", "1000", o->count,
			    !strcmp(o->mode, "live") ? "free" : "malloc",
			    o->steady ? "steady" : NULL, NULL);
	assert_true(pid > 0);
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
	args[n++] = "profile";
	args[n++] = "-p";
	args[n++] = pidbuf;
	args[n++] = "--mode";
	args[n++] = o->mode;
	args[n++] = "--alloc-rate";
	args[n++] = o->rate;
	if (o->duty) {
		args[n++] = "--alloc-duty";
		args[n++] = o->duty;
	}
	args[n++] = "-d";
	args[n++] = "300s";
	args[n++] = "--format";
	args[n++] = o->format;
	args[n++] = "-o";
	args[n++] = out;
	args[n] = NULL;
	v = vigil_start_err(args, errp);
	/* the fixture writes its truth once its burst under the probes is over */
	for (int i = 0; i < 2400 && !(f = fopen(truth, "r")); i++)
		sleep_ms(50);
	assert_non_null(f);
	/* written whole by one fprintf+fclose: wait for the line */
	for (int i = 0; i < 100 && !fgets(line, sizeof(line), f); i++) {
		sleep_ms(20);
		clearerr(f);
	}
	fclose(f);
	assert_int_equal(sscanf(line, "leaked %llu churned %llu", leaked, &churned), 2);
	assert_true(*leaked == churned && *leaked > 0);
	kill(v, SIGINT);
	waitpid(v, &status, 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	fixture_stop(pid);
}

/* The always-on captures: count calls a site (FULL where bytes are checked
 * against the truth, SHORT where only order and format are) at one sample
 * per 64 KiB. */
#define FULL "2000"
#define SHORT "500"
static void capture(const char *mode, const char *format, const char *name,
		    const char *count, unsigned long long *leaked)
{
	const struct capture_opts o = {
		mode, format, name, "64K", count, strcmp(mode, "alloc") ? NULL : "100",
		false};

	capture_with(&o, leaked);
}

static char *slurp(const char *name)
{
	char path[4200];
	char *text = calloc(1, TEXT_MAX);
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(text, 1, TEXT_MAX - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

/* Bytes of the folded stacks whose leaf is fn. */
static unsigned long long leaf_bytes(const char *folded, const char *fn)
{
	unsigned long long sum = 0;
	size_t len = strlen(fn);

	for (const char *l = folded; *l;) {
		const char *end = strchr(l, '\n'), *sp;

		if (!end)
			end = l + strlen(l);
		sp = end;
		while (sp > l && sp[-1] != ' ')
			sp--;
		if (sp - l > (long)len + 1 && !strncmp(sp - 1 - len, fn, len) &&
		    (sp - 1 - len == l || sp[-2 - (long)len] == ';'))
			sum += strtoull(sp, NULL, 10);
		l = *end ? end + 1 : end;
	}
	return sum;
}

static void assert_near(unsigned long long got, unsigned long long want)
{
	double r = (double)got / (double)want;

	fprintf(stderr, "measured %llu bytes, truth %llu (ratio %.3f)\n", got, want, r);
	if (r < 1 - TOLERANCE || r > 1 + TOLERANCE)
		fail_msg("measured %llu bytes, truth %llu (ratio %.3f)", got, want, r);
}

/* live: the leaking site first, with its outstanding bytes; the churning
 * one has next to nothing left. */
static void test_live_ranks_the_leak_first(void **state)
{
	unsigned long long truth, leak, churn;
	char *text;

	(void)state;
	capture("live", "folded", "live.folded", FULL, &truth);
	text = slurp("live.folded");
	leak = leaf_bytes(text, "leak_site");
	churn = leaf_bytes(text, "churn_site");
	assert_near(leak, truth);
	/* a sampled block whose free came after the capture may be left */
	assert_true(churn < leak / 20);
	assert_non_null(strstr(text, ";main;leak_site "));
	free(text);
}

/* alloc: both sites allocated the same bytes. */
static void test_alloc_counts_both_sites(void **state)
{
	unsigned long long truth;
	char *text;

	(void)state;
	capture("alloc", "folded", "alloc.folded", FULL, &truth);
	text = slurp("alloc.folded");
	assert_near(leaf_bytes(text, "leak_site"), truth);
	assert_near(leaf_bytes(text, "churn_site"), truth);
	free(text);
}

/*
 * alloc at the default duty cycle: the probes are on a few percent of the
 * time, and what they saw is scaled up by the share of the capture they
 * were on. prof_alloc allocates at a steady pace through the whole capture
 * (12000 calls a site, one every ~1ms, then on at the same pace until
 * stopped), so every on phase sees the same rate and the scaled estimate
 * is the truth plus the few tens of ms between the truth and the end of
 * the capture. At one sample per 4 KiB nearly every 16 KiB block is
 * sampled: what is left is the spread of the pace between phases (usleep
 * under load), which DUTY_TOLERANCE covers with room.
 */
#define DUTY_TOLERANCE 0.25

static void test_alloc_duty_scales_to_the_truth(void **state)
{
	const struct capture_opts o = {"alloc", "folded", "duty.folded", "4K",
				       "12000", NULL,	  true};
	unsigned long long truth;
	double r[2], on = 100;
	char *text, *err, *at;

	(void)state;
	capture_with(&o, &truth);
	text = slurp("duty.folded");
	err = slurp("duty.folded.err");
	fprintf(stderr, "%s", err);
	at = strstr(err, "probes on ");
	assert_non_null(at);
	assert_int_equal(sscanf(at, "probes on %lf%%", &on), 1);
	assert_true(on > 0 && on < 100); /* duty-cycled, and said so */
	r[0] = (double)leaf_bytes(text, "leak_site") / (double)truth;
	r[1] = (double)leaf_bytes(text, "churn_site") / (double)truth;
	fprintf(stderr, "duty: probes on %.1f%%, leak %.3f, churn %.3f of the truth\n",
		on, r[0], r[1]);
	for (int i = 0; i < 2; i++)
		if (r[i] < 1 - DUTY_TOLERANCE || r[i] > 1 + DUTY_TOLERANCE)
			fail_msg("site %d: %.3f of the truth %llu bytes", i, r[i], truth);
	free(err);
	free(text);
}

/* The table of a live profile: bytes and growth, the leak on top. */
static void test_live_table(void **state)
{
	unsigned long long truth;
	char *text, *row;

	(void)state;
	capture("live", "table", "live.txt", SHORT, &truth);
	text = slurp("live.txt");
	assert_non_null(strstr(text, "LIVE_B"));
	assert_non_null(strstr(text, "GROWTH_B/S"));
	row = strchr(text, '\n');
	assert_non_null(row);
	row = strtok(row + 1, "\n");
	assert_non_null(row);
	assert_non_null(strstr(row, "leak_site"));
	free(text);
}

/* pprof: go tool pprof reads inuse_space and puts the leak first. */
static void test_live_pprof(void **state)
{
	unsigned long long truth;
	char cmd[8600], line[1024];
	bool leak_first = false, header = false, space = false;
	FILE *p;

	(void)state;
	if (system("command -v go >/dev/null 2>&1") != 0)
		fail_msg("go is not installed: scripts/deps.sh test installs golang-go");
	capture("live", "pprof", "live.pb.gz", SHORT, &truth);
	snprintf(cmd, sizeof(cmd),
		 "HOME='%s' go tool pprof -sample_index=inuse_space -top -nodecount=5 "
		 "'%s/live.pb.gz' 2>&1",
		 dir, dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		fputs(line, stderr);
		space |= strstr(line, "inuse_space") != NULL;
		if (strstr(line, "flat%")) {
			header = true;
			continue;
		}
		if (header && !leak_first && strstr(line, "leak_site"))
			leak_first = true;
		if (header)
			break;
	}
	assert_int_equal(pclose(p) == -1, 0);
	assert_true(space);
	assert_true(leak_first);
}

static void test_bad_arguments(void **state)
{
	struct run_result r;

	(void)state;
	run_vigil(&r, "profile", "-p", "1", "--alloc-rate", "64K");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "--alloc-rate needs --mode alloc or live"));
	run_vigil(&r, "profile", "-p", "1", "--mode", "live", "--alloc-rate", "0");
	assert_int_equal(r.status, 2);
	run_vigil(&r, "profile", "-p", "1", "--mode", "live", "--alloc-duty", "10");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "--alloc-duty needs --mode alloc"));
	run_vigil(&r, "profile", "-p", "1", "--mode", "alloc", "--alloc-duty", "0");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "bad duty '0' for --alloc-duty"));
	run_vigil(&r, "profile", "-p", "1", "--mode", "alloc", "--alloc-duty", "101");
	assert_int_equal(r.status, 2);
	run_vigil(&r, "profile", "-p", "1", "--mode", "alloc", "--alloc-duty", "5x");
	assert_int_equal(r.status, 2);
	run_vigil(&r, "profile", "-p", "1", "--mode", "heap");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "expected cpu, wall, alloc or live"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_ranks_the_leak_first, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_alloc_counts_both_sites, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_alloc_duty_scales_to_the_truth,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_pprof, setup, teardown),
	};

	return cmocka_run_group_tests_name("alloc", tests, NULL, NULL);
}
