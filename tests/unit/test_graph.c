/* SPDX-License-Identifier: MIT */
/*
 * test_graph: every cell graph_render draws, in braille and ASCII, compared
 * with hand-computed strings. Braille glyphs are also decoded back into dot
 * bits so a failing cell says which dots differ.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "views/graph.h"

#define MAX_ROWS 8
#define MAX_WIDTH 64
#define NVALUES(a) (sizeof(a) / sizeof((a)[0]))

/* One rendered graph, big enough for every test here. */
struct canvas {
	char buf[MAX_ROWS * (MAX_WIDTH * 3 + 1)];
	char *lines[MAX_ROWS];
};

static struct graph_opts opts(int width, int height, double min, double max,
			      enum graph_style style)
{
	struct graph_opts o = {width, height, min, max, style};

	return o;
}

static void draw(struct canvas *c, const double *values, size_t n,
		 const struct graph_opts *o)
{
	assert_true(o->height <= MAX_ROWS && o->width <= MAX_WIDTH);
	memset(c->buf, 'x', sizeof(c->buf));
	assert_int_equal(graph_render(values, n, o, c->buf, c->lines), 0);
}

/* Dot bits of braille cell col in line (a space decodes as 0). */
static unsigned braille_bits(const char *line, int col)
{
	const unsigned char *p = (const unsigned char *)line;

	for (int i = 0; i < col; i++)
		p += *p == ' ' ? 1 : 3;
	if (*p == ' ')
		return 0;
	assert_int_equal(p[0], 0xe2);
	assert_int_equal(p[1] & 0xfc, 0xa0);
	assert_int_equal(p[2] & 0xc0, 0x80);
	return ((p[1] & 0x03u) << 6) | (p[2] & 0x3fu);
}

static void test_braille_ramp(void **state)
{
	const double ramp[] = {1, 2, 3, 4, 5, 6, 7, 8};
	struct graph_opts o = opts(4, 2, 0, 8, GRAPH_BRAILLE);
	struct canvas c;

	(void)state;
	/* 8 dot rows: value v fills v dots from the bottom */
	draw(&c, ramp, NVALUES(ramp), &o);
	assert_string_equal(c.lines[0], "  ⣠⣾");
	assert_string_equal(c.lines[1], "⣠⣾⣿⣿");
	/* cell by cell: left column dots 7,3,2,1 and right 8,6,5,4 bottom up */
	assert_int_equal(braille_bits(c.lines[1], 0), 0x40 | 0x80 | 0x20);
	assert_int_equal(braille_bits(c.lines[1], 1), 0x46 | 0xb8);
	assert_int_equal(braille_bits(c.lines[1], 2), 0xff);
	assert_int_equal(braille_bits(c.lines[1], 3), 0xff);
	assert_int_equal(braille_bits(c.lines[0], 0), 0);
	assert_int_equal(braille_bits(c.lines[0], 1), 0);
	assert_int_equal(braille_bits(c.lines[0], 2), 0x40 | 0x80 | 0x20);
	assert_int_equal(braille_bits(c.lines[0], 3), 0x46 | 0xb8);
	/* lines point into the caller's buffer at a fixed stride */
	assert_ptr_equal(c.lines[0], c.buf);
	assert_ptr_equal(c.lines[1], c.buf + graph_buf_size(4, 1));
}

static void test_ascii_ramp(void **state)
{
	const double ramp[] = {1, 2, 3, 4};
	const double fine[] = {0, 1, 2, 3, 4};
	struct graph_opts o = opts(4, 2, 0, 4, GRAPH_ASCII);
	struct canvas c;

	(void)state;
	draw(&c, ramp, NVALUES(ramp), &o);
	assert_string_equal(c.lines[0], "  .:");
	assert_string_equal(c.lines[1], ".:::");

	/* height 1: two steps, rounding to the nearest half cell */
	o = opts(5, 1, 0, 4, GRAPH_ASCII);
	draw(&c, fine, NVALUES(fine), &o);
	assert_string_equal(c.lines[0], " ..::");
}

