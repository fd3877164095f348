/* SPDX-License-Identifier: MIT */
/*
 * test_pprof_export: `--format pprof` as the tools read it. The reader is the
 * real `go tool pprof` (golang-go, installed by scripts/deps.sh test); when go
 * is missing the tests fail saying so rather than pass unread.
 *
 * - A stored profile (taken by an alert's action=profile while recording
 *   prof_split) exports as pprof; the function go tool pprof -top puts first
 *   must be at the top of vigil's own table of that profile (report --json's
 *   profiles[].top) with the same self share, give or take rounding.
 * - `vigil profile --format pprof -o F` of prof_hot: go tool pprof names
 *   churn, the only function prof_hot spends time in, first.
 * - Both carry the fixture binary's mapping with its build id: the one
 *   `go tool pprof -raw` lists for the file whose name is the fixture's
 *   equals what `readelf -n` reads from the fixture (NT_GNU_BUILD_ID), and
 *   the mapping has addresses (start below limit).
 * - pprof is refused where it makes no sense: --metrics, --alerts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"

/* go tool pprof rounds to two decimals; vigil's json to two too */
#define SHARE_TOLERANCE 1.0

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

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

static void require_go(void)
{
	if (system("command -v go >/dev/null 2>&1") != 0)
		fail_msg("go is not installed: the pprof tests read vigil's export with "
			 "go tool pprof (scripts/deps.sh test installs golang-go)");
}

/*
 * go tool pprof -top of file: the first row's function and flat %. Fails
 * the test when go cannot read the file.
 */
static void pprof_top(const char *file, char *fn, size_t fnlen, double *flat_pct)
{
	char cmd[8400], line[1024];
	bool header = false, found = false;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "HOME='%s' go tool pprof -top -nodecount=10 '%s' 2>&1",
		 dir, file);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		char flat[64], cum[64], name[512];
		double pct, sum, cum_pct;

		fputs(line, stderr); /* what go said, for a failure's log */
		if (strstr(line, "flat%") && strstr(line, "cum%")) {
			header = true;
			continue;
		}
		if (!header || found)
			continue;
		if (sscanf(line, " %63s %lf%% %lf%% %63s %lf%% %511[^\n]", flat, &pct,
			   &sum, cum, &cum_pct, name) == 6) {
			snprintf(fn, fnlen, "%s", name);
			*flat_pct = pct;
			found = true;
		}
	}
	assert_int_equal(pclose(p), 0);
	assert_true(header);
	assert_true(found);
}

/* The GNU build id of an ELF file as `readelf -n` prints it, into out. */
static void readelf_build_id(const char *path, char *out, size_t cap)
{
	char cmd[8400];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "readelf -n '%s' | sed -n 's/^ *Build ID: *//p'",
		 path);
	p = popen(cmd, "r");
	assert_non_null(p);
	if (!fgets(out, (int)cap, p))
		out[0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	assert_int_equal(pclose(p), 0);
	if (strlen(out) < 16)
		fail_msg("readelf -n found no build id in '%s'", path);
}

/*
 * go tool pprof -raw of file: the build id of the mapping whose file's
 * basename is name (the third field of "ID: start/limit/offset file
 * buildid [FN]" in the Mappings section), into out; its start is checked
 * below its limit. Fails when no mapping names it.
 */
static void pprof_build_id(const char *file, const char *name, char *out, size_t cap)
{
	char cmd[8400], line[4096];
	bool mappings = false, found = false;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "HOME='%s' go tool pprof -raw '%s' 2>&1", dir, file);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		unsigned long long start, limit, offset;
		char path[2048], id[256];
		const char *base;

		if (!strncmp(line, "Mappings", 8)) {
			mappings = true;
			continue;
		}
		if (!mappings || found)
			continue;
		fputs(line, stderr);
		id[0] = '\0';
		if (sscanf(line, " %*u: %llx/%llx/%llx %2047s %255s", &start, &limit,
			   &offset, path, id) < 4)
			continue;
		base = strrchr(path, '/');
		if (strcmp(base ? base + 1 : path, name))
			continue;
		assert_true(start < limit);
		snprintf(out, cap, "%s", strcmp(id, "[FN]") ? id : "");
		found = true;
	}
	assert_int_equal(pclose(p), 0);
	if (!found)
		fail_msg("go tool pprof -raw lists no mapping of '%s'", name);
}

