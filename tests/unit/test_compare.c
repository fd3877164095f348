/* SPDX-License-Identifier: MIT */
/*
 * test_compare: analysis/compare's rules on series with known answers: a
 * clear shift is changed with its size, the same distribution twice is
 * not, a certain but tiny change (below the unit's floor or the minimum
 * relative change) is not listed, too few ticks are never significant,
 * percentiles come from merged histograms (not averaged per tick), and the
 * ranking puts the biggest significant change first.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/compare.h"
#include "analysis/stats.h"
#include "core/hdr.h"

static void assert_near(double got, double want, double tol)
{
	if (fabs(got - want) > tol)
		fail_msg("%.9g is not within %g of %.9g", got, tol, want);
}

/* n values base +- spread from seed. */
static void fill(double *v, size_t n, double base, double spread, uint64_t seed)
{
	struct stats_rng r;

	stats_rng_seed(&r, seed);
	for (size_t i = 0; i < n; i++)
		v[i] = base + spread * ((double)stats_rng_below(&r, 1001) / 500.0 - 1.0);
}

static const struct cmp_change *find(const struct cmp_result *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].name, name))
			return &r->v[i];
	fail_msg("no figure '%s'", name);
	return NULL;
}

static void test_series(void **state)
{
	double b[50], a[50], same[50], flat[50], tiny[50];
	struct cmp_result r;
	const struct cmp_change *c;

	(void)state;
	fill(b, 50, 20, 2, 1);
	fill(a, 50, 40, 2, 2);
	fill(same, 50, 20, 2, 3);
	fill(flat, 50, 20, 0.1, 4);
	fill(tiny, 50, 20.5, 0.1, 5); /* certain, but half a point */
	cmp_init(&r, NULL);
	cmp_add_series(&r, "target", "target.cpu", "%", NULL, b, 50, a, 50);
	cmp_add_series(&r, "system", "system.cpu.user", "%", NULL, b, 50, same, 50);
	cmp_add_series(&r, "system", "system.cpu.system", "%", NULL, flat, 50, tiny, 50);
	cmp_add_series(&r, "system", "system.few", "%", NULL, b, 4, a, 4);
	cmp_rank(&r);
	assert_int_equal(cmp_changed(&r), 1);
	c = &r.v[0];
	assert_string_equal(c->name, "target.cpu");
	assert_true(c->changed && c->significant);
	assert_near(c->rel_change, 1.0, 0.05);
	assert_near(c->abs_change, 20, 1);
	assert_true(c->p < 1e-10);
	assert_false(find(&r, "system.cpu.user")->changed);
	c = find(&r, "system.cpu.system");
	assert_true(c->significant); /* every tick half a point up... */
	assert_false(c->changed);    /* ... below the floor of 1 point */
	c = find(&r, "system.few");
	assert_false(c->significant); /* 4 ticks: below CMP_MIN_TICKS */
	cmp_release(&r);
}

static void test_from_zero_and_rank(void **state)
{
	double zero[20] = {0}, some[20], b[20], a[20];
	struct cmp_result r;

	(void)state;
	fill(some, 20, 5, 1, 4);
	fill(b, 20, 100, 5, 5);
	fill(a, 20, 130, 5, 6);
	cmp_init(&r, NULL);
	cmp_add_series(&r, "counter", "counter.x.rate", "/s", NULL, b, 20, a, 20);
	cmp_add_series(&r, "counter", "counter.new.rate", "/s", NULL, zero, 20, some, 20);
	cmp_rank(&r);
	assert_int_equal(cmp_changed(&r), 2);
	/* from 0: relative change infinite, capped in the score: first */
	assert_string_equal(r.v[0].name, "counter.new.rate");
	assert_true(isinf(r.v[0].rel_change));
	assert_near(r.v[0].score, CMP_REL_CAP * CMP_LOGP_CAP, 1e-9);
	assert_string_equal(r.v[1].name, "counter.x.rate");
	assert_near(r.v[1].rel_change, 0.3, 0.05);
	cmp_release(&r);
}

