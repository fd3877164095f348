/* SPDX-License-Identifier: MIT */
/*
 * test_layout: the console at the sizes operators have, read off the screen.
 * At 200x60 the target screen's graphs are taller than at 80x24, and every
 * graph says its top with a unit and its window; a steady 13 MiB process
 * sits below the top instead of filling it. At 40x10 no screen runs two
 * fields together or shows part of one, and q on the help screen goes back
 * to where it was pressed with vigil still running.
 *
 * The graphs are read in ASCII (C locale): ':' is a full cell, '.' a half.
 * Waits are bounded polls for text (tests/tui/tmux.h); nothing is timed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tmux.h"

#define MAX_LINES 80

static pid_t target;

/* Starts vigil with args in a w x h terminal, env prepended; the pane stays
 * open after it exits and says so ("EXIT="). */
static void start(int w, int h, const char *env, const char *args)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/run.sh", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f,
		"%s XDG_STATE_HOME='%s' '%s' --no-record %s\necho EXIT=$?\nsleep 600\n",
		env ? env : "", dir, vigil_bin(), args);
	fclose(f);
	assert_int_equal(tmux("new-session -d -s t -x %d -y %d 'sh %s'", w, h, path), 0);
}

static void stop(void)
{
	tmux("kill-server");
	tmux_init("layout"); /* a fresh socket: the old server may still be going */
}

static int setup(void **state)
{
	(void)state;
	if (tmux_begin("layout") < 0)
		return -1;
	/* a steady 13 MiB: RSS about 14 MiB, under a 20 MiB top */
	target = fixture_start("holdmem", "13", NULL);
	return target > 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return tmux_end();
}

/* Splits screen[] into lines (in place, into a copy). Returns how many. */
static int split_lines(char *copy, size_t cap, char **lines)
{
	int n = 0;

	snprintf(copy, cap, "%s", screen);
	for (char *p = copy; p && *p && n < MAX_LINES;) {
		char *nl = strchr(p, '\n');

		lines[n++] = p;
		if (nl)
			*nl = '\0';
		p = nl ? nl + 1 : NULL;
	}
	return n;
}

/* Display columns of a UTF-8 line (every glyph vigil draws is one wide). */
static int line_cols(const char *s)
{
	int cols = 0;

	for (; *s; s++)
		cols += ((unsigned char)*s & 0xc0) != 0x80;
	return cols;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);

	while (n > 0 && s[n - 1] == ' ')
		n--;
	return n >= k && !strncmp(s + n - k, tail, k);
}

/*
 * The RSS graph of the target screen: its first row (the one titled "RSS"
 * with the scale label) and its last (the one with the window label), as
 * indexes into lines. Returns its height, or 0 when not found.
 */
static int rss_graph(char **lines, int n, int w, int *top_row, int *bottom_row)
{
	for (int i = 0; i < n; i++) {
		/* the graph's title right of the figures (3/5 of the width), not
		 * their "Mem   RSS 14M"; ASCII, so bytes are columns */
		if ((int)strlen(lines[i]) < w * 3 / 5 ||
		    !strstr(lines[i] + w * 3 / 5, " RSS ") || !ends_with(lines[i], "MiB"))
			continue;
		for (int j = i; j < n; j++)
			if (strstr(lines[j], " last ")) {
				*top_row = i;
				*bottom_row = j;
				return j - i + 1;
			}
	}
	return 0;
}

/* The RSS graph's height at w x h; asserts its labels and that it is not full. */
static int rss_graph_height(int w, int h)
{
	char args[64], copy[sizeof(screen)], *lines[MAX_LINES];
	int n, top = -1, bottom = -1, height;

	snprintf(args, sizeof(args), "-i 100ms -p %d", (int)target);
	start(w, h, "LANG=C LC_ALL=C TERM=xterm", args);
	assert_true(wait_for("Tab: next panel"));
	assert_true(wait_for("last 5m")); /* the window vigil starts with */
	/* zoomed in to 1m, a slot of history is a second or two, not seconds */
	tmux("send-keys -t t +");
	assert_true(wait_for("last 1m"));
	/* the scale of each graph, with its unit */
	assert_true(wait_for("20 MiB"));
	assert_true(wait_for("100%"));
	/* a few buckets of history: the bottom row fills */
	for (int tries = 0; tries < 200; tries++) {
		capture(false);
		n = split_lines(copy, sizeof(copy), lines);
		height = rss_graph(lines, n, w, &top, &bottom);
		if (height && strchr(lines[bottom], ':'))
			break;
		sleep_ms(50);
	}
	assert_true(height >= 2);
	assert_non_null(strchr(lines[bottom], ':'));
	/* the steady 14 MiB under a 20 MiB top: the top row is never full */
	assert_null(strchr(lines[top], ':'));
	stop();
	return height;
}

