/* SPDX-License-Identifier: MIT */
/*
 * profdiff: the differential of two profiles of the same program, "before"
 * and "after" (`vigil diff`, issue 18). Pure: no I/O but the writers'
 * FILE *, no curses, nothing kept between calls.
 *
 * The two profiles are merged into one call tree (struct profile), frames
 * matched by (function, module), threads folded away: in the merged profile
 * the thread id says the side, PROFDIFF_BEFORE or PROFDIFF_AFTER. So every
 * shape analysis/flame gives a profile (trees, layout, profile_top) works on
 * one side by asking for that "thread", and a stack present on one side only
 * is simply a node with no count on the other.
 *
 * Shares and changes:
 * - A function's (or call-tree node's) share of a side is its samples over
 *   that side's samples, in percent; its change is after minus before in
 *   percentage points (pp). Shares do not depend on how long each side
 *   sampled, so they compare runs of different lengths as they are.
 * - Significance: a two-proportion z-test per function and per node
 *   (pooled share p, z = (share_after - share_before) / sqrt(p (1 - p)
 *   (1/N_before + 1/N_after))). It treats samples as independent draws,
 *   which they are not quite (a thread stays in a function for a while), so
 *   it is a guide, not a p-value: a change counts as grown or shrunk only
 *   when |z| >= PROFDIFF_Z, anything smaller is noise.
 * - Counts in the folded output: with normalisation (the default) the before
 *   side is scaled to the after side's total, as FlameGraph's
 *   `difffolded.pl -n` does: before' = floor(before * N_after / N_before), per
 *   line; so the two columns compare as counts. Raw keeps the recorded counts.
 */
#ifndef VIGIL_ANALYSIS_PROFDIFF_H
#define VIGIL_ANALYSIS_PROFDIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "analysis/flame.h"
#include "analysis/profile.h"

/* The "thread ids" of the two sides in the merged profile. */
#define PROFDIFF_BEFORE 1
#define PROFDIFF_AFTER 2

/* |z| at or above which a change is grown or shrunk rather than noise. */
#define PROFDIFF_Z 3.0

enum profdiff_verdict { PROFDIFF_SAME, PROFDIFF_GROWN, PROFDIFF_SHRUNK };

/* One side of a figure: samples and share of that side (percent). */
struct profdiff_side {
	uint64_t n;
	double share;
};

/* A function of either side (matched by function and module). */
struct profdiff_fn {
	uint32_t frame; /* frame id in the merged profile */
	struct profdiff_side self_b, self_a, total_b, total_a;
	double self_change, total_change; /* percentage points, after - before */
	double self_z, total_z;
	enum profdiff_verdict self_verdict, total_verdict;
};

/* How functions are ranked: by |change| of their self or their total share
 * (then the other, then name), largest first. */
enum profdiff_rank { PROFDIFF_BY_SELF, PROFDIFF_BY_TOTAL };

struct profdiff {
	struct profile *merged;		    /* owned; meta.samples = both sides */
	struct profile_meta before, after;  /* copies of the inputs' metadata */
	uint64_t samples_b, samples_a;	    /* samples of each side */
	struct flame_tree *tree_b, *tree_a; /* owned: the merged tree per side */
	struct profdiff_fn *fns;	    /* every function of either side */
	size_t nfns;
	enum profdiff_rank rank; /* how fns are ranked (profdiff_rank) */
};

/*
 * The differential of before and after (borrowed, unchanged). The caller
 * owns it (profdiff_free). Functions come ranked by total
 * (a leaf and its callers change alike; the tie goes to the larger self change). Either
 * side may have no samples (every share is then 0 on that side).
 */
struct profdiff *profdiff_new(const struct profile *before, const struct profile *after);
void profdiff_free(struct profdiff *d);

/* Re-sorts d->fns. */
void profdiff_rank(struct profdiff *d, enum profdiff_rank by);

/* The merged profile's function name of a frame id. */
const char *profdiff_function(const struct profdiff *d, uint32_t frame);

/* One call-tree node of the merged profile (a stack prefix): its total on
 * each side, the change of its total share and the z of that change. */
struct profdiff_node {
	struct profdiff_side total_b, total_a, self_b, self_a;
	double change, z; /* of the total share */
	enum profdiff_verdict verdict;
};
void profdiff_node(const struct profdiff *d, uint32_t node, struct profdiff_node *out);

/* The verdict of a change with this z score. */
enum profdiff_verdict profdiff_verdict_of(double change, double z);

/*
 * The folded differential: "root;...;leaf BEFORE AFTER\n" per distinct stack
 * (names escaped as profile_write_folded does, module left out, lines
 * sorted), both counts always present, 0 on the side without the stack; what
 * FlameGraph's difffolded.pl writes and its flamegraph.pl draws (widths from
 * AFTER, colour from AFTER - BEFORE). normalize scales BEFORE (see above).
 * Returns 0, or -1 with errno when writing failed.
 */
int profdiff_write_folded(const struct profdiff *d, FILE *out, bool normalize);

/* The table of the top limit functions (0: all) as ranked, for humans. */
int profdiff_write_table(const struct profdiff *d, FILE *out, size_t limit);

/*
 * One JSON object (docs/diff-profile.md), no trailing newline: both sides'
 * metadata, the limit top functions as ranked, and the limit stacks whose
 * share changed most. normalize says which counts "stacks" carries.
 */
int profdiff_write_json(const struct profdiff *d, FILE *out, size_t limit,
			bool normalize);

#endif