/*
 * Percentiles from merged histograms: 40 ticks, each with 99 values of 1 ms
 * and one of 100 ms. Every tick's p99 is 1 ms, so their mean is 1 ms; the
 * window's p99 is also 1 ms but its p99.9 is 100 ms (40 of 4,000 values).
 * After: the same with the slow values at 200 ms.
 */
static void test_quantiles_merged(void **state)
{
	struct hdr *b[40], *a[40];
	struct cmp_result r;
	const struct cmp_change *c;

	(void)state;
	for (int i = 0; i < 40; i++) {
		b[i] = hdr_new();
		a[i] = hdr_new();
		hdr_record(b[i], 1000000, 99);
		hdr_record(b[i], 100000000, 1);
		hdr_record(a[i], 1000000, 99);
		hdr_record(a[i], 200000000, 1);
	}
	cmp_init(&r, NULL);
	cmp_add_quantiles(&r, "latency", "latency.api", b, 40, a, 40);
	c = find(&r, "latency.api.p99");
	assert_near(c->before, 1, 0.001);
	assert_false(c->changed);
	c = find(&r, "latency.api.p999");
	assert_near(c->before, 100, 0.1);
	assert_near(c->after, 200, 0.2);
	assert_near(c->rel_change, 1.0, 0.01);
	assert_true(c->changed);
	assert_int_equal(c->method, CMP_BOOTSTRAP);
	assert_near(c->p, 1.0 / CMP_BOOT_RESAMPLES, 1e-12);
	cmp_release(&r);
	for (int i = 0; i < 40; i++) {
		hdr_free(b[i]);
		hdr_free(a[i]);
	}
}

/* More ticks than CMP_BOOT_MAX_BLOCKS: blocks, same answer, reproducible. */
static void test_quantiles_blocks(void **state)
{
	enum { N = 450 };
	static struct hdr *b[N], *a[N];
	struct cmp_result r1, r2;
	struct stats_rng rng;

	(void)state;
	stats_rng_seed(&rng, 9);
	for (int i = 0; i < N; i++) {
		b[i] = hdr_new();
		a[i] = hdr_new();
		for (int k = 0; k < 5; k++) {
			uint64_t v = 1000000 + stats_rng_below(&rng, 1000000);

			hdr_record(b[i], v, 1);
			hdr_record(a[i], v * 11 / 10, 1);
		}
	}
	cmp_init(&r1, NULL);
	cmp_init(&r2, NULL);
	cmp_add_quantiles(&r1, "latency", "latency.x", b, N, a, N);
	cmp_add_quantiles(&r2, "latency", "latency.x", b, N, a, N);
	for (size_t i = 0; i < r1.n; i++) {
		assert_near(r1.v[i].p, r2.v[i].p, 0);
		assert_near(r1.v[i].lo95, r2.v[i].lo95, 0);
	}
	assert_near(find(&r1, "latency.x.p50")->rel_change, 0.1, 0.01);
	assert_true(find(&r1, "latency.x.p50")->changed);
	assert_int_equal(find(&r1, "latency.x.p50")->n_before, N);
	cmp_release(&r1);
	cmp_release(&r2);
	for (int i = 0; i < N; i++) {
		hdr_free(b[i]);
		hdr_free(a[i]);
	}
}

static void test_nan_skipped(void **state)
{
	double b[12], a[12];
	struct cmp_result r;

	(void)state;
	fill(b, 12, 10, 1, 7);
	fill(a, 12, 30, 1, 8);
	b[3] = NAN;
	a[0] = NAN;
	cmp_init(&r, NULL);
	cmp_add_series(&r, "process", "process.x.cpu", "%", "x --y", b, 12, a, 12);
	assert_int_equal(r.v[0].n_before, 11);
	assert_int_equal(r.v[0].n_after, 11);
	assert_false(isnan(r.v[0].before));
	assert_string_equal(r.v[0].detail, "x --y");
	cmp_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_series),
		cmocka_unit_test(test_from_zero_and_rank),
		cmocka_unit_test(test_quantiles_merged),
		cmocka_unit_test(test_quantiles_blocks),
		cmocka_unit_test(test_nan_skipped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
