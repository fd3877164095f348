/* SPDX-License-Identifier: MIT */
/*
 * leak: is the target's memory leaking? Pure functions over series, no I/O.
 *
 * A heap that collects garbage (a GC'd runtime, or malloc handing freed
 * memory back and reusing it) saws up and down; what a leak raises is the
 * floor, the level the heap falls back to after collecting. So a series of
 * samples (RssAnon + VmSwap every tick, a region's anonymous bytes every
 * smaps reading, or a JVM's old generation) is first reduced to floors, the
 * minimum of each window (leak_floors), and the floors are then judged
 * (leak_judge):
 *
 * 1. Enough data: at least min_floors floors spanning at least min_span_ms,
 *    else INSUFFICIENT_DATA. (Above max_floors floors, adjacent pairs are
 *    merged, keeping the lower, until they fit: the whole history is judged
 *    at a coarser grain, in bounded time and memory.)
 * 2. A rising floor: Mann-Kendall on the floors (S, variance corrected for
 *    ties, Z with continuity correction, one-sided p for an increase) below
 *    alpha, a Theil-Sen slope above zero, and a rate of at least
 *    min_rate_abs bytes/hour and min_rate_rel % of the floor per hour.
 *    Anything else is STABLE: flat, falling, noise, or too slow to matter.
 * 3. Rising, but not like a leak (GROWING): a least-squares fit explains
 *    less than min_r2 of the floors' variance; or a single step explains it
 *    (with the largest floor-to-floor jump taken out the rise is no longer
 *    significant, and two flat levels fit the floors better than a line: a
 *    cache filled, a pool grew); or it decelerates: the Theil-Sen slope of
 *    the latest half of the floors is below decel_ratio of that of the
 *    earliest half, or of the whole (a cache filling like 1 - e^-t still
 *    rises at a good share of the whole's rate in its late half, but
 *    clearly slower than in its early half), or the late half rises at
 *    less than bend_ratio of the early one and a parabola through the
 *    floors bends down by at least decel_t standard errors of its
 *    quadratic term (a V8 heap being sized, still rising after minutes but
 *    ever slower, bent by t = -17, leaks by -3.3 .. 1.4: a leak's floors
 *    can lie on so straight a line that a bend of no size is significant,
 *    hence the ratio too); or the floor has not yet risen by
 *    min_rise_bytes in all (an allocator settling in moves a floor by a
 *    few hundred KiB); or the confidence (below) is under min_confidence.
 * 4. Otherwise LEAK_SUSPECT: rate (Theil-Sen, bytes/hour), confidence, since
 *    when (the knee of a flat-then-linear fit), and the time until the floor,
 *    continuing at that rate, reaches the memory limit.
 *
 * How long a verdict takes: leak_floors makes one floor per window of
 *   W = max(window_ms, window_samples * median sample interval)
 * (or longer when the series saws with a longer period, see leak_floors), so
 * a verdict needs about max(min_floors * W, min_span_ms + W). At the defaults
 * and a 1 s tick: W = 30 s, 8 floors, 240 s. A test sampling every 200 ms
 * with window_ms = 5 s, min_floors = 8, min_span_ms = 30 s needs ~40 s.
 * The smallest rate reported as a leak is
 *   max(min_rate_abs, min_rate_rel / 100 * floor) bytes/hour,
 * and it must also rise above the floors' own noise: with n floors of
 * spread sigma the rise over the span must be a few sigma before
 * Mann-Kendall sees it (a noise-free rise of any size is significant at
 * alpha = 0.01 with 8 floors: S = 28, Z = 3.34). It is a suspect once the
 * floor has risen min_rise_bytes over the span: 15 minutes at 4 MiB/h,
 * 4 minutes at 15 MiB/h.
 *
 * Confidence, for every verdict but INSUFFICIENT_DATA, is how sure the
 * rising floor is: (1 - p) * R^2 * min(1, span / (2 * min_span_ms)), in 0..1.
 * A suspect needs at least min_confidence (0.6): a line that explains 0.6
 * of the floors' variance over twice the minimum span, or more of it over
 * a shorter one (at the first verdict, span about 1.4 * min_span_ms, R^2 of
 * 0.86). Leaks recorded at the defaults (C, V8, HotSpot, CPython) reached
 * 0.66-0.78 at their first verdict and 0.75-0.90 a minute later; a V8 heap
 * being sized was judged a suspect at 0.46, and a cache filling under V8's
 * heap sizing, cut by a major collection half-way, at 0.56.
 */
