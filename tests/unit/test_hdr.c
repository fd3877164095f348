/* SPDX-License-Identifier: MIT */
/*
 * test_hdr: the latency histogram against exact order statistics of 100k
 * values from a fixed-seed log-normal generator (ns .. minutes), exact
 * integer ranks, every value from 1 us to 1 h within 0.1%, merging
 * per-tick histograms against one histogram of everything, the encoding
 * (round trip, size, and every kind of damaged or hostile blob), clamping
 * and counter saturation.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/hdr.h"
#include "core/xalloc.h"

#define NVALUES 100000
#define NTICKS 100

static uint64_t rng;

static uint64_t next_rand(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ull;
}

/* Uniform in (0, 1]. */
static double uniform(void)
{
	return ((double)(next_rand() >> 11) + 1) / 9007199254740992.0;
}

/* Log-normal around 5 ms with sigma 2, in ns: most values 50 us .. 500 ms,
 * some below 1 us and some minutes long. */
static uint64_t lognormal_ns(void)
{
	double z = sqrt(-2 * log(uniform())) * cos(2 * M_PI * uniform());

	return (uint64_t)exp(log(5e6) + 2.0 * z);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The nearest-rank percentile of sorted[0..n) (n < 10^12), in integers:
 * the smallest rank r with r * 10^6 >= ppm * n. */
static uint64_t exact_percentile(const uint64_t *sorted, size_t n, double pct)
{
	uint64_t ppm = (uint64_t)llround(pct * 10000.0);
	uint64_t rank = (ppm * n + 999999) / 1000000;

	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return sorted[rank - 1];
}

static void assert_within_bound(uint64_t got, uint64_t exact, double pct)
{
	uint64_t diff = got > exact ? got - exact : exact - got;

	if (diff * HDR_ERROR_DIVISOR > exact)
		fail_msg("p%g: got %llu, exact %llu (error %llu > exact/%d)", pct,
			 (unsigned long long)got, (unsigned long long)exact,
			 (unsigned long long)diff, HDR_ERROR_DIVISOR);
}

static uint64_t *values_new(size_t n, uint64_t seed)
{
	uint64_t *v = xmalloc(n * sizeof(*v));

	rng = seed;
	for (size_t i = 0; i < n; i++)
		v[i] = lognormal_ns();
	return v;
}

static const double pcts[] = {0, 0.1, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100};

static void test_percentiles_lognormal(void **state)
{
	uint64_t *v = values_new(NVALUES, 42), *sorted;
	struct hdr *h = hdr_new();
	double sum = 0;

	(void)state;
	for (size_t i = 0; i < NVALUES; i++) {
		hdr_record(h, v[i], 1);
		sum += (double)v[i];
	}
	sorted = xmalloc(NVALUES * sizeof(*sorted));
	memcpy(sorted, v, NVALUES * sizeof(*v));
	qsort(sorted, NVALUES, sizeof(*sorted), cmp_u64);
	/* the generator is as wide as promised */
	assert_true(sorted[0] < 10000);
	assert_true(sorted[NVALUES - 1] > 10000000000ull);

	assert_int_equal(hdr_count(h), NVALUES);
	assert_int_equal(hdr_clamped(h), 0);
	assert_int_equal(hdr_min(h), sorted[0]);
	assert_int_equal(hdr_max(h), sorted[NVALUES - 1]);
	assert_true(fabs(hdr_mean(h) - sum / NVALUES) <= 1e-9 * (sum / NVALUES));
	for (size_t i = 0; i < sizeof(pcts) / sizeof(pcts[0]); i++)
		assert_within_bound(hdr_value_at_percentile(h, pcts[i]),
				    exact_percentile(sorted, NVALUES, pcts[i]), pcts[i]);
	/* and every tenth of a percent in between */
	for (int k = 1; k < 1000; k++)
		assert_within_bound(hdr_value_at_percentile(h, k / 10.0),
				    exact_percentile(sorted, NVALUES, k / 10.0),
				    k / 10.0);
	assert_int_equal(hdr_value_at_percentile(h, 100), sorted[NVALUES - 1]);
	assert_int_equal(hdr_value_at_percentile(h, 0), sorted[0]);
	free(sorted);
	free(v);
	hdr_free(h);
}

static void test_small_values_exact(void **state)
{
	struct hdr *h = hdr_new();

	(void)state;
	for (uint64_t v = 0; v < 1024; v++)
		hdr_record(h, v, 1);
	/* rank ceil(p/100 * 1024) of 0..1023 is that rank minus one */
	assert_int_equal(hdr_value_at_percentile(h, 50), 511);
	assert_int_equal(hdr_value_at_percentile(h, 90), 921);
	assert_int_equal(hdr_value_at_percentile(h, 99.9), 1022);
	assert_int_equal(hdr_buckets_used(h), 1024);
	hdr_free(h);
}

/* The same values as one histogram, compared through every reader. */
static void assert_same(const struct hdr *a, const struct hdr *b)
{
	assert_int_equal(hdr_count(a), hdr_count(b));
	assert_int_equal(hdr_clamped(a), hdr_clamped(b));
	assert_int_equal(hdr_min(a), hdr_min(b));
	assert_int_equal(hdr_max(a), hdr_max(b));
	assert_int_equal(hdr_buckets_used(a), hdr_buckets_used(b));
	assert_true(fabs(hdr_mean(a) - hdr_mean(b)) <= 1e-9 * hdr_mean(a));
	for (int k = 0; k <= 1000; k++)
		assert_int_equal(hdr_value_at_percentile(a, k / 10.0),
				 hdr_value_at_percentile(b, k / 10.0));
}

static void test_merge_equals_whole(void **state)
{
	uint64_t *v = values_new(NVALUES, 7);
	struct hdr *whole = hdr_new(), *merged = hdr_new(), *via_compact = hdr_new();
	struct hdr *via_blob = hdr_new(), *tick = hdr_new();
	uint8_t *blob = xmalloc(hdr_encoded_max());

	(void)state;
	for (size_t i = 0; i < NVALUES; i++)
		hdr_record(whole, v[i], 1);
	for (size_t t = 0; t < NTICKS; t++) {
		struct hdr *c;
		size_t len;

		hdr_reset(tick);
		assert_int_equal(hdr_count(tick), 0);
		for (size_t i = t * (NVALUES / NTICKS); i < (t + 1) * (NVALUES / NTICKS);
		     i++)
			hdr_record(tick, v[i], 1);
		hdr_merge(merged, tick);
		c = hdr_compact(tick);
		assert_true(hdr_is_compact(c));
		hdr_merge(via_compact, c);
		len = hdr_encode(c, blob, hdr_encoded_max());
		assert_int_equal(hdr_decode_merge(via_blob, blob, len), 0);
		hdr_free(c);
	}
	assert_same(whole, merged);
	assert_same(whole, via_compact);
	assert_same(whole, via_blob);
	free(blob);
	free(v);
	hdr_free(whole);
	hdr_free(merged);
	hdr_free(via_compact);
	hdr_free(via_blob);
	hdr_free(tick);
}

static void test_encode_roundtrip(void **state)
{
	uint64_t *v = values_new(300, 99);
	struct hdr *h = hdr_new(), *back = hdr_new(), *c;
	uint8_t *a = xmalloc(hdr_encoded_max()), *b = xmalloc(hdr_encoded_max());
	size_t alen, blen;

	(void)state;
	for (size_t i = 0; i < 300; i++)
		hdr_record(h, v[i], 1);
	hdr_record(h, 2500, 1000); /* a bucket with a large count */
	alen = hdr_encode(h, a, hdr_encoded_max());
	assert_int_equal(hdr_encode(h, NULL, 0), alen); /* sizing call */
	/* a tick of a few hundred values: a few hundred bytes */
	assert_true(alen < 2 * 300);
	assert_int_equal(a[0], HDR_ENCODING_VERSION);
	assert_int_equal(hdr_decode_merge(back, a, alen), 0);
	assert_same(h, back);
	blen = hdr_encode(back, b, hdr_encoded_max());
	assert_int_equal(blen, alen);
	assert_memory_equal(a, b, alen);

	/* compact copies encode the same bytes */
	c = hdr_compact(h);
	assert_int_equal(hdr_encode(c, b, hdr_encoded_max()), alen);
	assert_memory_equal(a, b, alen);

	/* a buffer too small is not overrun and the length is still told */
	memset(b, 0xAA, hdr_encoded_max());
	assert_int_equal(hdr_encode(h, b, 10), alen);
	assert_int_equal(b[10], 0xAA);

	/* an empty histogram */
	hdr_free(c);
	c = hdr_new();
	alen = hdr_encode(c, a, hdr_encoded_max());
	assert_true(alen <= 12);
	hdr_reset(back);
	assert_int_equal(hdr_decode_merge(back, a, alen), 0);
	assert_int_equal(hdr_count(back), 0);
	assert_int_equal(hdr_value_at_percentile(back, 99), 0);
	hdr_free(c);
	free(a);
	free(b);
	free(v);
	hdr_free(h);
	hdr_free(back);
}

/* decode_merge must fail and leave dst exactly as it was. */
static void assert_rejected(struct hdr *dst, const uint8_t *blob, size_t len)
{
	uint64_t count = hdr_count(dst), min = hdr_min(dst), max = hdr_max(dst);
	uint64_t p50 = hdr_value_at_percentile(dst, 50);
	size_t used = hdr_buckets_used(dst);

	assert_int_equal(hdr_decode_merge(dst, blob, len), -1);
	assert_int_equal(hdr_count(dst), count);
	assert_int_equal(hdr_min(dst), min);
	assert_int_equal(hdr_max(dst), max);
	assert_int_equal(hdr_buckets_used(dst), used);
	assert_int_equal(hdr_value_at_percentile(dst, 50), p50);
}

static void test_decode_rejects(void **state)
{
	uint64_t *v = values_new(200, 5);
	struct hdr *h = hdr_new(), *dst = hdr_new();
	uint8_t blob[4096], bad[4096];
	size_t len;

	(void)state;
	for (size_t i = 0; i < 200; i++)
		hdr_record(h, v[i], 1);
	len = hdr_encode(h, blob, sizeof(blob));
	assert_true(len < sizeof(blob) - 16);
	hdr_record(dst, 777, 3); /* dst holds something that must survive */

	assert_rejected(dst, blob, 0);
	assert_rejected(dst, NULL, 0);
	/* every truncation */
	for (size_t cut = 0; cut < len; cut++)
		assert_rejected(dst, blob, cut);
	/* unknown versions */
	memcpy(bad, blob, len);
	for (int ver = 0; ver < 256; ver++) {
		if (ver == HDR_ENCODING_VERSION || ver == 1)
			continue;
		bad[0] = (uint8_t)ver;
		assert_rejected(dst, bad, len);
	}
	/* one extra run past the last bucket's count: totals no longer add up */
	memcpy(bad, blob, len);
	bad[len] = 1; /* next bucket, count 1 */
	assert_rejected(dst, bad, len + 1);
	/* a varint cut in the middle at the end */
	bad[len] = 0x80;
	assert_rejected(dst, bad, len + 1);

	/* hand-made blobs: version, count, clamped, min, max, sum, runs */
	{
		static const uint8_t nan_sum[] = {2, 1, 0, 5, 5,    0,	  0,
						  0, 0, 0, 0, 0xf8, 0x7f, 5 << 1 | 1};
		static const uint8_t neg_sum[] = {2, 1, 0, 5, 5,    0,	  0,
						  0, 0, 0, 0, 0x14, 0xc0, 5 << 1 | 1};
		static const uint8_t ok[] = {2, 1, 0, 5, 5,    0,    0,
					     0, 0, 0, 0, 0x14, 0x40, 5 << 1 | 1};
		static const uint8_t min_elsewhere[] = {
			2, 1, 0, 6, 6, 0, 0, 0, 0, 0, 0, 0x18, 0x40, 5 << 1 | 1};
		static const uint8_t min_over_max[] = {
			2, 1, 0, 6, 5, 0, 0, 0, 0, 0, 0, 0x14, 0x40, 5 << 1 | 1};
		static const uint8_t zero_count_run[] = {
			2, 1, 0, 5, 5, 0, 0, 0, 0, 0, 0, 0x14, 0x40, 5 << 1, 0};
		static const uint8_t one_as_count[] = {2, 1, 0, 5,    5,    0,	    0, 0,
						       0, 0, 0, 0x14, 0x40, 5 << 1, 1};
		static const uint8_t clamped_low_max[] = {
			2, 1, 1, 5, 5, 0, 0, 0, 0, 0, 0, 0x14, 0x40, 5 << 1 | 1};
		static const uint8_t gap_out_of_range[] = {
			2, 1, 0, 5, 5, 0, 0, 0, 0, 0, 0, 0x14, 0x40, 0xff, 0xff, 0x03};
		static const uint8_t overlong[] = {2,	 0x81, 0x80, 0x80, 0x80, 0x80,
						   0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
		static const uint8_t empty_with_runs[] = {2, 0, 0, 0, 0, 0,
							  0, 0, 0, 0, 0, 1};
		static const uint8_t empty_with_sum[] = {2, 0, 0, 0,	0,   0,
							 0, 0, 0, 0xf0, 0x3f};
		struct hdr *fresh = hdr_new();

		/* the control: 5 ns, once, sum 5.0 */
		assert_int_equal(hdr_decode_merge(fresh, ok, sizeof(ok)), 0);
		assert_int_equal(hdr_count(fresh), 1);
		assert_int_equal(hdr_value_at_percentile(fresh, 50), 5);
		assert_true(hdr_mean(fresh) == 5.0);
		hdr_free(fresh);
		/* the same as version 1 is 5 us */
		{
			uint8_t v1[sizeof(ok)];

			memcpy(v1, ok, sizeof(ok));
			v1[0] = 1;
			fresh = hdr_new();
			assert_int_equal(hdr_decode_merge(fresh, v1, sizeof(v1)), 0);
			assert_int_equal(hdr_value_at_percentile(fresh, 50), 5000);
			assert_true(hdr_mean(fresh) == 5000.0);
			hdr_free(fresh);
		}
		assert_rejected(dst, nan_sum, sizeof(nan_sum));
		assert_rejected(dst, neg_sum, sizeof(neg_sum));
		assert_rejected(dst, min_elsewhere, sizeof(min_elsewhere));
		assert_rejected(dst, min_over_max, sizeof(min_over_max));
		assert_rejected(dst, zero_count_run, sizeof(zero_count_run));
		assert_rejected(dst, one_as_count, sizeof(one_as_count));
		assert_rejected(dst, clamped_low_max, sizeof(clamped_low_max));
		assert_rejected(dst, gap_out_of_range, sizeof(gap_out_of_range));
		assert_rejected(dst, overlong, sizeof(overlong));
		assert_rejected(dst, empty_with_runs, sizeof(empty_with_runs));
		assert_rejected(dst, empty_with_sum, sizeof(empty_with_sum));
	}

	/* garbage: never a crash; what is accepted reads back consistently */
	rng = 12345;
	for (int round = 0; round < 20000; round++) {
		struct hdr *g = hdr_new();
		size_t n = next_rand() % 64;
		uint8_t again[4096];

		for (size_t i = 0; i < n; i++)
			bad[i] = (uint8_t)next_rand();
		if (round % 2)
			bad[0] = HDR_ENCODING_VERSION; /* get past the first check */
		if (hdr_decode_merge(g, bad, n) == 0) {
			size_t k = hdr_encode(g, again, sizeof(again));
			struct hdr *g2 = hdr_new();

			assert_int_equal(hdr_decode_merge(g2, again, k), 0);
			assert_same(g, g2);
			hdr_free(g2);
		} else {
			assert_int_equal(hdr_count(g), 0);
		}
		hdr_free(g);
	}
	/* every single-byte corruption of a real blob */
	for (size_t at = 0; at < len; at++) {
		for (int bit = 0; bit < 8; bit++) {
			struct hdr *g = hdr_new();

			memcpy(bad, blob, len);
			bad[at] ^= (uint8_t)(1u << bit);
			if (hdr_decode_merge(g, bad, len) == 0)
				assert_true(hdr_count(g) > 0 || hdr_buckets_used(g) == 0);
			hdr_free(g);
		}
	}
	assert_int_equal(hdr_count(dst), 3);
	free(v);
	hdr_free(h);
	hdr_free(dst);
}

static void test_clamp(void **state)
{
	struct hdr *h = hdr_new(), *back = hdr_new();
	uint8_t blob[256];
	size_t len;

	(void)state;
	hdr_record(h, 0, 1);
	hdr_record(h, HDR_MAX_NS, 1); /* the top itself is not clamped */
	hdr_record(h, HDR_MAX_NS + 1, 2);
	hdr_record(h, UINT64_MAX, 1);
	assert_int_equal(hdr_count(h), 5);
	assert_int_equal(hdr_clamped(h), 3);
	assert_int_equal(hdr_min(h), 0);
	assert_int_equal(hdr_max(h), HDR_MAX_NS);
	assert_int_equal(hdr_value_at_percentile(h, 100), HDR_MAX_NS);
	assert_int_equal(hdr_value_at_percentile(h, 20), 0);
	assert_within_bound(hdr_value_at_percentile(h, 50), HDR_MAX_NS, 50);
	len = hdr_encode(h, blob, sizeof(blob));
	assert_true(len <= sizeof(blob));
	assert_int_equal(hdr_decode_merge(back, blob, len), 0);
	assert_int_equal(hdr_clamped(back), 3);
	assert_int_equal(hdr_max(back), HDR_MAX_NS);
	hdr_free(h);
	hdr_free(back);
}

static void test_counts_and_saturation(void **state)
{
	struct hdr *h = hdr_new(), *m = hdr_new();

	(void)state;
	hdr_record(h, 100, 0); /* nothing */
	assert_int_equal(hdr_count(h), 0);
	assert_int_equal(hdr_min(h), 0);
	assert_int_equal(hdr_value_at_percentile(h, 50), 0);
	assert_true(hdr_mean(h) == 0);

	hdr_record(h, 100, 3);
	hdr_record(h, 200, 1);
	assert_int_equal(hdr_count(h), 4);
	assert_int_equal(hdr_value_at_percentile(h, 75), 100);
	assert_int_equal(hdr_value_at_percentile(h, 76), 200);
	assert_true(hdr_mean(h) == 125.0);

	hdr_record(m, 5000, UINT64_MAX);
	hdr_record(m, 5000, UINT64_MAX);
	hdr_merge(m, h);
	assert_int_equal(hdr_count(m), UINT64_MAX);
	assert_int_equal(hdr_min(m), 100);
	assert_within_bound(hdr_value_at_percentile(m, 50), 5000, 50);
	/* a saturated histogram still goes through its encoding */
	{
		uint8_t blob[128];
		size_t len = hdr_encode(m, blob, sizeof(blob));
		struct hdr *back = hdr_new();

		assert_true(len <= sizeof(blob));
		assert_int_equal(hdr_decode_merge(back, blob, len), 0);
		assert_int_equal(hdr_count(back), UINT64_MAX);
		assert_int_equal(hdr_max(back), 5000);
		/* and merging it into a non-empty one takes the careful path */
		assert_int_equal(hdr_decode_merge(back, blob, len), 0);
		assert_int_equal(hdr_count(back), UINT64_MAX);
		assert_int_equal(hdr_buckets_used(back), 3); /* 100, 200, 5000 */
		assert_rejected(back, blob, len - 1);
		hdr_free(back);
	}

	hdr_reset(h);
	assert_int_equal(hdr_count(h), 0);
	assert_int_equal(hdr_buckets_used(h), 0);
	hdr_record(h, 42, 1);
	assert_int_equal(hdr_min(h), 42);
	assert_int_equal(hdr_max(h), 42);
	hdr_free(h);
	hdr_free(m);
	hdr_free(NULL);
}

/* Nearest rank in integers, where floating point once said rank 1000 of
 * 1000 for p99.9. */
static void test_rank_exact(void **state)
{
	struct hdr *h = hdr_new();

	(void)state;
	/* N = 1000: ranks 1..1000 hold 1..1000 ns (exact below 1024) */
	for (uint64_t v = 1; v <= 1000; v++)
		hdr_record(h, v, 1);
	assert_int_equal(hdr_value_at_percentile(h, 99.9), 999);
	assert_int_equal(hdr_value_at_ppm(h, 999000), 999);
	assert_int_equal(hdr_value_at_ppm(h, 999001), 1000);
	assert_int_equal(hdr_value_at_percentile(h, 99), 990);
	assert_int_equal(hdr_value_at_percentile(h, 50), 500);
	assert_int_equal(hdr_value_at_percentile(h, 0.1), 1);
	assert_int_equal(hdr_value_at_ppm(h, 1), 1);

	/* the case: 999 x 10 ms and 1 x 500 ms, p99.9 is 10 ms */
	hdr_reset(h);
	hdr_record(h, 10000000, 999);
	hdr_record(h, 500000000, 1);
	/* (10 ms is reported from its bucket, within the bound) */
	assert_within_bound(hdr_value_at_percentile(h, 99.9), 10000000, 99.9);
	assert_int_equal(hdr_value_at_percentile(h, 99.95), 500000000);
	assert_int_equal(hdr_value_at_percentile(h, 100), 500000000);

	/* N = 1: every percentile is the value */
	hdr_reset(h);
	hdr_record(h, 777, 1);
	assert_int_equal(hdr_value_at_percentile(h, 0.0001), 777);
	assert_int_equal(hdr_value_at_percentile(h, 50), 777);
	assert_int_equal(hdr_value_at_percentile(h, 99.9), 777);

	/* N = 2: p50 is rank 1, anything above it rank 2 */
	hdr_reset(h);
	hdr_record(h, 100, 1);
	hdr_record(h, 200, 1);
	assert_int_equal(hdr_value_at_percentile(h, 50), 100);
	assert_int_equal(hdr_value_at_ppm(h, 500001), 200);
	assert_int_equal(hdr_value_at_percentile(h, 99.9), 200);

	/* N = 10^6: 999 x 10^3 values of 1 ns, then 10^3 of 2 ns; p99.9 is
	 * rank 999000 exactly, the last of the 1s, and one ppm more is a 2 */
	hdr_reset(h);
	hdr_record(h, 1, 999000);
	hdr_record(h, 2, 1000);
	assert_int_equal(hdr_value_at_percentile(h, 99.9), 1);
	assert_int_equal(hdr_value_at_ppm(h, 999001), 2);
	assert_int_equal(hdr_value_at_percentile(h, 99.9999), 2);

	/* counts far beyond 10^6 keep the rank exact: 3 * 10^12 + 1 values */
	hdr_reset(h);
	hdr_record(h, 5, 2997000000000ull); /* rank of p99.9 is 2997000000001 */
	hdr_record(h, 9, 3000000001ull);
	assert_int_equal(hdr_value_at_percentile(h, 99.9), 9);
	hdr_reset(h);
	hdr_record(h, 5, 2997000000000ull);
	hdr_record(h, 9, 3000000000ull); /* now 3 * 10^12: rank 2997 * 10^9 */
	assert_int_equal(hdr_value_at_percentile(h, 99.9), 5);
	hdr_free(h);
}

/* Every value from 1 us to 1 h comes back within 0.1%, with neighbours on
 * both sides so the value is reported from its bucket, not from min/max. */
static void assert_resolves(uint64_t ns)
{
	struct hdr *h = hdr_new();
	uint64_t got, diff;

	hdr_record(h, ns / 2, 1);
	hdr_record(h, ns, 1);
	hdr_record(h, ns + ns / 2 > HDR_MAX_NS ? HDR_MAX_NS : ns + ns / 2, 1);
	got = hdr_value_at_percentile(h, 50);
	diff = got > ns ? got - ns : ns - got;
	if (diff * 1000 > ns)
		fail_msg("%llu ns reads %llu ns", (unsigned long long)ns,
			 (unsigned long long)got);
	hdr_free(h);
}

static void test_resolution_sweep(void **state)
{
	static const uint64_t named[] = {
		1000,	       /* 1.0 us */
		1400,	       /* 1.4 us: read 1 us when kept in us */
		15400,	       /* 15.4 us: read 15 us */
		999900,	       /* 999.9 us */
		1234567000,    /* 1.234567 s */
		3540000000000, /* 59 min */
		HDR_MAX_NS,    /* 1 h */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		assert_resolves(named[i]);
	/* geometric sweep, 0.1% apart, 1 us .. 1 h */
	for (double v = 1000; v <= (double)HDR_MAX_NS; v *= 1.001)
		assert_resolves((uint64_t)v);
}

/*
 * Cumulative bucket counts (hdr_add_cumulative) against exact counts of
 * 100k log-normal values: a value further than the error bound from a bound
 * is counted on its side exactly; the counts add to what was there, ascend,
 * and compact and recordable forms agree.
 */
static void test_cumulative(void **state)
{
	static const uint64_t bounds[] = {1000,	     5000000,	 10000000,
					  100000000, 1000000000, 10000000000ull};
	enum { NB = sizeof(bounds) / sizeof(bounds[0]) };
	uint64_t exact_lo[NB] = {0}, exact_hi[NB] = {0}, le[NB], le2[NB];
	struct hdr *h = hdr_new(), *c;

	(void)state;
	rng = 42;
	for (int i = 0; i < NVALUES; i++) {
		uint64_t v = lognormal_ns();

		hdr_record(h, v, 1);
		for (int b = 0; b < NB; b++) {
			/* sure to be at or below: v + its error; maybe: v - its error */
			if (v + v / HDR_ERROR_DIVISOR <= bounds[b])
				exact_lo[b]++;
			if (v - v / HDR_ERROR_DIVISOR <= bounds[b])
				exact_hi[b]++;
		}
	}
	for (int b = 0; b < NB; b++)
		le[b] = le2[b] = 7; /* added to, not overwritten */
	hdr_add_cumulative(h, bounds, NB, le);
	c = hdr_compact(h);
	hdr_add_cumulative(c, bounds, NB, le2);
	for (int b = 0; b < NB; b++) {
		assert_true(le[b] - 7 >= exact_lo[b] && le[b] - 7 <= exact_hi[b]);
		assert_int_equal(le[b], le2[b]);
		if (b)
			assert_true(le[b] >= le[b - 1]);
	}
	assert_int_equal(le[0] - 7, exact_lo[0]); /* below 1024 ns: exact */
	hdr_free(c);
	hdr_free(h);
}

/* hdr_foreach: every non-empty bucket once, ascending, counts adding up,
 * each value what a percentile in it reports; the same on a compact copy. */
struct foreach_seen {
	uint64_t last, total;
	size_t buckets;
};

static void foreach_check(uint64_t value_ns, uint64_t count, void *arg)
{
	struct foreach_seen *s = arg;

	assert_true(s->buckets == 0 || value_ns > s->last);
	assert_true(count > 0);
	s->last = value_ns;
	s->total += count;
	s->buckets++;
}

static void test_foreach(void **state)
{
	struct hdr *h = hdr_new(), *c;
	struct foreach_seen seen = {0};

	(void)state;
	hdr_record(h, 5, 3);
	hdr_record(h, 1000000, 2);
	hdr_record(h, 1000001, 1); /* the same bucket as 1000000 */
	hdr_record(h, 250000000, 4);
	hdr_foreach(h, foreach_check, &seen);
	assert_int_equal(seen.total, 10);
	assert_int_equal(seen.buckets, hdr_buckets_used(h));
	assert_int_equal(seen.buckets, 3);
	/* the top bucket's value, within the bound of the exact 250 ms */
	assert_true(seen.last <= 250000000 && 250000000 - seen.last <= 250000000 / 1024);
	c = hdr_compact(h);
	memset(&seen, 0, sizeof(seen));
	hdr_foreach(c, foreach_check, &seen);
	assert_int_equal(seen.total, 10);
	assert_int_equal(seen.buckets, 3);
	hdr_free(c);
	hdr_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percentiles_lognormal),
		cmocka_unit_test(test_small_values_exact),
		cmocka_unit_test(test_merge_equals_whole),
		cmocka_unit_test(test_encode_roundtrip),
		cmocka_unit_test(test_decode_rejects),
		cmocka_unit_test(test_clamp),
		cmocka_unit_test(test_counts_and_saturation),
		cmocka_unit_test(test_rank_exact),
		cmocka_unit_test(test_resolution_sweep),
		cmocka_unit_test(test_cumulative),
		cmocka_unit_test(test_foreach),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
