/* SPDX-License-Identifier: MIT */
/*
 * listcursor: the selection and scroll position of a list on screen, and the
 * one rule that keeps them sane. Every list of the console (process table,
 * alerts, leak suspects, profiles, a profile's top functions and call tree,
 * the target's thread tables) keeps one of these in its view state.
 *
 * Invariant after list_cursor_clamp(c, n, rows): 0 <= sel < n (sel 0 when
 * n is 0), top <= sel < top + rows (the selection is visible), and
 * 0 <= top <= max(0, n - rows) (no blank rows below a list that could fill
 * the window). Key handlers move and clamp the cursor they own; draw
 * functions take the state const and clamp a copy, so a draw never changes
 * what it draws. Pure: no curses, no allocation.
 */
#ifndef VIGIL_VIEWS_LISTCURSOR_H
#define VIGIL_VIEWS_LISTCURSOR_H

#include <limits.h>
#include <stdbool.h>

struct list_cursor {
	long sel; /* selected row */
	long top; /* first visible row */
};

/* Moves to the first or last row with list_cursor_move. */
#define LIST_CURSOR_HOME LONG_MIN
#define LIST_CURSOR_END LONG_MAX

/* v within [lo, hi] (lo when hi < lo). */
long list_clamp(long v, long lo, long hi);

/* Applies the invariant above for a list of n rows shown rows at a time. */
void list_cursor_clamp(struct list_cursor *c, long n, long rows);
/* The cursor clamped, *c unchanged: what a draw function shows. */
struct list_cursor list_cursor_shown(const struct list_cursor *c, long n, long rows);

/* Moves the selection by delta rows (or to LIST_CURSOR_HOME/END), then
 * clamps. Returns true when the selection moved. */
bool list_cursor_move(struct list_cursor *c, long delta, long n, long rows);

/*
 * A list without a selection (the target's thread tables): delta scrolls
 * the window, top stays within [0, n - rows] and sel follows top. Returns
 * true when it scrolled.
 */
bool list_cursor_scroll(struct list_cursor *c, long delta, long n, long rows);
/* The top row such a list is drawn from, *c unchanged. */
long list_cursor_shown_top(const struct list_cursor *c, long n, long rows);

#endif
