/* SPDX-License-Identifier: MIT */
/*
 * graph: history series to text cells (braille or ASCII), no curses.
 *
 * Every value maps to a "level": the number of dots (braille) or half cells
 * (ASCII) filled from the bottom of its column, 0 .. height * per-cell steps.
 * A row then only asks each column how much of that level falls inside it.
 * Values are addressed by "slot", 0 .. capacity, right-aligned: slots left of
 * the first value are blank. Nothing here allocates; the output never exceeds
 * graph_buf_size() because a cell is at most 3 bytes.
 */
#include "views/graph.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define BRAILLE_DOTS 4 /* vertical dots per cell */
#define ASCII_STEPS 2  /* half-cell steps per cell */

/* Dot bits of the U+2800 block for each column, bottom dot first. */
static const unsigned char braille_left[BRAILLE_DOTS] = {0x40, 0x04, 0x02, 0x01};
static const unsigned char braille_right[BRAILLE_DOTS] = {0x80, 0x20, 0x10, 0x08};

/* ASCII glyph per filled half-cells in one cell. */
static const char ascii_glyph[ASCII_STEPS + 1] = {' ', '.', ':'};

struct graph_scale {
	double lo, hi;
	int levels; /* full-scale level: height * steps per cell */
};

/* The series as the graph sees it: right-aligned into capacity slots. */
struct graph_series {
	const double *values; /* only the visible ones */
	size_t blank;	      /* leading empty slots */
};

size_t graph_buf_size(int width, int height)
{
	if (width < 1 || height < 1)
		return 0;
	return (size_t)height * ((size_t)width * 3 + 1);
}

static size_t values_per_cell(enum graph_style style)
{
	return style == GRAPH_ASCII ? 1 : 2;
}

size_t graph_capacity(const struct graph_opts *o)
{
	if (o->width < 1)
		return 0;
	return (size_t)o->width * values_per_cell(o->style);
}

/* lo..hi from the options, else 0..the largest finite value of both series. */
static void scale_init(struct graph_scale *s, const struct graph_opts *o,
		       const double *values, const double *line, size_t n)
{
	s->levels = o->height * (o->style == GRAPH_ASCII ? ASCII_STEPS : BRAILLE_DOTS);
	if (isfinite(o->min) && isfinite(o->max) && o->max > o->min) {
		s->lo = o->min;
		s->hi = o->max;
		return;
	}
	s->lo = 0;
	s->hi = 0;
	for (size_t i = 0; i < n; i++) {
		if (isfinite(values[i]) && values[i] > s->hi)
			s->hi = values[i];
		if (line && isfinite(line[i]) && line[i] > s->hi)
			s->hi = line[i];
	}
	if (s->hi <= 0)
		s->hi = 1; /* nothing above zero: every column is empty anyway */
}

static int scale_level(const struct graph_scale *s, double v)
{
	double frac;
	int level;

	if (!isfinite(v) || v <= s->lo)
		return 0;
	if (v >= s->hi)
		return s->levels;
	/* halves keep a range like -DBL_MAX..DBL_MAX from overflowing */
	frac = (v / 2 - s->lo / 2) / (s->hi / 2 - s->lo / 2);
	if (!(frac < 1))
		return s->levels;
	level = (int)(frac * s->levels + 0.5);
	return level < 1 ? 1 : level; /* activity never vanishes */
}

static double series_at(const struct graph_series *g, size_t slot)
{
	return slot < g->blank ? NAN : g->values[slot - g->blank];
}

/* How many of a column's filled steps land in the cell `above` cells up. */
static int cell_fill(int level, int above, int steps)
{
	int fill = level - above * steps;

	return fill < 0 ? 0 : fill > steps ? steps : fill;
}

/* Writes the braille glyph of dot bits (a space for none); returns bytes. */
static size_t put_bits(char *p, unsigned bits)
{
	if (!bits) {
		*p = ' ';
		return 1;
	}
	/* U+2800 + bits in UTF-8: 1110 0010, 10 1000 bb, 10 bbbbbb */
	p[0] = (char)0xe2;
	p[1] = (char)(0xa0 | (bits >> 6));
	p[2] = (char)(0x80 | (bits & 0x3f));
	return 3;
}

/* Writes one braille cell filled to left and right dots; returns bytes. */
static size_t put_braille(char *p, int left, int right)
{
	unsigned bits = 0;

	for (int i = 0; i < left; i++)
		bits |= braille_left[i];
	for (int i = 0; i < right; i++)
		bits |= braille_right[i];
	return put_bits(p, bits);
}

static void render_row(char *line, const struct graph_series *g,
		       const struct graph_scale *s, const struct graph_opts *o, int above)
{
	char *p = line;

	for (int col = 0; col < o->width; col++) {
		if (o->style == GRAPH_ASCII) {
			int level = scale_level(s, series_at(g, (size_t)col));

			*p++ = ascii_glyph[cell_fill(level, above, ASCII_STEPS)];
		} else {
			size_t slot = (size_t)col * 2;
			int left = scale_level(s, series_at(g, slot));
			int right = scale_level(s, series_at(g, slot + 1));

			p += put_braille(p, cell_fill(left, above, BRAILLE_DOTS),
					 cell_fill(right, above, BRAILLE_DOTS));
		}
	}
	*p = '\0';
}

