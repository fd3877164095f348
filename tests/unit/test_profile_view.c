/* SPDX-License-Identifier: MIT */
/*
 * test_profile_view: the profile screen drawn into a real curses window
 * (newterm on /dev/null with the xterm-256color entry from ncurses-base, so
 * no terminal is needed) and read back cell by cell: header, tab bar, the
 * Top, Tree and Flame bodies at 80x24, the actions on the view state,
 * ASCII mode (no cell outside ASCII), colour and no colour, tiny windows,
 * the progress line and the list of profiles.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include <curses.h>

#include "analysis/profile.h"
#include "core/xalloc.h"
#include "analysis/flame.h"
#include "views/draw.h"
#include "views/flame_view.h"
#include "views/profile_view.h"

static SCREEN *screen;
static FILE *null_out, *null_in;

static int setup(void **state)
{
	(void)state;
	setlocale(LC_ALL, "C.UTF-8");
	null_out = fopen("/dev/null", "w");
	null_in = fopen("/dev/null", "r");
	screen = newterm("xterm-256color", null_out, null_in);
	if (!screen)
		return -1;
	start_color();
	use_default_colors();
	draw_palette_init(true);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	endwin();
	delscreen(screen);
	fclose(null_out);
	fclose(null_in);
	return 0;
}

static void add(struct profile *p, int tid, const char *folded, uint64_t n)
{
	uint32_t ids[32];
	size_t depth = 0;
	char *copy = xstrdup(folded), *save = NULL;

	for (char *tok = strtok_r(copy, ";", &save); tok;
	     tok = strtok_r(NULL, ";", &save)) {
		ids[depth] = profile_frame_id(p, tok, depth ? "libapp.so" : "app");
		depth++;
	}
	free(copy);
	for (size_t i = 0; i < depth / 2; i++) {
		uint32_t x = ids[i];

		ids[i] = ids[depth - 1 - i];
		ids[depth - 1 - i] = x;
	}
	profile_add_stack(p, tid, ids, depth, n);
}

/*
 * 65 samples: hash self 40 (61.5%), read 20, work 5; main and work on 45
 * stacks, start_thread and io_loop on 20.
 */
static struct profile *sample_profile(bool partial)
{
	struct profile_meta m = {.pid = 777,
				 .mode = PROFILE_CPU,
				 .hz = 99,
				 .duration_ms = 5000,
				 .lost = 4,
				 .partial = partial};
	struct profile *p;

	strcpy(m.sampler, "perf");
	if (partial)
		strcpy(m.why, "target exited");
	p = profile_new(&m);
	add(p, 777, "main;work;hash", 30);
	add(p, 777, "main;work", 5);
	add(p, 778, "main;work;hash", 10);
	add(p, 778, "start_thread;io_loop;read", 20);
	profile_set_thread(p, 777, "server");
	profile_set_thread(p, 778, "io");
	return p;
}

/* Row y of w as UTF-8 (trailing spaces kept). Static buffer. */
static const char *row(WINDOW *w, int y)
{
	static char buf[1024];
	size_t off = 0;
	mbstate_t mb;

	memset(&mb, 0, sizeof(mb));
	for (int x = 0; x < getmaxx(w); x++) {
		cchar_t c;
		wchar_t wc[CCHARW_MAX + 1];
		attr_t a;
		short pair;

		mvwin_wch(w, y, x, &c);
		getcchar(&c, wc, &a, &pair, NULL);
		if (wc[0] == 0) /* the right half of a wide character */
			continue;
		off += wcrtomb(buf + off, wc[0], &mb);
	}
	buf[off] = '\0';
	return buf;
}

static attr_t attr_at(WINDOW *w, int y, int x)
{
	return (attr_t)(mvwinch(w, y, x) & (A_ATTRIBUTES & ~A_CHARTEXT));
}

static bool row_has(WINDOW *w, int y, const char *s)
{
	return strstr(row(w, y), s) != NULL;
}

#define assert_row_has(w, y, s)                                                          \
	do {                                                                             \
		if (!row_has(w, y, s))                                                   \
			fail_msg("row %d: '%s' lacks '%s'", y, row(w, y), s);            \
	} while (0)

