/* SPDX-License-Identifier: MIT */
/*
 * test_profdiff_screen: `vigil diff A B --profile 1:1 --format console` at
 * 80x24, the differential flame graph and its Top table, in a UTF-8 locale
 * with colour and in the C locale without (NO_COLOR).
 *
 * The two sessions are written here through the store, one profile each,
 * every count set by the test: work moved from work_a to work_b under run,
 * gc gone and io;read new:
 *
 *   before: main;run;work_a;spin 600  main;run;work_b;spin 300  main;gc 100
 *   after:  main;run;work_a;spin 300  main;run;work_b;spin 600  main;io;read 100
 *
 * so work_b grew 30 points, work_a shrank 30, gc shrank 10 (visible only
 * with the before side's widths), io grew 10, main and run stayed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tmux.h"
#include "analysis/profile.h"
#include "core/frame.h"
#include "core/xalloc.h"
#include "store/profiles.h"
#include "store/store.h"

#define T0 1700000000000LL

static char before[256], after[256];

/* n samples of a root-first stack "main;run;work_a" */
static void add(struct profile *p, const char *folded, uint64_t n)
{
	uint32_t ids[16];
	size_t depth = 0;
	char *copy = xstrdup(folded), *save = NULL;

	for (char *tok = strtok_r(copy, ";", &save); tok;
	     tok = strtok_r(NULL, ";", &save))
		ids[depth++] = profile_frame_id(p, tok, "app");
	free(copy);
	for (size_t i = 0; i < depth / 2; i++) {
		uint32_t t = ids[i];

		ids[i] = ids[depth - 1 - i];
		ids[depth - 1 - i] = t;
	}
	profile_add_stack(p, 4242, ids, depth, n);
}

/* A session of three ticks with one profile of the given stacks. */
static void write_session(const char *path, const char *const *stacks,
			  const uint64_t *counts, size_t n)
{
	struct session_meta m = {.clk_tck = 100, .interval_ms = 1000, .ncpu = 1};
	struct profile_meta pm = {.pid = 4242, .mode = PROFILE_CPU, .hz = 99};
	struct profile *p;
	struct store *s;
	char err[512];

	assert_int_equal(store_create(path, true, &s, err, sizeof(err)), 0);
	snprintf(m.version, sizeof(m.version), "test");
	m.started_ms = T0;
	m.target_pid = 4242;
	m.target_exit_code = -1;
	assert_int_equal(store_session_begin(s, &m), 0);
	for (uint64_t i = 0; i < 3; i++) {
		struct frame *f = frame_new();

		f->seq = i;
		f->t_ms = T0 + (int64_t)i * 1000;
		assert_int_equal(store_write_frame(s, f), 0);
		frame_unref(f);
	}
	pm.started_ms = T0 + 500;
	pm.duration_ms = 1000;
	snprintf(pm.sampler, sizeof(pm.sampler), "perf");
	p = profile_new(&pm);
	for (size_t i = 0; i < n; i++)
		add(p, stacks[i], counts[i]);
	assert_int_equal(store_write_profile(s, p, err, sizeof(err)), 0);
	profile_free(p);
	assert_int_equal(store_session_end(s, &m), 0);
	store_close(s);
}

static void write_sessions(void)
{
	static const char *const sb[] = {"main;run;work_a;spin", "main;run;work_b;spin",
					 "main;gc"};
	static const char *const sa[] = {"main;run;work_a;spin", "main;run;work_b;spin",
					 "main;io;read"};
	static const uint64_t cb[] = {600, 300, 100}, ca[] = {300, 600, 100};

	write_session(before, sb, cb, 3);
	write_session(after, sa, ca, 3);
}

/* Starts the console; the pane prints vigil's exit status and stays. */
static void start(const char *env)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/run.sh", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s '%s' diff '%s' '%s' --profile 1:1 --format console\n", env,
		vigil_bin(), before, after);
	fputs("echo EXIT=$?\nsleep 600\n", f);
	fclose(f);
	assert_int_equal(tmux("new-session -d -s t -x 80 -y 24 'sh %s'", path), 0);
}

/* True when an SGR sequence on screen sets a foreground or background colour. */
static bool has_colour(const char *s)
{
	while ((s = strstr(s, "\033["))) {
		const char *end = s + 2 + strspn(s + 2, "0123456789;");

		if (*end == 'm')
			for (const char *p = s + 2; p < end; p += strcspn(p, ";") + 1) {
				int v = atoi(p);

				if ((v >= 30 && v <= 38) || (v >= 40 && v <= 48) ||
				    (v >= 90 && v <= 97) || (v >= 100 && v <= 107))
					return true;
			}
		s = end;
	}
	return false;
}

/*
 * The SGR parameters in force where text starts on the escaped screen s,
 * joined by ';' since the last reset: capture-pane -e writes only changes,
 * so the state is followed from the top of the screen.
 */
