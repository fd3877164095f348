/* SPDX-License-Identifier: MIT */
/* listcursor: see listcursor.h. */
#include <stdbool.h>

#include "views/listcursor.h"

long list_clamp(long v, long lo, long hi)
{
	return v > hi ? (hi < lo ? lo : hi) : v < lo ? lo : v;
}

void list_cursor_clamp(struct list_cursor *c, long n, long rows)
{
	if (rows < 1)
		rows = 1;
	c->sel = list_clamp(c->sel, 0, n - 1);
	if (c->top > c->sel)
		c->top = c->sel;
	if (c->top < c->sel - rows + 1)
		c->top = c->sel - rows + 1;
	c->top = list_clamp(c->top, 0, n - rows);
}

struct list_cursor list_cursor_shown(const struct list_cursor *c, long n, long rows)
{
	struct list_cursor s = *c;

	list_cursor_clamp(&s, n, rows);
	return s;
}

static long moved(long from, long delta)
{
	if (delta == LIST_CURSOR_HOME)
		return 0;
	if (delta == LIST_CURSOR_END)
		return LONG_MAX;
	if (delta > 0 && from > LONG_MAX - delta)
		return LONG_MAX;
	return from + delta;
}

bool list_cursor_move(struct list_cursor *c, long delta, long n, long rows)
{
	long before;

	list_cursor_clamp(c, n, rows);
	before = c->sel;
	c->sel = moved(c->sel, delta);
	list_cursor_clamp(c, n, rows);
	return c->sel != before;
}

bool list_cursor_scroll(struct list_cursor *c, long delta, long n, long rows)
{
	long before = c->top;

	/* the positions of the window's top row are a list of n - rows + 1,
	 * shown one at a time */
	if (rows < 1)
		rows = 1;
	c->sel = moved(c->top, delta);
	list_cursor_clamp(c, n - rows + 1, 1);
	return c->top != before;
}

long list_cursor_shown_top(const struct list_cursor *c, long n, long rows)
{
	struct list_cursor s = *c;

	list_cursor_scroll(&s, 0, n, rows);
	return s.top;
}
