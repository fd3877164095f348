/* SPDX-License-Identifier: MIT */
/*
 * draw: palette, width-safe text, meters and graphs on curses windows.
 * Nothing here keeps state beyond the palette table.
 */
#include "views/draw.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/textsafe.h"
#include "core/xalloc.h"

static attr_t palette[PAL_N];

struct pal_spec {
	short fg, bg;
	attr_t extra;	 /* with colour */
	attr_t fallback; /* without colour */
};

static const struct pal_spec specs[PAL_N] = {
	[PAL_NORMAL] = {-1, -1, 0, 0},
	[PAL_TITLE] = {COLOR_CYAN, -1, A_BOLD, A_BOLD},
	[PAL_DIM] = {COLOR_BLUE, -1, A_BOLD, A_DIM},
	[PAL_METER_USER] = {COLOR_GREEN, -1, 0, 0},
	[PAL_METER_SYS] = {COLOR_RED, -1, 0, A_BOLD},
	[PAL_METER_OTHER] = {COLOR_YELLOW, -1, 0, A_DIM},
	[PAL_GRAPH] = {COLOR_CYAN, -1, 0, 0},
	[PAL_TABLE_HEAD] = {COLOR_BLACK, COLOR_GREEN, 0, A_REVERSE},
	[PAL_SELECTED] = {COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE},
	[PAL_STATUS] = {COLOR_CYAN, -1, 0, 0},
	[PAL_FKEY] = {-1, -1, A_BOLD, A_BOLD},
	[PAL_FKEY_LABEL] = {COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE},
	[PAL_WARN] = {COLOR_YELLOW, -1, A_BOLD, A_BOLD},
	[PAL_BAD] = {COLOR_RED, -1, A_BOLD, A_BOLD | A_REVERSE},
	[PAL_GOOD] = {COLOR_GREEN, -1, A_BOLD, 0},
	[PAL_FLOOR] = {COLOR_MAGENTA, -1, A_BOLD, A_BOLD},
	[PAL_GROWN] = {COLOR_RED, -1, 0, 0},
	[PAL_SHRUNK] = {COLOR_BLUE, -1, 0, 0},
};

void draw_palette_init(bool color)
{
	for (int i = 0; i < PAL_N; i++) {
		palette[i] = specs[i].fallback;
		if (!color || i == PAL_NORMAL)
			continue;
		init_pair((short)i, specs[i].fg, specs[i].bg);
		palette[i] = COLOR_PAIR(i) | specs[i].extra;
	}
}

attr_t pal(enum pal role)
{
	return palette[role];
}

/*
 * The character at s as put_text shows it: *wc and its columns (*cw);
 * returns its bytes. core/textsafe decides what is printable (the report
 * agrees); the locale then decides whether this terminal can show it.
 */
static size_t shown_char(const char *s, wchar_t *wc, int *cw)
{
	bool printable;
	size_t n = text_char(s, &printable);

	*wc = L'?';
	*cw = 1;
	if (printable) {
		mbstate_t st;

		memset(&st, 0, sizeof(st));
		if (mbrtowc(wc, s, n, &st) != n || (*cw = wcwidth(*wc)) < 0) {
			*wc = L'?';
			*cw = 1;
		}
	}
	return n;
}

/* Columns put_text needs for all of s. */
static int text_cols(const char *s)
{
	int cols = 0;

	while (s && *s) {
		wchar_t wc;
		int cw;

		s += shown_char(s, &wc, &cw);
		cols += cw;
	}
	return cols;
}

const char *text_after_cols(const char *s, int cols)
{
	while (*s && cols > 0) {
		wchar_t wc;
		int cw;

		s += shown_char(s, &wc, &cw);
		cols -= cw;
	}
	return s;
}

int put_text(WINDOW *w, int y, int x, int width, const char *s, bool pad)
{
	int used = 0;

	/* outside the window: nothing, rather than writing wherever the
	 * cursor was left (the end of the line before) */
	if (width < 1 || wmove(w, y, x) == ERR)
		return 0;
	if (width > getmaxx(w) - x) /* never wraps onto the next line */
		width = getmaxx(w) - x;
	while (s && *s && used < width) {
		wchar_t wc;
		int cw;
		size_t n = shown_char(s, &wc, &cw);

		if (used + cw > width)
			break;
		if (cw > 0) {
			wchar_t one[2] = {wc, 0};

			waddnwstr(w, one, 1);
		}
		used += cw;
		s += n;
	}
	while (pad && used < width) {
		waddch(w, ' ');
		used++;
	}
	return used;
}

