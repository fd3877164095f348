/* SPDX-License-Identifier: MIT */
/*
 * flame_view: see flame_view.h. The layout is analysis/flame's; this file
 * colours the boxes, marks the selection, says the zoom path and moves the
 * selection and zoom along the tree. Nothing is kept between calls.
 */
#include "views/flame_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "views/draw.h"

/* Colour roles a flame box can take, reversed into a coloured block. */
static const enum pal flame_roles[] = {PAL_METER_USER, PAL_METER_SYS, PAL_METER_OTHER,
				       PAL_GRAPH,      PAL_WARN,      PAL_TITLE};
#define NFLAME_ROLES (sizeof(flame_roles) / sizeof(flame_roles[0]))

#define PATH_KEYS "Esc: unzoom, Backspace: up"

static const char *node_function(const struct profile *p, uint32_t node)
{
	return node == 0 ? "all" : p->frames[p->nodes[node].frame].function;
}

static double pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

/* Appends s to buf (of len, holding *used bytes), as much as fits. */
static void append(char *buf, size_t len, size_t *used, const char *s)
{
	size_t n = strlen(s);

	if (*used + 1 >= len)
		return;
	if (n > len - 1 - *used)
		n = len - 1 - *used;
	memcpy(buf + *used, s, n);
	*used += n;
	buf[*used] = '\0';
}

char *flame_view_path(const struct flame_tree *t, uint32_t zoom, bool ascii, int width,
		      char *buf, size_t len)
{
	const struct profile *p = t->profile;
	const char *elide = ascii ? "... > " : "\xe2\x80\xa6 > "; /* U+2026 */
	size_t depth = flame_tree_depth(t, zoom), from = 0, used = 0, room, need;
	uint32_t *chain = xcalloc(depth + 1, sizeof(*chain)); /* root first */
	char prefix[32];

	if (!len)
		return buf;
	for (size_t i = depth + 1, n = zoom; i-- > 0; n = p->nodes[n].parent)
		chain[i] = (uint32_t)n;
	snprintf(prefix, sizeof(prefix), "zoom %zu: ", depth);
	room = width > 0 ? (size_t)width : 0;
	/* the newest callees matter most: drop callers from the root on until
	 * the rest fits (the zoomed frame itself always stays) */
	for (;;) {
		need = strlen(prefix) + (from ? strlen(elide) : 0);
		for (size_t i = from; i <= depth; i++)
			need += strlen(node_function(p, chain[i])) + (i > from ? 3 : 0);
		if (need <= room || from == depth)
			break;
		from++;
	}
	buf[0] = '\0';
	append(buf, len, &used, prefix);
	if (from)
		append(buf, len, &used, elide);
	for (size_t i = from; i <= depth; i++) {
		if (i > from)
			append(buf, len, &used, " > ");
		append(buf, len, &used, node_function(p, chain[i]));
	}
	free(chain);
	return buf;
}

static bool in_boxes(const struct flame_box *b, size_t n, uint32_t node)
{
	for (size_t i = 0; i < n; i++) {
		if (b[i].node == node)
			return true;
	}
	return false;
}

static void draw_box(WINDOW *w, const struct profile *p, const struct flame_box *b,
		     bool selected, int y)
{
	const char *name = node_function(p, b->node);
	attr_t a =
		selected ? pal(PAL_SELECTED) | A_BOLD | A_UNDERLINE
			 : pal(flame_roles[flame_colour(name, NFLAME_ROLES)]) | A_REVERSE;
	int text = b->w > 1 ? b->w - 1 : 1; /* one plain cell parts neighbours */

	wattrset(w, a);
	put_text(w, y, b->x, text, name, true);
	if (b->w > 1) {
		wattrset(w, pal(PAL_NORMAL));
		mvwaddch(w, y, b->x + text, ' ');
	}
}

/* The zoom line: depth and path on the left, the keys out on the right. */
static void draw_path(WINDOW *w, const struct flame_tree *t, uint32_t zoom, bool ascii,
		      int y, int cols)
{
	int keys = (int)strlen(PATH_KEYS), left = cols;
	char path[1024];

	if (cols >= keys + 20) /* the keys only beside a useful path */
		left = cols - keys - 2;
	wattrset(w, pal(PAL_TITLE));
	put_text(w, y, 0, left, flame_view_path(t, zoom, ascii, left, path, sizeof(path)),
		 false);
	if (left < cols) {
		wattrset(w, pal(PAL_DIM));
		put_text(w, y, cols - keys, keys, PATH_KEYS, false);
	}
	wattrset(w, pal(PAL_NORMAL));
}

