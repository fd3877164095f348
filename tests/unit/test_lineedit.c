/* SPDX-License-Identifier: MIT */
/*
 * test_lineedit: the prompts' line editing. Typing inserts at the cursor,
 * Left/Right/Home/End move by whole characters (UTF-8 and invalid bytes
 * alike), Backspace/Delete remove one character, Ctrl-U/Ctrl-K/Ctrl-W kill
 * to the start, to the end and the word before the cursor as readline does,
 * the line never overflows its buffer or splits a character, and the field
 * scrolls so the cursor stays in view.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "views/lineedit.h"

static int setup(void **state)
{
	(void)state;
	return setlocale(LC_ALL, "C.UTF-8") ? 0 : -1;
}

static void type(struct line_edit *e, const char *s)
{
	assert_true(line_edit_insert(e, s, strlen(s)));
}

static void test_typing_and_moving(void **state)
{
	struct line_edit e;

	(void)state;
	line_edit_set(&e, NULL);
	assert_string_equal(e.text, "");
	assert_int_equal(e.cursor, 0);
	assert_false(line_edit_apply(&e, LINE_EDIT_LEFT)); /* nothing to move over */
	assert_false(line_edit_apply(&e, LINE_EDIT_BACKSPACE));
	assert_false(line_edit_apply(&e, LINE_EDIT_DELETE));
	type(&e, "2s");
	type(&e, " cpu");
	assert_string_equal(e.text, "2s cpu");
	assert_int_equal(e.cursor, 6);
	/* back over " cpu", insert there */
	for (int i = 0; i < 4; i++)
		assert_true(line_edit_apply(&e, LINE_EDIT_LEFT));
	type(&e, " 99");
	assert_string_equal(e.text, "2s 99 cpu");
	assert_int_equal(e.cursor, 5);
	assert_true(line_edit_apply(&e, LINE_EDIT_HOME));
	assert_int_equal(e.cursor, 0);
	assert_false(line_edit_apply(&e, LINE_EDIT_HOME));
	type(&e, "x");
	assert_string_equal(e.text, "x2s 99 cpu");
	assert_true(line_edit_apply(&e, LINE_EDIT_END));
	assert_int_equal(e.cursor, e.len);
	assert_false(line_edit_apply(&e, LINE_EDIT_RIGHT));  /* at the end */
	assert_false(line_edit_apply(&e, LINE_EDIT_DELETE)); /* nothing under it */
	/* Backspace takes the one before, Delete the one under the cursor */
	assert_true(line_edit_apply(&e, LINE_EDIT_BACKSPACE));
	assert_string_equal(e.text, "x2s 99 cp");
	assert_true(line_edit_apply(&e, LINE_EDIT_HOME));
	assert_true(line_edit_apply(&e, LINE_EDIT_DELETE));
	assert_string_equal(e.text, "2s 99 cp");
	assert_int_equal(e.cursor, 0);
	assert_int_equal(e.len, strlen(e.text));
	line_edit_set(&e, "5s 99 cpu"); /* a set line is edited from its end */
	assert_int_equal(e.cursor, 9);
}

static void test_kills(void **state)
{
	struct line_edit e;

	(void)state;
	line_edit_set(&e, "2s");
	assert_true(line_edit_apply(&e, LINE_EDIT_KILL_START)); /* Ctrl-U */
	assert_string_equal(e.text, "");
	assert_int_equal(e.len, 0);
	assert_false(line_edit_apply(&e, LINE_EDIT_KILL_START));

	/* Ctrl-W: a word at a time, the blanks after it with it */
	line_edit_set(&e, "2s 99 cpu");
	assert_true(line_edit_apply(&e, LINE_EDIT_KILL_WORD));
	assert_string_equal(e.text, "2s 99 ");
	assert_true(line_edit_apply(&e, LINE_EDIT_KILL_WORD));
	assert_string_equal(e.text, "2s ");
	assert_true(line_edit_apply(&e, LINE_EDIT_KILL_WORD));
	assert_string_equal(e.text, "");
	assert_false(line_edit_apply(&e, LINE_EDIT_KILL_WORD));
	line_edit_set(&e, "a  \t ");
	assert_true(line_edit_apply(&e, LINE_EDIT_KILL_WORD));
	assert_string_equal(e.text, "");

	/* in the middle: only what is before (U, W) or after (K) the cursor */
	line_edit_set(&e, "10s 99 wall");
	for (int i = 0; i < 5; i++)
		line_edit_apply(&e, LINE_EDIT_LEFT); /* before "wall" */
	assert_true(line_edit_apply(&e, LINE_EDIT_KILL_WORD));
	assert_string_equal(e.text, "10s  wall");
	assert_int_equal(e.cursor, 4);
	assert_true(line_edit_apply(&e, LINE_EDIT_KILL_END)); /* Ctrl-K */
	assert_string_equal(e.text, "10s ");
	assert_int_equal(e.cursor, 4);
	assert_false(line_edit_apply(&e, LINE_EDIT_KILL_END));
	line_edit_apply(&e, LINE_EDIT_LEFT);
	assert_true(line_edit_apply(&e, LINE_EDIT_KILL_START));
	assert_string_equal(e.text, " ");
	assert_int_equal(e.cursor, 0);
}

