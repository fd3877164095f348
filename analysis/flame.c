/* SPDX-License-Identifier: MIT */
/*
 * flame: the call tree through a thread filter, flame-graph layout and
 * stable colours. Totals come from one backwards pass over the nodes
 * (a parent always has a smaller id than its children), children from a
 * compressed adjacency list sorted once per tree.
 */
#include "analysis/flame.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

static int cmp_kids(const void *a, const void *b, void *ctx)
{
	const struct flame_tree *t = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	const struct profile *p = t->profile;
	int c;

	if (t->total[x] != t->total[y])
		return t->total[x] > t->total[y] ? -1 : 1;
	c = strcmp(p->frames[p->nodes[x].frame].function,
		   p->frames[p->nodes[y].frame].function);
	if (c)
		return c;
	return x < y ? -1 : x > y;
}

struct flame_tree *flame_tree_new(const struct profile *p, int tid)
{
	struct flame_tree *t = xcalloc(1, sizeof(*t));
	size_t n = p->nnodes;
	uint32_t *fill;

	t->profile = p;
	t->tid = tid;
	t->nnodes = n;
	t->self = xcalloc(n, sizeof(*t->self));
	t->total = xcalloc(n, sizeof(*t->total));
	t->first = xcalloc(n + 1, sizeof(*t->first));
	t->nkids = xcalloc(n, sizeof(*t->nkids));
	t->kids = xcalloc(n, sizeof(*t->kids));

	for (size_t i = 0; i < p->ncounts; i++) {
		const struct profile_count *c = &p->counts[i];

		if (c->node < n && (tid == 0 || c->tid == tid))
			t->self[c->node] += c->n;
	}
	memcpy(t->total, t->self, n * sizeof(*t->total));
	for (size_t i = n; i-- > 1;)
		t->total[p->nodes[i].parent] += t->total[i];

	/* first[] as counts, then prefix sums, then fill in id order */
	for (size_t i = 1; i < n; i++)
		t->first[p->nodes[i].parent + 1]++;
	for (size_t i = 0; i < n; i++)
		t->first[i + 1] += t->first[i];
	fill = xcalloc(n, sizeof(*fill));
	for (size_t i = 1; i < n; i++) {
		uint32_t parent = p->nodes[i].parent;

		t->kids[t->first[parent] + fill[parent]++] = (uint32_t)i;
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t *k = t->kids + t->first[i];
		size_t m = fill[i];

		if (m > 1)
			qsort_r(k, m, sizeof(*k), cmp_kids, t);
		while (m > 0 && t->total[k[m - 1]] == 0)
			m--;
		t->nkids[i] = (uint32_t)m;
	}
	free(fill);
	return t;
}

void flame_tree_free(struct flame_tree *t)
{
	if (!t)
		return;
	free(t->self);
	free(t->total);
	free(t->first);
	free(t->nkids);
	free(t->kids);
	free(t);
}

const uint32_t *flame_tree_children(const struct flame_tree *t, uint32_t node, size_t *n)
{
	if (node >= t->nnodes) {
		*n = 0;
		return NULL;
	}
	*n = t->nkids[node];
	return t->kids + t->first[node];
}

size_t flame_tree_depth(const struct flame_tree *t, uint32_t node)
{
	size_t d = 0;

	if (node >= t->nnodes)
		return 0;
	while (node != 0) {
		node = t->profile->nodes[node].parent;
		d++;
	}
	return d;
}

/* floor(a * width / z) without overflow for any realistic sample count */
static int cell_of(uint64_t a, int width, uint64_t z)
{
	if (a <= UINT64_MAX / (uint64_t)width)
		return (int)(a * (uint64_t)width / z);
	return (int)((long double)a * width / z);
}

struct pending {
	uint32_t node;
	int row;
	uint64_t offset; /* samples left of this node, within zoom */
};

struct flame_box *flame_layout(const struct flame_tree *t, uint32_t zoom, int width,
			       int rows, size_t *n)
{
	struct flame_box *out = NULL;
	struct pending *stack = NULL;
	size_t nout = 0, outcap = 0, depth = 0, stackcap = 0;
	uint64_t z;

	*n = 0;
	if (zoom >= t->nnodes || width < 1 || rows < 1 || t->total[zoom] == 0)
		return NULL;
	z = t->total[zoom];
	stack = xgrow(stack, &stackcap, 1, sizeof(*stack));
	stack[depth++] = (struct pending){zoom, 0, 0};
	while (depth > 0) {
		struct pending cur = stack[--depth];
		int x0 = cell_of(cur.offset, width, z);
		int x1 = cell_of(cur.offset + t->total[cur.node], width, z);
		const uint32_t *kids;
		size_t nk;
		uint64_t off;

		if (x1 <= x0)
			continue; /* narrower than a cell: dropped, and so is its subtree
				   */
		out = xgrow(out, &outcap, nout + 1, sizeof(*out));
		out[nout++] = (struct flame_box){cur.row, x0, x1 - x0, cur.node};
		if (cur.row + 1 >= rows)
			continue;
		kids = flame_tree_children(t, cur.node, &nk);
		/* pushed right to left so the heaviest (leftmost) pops first */
		off = cur.offset;
		for (size_t i = 0; i < nk; i++)
			off += t->total[kids[i]];
		stack = xgrow(stack, &stackcap, depth + nk, sizeof(*stack));
		for (size_t i = nk; i-- > 0;) {
			off -= t->total[kids[i]];
			stack[depth++] = (struct pending){kids[i], cur.row + 1, off};
		}
	}
	free(stack);
	if (!nout) {
		free(out);
		return NULL;
	}
	*n = nout;
	return out;
}

unsigned flame_colour(const char *function, unsigned ncolours)
{
	uint32_t h = 2166136261u;

	if (ncolours == 0)
		return 0;
	for (const unsigned char *s = (const unsigned char *)function; s && *s; s++) {
		h ^= *s;
		h *= 16777619u;
	}
	return h % ncolours;
}
