/* SPDX-License-Identifier: MIT */
/*
 * flame_view: the Flame tab of the profile screen (views/profile_view), its
 * drawing and its key actions. The graph is an icicle: the zoomed frame on
 * the top row at full width, callees below, widths proportional to samples.
 *
 * Zoom is a path, not a stack of presses: Enter zooms into the selection
 * (any depth at once), Backspace zooms out one level, Esc (PROFILE_ACT_BACK)
 * returns to the whole graph in one press, and only Esc on the whole graph
 * leaves the screen. While zoomed, a line above the graph says the depth,
 * the path from the root (elided from the left when it does not fit) and
 * those two keys, so the way out is always on screen.
 *
 * Only views/profile_view calls this; the state and actions are that
 * module's (profile_view.h).
 */
#ifndef VIGIL_VIEWS_FLAME_VIEW_H
#define VIGIL_VIEWS_FLAME_VIEW_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/flame.h"
#include "views/profile_view.h"

/*
 * Draws the Flame body of t into rows [y, y + rows) of w, cols wide: the
 * zoom path line (when zoomed), the graph, and the selected frame's numbers
 * on the last row. st is the caller's drawing copy: a selection too narrow
 * or too deep to be drawn is moved up to what is drawn, in st only.
 */
void flame_view_draw(WINDOW *w, const struct flame_tree *t, struct profile_view_state *st,
		     bool ascii, int y, int rows, int cols);

/* Applies a Flame action (selection moves, zoom in, zoom out one level or
 * all the way) to st. Pure: changes only st. */
enum profile_reaction flame_view_act(struct profile_view_state *st,
				     const struct flame_tree *t, enum profile_action a);

/*
 * The zoom path of node zoom as one line of at most width bytes (and so
 * columns) in buf of len: "zoom 3: all > main > work", the oldest callers
 * elided ("zoom 3: ... > work", "…" unless ascii) when it does not fit.
 * Returns buf. Pure, for tests.
 */
char *flame_view_path(const struct flame_tree *t, uint32_t zoom, bool ascii, int width,
		      char *buf, size_t len);

#endif
