/* SPDX-License-Identifier: MIT */
/*
 * draw: the curses primitives every panel shares: the palette, text that
 * never spills past its column (UTF-8 aware, control characters neutralised),
 * bar meters and history graphs.
 *
 * Colour is a palette of roles, not colours: a panel asks for PAL_METER_USER
 * and gets a colour pair when colours are on, or a plain/bold/reverse
 * attribute when they are off (--no-color, NO_COLOR, or a monochrome
 * terminal), so every screen stays legible without colour.
 */
#ifndef VIGIL_VIEWS_DRAW_H
#define VIGIL_VIEWS_DRAW_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "views/graph.h"

enum pal {
	PAL_NORMAL,
	PAL_TITLE,	 /* labels in the header */
	PAL_DIM,	 /* secondary text */
	PAL_METER_USER,	 /* CPU user, memory used */
	PAL_METER_SYS,	 /* CPU system, memory buffers */
	PAL_METER_OTHER, /* iowait/steal, memory cache */
	PAL_GRAPH,
	PAL_TABLE_HEAD,
	PAL_SELECTED,
	PAL_STATUS,
	PAL_FKEY,	/* "F1" */
	PAL_FKEY_LABEL, /* "Help" */
	PAL_WARN,
	PAL_BAD,
	PAL_GOOD,
	PAL_FLOOR,  /* a line over a graph: the heap's floor */
	PAL_GROWN,  /* differential flame graph: grew (drawn reversed: red) */
	PAL_SHRUNK, /* differential flame graph: shrank (drawn reversed: blue) */
	PAL_N
};

/* Sets up colour pairs when color is true (after initscr). */
void draw_palette_init(bool color);
/* The attribute of a role under the current palette. */
attr_t pal(enum pal role);

/*
 * Writes s at (y, x) using at most width columns, counting display width of
 * UTF-8 (wide characters take two). What core/textsafe calls unprintable
 * (C0, DEL, C1, each invalid byte), and what the locale cannot show, is one
 * '?' per character, so a hostile name keeps its width and cannot drive the
 * terminal. Pads with spaces to width when pad is true. Never writes past
 * the window's right edge nor anywhere when (y, x) is outside it (then 0).
 * Returns the columns used.
 */
int put_text(WINDOW *w, int y, int x, int width, const char *s, bool pad);
/*
 * s after its first cols columns as put_text counts them (a wide character
 * that straddles the edge is skipped whole): what a text scrolled left by
 * cols columns shows from.
 */
const char *text_after_cols(const char *s, int cols);
/* printf into put_text. */
int put_textf(WINDOW *w, int y, int x, int width, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/*
 * put_text for lines of words and table rows: when s does not fit it is cut
 * after the last word that fits whole (a word ends at a space), so a
 * narrow terminal never shows part of a figure ("1" of "13M") or of a word;
 * a first word that does not fit leaves the line blank.
 */
int put_words(WINDOW *w, int y, int x, int width, const char *s, bool pad);
/* printf into put_words. */
int put_wordsf(WINDOW *w, int y, int x, int width, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* One segment of a bar meter: a share of the whole and its colour role. */
struct meter_part {
	double value;
	enum pal role;
};

/*
 * "LABEL[|||||||     text]" in width columns: parts stacked left to right,
 * scaled to total; text right-aligned inside the brackets.
 */
void draw_meter(WINDOW *w, int y, int x, int width, const char *label,
		const struct meter_part *parts, size_t nparts, double total,
		const char *text);

/*
 * A history graph of values (oldest first) in a box of width x height cells
 * at (y, x), drawn with graph_render in the given style and range.
 */
void draw_graph(WINDOW *w, int y, int x, int width, int height, const double *values,
		size_t n, double min, double max, bool ascii, enum pal role);

/*
 * draw_graph with a line over it (graph_render_line): line[0..n) on the same
 * scale, drawn in line_role only where it passes. line NULL: draw_graph.
 */
void draw_graph_line(WINDOW *w, int y, int x, int width, int height, const double *values,
		     const double *line, size_t n, double min, double max, bool ascii,
		     enum pal role, enum pal line_role);

/* Columns right of a scaled graph for its labels: a space and 8 columns. */
#define DRAW_SCALE_COLS 9

/* A history graph with its scale (views/graph.h: Scale). */
struct graph_spec {
	const double *values, *line; /* borrowed, n each; line may be NULL */
	size_t n;
	enum graph_unit unit;
	double top; /* > 0: fixed by what is measured; else graph_nice_top */
	long long window_ms;
	bool centred; /* the window is centred on the time shown (replay) */
	enum pal role, line_role;
};

/*
 * The graph of g in width - DRAW_SCALE_COLS cells at (y, x), from 0 to its
 * top, and right of it the top with its unit on the first row and the
 * window on the last ("20 MiB" over "last 1m"; a one-row graph gets both on
 * its row when they fit, else the top). The n values span window_ms; a
 * graph too narrow for all of them shows the newest and labels the part of
 * the window they cover. Nothing when width leaves fewer than 4 cells.
 */
void draw_graph_scaled(WINDOW *w, int y, int x, int width, int height, bool ascii,
		       const struct graph_spec *g);

/* The cells of the graph draw_graph_scaled draws in width columns. */
int draw_graph_cells(int width);

/*
 * "a  b  c" from fields[0..n) at (y, x) within width columns, two spaces
 * apart: a field that does not fit whole is left out with every one after
 * it, so a narrow terminal loses fields, never shows half of one or runs
 * two together. NULL or "" fields are skipped. Returns the columns used.
 */
int put_fields(WINDOW *w, int y, int x, int width, const char *const *fields, size_t n);

/*
 * A row of marks under a graph of the same width and n (graph_render_marks):
 * minor marks in minor_role, major ones in major_role.
 */
void draw_graph_marks(WINDOW *w, int y, int x, int width, const unsigned char *marks,
		      size_t n, bool ascii, enum pal minor_role, enum pal major_role);

#endif
