/* SPDX-License-Identifier: MIT */
/*
 * profile_view: header, tab bar and the Top / Tree / Flame bodies of one
 * profile (the Flame body is views/flame_view), the key actions on its view
 * state, the capture progress line and replay's list of profiles.
 *
 * Everything derived (function ranking, call-tree totals for the thread
 * filter, the visible tree rows, the flame layout) is computed per draw or
 * per action from the profile and thrown away: a view keeps no state, and a
 * profile of 100k nodes costs milliseconds, far below a key press.
 *
 * Screen rows: 0 header, 1 why (partial or fallbacks), 2 tab bar, 3.. body.
 * Top and Tree put a column header on the first body row; Flame puts its
 * zoom path there when zoomed and keeps the last body row for the selected
 * frame's numbers.
 */
#include "views/profile_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/flame.h"
#include "core/units.h"
#include "core/xalloc.h"
#include "views/draw.h"
#include "views/flame_view.h"

#define ROW_HEAD 0
#define ROW_WHY 1
#define ROW_TABS 2
#define ROW_BODY 3

static const char *const tab_names[PROFILE_TAB_N] = {"Top", "Tree", "Flame"};
static const char *const sort_names[PROFILE_SORT_N] = {"self", "total", "name"};

/* ---- state ---- */

void profile_view_state_init(struct profile_view_state *st)
{
	memset(st, 0, sizeof(*st));
	st->tab = PROFILE_TAB_TOP;
	st->sort = PROFILE_SORT_SELF;
}

void profile_view_state_release(struct profile_view_state *st)
{
	free(st->expanded);
	st->expanded = NULL;
	st->nexpanded = st->expanded_cap = 0;
}

/* Index of node in the expanded set, or where it would go; *found says. */
static size_t expanded_find(const struct profile_view_state *st, uint32_t node,
			    bool *found)
{
	size_t lo = 0, hi = st->nexpanded;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (st->expanded[mid] < node)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < st->nexpanded && st->expanded[lo] == node;
	return lo;
}

bool profile_view_is_expanded(const struct profile_view_state *st, uint32_t node)
{
	bool found;

	expanded_find(st, node, &found);
	return found;
}

void profile_view_set_expanded(struct profile_view_state *st, uint32_t node, bool on)
{
	bool found;
	size_t i = expanded_find(st, node, &found);

	if (on && !found) {
		st->expanded = xgrow(st->expanded, &st->expanded_cap, st->nexpanded + 1,
				     sizeof(*st->expanded));
		memmove(st->expanded + i + 1, st->expanded + i,
			(st->nexpanded - i) * sizeof(*st->expanded));
		st->expanded[i] = node;
		st->nexpanded++;
	} else if (!on && found) {
		memmove(st->expanded + i, st->expanded + i + 1,
			(st->nexpanded - i - 1) * sizeof(*st->expanded));
		st->nexpanded--;
	}
}

/* ---- what a draw or an action derives from the profile ---- */

struct tree_row {
	uint32_t node;
	int depth; /* 0 for the root's children */
};

struct derived {
	const struct profile *p;
	struct flame_tree *tree;
	struct profile_fn *fns; /* Top, in st->sort order */
	size_t nfns;
	struct tree_row *rows; /* Tree, visible rows */
	size_t nrows;
};

struct sort_ctx {
	const struct profile *p;
	enum profile_sort sort;
};

static int by_sort(const void *a, const void *b, void *ctx)
{
	const struct profile_fn *x = a, *y = b;
	const struct profile *p = ((const struct sort_ctx *)ctx)->p;
	enum profile_sort sort = ((const struct sort_ctx *)ctx)->sort;
	int c;

	switch (sort) {
	case PROFILE_SORT_TOTAL:
		if (x->total != y->total)
			return x->total > y->total ? -1 : 1;
		if (x->self != y->self)
			return x->self > y->self ? -1 : 1;
		break;
	case PROFILE_SORT_NAME:
		c = strcmp(p->frames[x->frame].function, p->frames[y->frame].function);
		if (c)
			return c;
		break;
	case PROFILE_SORT_SELF:
	case PROFILE_SORT_N:
		if (x->self != y->self)
			return x->self > y->self ? -1 : 1;
		if (x->total != y->total)
			return x->total > y->total ? -1 : 1;
		break;
	}
	return x->frame < y->frame ? -1 : x->frame > y->frame;
}

