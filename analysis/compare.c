/* SPDX-License-Identifier: MIT */
/*
 * compare: figures of two recordings judged and ranked (see compare.h for
 * the rules). Pure: the store's values come in as arrays.
 */
#include "analysis/compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/stats.h"
#include "core/hdr.h"
#include "core/xalloc.h"

#define MIB (1024.0 * 1024.0)

const char *cmp_method_name(enum cmp_method m)
{
	return m == CMP_BOOTSTRAP ? "bootstrap" : "mann-whitney";
}

void cmp_init(struct cmp_result *r, const struct cmp_rules *rules)
{
	memset(r, 0, sizeof(*r));
	r->rules.alpha = rules ? rules->alpha : CMP_DEFAULT_ALPHA;
	r->rules.min_rel = rules ? rules->min_rel : CMP_DEFAULT_MIN_REL;
}

void cmp_release(struct cmp_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].name);
		free(r->v[i].detail);
	}
	free(r->v);
	r->v = NULL;
	r->n = r->cap = 0;
}

/* Below these an absolute change is not listed, whatever its p. */
static const struct {
	const char *unit;
	double floor;
} floors[] = {
	{"%", 1.0}, /* one percentage point (of a core, or of all) */
	{"bytes", MIB},	  {"bytes/s", 64 * 1024.0},
	{"bytes/h", MIB}, {"/s", 1.0},
	{"ms", 0.01}, /* 10 us */
	{"ms/s", 1.0},	  {"us", 10.0},
};

double cmp_unit_floor(const char *unit)
{
	for (size_t i = 0; unit && i < sizeof(floors) / sizeof(floors[0]); i++)
		if (!strcmp(unit, floors[i].unit))
			return floors[i].floor;
	return 0;
}

static struct cmp_change *add(struct cmp_result *r, const char *group, const char *name,
			      const char *unit, const char *detail)
{
	struct cmp_change *c;

	r->v = xgrow(r->v, &r->cap, r->n + 1, sizeof(*r->v));
	c = &r->v[r->n++];
	memset(c, 0, sizeof(*c));
	c->name = xstrdup(name);
	c->group = group;
	c->unit = unit;
	c->detail = detail ? xstrdup(detail) : NULL;
	c->u = c->lo95 = c->hi95 = NAN;
	c->p = 1;
	return c;
}

/* Size, significance, changed and score from before, after, p and n. */
static void judge(const struct cmp_result *r, struct cmp_change *c)
{
	double rel, logp;

	c->abs_change = c->after - c->before;
	if (c->before != 0)
		c->rel_change = c->abs_change / fabs(c->before);
	else
		c->rel_change = c->abs_change > 0   ? INFINITY
				: c->abs_change < 0 ? -INFINITY
						    : 0;
	c->significant = c->p < r->rules.alpha && c->n_before >= CMP_MIN_TICKS &&
			 c->n_after >= CMP_MIN_TICKS;
	c->changed = c->significant && fabs(c->rel_change) >= r->rules.min_rel &&
		     fabs(c->abs_change) >= cmp_unit_floor(c->unit) && c->abs_change != 0;
	rel = fmin(fabs(c->rel_change), CMP_REL_CAP);
	logp = fmin(-log10(fmax(c->p, 1e-300)), CMP_LOGP_CAP);
	c->score = c->changed ? rel * logp : 0;
}

/* v[0..n) without NaNs, into a new array; *m its length. */
static double *finite_only(const double *v, size_t n, size_t *m)
{
	double *out = xmalloc((n ? n : 1) * sizeof(*out));

	*m = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i]))
			out[(*m)++] = v[i];
	return out;
}

void cmp_add_series(struct cmp_result *r, const char *group, const char *name,
		    const char *unit, const char *detail, const double *before, size_t nb,
		    const double *after, size_t na)
{
	struct cmp_change *c = add(r, group, name, unit, detail);
	size_t mb, ma;
	double *b = finite_only(before, nb, &mb), *a = finite_only(after, na, &ma);
	struct stats_mw mw;

	c->method = CMP_MANN_WHITNEY;
	c->n_before = mb;
	c->n_after = ma;
	c->before = mb ? stats_mean(b, mb) : NAN;
	c->after = ma ? stats_mean(a, ma) : NAN;
	stats_mann_whitney(a, ma, b, mb, &mw);
	c->u = mw.u;
	c->p = mw.p;
	free(a);
	free(b);
	judge(r, c);
}

