/* SPDX-License-Identifier: MIT */
/*
 * test_listcursor: the one clamp every list of the console uses: the
 * selection stays on a row and in view, the window stays full when the list
 * can fill it, moves and pages stop at the ends, an empty list has its
 * cursor at 0, and a scroll-only list scrolls within [0, n - rows].
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "views/listcursor.h"

static void test_clamp(void **state)
{
	struct list_cursor c = {50, 0};

	(void)state;
	list_cursor_clamp(&c, 100, 20); /* below the window: it follows */
	assert_int_equal(c.sel, 50);
	assert_int_equal(c.top, 31);
	c.sel = 40; /* within the window: nothing moves */
	list_cursor_clamp(&c, 100, 20);
	assert_int_equal(c.top, 31);
	c.sel = 10; /* above it */
	list_cursor_clamp(&c, 100, 20);
	assert_int_equal(c.top, 10);
	c = (struct list_cursor){99, 95}; /* the list shrank: window stays full */
	list_cursor_clamp(&c, 30, 20);
	assert_int_equal(c.sel, 29);
	assert_int_equal(c.top, 10);
	c = (struct list_cursor){5, 3}; /* fits: no scrolling at all */
	list_cursor_clamp(&c, 8, 20);
	assert_int_equal(c.sel, 5);
	assert_int_equal(c.top, 0);
	c = (struct list_cursor){7, 4};
	list_cursor_clamp(&c, 0, 20);
	assert_int_equal(c.sel, 0);
	assert_int_equal(c.top, 0);
	c = (struct list_cursor){-3, -1};
	list_cursor_clamp(&c, 10, 0); /* a window of no rows shows one */
	assert_int_equal(c.sel, 0);
	assert_int_equal(c.top, 0);
}

static void test_shown_leaves_the_state(void **state)
{
	const struct list_cursor c = {50, 0};
	struct list_cursor s = list_cursor_shown(&c, 100, 20);

	(void)state;
	assert_int_equal(s.sel, 50);
	assert_int_equal(s.top, 31);
	assert_int_equal(c.top, 0);
}

static void test_move(void **state)
{
	struct list_cursor c = {0, 0};

	(void)state;
	assert_false(list_cursor_move(&c, -1, 100, 20)); /* at the top already */
	assert_true(list_cursor_move(&c, 19, 100, 20));
	assert_int_equal(c.top, 0);
	assert_true(list_cursor_move(&c, 1, 100, 20)); /* one past the window */
	assert_int_equal(c.sel, 20);
	assert_int_equal(c.top, 1);
	assert_true(list_cursor_move(&c, -5, 100, 20)); /* back within: stays */
	assert_int_equal(c.top, 1);
	assert_true(list_cursor_move(&c, LIST_CURSOR_END, 100, 20));
	assert_int_equal(c.sel, 99);
	assert_int_equal(c.top, 80);
	assert_false(list_cursor_move(&c, 19, 100, 20)); /* a page past the end */
	assert_int_equal(c.sel, 99);
	assert_true(list_cursor_move(&c, LIST_CURSOR_HOME, 100, 20));
	assert_int_equal(c.sel, 0);
	assert_int_equal(c.top, 0);
	assert_false(list_cursor_move(&c, LIST_CURSOR_END, 0, 20));
	assert_int_equal(c.sel, 0);
}

static void test_scroll(void **state)
{
	struct list_cursor c = {0, 0};

	(void)state;
	assert_true(list_cursor_scroll(&c, LIST_CURSOR_END, 60, 20));
	assert_int_equal(c.top, 40); /* the last row at the bottom */
	assert_false(list_cursor_scroll(&c, 1, 60, 20));
	assert_true(list_cursor_scroll(&c, -1, 60, 20)); /* no dead key */
	assert_int_equal(c.top, 39);
	assert_false(list_cursor_scroll(&c, 0, 60, 20));
	assert_true(list_cursor_scroll(&c, 0, 30, 20)); /* fewer rows now */
	assert_int_equal(c.top, 10);
	assert_true(list_cursor_scroll(&c, 5, 10, 20)); /* fits: never scrolls */
	assert_int_equal(c.top, 0);
	c.top = 45;
	assert_int_equal(list_cursor_shown_top(&c, 60, 20), 40);
	assert_int_equal(c.top, 45);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clamp),
		cmocka_unit_test(test_shown_leaves_the_state),
		cmocka_unit_test(test_move),
		cmocka_unit_test(test_scroll),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