static void flatten_tree(struct derived *d, const struct profile_view_state *st)
{
	struct tree_row *stack = NULL;
	size_t depth = 0, stack_cap = 0, cap = 0;
	const uint32_t *kids;
	size_t nk;

	/* a stack of rows still to emit, pushed in reverse so the heaviest pops
	 * first: depth-first, in display order */
	kids = flame_tree_children(d->tree, 0, &nk);
	stack = xgrow(stack, &stack_cap, nk, sizeof(*stack));
	for (size_t i = nk; i-- > 0;)
		stack[depth++] = (struct tree_row){kids[i], 0};
	while (depth > 0) {
		struct tree_row r = stack[--depth];

		d->rows = xgrow(d->rows, &cap, d->nrows + 1, sizeof(*d->rows));
		d->rows[d->nrows++] = r;
		if (!profile_view_is_expanded(st, r.node))
			continue;
		kids = flame_tree_children(d->tree, r.node, &nk);
		stack = xgrow(stack, &stack_cap, depth + nk, sizeof(*stack));
		for (size_t i = nk; i-- > 0;)
			stack[depth++] = (struct tree_row){kids[i], r.depth + 1};
	}
	free(stack);
}

/* Sorted distinct tids of p's counts into a new array; *n set. */
static int *thread_ids(const struct profile *p, size_t *n)
{
	int *tids = xcalloc(p->ncounts ? p->ncounts : 1, sizeof(*tids));
	size_t m = 0;

	for (size_t i = 0; i < p->ncounts; i++) {
		bool seen = false;

		for (size_t j = 0; j < m && !seen; j++)
			seen = tids[j] == p->counts[i].tid;
		if (!seen)
			tids[m++] = p->counts[i].tid;
	}
	for (size_t i = 1; i < m; i++) { /* few threads: insertion sort */
		int v = tids[i];
		size_t j = i;

		for (; j > 0 && tids[j - 1] > v; j--)
			tids[j] = tids[j - 1];
		tids[j] = v;
	}
	*n = m;
	return tids;
}

static bool has_thread(const struct profile *p, int tid)
{
	for (size_t i = 0; i < p->ncounts; i++) {
		if (p->counts[i].tid == tid)
			return true;
	}
	return false;
}

/* Derives what the current tab needs; also resets a stale thread filter or
 * zoom in st. */
static void derive(struct derived *d, const struct profile *p,
		   struct profile_view_state *st)
{
	memset(d, 0, sizeof(*d));
	d->p = p;
	if (st->tid != 0 && !has_thread(p, st->tid))
		st->tid = 0;
	d->tree = flame_tree_new(p, st->tid);
	if (st->zoom >= p->nnodes || d->tree->total[st->zoom] == 0)
		st->zoom = 0;
	if (st->flame_sel >= p->nnodes || d->tree->total[st->flame_sel] == 0)
		st->flame_sel = st->zoom;
	if (st->tab == PROFILE_TAB_TOP) {
		struct sort_ctx ctx = {p, st->sort};

		d->fns = profile_top(p, st->tid, &d->nfns);
		qsort_r(d->fns, d->nfns, sizeof(*d->fns), by_sort, &ctx);
	} else if (st->tab == PROFILE_TAB_TREE) {
		flatten_tree(d, st);
	}
}

static void derived_release(struct derived *d)
{
	flame_tree_free(d->tree);
	free(d->fns);
	free(d->rows);
}

static size_t list_len(const struct derived *d, enum profile_tab tab)
{
	return tab == PROFILE_TAB_TOP ? d->nfns : tab == PROFILE_TAB_TREE ? d->nrows : 0;
}

