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
#include <stdlib.h>

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

/* The off time makes the on share pct on average, drawn over [0.5, 1.5]
 * of that; always on draws nothing. */
static void test_duty_off(void **state)
{
	const int64_t on = 100000000;

	(void)state;
	assert_true(alloc_duty_off_ns(on, 100, 12345) == 0);
	assert_true(alloc_duty_off_ns(on, 0, 12345) == 0);
	assert_true(alloc_duty_off_ns(0, 3, 12345) == 0);
	/* 50%: the mean off time is the on time */
	assert_true(alloc_duty_off_ns(on, 50, 0) == on / 2);
	assert_true(llabs(alloc_duty_off_ns(on, 50, UINT64_MAX) - on * 3 / 2) < 1000);
	assert_true(llabs(alloc_duty_off_ns(on, 50, 1ull << 63) - on) < 1000);
	/* 3%: off 97/3 of on on average */
	assert_true(llabs(alloc_duty_off_ns(on, 3, 1ull << 63) - on * 97 / 3) < 1000);
	assert_true(llabs(alloc_duty_off_ns(on, 10, 0) - on * 9 / 2) < 1000);
}

static void test_duty_scale(void **state)
{
	(void)state;
	assert_true(alloc_duty_scale(0, 1000) == 1);
	assert_true(alloc_duty_scale(1000, 1000) == 1);
	assert_true(alloc_duty_scale(2000, 1000) == 1); /* clock skew: never below 1 */
	assert_true(alloc_duty_scale(250, 1000) == 4);
	assert_true(fabs(alloc_duty_scale(30, 1000) - 1000.0 / 30) < 1e-9);
}

/*
 * The whole arithmetic on a simulated capture: a program allocates 700
 * bytes every 10 us for 60 s; the probes are on for 100 ms phases with off
 * times from alloc_duty_off_ns at 3%; allocations in on phases are byte
 * sampled at 512 KiB and weighted; the sum times alloc_duty_scale is the
 * bytes of the whole capture. Seeded: the same figures on every run.
 */
static void test_duty_estimate(void **state)
{
	const int64_t on_ns = 100000000, wall = 60000000000LL, gap = 10000;
	struct alloc_rate r;
	int64_t t = 0, active = 0;
	uint64_t x = 0x2545f4914f6cdd1dull;
	double seen = 0, est, truth = (double)(wall / gap) * 700;

	(void)state;
	alloc_rate_init(&r, 524288, 7);
	while (t < wall) {
		int64_t end = t + on_ns < wall ? t + on_ns : wall;

		for (int64_t a = (t + gap - 1) / gap * gap; a < end; a += gap)
			if (alloc_rate_take(&r, 700))
				seen += alloc_weight(700, r.rate);
		active += end - t;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		t = end + alloc_duty_off_ns(on_ns, 3, x);
	}
	est = seen * alloc_duty_scale(active, wall);
	/* ~1.8 s on, 126 MB seen, ~240 samples: 6.5% standard error */
	assert_true(active > wall / 50 && active < wall / 25);
	assert_true(fabs(est / truth - 1) < 0.25);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weight),
		cmocka_unit_test(test_unbiased),
		cmocka_unit_test(test_rate_sampling_frequency),
		cmocka_unit_test(test_matching),
		cmocka_unit_test(test_duty_off),
		cmocka_unit_test(test_duty_scale),
		cmocka_unit_test(test_duty_estimate),
	};

	return cmocka_run_group_tests_name("alloc_track", tests, NULL, NULL);
}