static void test_header_and_tabs(void **state)
{
	WINDOW *w = newwin(24, 80, 0, 0);
	struct profile *p = sample_profile(true);
	struct profile_view_state st;

	(void)state;
	profile_view_state_init(&st);
	profile_view_draw(w, p, &st, false);
	assert_row_has(w, 0,
		       "PROFILE pid 777  cpu 99 Hz  5.0s  65 samples  4 lost  perf");
	assert_row_has(w, 0, "PARTIAL");
	assert_row_has(w, 1, "partial: target exited");
	assert_row_has(w, 2, "[Top]  Tree   Flame ");
	assert_row_has(w, 2, "thread: all  sort: self");
	/* the tab bar ends at the right edge */
	assert_int_equal(strlen(row(w, 2)), 80);
	assert_string_equal(row(w, 2) + 80 - strlen("thread: all  sort: self"),
			    "thread: all  sort: self");
	profile_view_state_release(&st);
	profile_free(p);
	delwin(w);
}

static void test_top_tab(void **state)
{
	WINDOW *w = newwin(24, 80, 0, 0);
	struct profile *p = sample_profile(false);
	struct profile_view_state st;

	(void)state;
	profile_view_state_init(&st);
	profile_view_draw(w, p, &st, false);
	assert_row_has(w, 1, "          "); /* no why: the line stays empty */
	assert_row_has(w, 3, "  SELF%  TOTAL%      SELF     TOTAL  FUNCTION");
	assert_row_has(w, 4, "  61.5%   61.5%        40        40  hash (libapp.so)");
	assert_row_has(w, 5, "  30.8%   30.8%        20        20  read (libapp.so)");
	assert_row_has(w, 6, "   7.7%   69.2%         5        45  work (libapp.so)");
	/* the selection bar spans the row, to the last column */
	assert_int_equal(attr_at(w, 4, 79), pal(PAL_SELECTED));
	assert_int_not_equal(attr_at(w, 5, 79), pal(PAL_SELECTED));

	assert_int_equal(profile_view_act(&st, p, PROFILE_ACT_DOWN, 24),
			 PROFILE_REACT_REDRAW);
	profile_view_draw(w, p, &st, false);
	assert_int_equal(attr_at(w, 5, 0), pal(PAL_SELECTED));
	assert_int_equal(profile_view_act(&st, p, PROFILE_ACT_END, 24),
			 PROFILE_REACT_REDRAW);
	assert_int_equal(st.cur[PROFILE_TAB_TOP].sel, 5); /* six functions */
	assert_int_equal(profile_view_act(&st, p, PROFILE_ACT_DOWN, 24),
			 PROFILE_REACT_NONE);

	/* by total: work and main tie at 45, work has more self */
	assert_int_equal(profile_view_act(&st, p, PROFILE_ACT_SORT_NEXT, 24),
			 PROFILE_REACT_REDRAW);
	profile_view_draw(w, p, &st, false);
	assert_row_has(w, 2, "sort: total");
	assert_row_has(w, 4, "work");
	assert_row_has(w, 5, "main (app)");
	assert_row_has(w, 6, "hash");
	profile_view_act(&st, p, PROFILE_ACT_SORT_NEXT, 24);
	profile_view_draw(w, p, &st, false);
	assert_row_has(w, 4, "hash");
	assert_row_has(w, 5, "io_loop");

	/* Back leaves the screen from Top */
	assert_int_equal(profile_view_act(&st, p, PROFILE_ACT_BACK, 24),
			 PROFILE_REACT_LEAVE);
	profile_view_state_release(&st);
	profile_free(p);
	delwin(w);
}

static void test_thread_filter(void **state)
{
	WINDOW *w = newwin(24, 80, 0, 0);
	struct profile *p = sample_profile(false);
	struct profile_view_state st;

	(void)state;
	profile_view_state_init(&st);
	assert_int_equal(profile_view_act(&st, p, PROFILE_ACT_THREAD_NEXT, 24),
			 PROFILE_REACT_REDRAW);
	assert_int_equal(st.tid, 777);
	profile_view_draw(w, p, &st, false);
	assert_row_has(w, 2, "thread: 777 server");
	assert_row_has(w, 4, "  85.7%   85.7%        30        30  hash");
	assert_false(row_has(w, 5, "read") || row_has(w, 6, "read") ||
		     row_has(w, 7, "read"));
	profile_view_act(&st, p, PROFILE_ACT_THREAD_NEXT, 24);
	assert_int_equal(st.tid, 778);
	profile_view_act(&st, p, PROFILE_ACT_THREAD_NEXT, 24);
	assert_int_equal(st.tid, 0);
	profile_view_act(&st, p, PROFILE_ACT_THREAD_PREV, 24);
	assert_int_equal(st.tid, 778);
	/* a thread the profile does not have is drawn as all (the draw leaves
	 * the state alone), and the next action falls back to all too */
	st.tid = 4242;
	profile_view_draw(w, p, &st, false);
	assert_int_equal(st.tid, 4242);
	assert_row_has(w, 2, "thread: all");
	profile_view_act(&st, p, PROFILE_ACT_DOWN, 24);
	assert_int_equal(st.tid, 0);
	profile_view_state_release(&st);
	profile_free(p);
	delwin(w);
}

