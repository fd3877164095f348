/* SPDX-License-Identifier: MIT */
/*
 * test_draw: put_text, the one way text reaches a curses window, drawn into
 * a real window (newterm on temporary files, no terminal needed) and read
 * back cell by cell. It must agree with core/textsafe: every character
 * text_char calls unprintable is one '?' cell, every printable one is drawn
 * as it is (a wide one in two cells), and a name never overflows its width.
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

#include "core/textsafe.h"
#include "views/draw.h"

static SCREEN *screen;
static FILE *term_out, *term_in;

static int setup(void **state)
{
	(void)state;
	if (!setlocale(LC_ALL, "C.UTF-8"))
		return -1;
	term_out = tmpfile();
	term_in = tmpfile();
	if (!term_out || !term_in)
		return -1;
	screen = newterm("xterm-256color", term_out, term_in);
	return screen ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	endwin();
	delscreen(screen);
	fclose(term_out);
	fclose(term_in);
	return 0;
}

/* Row 0 of w as UTF-8, the right half of a wide character skipped. */
static const char *row(WINDOW *w)
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

		mvwin_wch(w, 0, x, &c);
		getcchar(&c, wc, &a, &pair, NULL);
		off += wcrtomb(buf + off, wc[0], &mb);
		if (wcwidth(wc[0]) == 2)
			x++; /* its right half */
	}
	buf[off] = '\0';
	return buf;
}

/* What put_text should show for s: textsafe's verdict, '?' per unprintable. */
static const char *expected(const char *s, int width)
{
	static char buf[1024];
	size_t off = 0, n;
	int used = 0;
	bool ok;

	for (; (n = text_char(s, &ok)) > 0 && used < width; s += n) {
		wchar_t wc;
		mbstate_t mb;
		int cw = 1;

		memset(&mb, 0, sizeof(mb));
		if (ok && mbrtowc(&wc, s, n, &mb) == n)
			cw = wcwidth(wc);
		if (used + cw > width)
			break;
		if (ok) {
			memcpy(buf + off, s, n);
			off += n;
		} else {
			buf[off++] = '?';
		}
		used += cw;
	}
	while (used++ < width)
		buf[off++] = ' ';
	buf[off] = '\0';
	return buf;
}

static void check(const char *s, int width, const char *want)
{
	WINDOW *w = newwin(1, width, 0, 0);
	int used = put_text(w, 0, 0, width, s, true);

	assert_int_equal(used, width);
	assert_string_equal(row(w), want);
	assert_string_equal(row(w), expected(s, width));
	delwin(w);
}

static void test_hostile_names(void **state)
{
	(void)state;
	check("\x1b]0;pwned\x07\x1b[2J\n", 16, "?]0;pwned??[2J? ");
	check("a\rb\tc\x7f", 8, "a?b?c?  ");
	/* C1 is one '?' in UTF-8 and as a raw byte */
	check("\xc2\x9b"
	      "31m|\x9b"
	      "31m",
	      10, "?31m|?31m ");
	/* broken UTF-8: one '?' per byte */
	check("\xe2\x9c|\xc0\xaf|\xed\xa0\x80", 10, "??|??|??? ");
}

static void test_valid_names(void **state)
{
	(void)state;
	check("caf\xc3\xa9 ok", 8, "caf\xc3\xa9 ok ");
	/* wide characters take two cells; one that does not fit is left out */
	check("\xe6\x97\xa5\xe6\x9c\xac\xe6\x97\xa5", 5, "\xe6\x97\xa5\xe6\x9c\xac ");
	check("\\x1b", 5, "\\x1b ");
}

/* Scrolling a text left skips columns as put_text counts them. */
static void test_after_cols(void **state)
{
	const char *s = "a\xe6\x97\xa5\x1b"
			"bc"; /* a, a wide one, ESC ('?'), b, c */

	(void)state;
	assert_ptr_equal(text_after_cols(s, 0), s);
	assert_ptr_equal(text_after_cols(s, 1), s + 1);
	assert_ptr_equal(text_after_cols(s, 3), s + 4);	  /* past the wide one */
	assert_ptr_equal(text_after_cols(s, 2), s + 4);	  /* not half of it */
	assert_string_equal(text_after_cols(s, 4), "bc"); /* '?' is one column */
	assert_string_equal(text_after_cols(s, 99), "");
}

/* Row y of w as UTF-8 (row() for any row). */
static const char *row_at(WINDOW *w, int y)
{
	WINDOW *one = derwin(w, 1, getmaxx(w), y, 0);
	static char buf[1024];

	snprintf(buf, sizeof(buf), "%s", row(one));
	delwin(one);
	return buf;
}

