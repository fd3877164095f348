/* SPDX-License-Identifier: MIT */
/*
 * profdiff_view: see profdiff_view.h. The layout is analysis/flame's and the
 * zoom path and selection moves are views/flame_view's; this file colours
 * boxes by their change, draws the Top table and the header and key rows.
 */
#include "views/profdiff_view.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "views/draw.h"
#include "views/flame_view.h"

#define ROW_HEAD 0
#define ROW_MODE 1
#define ROW_BODY 2
/* header, mode line above the body; status and keys below it */
#define CHROME_ROWS 4

#define KEYS_FLAME "Enter zoom  Bksp up  Esc all  w widths  t top  q quit"
#define KEYS_TOP "Up/Down move  s self/total  t/Esc graph  q quit"

void profdiff_view_state_init(struct profdiff_view_state *st)
{
	memset(st, 0, sizeof(*st));
	profile_view_state_init(&st->flame);
	st->rank = PROFDIFF_BY_TOTAL;
}

void profdiff_view_state_release(struct profdiff_view_state *st)
{
	profile_view_state_release(&st->flame);
}

const struct flame_tree *profdiff_view_tree(const struct profdiff *d,
					    const struct profdiff_view_state *st)
{
	return st->widths_before ? d->tree_b : d->tree_a;
}

static int body_rows(int window_rows)
{
	return window_rows > CHROME_ROWS ? window_rows - CHROME_ROWS : 0;
}

static const char *arrow(bool ascii)
{
	return ascii ? "->" : "\xe2\x86\x92"; /* U+2192 */
}

static const char *node_name(const struct profdiff *d, uint32_t node)
{
	const struct profile *p = d->merged;

	return node == 0 ? "all" : p->frames[p->nodes[node].frame].function;
}

static void draw_header(WINDOW *w, const struct profdiff *d, bool ascii, int cols)
{
	char b[96], a[96];

	snprintf(b, sizeof(b), "%llu samples", (unsigned long long)d->samples_b);
	if (d->before.id)
		snprintf(b + strlen(b), sizeof(b) - strlen(b), " (profile %lld)",
			 (long long)d->before.id);
	snprintf(a, sizeof(a), "%llu samples", (unsigned long long)d->samples_a);
	if (d->after.id)
		snprintf(a + strlen(a), sizeof(a) - strlen(a), " (profile %lld)",
			 (long long)d->after.id);
	wattrset(w, pal(PAL_TITLE));
	put_textf(w, ROW_HEAD, 0, cols, "profile diff  before %s %s after %s", b,
		  arrow(ascii), a);
	wattrset(w, pal(PAL_NORMAL));
}

/* "[Flame] Top  widths: after   +grown -shrunk" */
static void draw_mode(WINDOW *w, const struct profdiff_view_state *st, bool color,
		      int cols)
{
	int x = 0;

	wattrset(w, !st->top ? pal(PAL_SELECTED) | A_BOLD : pal(PAL_NORMAL));
	x += put_text(w, ROW_MODE, x, cols - x, " Flame ", false);
	wattrset(w, st->top ? pal(PAL_SELECTED) | A_BOLD : pal(PAL_NORMAL));
	x += put_text(w, ROW_MODE, x, cols - x, " Top ", false);
	wattrset(w, pal(PAL_DIM));
	if (st->top)
		x += put_textf(w, ROW_MODE, x, cols - x, "  ranked by %s share",
			       st->rank == PROFDIFF_BY_TOTAL ? "total" : "self");
	else
		x += put_textf(w, ROW_MODE, x, cols - x, "  widths: %s",
			       st->widths_before ? "before" : "after");
	x += put_text(w, ROW_MODE, x, cols - x, "   ", false);
	wattrset(w, pal(PAL_GROWN) | (color ? A_REVERSE : A_BOLD));
	x += put_text(w, ROW_MODE, x, cols - x, "+grown", false);
	wattrset(w, pal(PAL_NORMAL));
	x += put_text(w, ROW_MODE, x, cols - x, " ", false);
	wattrset(w, pal(PAL_SHRUNK) | (color ? A_REVERSE : A_BOLD));
	x += put_text(w, ROW_MODE, x, cols - x, "-shrunk", false);
	wattrset(w, pal(PAL_DIM));
	put_textf(w, ROW_MODE, x, cols - x, "  (|z| >= %.0f)", PROFDIFF_Z);
	wattrset(w, pal(PAL_NORMAL));
}