static const char *sgr_at(const char *s, const char *text, char *buf, size_t len)
{
	const char *at = strstr(s, text);
	size_t used = 0;

	buf[0] = '\0';
	while (at && s < at) {
		const char *end;
		size_t n;

		if (strncmp(s, "\033[", 2) != 0) {
			s++;
			continue;
		}
		end = s + 2 + strspn(s + 2, "0123456789;");
		n = (size_t)(end - (s + 2));
		if (*end == 'm') {
			if (n == 0 || s[2] == '0')
				used = 0; /* a reset, maybe with more after it */
			if (used + n + 2 < len) {
				memcpy(buf + used, s + 2, n);
				used += n;
				buf[used++] = ';';
			}
			buf[used] = '\0';
		}
		s = end;
	}
	return buf;
}

/* The flame graph, its zoom and the Top table: what both locales share. */
static void expect_screens(const char *arrow)
{
	char want[128];

	assert_true(wait_for("profile diff"));
	snprintf(want, sizeof(want),
		 "before 1000 samples (profile 1) %s after 1000 "
		 "samples (profile 1)",
		 arrow);
	assert_non_null(strstr(screen, want));
	/* after-side widths: work_b (600) leftmost and grown, work_a shrunk,
	 * gc gone, io new */
	assert_non_null(strstr(screen, "widths: after"));
	assert_non_null(strstr(screen, "\n+work_b "));
	assert_non_null(strstr(screen, " -work_a "));
	assert_non_null(strstr(screen, " +io"));
	assert_null(strstr(screen, "gc"));
	assert_non_null(strstr(screen, "\nrun "));
	/* down to work_b, zoom into it, out one level, back to the whole */
	tmux("send-keys -t t Down Down Down");
	snprintf(want, sizeof(want), "work_b  total 30.0%% %s 60.0%% (+30.0, z 13.5)",
		 arrow);
	assert_true(wait_for(want));
	tmux("send-keys -t t Enter");
	assert_true(wait_for("zoom 3: all > main > run > work_b"));
	tmux("send-keys -t t BSpace");
	assert_true(wait_for("zoom 2: all > main > run"));
	tmux("send-keys -t t Escape");
	assert_true(wait_gone("zoom 2:"));
	/* the before side's widths: gc is back, shrunk */
	tmux("send-keys -t t w");
	assert_true(wait_for("widths: before"));
	assert_non_null(strstr(screen, "-gc"));
	assert_non_null(strstr(screen, "\n-work_a "));
	/* the Top table, ranked by total change, then by self */
	tmux("send-keys -t t t");
	assert_true(wait_for("ranked by total share"));
	assert_non_null(
		strstr(screen, "-   +0.0    0.0    0.0    -30.0   60.0   30.0  work_a"));
	assert_non_null(
		strstr(screen, "+   +0.0    0.0    0.0    +30.0   30.0   60.0  work_b"));
	tmux("send-keys -t t s");
	assert_true(wait_for("ranked by self share"));
	assert_non_null(
		strstr(screen, "-  -10.0   10.0    0.0    -10.0   10.0    0.0  gc"));
	tmux("send-keys -t t q");
	assert_true(wait_for("EXIT=0"));
}

static int setup(void **state)
{
	(void)state;
	if (tmux_begin("profdiff") < 0)
		return -1;
	snprintf(before, sizeof(before), "%s/before.vigil", dir);
	snprintf(after, sizeof(after), "%s/after.vigil", dir);
	write_sessions();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return tmux_end();
}

/* UTF-8 with colour: grown frames red, shrunk blue, both reversed. */
static void test_utf8_colour(void **state)
{
	char sgr[128];

	(void)state;
	start("LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color");
	assert_true(wait_for("+work_b"));
	capture(true);
	assert_true(has_colour(screen));
	sgr_at(screen, "+work_b", sgr, sizeof(sgr));
	assert_non_null(strstr(sgr, "31")); /* red */
	assert_non_null(strstr(sgr, "7"));  /* reversed: a red box */
	sgr_at(screen, "-work_a", sgr, sizeof(sgr));
	assert_non_null(strstr(sgr, "34")); /* blue */
	expect_screens("\u2192");
}

/* The C locale without colour: ASCII arrows, and the +/- marks and reversed
 * boxes carry what colour did. */
static void test_c_locale_no_colour(void **state)
{
	char sgr[128];

	(void)state;
	start("LANG=C LC_ALL=C NO_COLOR=1 TERM=xterm-256color");
	assert_true(wait_for("+work_b"));
	capture(true);
	assert_false(has_colour(screen));
	sgr_at(screen, "+work_b", sgr, sizeof(sgr));
	assert_non_null(strstr(sgr, "7"));
	assert_null(strstr(capture(false), "\u2192"));
	expect_screens("->");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_utf8_colour, setup, teardown),
		cmocka_unit_test_setup_teardown(test_c_locale_no_colour, setup, teardown),
	};

	return cmocka_run_group_tests_name("profdiff_screen", tests, NULL, NULL);
}
