/* SPDX-License-Identifier: MIT */
/*
 * proclist: filter, sort and tree-shape a process table for the overview.
 *
 * Rows are handled by their index in the table. Flat mode sorts the matching
 * indices. Tree mode works on arrays, never on repeated scans, so that a
 * 20,000-row table stays O(n log n):
 *   1. a pid index (indices sorted by pid) resolves every ppid to a parent;
 *   2. with a filter, each match walks up its parents marking them kept,
 *      stopping at the first one already kept (O(n) in all);
 *   3. cycles among the kept rows are cut (each row is walked once);
 *   4. kept rows sorted by the sort key are bucketed under their parents,
 *      so every children list comes out sorted;
 *   5. an explicit-stack depth-first walk from the sorted roots emits the
 *      entries, so a 20,000-deep chain cannot overflow the C stack.
 * Scratch arrays live for one build; the entries buffer is kept.
 */
#include "views/proclist.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "views/cglist.h"

#define NO_PARENT SIZE_MAX

struct tree_glyphs {
	const char *vert, *blank, *tee, *elbow;
};

static const struct tree_glyphs glyphs_utf8 = {"│  ", "   ", "├─ ", "└─ "};
static const struct tree_glyphs glyphs_ascii = {"|  ", "   ", "|- ", "`- "};

/* What a comparison needs: the rows and the sort the caller asked for. */
struct sort_spec {
	const struct proc_row *rows;
	enum proclist_sort key;
	bool descending;
	const char **names; /* NAME: each row's COMMAND text, by row index */
};

typedef int (*index_cmp_fn)(const struct sort_spec *s, size_t a, size_t b);

/* Scratch for one tree build: n = rows in the table. */
struct tree_scratch {
	size_t n;
	size_t *by_pid;	   /* row indices sorted by (pid, index) */
	size_t *parent;	   /* parent row index or NO_PARENT */
	size_t *walk;	   /* cycle search: 0 unseen, else 1 + the walk's start */
	size_t *order;	   /* kept rows in sort order, then their count in nkept */
	size_t *aux;	   /* merge sort buffer */
	size_t *child_off; /* n + 1 offsets into child */
	size_t *child;	   /* children of each row, sorted */
	size_t *stack;	   /* depth-first walk: row at each depth */
	size_t *cursor;	   /* next child offset at each depth */
	bool *match, *kept, *last;
	size_t nkept;
};

static int fold(char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : (unsigned char)c;
}

static int cmp_num(double a, double b)
{
	return (a > b) - (a < b);
}

static double cpu_key(const struct proc_row *r)
{
	return r->cpu_pct > 0 ? r->cpu_pct : 0; /* unknown (< 0) and NaN are 0 */
}

static int text_cmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int d = fold(*a) - fold(*b);

		if (d || !*a)
			return d;
	}
}

static int key_cmp(const struct sort_spec *s, const struct proc_row *a,
		   const struct proc_row *b)
{
	switch (s->key) {
	case PROCLIST_SORT_CPU:
		return cmp_num(cpu_key(a), cpu_key(b));
	case PROCLIST_SORT_MEM:
		return (a->rss_bytes > b->rss_bytes) - (a->rss_bytes < b->rss_bytes);
	case PROCLIST_SORT_NAME:
		return text_cmp(s->names[a - s->rows], s->names[b - s->rows]);
	case PROCLIST_SORT_PID:
	case PROCLIST_SORT_N:
		break;
	}
	return 0; /* pid is the tie-break below anyway */
}

static int order_cmp(const struct sort_spec *s, size_t a, size_t b)
{
	const struct proc_row *ra = &s->rows[a], *rb = &s->rows[b];
	int d = key_cmp(s, ra, rb);

	if (d)
		return s->descending ? -d : d;
	if (ra->pid != rb->pid) {
		d = ra->pid < rb->pid ? -1 : 1;
		/* pid as the key itself flips; as a tie-break it never does */
		return s->key == PROCLIST_SORT_PID && s->descending ? -d : d;
	}
	return (a > b) - (a < b);
}

static int pid_cmp(const struct sort_spec *s, size_t a, size_t b)
{
	if (s->rows[a].pid != s->rows[b].pid)
		return s->rows[a].pid < s->rows[b].pid ? -1 : 1;
	return (a > b) - (a < b);
}