/* Fields that do not fit are left out whole, never cut or run together. */
static void test_fields_drop_whole(void **state)
{
	const char *f[] = {"Ctx   vol 0/s", "invol 0/s", "", "faults 0/s", "major 0/s"};
	WINDOW *w = newwin(1, 40, 0, 0);

	(void)state;
	assert_int_equal(put_fields(w, 0, 0, 40, f, 5), 36);
	assert_string_equal(row(w), "Ctx   vol 0/s  invol 0/s  faults 0/s    ");
	werase(w);
	assert_int_equal(put_fields(w, 0, 0, 10, f, 5), 0); /* the first is too wide */
	assert_string_equal(row(w), "                                        ");
	delwin(w);
}

/* A line of words is cut after the last whole word: no "1" of "13M". */
static void test_words_cut_whole(void **state)
{
	WINDOW *w = newwin(1, 12, 0, 0);

	(void)state;
	put_words(w, 0, 0, 12, "anon   13M   1.2M", true);
	assert_string_equal(row(w), "anon   13M  ");
	put_words(w, 0, 0, 12, "a line that fits", true);
	assert_string_equal(row(w), "a line that ");
	put_words(w, 0, 0, 12, "/a/very/long/path", true);
	assert_string_equal(row(w), "            ");
	delwin(w);
}

/* Outside its window put_text draws nothing, not at the cursor's last place. */
static void test_text_outside_window(void **state)
{
	WINDOW *w = newwin(2, 10, 0, 0);

	(void)state;
	put_text(w, 0, 0, 10, "faults 0/s", false);
	assert_int_equal(put_text(w, 2, 0, 10, "IO", false), 0);
	assert_string_equal(row_at(w, 0), "faults 0/s");
	assert_string_equal(row_at(w, 1), "          ");
	/* wider than the window: cut at its edge, not wrapped */
	assert_int_equal(put_text(w, 1, 6, 10, "abcdefgh", false), 4);
	assert_string_equal(row_at(w, 1), "      abcd");
	delwin(w);
}

/* A scaled graph: its top and window right of it, a steady value under the top. */
static void test_scaled_graph_labels(void **state)
{
	double v[16];
	struct graph_spec g = {.values = v,
			       .n = 8,
			       .unit = GRAPH_UNIT_BYTES,
			       .window_ms = 60000,
			       .role = PAL_GRAPH};
	WINDOW *w = newwin(2, 4 + DRAW_SCALE_COLS, 0, 0);

	(void)state;
	for (int i = 0; i < 16; i++)
		v[i] = 13.0 * 1024 * 1024;
	draw_graph_scaled(w, 0, 0, 4 + DRAW_SCALE_COLS, 2, false, &g);
	/* 13 of 20 MiB: 5 of the 8 dots up, the top row not full */
	assert_string_equal(row_at(w, 0), "\u28c0\u28c0\u28c0\u28c0 20 MiB  ");
	assert_string_equal(row_at(w, 1), "\u28ff\u28ff\u28ff\u28ff last 1m ");
	/* ASCII shows 4 of 16 values: a quarter of the window, the newest */
	g.n = 16;
	draw_graph_scaled(w, 0, 0, 4 + DRAW_SCALE_COLS, 2, true, &g);
	assert_string_equal(row_at(w, 0), ".... 20 MiB  ");
	assert_string_equal(row_at(w, 1), ":::: last 15s");
	delwin(w);
}

/* A tall graph on a wide terminal (20 x 185 cells, the Memory panel at
 * 200x60) is drawn: it once needed more than a fixed 8 KiB buffer. */
static void test_big_graph_drawn(void **state)
{
	static double v[400];
	struct graph_spec g = {.values = v,
			       .n = 400,
			       .unit = GRAPH_UNIT_COUNT,
			       .window_ms = 300000,
			       .role = PAL_GRAPH};
	WINDOW *pad = newpad(20, 194);
	cchar_t c;
	wchar_t wc[CCHARW_MAX + 1];
	attr_t a;
	short pair;

	(void)state;
	assert_non_null(pad);
	for (size_t i = 0; i < 400; i++)
		v[i] = 4; /* under a top of 5: 16 of the 20 rows full */
	draw_graph_scaled(pad, 0, 0, 194, 20, false, &g);
	mvwin_wch(pad, 19, 184, &c);
	getcchar(&c, wc, &a, &pair, NULL);
	assert_int_equal(wc[0], 0x28ff);
	mvwin_wch(pad, 4, 0, &c);
	getcchar(&c, wc, &a, &pair, NULL);
	assert_int_equal(wc[0], 0x28ff);
	mvwin_wch(pad, 3, 0, &c);
	getcchar(&c, wc, &a, &pair, NULL);
	assert_int_equal(wc[0], L' ');
	delwin(pad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_names),
		cmocka_unit_test(test_valid_names),
		cmocka_unit_test(test_after_cols),
		cmocka_unit_test(test_fields_drop_whole),
		cmocka_unit_test(test_words_cut_whole),
		cmocka_unit_test(test_text_outside_window),
		cmocka_unit_test(test_scaled_graph_labels),
		cmocka_unit_test(test_big_graph_drawn),
	};

	return cmocka_run_group_tests_name("draw", tests, setup, teardown);
}