int put_words(WINDOW *w, int y, int x, int width, const char *s, bool pad)
{
	char buf[1024];
	const char *p = s;
	size_t cut = 0;
	int cols = 0;

	if (!s || text_cols(s) <= width)
		return put_text(w, y, x, width, s, pad);
	/* the end of the last word that fits whole */
	while (*p) {
		wchar_t wc;
		int cw;
		size_t n = shown_char(p, &wc, &cw);

		if (cols + cw > width)
			break;
		cols += cw;
		p += n;
		if (*p == ' ')
			cut = (size_t)(p - s);
	}
	if (cut >= sizeof(buf))
		cut = sizeof(buf) - 1;
	memcpy(buf, s, cut);
	buf[cut] = '\0';
	return put_text(w, y, x, width, buf, pad);
}

int put_wordsf(WINDOW *w, int y, int x, int width, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return put_words(w, y, x, width, buf, false);
}

int put_textf(WINDOW *w, int y, int x, int width, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return put_text(w, y, x, width, buf, false);
}

void draw_meter(WINDOW *w, int y, int x, int width, const char *label,
		const struct meter_part *parts, size_t nparts, double total,
		const char *text)
{
	int lw = (int)strlen(label), inner, filled = 0, tlen = (int)strlen(text);

	wattrset(w, pal(PAL_TITLE));
	put_text(w, y, x, width, label, false);
	inner = width - lw - 2;
	if (inner < 1)
		return;
	wattrset(w, A_BOLD);
	mvwaddch(w, y, x + lw, '[');
	for (size_t i = 0; i < nparts && total > 0; i++) {
		int cells = (int)lround(parts[i].value / total * inner);

		if (cells > inner - filled)
			cells = inner - filled;
		wattrset(w, pal(parts[i].role));
		for (int c = 0; c < cells; c++)
			mvwaddch(w, y, x + lw + 1 + filled + c, '|');
		filled += cells;
	}
	wattrset(w, pal(PAL_NORMAL));
	for (int c = filled; c < inner; c++)
		mvwaddch(w, y, x + lw + 1 + c, ' ');
	if (tlen <= inner) {
		wattrset(w, pal(PAL_DIM));
		put_text(w, y, x + lw + 1 + inner - tlen, tlen, text, false);
	}
	wattrset(w, A_BOLD);
	mvwaddch(w, y, x + lw + 1 + inner, ']');
	wattrset(w, pal(PAL_NORMAL));
}

/*
 * Puts the cells of a rendered row that are not blank, each in the role
 * role_of picks for it (NULL: role), leaving the cells under the blanks as
 * they are: how a layer goes over what is already drawn.
 */
static void put_cells(WINDOW *w, int y, int x, int width, const char *s, enum pal role,
		      enum pal (*role_of)(wchar_t wc, void *arg), void *arg)
{
	mbstate_t st;
	size_t left = strlen(s);

	memset(&st, 0, sizeof(st));
	for (int col = 0; col < width && left; col++) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, left, &st);

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0)
			return; /* graph.c writes valid UTF-8; stop rather than guess */
		if (wc != L' ') {
			wchar_t one[2] = {wc, 0};

			wattrset(w, pal(role_of ? role_of(wc, arg) : role));
			mvwaddnwstr(w, y, x + col, one, 1);
		}
		s += n;
		left -= n;
	}
}

void draw_graph_line(WINDOW *w, int y, int x, int width, int height, const double *values,
		     const double *line, size_t n, double min, double max, bool ascii,
		     enum pal role, enum pal line_role)
{
	struct graph_opts o = {.width = width,
			       .height = height,
			       .min = min,
			       .max = max,
			       .style = ascii ? GRAPH_ASCII : GRAPH_BRAILLE};
	size_t size = graph_buf_size(width, height);
	char *buf, *lbuf, **lines, **llines;

