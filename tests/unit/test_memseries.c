/* SPDX-License-Identifier: MIT */
/*
 * test_memseries: the memory graphs' extra series, slot by slot: the floor
 * line through the floors the leak analysis finds in the graph's own points
 * (straight between them, nothing outside them, gaps skipped), the
 * collection marks of a JVM's counters and of a traced runtime's
 * collections, and smaps readings held from one to the next.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/leak.h"
#include "tui/memseries.h"
#include "views/graph.h"

#define T0 1700000000000LL
#define N 240

/* A heap that saws every 10 s over a floor rising 2 bytes a second. */
static double sawtooth(size_t i)
{
	return 1000 + 2.0 * (double)i + (double)(i % 10) * 50;
}

static void test_floor_line_through_the_floors(void **state)
{
	static double v[N], line[N];
	struct leak_params p = leak_params_default();
	struct leak_point pts[N], floors[N];
	size_t nf, first = N, last = 0, k = 0;

	(void)state;
	/* 240 slots of 1 s over [T0, T0 + 240 s): slot i's middle is i s + 500 ms */
	for (size_t i = 0; i < N; i++) {
		v[i] = sawtooth(i);
		pts[i] = (struct leak_point){T0 + (int64_t)i * 1000 + 500, v[i]};
	}
	v[100] = NAN; /* a tick that was never read */
	memmove(&pts[100], &pts[101], (N - 101) * sizeof(pts[0]));
	nf = leak_floors(pts, N - 1, NULL, 0, &p, floors);
	assert_true(nf >= 4);
	memseries_floor_line(v, N, T0, T0 + N * 1000, line);
	for (size_t i = 0; i < N; i++) {
		int64_t t = T0 + (int64_t)i * 1000 + 500;

		if (t < floors[0].t_ms || t > floors[nf - 1].t_ms) {
			assert_true(isnan(line[i]));
			continue;
		}
		first = i < first ? i : first;
		last = i;
		while (k + 1 < nf && floors[k + 1].t_ms < t)
			k++;
		if (t == floors[k].t_ms)
			assert_true(fabs(line[i] - floors[k].bytes) < 1e-9);
		else /* straight between the floors around it */
			assert_true(fabs(line[i] -
					 (floors[k].bytes +
					  (floors[k + 1].bytes - floors[k].bytes) *
						  (double)(t - floors[k].t_ms) /
						  (double)(floors[k + 1].t_ms -
							   floors[k].t_ms))) < 1e-6);
		/* a floor is never above the heap at its own point */
		if (isfinite(v[i]) && t == floors[k].t_ms)
			assert_true(line[i] <= v[i]);
	}
	/* the line runs from the first floor to the last, which is not the end */
	assert_true(first < last);
	assert_true(last < N - 1);
	/* the floors rise with the heap's floor, not with its peaks */
	assert_true(line[last] > line[first]);
	assert_true(line[last] - line[first] < 2.0 * (double)(last - first) + 100);
}

static void test_floor_line_of_nothing(void **state)
{
	double v[8], line[8];

	(void)state;
	for (size_t i = 0; i < 8; i++)
		v[i] = NAN;
	line[0] = 5;
	memseries_floor_line(v, 8, T0, T0 + 8000, line);
	for (size_t i = 0; i < 8; i++)
		assert_true(isnan(line[i]));
	memseries_floor_line(v, 0, T0, T0 + 8000, line); /* no slots: no crash */
}

