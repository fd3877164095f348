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

/* Merges count random draws of ticks[0..n) into h (reset first). */
static void draw(struct hdr *h, struct hdr *const *ticks, size_t n, struct stats_rng *r)
{
	hdr_reset(h);
	for (size_t i = 0; i < n; i++)
		hdr_merge(h, ticks[stats_rng_below(r, n)]);
}

/* The value at fraction q of the sorted v[0..n) (nearest rank). */
static double sorted_at(const double *v, size_t n, double q)
{
	size_t k = (size_t)ceil(q * (double)n);

	return v[k ? k - 1 : 0];
}

int stats_bootstrap_quantiles(struct hdr *const *before, size_t nb,
			      struct hdr *const *after, size_t na, const uint64_t *ppm,
			      size_t nq, size_t resamples, uint64_t seed,
			      struct stats_boot *out)
{
	struct stats_rng rng;
	struct hdr *hb, *ha;
	double *diffs;

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
	stats_rng_seed(&rng, seed);
	hb = hdr_new();
	ha = hdr_new();
	diffs = xmalloc(nq * resamples * sizeof(*diffs));
	for (size_t k = 0; k < resamples; k++) {
		bool empty;

		draw(hb, before, nb, &rng);
		draw(ha, after, na, &rng);
		empty = !hdr_count(hb) || !hdr_count(ha);
		for (size_t q = 0; q < nq; q++) {
			double d = empty ? 0
					 : (double)hdr_value_at_ppm(ha, ppm[q]) -
						   (double)hdr_value_at_ppm(hb, ppm[q]);

			diffs[q * resamples + k] = d;
			out->le0[q] += d <= 0;
			out->ge0[q] += d >= 0;
		}
	}
	for (size_t q = 0; q < nq; q++) {
		double *v = diffs + q * resamples;
		size_t tail = out->le0[q] < out->ge0[q] ? out->le0[q] : out->ge0[q];

		out->p[q] = fmin(1.0, fmax(2.0 * (double)tail, 1.0) / (double)resamples);
		qsort(v, resamples, sizeof(*v), cmp_double);
		out->lo95[q] = sorted_at(v, resamples, 0.025);
		out->hi95[q] = sorted_at(v, resamples, 0.975);
	}
	free(diffs);
	hdr_free(hb);
	hdr_free(ha);
	return 0;
}
