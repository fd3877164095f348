/* SPDX-License-Identifier: MIT */
/*
 * stats: Mann-Whitney U and the bootstrap of merged-histogram quantiles (see
 * stats.h for the definitions and why each is used). Pure; the only state is
 * the caller's generator.
 */
#include "analysis/stats.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/hdr.h"
#include "core/xalloc.h"

double stats_mean(const double *v, size_t n)
{
	double sum = 0;

	if (!n)
		return NAN;
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	return sum / (double)n;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

double stats_median(const double *v, size_t n)
{
	double *s, m;

	if (!n)
		return NAN;
	s = xmalloc(n * sizeof(*s));
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	m = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	free(s);
	return m;
}

double stats_normal_p2(double z)
{
	return erfc(fabs(z) / sqrt(2.0));
}

/* A value and which sample it came from, for ranking both together. */
struct ranked {
	double v;
	bool first;
};

static int cmp_ranked(const void *x, const void *y)
{
	const struct ranked *a = x, *b = y;

	return (a->v > b->v) - (a->v < b->v);
}

void stats_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
			struct stats_mw *out)
{
	size_t n = na + nb;
	struct ranked *r;
	double rank_sum = 0, mean, var, d;

	memset(out, 0, sizeof(*out));
	out->p = 1;
	if (!na || !nb)
		return;
	r = xmalloc(n * sizeof(*r));
	for (size_t i = 0; i < na; i++)
		r[i] = (struct ranked){a[i], true};
	for (size_t i = 0; i < nb; i++)
		r[na + i] = (struct ranked){b[i], false};
	qsort(r, n, sizeof(*r), cmp_ranked);
	for (size_t i = 0; i < n;) {
		size_t j = i, in_a = 0;
		double t, avg;

		while (j < n && r[j].v == r[i].v)
			in_a += r[j++].first;
		t = (double)(j - i);
		avg = ((double)i + 1 + (double)j) / 2; /* ranks i+1 .. j */
		rank_sum += avg * (double)in_a;
		out->tie_sum += t * t * t - t;
		i = j;
	}
	free(r);
	out->u = rank_sum - (double)na * ((double)na + 1) / 2;
	mean = (double)na * (double)nb / 2;
	var = (double)na * (double)nb / 12 *
	      (((double)n + 1) - out->tie_sum / ((double)n * ((double)n - 1)));
	if (var <= 0)
		return;
	d = out->u - mean;
	/* continuity: half a step towards the mean */
	d = d > 0.5 ? d - 0.5 : d < -0.5 ? d + 0.5 : 0;
	out->z = d / sqrt(var);
	out->p = fmin(1.0, stats_normal_p2(out->z));
}

void stats_rng_seed(struct stats_rng *r, uint64_t seed)
{
	r->state = seed;
}