/* Stable bottom-up merge sort of v[0..n) using aux (n elements). */
static void merge_sort(size_t *v, size_t *aux, size_t n, index_cmp_fn cmp,
		       const struct sort_spec *s)
{
	size_t *src = v, *dst = aux, *swap;

	for (size_t width = 1; width < n; width *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = mid + width < n ? mid + width : n;
			size_t i = lo, j = mid, k = lo;

			while (i < mid && j < hi)
				dst[k++] =
					cmp(s, src[j], src[i]) < 0 ? src[j++] : src[i++];
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
		}
		swap = src;
		src = dst;
		dst = swap;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
}

static bool contains_fold(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	for (size_t i = 0; i + nlen <= hlen; i++) {
		size_t j = 0;

		while (j < nlen && fold(hay[i + j]) == fold(needle[j]))
			j++;
		if (j == nlen)
			return true;
	}
	return false;
}

bool proclist_matches(const struct proc_row *r, const char *filter)
{
	size_t flen = filter ? strlen(filter) : 0;
	char pid[24];
	int plen;

	if (!flen)
		return true;
	if (contains_fold(r->comm, strnlen(r->comm, sizeof(r->comm)), filter, flen) ||
	    contains_fold(r->user, strnlen(r->user, sizeof(r->user)), filter, flen))
		return true;
	if (r->cmdline && contains_fold(r->cmdline, strlen(r->cmdline), filter, flen))
		return true;
	plen = snprintf(pid, sizeof(pid), "%d", r->pid);
	return contains_fold(pid, (size_t)plen, filter, flen);
}

void proclist_init(struct proclist *l)
{
	l->n = 0;
	l->cap = 0;
	l->entries = NULL;
}

void proclist_release(struct proclist *l)
{
	free(l->entries);
	proclist_init(l);
}

static struct proclist_entry *entry_push(struct proclist *l, const struct proc_row *row,
					 int depth, bool match)
{
	struct proclist_entry *e;

	l->entries = xgrow(l->entries, &l->cap, l->n + 1, sizeof(*l->entries));
	e = &l->entries[l->n++];
	e->row = row;
	e->depth = depth;
	e->prefix[0] = '\0';
	e->match = match;
	return e;
}

/* Whether r is listed: it matches the filter and lies in the cgroup. */
static bool row_kept(const struct proc_row *r, const struct proclist_opts *o)
{
	if (o->cgroup && *o->cgroup && !cglist_contains(o->cgroup, r->cgroup))
		return false;
	return proclist_matches(r, o->filter);
}

static void build_flat(struct proclist *l, const struct proc_table *t,
		       const struct proclist_opts *o, const struct sort_spec *s)
{
	size_t *order = xmalloc(t->n * sizeof(*order));
	size_t *aux = xmalloc(t->n * sizeof(*aux));
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++)
		if (row_kept(&t->rows[i], o))
			order[n++] = i;
	merge_sort(order, aux, n, order_cmp, s);
	l->entries = xgrow(l->entries, &l->cap, n, sizeof(*l->entries));
	for (size_t i = 0; i < n; i++)
		entry_push(l, &t->rows[order[i]], 0, true);
	free(order);
	free(aux);
}

static void scratch_init(struct tree_scratch *ts, size_t n)
{
	ts->n = n;
	ts->by_pid = xmalloc(n * sizeof(size_t));
	ts->parent = xmalloc(n * sizeof(size_t));
	ts->walk = xcalloc(n, sizeof(size_t));
	ts->order = xmalloc(n * sizeof(size_t));
	ts->aux = xmalloc(n * sizeof(size_t));
	ts->child_off = xcalloc(n + 1, sizeof(size_t));
	ts->child = xmalloc(n * sizeof(size_t));
	ts->stack = xmalloc(n * sizeof(size_t));
	ts->cursor = xmalloc(n * sizeof(size_t));
	ts->match = xcalloc(n, sizeof(bool));
	ts->kept = xcalloc(n, sizeof(bool));
	ts->last = xcalloc(n + 1, sizeof(bool));
	ts->nkept = 0;
}

static void scratch_release(struct tree_scratch *ts)
{
	free(ts->by_pid);
	free(ts->parent);
	free(ts->walk);
	free(ts->order);
	free(ts->aux);
	free(ts->child_off);
	free(ts->child);
	free(ts->stack);
	free(ts->cursor);
	free(ts->match);
	free(ts->kept);
	free(ts->last);
}

/* Row index of the first row with pid (the lowest index among duplicates). */
static size_t pid_lookup(const struct tree_scratch *ts, const struct proc_row *rows,
			 int pid)
{
	size_t lo = 0, hi = ts->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rows[ts->by_pid[mid]].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ts->n && rows[ts->by_pid[lo]].pid == pid)
		return ts->by_pid[lo];
	return NO_PARENT;
}