static void test_sparkline_height_1(void **state)
{
	const double ramp[] = {1, 2, 3, 4, 5, 6, 7, 8};
	struct graph_opts o = opts(4, 1, 0, 8, GRAPH_BRAILLE);
	struct canvas c;

	(void)state;
	/* 4 dot rows: level = round(v / 2) */
	draw(&c, ramp, NVALUES(ramp), &o);
	assert_string_equal(c.lines[0], "⣀⣤⣶⣿");
	assert_int_equal(braille_bits(c.lines[0], 0), 0xc0);
	assert_int_equal(braille_bits(c.lines[0], 1), 0xe4);
	assert_int_equal(braille_bits(c.lines[0], 2), 0xf6);
	assert_int_equal(braille_bits(c.lines[0], 3), 0xff);
}

static void test_height_3(void **state)
{
	const double two[] = {12, 6};
	const double one[] = {3};
	struct graph_opts o = opts(1, 3, 0, 12, GRAPH_BRAILLE);
	struct canvas c;

	(void)state;
	draw(&c, two, NVALUES(two), &o);
	assert_string_equal(c.lines[0], "⡇");
	assert_string_equal(c.lines[1], "⣧");
	assert_string_equal(c.lines[2], "⣿");

	o = opts(2, 3, 0, 6, GRAPH_ASCII);
	draw(&c, one, NVALUES(one), &o);
	assert_string_equal(c.lines[0], "  ");
	assert_string_equal(c.lines[1], " .");
	assert_string_equal(c.lines[2], " :");
}

static void test_right_aligned(void **state)
{
	const double one[] = {8};
	struct graph_opts o = opts(4, 1, 0, 8, GRAPH_BRAILLE);
	struct canvas c;

	(void)state;
	/* the newest value is the right dot column of the last cell */
	draw(&c, one, NVALUES(one), &o);
	assert_string_equal(c.lines[0], "   ⢸");

	o.style = GRAPH_ASCII;
	draw(&c, one, NVALUES(one), &o);
	assert_string_equal(c.lines[0], "   :");
}

static void test_fewer_values(void **state)
{
	const double three[] = {4, 8, 8};
	struct graph_opts o = opts(3, 1, 0, 8, GRAPH_BRAILLE);
	struct canvas c;

	(void)state;
	/* 6 slots, 3 values: one blank cell, then a right-half-only cell */
	draw(&c, three, NVALUES(three), &o);
	assert_string_equal(c.lines[0], " ⢠⣿");

	o = opts(5, 1, 0, 8, GRAPH_ASCII);
	draw(&c, three, NVALUES(three), &o);
	assert_string_equal(c.lines[0], "  .::");

	/* no values at all */
	draw(&c, NULL, 0, &o);
	assert_string_equal(c.lines[0], "     ");
}

static void test_more_values(void **state)
{
	const double many[] = {4, 4, 4, 0, 4, 2, 1};
	const double six[] = {0, 0, 4, 4, 0, 2};
	struct graph_opts o = opts(2, 1, 0, 4, GRAPH_BRAILLE);
	struct canvas c;

	(void)state;
	/* capacity 4: the oldest three are dropped, {0, 4, 2, 1} remain */
	draw(&c, many, NVALUES(many), &o);
	assert_string_equal(c.lines[0], "⢸⣄");
	assert_int_equal(graph_capacity(&o), 4);

	o = opts(3, 1, 0, 4, GRAPH_ASCII);
	draw(&c, six, NVALUES(six), &o);
	assert_string_equal(c.lines[0], ": .");
	assert_int_equal(graph_capacity(&o), 3);
}