int profile_view_body_rows(int window_rows)
{
	return window_rows > ROW_BODY ? window_rows - ROW_BODY : 0;
}

/* Rows of the list under its column header. */
static int list_rows(int window_rows)
{
	int body = profile_view_body_rows(window_rows);

	return body > 1 ? body - 1 : 0;
}

static double pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

/* ---- drawing ---- */

static const char *thread_comm(const struct profile *p, int tid)
{
	for (size_t i = 0; i < p->nthreads; i++) {
		if (p->threads[i].tid == tid)
			return p->threads[i].comm;
	}
	return "";
}

static void format_duration(int64_t ms, char *buf, size_t len)
{
	if (ms < 60000)
		snprintf(buf, len, "%.1fs", (double)ms / 1000.0);
	else
		units_span(ms, buf, len);
}

static void draw_header(WINDOW *w, const struct profile *p, int cols)
{
	const struct profile_meta *m = &p->meta;
	char dur[24], line[256];
	int x;

	format_duration(m->duration_ms, dur, sizeof(dur));
	if (PROFILE_BYTES(m->mode))
		snprintf(line, sizeof(line),
			 "pid %d  %s 1/%dB  %s  %llu bytes  %llu lost  uprobes", m->pid,
			 profile_mode_name(m->mode), m->hz, dur,
			 (unsigned long long)m->samples, (unsigned long long)m->lost);
	else
		snprintf(line, sizeof(line),
			 "pid %d  %s %d Hz  %s  %llu samples  %llu lost  %s", m->pid,
			 profile_mode_name(m->mode), m->hz, dur,
			 (unsigned long long)m->samples, (unsigned long long)m->lost,
			 m->sampler[0] ? m->sampler : "?");
	wattrset(w, pal(PAL_TITLE));
	x = put_text(w, ROW_HEAD, 0, cols, "PROFILE ", false);
	wattrset(w, pal(PAL_NORMAL));
	x += put_text(w, ROW_HEAD, x, cols - x, line, false);
	if (m->partial && x + 9 <= cols) {
		wattrset(w, pal(PAL_BAD));
		put_text(w, ROW_HEAD, x + 1, cols - x - 1, "PARTIAL", false);
	}
	if (m->why[0]) {
		wattrset(w, pal(m->partial ? PAL_WARN : PAL_DIM));
		put_textf(w, ROW_WHY, 0, cols, "%s%s", m->partial ? "partial: " : "",
			  m->why);
	}
	wattrset(w, pal(PAL_NORMAL));
}

static void draw_tabs(WINDOW *w, const struct profile *p,
		      const struct profile_view_state *st, int cols)
{
	char right[128];
	int x = 0, rw;

	for (int t = 0; t < PROFILE_TAB_N; t++) {
		char label[16];

		snprintf(label, sizeof(label), t == (int)st->tab ? "[%s]" : " %s ",
			 tab_names[t]);
		wattrset(w, t == (int)st->tab ? pal(PAL_SELECTED) | A_BOLD
					      : pal(PAL_NORMAL));
		x += put_text(w, ROW_TABS, x, cols - x, label, false);
		wattrset(w, pal(PAL_NORMAL));
		x += put_text(w, ROW_TABS, x, cols - x, " ", false);
	}
	if (st->tid == 0)
		snprintf(right, sizeof(right), "thread: all");
	else if (thread_comm(p, st->tid)[0])
		snprintf(right, sizeof(right), "thread: %d %s", st->tid,
			 thread_comm(p, st->tid));
	else
		snprintf(right, sizeof(right), "thread: %d", st->tid);
	if (st->tab == PROFILE_TAB_TOP)
		snprintf(right + strlen(right), sizeof(right) - strlen(right),
			 "  sort: %s", sort_names[st->sort]);
	rw = (int)strlen(right);
	if (rw > cols - x - 1)
		rw = cols - x - 1;
	if (rw > 0) {
		wattrset(w, pal(PAL_DIM));
		put_text(w, ROW_TABS, cols - rw, rw, right, false);
		wattrset(w, pal(PAL_NORMAL));
	}
}