/* The attribute of a box or row with this verdict and change. */
static attr_t change_attr(enum profdiff_verdict v, double change, bool color)
{
	attr_t strong = fabs(change) >= PROFDIFF_VIEW_STRONG ? A_BOLD : 0;

	if (v == PROFDIFF_SAME)
		return color ? pal(PAL_NORMAL) | A_REVERSE : pal(PAL_NORMAL);
	return pal(v == PROFDIFF_GROWN ? PAL_GROWN : PAL_SHRUNK) | A_REVERSE | strong;
}

static char glyph(enum profdiff_verdict v)
{
	return v == PROFDIFF_GROWN ? '+' : v == PROFDIFF_SHRUNK ? '-' : 0;
}

static void draw_box(WINDOW *w, const struct profdiff *d, const struct flame_box *b,
		     bool selected, bool color, int y)
{
	struct profdiff_node nd;
	char label[512];
	int text = b->w > 1 ? b->w - 1 : 1; /* one plain cell parts neighbours */
	char g;

	profdiff_node(d, b->node, &nd);
	g = glyph(nd.verdict);
	snprintf(label, sizeof(label), "%s%s", g ? (g == '+' ? "+" : "-") : "",
		 node_name(d, b->node));
	wattrset(w, selected ? pal(PAL_SELECTED) | A_BOLD | A_UNDERLINE
			     : change_attr(nd.verdict, nd.change, color));
	put_text(w, y, b->x, text, label, true);
	if (b->w > 1) {
		wattrset(w, pal(PAL_NORMAL));
		mvwaddch(w, y, b->x + text, ' ');
	}
}

static void draw_zoom_line(WINDOW *w, const struct flame_tree *t, uint32_t zoom,
			   bool ascii, int y, int cols)
{
	char path[1024];

	wattrset(w, pal(PAL_TITLE));
	put_text(w, y, 0, cols, flame_view_path(t, zoom, ascii, cols, path, sizeof(path)),
		 true);
	wattrset(w, pal(PAL_NORMAL));
}

static bool in_boxes(const struct flame_box *b, size_t n, uint32_t node)
{
	for (size_t i = 0; i < n; i++) {
		if (b[i].node == node)
			return true;
	}
	return false;
}

/* The status line of a call-tree node: its total and self, before -> after. */
static void draw_node_status(WINDOW *w, const struct profdiff *d, uint32_t node,
			     bool ascii, int y, int cols)
{
	struct profdiff_node nd;

	profdiff_node(d, node, &nd);
	wattrset(w, pal(PAL_STATUS));
	put_textf(w, y, 0, cols,
		  "%s  total %.1f%% %s %.1f%% (%+.1f, z %.1f)  self %.1f%% %s %.1f%%",
		  node_name(d, node), nd.total_b.share, arrow(ascii), nd.total_a.share,
		  nd.change, nd.z, nd.self_b.share, arrow(ascii), nd.self_a.share);
	wattrset(w, pal(PAL_NORMAL));
}

static void draw_flame(WINDOW *w, const struct profdiff *d,
		       const struct profdiff_view_state *st, bool ascii, bool color,
		       int rows, int cols)
{
	const struct flame_tree *t = profdiff_view_tree(d, st);
	uint32_t zoom = st->flame.zoom, sel = st->flame.flame_sel;
	int top = ROW_BODY + (zoom ? 1 : 0);
	int graph_rows = body_rows(rows) - (zoom ? 1 : 0);
	struct flame_box *b;
	size_t n;

	if (graph_rows < 1)
		return;
	if (zoom)
		draw_zoom_line(w, t, zoom, ascii, ROW_BODY, cols);
	b = flame_layout(t, zoom, cols, graph_rows, &n);
	if (!b) {
		put_textf(w, top, 0, cols, "no samples here on the %s side",
			  st->widths_before ? "before" : "after");
		return;
	}
	while (sel != zoom && sel != 0 && !in_boxes(b, n, sel))
		sel = d->merged->nodes[sel].parent;
	if (!in_boxes(b, n, sel))
		sel = zoom;
	for (size_t i = 0; i < n; i++)
		draw_box(w, d, &b[i], b[i].node == sel, color, top + b[i].row);
	free(b);
	draw_node_status(w, d, sel, ascii, rows - 2, cols);
}