static void test_gaps(void **state)
{
	const double holes[] = {4, NAN, 4, INFINITY};
	const double braille_holes[] = {8, NAN, -INFINITY, 8};
	const double auto_holes[] = {NAN, 2, INFINITY, 4};
	struct graph_opts o = opts(4, 1, 0, 4, GRAPH_ASCII);
	struct canvas c;

	(void)state;
	draw(&c, holes, NVALUES(holes), &o);
	assert_string_equal(c.lines[0], ": : ");

	o = opts(2, 1, 0, 8, GRAPH_BRAILLE);
	draw(&c, braille_holes, NVALUES(braille_holes), &o);
	assert_string_equal(c.lines[0], "⡇⢸");

	/* gaps do not take part in auto-scaling either */
	o = opts(4, 1, 0, 0, GRAPH_ASCII);
	draw(&c, auto_holes, NVALUES(auto_holes), &o);
	assert_string_equal(c.lines[0], " . :");
}

static void test_clamping(void **state)
{
	const double out[] = {5, 25, 10, 15};
	const double tall[] = {25, 5};
	struct graph_opts o = opts(4, 1, 10, 20, GRAPH_ASCII);
	struct canvas c;

	(void)state;
	/* below min empty, above max full, at min empty, midway half */
	draw(&c, out, NVALUES(out), &o);
	assert_string_equal(c.lines[0], " : .");

	o = opts(1, 2, 10, 20, GRAPH_BRAILLE);
	draw(&c, tall, NVALUES(tall), &o);
	assert_string_equal(c.lines[0], "⡇");
	assert_string_equal(c.lines[1], "⡇");
}

static void test_auto_scale(void **state)
{
	const double up[] = {1, 2, 4};
	const double dropped[] = {100, 1, 2};
	const double zeros[] = {0, 0, 0};
	const double negative[] = {-5, -1, 0};
	struct graph_opts o = opts(3, 2, 0, 0, GRAPH_ASCII);
	struct canvas c;

	(void)state;
	/* scaled to the largest value, 4 */
	draw(&c, up, NVALUES(up), &o);
	assert_string_equal(c.lines[0], "  :");
	assert_string_equal(c.lines[1], ".::");

	/* max < min also auto-scales, and from 0, not from min */
	o = opts(3, 2, 3, 1, GRAPH_ASCII);
	draw(&c, up, NVALUES(up), &o);
	assert_string_equal(c.lines[0], "  :");
	assert_string_equal(c.lines[1], ".::");

	/* only what is shown counts: 100 was dropped, so 2 is full scale */
	o = opts(2, 1, 0, 0, GRAPH_ASCII);
	draw(&c, dropped, NVALUES(dropped), &o);
	assert_string_equal(c.lines[0], ".:");

	o = opts(3, 1, 0, 0, GRAPH_BRAILLE);
	draw(&c, zeros, NVALUES(zeros), &o);
	assert_string_equal(c.lines[0], "   ");
	draw(&c, negative, NVALUES(negative), &o);
	assert_string_equal(c.lines[0], "   ");

	/* a non-finite explicit range auto-scales too */
	o = opts(3, 2, 0, INFINITY, GRAPH_ASCII);
	draw(&c, up, NVALUES(up), &o);
	assert_string_equal(c.lines[1], ".::");
}

static void test_tiny_value_visible(void **state)
{
	const double tiny[] = {1e-9, 1000};
	const double tiny_auto[] = {1e-12, 1e6};
	const double alone[] = {1e-9};
	struct graph_opts o = opts(1, 1, 0, 1000, GRAPH_BRAILLE);
	struct canvas c;

	(void)state;
	/* one dot on the left, a full right column */
	draw(&c, tiny, NVALUES(tiny), &o);
	assert_string_equal(c.lines[0], "⣸");
	assert_int_equal(braille_bits(c.lines[0], 0), 0x40 | 0xb8);

	o = opts(2, 1, 0, 0, GRAPH_ASCII);
	draw(&c, tiny_auto, NVALUES(tiny_auto), &o);
	assert_string_equal(c.lines[0], ".:");

	o = opts(1, 3, 0, 1000, GRAPH_ASCII);
	draw(&c, alone, NVALUES(alone), &o);
	assert_string_equal(c.lines[0], " ");
	assert_string_equal(c.lines[1], " ");
	assert_string_equal(c.lines[2], ".");
}

