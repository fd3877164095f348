/* SPDX-License-Identifier: MIT */
/*
 * flame: derived shapes of a profile for the profile screen. A flame_tree is
 * the call tree seen through a thread filter (per-node self and total
 * samples, children ordered heaviest first); flame_layout turns it into
 * text-cell boxes; flame_colour gives a function a colour that does not
 * change between runs or machines.
 *
 * All of it is pure: no I/O, no curses, nothing kept between calls. A tree
 * borrows its profile, which must outlive it and not change meanwhile.
 *
 * Layout orientation: root at the top (row 0), callees below, like an
 * icicle graph or speedscope, so deep stacks are what gets cut at the
 * bottom of a small terminal.
 */
#ifndef VIGIL_ANALYSIS_FLAME_H
#define VIGIL_ANALYSIS_FLAME_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/profile.h"

struct flame_tree {
	const struct profile *profile; /* borrowed */
	int tid;		       /* 0 = every thread */
	size_t nnodes;		       /* = profile->nnodes */
	uint64_t *self;		       /* per node: samples with it innermost */
	uint64_t *total;	       /* per node: samples in its subtree */
	/* children of n: kids[first[n] .. first[n] + nkids[n]), heaviest first
	 * (then by function name, then node id); children with no samples for
	 * tid are not listed. */
	uint32_t *first, *nkids, *kids;
};

/* The call tree of p for tid (0 = all). The caller owns it (flame_tree_free).
 * O(nodes log nodes). */
struct flame_tree *flame_tree_new(const struct profile *p, int tid);
void flame_tree_free(struct flame_tree *t);

/* The children of node (borrowed from t), *n set to their count. */
const uint32_t *flame_tree_children(const struct flame_tree *t, uint32_t node, size_t *n);

/* Depth of node: 0 for the root. */
size_t flame_tree_depth(const struct flame_tree *t, uint32_t node);

/* One box of the flame graph: node drawn on row, columns [x, x + w). */
struct flame_box {
	int row, x, w;
	uint32_t node;
};

/*
 * Lays out the subtree of zoom in width cells and rows rows. Row 0 is zoom
 * itself at full width (the root reads as "all"); each child sits under its
 * parent, heaviest leftmost, with a width proportional to its total samples
 * (edges rounded down, so siblings tile their parent exactly). A box that
 * rounds to zero cells is dropped with its subtree; nodes deeper than rows-1
 * are not laid out. Returns the boxes in depth-first order (parents before
 * children) and sets *n; the caller frees the array. Returns NULL with
 * *n = 0 when there is nothing to draw (no samples under zoom, width or rows
 * below 1, zoom not a node).
 */
struct flame_box *flame_layout(const struct flame_tree *t, uint32_t zoom, int width,
			       int rows, size_t *n);

/* A colour index in [0, ncolours) from the function name alone: the same
 * name gets the same colour in every run (FNV-1a, not the process's seed). */
unsigned flame_colour(const char *function, unsigned ncolours);

#endif
