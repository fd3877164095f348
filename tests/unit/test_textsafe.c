/* SPDX-License-Identifier: MIT */
/*
 * test_textsafe: what may reach a terminal. Hostile names (terminal escapes,
 * BEL, newline, CR, DEL, C1 encoded and raw, truncated, overlong and
 * surrogate UTF-8) come out as visible escapes; valid text ("é", CJK, emoji)
 * comes out as it went in. Every string of up to three bytes is escaped and
 * checked: no control byte or C1 character survives, and unescaping gives
 * the input back, so the escape loses nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/textsafe.h"
#include "core/utf8.h"

static char *esc(const char *s)
{
	static char buf[TEXT_ESCAPED_MAX(256)];

	assert_true(strlen(s) <= 256);
	text_escape(buf, s, NULL);
	return buf;
}

static void test_hostile_inputs(void **state)
{
	(void)state;
	/* the title-and-clear of the issue, and a forged line */
	assert_string_equal(esc("\x1b]0;pwned\x07\x1b[2J"), "\\x1b]0;pwned\\x07\\x1b[2J");
	assert_string_equal(esc("a\nb\rc\td"), "a\\nb\\rc\\td");
	assert_string_equal(esc("\x01\x1f\x7f"), "\\x01\\x1f\\x7f");
	/* C1: CSI as UTF-8 (U+009B) and as a raw byte; U+0080 and U+009F */
	assert_string_equal(esc("\xc2\x9b"
				"31m"),
			    "\\xc2\\x9b31m");
	assert_string_equal(esc("\x9b"
				"31m"),
			    "\\x9b31m");
	assert_string_equal(esc("\xc2\x80\xc2\x9f"), "\\xc2\\x80\\xc2\\x9f");
	/* a backslash is escaped, so "\x1b" typed in a name stays distinct */
	assert_string_equal(esc("\\x1b"), "\\\\x1b");
	/* truncated, lone continuation, overlong, surrogate, above U+10FFFF */
	assert_string_equal(esc("a\xe2\x9c"), "a\\xe2\\x9c");
	assert_string_equal(esc("\x80z"), "\\x80z");
	assert_string_equal(esc("\xc0\xaf"), "\\xc0\\xaf");
	assert_string_equal(esc("\xe0\x80\xaf"), "\\xe0\\x80\\xaf");
	assert_string_equal(esc("\xf0\x80\x80\xaf"), "\\xf0\\x80\\x80\\xaf");
	assert_string_equal(esc("\xed\xa0\x80"), "\\xed\\xa0\\x80");
	assert_string_equal(esc("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");
	assert_string_equal(esc("\xff\xfe"), "\\xff\\xfe");
	assert_string_equal(esc(""), "");
}

static void test_valid_text_kept(void **state)
{
	(void)state;
	assert_string_equal(esc("plain name-1.2 (x) [y]"), "plain name-1.2 (x) [y]");
	assert_string_equal(esc("caf\xc3\xa9"), "caf\xc3\xa9"); /* é */
	assert_string_equal(esc("\xe6\x97\xa5\xe6\x9c\xac"),
			    "\xe6\x97\xa5\xe6\x9c\xac");		  /* 日本 */
	assert_string_equal(esc("\xf0\x9f\x94\xa5"), "\xf0\x9f\x94\xa5"); /* an emoji */
	assert_string_equal(esc("\xc2\xa0\xc2\xbf"), "\xc2\xa0\xc2\xbf"); /* past C1 */
	assert_string_equal(esc("\xed\x9f\xbf\xee\x80\x80"), "\xed\x9f\xbf\xee\x80\x80");
	assert_string_equal(esc("\xf4\x8f\xbf\xbf"), "\xf4\x8f\xbf\xbf"); /* U+10FFFF */
}

static void test_char_classes(void **state)
{
	bool ok;

	(void)state;
	assert_int_equal(text_char("", &ok), 0);
	assert_false(ok);
	assert_int_equal(text_char("a", &ok), 1);
	assert_true(ok);
	assert_int_equal(text_char("\x1b", &ok), 1);
	assert_false(ok);
	assert_int_equal(text_char("\xc2\x9b", &ok), 2); /* C1: its whole length */
	assert_false(ok);
	assert_int_equal(text_char("\xc3\xa9", &ok), 2);
	assert_true(ok);
	assert_int_equal(text_char("\xe2\x9c", &ok), 1); /* invalid: one byte */
	assert_false(ok);
	assert_int_equal(text_char("\xf0\x9f\x94\xa5", &ok), 4);
	assert_true(ok);
}

static void test_also(void **state)
{
	char buf[TEXT_ESCAPED_MAX(32)];

	(void)state;
	assert_int_equal(text_escape(buf, "a;b c;\n", ";"), 14);
	assert_string_equal(buf, "a\\x3bb c\\x3b\\n");
}

static char *capture_cut(const char *s, size_t width, size_t *shown)
{
	static char buf[1024];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	*shown = text_write_cut(f, s, width);
	fclose(f);
	return buf;
}

