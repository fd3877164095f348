/* SPDX-License-Identifier: MIT */
/*
 * test_stats: analysis/stats against worked values. Mann-Whitney U: the
 * example of scipy's documentation (U 17, asymptotic p 0.111347), a
 * complete separation (U 0, p 0.080856) and a sample with three tie groups
 * whose U, tie sum and p were worked by hand (pairs counted, t^3 - t
 * summed; p = erfc(|z| / sqrt 2) with the continuity correction). The
 * bootstrap: the same seed gives the same answer, a clear shift gets the
 * smallest p it can give, two equal sides never look different.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "analysis/stats.h"
#include "core/hdr.h"

static void assert_near(double got, double want, double tol)
{
	if (fabs(got - want) > tol)
		fail_msg("%.9g is not within %g of %.9g", got, tol, want);
}

static void test_mw_scipy_example(void **state)
{
	const double males[] = {19, 22, 16, 29, 24}, females[] = {20, 11, 17, 12};
	struct stats_mw r;

	(void)state;
	stats_mann_whitney(males, 5, females, 4, &r);
	assert_near(r.u, 17, 0);
	assert_near(r.p, 0.11134688653314041, 1e-9);
	assert_near(r.z, 1.5921683328090657, 1e-9);
	/* the other way round: U2 = n1 n2 - U1, same p */
	stats_mann_whitney(females, 4, males, 5, &r);
	assert_near(r.u, 3, 0);
	assert_near(r.p, 0.11134688653314041, 1e-9);
}

static void test_mw_separated(void **state)
{
	const double a[] = {1, 2, 3}, b[] = {4, 5, 6};
	struct stats_mw r;

	(void)state;
	stats_mann_whitney(a, 3, b, 3, &r);
	assert_near(r.u, 0, 0);
	assert_near(r.z, -1.7457431218879391, 1e-9);
	assert_near(r.p, 0.0808555983700523, 1e-9);
	assert_near(r.tie_sum, 0, 0);
}

static void test_mw_ties(void **state)
{
	const double a[] = {1, 2, 2, 3, 5}, b[] = {2, 3, 3, 4, 4, 6};
	struct stats_mw r;

	(void)state;
	stats_mann_whitney(a, 5, b, 6, &r);
	assert_near(r.u, 8, 1e-12);    /* 0 + 2 x 0.5 + (1 + 2 x 0.5) + 5 */
	assert_near(r.tie_sum, 54, 0); /* 2: 3 x, 3: 3 x, 4: 2 x -> 24 + 24 + 6 */
	assert_near(r.z, -1.2117773819397384, 1e-9);
	assert_near(r.p, 0.22559760855754862, 1e-9);
}

static void test_mw_degenerate(void **state)
{
	const double a[] = {7, 7, 7}, b[] = {7, 7};
	struct stats_mw r;

	(void)state;
	stats_mann_whitney(a, 3, b, 2, &r); /* all tied: no variance */
	assert_near(r.p, 1, 0);
	assert_near(r.z, 0, 0);
	stats_mann_whitney(a, 3, b, 0, &r);
	assert_near(r.p, 1, 0);
}

static void test_mw_large_shift(void **state)
{
	double a[100], b[100];
	struct stats_mw r;

	(void)state;
	for (int i = 0; i < 100; i++) {
		a[i] = i % 10;	   /* many ties */
		b[i] = i % 10 + 5; /* half overlapping */
	}
	stats_mann_whitney(b, 100, a, 100, &r);
	assert_true(r.z > 0);
	assert_true(r.p < 1e-6);
}

static void test_median_mean(void **state)
{
	const double v[] = {5, 1, 4, 2};

	(void)state;
	assert_near(stats_median(v, 4), 3, 0);
	assert_near(stats_median(v, 3), 4, 0);
	assert_near(stats_mean(v, 4), 3, 0);
	assert_true(isnan(stats_median(v, 0)));
	assert_near(v[0], 5, 0); /* untouched */
}

static void test_rng(void **state)
{
	struct stats_rng a, b;

	(void)state;
	stats_rng_seed(&a, 42);
	stats_rng_seed(&b, 42);
	for (int i = 0; i < 1000; i++) {
		size_t x = stats_rng_below(&a, 7);

		assert_true(x < 7);
		assert_int_equal(x, stats_rng_below(&b, 7));
	}
}

/* n ticks of 20 values each around base_ns (spread 50%), from seed. */
static void make_ticks(struct hdr **h, size_t n, uint64_t base_ns, uint64_t seed)
{
	struct stats_rng r;

	stats_rng_seed(&r, seed);
	for (size_t i = 0; i < n; i++) {
		h[i] = hdr_new();
		for (int k = 0; k < 20; k++)
			hdr_record(h[i], base_ns + stats_rng_below(&r, base_ns / 2), 1);
	}
}

static void free_ticks(struct hdr **h, size_t n)
{
	for (size_t i = 0; i < n; i++)
		hdr_free(h[i]);
}

static void test_bootstrap(void **state)
{
	struct hdr *b[30], *a[30], *same[30];
	const uint64_t ppm[] = {500000, 990000};
	struct stats_boot r1, r2, r3;

	(void)state;
	make_ticks(b, 30, 1000000, 1);
	make_ticks(a, 30, 1500000, 2);
	make_ticks(same, 30, 1000000, 3);
	assert_int_equal(stats_bootstrap_quantiles(b, 30, a, 30, ppm, 2, 500, 7, &r1), 0);
	assert_int_equal(stats_bootstrap_quantiles(b, 30, a, 30, ppm, 2, 500, 7, &r2), 0);
	/* reproducible: the same seed, the same everything */
	for (int q = 0; q < 2; q++) {
		assert_int_equal(r1.le0[q], r2.le0[q]);
		assert_near(r1.p[q], r2.p[q], 0);
		assert_near(r1.lo95[q], r2.lo95[q], 0);
	}
	/* 1.0-1.5 ms against 1.5-2.25 ms: every resample rises; p is 1/500 */
	assert_int_equal(r1.le0[0], 0);
	assert_near(r1.p[0], 1.0 / 500, 1e-12);
	assert_true(r1.lo95[0] > 0);
	/* the same distribution: no change at any usual level */
	stats_bootstrap_quantiles(b, 30, same, 30, ppm, 2, 500, 7, &r3);
	assert_true(r3.p[0] > 0.05);
	assert_true(r3.lo95[0] < 0 && r3.hi95[0] > 0);
	/* a side with nothing: p 1 */
	stats_bootstrap_quantiles(b, 30, a, 0, ppm, 2, 500, 7, &r3);
	assert_near(r3.p[0], 1, 0);
	assert_int_equal(stats_bootstrap_quantiles(b, 30, a, 30, ppm, 0, 10, 7, &r3), -1);
	free_ticks(b, 30);
	free_ticks(a, 30);
	free_ticks(same, 30);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mw_scipy_example),
		cmocka_unit_test(test_mw_separated),
		cmocka_unit_test(test_mw_ties),
		cmocka_unit_test(test_mw_degenerate),
		cmocka_unit_test(test_mw_large_shift),
		cmocka_unit_test(test_median_mean),
		cmocka_unit_test(test_rng),
		cmocka_unit_test(test_bootstrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
