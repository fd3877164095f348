/* SPDX-License-Identifier: MIT */
/*
 * profile_view: the profile screen. A header (pid, mode, rate, duration,
 * samples, lost, sampler, partial and why), a tab bar with the thread
 * filter, and one of three bodies:
 * - Top: functions by self %, total % or name, like `py-spy top`;
 * - Tree: the call tree, expandable, each node with its share of its parent;
 * - Flame: a text flame graph, root on the top row (icicle, as speedscope),
 *   widths proportional to samples, names coloured by a stable hash; zoomed,
 *   a line over it says the depth, the path and the way out
 *   (views/flame_view draws it and moves its selection and zoom).
 * Plus a one-line progress variant for a capture still running, and the
 * list of a session's profiles for replay.
 *
 * Like every view it is a function of (profile, view state, window): it
 * never changes the profile and keeps nothing between calls. The state is
 * the caller's (the tui), plain data; drawing never changes it (it draws a
 * clamped copy), the actions keep it clamped. profile_view_act is the pure half
 * of key handling: keymap.c maps keys to PROFILE_ACT_* in its table and
 * turns the reaction into REACT_* flags.
 *
 * Works at 80x24 and up, with or without colour (palette roles fall back to
 * attributes), and in ASCII mode: then only ASCII is drawn (names that are
 * not ASCII show '?' under a non-UTF-8 locale, as put_text does).
 */
#ifndef VIGIL_VIEWS_PROFILE_VIEW_H
#define VIGIL_VIEWS_PROFILE_VIEW_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/profile.h"
#include "views/listcursor.h"

enum profile_tab { PROFILE_TAB_TOP, PROFILE_TAB_TREE, PROFILE_TAB_FLAME, PROFILE_TAB_N };

/* Sort column of the Top tab; each sorts descending, name ascending. */
enum profile_sort {
	PROFILE_SORT_SELF,
	PROFILE_SORT_TOTAL,
	PROFILE_SORT_NAME,
	PROFILE_SORT_N
};

struct profile_view_state {
	enum profile_tab tab;
	enum profile_sort sort;
	int tid; /* thread filter, 0 = all threads */
	/* Top and Tree: selection and scroll, per tab */
	struct list_cursor cur[PROFILE_TAB_N];
	/* Tree: expanded node ids, ascending; owned (profile_view_state_release) */
	uint32_t *expanded;
	size_t nexpanded, expanded_cap;
	/* Flame: the node shown full width on the top row, and the selected box */
	uint32_t zoom, flame_sel;
	/* replay's list of profiles (profile_list_draw) */
	struct list_cursor list;
};

/* A state for a newly shown profile: Top tab, by self, all threads, nothing
 * expanded (the root's children are always listed), no zoom. */
void profile_view_state_init(struct profile_view_state *st);
/* Frees the expanded set; st may be initialised again. */
void profile_view_state_release(struct profile_view_state *st);

bool profile_view_is_expanded(const struct profile_view_state *st, uint32_t node);
/* Expands or collapses node in the Tree tab. */
void profile_view_set_expanded(struct profile_view_state *st, uint32_t node, bool on);

/*
 * Draws the profile screen into the whole of w. p NULL draws a hint to
 * capture one. ascii: draw only ASCII (tree markers, separators). Draws
 * st's selection, scroll, zoom and thread filter clamped to p and the
 * window; st itself is not changed (profile_view_act keeps it clamped).
 */
void profile_view_draw(WINDOW *w, const struct profile *p,
		       const struct profile_view_state *st, bool ascii);

/* Rows of the body (the list or graph under header and tab bar) in a
 * window of this height, for paging. */
int profile_view_body_rows(int window_rows);

enum profile_action {
	PROFILE_ACT_NEXT_TAB, /* Tab */
	PROFILE_ACT_PREV_TAB, /* Shift-Tab */
	PROFILE_ACT_TAB_TOP,
	PROFILE_ACT_TAB_TREE,
	PROFILE_ACT_TAB_FLAME,
	PROFILE_ACT_UP,	   /* Flame: to the caller (not above the zoom) */
	PROFILE_ACT_DOWN,  /* Flame: to the heaviest callee */
	PROFILE_ACT_LEFT,  /* Tree: collapse, or to the parent; Flame: previous sibling */
	PROFILE_ACT_RIGHT, /* Tree: expand, or to the first child; Flame: next sibling */
	PROFILE_ACT_PAGE_UP,
	PROFILE_ACT_PAGE_DOWN,
	PROFILE_ACT_HOME,
	PROFILE_ACT_END,
	PROFILE_ACT_ENTER,     /* Tree: expand/collapse; Flame: zoom into the selection */
	PROFILE_ACT_BACK,      /* Flame zoomed: back to the whole graph; else leave */
	PROFILE_ACT_ZOOM_UP,   /* Flame: zoom out one level (Backspace) */
	PROFILE_ACT_SORT_NEXT, /* Top: self -> total -> name */
	PROFILE_ACT_THREAD_NEXT, /* all -> each thread by tid -> all */
	PROFILE_ACT_THREAD_PREV,
};

enum profile_reaction {
	PROFILE_REACT_NONE,   /* nothing changed */
	PROFILE_REACT_REDRAW, /* the body changed */
	PROFILE_REACT_LEAVE,  /* Back with nothing to zoom out of: leave the screen */
};

/*
 * Applies action to st for profile p, as the window of window_rows rows
 * shows it. Pure: changes only st. p NULL: only Back does anything.
 */
enum profile_reaction profile_view_act(struct profile_view_state *st,
				       const struct profile *p,
				       enum profile_action action, int window_rows);

/*
 * The progress line of a capture still running:
 * "profiling pid 1234 (perf, 99 Hz): 3.2s left, 1520 samples, 0 lost". Into
 * buf of len; returns buf. left_ms < 0 is an open-ended capture ("until
 * stopped"). Pure, for the status line and tests.
 */
char *profile_progress_text(char *buf, size_t len, int pid, const char *sampler, int hz,
			    int64_t left_ms, uint64_t samples, uint64_t lost);
/* The same, drawn on row y of w across width columns. */
void profile_progress_draw(WINDOW *w, int y, int width, int pid, const char *sampler,
			   int hz, int64_t left_ms, uint64_t samples, uint64_t lost);

/*
 * Replay's list of the session's profiles (query_profiles order, newest
 * first): time, duration, mode, rate, samples, lost, partial. The selection
 * is st->list (drawn clamped); the tui opens it with query_profile_load.
 */
void profile_list_draw(WINDOW *w, const struct profile_meta *list, size_t n,
		       const struct profile_view_state *st);
/* Rows of that list in a window of this height, for list_cursor_move. */
int profile_list_rows(int window_rows);

#endif