static void test_whole_characters(void **state)
{
	struct line_edit e;

	(void)state;
	line_edit_set(&e, "a\xc3\xb1" /* ñ */ "b\xff" /* an invalid byte */);
	assert_int_equal(e.len, 5);
	assert_true(line_edit_apply(&e, LINE_EDIT_LEFT)); /* over the invalid byte */
	assert_int_equal(e.cursor, 4);
	assert_true(line_edit_apply(&e, LINE_EDIT_LEFT));
	assert_int_equal(e.cursor, 3);
	assert_true(line_edit_apply(&e, LINE_EDIT_LEFT)); /* over ñ: two bytes */
	assert_int_equal(e.cursor, 1);
	assert_true(line_edit_apply(&e, LINE_EDIT_DELETE));
	assert_string_equal(e.text, "ab\xff");
	assert_true(line_edit_apply(&e, LINE_EDIT_RIGHT));
	type(&e, "\xe6\x97\xa5"); /* 日 */
	assert_string_equal(e.text, "ab\xe6\x97\xa5\xff");
	assert_true(line_edit_apply(&e, LINE_EDIT_BACKSPACE)); /* all three bytes */
	assert_string_equal(e.text, "ab\xff");
	assert_int_equal(e.cursor, 2);
	line_edit_set(&e, "x \xc3\xb1\xc3\xb1"); /* a word of non-ASCII letters */
	assert_true(line_edit_apply(&e, LINE_EDIT_KILL_WORD));
	assert_string_equal(e.text, "x ");
}

static void test_never_overflows(void **state)
{
	char big[LINE_EDIT_MAX + 8];
	struct line_edit e;

	(void)state;
	memset(big, 'a', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	line_edit_set(&e, big); /* cut to what fits, with its NUL */
	assert_int_equal(e.len, LINE_EDIT_MAX - 1);
	assert_int_equal(strlen(e.text), LINE_EDIT_MAX - 1);
	assert_false(line_edit_insert(&e, "b", 1));
	assert_int_equal(e.len, LINE_EDIT_MAX - 1);
	/* a character that would not fit whole is left out whole */
	memset(big, 'a', LINE_EDIT_MAX - 2);
	memcpy(big + LINE_EDIT_MAX - 2, "\xc3\xb1", 3);
	line_edit_set(&e, big);
	assert_int_equal(e.len, LINE_EDIT_MAX - 2);
	assert_false(line_edit_insert(&e, "\xc3\xb1", 2));
	assert_true(line_edit_insert(&e, "b", 1));
	assert_false(line_edit_insert(&e, "", 0));
}

static void test_view_keeps_the_cursor_in_view(void **state)
{
	struct line_edit e;

	(void)state;
	line_edit_set(&e, "0123456789");
	assert_int_equal(line_edit_width(&e, 0, e.len), 10);
	/* the cursor's cell at the end needs an 11th column */
	assert_int_equal(line_edit_view_start(&e, 11), 0);
	assert_int_equal(line_edit_view_start(&e, 10), 1);
	assert_int_equal(line_edit_view_start(&e, 5), 6); /* "6789" and the cursor */
	line_edit_apply(&e, LINE_EDIT_HOME);
	assert_int_equal(line_edit_view_start(&e, 5), 0);
	for (int i = 0; i < 4; i++)
		line_edit_apply(&e, LINE_EDIT_RIGHT);
	assert_int_equal(line_edit_view_start(&e, 5), 0); /* on '4': the last column */
	line_edit_apply(&e, LINE_EDIT_RIGHT);
	assert_int_equal(line_edit_view_start(&e, 5), 1);
	/* wide characters take two columns and are never cut in half */
	line_edit_set(&e, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"); /* 日本語 */
	assert_int_equal(line_edit_width(&e, 0, e.len), 6);
	assert_int_equal(line_edit_view_start(&e, 7), 0);
	assert_int_equal(line_edit_view_start(&e, 6), 3); /* 本語 and the cursor */
	assert_int_equal(line_edit_view_start(&e, 1), e.len);
	assert_int_equal(line_edit_view_start(&e, 0), e.len);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_typing_and_moving),
		cmocka_unit_test(test_kills),
		cmocka_unit_test(test_whole_characters),
		cmocka_unit_test(test_never_overflows),
		cmocka_unit_test(test_view_keeps_the_cursor_in_view),
	};

	return cmocka_run_group_tests_name("lineedit", tests, setup, NULL);
}