/* The fixture's build id, in file's mappings as in the fixture itself. */
static void assert_build_id(const char *file, const char *fixture)
{
	char want[256], got[256];

	readelf_build_id(fixture_path(fixture), want, sizeof(want));
	pprof_build_id(file, fixture, got, sizeof(got));
	fprintf(stderr, "%s: readelf -n %s, go tool pprof -raw %s\n", fixture, want, got);
	assert_string_equal(got, want);
}

/* An alert's profile of prof_split, stored in a session: its path. */
static void record_profile(char *session, size_t len)
{
	char rules[4200];
	struct run_result r;

	snprintf(rules, sizeof(rules), "%s/alerts.conf", dir);
	snprintf(session, len, "%s/p.vigil", dir);
	/* the fixture spins, but a loaded machine may give it a fifth of a core:
	 * the rule only has to fire, early enough for the 2 s capture to end
	 * inside the recording */
	write_file(rules, "target.cpu > 2% for 300ms name=hot action=profile:2s\n");
	run_vigil(&r, "record", "--alerts", rules, "-i", "200ms", "-d", "8s", "-o",
		  session, "--", fixture_path("prof_split"));
	assert_int_equal(r.status, 0);
}

static void test_export_matches_vigil_table(void **state)
{
	char session[4200], out[4200], fn[512], buf[512], filter[1024];
	struct run_result r;
	double flat, self, top;

	(void)state;
	require_go();
	record_profile(session, sizeof(session));
	snprintf(out, sizeof(out), "%s/p.pb.gz", dir);
	run_vigil(&r, "export", session, "--profile", "1", "--format", "pprof", "-o",
		  out);
	if (r.status != 0)
		fail_msg("export --profile 1: status %d: %s", r.status, r.err);
	pprof_top(out, fn, sizeof(fn), &flat);

	run_vigil(&r, "report", session, "--json");
	assert_int_equal(r.status, 0);
	jq(r.out, ".profiles[0].top[0].function", buf, sizeof(buf));
	top = jq_num(r.out, ".profiles[0].top[0].self_pct");
	/* two functions with the same share may come in either order: the
	 * function go puts first must have vigil's top share, as vigil has it */
	snprintf(filter, sizeof(filter),
		 ".profiles[0].top[] | select(.function == \"%s\") | .self_pct", fn);
	self = jq_num(r.out, filter);
	fprintf(stderr, "vigil: %s %.2f%% (%s %.2f%%), go tool pprof: %s %.2f%%\n", buf,
		top, fn, self, fn, flat);
	assert_true(top > 0);
	assert_true(self > top - SHARE_TOLERANCE && self < top + SHARE_TOLERANCE);
	assert_true(flat > self - SHARE_TOLERANCE && flat < self + SHARE_TOLERANCE);
	assert_build_id(out, "prof_split");

	/* the same file again: refused without --force, as any -o */
	run_vigil(&r, "export", session, "--profile", "1", "--format", "pprof", "-o",
		  out);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "exists"));
}

static void test_profile_command_writes_pprof(void **state)
{
	char out[4200], pidbuf[32], fn[512];
	struct run_result r;
	pid_t pid;
	double flat;

	(void)state;
	require_go();
	pid = fixture_start("prof_hot", NULL);
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
	snprintf(out, sizeof(out), "%s/hot.pb.gz", dir);
	run_vigil(&r, "profile", "-p", pidbuf, "-d", "2s", "--format", "pprof", "-o",
		  out);
	assert_int_equal(r.status, 0);
	pprof_top(out, fn, sizeof(fn), &flat);
	/* churn, or its -O2 clone churn.constprop.0 */
	assert_int_equal(strncmp(fn, "churn", 5), 0);
	assert_true(flat > 0);
	assert_build_id(out, "prof_hot");
}

static void test_pprof_only_for_profiles(void **state)
{
	char session[4200];
	struct run_result r;

	(void)state;
	snprintf(session, sizeof(session), "%s/none.vigil", dir);
	write_file(session, ""); /* refused before the file is read */
	run_vigil(&r, "export", session, "--metrics", "--format", "pprof");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "--format pprof is for profiles"));
	run_vigil(&r, "export", session, "--alerts", "--format", "pprof");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "--format pprof is for profiles"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pprof_only_for_profiles, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_profile_command_writes_pprof, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_export_matches_vigil_table, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
