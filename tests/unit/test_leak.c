/* SPDX-License-Identifier: MIT */
/*
 * test_leak: the leak analysis (analysis/leak.c), exhaustively on synthetic
 * series with known answers (Mann-Kendall values worked by hand, exact lines
 * for Theil-Sen and least squares, sawtooths, steps, warm-ups, noise from a
 * fixed-seed generator) and as a regression on real series captured from the
 * fixture programs (tests/fixtures/series/, RssAnon + VmSwap every 200 ms for
 * 90 s, and the JVM's old generation from its hsperfdata file): every leaking
 * program is flagged, none of the others is.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/leak.h"
#include "core/xalloc.h"

#define MIB (1024.0 * 1024.0)
#define T0 1700000000000ll /* epoch ms: large times must not lose precision */

static void assert_near(double got, double want, double tol)
{
	if (fabs(got - want) > tol)
		fail_msg("%.9g is not within %g of %.9g", got, tol, want);
}

static uint64_t rng = 0x853c49e6748fea9bull;

/* Uniform in [-1, 1), from a fixed seed. */
static double noise(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / (double)(1ull << 52) - 1.0;
}

/* Params for a 200 ms sampler that should reach a verdict in about a minute. */
static struct leak_params fast_params(void)
{
	struct leak_params p = leak_params_default();

	p.window_ms = 5000;
	p.min_span_ms = 30000;
	return p;
}

/* Floors from n points of f(t) and a verdict on them. */
static struct leak_verdict judge_points(const struct leak_point *pts, size_t n,
					const struct leak_params *p, double limit)
{
	struct leak_point *fl = xmalloc(n * sizeof(*fl));
	struct leak_verdict v;
	size_t m = leak_floors(pts, n, NULL, 0, p, fl);

	leak_judge(fl, m, limit, p, &v);
	free(fl);
	return v;
}

/* ---- names ---- */

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(leak_state_name(LEAK_INSUFFICIENT_DATA), "insufficient-data");
	assert_string_equal(leak_state_name(LEAK_STABLE), "stable");
	assert_string_equal(leak_state_name(LEAK_GROWING), "growing");
	assert_string_equal(leak_state_name(LEAK_SUSPECT), "leak-suspect");
	assert_string_equal(leak_state_name((enum leak_state)42), "?");
	for (int r = LEAK_WHY_TOO_FEW; r <= LEAK_WHY_RISING; r++)
		assert_string_not_equal(leak_reason_name((enum leak_reason)r), "?");
	assert_string_equal(leak_reason_name((enum leak_reason)99), "?");
}

/* ---- statistics ---- */

static void test_mann_kendall_by_hand(void **state)
{
	double up[8] = {1, 2, 3, 4, 5, 6, 7, 8}, down[8], ties[5] = {1, 1, 2, 2, 3};
	double flat[6] = {4, 4, 4, 4, 4, 4};
	struct leak_mk mk;

	(void)state;
	/* n = 8 rising: S = 28, Var = 8*7*21/18, Z = 27 / sqrt(Var) */
	leak_mann_kendall(up, 8, &mk);
	assert_near(mk.s, 28, 0);
	assert_near(mk.var, 8.0 * 7 * 21 / 18, 1e-9);
	assert_near(mk.z, 27 / sqrt(8.0 * 7 * 21 / 18), 1e-9);
	assert_near(mk.z, 3.3404, 1e-4);
	assert_near(mk.p_increase, 0.000418, 1e-5);
	assert_near(mk.p_two_sided, 2 * mk.p_increase, 1e-12);
	for (int i = 0; i < 8; i++)
		down[i] = -up[i];
	leak_mann_kendall(down, 8, &mk);
	assert_near(mk.s, -28, 0);
	assert_near(mk.z, -3.3404, 1e-4);
	assert_true(mk.p_increase > 0.999);
	/* ties: S = 8; two groups of 2 take 2*1*9 each from 5*4*15; Var = 264/18 */
	leak_mann_kendall(ties, 5, &mk);
	assert_near(mk.s, 8, 0);
	assert_near(mk.var, 264.0 / 18, 1e-9);
	assert_near(mk.z, 7 / sqrt(264.0 / 18), 1e-9);
	assert_near(mk.p_increase, 0.5 * erfc(mk.z / sqrt(2)), 1e-12);
	/* no variance at all */
	leak_mann_kendall(flat, 6, &mk);
	assert_near(mk.s, 0, 0);
	assert_near(mk.var, 0, 0);
	assert_near(mk.z, 0, 0);
	assert_near(mk.p_two_sided, 1, 0);
	assert_near(mk.p_increase, 0.5, 0);
	leak_mann_kendall(up, 1, &mk);
	assert_near(mk.p_two_sided, 1, 0);
	leak_mann_kendall(NULL, 0, &mk);
	assert_near(mk.s, 0, 0);
}