static void link_parents(struct tree_scratch *ts, const struct sort_spec *s)
{
	for (size_t i = 0; i < ts->n; i++)
		ts->by_pid[i] = i;
	merge_sort(ts->by_pid, ts->aux, ts->n, pid_cmp, s);
	for (size_t i = 0; i < ts->n; i++) {
		const struct proc_row *r = &s->rows[i];
		size_t p = r->ppid ? pid_lookup(ts, s->rows, r->ppid) : NO_PARENT;

		ts->parent[i] = p == i ? NO_PARENT : p;
	}
}

/* Matches and, with a filter, every ancestor of a match are kept. */
static void mark_kept(struct tree_scratch *ts, const struct proc_table *t,
		      const struct proclist_opts *o)
{
	for (size_t i = 0; i < ts->n; i++)
		ts->match[i] = row_kept(&t->rows[i], o);
	for (size_t i = 0; i < ts->n; i++) {
		if (!ts->match[i])
			continue;
		ts->kept[i] = true;
		/* stops at a kept row, so each row is climbed over at most once */
		for (size_t p = ts->parent[i]; p != NO_PARENT && !ts->kept[p];
		     p = ts->parent[p])
			ts->kept[p] = true;
	}
}

static bool row_before(const struct proc_row *rows, size_t a, size_t b)
{
	return rows[a].pid != rows[b].pid ? rows[a].pid < rows[b].pid : a < b;
}

/*
 * Follows parents from every kept row; a walk that runs into itself found a
 * new cycle, which is cut at its lowest pid. Rows seen by an earlier walk are
 * not followed again, so this is O(n). Parents of kept rows are kept.
 */
static void break_cycles(struct tree_scratch *ts, const struct proc_row *rows)
{
	for (size_t i = 0; i < ts->n; i++) {
		size_t j = i, best;

		if (!ts->kept[i] || ts->walk[i])
			continue;
		while (j != NO_PARENT && !ts->walk[j]) {
			ts->walk[j] = i + 1;
			j = ts->parent[j];
		}
		if (j == NO_PARENT || ts->walk[j] != i + 1)
			continue;
		best = j;
		for (size_t k = ts->parent[j]; k != j; k = ts->parent[k])
			if (row_before(rows, k, best))
				best = k;
		ts->parent[best] = NO_PARENT;
	}
}

/* Sorts the kept rows and files each under its parent, in sorted order. */
static void bucket_children(struct tree_scratch *ts, const struct sort_spec *s)
{
	size_t *fill = ts->cursor; /* free until the walk */

	ts->nkept = 0;
	for (size_t i = 0; i < ts->n; i++)
		if (ts->kept[i])
			ts->order[ts->nkept++] = i;
	merge_sort(ts->order, ts->aux, ts->nkept, order_cmp, s);
	for (size_t i = 0; i < ts->nkept; i++) {
		size_t p = ts->parent[ts->order[i]];

		if (p != NO_PARENT)
			ts->child_off[p + 1]++;
	}
	for (size_t i = 0; i < ts->n; i++) {
		ts->child_off[i + 1] += ts->child_off[i];
		fill[i] = ts->child_off[i];
	}
	for (size_t i = 0; i < ts->nkept; i++) {
		size_t p = ts->parent[ts->order[i]];

		if (p != NO_PARENT)
			ts->child[fill[p]++] = ts->order[i];
	}
}

#define PREFIX_SIZE sizeof(((struct proclist_entry *)0)->prefix)

/* The widest prefix: every ancestor column "│  " (5 bytes) and "├─ " (7). */
_Static_assert(PROCLIST_PREFIX_LEVELS * 5 + 7 < PREFIX_SIZE,
	       "PROCLIST_PREFIX_LEVELS does not fit proclist_entry.prefix");

static size_t prefix_put(char *prefix, size_t len, const char *glyph)
{
	size_t n = strlen(glyph);

	assert(len + n < PREFIX_SIZE);
	memcpy(prefix + len, glyph, n + 1);
	return len + n;
}