#ifndef VIGIL_ANALYSIS_LEAK_H
#define VIGIL_ANALYSIS_LEAK_H

#include <stddef.h>
#include <stdint.h>

struct leak_point {
	int64_t t_ms;
	double bytes;
};

enum leak_state {
	LEAK_INSUFFICIENT_DATA,
	LEAK_STABLE,
	LEAK_GROWING,
	LEAK_SUSPECT,
};

/* "insufficient-data" "stable" "growing" "leak-suspect"; "?" out of range. */
const char *leak_state_name(enum leak_state s);

/* Why a verdict is what it is (one of them, the first that decided). */
enum leak_reason {
	LEAK_WHY_TOO_FEW,      /* fewer than min_floors floors */
	LEAK_WHY_TOO_SHORT,    /* they span less than min_span_ms */
	LEAK_WHY_NO_TREND,     /* Mann-Kendall: no significant rise */
	LEAK_WHY_TOO_SLOW,     /* significant, but below min_rate_abs/min_rate_rel */
	LEAK_WHY_NOT_LINEAR,   /* R^2 below min_r2 */
	LEAK_WHY_STEP,	       /* one step explains the rise */
	LEAK_WHY_DECELERATING, /* the latest half rises much slower: a warm-up */
	LEAK_WHY_TOO_LITTLE,   /* the floor has not risen min_rise_bytes yet */
	LEAK_WHY_UNSURE,       /* confidence below min_confidence */
	LEAK_WHY_RISING,       /* a leak suspect */
};

/* "too few floors", "span too short", ...; static. */
const char *leak_reason_name(enum leak_reason r);

struct leak_params {
	/* floors */
	int64_t window_ms;     /* fixed window length without GC markers */
	size_t window_samples; /* ... and at least this many samples per window */
	double drop_frac;      /* a fall by this fraction is a collection (sawtooth) */
	/* judging */
	size_t min_floors;
	int64_t min_span_ms;
	size_t max_floors; /* coarsen above this (>= min_floors) */
	double alpha;	   /* one-sided Mann-Kendall p for an increase */
	double min_r2;
	double min_rate_abs; /* bytes per hour */
	double min_rate_rel; /* percent of the mean floor per hour */
	double decel_ratio; /* latest-half slope below this share of the whole: warm-up */
	double decel_t;	    /* a parabola's bend at least this many standard errors */
	double bend_ratio;  /* ... with a latest-half slope below this share of the
			       earliest */
	double min_rise_bytes; /* a suspect's floor has risen by this much */
	double min_confidence; /* a rise judged with less is GROWING, not a suspect */
};

/*
 * Defaults for a 1 s tick: window_ms 30 s, window_samples 6, drop_frac 0.05,
 * min_floors 8, min_span_ms 150 s, max_floors 256, alpha 0.01, min_r2 0.5,
 * min_rate_abs 4 MiB/h, min_rate_rel 1 %/h, decel_ratio 0.25, decel_t 3,
 * bend_ratio 0.75, min_rise_bytes 1 MiB, min_confidence 0.6.
 */
struct leak_params leak_params_default(void);

struct leak_verdict {
	enum leak_state state;
	enum leak_reason reason;
	size_t floors;		    /* judged (after coarsening) */
	double rate_bytes_per_hour; /* Theil-Sen; also for STABLE/GROWING */
	double confidence;	    /* 0..1, see above */
	double r2;		    /* of the least-squares line through the floors */
	double mk_s, mk_z, p;	    /* Mann-Kendall S, Z, one-sided p for an increase */
	int64_t since_ms;	    /* where the rise starts; 0 when not rising */
	double level_bytes;	    /* the Theil-Sen line at the last floor */
	double time_to_limit_s;	    /* LEAK_SUSPECT with a limit: seconds; else < 0 */
};

/* ---- building blocks, exposed for tests and for the views ---- */