static void test_theil_sen_and_least_squares(void **state)
{
	struct leak_point pts[20];
	double b, a, r2;

	(void)state;
	for (int i = 0; i < 20; i++)
		pts[i] = (struct leak_point){T0 + i * 1000,
					     5e6 + 2.0 * (double)(i * 1000)};
	b = leak_theil_sen(pts, 20, &a);
	assert_near(b, 2.0, 1e-9);
	assert_near(a + b * (double)T0, 5e6, 1e-3);
	r2 = leak_least_squares(pts, 20, &b, &a);
	assert_near(r2, 1, 1e-12);
	assert_near(b, 2.0, 1e-9);
	assert_near(a + b * (double)(T0 + 19000), 5e6 + 38000, 1e-3);
	/* two wild outliers: Theil-Sen does not move, least squares does */
	pts[3].bytes += 1e9;
	pts[15].bytes -= 1e9;
	assert_near(leak_theil_sen(pts, 20, NULL), 2.0, 1e-9);
	r2 = leak_least_squares(pts, 20, &b, NULL);
	assert_true(r2 < 0.5);
	/* flat: slope 0, R^2 0 (nothing to explain) */
	for (int i = 0; i < 20; i++)
		pts[i].bytes = 7;
	assert_near(leak_theil_sen(pts, 20, &a), 0, 0);
	assert_near(a, 7, 0);
	assert_near(leak_least_squares(pts, 20, NULL, NULL), 0, 0);
	/* all at one time: no slope */
	for (int i = 0; i < 5; i++)
		pts[i] = (struct leak_point){T0, (double)i};
	assert_near(leak_theil_sen(pts, 5, &a), 0, 0);
	assert_near(a, 2, 0);
	assert_near(leak_least_squares(pts, 5, &b, NULL), 0, 0);
	assert_near(leak_theil_sen(pts, 0, &a), 0, 0);
	assert_near(leak_least_squares(pts, 0, NULL, NULL), 0, 0);
}

static void test_knee(void **state)
{
	struct leak_point pts[30];

	(void)state;
	for (int i = 0; i < 30; i++)
		pts[i] = (struct leak_point){T0 + i * 10000,
					     1e8 + (i > 12 ? (double)(i - 12) * 1e6 : 0)};
	assert_int_equal(leak_knee(pts, 30), 12);
	for (int i = 0; i < 30; i++)
		pts[i].bytes = 1e8 + (double)i * 1e6;
	assert_int_equal(leak_knee(pts, 30), 0);
	assert_int_equal(leak_knee(pts, 3), 0);
}

/* ---- floors ---- */

static void test_floors_fixed_windows(void **state)
{
	struct leak_params p = fast_params();
	struct leak_point pts[100], out[100];
	size_t m;

	(void)state;
	p.drop_frac = 0; /* no sawtooth detection here */
	/* 200 ms samples for 19.8 s; windows of 5 s = 25 samples; the values
	 * cycle so each window's lowest is known */
	for (int i = 0; i < 100; i++)
		pts[i] = (struct leak_point){T0 + i * 200,
					     1000.0 + (double)((i * 7) % 25)};
	pts[12].bytes = 3; /* window 0 */
	pts[30].bytes = 2; /* window 1 */
	pts[31].bytes = 2; /* a tie: the earlier wins */
	pts[99].bytes = 1; /* window 3, whose last point is 4.8 s in: complete */
	m = leak_floors(pts, 100, NULL, 0, &p, out);
	assert_int_equal(m, 4);
	assert_int_equal(out[0].t_ms, T0 + 12 * 200);
	assert_near(out[0].bytes, 3, 0);
	assert_int_equal(out[1].t_ms, T0 + 30 * 200);
	assert_near(out[2].bytes, 1000, 0);
	assert_near(out[3].bytes, 1, 0);
	/* the last window still filling is left out */
	m = leak_floors(pts, 90, NULL, 0, &p, out);
	assert_int_equal(m, 3);
	/* window_samples stretches the window for sparse series: 10 s gaps x 6 */
	for (int i = 0; i < 100; i++)
		pts[i].t_ms = T0 + i * 10000;
	m = leak_floors(pts, 100, NULL, 0, &p, out);
	assert_int_equal(m, 16); /* 60 s windows: 16 whole ones in 990 s */
	/* a gap in sampling: empty windows are skipped, not invented */
	for (int i = 0; i < 100; i++)
		pts[i].t_ms = T0 + i * 200 + (i >= 50 ? 60000 : 0);
	m = leak_floors(pts, 100, NULL, 0, &p, out);
	for (size_t k = 1; k < m; k++)
		assert_true(out[k].t_ms > out[k - 1].t_ms);
	assert_int_equal(m, 4);
	assert_int_equal(leak_floors(pts, 0, NULL, 0, &p, out), 0);
}

static void test_floors_gc_markers(void **state)
{
	struct leak_params p = fast_params();
	struct leak_point pts[200], out[200];
	int64_t gc[20];
	size_t m;

	(void)state;
	/* a GC every 3 s; the heap climbs 1 MiB/s between and falls to a floor
	 * that rises by 10 KiB per cycle */
	for (int g = 0; g < 20; g++)
		gc[g] = T0 + 900 + g * 3000; /* on a sample: the floor is at the marker */
	for (int i = 0; i < 200; i++) {
		int64_t t = T0 + i * 300;
		int cyc = t < gc[0] ? -1 : (int)((t - gc[0]) / 3000);
		double since = cyc < 0 ? 0 : (double)(t - gc[cyc]);

		pts[i] = (struct leak_point){t,
					     50 * MIB + cyc * 10240.0 + since * 1048.576};
	}
	/* cycles are grouped to cover window_ms = 5 s: two per window */
	m = leak_floors(pts, 200, gc, 20, &p, out);
	assert_int_equal(m, 10); /* 20 cycles in windows of 2 (the last one of 2 too) */
	for (size_t k = 0; k < m; k++) {
		assert_int_equal(out[k].t_ms, gc[2 * k]);
		assert_near(out[k].bytes, 50 * MIB + (double)(2 * k) * 10240.0, 1e-6);
	}
	/* window_ms shorter than a cycle: one floor per cycle */
	p.window_ms = 1000;
	m = leak_floors(pts, 200, gc, 20, &p, out);
	assert_int_equal(m, 20);
	/* points before the first collection belong to no window */
	assert_true(out[0].t_ms >= gc[0]);
}