static void draw_column_head(WINDOW *w, const char *head, const char *mark, int cols)
{
	const char *at = mark ? strstr(head, mark) : NULL;

	wattrset(w, pal(PAL_TABLE_HEAD));
	put_text(w, ROW_BODY, 0, cols, head, true);
	if (at && (int)(at - head) < cols) {
		wattrset(w, pal(PAL_SELECTED) | A_BOLD);
		put_text(w, ROW_BODY, (int)(at - head), cols - (int)(at - head), mark,
			 false);
	}
	wattrset(w, pal(PAL_NORMAL));
}

static void draw_top(WINDOW *w, const struct derived *d,
		     const struct profile_view_state *st, int rows, int cols)
{
	static const char *const marks[PROFILE_SORT_N] = {"SELF%", "TOTAL%", "FUNCTION"};
	const struct profile *p = d->p;
	uint64_t all = d->tree->total[0];
	int n = list_rows(rows);
	struct list_cursor c =
		list_cursor_shown(&st->cur[PROFILE_TAB_TOP], (long)d->nfns, n);
	const long *sel = &c.sel, *top = &c.top;
	char head[128];

	snprintf(head, sizeof(head), "%7s %7s %9s %9s  %s", "SELF%", "TOTAL%", "SELF",
		 "TOTAL", "FUNCTION");
	draw_column_head(w, head, marks[st->sort], cols);
	if (!d->nfns) {
		put_text(w, ROW_BODY + 1, 0, cols, "no samples for this thread", false);
		return;
	}
	for (int i = 0; i < n && *top + i < (long)d->nfns; i++) {
		const struct profile_fn *f = &d->fns[*top + i];
		const struct profile_frame *fr = &p->frames[f->frame];
		bool selected = *top + i == *sel;

		wattrset(w, selected ? pal(PAL_SELECTED) : pal(PAL_NORMAL));
		put_textf(w, ROW_BODY + 1 + i, 0, cols,
			  "%6.1f%% %6.1f%% %9llu %9llu  %s%s%s%s", pct(f->self, all),
			  pct(f->total, all), (unsigned long long)f->self,
			  (unsigned long long)f->total, fr->function,
			  fr->module[0] ? " (" : "", fr->module,
			  fr->module[0] ? ")" : "");
		if (selected) /* the bar spans the row */
			mvwchgat(w, ROW_BODY + 1 + i, 0, cols, pal(PAL_SELECTED),
				 PAIR_NUMBER(pal(PAL_SELECTED)), NULL);
	}
	wattrset(w, pal(PAL_NORMAL));
}

