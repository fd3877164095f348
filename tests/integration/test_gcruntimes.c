/* SPDX-License-Identifier: MIT */
/*
 * test_gcruntimes: `vigil record --gc-trace -- CMD` on real runtimes, judged
 * from their GC traces.
 *
 * Four recordings run side by side for 60 s (VIGIL_LEAK shortens the
 * windows so a verdict arrives): Node.js leak.js and bounded.js with
 * --gc-global (every collection a Mark-Compact, so after-GC floors come
 * several times a second) and a small Go program (tests/fixtures/gcleak.go,
 * built here with `go build`, GOCACHE/GOPATH/HOME in the test's temp dir)
 * with and without a leak, GOGC=10. Each session has gc_events rows of its
 * runtime's kinds; the leaking ones' verdicts come from the GC floor
 * ("node gc", "go gc") and are growing or leak-suspect with a positive
 * rate, the bounded ones neither. The child's output is still vigil's
 * stdout when recording without a terminal: the rows are as many as the
 * trace lines there; report --json's "gc" section counts them and orders
 * its pause percentiles. Skipped when node or go is missing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"

#define RUNS 4

static char dir[64];

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
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Builds gcleak.go into dir; false when go is missing or the build fails. */
static bool build_go(char *bin, size_t cap)
{
	const char *src = getenv("VIGIL_SRCDIR");
	char cmd[2048];

	snprintf(bin, cap, "%s/gcleak", dir);
	snprintf(cmd, sizeof(cmd),
		 "command -v go >/dev/null && mkdir -p '%s/src' && cp '%s/tests/fixtures/"
		 "gcleak.go' '%s/src/main.go' && cd '%s/src' && export HOME='%s' "
		 "GOCACHE='%s/cache' GOPATH='%s/gopath' GOFLAGS=-modcacherw && "
		 "go mod init gcleak >/dev/null 2>&1 && go build -o '%s' . >/dev/null "
		 "2>&1",
		 dir, src && *src ? src : ".", dir, dir, dir, dir, dir, bin);
	return system(cmd) == 0;
}

/* Starts vigil record with stdout to out_path; returns its pid. */
static pid_t record(const char *session, const char *out_path, const char *const cmd[])
{
	pid_t pid = fork();

	if (pid == 0) {
		char *argv[32];
		int n = 0, fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		argv[n++] = strdup(vigil_bin());
		argv[n++] = strdup("record");
		argv[n++] = strdup("--gc-trace");
		argv[n++] = strdup("--no-alerts");
		argv[n++] = strdup("--statsd=off");
		argv[n++] = strdup("-d");
		argv[n++] = strdup("60s");
		argv[n++] = strdup("-o");
		argv[n++] = strdup(session);
		argv[n++] = strdup("--");
		for (int i = 0; cmd[i] && n < 31; i++)
			argv[n++] = strdup(cmd[i]);
		argv[n] = NULL;
		dup2(fd, 1);
		dup2(fd, 2);
		setenv("VIGIL_LEAK", "every=4s,window=4s,span=25s", 1);
		setenv("GOGC", "10", 1);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static long long sql_num(const char *session, const char *sql)
{
	char cmd[1024], buf[64] = "";
	FILE *p;

	snprintf(cmd, sizeof(cmd), "sqlite3 -readonly '%s' \"%s\"", session, sql);
	p = popen(cmd, "r");
	if (!p || !fgets(buf, sizeof(buf), p))
		buf[0] = '\0';
	if (p)
		pclose(p);
	return buf[0] ? atoll(buf) : -1;
}

/* Trace lines in what the child wrote (vigil's stdout here). */
static long long trace_lines(const char *out_path, const char *pattern)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "grep -c -E '%s' '%s'", pattern, out_path);
	FILE *p = popen(cmd, "r");
	char buf[32] = "";

	if (p && !fgets(buf, sizeof(buf), p))
		buf[0] = '\0';
	if (p)
		pclose(p);
	return atoll(buf);
}