static void test_huge_range(void **state)
{
	const double ends[] = {-1e308, 1e308, 0};
	struct graph_opts o = opts(3, 1, -1.7e308, 1.7e308, GRAPH_ASCII);
	struct canvas c;

	(void)state;
	/* a range wider than DBL_MAX must neither overflow nor go NaN */
	draw(&c, ends, NVALUES(ends), &o);
	assert_string_equal(c.lines[0], ".:.");
}

static void test_bad_opts(void **state)
{
	const double one[] = {1};
	struct graph_opts o = opts(0, 1, 0, 1, GRAPH_BRAILLE);
	struct canvas c;

	(void)state;
	memset(c.buf, 'x', sizeof(c.buf));
	assert_int_equal(graph_render(one, 1, &o, c.buf, c.lines), -1);
	o = opts(1, 0, 0, 1, GRAPH_ASCII);
	assert_int_equal(graph_render(one, 1, &o, c.buf, c.lines), -1);
	o = opts(-3, -3, 0, 1, GRAPH_ASCII);
	assert_int_equal(graph_render(one, 1, &o, c.buf, c.lines), -1);
	assert_int_equal(graph_render(one, 1, NULL, c.buf, c.lines), -1);
	assert_int_equal(c.buf[0], 'x'); /* nothing written */

	assert_int_equal(graph_buf_size(0, 1), 0);
	assert_int_equal(graph_buf_size(1, 0), 0);
	assert_int_equal(graph_buf_size(-1, 4), 0);
	assert_int_equal(graph_buf_size(4, 2), 2 * (4 * 3 + 1));
	assert_int_equal(graph_buf_size(1, 1), 4);
}

static void test_exact_buffer(void **state)
{
	enum { WIDTH = 50, HEIGHT = 4 };
	double full[WIDTH * 2];
	struct graph_opts o = opts(WIDTH, HEIGHT, 0, 1, GRAPH_BRAILLE);
	size_t size = graph_buf_size(WIDTH, HEIGHT);
	char *buf = malloc(size);
	char *lines[HEIGHT];

	(void)state;
	assert_non_null(buf);
	for (size_t i = 0; i < NVALUES(full); i++)
		full[i] = 2;
	/* every cell a 3-byte glyph: the worst case fills the buffer exactly */
	assert_int_equal(graph_render(full, NVALUES(full), &o, buf, lines), 0);
	for (int row = 0; row < HEIGHT; row++) {
		assert_int_equal(strlen(lines[row]), WIDTH * 3);
		for (int col = 0; col < WIDTH; col++)
			assert_int_equal(braille_bits(lines[row], col), 0xff);
	}
	assert_ptr_equal(lines[HEIGHT - 1] + WIDTH * 3, buf + size - 1);
	free(buf);
}

/* The line layer: one dot (braille) or '_'/'-' (ASCII) at its level. */
static void test_line_over_area(void **state)
{
	const double area[] = {8, 8, 8, 8, 8, 8};
	const double line[] = {1, 2, 5, 8, NAN, 0};
	struct graph_opts o = opts(3, 2, 0, 8, GRAPH_BRAILLE);
	struct canvas c, l;

	(void)state;
	memset(l.buf, 'x', sizeof(l.buf));
	assert_int_equal(graph_render_line(area, line, NVALUES(area), &o, c.buf, c.lines,
					   l.buf, l.lines),
			 0);
	/* the area is drawn as graph_render draws it */
	assert_string_equal(c.lines[0], "⣿⣿⣿");
	assert_string_equal(c.lines[1], "⣿⣿⣿");
	/* levels 1 and 2 (bottom cell: left dot 7, right dot 6), 5 (top cell's
	 * lowest left dot) and 8 (top cell's highest right dot); a gap and 0 draw
	 * nothing */
	assert_int_equal(braille_bits(l.lines[1], 0), 0x40 | 0x20);
	assert_int_equal(braille_bits(l.lines[0], 0), 0);
	assert_int_equal(braille_bits(l.lines[0], 1), 0x40 | 0x08);
	assert_int_equal(braille_bits(l.lines[1], 1), 0);
	assert_int_equal(braille_bits(l.lines[0], 2), 0);
	assert_int_equal(braille_bits(l.lines[1], 2), 0);

	/* ASCII: 4 half-cell levels; lower half '_', upper half '-' */
	o = opts(4, 2, 0, 4, GRAPH_ASCII);
	const double aline[] = {1, 2, 3, 4};
	assert_int_equal(
		graph_render_line(area, aline, 4, &o, c.buf, c.lines, l.buf, l.lines), 0);
	assert_string_equal(l.lines[0], "  _-");
	assert_string_equal(l.lines[1], "_-  ");
	/* no line: exactly graph_render */
	assert_int_equal(graph_render_line(area, NULL, 4, &o, c.buf, c.lines, NULL, NULL),
			 0);
	assert_string_equal(c.lines[1], "::::");
}

