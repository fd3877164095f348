/* SPDX-License-Identifier: MIT */
/*
 * graph: a history series drawn as rows of text cells, for the history
 * graphs and sparklines. This is the pure half of the graph widget: it knows
 * nothing of curses, never allocates, and writes only into the caller's
 * buffer, so every cell it produces can be checked by a unit test.
 *
 * Layout: values are oldest first and right-aligned, so the newest value is
 * always in the rightmost column. A graph holds graph_capacity() values; when
 * there are more, the oldest are dropped, and when there are fewer, the left
 * side stays blank. The series is drawn as a filled area from the bottom.
 *
 * Styles:
 * - GRAPH_BRAILLE packs 2 values per cell side by side and 4 dots per cell
 *   vertically (U+2800..U+28FF), so the vertical resolution is height * 4.
 *   A cell with no dot at all is a plain space, not the blank braille glyph.
 * - GRAPH_ASCII draws 1 value per cell with half-cell steps (resolution
 *   height * 2): ' ' empty, '.' lower half filled, ':' cell full.
 *
 * Scaling: values at or below the minimum are empty, values at or above the
 * maximum are full, and anything above the minimum shows at least one dot or
 * one '.', so activity never vanishes from a graph. NaN and infinities are
 * gaps, drawn empty.
 *
 * Layers over and under the area, for the memory graphs:
 * - a line (graph_render_line), e.g. the floor of a heap that saws, drawn on
 *   the area's scale into lines of its own, so the caller can give it its own
 *   colour: in braille one dot per value at the line's level, in ASCII '_'
 *   (lower half of a cell) or '-' (upper half);
 * - a row of marks (graph_render_marks), e.g. garbage collections, aligned
 *   with the values: a cell shows the strongest mark among its values.
 */
#ifndef VIGIL_VIEWS_GRAPH_H
#define VIGIL_VIEWS_GRAPH_H

#include <stdbool.h>
#include <stddef.h>

enum graph_style { GRAPH_BRAILLE, GRAPH_ASCII };

struct graph_opts {
	int width, height; /* in cells, both >= 1 */
	/*
	 * Value range. When max <= min (or either is not finite) the graph
	 * auto-scales from 0 to the largest finite value it shows.
	 */
	double min, max;
	enum graph_style style;
};

/*
 * The exact size in bytes of the lines_buf graph_render needs:
 * height * (width * 3 + 1), room for a 3-byte UTF-8 glyph per cell and a NUL
 * per line. 0 when width or height is below 1.
 */
size_t graph_buf_size(int width, int height);

/* How many values a graph with these options shows (width * 2 for braille). */
size_t graph_capacity(const struct graph_opts *o);

/*
 * Renders values[0..n) (borrowed, oldest first) into o->height lines of
 * o->width cells. lines_buf (caller-owned, graph_buf_size() bytes) receives
 * the text; lines[i] (caller-owned array of o->height pointers) is set to the
 * NUL-terminated UTF-8 string of row i, row 0 at the top, pointing into
 * lines_buf. A sparkline is simply height 1. Returns 0, or -1 when width or
 * height is below 1 (nothing is written then).
 */
int graph_render(const double *values, size_t n, const struct graph_opts *o,
		 char *lines_buf, char **lines);

/*
 * graph_render with a line drawn over the area: line[0..n) (borrowed) is
 * aligned with values, slot for slot, and both share one scale (auto-scaling
 * takes the larger of the two). lines/lines_buf receive the area as with
 * graph_render; line_lines/line_buf (same sizes, caller-owned) receive the
 * line alone, a space in every cell it does not pass through. NaN in line is
 * a gap. line NULL: exactly graph_render. Returns 0, or -1 as graph_render.
 */
int graph_render_line(const double *values, const double *line, size_t n,
		      const struct graph_opts *o, char *lines_buf, char **lines,
		      char *line_buf, char **line_lines);

/* What happened at a value, for a row of marks; a higher one wins a cell. */
enum graph_mark { GRAPH_MARK_NONE, GRAPH_MARK_MINOR, GRAPH_MARK_MAJOR, GRAPH_MARK_N };