/* At 200x60 the graphs use the room; at 80x24 they are still there. */
static void test_graphs_grow_with_the_terminal(void **state)
{
	int small, big;

	(void)state;
	small = rss_graph_height(80, 24);
	big = rss_graph_height(200, 60);
	assert_int_equal(small, 2);
	assert_true(big > small);
}

/* Every line of the capture fits w columns, and nothing is run together. */
static void assert_clean(int w, const char *what)
{
	char copy[sizeof(screen)], *lines[MAX_LINES];
	int n = split_lines(copy, sizeof(copy), lines);

	for (int i = 0; i < n; i++) {
		if (line_cols(lines[i]) > w)
			fail_msg("%s: line %d is wider than %d: '%s'", what, i, w,
				 lines[i]);
		/* a rate run into the next line's label ("faults 0/sIO") */
		if (strstr(lines[i], "/sIO") || strstr(lines[i], "-IO"))
			fail_msg("%s: fields run together: '%s'", what, lines[i]);
		/* half a field at the right edge, as the target screen had */
		if (ends_with(lines[i], " use") || ends_with(lines[i], " maj") ||
		    ends_with(lines[i], " shm") || ends_with(lines[i], " virt 1") ||
		    ends_with(lines[i], " Ente"))
			fail_msg("%s: a field cut in part: '%s'", what, lines[i]);
	}
}

/* Every screen at 40x10: fields are left out whole, never cut or merged. */
static void test_narrow_screens_keep_fields_whole(void **state)
{
	static const struct {
		const char *keys, *wait, *name;
	} screens[] = {
		{"", "Ctx   vol", "target"},
		{"Tab", "Ctx   vol", "target, latency panel"},
		{"Tab", "Ctx   vol", "target, memory panel"},
		{"Tab l", "Leak", "leaks"},
		{"Escape a", "Alerts", "alerts"},
		{"Escape Escape", "PID USER", "overview"},
		{"h", "keys", "help"},
	};
	char args[64];

	(void)state;
	snprintf(args, sizeof(args), "-i 100ms -p %d", (int)target);
	start(40, 10, "TERM=xterm-256color", args);
	assert_true(wait_for("Ctx   vol"));
	/* the rates are known from the second tick on */
	assert_true(wait_for("faults 0/s"));
	for (size_t i = 0; i < sizeof(screens) / sizeof(screens[0]); i++) {
		if (screens[i].keys[0])
			tmux("send-keys -t t %s", screens[i].keys);
		assert_true(wait_for(screens[i].wait));
		sleep_ms(300); /* a tick or two drawn on it */
		capture(false);
		assert_clean(40, screens[i].name);
	}
	stop();
}

/* q on help goes back where h was pressed; vigil keeps running. */
static void test_q_on_help_goes_back(void **state)
{
	char args[64];

	(void)state;
	snprintf(args, sizeof(args), "-i 100ms -p %d", (int)target);
	start(80, 24, NULL, args);
	assert_true(wait_for("Tab: next panel"));
	tmux("send-keys -t t h");
	assert_true(wait_for("Esc, q or h: back"));
	tmux("send-keys -t t q");
	assert_true(wait_for("Tab: next panel")); /* the target screen again */
	assert_true(wait_gone("Esc, q or h: back"));
	assert_null(strstr(capture(false), "EXIT="));
	/* from the overview too, and q there still quits */
	tmux("send-keys -t t Escape");
	assert_true(wait_for("PID USER"));
	tmux("send-keys -t t h");
	assert_true(wait_for("Esc, q or h: back"));
	tmux("send-keys -t t q");
	assert_true(wait_for("PID USER"));
	assert_null(strstr(capture(false), "EXIT="));
	tmux("send-keys -t t q");
	assert_true(wait_for("EXIT=0"));
	stop();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_graphs_grow_with_the_terminal, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_narrow_screens_keep_fields_whole,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_q_on_help_goes_back, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("layout", tests, NULL, NULL);
}