static void test_tree_tab(void **state)
{
	WINDOW *w = newwin(24, 80, 0, 0);
	struct profile *p = sample_profile(false);
	struct profile_view_state st;

	(void)state;
	profile_view_state_init(&st);
	assert_int_equal(profile_view_act(&st, p, PROFILE_ACT_TAB_TREE, 24),
			 PROFILE_REACT_REDRAW);
	profile_view_draw(w, p, &st, true);
	assert_row_has(w, 2, " Top  [Tree]  Flame");
	assert_row_has(w, 3, " TOTAL%   SELF% PARENT%  CALL TREE");
	assert_row_has(w, 4, "  69.2%    0.0%   69.2%  + main (app)");
	assert_row_has(w, 5, "  30.8%    0.0%   30.8%  + start_thread (app)");
	assert_false(row_has(w, 6, "%"));

	/* Enter expands main; Right goes into it, expands work */
	assert_int_equal(profile_view_act(&st, p, PROFILE_ACT_ENTER, 24),
			 PROFILE_REACT_REDRAW);
	assert_true(profile_view_is_expanded(&st, 1));	 /* node 1 is main */
	profile_view_act(&st, p, PROFILE_ACT_RIGHT, 24); /* to work */
	profile_view_act(&st, p, PROFILE_ACT_RIGHT, 24); /* expand work */
	profile_view_draw(w, p, &st, true);
	assert_row_has(w, 4, "  69.2%    0.0%   69.2%  - main (app)");
	assert_row_has(w, 5, "  69.2%    7.7%  100.0%    - work (libapp.so)");
	assert_row_has(w, 6, "  61.5%   61.5%   88.9%        hash (libapp.so)");
	assert_row_has(w, 7, "+ start_thread");
	assert_int_equal(attr_at(w, 5, 0), pal(PAL_SELECTED));

	/* Left collapses work, Left again goes to main, Left collapses it */
	profile_view_act(&st, p, PROFILE_ACT_LEFT, 24);
	profile_view_act(&st, p, PROFILE_ACT_LEFT, 24);
	assert_int_equal(st.cur[PROFILE_TAB_TREE].sel, 0);
	profile_view_act(&st, p, PROFILE_ACT_LEFT, 24);
	profile_view_draw(w, p, &st, true);
	assert_row_has(w, 4, "+ main");
	assert_row_has(w, 5, "+ start_thread");

	/* UTF-8 mode draws triangles */
	profile_view_draw(w, p, &st, false);
	assert_row_has(w, 4, "\xe2\x96\xb8 main");
	profile_view_state_release(&st);
	profile_free(p);
	delwin(w);
}