static void test_cut(void **state)
{
	size_t shown;

	(void)state;
	assert_string_equal(capture_cut("short", 15, &shown), "short");
	assert_int_equal(shown, 5);
	assert_string_equal(capture_cut("exactly-fifteen", 15, &shown),
			    "exactly-fifteen");
	assert_int_equal(shown, 15);
	assert_string_equal(capture_cut("sixteen-letters!", 15, &shown),
			    "sixteen-lett...");
	assert_int_equal(shown, 15);
	/* an escape counts its length and is never split */
	assert_string_equal(capture_cut("ab\x1b[2J", 15, &shown), "ab\\x1b[2J");
	assert_int_equal(shown, 9);
	assert_string_equal(capture_cut("abcdefghij\x1b[2Jxyz", 15, &shown),
			    "abcdefghij...");
	assert_int_equal(shown, 13);
	/* a multi-byte character is one column and is never split */
	assert_string_equal(capture_cut("\xe6\x97\xa5\xe6\x9c\xac\xe6\x97\xa5\xe6\x9c\xac"
					"\xe6\x97\xa5",
					4, &shown),
			    "\xe6\x97\xa5...");
	assert_int_equal(shown, 4);
}

static char *format(const char *fmt, ...)
{
	static char buf[4096];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	va_list ap;

	va_start(ap, fmt);
	text_vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
	return buf;
}

static void test_vfprintf(void **state)
{
	char *dup, big[2000];

	(void)state;
	assert_string_equal(format("cannot attach to '%s' (pid %d)", "x\x1b[2J\ny", 7),
			    "cannot attach to 'x\\x1b[2J\\ny' (pid 7)");
	/* longer than the stack buffer */
	memset(big, '\a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	dup = text_escape_dup(big);
	assert_int_equal(strlen(dup), 4 * (sizeof(big) - 1));
	free(dup);
	memset(big, 'x', sizeof(big) - 1);
	big[5] = '\n';
	assert_int_equal(strlen(format("%s", big)), sizeof(big));
}

/* Undoes the escape; returns the length, or -1 when text is not an escape's output. */
static int unescape(const char *text, char *out)
{
	int n = 0;

	while (*text) {
		unsigned v;

		if (*text != '\\') {
			out[n++] = *text++;
			continue;
		}
		switch (text[1]) {
		case '\\':
			out[n++] = '\\';
			break;
		case 'n':
			out[n++] = '\n';
			break;
		case 'r':
			out[n++] = '\r';
			break;
		case 't':
			out[n++] = '\t';
			break;
		case 'x':
			if (sscanf(text + 2, "%2x", &v) != 1)
				return -1;
			out[n++] = (char)v;
			text += 2;
			break;
		default:
			return -1;
		}
		text += 2;
	}
	out[n] = '\0';
	return n;
}

/* Nothing in text could drive a terminal: no C0, DEL or C1, valid UTF-8. */
static bool terminal_safe(const char *text)
{
	const unsigned char *p = (const unsigned char *)text;

	while (*p) {
		size_t n = utf8_len(p);

		if (!n || *p < 0x20 || *p == 0x7f || (p[0] == 0xc2 && p[1] < 0xa0))
			return false;
		p += n;
	}
	return true;
}

static void check_one(const char *in, size_t len)
{
	char out[TEXT_ESCAPED_MAX(4)], back[8];

	text_escape(out, in, NULL);
	if (!terminal_safe(out))
		fail_msg("escape of %02x %02x %02x is not safe: '%s'",
			 (unsigned char)in[0], len > 1 ? (unsigned char)in[1] : 0,
			 len > 2 ? (unsigned char)in[2] : 0, out);
	assert_int_equal(unescape(out, back), (int)len);
	assert_memory_equal(back, in, len);
}

static void test_every_short_string(void **state)
{
	char in[4];

	(void)state;
	for (int a = 1; a < 256; a++) {
		in[0] = (char)a;
		in[1] = '\0';
		check_one(in, 1);
		for (int b = 1; b < 256; b++) {
			in[1] = (char)b;
			in[2] = '\0';
			check_one(in, 2);
		}
	}
	/* three bytes: every lead byte with the interesting second and third */
	static const unsigned char mid[] = {0x01, 0x1b, 0x3b, 0x5c, 0x7f, 0x80,
					    0x8f, 0x90, 0x9b, 0x9f, 0xa0, 0xbf,
					    0xc0, 0xc2, 0xe0, 0xed, 0xf4, 0xff};
	for (int a = 1; a < 256; a++)
		for (size_t b = 0; b < sizeof(mid); b++)
			for (size_t c = 0; c < sizeof(mid); c++) {
				in[0] = (char)a;
				in[1] = (char)mid[b];
				in[2] = (char)mid[c];
				in[3] = '\0';
				check_one(in, 3);
			}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_inputs),
		cmocka_unit_test(test_valid_text_kept),
		cmocka_unit_test(test_char_classes),
		cmocka_unit_test(test_also),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_vfprintf),
		cmocka_unit_test(test_every_short_string),
	};

	return cmocka_run_group_tests_name("textsafe", tests, NULL, NULL);
}