/* Auto-scaling takes the line into account, so it is never clipped. */
static void test_line_scales_with_area(void **state)
{
	const double area[] = {2, 4};
	const double line[] = {8, 1};
	struct graph_opts o = opts(2, 1, 0, 0, GRAPH_ASCII);
	struct canvas c, l;

	(void)state;
	assert_int_equal(
		graph_render_line(area, line, 2, &o, c.buf, c.lines, l.buf, l.lines), 0);
	/* scale 0..8: area 2 -> level 1 ('.'), 4 -> level 1; line 8 -> top */
	assert_string_equal(c.lines[0], "..");
	assert_string_equal(l.lines[0], "-_");
}

static void test_marks(void **state)
{
	const unsigned char m[] = {GRAPH_MARK_MINOR,
				   0,
				   GRAPH_MARK_MAJOR,
				   GRAPH_MARK_MINOR,
				   0,
				   0,
				   9 /* out of range: nothing */};
	struct graph_opts o = opts(4, 1, 0, 0, GRAPH_BRAILLE);
	char buf[64];

	(void)state;
	/* braille: 2 values a cell, right-aligned like the graph (8 slots, 7
	 * values: the first slot is blank); the stronger mark wins a cell */
	assert_int_equal(graph_render_marks(m, NVALUES(m), &o, buf), 0);
	assert_string_equal(buf, "\u00b7\u25b2\u00b7 ");
	o = opts(8, 1, 0, 0, GRAPH_ASCII);
	assert_int_equal(graph_render_marks(m, NVALUES(m), &o, buf), 0);
	assert_string_equal(buf, " . ^.   ");
	/* more marks than cells: the newest are shown */
	o = opts(2, 1, 0, 0, GRAPH_ASCII);
	assert_int_equal(graph_render_marks(m, 4, &o, buf), 0);
	assert_string_equal(buf, "^.");
	o.width = 0;
	assert_int_equal(graph_render_marks(m, 4, &o, buf), -1);
}

#define MIB (1024.0 * 1024.0)

/* Tops are 1-2-5 steps at least GRAPH_HEADROOM above the largest value. */
static void test_nice_top_steps(void **state)
{
	(void)state;
	assert_true(graph_nice_top(0.7, GRAPH_UNIT_COUNT) == 1);
	assert_true(graph_nice_top(0.8, GRAPH_UNIT_COUNT) == 1);
	assert_true(graph_nice_top(0.81, GRAPH_UNIT_COUNT) == 2);
	assert_true(graph_nice_top(1.6, GRAPH_UNIT_COUNT) == 2);
	assert_true(graph_nice_top(1.7, GRAPH_UNIT_COUNT) == 5);
	assert_true(graph_nice_top(4, GRAPH_UNIT_COUNT) == 5);
	assert_true(graph_nice_top(4.1, GRAPH_UNIT_COUNT) == 10);
	assert_true(graph_nice_top(120, GRAPH_UNIT_COUNT) == 200);
	assert_true(graph_nice_top(0.03, GRAPH_UNIT_MS) == 0.05);
	assert_true(graph_nice_top(13, GRAPH_UNIT_MS) == 20);
	/* the largest value never reaches the top: a steady series does not
	 * fill the graph, and sits at most at 1/GRAPH_HEADROOM of it */
	for (double v = 0.001; v < 1e9; v *= 1.37) {
		double top = graph_nice_top(v, GRAPH_UNIT_COUNT);

		assert_true(v * GRAPH_HEADROOM <= top * (1 + 1e-9));
		assert_true(top < v * GRAPH_HEADROOM * 2.5 * (1 + 1e-9));
	}
}