static void test_flame_tab(void **state)
{
	WINDOW *w = newwin(24, 80, 0, 0);
	struct profile *p = sample_profile(false);
	struct profile_view_state st;

	(void)state;
	profile_view_state_init(&st);
	profile_view_act(&st, p, PROFILE_ACT_TAB_FLAME, 24);
	profile_view_draw(w, p, &st, true);
	/* root on top at full width; main 45/65 of 80 = 55 cells, then start_thread */
	assert_true(!strncmp(row(w, 3), "all ", 4));
	assert_true(!strncmp(row(w, 4), "main ", 5));
	assert_true(!strncmp(row(w, 4) + 55, "start_thread ", 13));
	assert_true(!strncmp(row(w, 5), "work ", 5));
	assert_true(!strncmp(row(w, 6), "hash ", 5));
	assert_true(!strncmp(row(w, 6) + 55, "read ", 5));
	/* a plain cell closes each box */
	assert_int_equal(attr_at(w, 4, 54) & A_REVERSE, 0);
	assert_int_not_equal(attr_at(w, 4, 53) & A_REVERSE, 0);
	/* the same name has the same colour wherever it is */
	assert_int_equal(attr_at(w, 4, 0) & A_COLOR, attr_at(w, 4, 1) & A_COLOR);
	assert_row_has(w, 23, "all: 65 samples");

	/* Down selects main, Right its sibling, Left back, Enter zooms */
	assert_int_equal(profile_view_act(&st, p, PROFILE_ACT_DOWN, 24),
			 PROFILE_REACT_REDRAW);
	profile_view_draw(w, p, &st, true);
	assert_row_has(w, 23, "main (app)  total 69.2% (45)  self 0.0% (0)");
	assert_int_not_equal(attr_at(w, 4, 0) & A_UNDERLINE, 0);
	profile_view_act(&st, p, PROFILE_ACT_RIGHT, 24);
	profile_view_draw(w, p, &st, true);
	assert_row_has(w, 23, "start_thread");
	profile_view_act(&st, p, PROFILE_ACT_LEFT, 24);
	assert_int_equal(profile_view_act(&st, p, PROFILE_ACT_ENTER, 24),
			 PROFILE_REACT_REDRAW);
	profile_view_draw(w, p, &st, true);
	/* zoomed: the path and the way out on the first body row, then main */
	assert_true(!strncmp(row(w, 3), "zoom 1: all > main ", 19));
	assert_row_has(w, 3, "Esc: unzoom, Backspace: up");
	assert_true(!strncmp(row(w, 4), "main ", 5));
	assert_true(!strncmp(row(w, 5), "work ", 5));
	assert_false(row_has(w, 5, "start_thread"));
	assert_row_has(w, 23, "main (app)  total 69.2%");
	/* Up stops at the zoomed frame */
	assert_int_equal(profile_view_act(&st, p, PROFILE_ACT_UP, 24),
			 PROFILE_REACT_NONE);
	/* two levels deeper */
	for (int i = 0; i < 2; i++) {
		profile_view_act(&st, p, PROFILE_ACT_DOWN, 24);
		profile_view_act(&st, p, PROFILE_ACT_ENTER, 24);
	}
	profile_view_draw(w, p, &st, true);
	assert_true(!strncmp(row(w, 3), "zoom 3: all > main > work > hash ", 33));
	assert_true(!strncmp(row(w, 4), "hash ", 5));
	{ /* a path too long for its line loses its oldest callers first */
		struct flame_tree *t = flame_tree_new(p, 0);
		char buf[64];

		assert_string_equal(
			flame_view_path(t, st.zoom, true, 32, buf, sizeof(buf)),
			"zoom 3: all > main > work > hash");
		assert_string_equal(
			flame_view_path(t, st.zoom, true, 31, buf, sizeof(buf)),
			"zoom 3: ... > work > hash");
		assert_string_equal(
			flame_view_path(t, st.zoom, true, 24, buf, sizeof(buf)),
			"zoom 3: ... > hash");
		assert_string_equal(
			flame_view_path(t, st.zoom, false, 24, buf, sizeof(buf)),
			"zoom 3: \xe2\x80\xa6 > hash");
		/* the zoomed frame itself always stays (drawing clips it) */
		assert_string_equal(
			flame_view_path(t, st.zoom, true, 4, buf, sizeof(buf)),
			"zoom 3: ... > hash");
		assert_string_equal(flame_view_path(t, st.zoom, true, 32, buf, 12),
				    "zoom 3: all");
		flame_tree_free(t);
	}

	/* Backspace zooms out one level, keeping the selection */
	assert_int_equal(profile_view_act(&st, p, PROFILE_ACT_ZOOM_UP, 24),
			 PROFILE_REACT_REDRAW);
	profile_view_draw(w, p, &st, true);
	assert_true(!strncmp(row(w, 3), "zoom 2: all > main > work ", 26));
	assert_true(!strncmp(row(w, 4), "work ", 5));
	assert_row_has(w, 23, "hash (libapp.so)");
	/* Esc: the whole graph at once, then it leaves */
	assert_int_equal(profile_view_act(&st, p, PROFILE_ACT_BACK, 24),
			 PROFILE_REACT_REDRAW);
	assert_int_equal(st.zoom, 0);
	profile_view_draw(w, p, &st, true);
	assert_true(!strncmp(row(w, 3), "all ", 4));
	assert_false(row_has(w, 3, "zoom"));
	assert_false(row_has(w, 3, "Esc: unzoom"));
	assert_int_equal(profile_view_act(&st, p, PROFILE_ACT_ZOOM_UP, 24),
			 PROFILE_REACT_NONE); /* nothing above the root */
	assert_int_equal(profile_view_act(&st, p, PROFILE_ACT_BACK, 24),
			 PROFILE_REACT_LEAVE);
	profile_view_act(&st, p, PROFILE_ACT_HOME, 24);
	profile_view_act(&st, p, PROFILE_ACT_DOWN, 24); /* main */

	/* a zoom with no samples for the thread filter falls back to the root */
	profile_view_act(&st, p, PROFILE_ACT_RIGHT, 24); /* start_thread, only 778 */
	profile_view_act(&st, p, PROFILE_ACT_ENTER, 24);
	profile_view_draw(w, p, &st, true);
	assert_true(!strncmp(row(w, 4), "start_thread ", 13));
	st.tid = 777;
	profile_view_draw(w, p, &st, true);
	assert_true(!strncmp(row(w, 3), "all ", 4));
	profile_view_state_release(&st);
	profile_free(p);
	delwin(w);
}