	if (width < 1 || height < 1)
		return;
	/* one block, the row pointers first (aligned): a tall graph on a wide
	 * terminal is tens of KiB */
	lines = xmalloc(2 * (size_t)height * sizeof(char *) + 2 * size);
	llines = lines + height;
	buf = (char *)(llines + height);
	lbuf = buf + size;
	if (graph_render_line(values, line, n, &o, buf, lines, lbuf, llines) == 0) {
		wattrset(w, pal(role));
		for (int r = 0; r < height; r++)
			put_text(w, y + r, x, width, lines[r], false);
		for (int r = 0; line && r < height; r++)
			put_cells(w, y + r, x, width, llines[r], line_role, NULL, NULL);
		wattrset(w, pal(PAL_NORMAL));
	}
	free(lines);
}

void draw_graph(WINDOW *w, int y, int x, int width, int height, const double *values,
		size_t n, double min, double max, bool ascii, enum pal role)
{
	draw_graph_line(w, y, x, width, height, values, NULL, n, min, max, ascii, role,
			role);
}

struct mark_roles {
	enum pal minor, major;
};

static enum pal mark_role(wchar_t wc, void *arg)
{
	const struct mark_roles *r = arg;

	return wc == L'^' || wc == 0x25b2 ? r->major : r->minor;
}

void draw_graph_marks(WINDOW *w, int y, int x, int width, const unsigned char *marks,
		      size_t n, bool ascii, enum pal minor_role, enum pal major_role)
{
	struct graph_opts o = {.width = width,
			       .height = 1,
			       .style = ascii ? GRAPH_ASCII : GRAPH_BRAILLE};
	struct mark_roles roles = {minor_role, major_role};
	char buf[4096];

	if (width < 1 || graph_buf_size(width, 1) > sizeof(buf))
		return;
	if (graph_render_marks(marks, n, &o, buf) < 0)
		return;
	put_cells(w, y, x, width, buf, PAL_NORMAL, mark_role, &roles);
	wattrset(w, pal(PAL_NORMAL));
}

int draw_graph_cells(int width)
{
	return width - DRAW_SCALE_COLS;
}

void draw_graph_scaled(WINDOW *w, int y, int x, int width, int height, bool ascii,
		       const struct graph_spec *g)
{
	int gw = draw_graph_cells(width), lx = x + gw + 1, lw = DRAW_SCALE_COLS - 1;
	struct graph_opts o = {.width = gw,
			       .height = height,
			       .style = ascii ? GRAPH_ASCII : GRAPH_BRAILLE};
	double top = g->top;
	long long window = g->window_ms;
	char t[32], win[32], both[64];
	const char *short_win;

	if (gw < 4 || height < 1)
		return;
	/* the n values span the window: a narrower graph shows the newest
	 * part of it, and says so */
	if (g->n > graph_capacity(&o))
		window = window * (long long)graph_capacity(&o) / (long long)g->n;
	if (!(top > 0))
		top = graph_nice_top(graph_shown_max(g->values, g->line, g->n, &o),
				     g->unit);
	draw_graph_line(w, y, x, gw, height, g->values, g->line, g->n, 0, top, ascii,
			g->role, g->line_role);
	graph_scale_text(top, g->unit, t, sizeof(t));
	graph_window_text(window, g->centred, o.style, win, sizeof(win));
	wattrset(w, pal(PAL_DIM));
	/* a window that is not one of the zooms ("last 4m36s", the part a
	 * narrow graph shows) loses its "last " rather than its figure */
	short_win = strncmp(win, "last ", 5) ? win : win + 5;
	if (height > 1) {
		put_words(w, y, lx, lw, t, true);
		put_words(w, y + height - 1, lx, lw,
			  text_cols(win) <= lw ? win : short_win, true);
	} else {
		/* "5% 1m" when both fit, else the top alone */
		snprintf(both, sizeof(both), "%s %s", t, short_win);
		put_words(w, y, lx, lw, text_cols(both) <= lw ? both : t, true);
	}
	wattrset(w, pal(PAL_NORMAL));
}

int put_fields(WINDOW *w, int y, int x, int width, const char *const *fields, size_t n)
{
	int used = 0;

	for (size_t i = 0; i < n; i++) {
		int need;

		if (!fields[i] || !fields[i][0])
			continue;
		need = text_cols(fields[i]) + (used ? 2 : 0);
		if (used + need > width)
			break;
		used += put_text(w, y, x + used, width - used, used ? "  " : "", false);
		used += put_text(w, y, x + used, width - used, fields[i], false);
	}
	return used;
}