/* A steady 13 MiB RSS sits well below a 20 MiB top; units step at 1024. */
static void test_nice_top_bytes(void **state)
{
	char t[32];

	(void)state;
	assert_true(graph_nice_top(13 * MIB, GRAPH_UNIT_BYTES) == 20 * MIB);
	assert_string_equal(graph_scale_text(20 * MIB, GRAPH_UNIT_BYTES, t, sizeof(t)),
			    "20 MiB");
	/* 700 MiB * 1.25 > 500: not "1000 MiB" but 1 GiB */
	assert_true(graph_nice_top(700 * MIB, GRAPH_UNIT_BYTES) == 1024 * MIB);
	assert_string_equal(graph_scale_text(1024 * MIB, GRAPH_UNIT_BYTES, t, sizeof(t)),
			    "1 GiB");
	assert_true(graph_nice_top(3000, GRAPH_UNIT_BYTES) == 5 * 1024);
	assert_true(graph_nice_top(100, GRAPH_UNIT_BYTES) == 200);
	assert_string_equal(graph_scale_text(200, GRAPH_UNIT_BYTES, t, sizeof(t)),
			    "200 B");
	/* a rate: the same steps, no room for a space */
	assert_true(graph_nice_top(300 * MIB, GRAPH_UNIT_BYTES_S) == 500 * MIB);
	assert_string_equal(graph_scale_text(500 * MIB, GRAPH_UNIT_BYTES_S, t, sizeof(t)),
			    "500MiB/s");
	assert_true(graph_nice_top(0, GRAPH_UNIT_BYTES) == 1024);
	/* a fixed top that is not nice (a machine's memory) keeps a decimal */
	assert_string_equal(
		graph_scale_text(15.6 * 1024 * MIB, GRAPH_UNIT_BYTES, t, sizeof(t)),
		"15.6 GiB");
	/* every nice top of bytes labels in 8 columns or fewer */
	for (double v = 1; v < 1e18; v *= 1.7)
		assert_true(strlen(graph_scale_text(graph_nice_top(v, GRAPH_UNIT_BYTES),
						    GRAPH_UNIT_BYTES, t, sizeof(t))) <=
			    8);
}

/* CPU keeps one whole core unless a value is above it; a share stops at 100. */
static void test_nice_top_percent(void **state)
{
	char t[32];

	(void)state;
	assert_true(graph_nice_top(0, GRAPH_UNIT_CPU) == 100);
	assert_true(graph_nice_top(3, GRAPH_UNIT_CPU) == 100);
	assert_true(graph_nice_top(100, GRAPH_UNIT_CPU) == 100);
	assert_true(graph_nice_top(150, GRAPH_UNIT_CPU) == 200);
	assert_true(graph_nice_top(390, GRAPH_UNIT_CPU) == 500);
	assert_string_equal(graph_scale_text(100, GRAPH_UNIT_CPU, t, sizeof(t)), "100%");
	assert_true(graph_nice_top(3.2, GRAPH_UNIT_PCT) == 5);
	assert_string_equal(graph_scale_text(5, GRAPH_UNIT_PCT, t, sizeof(t)), "5%");
	assert_true(graph_nice_top(0.3, GRAPH_UNIT_PCT) == 0.5);
	assert_string_equal(graph_scale_text(0.5, GRAPH_UNIT_PCT, t, sizeof(t)), "0.5%");
	assert_true(graph_nice_top(90, GRAPH_UNIT_PCT) == 100);
	assert_true(graph_nice_top(0, GRAPH_UNIT_PCT) == 1);
	assert_true(graph_nice_top(NAN, GRAPH_UNIT_PCT) == 1);
}

