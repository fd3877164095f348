/* SPDX-License-Identifier: MIT */
/*
 * test_gcstats: the GC pause summary over a window, from a fixture list of
 * collections whose figures are worked out by hand: which events fall in
 * the window (both ends inclusive, in any order), nearest-rank p50/p99
 * (exact at the rank boundaries: 100 pauses, 101, 200), max, total, the
 * share of the window's wall time, the count of major collections and the
 * heap after the latest major one; an empty window, a window of no width
 * and a window without a major collection.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "analysis/gcstats.h"

#define MIB (1024.0 * 1024.0)

/* Out of time order on purpose: the latest major is not the last listed. */
static const struct gc_pause fixture[] = {
	{4000, 3.0, 25 * MIB, true},  {1000, 5.0, 10 * MIB, true}, /* before */
	{2000, 1.0, 40 * MIB, false}, {2500, 4.0, 20 * MIB, true},
	{3000, 2.0, 41 * MIB, false}, {3500, 8.0, 42 * MIB, false},
	{4500, 0.5, 43 * MIB, false}, {5000, 1.5, 44 * MIB, false},
	{6000, 9.0, 50 * MIB, true}, /* after */
};
#define NFIX (sizeof(fixture) / sizeof(fixture[0]))

static void test_window(void **state)
{
	struct gc_stats s;

	(void)state;
	/* in [2000, 5000]: 1.0 4.0 2.0 8.0 3.0 0.5 1.5, sorted
	 * 0.5 1 1.5 2 3 4 8: p50 is rank ceil(3.5) = 4, p99 rank 7 */
	assert_int_equal(gcstats_window(fixture, NFIX, 2000, 5000, &s), 7);
	assert_int_equal(s.count, 7);
	assert_int_equal(s.major, 2);
	assert_true(s.p50_ms == 2.0);
	assert_true(s.p99_ms == 8.0);
	assert_true(s.max_ms == 8.0);
	assert_true(s.total_ms == 20.0);
	assert_true(s.share == 20.0 / 3000.0);
	assert_int_equal(s.after_ms, 4000);
	assert_true(s.after_bytes == 25 * MIB);

	/* the whole list: 9 pauses, 0.5 1 1.5 2 3 4 5 8 9 */
	assert_int_equal(gcstats_window(fixture, NFIX, 0, 10000, &s), 9);
	assert_true(s.p50_ms == 3.0);
	assert_true(s.p99_ms == 9.0);
	assert_true(s.max_ms == 9.0);
	assert_true(s.total_ms == 34.0);
	assert_true(s.share == 34.0 / 10000.0);
	assert_int_equal(s.major, 4);
	assert_int_equal(s.after_ms, 6000);
	assert_true(s.after_bytes == 50 * MIB);
}

/* p99 of 100 pauses is the 99th; of 101, the 100th; of 200, the 198th. */
static void test_ranks(void **state)
{
	struct gc_pause ev[200];
	struct gc_stats s;

	(void)state;
	for (int i = 0; i < 200; i++) /* pause i + 1, newest first */
		ev[i] = (struct gc_pause){.t_ms = 200 - i, .pause_ms = i + 1};
	assert_int_equal(gcstats_window(ev, 100, 0, 1000, &s), 100);
	assert_true(s.p50_ms == 50.0);
	assert_true(s.p99_ms == 99.0);
	assert_true(s.max_ms == 100.0);
	assert_int_equal(gcstats_window(ev, 101, 0, 1000, &s), 101);
	assert_true(s.p50_ms == 51.0);
	assert_true(s.p99_ms == 100.0);
	assert_int_equal(gcstats_window(ev, 200, 0, 1000, &s), 200);
	assert_true(s.p50_ms == 100.0);
	assert_true(s.p99_ms == 198.0);
	assert_true(s.max_ms == 200.0);
	assert_true(s.total_ms == 200.0 * 201.0 / 2.0);
	assert_int_equal(s.major, 0);
	assert_int_equal(s.after_ms, 0); /* no major collection */
	assert_true(s.after_bytes == 0);
	/* one pause: every percentile is it */
	assert_int_equal(gcstats_window(ev, 200, 150, 150, &s), 1);
	assert_true(s.p50_ms == 51.0 && s.p99_ms == 51.0 && s.max_ms == 51.0);
	assert_true(s.share == 0); /* a window of no width has no share */
}

static void test_empty(void **state)
{
	struct gc_stats s;

	(void)state;
	s.count = 99;
	assert_int_equal(gcstats_window(fixture, NFIX, 7000, 9000, &s), 0);
	assert_int_equal(s.count, 0);
	assert_int_equal(s.major, 0);
	assert_true(s.p50_ms == 0 && s.p99_ms == 0 && s.max_ms == 0);
	assert_true(s.total_ms == 0 && s.share == 0);
	assert_int_equal(s.after_ms, 0);
	s.count = 99;
	assert_int_equal(gcstats_window(NULL, 0, 0, 1000, &s), 0);
	assert_int_equal(s.count, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_ranks),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