static void test_floors_sawtooth_period(void **state)
{
	struct leak_params p = fast_params();
	struct leak_point pts[600], out[600];
	size_t m;

	(void)state;
	/* 200 ms samples; a saw of period 12 s from 100 to 200 MiB: windows of
	 * 5 s would catch the rising edge; detection widens them to 18 s */
	for (int i = 0; i < 600; i++)
		pts[i] = (struct leak_point){T0 + i * 200,
					     (100 + (i % 60) * (100.0 / 60)) * MIB};
	m = leak_floors(pts, 600, NULL, 0, &p, out);
	assert_int_equal(m, 6); /* 120 s / 18 s = 6 whole windows */
	for (size_t k = 0; k < m; k++)
		assert_near(out[k].bytes, 100 * MIB, 1);
	/* with detection off, the 5 s windows see the saw itself */
	p.drop_frac = 0;
	m = leak_floors(pts, 600, NULL, 0, &p, out);
	assert_int_equal(m, 24);
	{
		double hi = 0;

		for (size_t k = 0; k < m; k++)
			hi = fmax(hi, out[k].bytes);
		assert_true(hi > 150 * MIB);
	}
}

static void test_floors_spikes_are_not_a_sawtooth(void **state)
{
	struct leak_params p = fast_params();
	struct leak_point pts[600], out[600];
	static const int spikes[] = {40, 130, 210, 330, 480};
	struct leak_verdict v;
	size_t m;

	(void)state;
	/* a malloc leak of 1 MiB/s sampled every 200 ms, with a one-sample
	 * spike of 8 MiB now and then (a sample taken mid-burst, then the top
	 * pad trimmed): the falls are 16-30 s apart, but each lands where the
	 * series was two samples before, so the windows stay at 5 s */
	for (int i = 0; i < 600; i++)
		pts[i] = (struct leak_point){T0 + i * 200, 50 * MIB + i * 0.2 * MIB};
	for (size_t k = 0; k < sizeof(spikes) / sizeof(spikes[0]); k++)
		pts[spikes[k]].bytes += 8 * MIB;
	m = leak_floors(pts, 600, NULL, 0, &p, out);
	assert_int_equal(m, 24);
	leak_judge(out, m, 0, &p, &v);
	assert_int_equal(v.state, LEAK_SUSPECT);
	assert_near(v.rate_bytes_per_hour, 3600 * MIB, 1);
}

/* ---- verdicts on synthetic series ---- */

static void test_insufficient(void **state)
{
	struct leak_params p = leak_params_default();
	struct leak_point f[8];
	struct leak_verdict v;

	(void)state;
	for (int i = 0; i < 8; i++)
		f[i] = (struct leak_point){T0 + i * 30000, 1e8 + i * 1e7};
	leak_judge(f, 7, 0, &p, &v); /* one floor short */
	assert_int_equal(v.state, LEAK_INSUFFICIENT_DATA);
	assert_int_equal(v.reason, LEAK_WHY_TOO_FEW);
	assert_near(v.confidence, 0, 0);
	assert_true(v.time_to_limit_s < 0);
	leak_judge(f, 8, 0, &p, &v); /* 8 floors over 210 s: enough */
	assert_int_equal(v.state, LEAK_SUSPECT);
	for (int i = 0; i < 8; i++)
		f[i].t_ms = T0 + i * 20000; /* 140 s < min_span 150 s */
	leak_judge(f, 8, 0, &p, &v);
	assert_int_equal(v.state, LEAK_INSUFFICIENT_DATA);
	assert_int_equal(v.reason, LEAK_WHY_TOO_SHORT);
	leak_judge(NULL, 0, 0, &p, &v);
	assert_int_equal(v.state, LEAK_INSUFFICIENT_DATA);
}

static void test_linear_leak(void **state)
{
	struct leak_params p = leak_params_default();
	struct leak_point pts[600];
	struct leak_verdict v;
	const double rate = 100 * MIB; /* per hour */

	(void)state;
	/* 10 minutes at 1 s: 200 MiB, rising 100 MiB/h, +-2 MiB of churn */
	for (int i = 0; i < 600; i++)
		pts[i] = (struct leak_point){T0 + i * 1000, 200 * MIB + rate * i / 3600 +
								    2 * MIB * noise()};
	v = judge_points(pts, 600, &p, 1024 * MIB);
	assert_int_equal(v.state, LEAK_SUSPECT);
	assert_int_equal(v.reason, LEAK_WHY_RISING);
	assert_near(v.rate_bytes_per_hour, rate, 0.15 * rate);
	assert_true(v.r2 > 0.9);
	assert_true(v.confidence > 0.8 && v.confidence <= 1);
	assert_true(v.mk_z > 3);
	assert_true(v.p < 1e-3);
	assert_true(v.since_ms <= T0 + 60000);
	/* the floor ends near 200 + 16.6 - 2 MiB: (1024 - ~215) MiB at 100 MiB/h */
	assert_near(v.time_to_limit_s, (1024 * MIB - v.level_bytes) / rate * 3600,
		    0.2 * v.time_to_limit_s);
	assert_near(v.time_to_limit_s / 3600, 8.1, 0.5);
	/* no limit: unknown; already past it: 0 */
	v = judge_points(pts, 600, &p, 0);
	assert_true(v.time_to_limit_s < 0);
	v = judge_points(pts, 600, &p, 100 * MIB);
	assert_near(v.time_to_limit_s, 0, 0);
}