/*
 * Row `above` of the line alone: in each column, the top step of the line's
 * level when it falls inside this cell. Level 0 (at or below the minimum, or
 * a gap) draws nothing, as it does for the area.
 */
static void render_line_row(char *line, const struct graph_series *g,
			    const struct graph_scale *s, const struct graph_opts *o,
			    int above)
{
	char *p = line;

	for (int col = 0; col < o->width; col++) {
		if (o->style == GRAPH_ASCII) {
			int top = scale_level(s, series_at(g, (size_t)col)) - 1;

			*p++ = top < 0 || top / ASCII_STEPS != above ? ' '
			       : top % ASCII_STEPS		     ? '-'
								     : '_';
		} else {
			size_t slot = (size_t)col * 2;
			int l = scale_level(s, series_at(g, slot)) - 1;
			int r = scale_level(s, series_at(g, slot + 1)) - 1;
			unsigned bits = 0;

			if (l >= 0 && l / BRAILLE_DOTS == above)
				bits |= braille_left[l % BRAILLE_DOTS];
			if (r >= 0 && r / BRAILLE_DOTS == above)
				bits |= braille_right[r % BRAILLE_DOTS];
			p += put_bits(p, bits);
		}
	}
	*p = '\0';
}

/* The visible part of values, right-aligned into the graph's slots. */
static struct graph_series visible(const double *values, size_t n, size_t cap)
{
	size_t first = n > cap ? n - cap : 0;

	return (struct graph_series){
		.values = n ? values + first : values, /* no arithmetic on NULL */
		.blank = cap - (n - first),
	};
}

int graph_render_line(const double *values, const double *line, size_t n,
		      const struct graph_opts *o, char *lines_buf, char **lines,
		      char *line_buf, char **line_lines)
{
	struct graph_series series, over;
	struct graph_scale scale;
	size_t cap, stride;

	if (!o || o->width < 1 || o->height < 1)
		return -1;
	assert(lines_buf && lines && (values || !n));
	assert(!line || (line_buf && line_lines));
	cap = graph_capacity(o);
	stride = (size_t)o->width * 3 + 1;
	series = visible(values, n, cap);
	over = visible(line, line ? n : 0, cap);
	scale_init(&scale, o, series.values, line ? over.values : NULL,
		   n - (n > cap ? n - cap : 0));
	for (int row = 0; row < o->height; row++) {
		lines[row] = lines_buf + (size_t)row * stride;
		render_row(lines[row], &series, &scale, o, o->height - 1 - row);
		if (!line)
			continue;
		line_lines[row] = line_buf + (size_t)row * stride;
		render_line_row(line_lines[row], &over, &scale, o, o->height - 1 - row);
	}
	return 0;
}

int graph_render(const double *values, size_t n, const struct graph_opts *o,
		 char *lines_buf, char **lines)
{
	return graph_render_line(values, NULL, n, o, lines_buf, lines, NULL, NULL);
}

int graph_render_marks(const unsigned char *marks, size_t n, const struct graph_opts *o,
		       char *buf)
{
	static const char *const utf8[GRAPH_MARK_N] = {" ", "\u00b7", "\u25b2"};
	static const char *const ascii[GRAPH_MARK_N] = {" ", ".", "^"};
	size_t cap, per, first, blank;
	char *p = buf;

	if (!o || o->width < 1)
		return -1;
	assert(buf && (marks || !n));
	cap = graph_capacity(o);
	per = values_per_cell(o->style);
	first = n > cap ? n - cap : 0;
	blank = cap - (n - first);
	for (int col = 0; col < o->width; col++) {
		unsigned m = GRAPH_MARK_NONE;

		/* a cell shows the strongest mark among its values */
		for (size_t k = 0; k < per; k++) {
			size_t slot = (size_t)col * per + k;
			unsigned v = slot < blank ? 0 : marks[first + slot - blank];

			if (v < GRAPH_MARK_N && v > m)
				m = v;
		}
		p = stpcpy(p, (o->style == GRAPH_ASCII ? ascii : utf8)[m]);
	}
	*p = '\0';
	return 0;
}

double graph_shown_max(const double *values, const double *line, size_t n,
		       const struct graph_opts *o)
{
	size_t cap = o ? graph_capacity(o) : 0;
	size_t first = n > cap ? n - cap : 0;
	double hi = 0;

	for (size_t i = first; i < n; i++) {
		if (values && isfinite(values[i]) && values[i] > hi)
			hi = values[i];
		if (line && isfinite(line[i]) && line[i] > hi)
			hi = line[i];
	}
	return hi;
}