/* Every cell of the window is ASCII. */
static void assert_ascii(WINDOW *w)
{
	for (int y = 0; y < getmaxy(w); y++) {
		for (int x = 0; x < getmaxx(w); x++) {
			cchar_t c;
			wchar_t wc[CCHARW_MAX + 1];
			attr_t a;
			short pair;

			mvwin_wch(w, y, x, &c);
			getcchar(&c, wc, &a, &pair, NULL);
			if (wc[0] >= 0x80)
				fail_msg("cell %d,%d is U+%04X", y, x, (unsigned)wc[0]);
		}
	}
}

static void test_ascii_mode(void **state)
{
	WINDOW *w = newwin(24, 80, 0, 0);
	struct profile *p = sample_profile(true);
	struct profile_view_state st;
	uint32_t f = profile_frame_id(p, "na\xc3\xafve \xe6\xbc\xa2", "");

	(void)state;
	profile_add_stack(p, 777, &f, 1, 50);
	setlocale(LC_ALL, "C");
	profile_view_state_init(&st);
	for (int tab = 0; tab < PROFILE_TAB_N; tab++) {
		st.tab = (enum profile_tab)tab;
		profile_view_set_expanded(&st, 1, true);
		profile_view_draw(w, p, &st, true);
		assert_ascii(w);
	}
	setlocale(LC_ALL, "C.UTF-8");
	profile_view_state_release(&st);
	profile_free(p);
	delwin(w);
}

static void test_no_colour(void **state)
{
	WINDOW *w = newwin(24, 80, 0, 0);
	struct profile *p = sample_profile(false);
	struct profile_view_state st;

	(void)state;
	draw_palette_init(false);
	profile_view_state_init(&st);
	st.tab = PROFILE_TAB_FLAME;
	profile_view_act(&st, p, PROFILE_ACT_DOWN, 24);
	profile_view_draw(w, p, &st, true);
	/* boxes are reversed blocks, the selection is underlined, no colour */
	assert_int_equal(attr_at(w, 3, 0) & A_COLOR, 0);
	assert_int_not_equal(attr_at(w, 3, 0) & A_REVERSE, 0);
	assert_int_not_equal(attr_at(w, 4, 0) & A_UNDERLINE, 0);
	assert_int_equal(attr_at(w, 3, 0) & A_UNDERLINE, 0);
	st.tab = PROFILE_TAB_TOP;
	profile_view_draw(w, p, &st, true);
	assert_int_equal(attr_at(w, 4, 0), A_REVERSE); /* the selected row */
	draw_palette_init(true);
	profile_view_state_release(&st);
	profile_free(p);
	delwin(w);
}

static void test_tiny_windows_and_no_profile(void **state)
{
	struct profile *p = sample_profile(true);
	struct profile_view_state st;
	static const int sizes[][2] = {{1, 1}, {3, 10}, {4, 20}, {5, 40}, {24, 30}};

	(void)state;
	profile_view_state_init(&st);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		WINDOW *w = newwin(sizes[i][0], sizes[i][1], 0, 0);

		for (int tab = 0; tab < PROFILE_TAB_N; tab++) {
			st.tab = (enum profile_tab)tab;
			profile_view_draw(w, p, &st, false);
			profile_view_act(&st, p, PROFILE_ACT_DOWN, sizes[i][0]);
			profile_view_act(&st, p, PROFILE_ACT_PAGE_DOWN, sizes[i][0]);
		}
		delwin(w);
	}
	{
		WINDOW *w = newwin(24, 80, 0, 0);

		profile_view_draw(w, NULL, &st, false);
		assert_row_has(w, 0, "no profile: press p");
		assert_int_equal(profile_view_act(&st, NULL, PROFILE_ACT_DOWN, 24),
				 PROFILE_REACT_NONE);
		assert_int_equal(profile_view_act(&st, NULL, PROFILE_ACT_BACK, 24),
				 PROFILE_REACT_LEAVE);
		delwin(w);
	}
	profile_view_state_release(&st);
	profile_free(p);
}