static void test_leak_starting_late(void **state)
{
	struct leak_params p = leak_params_default();
	struct leak_point pts[900];
	struct leak_verdict v;

	(void)state;
	/* flat for 5 minutes, then 200 MiB/h for 10 */
	for (int i = 0; i < 900; i++)
		pts[i] = (struct leak_point){
			T0 + i * 1000,
			300 * MIB + (i > 300 ? 200 * MIB * (i - 300) / 3600 : 0) +
				MIB * noise()};
	v = judge_points(pts, 900, &p, 0);
	assert_int_equal(v.state, LEAK_SUSPECT);
	assert_near((double)(v.since_ms - T0) / 1000, 300, 45);
}

static void test_flat_and_falling_are_stable(void **state)
{
	struct leak_params p = leak_params_default();
	struct leak_point pts[600];
	struct leak_verdict v;

	(void)state;
	for (int i = 0; i < 600; i++)
		pts[i] =
			(struct leak_point){T0 + i * 1000, 500 * MIB + 5 * MIB * noise()};
	v = judge_points(pts, 600, &p, 0);
	assert_int_equal(v.state, LEAK_STABLE);
	assert_int_equal(v.reason, LEAK_WHY_NO_TREND);
	assert_int_equal(v.since_ms, 0);
	for (int i = 0; i < 600; i++)
		pts[i].bytes = 500 * MIB - 50 * MIB * i / 600 + MIB * noise();
	v = judge_points(pts, 600, &p, 0);
	assert_int_equal(v.state, LEAK_STABLE);
	assert_true(v.rate_bytes_per_hour < 0);
}

static void test_sawtooth_flat_floor_is_stable(void **state)
{
	struct leak_params p = leak_params_default();
	struct leak_point pts[900];
	struct leak_verdict v;

	(void)state;
	/* a GC'd heap: up 4 MiB/s from 100 MiB, collected every 20 s */
	for (int i = 0; i < 900; i++)
		pts[i] = (struct leak_point){T0 + i * 1000, 100 * MIB +
								    (i % 20) * 4 * MIB +
								    0.5 * MIB * noise()};
	v = judge_points(pts, 900, &p, 0);
	assert_int_equal(v.state, LEAK_STABLE);
	/* the same saw on a floor rising 60 MiB/h */
	for (int i = 0; i < 900; i++)
		pts[i].bytes += 60 * MIB * i / 3600;
	v = judge_points(pts, 900, &p, 0);
	assert_int_equal(v.state, LEAK_SUSPECT);
	assert_near(v.rate_bytes_per_hour, 60 * MIB, 12 * MIB);
}

static void test_one_step_is_growing(void **state)
{
	struct leak_params p = leak_params_default();
	struct leak_point pts[600];
	struct leak_verdict v;

	(void)state;
	/* a cache fills at once at minute 4: +80 MiB, flat before and after */
	for (int i = 0; i < 600; i++)
		pts[i] = (struct leak_point){T0 + i * 1000,
					     200 * MIB + (i >= 240 ? 80 * MIB : 0) +
						     MIB * noise()};
	v = judge_points(pts, 600, &p, 0);
	assert_int_equal(v.state, LEAK_GROWING);
	assert_int_equal(v.reason, LEAK_WHY_STEP);
	assert_true(v.since_ms > 0);
	assert_true(v.time_to_limit_s < 0);
}

static void test_noisy_leak_is_not_a_step(void **state)
{
	/* the old generation of java -Xmx24m Leak.java after collections, as
	 * floors (ms, MiB): a leak of ~200 MiB/h with one large jump at 29.8 s;
	 * without that jump the rise is not significant at 0.01, but the floors
	 * lie along a line, not around two levels */
	static const double floors[][2] = {
		{0, 9.23},	{10600, 10.02}, {12400, 10.40}, {18800, 9.85},
		{29800, 11.18}, {31800, 11.53}, {36800, 11.33}, {43200, 12.12},
		{48600, 11.81}, {54600, 12.64},
	};
	struct leak_params p = leak_params_default();
	struct leak_point f[10];
	struct leak_verdict v;

	(void)state;
	p.min_span_ms = 30000;
	for (int i = 0; i < 10; i++)
		f[i] = (struct leak_point){T0 + (int64_t)floors[i][0],
					   floors[i][1] * MIB};
	leak_judge(f, 10, 0, &p, &v);
	assert_int_equal(v.state, LEAK_SUSPECT);
	assert_true(v.rate_bytes_per_hour > 150 * MIB &&
		    v.rate_bytes_per_hour < 300 * MIB);
}