static void draw_top_row(WINDOW *w, const struct profdiff *d, const struct profdiff_fn *f,
			 const struct profdiff_view_state *st, bool selected, bool color,
			 int y, int cols)
{
	enum profdiff_verdict v =
		st->rank == PROFDIFF_BY_TOTAL ? f->total_verdict : f->self_verdict;
	double change = st->rank == PROFDIFF_BY_TOTAL ? f->total_change : f->self_change;
	char g = glyph(v);

	if (selected)
		wattrset(w, pal(PAL_SELECTED));
	else if (v != PROFDIFF_SAME)
		wattrset(w, (color ? pal(v == PROFDIFF_GROWN ? PAL_GROWN : PAL_SHRUNK)
				   : pal(PAL_NORMAL)) |
				    (fabs(change) >= PROFDIFF_VIEW_STRONG ? A_BOLD : 0));
	else
		wattrset(w, pal(PAL_NORMAL));
	put_textf(w, y, 0, cols, "%c%+7.1f %6.1f %6.1f %+8.1f %6.1f %6.1f  %s",
		  g ? g : ' ', f->self_change, f->self_b.share, f->self_a.share,
		  f->total_change, f->total_b.share, f->total_a.share,
		  profdiff_function(d, f->frame));
	if (selected) /* the highlight spans the row */
		mvwchgat(w, y, 0, cols, pal(PAL_SELECTED), PAIR_NUMBER(pal(PAL_SELECTED)),
			 NULL);
	wattrset(w, pal(PAL_NORMAL));
}

static void draw_top(WINDOW *w, const struct profdiff *d,
		     const struct profdiff_view_state *st, bool ascii, bool color,
		     int rows, int cols)
{
	int list_rows = body_rows(rows) - 1;
	struct list_cursor c = list_cursor_shown(&st->cur, (long)d->nfns, list_rows);
	const struct profdiff_fn *f;

	if (list_rows < 1)
		return;
	wattrset(w, pal(PAL_TABLE_HEAD));
	put_text(w, ROW_BODY, 0, cols,
		 " SELF+-  SELF%B SELF%A  TOTAL+- TOT%B  TOT%A  FUNCTION", true);
	wattrset(w, pal(PAL_NORMAL));
	for (int i = 0; i < list_rows && c.top + i < (long)d->nfns; i++)
		draw_top_row(w, d, &d->fns[c.top + i], st, c.top + i == c.sel, color,
			     ROW_BODY + 1 + i, cols);
	if (!d->nfns)
		return;
	f = &d->fns[c.sel];
	wattrset(w, pal(PAL_STATUS));
	put_textf(w, rows - 2, 0, cols,
		  "%s (%s)  self %llu %s %llu  total %llu %s %llu samples",
		  profdiff_function(d, f->frame), d->merged->frames[f->frame].module,
		  (unsigned long long)f->self_b.n, arrow(ascii),
		  (unsigned long long)f->self_a.n, (unsigned long long)f->total_b.n,
		  arrow(ascii), (unsigned long long)f->total_a.n);
	wattrset(w, pal(PAL_NORMAL));
}

void profdiff_view_draw(WINDOW *w, const struct profdiff *d,
			const struct profdiff_view_state *st, bool ascii, bool color)
{
	int rows = getmaxy(w), cols = getmaxx(w);

	werase(w);
	if (rows < 1 || cols < 1)
		return;
	draw_header(w, d, ascii, cols);
	if (rows < CHROME_ROWS + 1)
		return;
	draw_mode(w, st, color, cols);
	if (st->top)
		draw_top(w, d, st, ascii, color, rows, cols);
	else
		draw_flame(w, d, st, ascii, color, rows, cols);
	wattrset(w, pal(PAL_DIM));
	put_text(w, rows - 1, 0, cols, st->top ? KEYS_TOP : KEYS_FLAME, true);
	wattrset(w, pal(PAL_NORMAL));
}