struct leak_mk {
	double s, var, z;
	double p_two_sided; /* no trend either way */
	double p_increase;  /* one-sided, for a rise */
};

/*
 * Mann-Kendall on y[0..n) in time order: S = sum of sign(y[j] - y[i]) over
 * i < j; Var(S) = (n(n-1)(2n+5) - sum over tie groups of t(t-1)(2t+5)) / 18;
 * Z = (S - 1) / sd for S > 0, (S + 1) / sd for S < 0, else 0; p from the
 * normal distribution. With no variance (n < 2 or all equal) Z = 0, p_two 1,
 * p_increase 0.5. O(n^2) time, O(n) scratch.
 */
void leak_mann_kendall(const double *y, size_t n, struct leak_mk *out);

/*
 * Theil-Sen: the median of the slopes between every pair with distinct times
 * (bytes per ms), and the median of y - slope * t as *intercept (NULL ok).
 * 0 with intercept the median of y when fewer than two distinct times.
 * O(n^2) scratch.
 */
double leak_theil_sen(const struct leak_point *pts, size_t n, double *intercept);

/*
 * Ordinary least squares of bytes on time: returns R^2 (0 when y or t does
 * not vary) and the line through *slope (bytes/ms) and *intercept (NULL ok).
 */
double leak_least_squares(const struct leak_point *pts, size_t n, double *slope,
			  double *intercept);

/*
 * The knee of a flat-then-linear fit: the index k minimising the squared
 * error of y = a + b * max(0, t - t_k), over k < n - 2. 0 for n < 4.
 */
size_t leak_knee(const struct leak_point *pts, size_t n);

/* ---- floors and verdicts ---- */

/*
 * Reduces pts[0..n) (ascending t) to floors in out (room for n points; may
 * not alias pts); returns how many. Each floor is the lowest point of its
 * window, at that point's time (the earliest on ties).
 *
 * With gc_ms[0..ngc) (ascending times a collection ended; JVM counters) a
 * window is one or more whole GC cycles, [gc_k, gc_k+m), with m the fewest
 * that span window_ms; points before the first collection are not in any
 * window and the cycles after the last full window make the last one.
 *
 * Without markers windows are fixed, W = max(window_ms, window_samples *
 * the median interval between points), laid from the first point; a
 * trailing window shorter than W is left out until it is complete (a short
 * window's minimum sits higher and would fake an upturn at the end).
 * Sawtooth: when the series falls by more than drop_frac of its level from
 * one point to the next at least three times, W is raised to 1.5 times the
 * period, so each window holds a whole cycle and its trough. The period is
 * the shorter of the median interval between those falls and the median
 * cycle they end (the time since the series was last at or below where a
 * fall lands): a sawtooth's falls are a cycle apart and land at its trough,
 * while a one-sample spike (a sample taken mid-burst, malloc trimming right
 * after) lands where the series was just before it and leaves W alone.
 */
size_t leak_floors(const struct leak_point *pts, size_t n, const int64_t *gc_ms,
		   size_t ngc, const struct leak_params *p, struct leak_point *out);

/*
 * Judges floors[0..n) (ascending t) against limit_bytes (0: unknown) and
 * fills *out. floors is not modified. Never fails; see the top of this file.
 */
void leak_judge(const struct leak_point *floors, size_t n, double limit_bytes,
		const struct leak_params *p, struct leak_verdict *out);

/* ---- per-region suspects ---- */

struct leak_series {
	const char *key; /* borrowed, e.g. a struct heap_mapping key */
	const struct leak_point *pts;
	size_t n;
};

struct leak_suspect {
	size_t index; /* into the series array */
	struct leak_verdict verdict;
	double size_bytes; /* the series' latest value */
};

/*
 * Floors and judges each series with p (for smaps readings every 10-30 s,
 * window_samples 1 or 2 keeps verdicts minutes away, not hours), and writes
 * the LEAK_SUSPECT ones to out (room for cap), highest rate first, ties by
 * index. Returns how many there were in all (may exceed cap: the rest are
 * not written).
 */
size_t leak_rank(const struct leak_series *series, size_t n, double limit_bytes,
		 const struct leak_params *p, struct leak_suspect *out, size_t cap);

#endif
