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
 *
 * And the exact figures over a Go session written here through the store
 * (collections with known pauses and heaps, a verdict from their floors),
 * replayed at its end: counts, percentiles, share, heap after GC and where
 * the verdict's floors come from, as worked out by hand.
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
#include "core/frame.h"
#include "core/units.h"
#include "core/xalloc.h"
#include "store/store.h"

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
	tmux_restart();
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

#define T0 1700000000000LL
#define MIB (1024.0 * 1024.0)

/*
 * A session written here, target pid 4242 (a Go program), ticks 0..11 a
 * second apart: collections on ticks 1..10 with pauses 1..10 ms, all major,
 * live heap after 8 + tick MiB; a verdict judged from them on the last.
 */
static void write_go_session(void)
{
	struct session_meta meta = {.clk_tck = 100, .interval_ms = 1000};
	struct store *s;
	char err[512];

	snprintf(meta.version, sizeof(meta.version), "test");
	meta.started_ms = T0;
	meta.target_pid = 4242;
	meta.target_exit_code = -1;
	assert_int_equal(store_create(session, true, &s, err, sizeof(err)), 0);
	assert_int_equal(store_session_begin(s, &meta), 0);
	for (uint64_t i = 0; i < 12; i++) {
		struct frame *f = frame_new();
		struct target_sample *t = xcalloc(1, sizeof(*t));

		f->seq = i;
		f->t_ms = T0 + (int64_t)i * 1000;
		t->pid = 4242;
		t->start_ticks = 1;
		t->alive = true;
		t->exit_code = -1;
		t->have = TARGET_HAVE_STAT | TARGET_HAVE_STATUS;
		snprintf(t->comm, sizeof(t->comm), "gcleak");
		t->state = 'S';
		t->rss_anon = (uint64_t)(32 * MIB);
		t->vm_rss = (uint64_t)(40 * MIB);
		f->target = t;
		if (i >= 1 && i <= 10) {
			f->gcs = xcalloc(1, sizeof(*f->gcs));
			f->ngcs = 1;
			snprintf(f->gcs->runtime, sizeof(f->gcs->runtime), "go");
			snprintf(f->gcs->kind, sizeof(f->gcs->kind), "gc");
			f->gcs->major = 1;
			f->gcs->pause_ms = (double)i;
			f->gcs->after_bytes = (8.0 + (double)i) * MIB;
		}
		if (i == 11) {
			f->leak = xcalloc(1, sizeof(*f->leak));
			snprintf(f->leak->source, sizeof(f->leak->source), "go gc");
			snprintf(f->leak->state, sizeof(f->leak->state), "stable");
			f->leak->floor_bytes = (uint64_t)(17 * MIB);
			f->leak->time_to_limit_s = -1;
		}
		assert_int_equal(store_write_frame(s, f), 0);
		frame_unref(f);
	}
	store_close(s);
}

/*
 * Exact figures: at the end of that session the panel sums up the ten
 * collections over the 11 s it covers (pauses sorted 1..10: p50 the 5th,
 * p99 the 10th; 55 ms of 11 s is 0.50%), the heap after the latest, and the
 * verdict says its floors are Go's live heap after GC. 80x24, UTF-8, colour.
 */
static void test_exact_figures(void **state)
{
	char cmd[512], want[160], heap[16];

	(void)state;
	write_go_session();
	snprintf(cmd, sizeof(cmd), "'%s' replay '%s'", vigil_bin(), session);
	start(80, 24, "LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color", cmd);
	assert_true(wait_for("Tab: next panel"));
	tmux("send-keys -t t b");
	assert_true(wait_for("Jump to"));
	tmux("send-keys -t t -l end");
	tmux("send-keys -t t Enter");
	assert_true(wait_for("END "));
	tmux("send-keys -t t Tab Tab");
	snprintf(want, sizeof(want), "Go    collections: 10 in 11s  heap after GC %s",
		 units_bytes_short(18 * MIB, heap, sizeof(heap)));
	assert_true(wait_for(want));
	assert_shows(
		"pauses: p50 5.000ms  p99 10.00ms  max 10.00ms  GC 0.50% of wall time");
	assert_shows("stable  floors of Go live heap after GC  floor 17M");
	assert_true(has_colour(capture(true)));
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
		cmocka_unit_test_setup_teardown(test_exact_figures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gc_panel, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