uint64_t stats_rng_next(struct stats_rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

size_t stats_rng_below(struct stats_rng *r, size_t n)
{
	return (size_t)(((stats_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/*
 * The bootstrap works on coarse copies of the histograms: values below 128
 * ns exact, above that 64 bins an octave (each within 0.8% of its values),
 * STATS_NBINS in all up to 2^63. Merging a resample then adds a few hundred
 * counts per histogram into one small array instead of thousands of HDR
 * buckets, which makes an hour of ticks take a fraction of a second; the
 * coarseness only blurs where the resampled quantiles fall, never the
 * figures reported (compare.c takes those from the full histograms).
 */
#define STATS_LINEAR 128
#define STATS_PER_OCTAVE 64
#define STATS_NBINS (STATS_LINEAR + (64 - 7) * STATS_PER_OCTAVE)

static uint32_t coarse_bin(uint64_t v)
{
	int e;

	if (v < STATS_LINEAR)
		return (uint32_t)v;
	e = 63 - __builtin_clzll(v); /* >= 7 */
	return STATS_LINEAR + (uint32_t)(e - 7) * STATS_PER_OCTAVE +
	       (uint32_t)((v >> (e - 6)) & (STATS_PER_OCTAVE - 1));
}

/* The middle of a bin. */
static double coarse_value(uint32_t bin)
{
	uint32_t e, frac;

	if (bin < STATS_LINEAR)
		return bin;
	e = (bin - STATS_LINEAR) / STATS_PER_OCTAVE + 7;
	frac = (bin - STATS_LINEAR) % STATS_PER_OCTAVE;
	return (double)((uint64_t)(STATS_PER_OCTAVE + frac) << (e - 6)) +
	       (double)((uint64_t)1 << (e - 6)) / 2;
}

/* One histogram's non-empty bins, ascending. */
struct coarse {
	uint32_t *bin;
	uint64_t *n;
	size_t len, cap, ncap;
};

static void coarse_add(uint64_t value_ns, uint64_t count, void *arg)
{
	struct coarse *c = arg;
	uint32_t b = coarse_bin(value_ns);

	if (c->len && c->bin[c->len - 1] == b) {
		c->n[c->len - 1] += count;
		return;
	}
	c->bin = xgrow(c->bin, &c->cap, c->len + 1, sizeof(*c->bin));
	c->n = xgrow(c->n, &c->ncap, c->len + 1, sizeof(*c->n));
	c->bin[c->len] = b;
	c->n[c->len++] = count;
}

static struct coarse *coarse_all(struct hdr *const *h, size_t n)
{
	struct coarse *c = xcalloc(n ? n : 1, sizeof(*c));

	for (size_t i = 0; i < n; i++)
		hdr_foreach(h[i], coarse_add, &c[i]);
	return c;
}

static void coarse_free(struct coarse *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].bin);
		free(c[i].n);
	}
	free(c);
}

/* What one side needs per round: the draw's multiplicities and its merge. */
struct side {
	const struct coarse *h;
	size_t n;
	uint32_t *w;
	uint64_t *merged;
};

/*
 * Draws n of the side's histograms with replacement, merges them and puts
 * the nq quantiles (order: ppm ascending) into q. Returns false when the
 * draw has no values.
 */
static bool draw(struct side *s, struct stats_rng *r, const uint64_t *ppm,
		 const size_t *order, size_t nq, double *q)
{
	uint64_t total = 0, cum = 0;
	size_t k = 0;

	memset(s->w, 0, s->n * sizeof(*s->w));
	memset(s->merged, 0, STATS_NBINS * sizeof(*s->merged));
	for (size_t i = 0; i < s->n; i++)
		s->w[stats_rng_below(r, s->n)]++;
	for (size_t i = 0; i < s->n; i++)
		for (size_t j = 0; s->w[i] && j < s->h[i].len; j++) {
			s->merged[s->h[i].bin[j]] += s->w[i] * s->h[i].n[j];
			total += s->w[i] * s->h[i].n[j];
		}
	if (!total)
		return false;
	for (uint32_t b = 0; b < STATS_NBINS && k < nq; b++) {
		cum += s->merged[b];
		/* nearest rank, as hdr_value_at_ppm: ceil(p * count), at least 1 */
		while (k < nq && (double)cum >= fmax(1.0, ceil((double)ppm[order[k]] /
							       1e6 * (double)total)))
			q[order[k++]] = coarse_value(b);
	}
	return true;
}

static void side_init(struct side *s, const struct coarse *h, size_t n)
{
	s->h = h;
	s->n = n;
	s->w = xcalloc(n ? n : 1, sizeof(*s->w));
	s->merged = xcalloc(STATS_NBINS, sizeof(*s->merged));
}

static void side_release(struct side *s)
{
	free(s->w);
	free(s->merged);
}

/* The value at fraction q of the sorted v[0..n) (nearest rank). */
static double sorted_at(const double *v, size_t n, double q)
{
	size_t k = (size_t)ceil(q * (double)n);

	return v[k ? k - 1 : 0];
}

/* Counts, p and the 95% interval of each quantile from the differences. */
static void summarise(struct stats_boot *out, double *diffs)
{
	size_t resamples = out->resamples;

	for (size_t q = 0; q < out->nq; q++) {
		double *v = diffs + q * resamples;
		size_t tail;

		for (size_t k = 0; k < resamples; k++) {
			out->le0[q] += v[k] <= 0;
			out->ge0[q] += v[k] >= 0;
		}
		tail = out->le0[q] < out->ge0[q] ? out->le0[q] : out->ge0[q];
		out->p[q] = fmin(1.0, fmax(2.0 * (double)tail, 1.0) / (double)resamples);
		qsort(v, resamples, sizeof(*v), cmp_double);
		out->lo95[q] = sorted_at(v, resamples, 0.025);
		out->hi95[q] = sorted_at(v, resamples, 0.975);
	}
}

int stats_bootstrap_quantiles(struct hdr *const *before, size_t nb,
			      struct hdr *const *after, size_t na, const uint64_t *ppm,
			      size_t nq, size_t resamples, uint64_t seed,
			      struct stats_boot *out)
{
	size_t order[STATS_MAX_QUANTILES];
	double qb[STATS_MAX_QUANTILES], qa[STATS_MAX_QUANTILES], *diffs;
	struct coarse *cb, *ca;
	struct side sb, sa;
	struct stats_rng rng;

	if (nq == 0 || nq > STATS_MAX_QUANTILES)
		return -1;
	memset(out, 0, sizeof(*out));
	out->nq = nq;
	out->resamples = resamples;
	memcpy(out->ppm, ppm, nq * sizeof(*ppm));
	for (size_t q = 0; q < nq; q++)
		out->p[q] = 1;
	if (!nb || !na || !resamples)
		return 0;
	/* the quantiles in ascending order, for one pass over the bins */
	for (size_t q = 0; q < nq; q++) {
		size_t j = q;

		for (; j > 0 && ppm[order[j - 1]] > ppm[q]; j--)
			order[j] = order[j - 1];
		order[j] = q;
	}
	cb = coarse_all(before, nb);
	ca = coarse_all(after, na);
	side_init(&sb, cb, nb);
	side_init(&sa, ca, na);
	stats_rng_seed(&rng, seed);
	diffs = xmalloc(nq * resamples * sizeof(*diffs));
	for (size_t k = 0; k < resamples; k++) {
		bool some = draw(&sb, &rng, ppm, order, nq, qb);

		/* a round where either draw is empty counts as no change */
		some = draw(&sa, &rng, ppm, order, nq, qa) && some;
		for (size_t q = 0; q < nq; q++)
			diffs[q * resamples + k] = some ? qa[q] - qb[q] : 0;
	}
	summarise(out, diffs);
	free(diffs);
	side_release(&sb);
	side_release(&sa);
	coarse_free(cb, nb);
	coarse_free(ca, na);
	return 0;
}
