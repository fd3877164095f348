/* SPDX-License-Identifier: MIT */
/*
 * cglist: cgroups as a sorted tree (see cglist.h). Children are found by
 * parent path: the table is sorted by path, so a parent is a binary search
 * away; siblings are sorted, then the tree is walked depth first.
 */
#include "views/cglist.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

struct node {
	struct cglist_entry e;
	long parent;	  /* index in the nodes; -1: a root */
	long first, next; /* first child, next sibling; -1: none */
};

static double key(const struct cglist_entry *e, enum cglist_sort s)
{
	switch (s) {
	case CGLIST_SORT_CPU:
		return e->row->cpu_pct;
	case CGLIST_SORT_MEM:
		return (double)e->row->mem_current;
	case CGLIST_SORT_IO:
		return e->io_bps;
	case CGLIST_SORT_PSI:
		return e->psi;
	case CGLIST_SORT_THROTTLE:
		return e->throttled_pct;
	default:
		return 0;
	}
}

static int entry_cmp(const struct cglist_entry *a, const struct cglist_entry *b,
		     enum cglist_sort s)
{
	double x = key(a, s), y = key(b, s);

	if (s != CGLIST_SORT_NAME && x != y)
		return x < y ? 1 : -1;
	if (s == CGLIST_SORT_NAME) {
		int c = strcmp(a->name, b->name);

		if (c)
			return c;
	}
	return strcmp(a->row->path, b->row->path);
}

static void rates(struct cglist_entry *e, const struct cgroup_table *prev, int64_t dt_ms)
{
	const struct cgroup_row *r = e->row,
				*p = prev ? cgroup_table_find(prev, r->path) : NULL;

	e->io_bps = e->throttled_pct = e->psi = -1;
	for (int i = 0; i < PSI_N; i++)
		if (r->psi[i].present && r->psi[i].some.avg10 > e->psi)
			e->psi = r->psi[i].some.avg10;
	if (!p || dt_ms <= 0)
		return;
	if ((r->have & p->have & CGROUP_HAVE_IO) && r->io_rbytes >= p->io_rbytes &&
	    r->io_wbytes >= p->io_wbytes)
		e->io_bps = (double)(r->io_rbytes - p->io_rbytes + r->io_wbytes -
				     p->io_wbytes) *
			    1000.0 / (double)dt_ms;
	if ((r->have & p->have & CGROUP_HAVE_THROTTLE) && r->nr_periods > p->nr_periods &&
	    r->nr_throttled >= p->nr_throttled)
		e->throttled_pct = (double)(r->nr_throttled - p->nr_throttled) * 100.0 /
				   (double)(r->nr_periods - p->nr_periods);
	else if (r->have & p->have & CGROUP_HAVE_THROTTLE)
		e->throttled_pct = 0; /* no period ran: nothing held back */
}

/* The index of path's parent among the rows, -1 when absent. */
static long parent_of(const struct cgroup_table *t, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *parent;
	const struct cgroup_row *r;

	if (!slash || !strcmp(path, "/"))
		return -1;
	parent = slash == path ? xstrdup("/") : strndup(path, (size_t)(slash - path));
	if (!parent)
		abort();
	r = cgroup_table_find(t, parent);
	free(parent);
	return r ? (long)(r - t->rows) : -1;
}

/* Inserts child i into the sorted sibling list starting at *head. */
static void insert_sorted(struct node *v, long *head, long i, enum cglist_sort s)
{
	while (*head >= 0 && entry_cmp(&v[*head].e, &v[i].e, s) <= 0)
		head = &v[*head].next;
	v[i].next = *head;
	*head = i;
}

static void walk(struct cglist *l, const struct node *v, long i, int depth)
{
	for (; i >= 0; i = v[i].next) {
		l->entries[l->n] = v[i].e;
		l->entries[l->n++].depth = depth;
		walk(l, v, v[i].first, depth + 1);
	}
}

void cglist_build(struct cglist *l, const struct cgroup_table *cur,
		  const struct cgroup_table *prev, int64_t dt_ms, enum cglist_sort sort)
{
	struct node *v = xcalloc(cur->n ? cur->n : 1, sizeof(*v));
	long roots = -1;

	l->n = 0;
	l->entries = xcalloc(cur->n ? cur->n : 1, sizeof(*l->entries));
	for (size_t i = 0; i < cur->n; i++) {
		const char *slash = strrchr(cur->rows[i].path, '/');

		v[i].e.row = &cur->rows[i];
		v[i].e.name = slash && slash[1] ? slash + 1 : cur->rows[i].path;
		v[i].first = v[i].next = -1;
		rates(&v[i].e, prev, dt_ms);
		v[i].parent = parent_of(cur, cur->rows[i].path);
	}
	for (size_t i = 0; i < cur->n; i++)
		insert_sorted(v, v[i].parent >= 0 ? &v[v[i].parent].first : &roots,
			      (long)i, sort);
	walk(l, v, roots, 0);
	free(v);
}

void cglist_release(struct cglist *l)
{
	free(l->entries);
	l->entries = NULL;
	l->n = 0;
}

const char *cglist_sort_name(enum cglist_sort s)
{
	static const char *const names[CGLIST_SORT_N] = {"CPU", "MEM", "IO",
							 "PSI", "THR", "NAME"};

	return s < CGLIST_SORT_N ? names[s] : "?";
}

bool cglist_contains(const char *cg, const char *pc)
{
	size_t n = strlen(cg);

	if (!pc)
		return false;
	if (!strcmp(cg, "/"))
		return true;
	return !strncmp(cg, pc, n) && (pc[n] == '\0' || pc[n] == '/');
}