static void test_scale_and_window_text(void **state)
{
	char t[32];

	(void)state;
	assert_string_equal(graph_scale_text(0.5, GRAPH_UNIT_MS, t, sizeof(t)), "500 us");
	assert_string_equal(graph_scale_text(50, GRAPH_UNIT_MS, t, sizeof(t)), "50 ms");
	assert_string_equal(graph_scale_text(2000, GRAPH_UNIT_MS, t, sizeof(t)), "2 s");
	assert_string_equal(graph_scale_text(5e6, GRAPH_UNIT_MS, t, sizeof(t)), "5000 s");
	assert_string_equal(graph_scale_text(2000, GRAPH_UNIT_COUNT, t, sizeof(t)),
			    "2000");
	assert_string_equal(graph_window_text(60000, false, GRAPH_BRAILLE, t, sizeof(t)),
			    "last 1m");
	assert_string_equal(graph_window_text(90000, false, GRAPH_BRAILLE, t, sizeof(t)),
			    "last 1m30s");
	assert_string_equal(
		graph_window_text(6 * 3600000LL, false, GRAPH_ASCII, t, sizeof(t)),
		"last 6h");
	assert_string_equal(
		graph_window_text(86400000LL, false, GRAPH_ASCII, t, sizeof(t)),
		"last 1d");
	/* replay: around the cursor, sliding within the recording: its length */
	assert_string_equal(graph_window_text(300000, true, GRAPH_BRAILLE, t, sizeof(t)),
			    "span 5m");
	assert_string_equal(
		graph_window_text(86400000LL, true, GRAPH_ASCII, t, sizeof(t)),
		"span 1d");
	/* every window of the console fits the 8 columns of the label */
	for (int i = 0; i < 6; i++) {
		static const long long zooms[] = {60000,   300000,   900000,
						  3600000, 21600000, 86400000};

		assert_true(strlen(graph_window_text(zooms[i], false, GRAPH_ASCII, t,
						     sizeof(t))) <= 8);
		assert_true(strlen(graph_window_text(zooms[i], true, GRAPH_ASCII, t,
						     sizeof(t))) <= 8);
	}
}

/* The max a graph scales to is that of the values it shows, not older ones. */
static void test_shown_max(void **state)
{
	struct graph_opts o = opts(2, 1, 0, 0, GRAPH_ASCII);
	const double v[] = {100, 3, NAN, 1};
	const double line[] = {0, 0, 7, 0};

	(void)state;
	assert_true(graph_shown_max(v, NULL, 4, &o) == 1);
	o.width = 3;
	assert_true(graph_shown_max(v, NULL, 4, &o) == 3);
	assert_true(graph_shown_max(v, line, 4, &o) == 7);
	assert_true(graph_shown_max(v, NULL, 0, &o) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_braille_ramp),
		cmocka_unit_test(test_ascii_ramp),
		cmocka_unit_test(test_sparkline_height_1),
		cmocka_unit_test(test_height_3),
		cmocka_unit_test(test_right_aligned),
		cmocka_unit_test(test_fewer_values),
		cmocka_unit_test(test_more_values),
		cmocka_unit_test(test_gaps),
		cmocka_unit_test(test_clamping),
		cmocka_unit_test(test_auto_scale),
		cmocka_unit_test(test_tiny_value_visible),
		cmocka_unit_test(test_huge_range),
		cmocka_unit_test(test_bad_opts),
		cmocka_unit_test(test_exact_buffer),
		cmocka_unit_test(test_line_over_area),
		cmocka_unit_test(test_line_scales_with_area),
		cmocka_unit_test(test_marks),
		cmocka_unit_test(test_nice_top_steps),
		cmocka_unit_test(test_nice_top_bytes),
		cmocka_unit_test(test_nice_top_percent),
		cmocka_unit_test(test_scale_and_window_text),
		cmocka_unit_test(test_shown_max),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