/*
 * One row of o->width cells for marks[0..n) (borrowed, enum graph_mark,
 * aligned with a graph's values the same way): ' ' none, minor U+00B7 '·'
 * (ASCII '.'), major U+25B2 '▲' (ASCII '^'). buf (caller-owned) needs
 * graph_buf_size(o->width, 1) bytes and receives one NUL-terminated line.
 * Returns 0, or -1 when width is below 1.
 */
int graph_render_marks(const unsigned char *marks, size_t n, const struct graph_opts *o,
		       char *buf);

/*
 * Scale: what the top of a graph stands for, and how an operator reads it.
 *
 * Every graph on a screen is drawn from 0 at the bottom (never from the
 * smallest value, so a steady series does not look like a wall or a cliff)
 * to a "top" that is printed beside it with its unit ("20 MiB", "100%",
 * "50 ms"), together with the window it covers: "last 1m" live, ending at
 * the time shown; "span 1m" in replay, where the window is around the
 * cursor and slides to stay within the recording (the time bar gives its
 * edges). The top is chosen by graph_nice_top:
 *
 * - it is a "nice" number, 1, 2 or 5 times a power of ten (for bytes, of
 *   the binary unit the value is in: 1, 2, 5 .. 500 KiB, then 1 MiB), so it
 *   reads at a glance;
 * - it is at least GRAPH_HEADROOM times the largest value shown, so the
 *   largest value sits between about a third and 4/5 of the height: a
 *   steady 13 MiB is drawn under a 20 MiB top, not as a full block;
 * - CPU of a process (GRAPH_UNIT_CPU) keeps the whole 0..100% of one core
 *   unless a value exceeds it; a share (GRAPH_UNIT_PCT) never goes above
 *   100%.
 *
 * A graph whose top is fixed by what it measures (the machine's CPU over
 * all cores, memory used out of the total) passes that top instead and
 * labels it the same way.
 */

/* What a graph's values are, for its top and the label of it. */
enum graph_unit {
	GRAPH_UNIT_COUNT,   /* a plain number: "200" */
	GRAPH_UNIT_BYTES,   /* "20 MiB", binary units */
	GRAPH_UNIT_BYTES_S, /* bytes per second, as bytes: "20MiB/s" */
	GRAPH_UNIT_PCT,	    /* a share, 0..100: "5%" */
	GRAPH_UNIT_CPU,	    /* CPU of one core, 100 = one core busy: "100%" */
	GRAPH_UNIT_MS	    /* milliseconds: "500 us", "50 ms", "2 s" */
};

/* The largest value shown is at most 1/GRAPH_HEADROOM of the top. */
#define GRAPH_HEADROOM 1.25

/*
 * The largest finite value among the last graph_capacity(o) of
 * values[0..n) (borrowed), the ones a graph of these options shows, and of
 * line[0..n) when line is not NULL; 0 when there is none above 0.
 */
double graph_shown_max(const double *values, const double *line, size_t n,
		       const struct graph_opts *o);

/*
 * The top of the scale for a series whose largest value is max, by the
 * rules above. Always finite and > 0 (a series of zeros or gaps gets the
 * smallest top of its unit: 1 KiB, 1%, 100% for CPU, 1 ms, 1).
 */
double graph_nice_top(double max, enum graph_unit unit);

/*
 * The label of a top in its unit into buf (caller-owned, len bytes), at
 * most 8 columns for any top graph_nice_top returns: "20 MiB", "500MiB/s",
 * "1 GiB", "15.6 GiB" (a top that is not nice keeps one decimal), "100%", "0.5%",
 * "500 us", "50 ms", "2 s", "200". Returns buf.
 */
const char *graph_scale_text(double top, enum graph_unit unit, char *buf, size_t len);

/*
 * The window of a graph into buf (caller-owned, len bytes): "last 1m",
 * "last 1m30s", "last 6h", "last 1d" for one that ends at the time shown
 * (live); for one around a replay cursor, its length: "span 5m" (its edges
 * are in the time bar). At most 8 columns for the console's windows
 * (1m .. 24h). Returns buf.
 */
const char *graph_window_text(long long window_ms, bool centred, enum graph_style style,
			      char *buf, size_t len);

#endif