/* The selected frame's numbers (the last row). */
static void draw_numbers(WINDOW *w, const struct flame_tree *t, uint32_t s, int y,
			 int cols)
{
	const struct profile *p = t->profile;
	const struct profile_frame *fr = &p->frames[p->nodes[s].frame];

	wattrset(w, pal(PAL_STATUS));
	if (s == 0)
		put_textf(w, y, 0, cols, "all: %llu samples",
			  (unsigned long long)t->total[0]);
	else
		put_textf(w, y, 0, cols,
			  "%s%s%s%s  total %.1f%% (%llu)  self %.1f%% (%llu)",
			  node_function(p, s), fr->module[0] ? " (" : "", fr->module,
			  fr->module[0] ? ")" : "", pct(t->total[s], t->total[0]),
			  (unsigned long long)t->total[s], pct(t->self[s], t->total[0]),
			  (unsigned long long)t->self[s]);
	wattrset(w, pal(PAL_NORMAL));
}

void flame_view_draw(WINDOW *w, const struct flame_tree *t, struct profile_view_state *st,
		     bool ascii, int y, int rows, int cols)
{
	const struct profile *p = t->profile;
	int top = y + (st->zoom ? 1 : 0);      /* under the zoom line */
	int graph_rows = rows - 1 - (top - y); /* over the numbers */
	struct flame_box *b;
	size_t n;

	if (graph_rows < 1)
		return;
	if (st->zoom)
		draw_path(w, t, st->zoom, ascii, y, cols);
	b = flame_layout(t, st->zoom, cols, graph_rows, &n);
	if (!b) {
		put_text(w, top, 0, cols, "no samples for this thread", false);
		return;
	}
	/* a selection too narrow or deep to draw moves up to what is drawn */
	while (st->flame_sel != st->zoom && !in_boxes(b, n, st->flame_sel))
		st->flame_sel = p->nodes[st->flame_sel].parent;
	if (!in_boxes(b, n, st->flame_sel))
		st->flame_sel = st->zoom;
	for (size_t i = 0; i < n; i++)
		draw_box(w, p, &b[i], b[i].node == st->flame_sel, top + b[i].row);
	free(b);
	draw_numbers(w, t, st->flame_sel, top + graph_rows, cols);
}

/* The sibling of node step places away among its parent's children. */
static uint32_t sibling(const struct flame_tree *t, uint32_t node, int step)
{
	size_t nk;
	const uint32_t *kids =
		flame_tree_children(t, t->profile->nodes[node].parent, &nk);

	for (size_t i = 0; i < nk; i++) {
		if (kids[i] != node)
			continue;
		if (step < 0 && i > 0)
			return kids[i - 1];
		if (step > 0 && i + 1 < nk)
			return kids[i + 1];
		break;
	}
	return node;
}

enum profile_reaction flame_view_act(struct profile_view_state *st,
				     const struct flame_tree *t, enum profile_action a)
{
	const struct profile *p = t->profile;
	uint32_t before = st->flame_sel, zoom = st->zoom;
	const uint32_t *kids;
	size_t nk;

	switch (a) {
	case PROFILE_ACT_UP:
		if (st->flame_sel != st->zoom)
			st->flame_sel = p->nodes[st->flame_sel].parent;
		break;
	case PROFILE_ACT_DOWN:
		kids = flame_tree_children(t, st->flame_sel, &nk);
		if (nk)
			st->flame_sel = kids[0];
		break;
	case PROFILE_ACT_LEFT:
	case PROFILE_ACT_RIGHT:
		if (st->flame_sel != st->zoom)
			st->flame_sel = sibling(t, st->flame_sel,
						a == PROFILE_ACT_LEFT ? -1 : +1);
		break;
	case PROFILE_ACT_HOME:
		st->flame_sel = st->zoom;
		break;
	case PROFILE_ACT_ENTER:
		st->zoom = st->flame_sel;
		break;
	/* zooming out keeps the selection: it is within every zoom above */
	case PROFILE_ACT_ZOOM_UP:
		if (st->zoom == 0)
			return PROFILE_REACT_NONE;
		st->zoom = p->nodes[st->zoom].parent;
		break;
	case PROFILE_ACT_BACK: /* the whole graph in one press, then leave */
		if (st->zoom == 0)
			return PROFILE_REACT_LEAVE;
		st->zoom = 0;
		break;
	default:
		return PROFILE_REACT_NONE;
	}
	return st->flame_sel != before || st->zoom != zoom ? PROFILE_REACT_REDRAW
							   : PROFILE_REACT_NONE;
}