static void test_runtimes(void **state)
{
	static char leakjs[4096], boundedjs[4096];
	const char *src = getenv("VIGIL_SRCDIR");
	char gobin[256], sess[RUNS][128], outp[RUNS][128], buf[256], sql[256];
	const char *names[RUNS] = {"node-leak", "node-bounded", "go-leak", "go-bounded"};
	pid_t pids[RUNS];

	(void)state;
	if (system("command -v node >/dev/null") != 0 || !build_go(gobin, sizeof(gobin)))
		skip();
	snprintf(leakjs, sizeof(leakjs), "%s/tests/fixtures/leak.js", src ? src : ".");
	snprintf(boundedjs, sizeof(boundedjs), "%s/tests/fixtures/bounded.js",
		 src ? src : ".");
	const char *cmds[RUNS][8] = {
		{"node", "--gc-global", "--max-semi-space-size=1", leakjs, "262144",
		 NULL},
		{"node", "--gc-global", "--max-semi-space-size=1", boundedjs, NULL},
		{gobin, "2097152", NULL},
		{gobin, "0", NULL},
	};
	for (int i = 0; i < RUNS; i++) {
		snprintf(sess[i], sizeof(sess[i]), "%s/%s.vigil", dir, names[i]);
		snprintf(outp[i], sizeof(outp[i]), "%s/%s.out", dir, names[i]);
		pids[i] = record(sess[i], outp[i], cmds[i]);
		assert_true(pids[i] > 0);
	}
	for (int i = 0; i < RUNS; i++) {
		int status;

		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	for (int i = 0; i < RUNS; i++) {
		bool node = i < 2, leaks = i % 2 == 0;
		long long rows = sql_num(sess[i], "SELECT count(*) FROM gc_events");
		long long lines = trace_lines(outp[i], node ? "ms: (Scavenge|Mark-)"
							    : "^gc [0-9]+ @");
		const char *v;

		print_message("%s: %lld rows, %lld lines\n", names[i], rows, lines);
		assert_true(rows > 10);
		/* each line a row (the last ones may come after the last tick) */
		assert_true(rows <= lines && lines - rows < 50);
		snprintf(
			sql, sizeof(sql),
			"SELECT count(*) FROM gc_events WHERE runtime = '%s' AND kind %s",
			node ? "node" : "go",
			node ? "= 'Mark-Compact'" : "IN ('gc', 'gc forced')");
		assert_int_equal(sql_num(sess[i], sql), rows);
		{
			struct run_result r;

			run_vigil(&r, "report", "--json", sess[i]);
			assert_int_equal(r.status, 0);
			assert_string_equal(jq(r.out, ".memory.source", buf, sizeof(buf)),
					    node ? "node gc" : "go gc");
			/* the report's gc section counts the same rows */
			assert_string_equal(jq(r.out, ".gc.runtime", buf, sizeof(buf)),
					    node ? "node" : "go");
			assert_true(jq_num(r.out, ".gc.collections") == (double)rows);
			assert_true(jq_num(r.out, ".gc.pause_p50_ms") <=
				    jq_num(r.out, ".gc.pause_p99_ms"));
			assert_true(jq_num(r.out, ".gc.pause_p99_ms") <=
				    jq_num(r.out, ".gc.pause_max_ms"));
			assert_true(jq_num(r.out, ".gc.share") > 0);
			v = jq(r.out, ".memory.verdict", buf, sizeof(buf));
			print_message("%s: %s %.0f B/h\n", names[i], v,
				      jq_num(r.out, ".memory.rate_bytes_per_hour"));
			if (leaks) {
				assert_true(!strcmp(v, "growing") ||
					    !strcmp(v, "leak-suspect"));
				assert_true(jq_num(r.out, ".memory.rate_bytes_per_hour") >
					    0);
			} else {
				assert_true(strcmp(v, "growing") &&
					    strcmp(v, "leak-suspect"));
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_runtimes, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