static void test_warm_up_is_growing(void **state)
{
	struct leak_params p = leak_params_default();
	struct leak_point pts[900];
	struct leak_verdict v;

	(void)state;
	/* a pool warming up: 300 MiB approached exponentially (time constant 3 min) */
	for (int i = 0; i < 900; i++)
		pts[i] = (struct leak_point){
			T0 + i * 1000, 100 * MIB + 200 * MIB * (1 - exp(-i / 180.0)) +
					       0.5 * MIB * noise()};
	v = judge_points(pts, 900, &p, 0);
	assert_int_equal(v.state, LEAK_GROWING);
	assert_true(v.reason == LEAK_WHY_DECELERATING || v.reason == LEAK_WHY_NOT_LINEAR);
	/* linear rise, then flat for as long: levelling off */
	for (int i = 0; i < 900; i++)
		pts[i].bytes =
			100 * MIB + (i < 450 ? i : 450) * 0.2 * MIB + 0.3 * MIB * noise();
	v = judge_points(pts, 900, &p, 0);
	assert_int_equal(v.state, LEAK_GROWING);
	assert_int_equal(v.reason, LEAK_WHY_DECELERATING);
}

/* The Theil-Sen slope of the floors of pts[from..to). */
static double floor_slope(const struct leak_point *pts, size_t from, size_t to,
			  const struct leak_params *p)
{
	struct leak_point *fl = xmalloc((to - from) * sizeof(*fl));
	size_t m = leak_floors(pts + from, to - from, NULL, 0, p, fl);
	double slope = leak_theil_sen(fl, m, NULL);

	free(fl);
	return slope;
}

static void test_saturating_rise_is_decelerating(void **state)
{
	struct leak_params p = leak_params_default();
	struct leak_point pts[300];
	struct leak_verdict v;
	double whole, late;

	(void)state;
	/* a cache filling like 1 - e^(-t/100 s) seen for 5 minutes: 60 MiB, 95%
	 * of it by the end, over 0.5 MiB of churn. A line fits it well (r2
	 * above 0.8) and its latest half still rises at over a quarter of the
	 * whole's rate; only against its early half is the late one clearly
	 * slower. */
	for (int i = 0; i < 300; i++)
		pts[i] = (struct leak_point){
			T0 + i * 1000, 100 * MIB + 60 * MIB * (1 - exp(-i / 100.0)) +
					       0.5 * MIB * noise()};
	whole = floor_slope(pts, 0, 300, &p);
	late = floor_slope(pts, 150, 300, &p);
	assert_true(late > 0.25 * whole);
	v = judge_points(pts, 300, &p, 0);
	assert_true(v.r2 > 0.8);
	assert_int_equal(v.state, LEAK_GROWING);
	assert_int_equal(v.reason, LEAK_WHY_DECELERATING);
	/* the same span of a leak at the cache's mean rate is a suspect */
	for (int i = 0; i < 300; i++)
		pts[i].bytes = 100 * MIB + 0.2 * MIB * i + 0.5 * MIB * noise();
	v = judge_points(pts, 300, &p, 0);
	assert_int_equal(v.state, LEAK_SUSPECT);
}

static void test_concave_rise_is_decelerating(void **state)
{
	struct leak_params p = leak_params_default();
	struct leak_point pts[300];
	struct leak_verdict v;
	double early, late;

	(void)state;
	/* a heap being sized, rising ever slower but far from flat after 5
	 * minutes (1 - e^(-t/250 s)): its late half rises at over half the rate
	 * of its early half, so no ratio of slopes tells it from a noisy leak;
	 * the bend of a parabola through its floors, many standard errors
	 * below zero, does */
	for (int i = 0; i < 300; i++)
		pts[i] = (struct leak_point){
			T0 + i * 1000, 100 * MIB + 60 * MIB * (1 - exp(-i / 250.0)) +
					       0.2 * MIB * noise()};
	early = floor_slope(pts, 0, 150, &p);
	late = floor_slope(pts, 150, 300, &p);
	assert_true(late > 0.5 * early && late < p.bend_ratio * early);
	v = judge_points(pts, 300, &p, 0);
	assert_true(v.r2 > 0.9);
	assert_int_equal(v.state, LEAK_GROWING);
	assert_int_equal(v.reason, LEAK_WHY_DECELERATING);
	/* a leak as noisy, for as long, is not bent */
	for (int i = 0; i < 300; i++)
		pts[i].bytes = 100 * MIB + 0.1 * MIB * i + 0.2 * MIB * noise();
	v = judge_points(pts, 300, &p, 0);
	assert_int_equal(v.state, LEAK_SUSPECT);
}

static void test_too_little_rise_is_growing(void **state)
{
	struct leak_params p = leak_params_default();
	struct leak_point pts[300];
	struct leak_verdict v;

	(void)state;
	/* a floor creeping 0.4 MiB in 5 minutes (an allocator settling in):
	 * significant, linear, 4.8 MiB/h, but not yet min_rise_bytes in all */
	for (int i = 0; i < 300; i++)
		pts[i] = (struct leak_point){T0 + i * 1000,
					     11 * MIB + 0.4 * MIB * i / 300};
	v = judge_points(pts, 300, &p, 0);
	assert_true(v.rate_bytes_per_hour > p.min_rate_abs);
	assert_true(v.confidence > p.min_confidence);
	assert_int_equal(v.state, LEAK_GROWING);
	assert_int_equal(v.reason, LEAK_WHY_TOO_LITTLE);
	/* 1.5 MiB in the same 5 minutes is a suspect */
	for (int i = 0; i < 300; i++)
		pts[i].bytes = 11 * MIB + 1.5 * MIB * i / 300;
	v = judge_points(pts, 300, &p, 0);
	assert_int_equal(v.state, LEAK_SUSPECT);
}