static void draw_tree(WINDOW *w, const struct derived *d,
		      const struct profile_view_state *st, bool ascii, int rows, int cols)
{
	const struct profile *p = d->p;
	const struct flame_tree *t = d->tree;
	uint64_t all = t->total[0];
	int n = list_rows(rows), max_indent = cols / 3;
	struct list_cursor c =
		list_cursor_shown(&st->cur[PROFILE_TAB_TREE], (long)d->nrows, n);
	const long *sel = &c.sel, *top = &c.top;
	char head[128];

	snprintf(head, sizeof(head), "%7s %7s %7s  %s", "TOTAL%", "SELF%", "PARENT%",
		 "CALL TREE");
	draw_column_head(w, head, NULL, cols);
	if (!d->nrows) {
		put_text(w, ROW_BODY + 1, 0, cols, "no samples for this thread", false);
		return;
	}
	for (int i = 0; i < n && *top + i < (long)d->nrows; i++) {
		const struct tree_row *r = &d->rows[*top + i];
		uint32_t parent = p->nodes[r->node].parent;
		const struct profile_frame *fr = &p->frames[p->nodes[r->node].frame];
		size_t nk;
		const char *marker;
		int indent = r->depth * 2 > max_indent ? max_indent : r->depth * 2;
		bool selected = *top + i == *sel;
		int y = ROW_BODY + 1 + i, x;

		flame_tree_children(t, r->node, &nk);
		if (!nk)
			marker = "  ";
		else if (profile_view_is_expanded(st, r->node))
			marker = ascii ? "- " : "\xe2\x96\xbe "; /* U+25BE */
		else
			marker = ascii ? "+ " : "\xe2\x96\xb8 "; /* U+25B8 */
		wattrset(w, selected ? pal(PAL_SELECTED) : pal(PAL_NORMAL));
		x = put_textf(w, y, 0, cols, "%6.1f%% %6.1f%% %6.1f%%  %*s",
			      pct(t->total[r->node], all), pct(t->self[r->node], all),
			      pct(t->total[r->node], t->total[parent]), indent, "");
		x += put_text(w, y, x, cols - x, marker, false);
		x += put_text(w, y, x, cols - x, fr->function, false);
		if (fr->module[0]) {
			if (!selected)
				wattrset(w, pal(PAL_DIM));
			put_textf(w, y, x, cols - x, " (%s)", fr->module);
		}
		if (selected)
			mvwchgat(w, y, 0, cols, pal(PAL_SELECTED),
				 PAIR_NUMBER(pal(PAL_SELECTED)), NULL);
	}
	wattrset(w, pal(PAL_NORMAL));
}

void profile_view_draw(WINDOW *w, const struct profile *p,
		       const struct profile_view_state *shown, bool ascii)
{
	int rows = getmaxy(w), cols = getmaxx(w);
	/* a copy: the thread filter, zoom and flame selection are drawn
	 * clamped to p and the window, the state stays as the keys left it */
	struct profile_view_state copy = *shown, *st = &copy;
	struct derived d;

	werase(w);
	if (!p) {
		put_text(w, 0, 0, cols,
			 "no profile: press p on the target screen to capture one",
			 false);
		return;
	}
	draw_header(w, p, cols);
	derive(&d, p, st);
	draw_tabs(w, p, st, cols);
	if (rows > ROW_BODY) {
		if (st->tab == PROFILE_TAB_TOP)
			draw_top(w, &d, st, rows, cols);
		else if (st->tab == PROFILE_TAB_TREE)
			draw_tree(w, &d, st, ascii, rows, cols);
		else
			flame_view_draw(w, d.tree, st, ascii, ROW_BODY,
					profile_view_body_rows(rows), cols);
	}
	derived_release(&d);
}

/* ---- actions ---- */

static enum profile_reaction set_tab(struct profile_view_state *st, enum profile_tab tab)
{
	if (st->tab == tab)
		return PROFILE_REACT_NONE;
	st->tab = tab;
	return PROFILE_REACT_REDRAW;
}

static enum profile_reaction move_list(struct list_cursor *c, size_t n,
				       enum profile_action a, int rows)
{
	long page = rows > 1 ? rows - 1 : 1, delta;

	switch (a) {
	case PROFILE_ACT_UP:
		delta = -1;
		break;
	case PROFILE_ACT_DOWN:
		delta = 1;
		break;
	case PROFILE_ACT_PAGE_UP:
		delta = -page;
		break;
	case PROFILE_ACT_PAGE_DOWN:
		delta = page;
		break;
	case PROFILE_ACT_HOME:
		delta = LIST_CURSOR_HOME;
		break;
	case PROFILE_ACT_END:
		delta = LIST_CURSOR_END;
		break;
	default:
		return PROFILE_REACT_NONE;
	}
	return list_cursor_move(c, delta, (long)n, rows) ? PROFILE_REACT_REDRAW
							 : PROFILE_REACT_NONE;
}

