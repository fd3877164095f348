/* SPDX-License-Identifier: MIT */
/*
 * test_gc_panel: the Memory panel's lines for a runtime traced with
 * --gc-trace, in tmux.
 *
 * Live: the console starts Node.js on tests/fixtures/leak.js with
 * --gc-global (every collection a Mark-Compact, several a second), Tab
 * opens the Memory panel, and its "Node" lines appear with a non-zero count
 * of collections, the heap after GC and the pauses; the test stops as soon
 * as they do. Replay of that session: at its end (b end) the panel's count
 * and pause p50/p99/max are report --json's "gc" figures (the session is
 * shorter than the graph window, so both cover all of it), in the C locale
 * without colour at 120x40. Skipped when node is missing.
 */
#include <limits.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tmux.h"
#include "core/units.h"

static char session[256];

static int setup(void **state)
{
	(void)state;
	if (tmux_begin("gcpanel") < 0)
		return -1;
	snprintf(session, sizeof(session), "%s/s.vigil", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return tmux_end();
}

/* Runs cmd under env in a w x h session "t" (a script, so quoting is easy). */
static void start(int w, int h, const char *env, const char *cmd)
{
	char script[256];
	FILE *f;

	snprintf(script, sizeof(script), "%s/run.sh", dir);
	f = fopen(script, "w");
	assert_non_null(f);
	fprintf(f, "cd '%s'\n%s %s\necho EXIT=$?\nsleep 600\n", dir, env, cmd);
	fclose(f);
	assert_int_equal(tmux("new-session -d -s t -x %d -y %d 'sh %s'", w, h, script),
			 0);
}

/*
 * Polls the screen for "collections: N in" with N > 0 (generous: node and
 * the first collections must come up on a shared machine); N, or -1 with the
 * screen printed.
 */
static long wait_collections(void)
{
	regex_t re;
	regmatch_t mt[2];
	long n = -1;

	assert_int_equal(regcomp(&re, "collections: ([0-9]+) in ", REG_EXTENDED), 0);
	for (int i = 0; i < 600 && n <= 0; i++) {
		if (regexec(&re, capture(false), 2, mt, 0) == 0)
			n = strtol(screen + mt[1].rm_so, NULL, 10);
		if (n <= 0)
			sleep_ms(100);
	}
	regfree(&re);
	if (n <= 0)
		fprintf(stderr, "--- no collections on screen:\n%s---\n", screen);
	return n;
}

static void assert_shows(const char *text)
{
	if (!strstr(screen, text))
		fail_msg("'%s' is not on the screen:\n%s", text, screen);
}

/* True when an SGR sequence in s sets a foreground or background colour. */
static bool has_colour(const char *s)
{
	while ((s = strstr(s, "\033["))) {
		const char *end = s + 2 + strspn(s + 2, "0123456789;");

		if (*end == 'm')
			for (const char *p = s + 2; p < end; p += strcspn(p, ";") + 1) {
				int v = atoi(p);

				if ((v >= 30 && v <= 37) || (v >= 40 && v <= 47) ||
				    (v >= 90 && v <= 97) || (v >= 100 && v <= 107))
					return true;
			}
		s = end;
	}
	return false;
}

/* The live console's Memory panel. */
static void live(const char *leakjs)
{
	char cmd[PATH_MAX + 1024];

	snprintf(cmd, sizeof(cmd),
		 "'%s' --gc-trace --statsd off --no-alerts --no-history -o '%s' -- node "
		 "--gc-global --max-semi-space-size=1 '%s' 262144",
		 vigil_bin(), session, leakjs);
	start(80, 24, "LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color", cmd);
	assert_true(wait_for("Tab: next panel"));
	tmux("send-keys -t t Tab Tab");
	assert_true(wait_for("Leak "));
	assert_true(wait_collections() > 0);
	/* the title where a JVM's is, the after-GC heap (every collection is
	 * major here, so there is one) and the pauses */
	assert_shows("Node  collections: ");
	assert_true(!strstr(screen, "heap after GC -"));
	assert_shows("pauses: p50 ");
	assert_shows("of wall time");
	assert_shows("full/concurrent GC"); /* the marks row's legend */
	assert_true(has_colour(capture(true)));
	tmux("send-keys -t t q");
	assert_true(wait_for("EXIT=0"));
	tmux("kill-session -t t");
}

/* The recording at its end: the panel says what report says. */
static void replay(void)
{
	struct run_result r;
	char cmd[512], want[128], a[16], b[16], c[16], buf[64];
	double count;

	run_vigil(&r, "report", "--json", session);
	assert_int_equal(r.status, 0);
	assert_string_equal(jq(r.out, ".gc.runtime", buf, sizeof(buf)), "node");
	count = jq_num(r.out, ".gc.collections");
	assert_true(count > 0);
	snprintf(cmd, sizeof(cmd), "'%s' replay '%s'", vigil_bin(), session);
	start(120, 40, "LANG=C LC_ALL=C NO_COLOR=1 TERM=xterm", cmd);
	assert_true(wait_for("Tab: next panel"));
	tmux("send-keys -t t b");
	assert_true(wait_for("Jump to"));
	tmux("send-keys -t t -l end"); /* literally: "end" alone names a key */
	tmux("send-keys -t t Enter");
	assert_true(wait_for("END "));
	tmux("send-keys -t t Tab Tab");
	snprintf(want, sizeof(want), "Node  collections: %.0f in ", count);
	assert_true(wait_for(want));
	snprintf(want, sizeof(want), "pauses: p50 %s  p99 %s  max %s  GC ",
		 units_latency(jq_num(r.out, ".gc.pause_p50_ms"), a, sizeof(a)),
		 units_latency(jq_num(r.out, ".gc.pause_p99_ms"), b, sizeof(b)),
		 units_latency(jq_num(r.out, ".gc.pause_max_ms"), c, sizeof(c)));
	assert_true(wait_for(want));
	assert_shows("^ full/concurrent GC"); /* ASCII marks in the C locale */
	assert_false(has_colour(capture(true)));
}

static void test_gc_panel(void **state)
{
	char rel[PATH_MAX], leakjs[PATH_MAX];
	const char *src = getenv("VIGIL_SRCDIR");

	(void)state;
	if (system("command -v node >/dev/null 2>&1") != 0)
		skip();
	snprintf(rel, sizeof(rel), "%s/tests/fixtures/leak.js", src && *src ? src : ".");
	assert_non_null(realpath(rel, leakjs));
	live(leakjs);
	replay();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_gc_panel, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