/* last[d] says whether the row's ancestor at depth d (or itself) is last. */
static void make_prefix(char *prefix, const struct tree_glyphs *g, const bool *last,
			size_t depth)
{
	size_t len = 0, columns;

	prefix[0] = '\0';
	if (!depth)
		return;
	columns = depth - 1 < PROCLIST_PREFIX_LEVELS ? depth - 1 : PROCLIST_PREFIX_LEVELS;
	for (size_t d = 1; d <= columns; d++)
		len = prefix_put(prefix, len, last[d] ? g->blank : g->vert);
	prefix_put(prefix, len, last[depth] ? g->elbow : g->tee);
}

/* Depth-first from root; stack[d] is the row at depth d. */
static void walk_tree(struct proclist *l, struct tree_scratch *ts,
		      const struct proc_table *t, size_t root,
		      const struct tree_glyphs *g)
{
	size_t sp = 1;

	entry_push(l, &t->rows[root], 0, ts->match[root]);
	ts->stack[0] = root;
	ts->cursor[0] = ts->child_off[root];
	while (sp) {
		size_t v = ts->stack[sp - 1], end = ts->child_off[v + 1], c;
		struct proclist_entry *e;

		if (ts->cursor[sp - 1] == end) {
			sp--;
			continue;
		}
		c = ts->child[ts->cursor[sp - 1]++];
		ts->last[sp] = ts->cursor[sp - 1] == end;
		e = entry_push(l, &t->rows[c], (int)sp, ts->match[c]);
		make_prefix(e->prefix, g, ts->last, sp);
		assert(sp < ts->n); /* the cut forest has no cycle */
		ts->stack[sp] = c;
		ts->cursor[sp] = ts->child_off[c];
		sp++;
	}
}

static void build_tree(struct proclist *l, const struct proc_table *t,
		       const struct proclist_opts *o, const struct sort_spec *s,
		       const struct tree_glyphs *g)
{
	struct tree_scratch ts;

	scratch_init(&ts, t->n);
	link_parents(&ts, s);
	if ((o->filter && *o->filter) || (o->cgroup && *o->cgroup)) {
		mark_kept(&ts, t, o);
	} else {
		for (size_t i = 0; i < t->n; i++)
			ts.match[i] = ts.kept[i] = true;
	}
	break_cycles(&ts, t->rows);
	bucket_children(&ts, s);
	l->entries = xgrow(l->entries, &l->cap, ts.nkept, sizeof(*l->entries));
	for (size_t i = 0; i < ts.nkept; i++)
		if (ts.parent[ts.order[i]] == NO_PARENT)
			walk_tree(l, &ts, t, ts.order[i], g);
	assert(l->n == ts.nkept);
	scratch_release(&ts);
}

/*
 * Every row's COMMAND text for a NAME sort: pointers into the rows'
 * cmdlines where the text is the cmdline itself, else into *arena (owned
 * by the caller, freed with the returned array).
 */
static const char **names_of(const struct proc_table *t, enum cmdtext_mode mode,
			     char **arena)
{
	const char **names = xmalloc(t->n * sizeof(*names));
	size_t *off = xmalloc(t->n * sizeof(*off)), used = 0, cap = 0;
	char buf[CMDTEXT_MAX];

	*arena = NULL;
	for (size_t i = 0; i < t->n; i++) {
		const char *text = cmdtext_of(&t->rows[i], mode, buf, sizeof(buf));
		size_t n = strlen(text) + 1;

		names[i] = text == buf ? NULL : text;
		off[i] = used;
		if (text != buf)
			continue;
		*arena = xgrow(*arena, &cap, used + n, 1);
		memcpy(*arena + used, buf, n);
		used += n;
	}
	for (size_t i = 0; i < t->n; i++) /* the arena has stopped moving */
		if (!names[i])
			names[i] = *arena + off[i];
	free(off);
	return names;
}

bool proclist_sort_descending(enum proclist_sort s)
{
	return s == PROCLIST_SORT_CPU || s == PROCLIST_SORT_MEM;
}

void proclist_build(struct proclist *l, const struct proc_table *t,
		    const struct proclist_opts *o, bool ascii)
{
	struct sort_spec s = {t->rows, o->sort, o->descending, NULL};
	char *arena = NULL;

	l->n = 0;
	if (!t->n)
		return;
	if (o->sort == PROCLIST_SORT_NAME)
		s.names = names_of(t, o->command, &arena);
	if (o->tree)
		build_tree(l, t, o, &s, ascii ? &glyphs_ascii : &glyphs_utf8);
	else
		build_flat(l, t, o, &s);
	free(s.names);
	free(arena);
}

long proclist_find(const struct proclist *l, int pid)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->entries[i].row->pid == pid)
			return (long)i;
	return -1;
}