static enum profile_reaction tree_act(struct profile_view_state *st,
				      const struct derived *d, enum profile_action a,
				      int rows)
{
	struct list_cursor *c = &st->cur[PROFILE_TAB_TREE];
	long *sel = &c->sel;
	enum profile_reaction r;
	uint32_t node;
	size_t nk;

	if (!d->nrows)
		return PROFILE_REACT_NONE;
	list_cursor_clamp(c, (long)d->nrows, rows);
	node = d->rows[*sel].node;
	flame_tree_children(d->tree, node, &nk);
	switch (a) {
	case PROFILE_ACT_ENTER:
		if (!nk)
			return PROFILE_REACT_NONE;
		profile_view_set_expanded(st, node, !profile_view_is_expanded(st, node));
		return PROFILE_REACT_REDRAW;
	case PROFILE_ACT_RIGHT:
		if (!nk)
			return PROFILE_REACT_NONE;
		if (!profile_view_is_expanded(st, node))
			profile_view_set_expanded(st, node, true);
		else /* the first child is the next row */
			list_cursor_move(c, 1, (long)d->nrows, rows);
		return PROFILE_REACT_REDRAW;
	case PROFILE_ACT_LEFT:
		if (nk && profile_view_is_expanded(st, node)) {
			profile_view_set_expanded(st, node, false);
			return PROFILE_REACT_REDRAW;
		}
		for (long i = *sel - 1; i >= 0; i--) {
			if (d->rows[i].node == d->p->nodes[node].parent) {
				*sel = i;
				list_cursor_clamp(c, (long)d->nrows, rows);
				return PROFILE_REACT_REDRAW;
			}
		}
		return PROFILE_REACT_NONE;
	default:
		r = move_list(c, d->nrows, a, rows);
		return r;
	}
}

static enum profile_reaction step_thread(struct profile_view_state *st,
					 const struct profile *p, int step)
{
	size_t n, at = 0;
	int *tids = thread_ids(p, &n);
	int before = st->tid;

	/* positions 0 = all, 1..n = tids[0..n-1], in a ring */
	for (size_t i = 0; i < n; i++) {
		if (tids[i] == st->tid)
			at = i + 1;
	}
	at = step > 0 ? (at + 1) % (n + 1) : (at + n) % (n + 1);
	st->tid = at == 0 ? 0 : tids[at - 1];
	free(tids);
	if (st->tid == before)
		return PROFILE_REACT_NONE;
	st->cur[PROFILE_TAB_TOP] = (struct list_cursor){0, 0};
	return PROFILE_REACT_REDRAW;
}

enum profile_reaction profile_view_act(struct profile_view_state *st,
				       const struct profile *p,
				       enum profile_action action, int window_rows)
{
	enum profile_reaction r = PROFILE_REACT_NONE;
	int rows = list_rows(window_rows);
	struct derived d;

	if (!p)
		return action == PROFILE_ACT_BACK ? PROFILE_REACT_LEAVE
						  : PROFILE_REACT_NONE;
	switch (action) {
	case PROFILE_ACT_NEXT_TAB:
		return set_tab(st, (st->tab + 1) % PROFILE_TAB_N);
	case PROFILE_ACT_PREV_TAB:
		return set_tab(st, (st->tab + PROFILE_TAB_N - 1) % PROFILE_TAB_N);
	case PROFILE_ACT_TAB_TOP:
		return set_tab(st, PROFILE_TAB_TOP);
	case PROFILE_ACT_TAB_TREE:
		return set_tab(st, PROFILE_TAB_TREE);
	case PROFILE_ACT_TAB_FLAME:
		return set_tab(st, PROFILE_TAB_FLAME);
	case PROFILE_ACT_THREAD_NEXT:
		return step_thread(st, p, +1);
	case PROFILE_ACT_THREAD_PREV:
		return step_thread(st, p, -1);
	case PROFILE_ACT_SORT_NEXT:
		if (st->tab != PROFILE_TAB_TOP)
			return PROFILE_REACT_NONE;
		st->sort = (st->sort + 1) % PROFILE_SORT_N;
		st->cur[PROFILE_TAB_TOP] = (struct list_cursor){0, 0};
		return PROFILE_REACT_REDRAW;
	default:
		break;
	}
	derive(&d, p, st);
	if (st->tab == PROFILE_TAB_FLAME)
		r = flame_view_act(st, d.tree, action);
	else if (action == PROFILE_ACT_BACK)
		r = PROFILE_REACT_LEAVE;
	else if (st->tab == PROFILE_TAB_TREE)
		r = tree_act(st, &d, action, rows);
	else
		r = move_list(&st->cur[PROFILE_TAB_TOP], list_len(&d, PROFILE_TAB_TOP),
			      action, rows);
	derived_release(&d);
	return r;
}