static void test_gc_marks(void **state)
{
	/* 10 slots of 1 s */
	const struct jvm_gc_point p[] = {
		{T0 - 500, 7, 10, 0, 0, 0},  /* before the window: the base */
		{T0 + 200, 7, 11, 0, 0, 0},  /* young -> slot 0 */
		{T0 + 2100, 7, 11, 1, 0, 0}, /* full -> slot 2 */
		{T0 + 2900, 7, 12, 1, 0, 0}, /* young, same slot: full stays */
		{T0 + 4000, 7, 12, 1, 0, 0}, /* nothing new */
		{T0 + 5000, 8, 20, 3, 0, 0}, /* another JVM: not ours */
		{T0 + 6000, 7, 0, 0, 0, 0},  /* ours restarted: counters fell */
		{T0 + 7000, 7, 1, 0, 0, 0},  /* young -> slot 7 */
		{T0 + 9999, 7, 1, 2, 0, 0},  /* full -> slot 9 */
		{T0 + 10000, 7, 2, 2, 0, 0}, /* at t1: outside */
	};
	const unsigned char want[10] = {GRAPH_MARK_MINOR, 0, GRAPH_MARK_MAJOR, 0, 0, 0, 0,
					GRAPH_MARK_MINOR, 0, GRAPH_MARK_MAJOR};
	unsigned char marks[10];

	(void)state;
	memset(marks, 0xff, sizeof(marks));
	memseries_gc_marks(p, sizeof(p) / sizeof(p[0]), 7, T0, T0 + 10000, 10, marks);
	assert_memory_equal(marks, want, sizeof(want));
	memseries_gc_marks(p, 1, 7, T0, T0 + 10000, 10, marks); /* one reading: none */
	for (size_t i = 0; i < 10; i++)
		assert_int_equal(marks[i], GRAPH_MARK_NONE);
}

/* A traced runtime's collections: each marks its slot, major over minor. */
static void test_gc_pause_marks(void **state)
{
	/* 10 slots of 1 s, listed out of order */
	const struct gc_pause p[] = {
		{T0 + 2900, 1.0, 0, false}, /* minor, slot 2: the major stays */
		{T0 + 2100, 9.0, 0, true},  /* major -> slot 2 */
		{T0 - 1, 1.0, 0, true},	    /* before the window */
		{T0, 1.0, 0, false},	    /* minor -> slot 0 */
		{T0 + 7000, 1.0, 0, false}, /* minor -> slot 7 */
		{T0 + 7500, 1.0, 0, false}, /* minor, same slot */
		{T0 + 9999, 1.0, 0, true},  /* major -> slot 9 */
		{T0 + 10000, 1.0, 0, true}, /* at t1: outside */
	};
	const unsigned char want[10] = {GRAPH_MARK_MINOR, 0, GRAPH_MARK_MAJOR, 0, 0, 0, 0,
					GRAPH_MARK_MINOR, 0, GRAPH_MARK_MAJOR};
	unsigned char marks[10];

	(void)state;
	memset(marks, 0xff, sizeof(marks));
	memseries_gc_pause_marks(p, sizeof(p) / sizeof(p[0]), T0, T0 + 10000, 10, marks);
	assert_memory_equal(marks, want, sizeof(want));
	memseries_gc_pause_marks(NULL, 0, T0, T0 + 10000, 10, marks);
	for (size_t i = 0; i < 10; i++)
		assert_int_equal(marks[i], GRAPH_MARK_NONE);
}

static void test_hold_readings(void **state)
{
	/* 6 slots of 10 s; readings at 5 s and 35 s; ticks up to 45 s */
	const struct mapping_point p[] = {
		{T0 + 5000, 0, 0, 100, 20, 0},
		{T0 + 35000, 0, 0, 300, 0, 0},
	};
	double out[6];

	(void)state;
	memseries_hold(p, 2, T0, T0 + 60000, T0 + 45000, 6, out);
	assert_true(out[0] == 120); /* the reading inside the slot */
	assert_true(out[1] == 120 && out[2] == 120);
	assert_true(out[3] == 300);
	assert_true(out[4] == 300);
	assert_true(isnan(out[5])); /* no tick there yet */
	/* a window that starts after the first reading shows nothing before it */
	memseries_hold(p + 1, 1, T0, T0 + 60000, T0 + 60000, 6, out);
	assert_true(isnan(out[0]) && isnan(out[2]));
	assert_true(out[3] == 300 && out[5] == 300);
	memseries_hold(NULL, 0, T0, T0 + 60000, T0 + 60000, 6, out);
	for (size_t i = 0; i < 6; i++)
		assert_true(isnan(out[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_floor_line_through_the_floors),
		cmocka_unit_test(test_floor_line_of_nothing),
		cmocka_unit_test(test_gc_marks),
		cmocka_unit_test(test_gc_pause_marks),
		cmocka_unit_test(test_hold_readings),
	};

	return cmocka_run_group_tests_name("memseries", tests, NULL, NULL);
}