/* Moves zoom and selection up to nodes with samples in t (after the widths
 * changed side, a frame may have none there). */
static void fit_to_tree(struct profile_view_state *fs, const struct flame_tree *t)
{
	const struct profile *p = t->profile;

	while (fs->zoom != 0 && t->total[fs->zoom] == 0)
		fs->zoom = p->nodes[fs->zoom].parent;
	while (fs->flame_sel != 0 && t->total[fs->flame_sel] == 0)
		fs->flame_sel = p->nodes[fs->flame_sel].parent;
	/* the selection must be under the zoom */
	for (uint32_t n = fs->flame_sel;; n = p->nodes[n].parent) {
		if (n == fs->zoom)
			return;
		if (n == 0)
			break;
	}
	fs->flame_sel = fs->zoom;
}

static bool act_top(struct profdiff_view_state *st, const struct profdiff *d,
		    enum profdiff_action a, int window_rows)
{
	long rows = body_rows(window_rows) - 1, n = (long)d->nfns;

	switch (a) {
	case PROFDIFF_ACT_UP:
		return list_cursor_move(&st->cur, -1, n, rows);
	case PROFDIFF_ACT_DOWN:
		return list_cursor_move(&st->cur, +1, n, rows);
	case PROFDIFF_ACT_PAGE_UP:
		return list_cursor_move(&st->cur, -rows, n, rows);
	case PROFDIFF_ACT_PAGE_DOWN:
		return list_cursor_move(&st->cur, rows, n, rows);
	case PROFDIFF_ACT_HOME:
		return list_cursor_move(&st->cur, LIST_CURSOR_HOME, n, rows);
	case PROFDIFF_ACT_RANK_NEXT:
		st->rank = st->rank == PROFDIFF_BY_SELF ? PROFDIFF_BY_TOTAL
							: PROFDIFF_BY_SELF;
		st->cur = (struct list_cursor){0, 0};
		return true;
	case PROFDIFF_ACT_BACK:
	case PROFDIFF_ACT_TOGGLE_TOP:
		st->top = false;
		return true;
	default:
		return false;
	}
}

bool profdiff_view_act(struct profdiff_view_state *st, const struct profdiff *d,
		       enum profdiff_action a, int window_rows)
{
	static const enum profile_action flame_acts[] = {
		[PROFDIFF_ACT_UP] = PROFILE_ACT_UP,
		[PROFDIFF_ACT_DOWN] = PROFILE_ACT_DOWN,
		[PROFDIFF_ACT_LEFT] = PROFILE_ACT_LEFT,
		[PROFDIFF_ACT_RIGHT] = PROFILE_ACT_RIGHT,
		[PROFDIFF_ACT_HOME] = PROFILE_ACT_HOME,
		[PROFDIFF_ACT_ENTER] = PROFILE_ACT_ENTER,
		[PROFDIFF_ACT_ZOOM_UP] = PROFILE_ACT_ZOOM_UP,
		[PROFDIFF_ACT_BACK] = PROFILE_ACT_BACK,
	};

	if (st->top)
		return act_top(st, d, a, window_rows);
	switch (a) {
	case PROFDIFF_ACT_TOGGLE_TOP:
		st->top = true;
		return true;
	case PROFDIFF_ACT_TOGGLE_WIDTHS:
		st->widths_before = !st->widths_before;
		fit_to_tree(&st->flame, profdiff_view_tree(d, st));
		return true;
	case PROFDIFF_ACT_UP:
	case PROFDIFF_ACT_DOWN:
	case PROFDIFF_ACT_LEFT:
	case PROFDIFF_ACT_RIGHT:
	case PROFDIFF_ACT_HOME:
	case PROFDIFF_ACT_ENTER:
	case PROFDIFF_ACT_ZOOM_UP:
	case PROFDIFF_ACT_BACK:
		/* Back on the whole graph would leave the profile screen; here it
		 * has nowhere to go (q quits) */
		return flame_view_act(&st->flame, profdiff_view_tree(d, st),
				      flame_acts[a]) == PROFILE_REACT_REDRAW;
	default:
		return false;
	}
}