static void test_low_confidence_is_growing(void **state)
{
	struct leak_params p = leak_params_default();
	struct leak_point f[10];
	struct leak_verdict v;
	/* floors 30 s apart rising 1 MiB each, off the line by a fixed pattern
	 * that is neither a step nor a levelling off: significant (p 0.006), r2
	 * 0.54, confidence 0.49 over 270 s */
	static const double off[10] = {3, 2, -1, 1, 3, -1, -2, -2, -2, -1};

	(void)state;
	for (int i = 0; i < 10; i++)
		f[i] = (struct leak_point){T0 + i * 30000,
					   100 * MIB + i * MIB + off[i] * MIB};
	leak_judge(f, 10, 0, &p, &v);
	assert_true(v.p < p.alpha);
	assert_true(v.r2 >= p.min_r2);
	assert_true(v.confidence < p.min_confidence);
	assert_int_equal(v.state, LEAK_GROWING);
	assert_int_equal(v.reason, LEAK_WHY_UNSURE);
	/* the same floors on the line: a suspect, with confidence to spare */
	for (int i = 0; i < 10; i++)
		f[i].bytes = 100 * MIB + i * MIB;
	leak_judge(f, 10, 0, &p, &v);
	assert_int_equal(v.state, LEAK_SUSPECT);
	assert_true(v.confidence >= p.min_confidence);
}

static void test_too_slow_and_not_linear(void **state)
{
	struct leak_params p = leak_params_default();
	struct leak_point pts[3600];
	struct leak_verdict v;

	(void)state;
	/* a clean rise of 1 MiB/h: significant, below min_rate_abs (4 MiB/h) */
	for (int i = 0; i < 3600; i++)
		pts[i] = (struct leak_point){T0 + i * 1000, 100 * MIB + MIB * i / 3600};
	v = judge_points(pts, 3600, &p, 0);
	assert_int_equal(v.state, LEAK_STABLE);
	assert_int_equal(v.reason, LEAK_WHY_TOO_SLOW);
	assert_near(v.rate_bytes_per_hour, MIB, 0.05 * MIB);
	/* 50 MiB/h on a 10 GiB floor: above 4 MiB/h, below 1 %/h (102 MiB/h) */
	for (int i = 0; i < 3600; i++)
		pts[i].bytes = 10240 * MIB + 50 * MIB * i / 3600;
	v = judge_points(pts, 3600, &p, 0);
	assert_int_equal(v.reason, LEAK_WHY_TOO_SLOW);
	p.min_rate_rel = 0.1;
	v = judge_points(pts, 3600, &p, 0);
	assert_int_equal(v.state, LEAK_SUSPECT);
	/* a rise buried in noise, floor to floor: significant, but a poor line */
	p = leak_params_default();
	for (int i = 0; i < 120; i++)
		pts[i] = (struct leak_point){T0 + i * 30000, 100 * MIB +
								     20 * MIB * i / 120 +
								     30 * MIB * noise()};
	leak_judge(pts, 120, 0, &p, &v);
	assert_int_equal(v.state, LEAK_GROWING);
	assert_int_equal(v.reason, LEAK_WHY_NOT_LINEAR);
	assert_true(v.r2 < p.min_r2);
	assert_true(v.p < p.alpha);
}

static void test_coarsening_keeps_the_verdict(void **state)
{
	struct leak_params p = leak_params_default();
	struct leak_point *f = xmalloc(5000 * sizeof(*f)), last;
	struct leak_verdict v;

	(void)state;
	/* 5000 floors (a day and a half at 30 s) rising 10 MB/h: judged as <= 256 */
	for (int i = 0; i < 5000; i++)
		f[i] = (struct leak_point){T0 + (int64_t)i * 30000,
					   1e8 + 1e7 * i / 120.0 + 2e6 * noise()};
	last = f[4999];
	leak_judge(f, 5000, 0, &p, &v);
	assert_true(v.floors <= 256 && v.floors >= 128);
	assert_int_equal(v.state, LEAK_SUSPECT);
	assert_near(v.rate_bytes_per_hour, 1e7, 0.05e7);
	assert_memory_equal(&f[4999], &last, sizeof(last)); /* input untouched */
	free(f);
}

static void test_rank_regions(void **state)
{
	struct leak_params p = leak_params_default();
	struct leak_point a[60], b[60], c[60], d[2];
	struct leak_series s[4] = {
		{"anon:7f0004000000", a, 60},
		{"heap", b, 60},
		{"file:/lib/x.so", c, 60},
		{"anon:1", d, 0},
	};
	struct leak_suspect out[4];
	size_t n;

	(void)state;
	p.window_samples = 1;
	/* smaps every 10 s for 10 minutes */
	for (int i = 0; i < 60; i++) {
		int64_t t = T0 + i * 10000;

		a[i] = (struct leak_point){t, 64 * MIB + 30 * MIB * i /
								 360.0}; /* 30 MiB/h */
		b[i] = (struct leak_point){t, 8 * MIB + 120 * MIB * i /
								360.0}; /* 120 MiB/h */
		c[i] = (struct leak_point){t, 2 * MIB + 0.1 * MIB * noise()}; /* flat */
	}
	n = leak_rank(s, 4, 0, &p, out, 4);
	assert_int_equal(n, 2);
	assert_int_equal(out[0].index, 1); /* fastest first */
	assert_int_equal(out[1].index, 0);
	assert_near(out[0].verdict.rate_bytes_per_hour, 120 * MIB, MIB);
	assert_near(out[0].size_bytes, b[59].bytes, 0);
	/* room for one: the count says two */
	n = leak_rank(s, 4, 0, &p, out, 1);
	assert_int_equal(n, 2);
	assert_int_equal(out[0].index, 1);
	assert_int_equal(leak_rank(s, 0, 0, &p, out, 4), 0);
}