static void test_expanded_set(void **state)
{
	struct profile_view_state st;

	(void)state;
	profile_view_state_init(&st);
	for (int n = 100; n > 0; n -= 3)
		profile_view_set_expanded(&st, (uint32_t)n, true);
	profile_view_set_expanded(&st, 40, true); /* twice: once in the set */
	assert_int_equal(st.nexpanded, 34);
	for (size_t i = 1; i < st.nexpanded; i++)
		assert_true(st.expanded[i - 1] < st.expanded[i]);
	assert_true(profile_view_is_expanded(&st, 40));
	assert_false(profile_view_is_expanded(&st, 41));
	profile_view_set_expanded(&st, 40, false);
	assert_false(profile_view_is_expanded(&st, 40));
	assert_int_equal(st.nexpanded, 33);
	profile_view_state_release(&st);
	assert_int_equal(st.nexpanded, 0);
}

static void test_progress_and_list(void **state)
{
	char buf[160];
	WINDOW *w = newwin(24, 80, 0, 0);
	struct profile_meta list[2] = {{.id = 7,
					.pid = 777,
					.mode = PROFILE_WALL,
					.hz = 99,
					.started_ms = 1700000060000LL,
					.duration_ms = 5000,
					.samples = 495,
					.lost = 2,
					.partial = true},
				       {.id = 3,
					.pid = 777,
					.mode = PROFILE_CPU,
					.hz = 49,
					.started_ms = 1700000000000LL,
					.duration_ms = 90000,
					.samples = 4410}};
	struct profile_view_state st;

	(void)state;
	assert_string_equal(
		profile_progress_text(buf, sizeof(buf), 1234, "perf", 99, 3250, 1520, 0),
		"profiling pid 1234 (perf, 99 Hz): 3.2s left, 1520 samples, 0 lost");
	assert_string_equal(
		profile_progress_text(buf, sizeof(buf), 1, "ptrace", 10, -1, 5, 1),
		"profiling pid 1 (ptrace, 10 Hz): until stopped, 5 samples, 1 lost");
	profile_progress_draw(w, 23, 80, 1234, "perf", 99, 3250, 1520, 0);
	assert_row_has(w, 23, "profiling pid 1234 (perf, 99 Hz): 3.2s left");

	strcpy(list[0].sampler, "perf");
	strcpy(list[1].sampler, "perf");
	profile_view_state_init(&st);
	st.list.sel = 5; /* drawn on the last, the state left as it was */
	profile_list_draw(w, list, 2, &st);
	assert_int_equal(st.list.sel, 5);
	assert_row_has(w, 0,
		       "   ID  STARTED              LENGTH MODE    HZ   SAMPLES    LOST");
	assert_row_has(w, 1, "    7  ");
	assert_row_has(w, 1, "   5.0s wall    99       495       2  partial perf");
	assert_row_has(w, 2, "    3  ");
	assert_row_has(w, 2, "  1m30s cpu     49      4410       0  perf");
	assert_int_equal(attr_at(w, 2, 79), pal(PAL_SELECTED));
	profile_list_draw(w, NULL, 0, &st);
	assert_row_has(w, 1, "no profiles in this session");
	profile_view_state_release(&st);
	delwin(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_and_tabs),
		cmocka_unit_test(test_top_tab),
		cmocka_unit_test(test_thread_filter),
		cmocka_unit_test(test_tree_tab),
		cmocka_unit_test(test_flame_tab),
		cmocka_unit_test(test_ascii_mode),
		cmocka_unit_test(test_no_colour),
		cmocka_unit_test(test_tiny_windows_and_no_profile),
		cmocka_unit_test(test_expanded_set),
		cmocka_unit_test(test_progress_and_list),
	};

	return cmocka_run_group_tests_name("profile_view", tests, setup, teardown);
}