/* FNV-1a of s: each figure's bootstrap gets its own fixed seed. */
static uint64_t name_seed(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

/*
 * ticks[0..n) as at most CMP_BOOT_MAX_BLOCKS histograms: the ticks
 * themselves when few enough (*owned false), else blocks of consecutive
 * ticks merged (*owned true: free each and the array).
 */
static struct hdr **blocks(struct hdr *const *ticks, size_t n, size_t *nblocks,
			   bool *owned)
{
	struct hdr **out;

	if (n <= CMP_BOOT_MAX_BLOCKS) {
		out = xmalloc((n ? n : 1) * sizeof(*out));
		memcpy(out, ticks, n * sizeof(*out));
		*nblocks = n;
		*owned = false;
		return out;
	}
	out = xmalloc(CMP_BOOT_MAX_BLOCKS * sizeof(*out));
	for (size_t k = 0; k < CMP_BOOT_MAX_BLOCKS; k++) {
		size_t from = k * n / CMP_BOOT_MAX_BLOCKS,
		       to = (k + 1) * n / CMP_BOOT_MAX_BLOCKS;

		out[k] = hdr_new();
		for (size_t i = from; i < to; i++)
			hdr_merge(out[k], ticks[i]);
	}
	*nblocks = CMP_BOOT_MAX_BLOCKS;
	*owned = true;
	return out;
}

static void free_blocks(struct hdr **b, size_t n, bool owned)
{
	for (size_t i = 0; owned && i < n; i++)
		hdr_free(b[i]);
	free(b);
}

/* The ticks that have values: a bootstrap over empty ticks adds nothing. */
static size_t count_nonempty(struct hdr *const *h, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += hdr_count(h[i]) > 0;
	return k;
}

static const struct {
	const char *suffix;
	uint64_t ppm;
} quantiles[] = {
	{"p50", 500000},
	{"p90", 900000},
	{"p99", 990000},
	{"p999", 999000},
};
#define NQUANT (sizeof(quantiles) / sizeof(quantiles[0]))

void cmp_add_quantiles(struct cmp_result *r, const char *group, const char *prefix,
		       struct hdr *const *before, size_t nb, struct hdr *const *after,
		       size_t na)
{
	struct hdr *mb = hdr_new(), *ma = hdr_new();
	uint64_t ppm[NQUANT];
	size_t kb, ka;
	bool ob, oa;
	struct hdr **bb = blocks(before, nb, &kb, &ob),
		   **ba = blocks(after, na, &ka, &oa);
	struct stats_boot boot;

	for (size_t i = 0; i < nb; i++)
		hdr_merge(mb, before[i]);
	for (size_t i = 0; i < na; i++)
		hdr_merge(ma, after[i]);
	for (size_t q = 0; q < NQUANT; q++)
		ppm[q] = quantiles[q].ppm;
	stats_bootstrap_quantiles(bb, kb, ba, ka, ppm, NQUANT, CMP_BOOT_RESAMPLES,
				  name_seed(prefix), &boot);
	for (size_t q = 0; q < NQUANT; q++) {
		char *name = xasprintf("%s.%s", prefix, quantiles[q].suffix);
		struct cmp_change *c = add(r, group, name, "ms", NULL);

		free(name);
		c->method = CMP_BOOTSTRAP;
		c->n_before = count_nonempty(before, nb);
		c->n_after = count_nonempty(after, na);
		c->before =
			hdr_count(mb) ? (double)hdr_value_at_ppm(mb, ppm[q]) / 1e6 : NAN;
		c->after =
			hdr_count(ma) ? (double)hdr_value_at_ppm(ma, ppm[q]) / 1e6 : NAN;
		c->p = boot.p[q];
		c->lo95 = boot.lo95[q] / 1e6;
		c->hi95 = boot.hi95[q] / 1e6;
		judge(r, c);
	}
	free_blocks(bb, kb, ob);
	free_blocks(ba, ka, oa);
	hdr_free(mb);
	hdr_free(ma);
}

static int cmp_rank_order(const void *x, const void *y)
{
	const struct cmp_change *a = x, *b = y;

	if (a->changed != b->changed)
		return a->changed ? -1 : 1;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return strcmp(a->name, b->name);
}

void cmp_rank(struct cmp_result *r)
{
	if (r->n)
		qsort(r->v, r->n, sizeof(*r->v), cmp_rank_order);
}

size_t cmp_changed(const struct cmp_result *r)
{
	size_t k = 0;

	for (size_t i = 0; i < r->n; i++)
		k += r->v[i].changed;
	return k;
}