/* ---- real series captured from the fixture programs ---- */

struct series {
	size_t n;
	struct leak_point *pts;
	int64_t *gc; /* JVM series: times a collector count rose */
	size_t ngc;
};

/*
 * Loads tests/fixtures/series/<name>.csv. Process series are
 * "t_ms,rss_anon,vm_swap" (bytes = RssAnon + VmSwap); JVM series are
 * "t_ms,old_used,old_after_gc,young_gcs,full_gcs,concurrent_gcs" and with
 * after_gc the points are the post-GC floors, otherwise old_used with the
 * collections as markers.
 */
static void load(const char *name, bool after_gc, struct series *s)
{
	const char *src = getenv("VIGIL_SRCDIR");
	char *path = xasprintf("%s/tests/fixtures/series/%s.csv", src && *src ? src : ".",
			       name);
	FILE *f = fopen(path, "r");
	char line[256];
	size_t cap = 0, gcap = 0;
	long long prev_gcs = -1;

	if (!f)
		fail_msg("cannot open '%s'", path);
	memset(s, 0, sizeof(*s));
	assert_non_null(fgets(line, sizeof(line), f)); /* header */
	while (fgets(line, sizeof(line), f)) {
		long long t, a, b = 0, y = 0, fu = 0, c = 0;
		char mid[32] = "";

		if (strstr(name, "jvm")) {
			if (sscanf(line, "%lld,%lld,%31[0-9]", &t, &a, mid) < 2)
				continue;
			/* the after-GC column may be empty */
			{
				const char *p = strchr(strchr(line, ',') + 1, ',') + 1;

				p = strchr(p, ',') + 1;
				assert_int_equal(sscanf(p, "%lld,%lld,%lld", &y, &fu, &c),
						 3);
			}
			if (prev_gcs >= 0 && y + fu + c > prev_gcs) {
				s->gc = xgrow(s->gc, &gcap, s->ngc + 1, sizeof(*s->gc));
				s->gc[s->ngc++] = t;
			}
			prev_gcs = y + fu + c;
			if (after_gc && !*mid)
				continue;
			if (after_gc)
				a = atoll(mid);
		} else if (sscanf(line, "%lld,%lld,%lld", &t, &a, &b) != 3) {
			fail_msg("%s: bad line '%s'", name, line);
		}
		s->pts = xgrow(s->pts, &cap, s->n + 1, sizeof(*s->pts));
		s->pts[s->n++] = (struct leak_point){t, (double)(a + b)};
	}
	fclose(f);
	free(path);
	assert_true(s->n > 10);
}

/* The verdict on the whole series, and the first time one was reached. */
static struct leak_verdict judge_series(const struct series *s, bool markers,
					const struct leak_params *p, double *first_s)
{
	struct leak_point *fl = xmalloc(s->n * sizeof(*fl));
	struct leak_verdict v = {0};
	size_t m = leak_floors(s->pts, s->n, markers ? s->gc : NULL, markers ? s->ngc : 0,
			       p, fl);

	*first_s = -1;
	for (size_t k = 1; k <= m; k++) {
		leak_judge(fl, k, 0, p, &v);
		if (*first_s < 0 && v.state != LEAK_INSUFFICIENT_DATA)
			*first_s = (double)(fl[k - 1].t_ms - s->pts[0].t_ms) / 1000;
	}
	free(fl);
	return v;
}

static void series_free(struct series *s)
{
	free(s->pts);
	free(s->gc);
}

static void expect_series(const char *name, bool after_gc, bool markers, bool leaking)
{
	struct leak_params p = fast_params();
	struct series s;
	struct leak_verdict v;
	double first;

	if (after_gc)
		p.window_samples = 1; /* a point per collection, ~5 s apart */
	load(name, after_gc, &s);
	v = judge_series(&s, markers, &p, &first);
	print_message(
		"%-18s %s%s: %s (%s) %.0f MiB/h r2 %.2f z %.2f first verdict %.0f s\n",
		name, after_gc ? "after-gc" : "", markers ? "markers" : "",
		leak_state_name(v.state), leak_reason_name(v.reason),
		v.rate_bytes_per_hour / MIB, v.r2, v.mk_z, first);
	if (leaking)
		assert_int_equal(v.state, LEAK_SUSPECT);
	else
		assert_int_not_equal(v.state, LEAK_SUSPECT);
	/* a verdict of some kind within about a minute of 200 ms samples */
	assert_true(first > 0 && first <= 70);
	series_free(&s);
}

static void test_real_series_c(void **state)
{
	(void)state;
	expect_series("leaker", false, false, true);
	expect_series("churner", false, false, false);
}

static void test_real_series_node(void **state)
{
	(void)state;
	expect_series("leak-js", false, false, true);
	expect_series("bounded-js", false, false, false);
}

