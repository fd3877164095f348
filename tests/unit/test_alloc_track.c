/* SPDX-License-Identifier: MIT */
/*
 * test_alloc_track: byte sampling, the weight of a sampled allocation and
 * the address table of live ones (analysis/alloc_track.c). The random
 * draws are seeded, so every figure here is the same on every run.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "analysis/alloc_track.h"

static void test_weight(void **state)
{
	(void)state;
	assert_true(alloc_weight(0, 524288) == 0);
	/* far below the rate: about the rate itself (size / (size/rate)) */
	assert_true(fabs(alloc_weight(16, 524288) - 524296.0) < 1.0);
	/* far above it: every such allocation is sampled, weight = size */
	assert_true(fabs(alloc_weight(100u << 20, 524288) - (100u << 20)) < 1.0);
	/* at the rate: size / (1 - 1/e) */
	assert_true(fabs(alloc_weight(524288, 524288) - 524288 / (1 - exp(-1))) < 1.0);
}

/* The sum of weights of sampled allocations estimates the bytes
 * allocated, for small and large sizes alike. */
static void estimate(uint64_t size, uint64_t rate, uint64_t total)
{
	struct alloc_rate r;
	double est = 0;

	alloc_rate_init(&r, rate, 42);
	for (uint64_t done = 0; done < total; done += size)
		if (alloc_rate_take(&r, size))
			est += alloc_weight(size, r.rate);
	assert_true(fabs(est - (double)total) < 0.05 * (double)total);
}

static void test_unbiased(void **state)
{
	(void)state;
	estimate(64, 524288, 2000ull << 20);	   /* many tiny */
	estimate(65536, 524288, 2000ull << 20);	   /* 1/8 of the rate */
	estimate(3u << 20, 524288, 2000ull << 20); /* above the rate */
	estimate(4096, 4096, 200ull << 20);	   /* at the rate */
}

static void test_rate_sampling_frequency(void **state)
{
	struct alloc_rate r;
	uint64_t n = 0;

	(void)state;
	alloc_rate_init(&r, 1024, 7);
	for (int i = 0; i < 1000000; i++)
		n += alloc_rate_take(&r, 8);
	/* 8 MB at one sample per KiB: about 7812 */
	assert_in_range(n, 7400, 8200);
}

static void sum_node(void *ctx, const struct alloc_live *a)
{
	double *by = ctx;

	by[a->node] += a->bytes;
}

static void test_matching(void **state)
{
	struct alloc_track *t = alloc_track_new();
	struct alloc_live got;
	double by[3] = {0, 0, 0};

	(void)state;
	/* enough to grow the table several times, freed every other one */
	for (uint64_t i = 1; i <= 10000; i++)
		alloc_track_add(t, i * 48, (uint32_t)(i % 2 + 1), 1, 100);
	assert_int_equal(alloc_track_count(t), 10000);
	for (uint64_t i = 2; i <= 10000; i += 2) {
		assert_true(alloc_track_remove(t, i * 48, &got));
		assert_int_equal(got.node, 1);
		assert_int_equal(got.addr, i * 48);
	}
	/* an unknown or already freed address is no sampled allocation */
	assert_false(alloc_track_remove(t, 96, NULL));
	assert_false(alloc_track_remove(t, 7, NULL));
	assert_false(alloc_track_remove(t, 0, NULL));
	assert_int_equal(alloc_track_count(t), 5000);
	/* every odd one is still found after the deletions shifted entries */
	for (uint64_t i = 1; i <= 10000; i += 2) {
		assert_true(alloc_track_remove(t, i * 48, &got));
		assert_int_equal(got.node, 2);
		alloc_track_add(t, i * 48, 2, 1, 50);
	}
	/* a reused address replaces the old entry */
	alloc_track_add(t, 48, 1, 1, 7);
	assert_int_equal(alloc_track_count(t), 5000);
	alloc_track_each(t, sum_node, by);
	assert_true(by[1] == 7);
	assert_true(by[2] == 4999 * 50.0);
	alloc_track_add(t, 0, 1, 1, 1);
	assert_int_equal(alloc_track_count(t), 5000);
	alloc_track_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weight),
		cmocka_unit_test(test_unbiased),
		cmocka_unit_test(test_rate_sampling_frequency),
		cmocka_unit_test(test_matching),
	};

	return cmocka_run_group_tests_name("alloc_track", tests, NULL, NULL);
}
