/* SPDX-License-Identifier: MIT */
/*
 * stats: the two-sample tests `vigil diff` judges a change with. Pure: no
 * I/O, no clock, no globals; scratch memory is allocated per call and freed
 * before it returns. Reproducible: the bootstrap draws from a generator
 * seeded by its caller, so the same input gives the same p every time.
 *
 * - Mann-Whitney U, for figures with one value per tick (a CPU share, a
 *   rate, RSS): rank-based, so it needs no normal distribution and one wild
 *   tick moves it little. Normal approximation with the tie correction and a
 *   continuity correction of 1/2 (as scipy's mannwhitneyu with
 *   method="asymptotic", use_continuity=True), two-sided.
 * - A bootstrap over ticks, for percentiles of merged histograms: a p99 has
 *   no per-tick values to rank (the p99 of each tick is not the p99 of the
 *   window), so each side's ticks are resampled with replacement, their
 *   histograms merged and the quantile taken, many times; how often the
 *   resampled difference falls on the other side of 0 is the p-value.
 */
#ifndef VIGIL_ANALYSIS_STATS_H
#define VIGIL_ANALYSIS_STATS_H

#include <stddef.h>
#include <stdint.h>

struct hdr;

/* The arithmetic mean of v[0..n); NAN when n is 0. */
double stats_mean(const double *v, size_t n);

/* The median of v[0..n) (the mean of the middle two for even n); NAN when
 * n is 0. v is not changed. */
double stats_median(const double *v, size_t n);

struct stats_mw {
	double u;	/* U of the first sample: pairs (a, b) with a > b, ties 1/2 */
	double z;	/* (U - n1 n2 / 2 -+ 1/2) / sd; 0 without variance */
	double p;	/* two-sided, from the normal distribution; 1 without variance */
	double tie_sum; /* sum over tie groups of t^3 - t */
};

/*
 * Mann-Whitney U of a[0..na) against b[0..nb) with average ranks for ties:
 * U = R_a - na(na + 1)/2, mean na nb / 2, variance
 * na nb / 12 * ((n + 1) - sum(t^3 - t) / (n (n - 1))), n = na + nb.
 * With na or nb 0, or every value equal, p is 1 and z 0. NaN values must
 * have been left out by the caller. O(n log n) time, O(n) scratch.
 */
void stats_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
			struct stats_mw *out);

/* Two-sided p of a standard normal z: erfc(|z| / sqrt 2). */
double stats_normal_p2(double z);

/* A small fast generator (splitmix64): the same seed gives the same stream. */
struct stats_rng {
	uint64_t state;
};

void stats_rng_seed(struct stats_rng *r, uint64_t seed);
uint64_t stats_rng_next(struct stats_rng *r);
/* Uniform in [0, n), n > 0 (Lemire's multiply-shift, bias below 2^-32 n). */
size_t stats_rng_below(struct stats_rng *r, size_t n);

#define STATS_MAX_QUANTILES 8

struct stats_boot {
	size_t nq;
	uint64_t ppm[STATS_MAX_QUANTILES];
	/* per quantile: the resampled differences (after - before, ns) that
	 * fell at or below and at or above 0, out of resamples */
	size_t le0[STATS_MAX_QUANTILES], ge0[STATS_MAX_QUANTILES];
	double p[STATS_MAX_QUANTILES]; /* two-sided, at least 1 / resamples */
	/* per quantile: the 2.5th and 97.5th percentile of the resampled
	 * differences, ns (a 95% interval of the change) */
	double lo95[STATS_MAX_QUANTILES], hi95[STATS_MAX_QUANTILES];
	size_t resamples;
};

/*
 * Bootstrap of the change of nq quantiles (ppm[i], parts per million, as
 * core/hdr.h's hdr_value_at_ppm) of merged histograms: before[0..nb) and
 * after[0..na) are one histogram per tick (recordable or compact; empty
 * ones allowed). Each of resamples rounds draws nb ticks of before and na of
 * after with replacement from the generator seeded with seed, merges each
 * side's draw and takes every quantile of both; the difference after -
 * before of each quantile is counted at or below and at or above 0.
 * p = min(1, 2 min(le0, ge0) / resamples), at least 1 / resamples: the
 * percentile bootstrap's two-sided test of "no change". A round where either
 * draw is empty counts as no change. nb or na 0 gives p 1.
 * The resampled quantiles are taken from coarse copies of the histograms
 * (values below 128 ns exact, then 64 bins an octave, each within 0.8% of
 * its values; the nearest rank as core/hdr.h's): that blurs where each
 * resampled quantile falls by less than 1%, and makes a round a few
 * hundred additions per histogram drawn. Cost: resamples x (nb + na) of
 * those; callers coarsen long windows into blocks of consecutive ticks
 * first. Returns 0, or -1 for nq out of range.
 */
int stats_bootstrap_quantiles(struct hdr *const *before, size_t nb,
			      struct hdr *const *after, size_t na, const uint64_t *ppm,
			      size_t nq, size_t resamples, uint64_t seed,
			      struct stats_boot *out);

#endif