static void test_real_series_jvm(void **state)
{
	(void)state;
	/* the old generation after each collection, and old-gen used with the
	 * collections as window markers: both see the leak and only the leak */
	expect_series("leak-java-jvm", true, false, true);
	expect_series("noleak-java-jvm", true, false, false);
	expect_series("leak-java-jvm", false, true, true);
	expect_series("noleak-java-jvm", false, true, false);
	/* RSS of the JVM without the leak is not flagged either */
	expect_series("noleak-java-rss", false, false, false);
}

/*
 * A series recorded at the defaults (1 s ticks, 330 s from the program's
 * start), judged as leakwatch does: without the first window (the start-up)
 * and every 10 s. No verdict along the way may call a program that does not
 * leak a suspect; a leaker must be one by the end, with at least the
 * minimum confidence, and its first suspect verdict within 5 minutes.
 */
static void expect_defaults(const char *name, bool leaking)
{
	struct leak_params p = leak_params_default();
	struct leak_point *fl;
	struct leak_verdict v = {0};
	struct series s;
	size_t skip = 0, m;
	int64_t next = 0;
	double first = -1;
	int suspects = 0, verdicts = 0;

	load(name, false, &s);
	while (skip < s.n && s.pts[skip].t_ms - s.pts[0].t_ms < p.window_ms)
		skip++;
	fl = xmalloc(s.n * sizeof(*fl));
	for (size_t k = skip + 1; k <= s.n; k++) {
		if (s.pts[k - 1].t_ms < next)
			continue;
		next = s.pts[k - 1].t_ms + 10000;
		m = leak_floors(s.pts + skip, k - skip, NULL, 0, &p, fl);
		leak_judge(fl, m, 0, &p, &v);
		if (v.state == LEAK_INSUFFICIENT_DATA)
			continue;
		verdicts++;
		if (v.state == LEAK_SUSPECT) {
			suspects++;
			assert_true(v.confidence >= p.min_confidence);
			if (first < 0)
				first = (double)(s.pts[k - 1].t_ms - s.pts[0].t_ms) /
					1000;
		}
	}
	print_message("%-18s defaults: %s (%s) %.0f MiB/h conf %.2f r2 %.2f, "
		      "%d of %d verdicts suspects, first at %.0f s\n",
		      name, leak_state_name(v.state), leak_reason_name(v.reason),
		      v.rate_bytes_per_hour / MIB, v.confidence, v.r2, suspects, verdicts,
		      first);
	assert_true(verdicts > 0);
	if (leaking) {
		assert_int_equal(v.state, LEAK_SUSPECT);
		assert_true(first > 0 && first <= 300);
	} else {
		assert_int_equal(suspects, 0);
	}
	free(fl);
	series_free(&s);
}

static void test_real_series_at_the_defaults(void **state)
{
	(void)state;
	expect_defaults("leaker-1s", true);
	expect_defaults("leak-py", true);
	/* so straight a line (r2 1.00) that a bend of 0.97 is "significant" */
	expect_defaults("leak-py-straight", true);
	expect_defaults("noleak-py", false);
	expect_defaults("leak-js-default", true);
	expect_defaults("warmup-js", false);
	/* ... and one where a major collection cut the rise at 145 s: no bend,
	 * but a poor line (confidence 0.48-0.56) */
	expect_defaults("warmup-js-gc", false);
}

static void test_real_leaker_rate(void **state)
{
	struct leak_params p = fast_params();
	struct series s;
	struct leak_verdict v;
	double first;

	(void)state;
	/* 64 KiB/s in 256..1024-byte blocks plus malloc's headers: 225+ MiB/h */
	load("leaker", false, &s);
	v = judge_series(&s, false, &p, &first);
	assert_true(v.rate_bytes_per_hour > 150 * MIB &&
		    v.rate_bytes_per_hour < 450 * MIB);
	series_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_mann_kendall_by_hand),
		cmocka_unit_test(test_theil_sen_and_least_squares),
		cmocka_unit_test(test_knee),
		cmocka_unit_test(test_floors_fixed_windows),
		cmocka_unit_test(test_floors_gc_markers),
		cmocka_unit_test(test_floors_sawtooth_period),
		cmocka_unit_test(test_floors_spikes_are_not_a_sawtooth),
		cmocka_unit_test(test_insufficient),
		cmocka_unit_test(test_linear_leak),
		cmocka_unit_test(test_leak_starting_late),
		cmocka_unit_test(test_flat_and_falling_are_stable),
		cmocka_unit_test(test_sawtooth_flat_floor_is_stable),
		cmocka_unit_test(test_one_step_is_growing),
		cmocka_unit_test(test_noisy_leak_is_not_a_step),
		cmocka_unit_test(test_warm_up_is_growing),
		cmocka_unit_test(test_too_slow_and_not_linear),
		cmocka_unit_test(test_coarsening_keeps_the_verdict),
		cmocka_unit_test(test_rank_regions),
		cmocka_unit_test(test_real_series_c),
		cmocka_unit_test(test_real_series_node),
		cmocka_unit_test(test_real_series_jvm),
		cmocka_unit_test(test_real_leaker_rate),
		cmocka_unit_test(test_real_series_at_the_defaults),
		/* last: noise() is one sequence, and the tests above were tuned to it */
		cmocka_unit_test(test_saturating_rise_is_decelerating),
		cmocka_unit_test(test_too_little_rise_is_growing),
		cmocka_unit_test(test_concave_rise_is_decelerating),
		cmocka_unit_test(test_low_confidence_is_growing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
