/* SPDX-License-Identifier: MIT */
/*
 * profdiff: merging two profiles into one call tree with the side as the
 * thread, per-function and per-node shares, their changes and z scores, and
 * the ranking. The writers are in profdiff_out.c.
 */
#include "analysis/profdiff.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* Adds every count of side (borrowed) to merged under thread id tid. */
static void merge_side(struct profile *merged, const struct profile *side, int tid)
{
	uint32_t *frame = xcalloc(side->nframes ? side->nframes : 1, sizeof(*frame));
	uint32_t *node = xcalloc(side->nnodes, sizeof(*node));

	for (size_t f = 0; f < side->nframes; f++)
		frame[f] = profile_frame_id(merged, side->frames[f].function,
					    side->frames[f].module);
	/* parents come first (profile.h), so node[parent] is always set */
	node[0] = 0;
	for (size_t i = 1; i < side->nnodes; i++)
		node[i] = profile_node_id(merged, node[side->nodes[i].parent],
					  frame[side->nodes[i].frame]);
	for (size_t i = 0; i < side->ncounts; i++) {
		if (side->counts[i].n && side->counts[i].node > 0 &&
		    side->counts[i].node < side->nnodes)
			profile_add_count(merged, node[side->counts[i].node], tid,
					  side->counts[i].n);
	}
	free(node);
	free(frame);
}

static double share(uint64_t n, uint64_t all)
{
	return all ? 100.0 * (double)n / (double)all : 0.0;
}

/* Two-proportion z of n1 of all1 against n2 of all2 (pooled); 0 when either
 * side is empty or the pooled share is 0 or 1 (no variance, no change). */
static double zscore(uint64_t n1, uint64_t all1, uint64_t n2, uint64_t all2)
{
	double p1, p2, p, se;

	if (!all1 || !all2)
		return 0.0;
	p1 = (double)n1 / (double)all1;
	p2 = (double)n2 / (double)all2;
	p = (double)(n1 + n2) / (double)(all1 + all2);
	se = sqrt(p * (1.0 - p) * (1.0 / (double)all1 + 1.0 / (double)all2));
	return se > 0.0 ? (p2 - p1) / se : 0.0;
}

enum profdiff_verdict profdiff_verdict_of(double change, double z)
{
	if (fabs(z) < PROFDIFF_Z || change == 0.0)
		return PROFDIFF_SAME;
	return change > 0 ? PROFDIFF_GROWN : PROFDIFF_SHRUNK;
}

static struct profdiff_side side_of(uint64_t n, uint64_t all)
{
	return (struct profdiff_side){n, share(n, all)};
}

/* Fills the shares, changes and verdicts of f from its sample counts. */
static void finish_fn(const struct profdiff *d, struct profdiff_fn *f)
{
	f->self_b = side_of(f->self_b.n, d->samples_b);
	f->self_a = side_of(f->self_a.n, d->samples_a);
	f->total_b = side_of(f->total_b.n, d->samples_b);
	f->total_a = side_of(f->total_a.n, d->samples_a);
	f->self_change = f->self_a.share - f->self_b.share;
	f->total_change = f->total_a.share - f->total_b.share;
	f->self_z = zscore(f->self_b.n, d->samples_b, f->self_a.n, d->samples_a);
	f->total_z = zscore(f->total_b.n, d->samples_b, f->total_a.n, d->samples_a);
	f->self_verdict = profdiff_verdict_of(f->self_change, f->self_z);
	f->total_verdict = profdiff_verdict_of(f->total_change, f->total_z);
}

/* Every function of either side, from profile_top per side. */
static void build_fns(struct profdiff *d)
{
	size_t nf = d->merged->nframes, n;
	struct profdiff_fn *all = xcalloc(nf ? nf : 1, sizeof(*all));
	struct profile_fn *top;

	for (int side = PROFDIFF_BEFORE; side <= PROFDIFF_AFTER; side++) {
		top = profile_top(d->merged, side, &n);
		for (size_t i = 0; i < n; i++) {
			struct profdiff_fn *f = &all[top[i].frame];

			if (side == PROFDIFF_BEFORE) {
				f->self_b.n = top[i].self;
				f->total_b.n = top[i].total;
			} else {
				f->self_a.n = top[i].self;
				f->total_a.n = top[i].total;
			}
		}
		free(top);
	}
	d->nfns = 0;
	for (size_t f = 0; f < nf; f++) {
		if (!all[f].total_b.n && !all[f].total_a.n)
			continue;
		all[f].frame = (uint32_t)f;
		finish_fn(d, &all[f]);
		all[d->nfns++] = all[f];
	}
	d->fns = all;
}

