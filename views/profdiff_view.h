/* SPDX-License-Identifier: MIT */
/*
 * profdiff_view: the differential profile screen of `vigil diff --format
 * console` (analysis/profdiff): a header with both sides, and one of two
 * bodies:
 * - Flame: an icicle graph like the profile screen's Flame tab
 *   (analysis/flame lays it out, views/flame_view says the zoom path and
 *   moves the selection), widths from the after side (as FlameGraph's
 *   flamegraph.pl draws a difffolded input) or, toggled, the before side
 *   (so frames that vanished can be seen), each frame coloured by the change
 *   of its total share: red grown, blue shrunk, bold when the change is at
 *   least PROFDIFF_VIEW_STRONG points, plain (reversed) when it is within
 *   the noise (|z| < PROFDIFF_Z). Names of grown and shrunk frames start
 *   with '+' and '-', so the graph reads without colour too.
 * - Top: functions by change in self (or total) share, before and after.
 * A status line says the selection's figures; the last row the keys.
 *
 * A function of (differential, view state, window); drawing never changes
 * the state (it draws a clamped copy). profdiff_view_act is the pure half of
 * key handling; the tui maps keys to actions. Works at 80x24, with or
 * without colour, and in ASCII.
 */
#ifndef VIGIL_VIEWS_PROFDIFF_VIEW_H
#define VIGIL_VIEWS_PROFDIFF_VIEW_H

#include <curses.h>
#include <stdbool.h>

#include "analysis/profdiff.h"
#include "views/listcursor.h"
#include "views/profile_view.h"

/* Changes of at least this many percentage points are drawn bold. */
#define PROFDIFF_VIEW_STRONG 5.0

struct profdiff_view_state {
	bool top;	    /* the Top table instead of the flame graph */
	bool widths_before; /* flame widths from the before side */
	enum profdiff_rank rank;
	/* the flame graph's zoom and selection (zoom, flame_sel) */
	struct profile_view_state flame;
	struct list_cursor cur; /* Top's selection and scroll */
};

void profdiff_view_state_init(struct profdiff_view_state *st);
void profdiff_view_state_release(struct profdiff_view_state *st);

/* Draws the whole screen into w. */
void profdiff_view_draw(WINDOW *w, const struct profdiff *d,
			const struct profdiff_view_state *st, bool ascii, bool color);

enum profdiff_action {
	PROFDIFF_ACT_UP,	/* Flame: to the caller; Top: previous row */
	PROFDIFF_ACT_DOWN,	/* Flame: to the heaviest callee; Top: next row */
	PROFDIFF_ACT_LEFT,	/* Flame: previous sibling */
	PROFDIFF_ACT_RIGHT,	/* Flame: next sibling */
	PROFDIFF_ACT_PAGE_UP,	/* Top */
	PROFDIFF_ACT_PAGE_DOWN, /* Top */
	PROFDIFF_ACT_HOME,
	PROFDIFF_ACT_ENTER,   /* Flame: zoom into the selection */
	PROFDIFF_ACT_ZOOM_UP, /* Flame: zoom out one level (Backspace) */
	PROFDIFF_ACT_BACK,    /* Top: back to the graph; Flame: the whole graph */
	PROFDIFF_ACT_TOGGLE_TOP,
	PROFDIFF_ACT_TOGGLE_WIDTHS,
	PROFDIFF_ACT_RANK_NEXT, /* Top: by self <-> by total */
};

/*
 * Applies action to st for d as a window of window_rows rows shows it. Pure:
 * changes only st (a new rank is for the caller to apply with
 * profdiff_rank). Returns true when the screen must be drawn again.
 */
bool profdiff_view_act(struct profdiff_view_state *st, const struct profdiff *d,
		       enum profdiff_action action, int window_rows);

/* The flame tree the state draws (before or after widths), borrowed from d. */
const struct flame_tree *profdiff_view_tree(const struct profdiff *d,
					    const struct profdiff_view_state *st);

#endif