/* ---- capture progress and the list of profiles ---- */

char *profile_progress_text(char *buf, size_t len, int pid, const char *sampler, int hz,
			    int64_t left_ms, uint64_t samples, uint64_t lost)
{
	char left[32];

	if (left_ms < 0)
		snprintf(left, sizeof(left), "until stopped");
	else
		snprintf(left, sizeof(left), "%.1fs left", (double)left_ms / 1000.0);
	if (hz <= 0) /* an allocation profile: samples are sampled allocations */
		snprintf(buf, len,
			 "profiling pid %d (allocator uprobes): %s, %llu samples, %llu "
			 "lost",
			 pid, left, (unsigned long long)samples,
			 (unsigned long long)lost);
	else
		snprintf(buf, len,
			 "profiling pid %d (%s, %d Hz): %s, %llu samples, %llu lost", pid,
			 sampler && sampler[0] ? sampler : "?", hz, left,
			 (unsigned long long)samples, (unsigned long long)lost);
	return buf;
}

void profile_progress_draw(WINDOW *w, int y, int width, int pid, const char *sampler,
			   int hz, int64_t left_ms, uint64_t samples, uint64_t lost)
{
	char line[160];

	wattrset(w, pal(PAL_STATUS));
	put_text(w, y, 0, width,
		 profile_progress_text(line, sizeof(line), pid, sampler, hz, left_ms,
				       samples, lost),
		 true);
	wattrset(w, pal(PAL_NORMAL));
}

int profile_list_rows(int window_rows)
{
	return window_rows > 1 ? window_rows - 1 : 1;
}

void profile_list_draw(WINDOW *w, const struct profile_meta *list, size_t n,
		       const struct profile_view_state *st)
{
	int rows = getmaxy(w), cols = getmaxx(w), body = profile_list_rows(rows);
	struct list_cursor c = list_cursor_shown(&st->list, (long)n, body);
	char head[128];

	werase(w);
	snprintf(head, sizeof(head), "%5s  %-19s %7s %-4s %5s %9s %7s  %s", "ID",
		 "STARTED", "LENGTH", "MODE", "HZ", "SAMPLES", "LOST", "NOTE");
	wattrset(w, pal(PAL_TABLE_HEAD));
	put_text(w, 0, 0, cols, head, true);
	wattrset(w, pal(PAL_NORMAL));
	if (!n) {
		put_text(w, 1, 0, cols, "no profiles in this session", false);
		return;
	}
	for (int i = 0; i < body && c.top + i < (long)n; i++) {
		const struct profile_meta *m = &list[c.top + i];
		time_t t = (time_t)(m->started_ms / 1000);
		struct tm tm;
		char when[24], dur[24];

		localtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		format_duration(m->duration_ms, dur, sizeof(dur));
		wattrset(w, c.top + i == c.sel ? pal(PAL_SELECTED) : pal(PAL_NORMAL));
		put_textf(w, 1 + i, 0, cols,
			  "%5lld  %-19s %7s %-4s %5d %9llu %7llu  %s%s", (long long)m->id,
			  when, dur, profile_mode_name(m->mode), m->hz,
			  (unsigned long long)m->samples, (unsigned long long)m->lost,
			  m->partial ? "partial " : "", m->sampler);
		if (c.top + i == c.sel)
			mvwchgat(w, 1 + i, 0, cols, pal(PAL_SELECTED),
				 PAIR_NUMBER(pal(PAL_SELECTED)), NULL);
	}
	wattrset(w, pal(PAL_NORMAL));
}