/* The smallest of 1, 2, 5 times a power of ten that is at least x (> 0). */
static double nice_ceil(double x)
{
	double base = pow(10, floor(log10(x)));
	double m = x / base;

	/* a hair of tolerance: 2.0000000001 from rounding is still 2 */
	if (m <= 1 + 1e-9)
		return base;
	if (m <= 2 + 1e-9)
		return 2 * base;
	if (m <= 5 + 1e-9)
		return 5 * base;
	return 10 * base;
}

/* Bytes: nice in the binary unit the top falls in; 1000 of a unit is 1 of
 * the next, so a label never reads "1000 MiB". */
static double nice_bytes(double want)
{
	double unit = 1, top;

	if (want < 1)
		want = 1;
	while (want / unit >= 1024 && unit < 0x1p60)
		unit *= 1024;
	top = nice_ceil(want / unit);
	return (top >= 1000 ? 1024 : top) * unit;
}

double graph_nice_top(double max, enum graph_unit unit)
{
	double want;

	if (!isfinite(max) || max <= 0) {
		static const double smallest[] = {
			[GRAPH_UNIT_COUNT] = 1,	     [GRAPH_UNIT_BYTES] = 1024,
			[GRAPH_UNIT_BYTES_S] = 1024, [GRAPH_UNIT_PCT] = 1,
			[GRAPH_UNIT_CPU] = 100,	     [GRAPH_UNIT_MS] = 1,
		};
		return smallest[unit];
	}
	want = max * GRAPH_HEADROOM;
	switch (unit) {
	case GRAPH_UNIT_CPU:
		return max <= 100 ? 100 : nice_ceil(want);
	case GRAPH_UNIT_PCT:
		/* a share stops at 100%; one above it is shown as it is */
		return max <= 100 && nice_ceil(want) > 100 ? 100 : nice_ceil(want);
	case GRAPH_UNIT_BYTES:
	case GRAPH_UNIT_BYTES_S:
		return nice_bytes(want);
	case GRAPH_UNIT_COUNT:
	case GRAPH_UNIT_MS:
		break;
	}
	return nice_ceil(want);
}

/* "%.0f" from 100 up (no "1e+03"), else 3 significant digits. */
static void put_number(char *buf, size_t len, double v, const char *suffix)
{
	snprintf(buf, len, v >= 100 ? "%.0f%s" : "%.3g%s", v, suffix);
}

const char *graph_scale_text(double top, enum graph_unit unit, char *buf, size_t len)
{
	static const char *const names[] = {"B",   "KiB", "MiB", "GiB",
					    "TiB", "PiB", "EiB"};
	size_t k = 0;

	if (!isfinite(top) || top < 0)
		top = 0;
	switch (unit) {
	case GRAPH_UNIT_BYTES:
	case GRAPH_UNIT_BYTES_S:
		while (top >= 1024 && k + 1 < sizeof(names) / sizeof(names[0])) {
			top /= 1024;
			k++;
		}
		/* whole numbers as they are; a fixed top (memory total) keeps a
		 * decimal below 100 of its unit; a rate has no room for a space */
		snprintf(buf, len,
			 top == floor(top) || top >= 100 ? "%.0f%s%s%s" : "%.1f%s%s%s",
			 top, unit == GRAPH_UNIT_BYTES_S ? "" : " ", names[k],
			 unit == GRAPH_UNIT_BYTES_S ? "/s" : "");
		break;
	case GRAPH_UNIT_PCT:
	case GRAPH_UNIT_CPU:
		put_number(buf, len, top, "%");
		break;
	case GRAPH_UNIT_MS:
		if (top > 0 && top < 1)
			put_number(buf, len, top * 1000, " us");
		else if (top < 1000)
			put_number(buf, len, top, " ms");
		else
			put_number(buf, len, top / 1000, " s");
		break;
	case GRAPH_UNIT_COUNT:
		put_number(buf, len, top, "");
		break;
	}
	return buf;
}

/* "90s", "2m30s", "5m", "6h", "1d": a span in its largest whole unit. */
static void span_text(long long ms, char *buf, size_t len)
{
	long long s = ms / 1000;

	if (ms < 1000)
		snprintf(buf, len, "%lldms", ms < 0 ? 0 : ms);
	else if (s % 86400 == 0)
		snprintf(buf, len, "%lldd", s / 86400);
	else if (s % 3600 == 0)
		snprintf(buf, len, "%lldh", s / 3600);
	else if (s % 60 == 0)
		snprintf(buf, len, "%lldm", s / 60);
	else if (s > 60 && s < 3600)
		snprintf(buf, len, "%lldm%llds", s / 60, s % 60);
	else
		snprintf(buf, len, "%llds", s);
}

const char *graph_window_text(long long window_ms, bool centred, enum graph_style style,
			      char *buf, size_t len)
{
	char span[32];

	(void)style;
	span_text(window_ms, span, sizeof(span));
	snprintf(buf, len, "%s %s", centred ? "span" : "last", span);
	return buf;
}