struct profdiff *profdiff_new(const struct profile *before, const struct profile *after)
{
	struct profdiff *d = xcalloc(1, sizeof(*d));
	struct profile_meta m = after->meta;

	m.id = 0;
	d->merged = profile_new(&m);
	merge_side(d->merged, before, PROFDIFF_BEFORE);
	merge_side(d->merged, after, PROFDIFF_AFTER);
	profile_set_thread(d->merged, PROFDIFF_BEFORE, "before");
	profile_set_thread(d->merged, PROFDIFF_AFTER, "after");
	d->before = before->meta;
	d->after = after->meta;
	d->tree_b = flame_tree_new(d->merged, PROFDIFF_BEFORE);
	d->tree_a = flame_tree_new(d->merged, PROFDIFF_AFTER);
	d->samples_b = d->tree_b->total[0];
	d->samples_a = d->tree_a->total[0];
	build_fns(d);
	profdiff_rank(d, PROFDIFF_BY_TOTAL);
	return d;
}

void profdiff_free(struct profdiff *d)
{
	if (!d)
		return;
	flame_tree_free(d->tree_b);
	flame_tree_free(d->tree_a);
	profile_free(d->merged);
	free(d->fns);
	free(d);
}

const char *profdiff_function(const struct profdiff *d, uint32_t frame)
{
	return frame < d->merged->nframes ? d->merged->frames[frame].function : "";
}

static int cmp_abs(double x, double y)
{
	x = fabs(x);
	y = fabs(y);
	return x > y ? -1 : x < y;
}

static int cmp_by_self(const void *a, const void *b, void *ctx)
{
	const struct profdiff_fn *x = a, *y = b;
	const struct profdiff *d = ctx;
	int c = cmp_abs(x->self_change, y->self_change);

	if (!c)
		c = cmp_abs(x->total_change, y->total_change);
	if (!c)
		c = strcmp(profdiff_function(d, x->frame),
			   profdiff_function(d, y->frame));
	return c ? c : (x->frame < y->frame ? -1 : x->frame > y->frame);
}

static int cmp_by_total(const void *a, const void *b, void *ctx)
{
	const struct profdiff_fn *x = a, *y = b;
	const struct profdiff *d = ctx;
	int c = cmp_abs(x->total_change, y->total_change);

	if (!c)
		c = cmp_abs(x->self_change, y->self_change);
	if (!c)
		c = strcmp(profdiff_function(d, x->frame),
			   profdiff_function(d, y->frame));
	return c ? c : (x->frame < y->frame ? -1 : x->frame > y->frame);
}

void profdiff_rank(struct profdiff *d, enum profdiff_rank by)
{
	d->rank = by;
	if (d->nfns > 1)
		qsort_r(d->fns, d->nfns, sizeof(*d->fns),
			by == PROFDIFF_BY_TOTAL ? cmp_by_total : cmp_by_self, d);
}

void profdiff_node(const struct profdiff *d, uint32_t node, struct profdiff_node *out)
{
	memset(out, 0, sizeof(*out));
	if (node >= d->merged->nnodes)
		return;
	out->total_b = side_of(d->tree_b->total[node], d->samples_b);
	out->total_a = side_of(d->tree_a->total[node], d->samples_a);
	out->self_b = side_of(d->tree_b->self[node], d->samples_b);
	out->self_a = side_of(d->tree_a->self[node], d->samples_a);
	out->change = out->total_a.share - out->total_b.share;
	out->z = zscore(out->total_b.n, d->samples_b, out->total_a.n, d->samples_a);
	out->verdict = profdiff_verdict_of(out->change, out->z);
}
