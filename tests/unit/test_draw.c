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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_names),
		cmocka_unit_test(test_valid_names),
		cmocka_unit_test(test_after_cols),
	};

	return cmocka_run_group_tests_name("draw", tests, setup, teardown);
}
