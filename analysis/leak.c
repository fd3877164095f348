/* SPDX-License-Identifier: MIT */
/*
 * leak: floors, trend tests and the verdict. Pure: no I/O, no clock, no
 * globals; scratch memory is allocated per call and freed before returning.
 *
 * Everything is O(n^2) in the number of floors at most (Mann-Kendall,
 * Theil-Sen, the knee search), which max_floors bounds.
 */
#include "analysis/leak.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

#define MS_PER_HOUR 3600000.0

const char *leak_state_name(enum leak_state s)
{
	switch (s) {
	case LEAK_INSUFFICIENT_DATA:
		return "insufficient-data";
	case LEAK_STABLE:
		return "stable";
	case LEAK_GROWING:
		return "growing";
	case LEAK_SUSPECT:
		return "leak-suspect";
	}
	return "?";
}

const char *leak_reason_name(enum leak_reason r)
{
	switch (r) {
	case LEAK_WHY_TOO_FEW:
		return "too few floors";
	case LEAK_WHY_TOO_SHORT:
		return "span too short";
	case LEAK_WHY_NO_TREND:
		return "no significant rise";
	case LEAK_WHY_TOO_SLOW:
		return "rise below the minimum rate";
	case LEAK_WHY_NOT_LINEAR:
		return "rise not linear";
	case LEAK_WHY_STEP:
		return "one step";
	case LEAK_WHY_DECELERATING:
		return "levelling off";
	case LEAK_WHY_TOO_LITTLE:
		return "rise below the minimum so far";
	case LEAK_WHY_UNSURE:
		return "confidence below the minimum";
	case LEAK_WHY_RISING:
		return "floor rising";
	}
	return "?";
}

struct leak_params leak_params_default(void)
{
	return (struct leak_params){
		.window_ms = 30000,
		.window_samples = 6,
		.drop_frac = 0.05,
		.min_floors = 8,
		.min_span_ms = 150000,
		.max_floors = 256,
		.alpha = 0.01,
		.min_r2 = 0.5,
		.min_rate_abs = 4.0 * 1024 * 1024,
		.min_rate_rel = 1.0,
		.decel_ratio = 0.25,
		.decel_t = 3.0,
		.bend_ratio = 0.75,
		.min_rise_bytes = 1024.0 * 1024,
		.min_confidence = 0.6,
	};
}

/* ---- statistics ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median of v[0..n), n > 0; v is reordered. */
static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double sign(double d)
{
	return (d > 0) - (d < 0);
}

void leak_mann_kendall(const double *y, size_t n, struct leak_mk *out)
{
	double s = 0, var, ties = 0, nn = (double)n;
	double *sorted;

	memset(out, 0, sizeof(*out));
	out->p_two_sided = 1;
	out->p_increase = 0.5;
	if (n < 2)
		return;
	for (size_t i = 0; i + 1 < n; i++)
		for (size_t j = i + 1; j < n; j++)
			s += sign(y[j] - y[i]);
	sorted = xmalloc(n * sizeof(*sorted));
	memcpy(sorted, y, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_double);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		double t;

		while (j < n && sorted[j] == sorted[i])
			j++;
		t = (double)(j - i);
		ties += t * (t - 1) * (2 * t + 5);
		i = j;
	}
	free(sorted);
	var = (nn * (nn - 1) * (2 * nn + 5) - ties) / 18;
	out->s = s;
	out->var = var;
	if (var <= 0)
		return;
	if (s > 0)
		out->z = (s - 1) / sqrt(var);
	else if (s < 0)
		out->z = (s + 1) / sqrt(var);
	out->p_two_sided = erfc(fabs(out->z) / M_SQRT2);
	out->p_increase = 0.5 * erfc(out->z / M_SQRT2);
}

double leak_theil_sen(const struct leak_point *pts, size_t n, double *intercept)
{
	double *v, slope = 0;
	size_t m = 0;

	if (!n) {
		if (intercept)
			*intercept = 0;
		return 0;
	}
	v = xmalloc((n * (n - 1) / 2 + n) * sizeof(*v));
	for (size_t i = 0; i + 1 < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (pts[j].t_ms != pts[i].t_ms)
				v[m++] = (pts[j].bytes - pts[i].bytes) /
					 (double)(pts[j].t_ms - pts[i].t_ms);
	if (m)
		slope = median(v, m);
	if (intercept) {
		for (size_t i = 0; i < n; i++)
			v[i] = pts[i].bytes - slope * (double)(pts[i].t_ms - pts[0].t_ms);
		/* relative to pts[0].t_ms for precision, moved back to t = 0 */
		*intercept = median(v, n) - slope * (double)pts[0].t_ms;
	}
	free(v);
	return slope;
}

double leak_least_squares(const struct leak_point *pts, size_t n, double *slope,
			  double *intercept)
{
	double mt = 0, my = 0, stt = 0, sty = 0, syy = 0, b = 0;

	if (slope)
		*slope = 0;
	if (intercept)
		*intercept = 0;
	if (!n)
		return 0;
	/* times relative to the first point: epoch ms squared loses digits */
	for (size_t i = 0; i < n; i++) {
		mt += (double)(pts[i].t_ms - pts[0].t_ms);
		my += pts[i].bytes;
	}
	mt /= (double)n;
	my /= (double)n;
	for (size_t i = 0; i < n; i++) {
		double dt = (double)(pts[i].t_ms - pts[0].t_ms) - mt,
		       dy = pts[i].bytes - my;

		stt += dt * dt;
		sty += dt * dy;
		syy += dy * dy;
	}
	if (stt > 0)
		b = sty / stt;
	if (slope)
		*slope = b;
	if (intercept)
		*intercept = my - b * (mt + (double)pts[0].t_ms);
	if (stt <= 0 || syy <= 0)
		return 0;
	return sty * sty / (stt * syy);
}

size_t leak_knee(const struct leak_point *pts, size_t n)
{
	size_t best = 0;
	double best_sse = INFINITY;

	if (n < 4)
		return 0;
	for (size_t k = 0; k + 2 < n; k++) {
		/* regress y on x = max(0, t - t_k) */
		double mx = 0, my = 0, sxx = 0, sxy = 0, syy = 0, sse;

		for (size_t i = 0; i < n; i++) {
			double x = pts[i].t_ms > pts[k].t_ms
					   ? (double)(pts[i].t_ms - pts[k].t_ms)
					   : 0;

			mx += x;
			my += pts[i].bytes;
		}
		mx /= (double)n;
		my /= (double)n;
		for (size_t i = 0; i < n; i++) {
			double x = pts[i].t_ms > pts[k].t_ms
					   ? (double)(pts[i].t_ms - pts[k].t_ms)
					   : 0;

			sxx += (x - mx) * (x - mx);
			sxy += (x - mx) * (pts[i].bytes - my);
			syy += (pts[i].bytes - my) * (pts[i].bytes - my);
		}
		sse = sxx > 0 ? syy - sxy * sxy / sxx : syy;
		/* strictly better only: an earlier knee wins ties */
		if (sse < best_sse * (1 - 1e-12)) {
			best_sse = sse;
			best = k;
		}
	}
	return best;
}

/* ---- floors ---- */

#define CYCLE_WALK_MAX 4096 /* points walked back to find where a cycle began */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Median of v[0..n) (n >= 1); sorts v. */
static int64_t median_i64(int64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_i64);
	return v[(n - 1) / 2];
}

/* Median of the gaps between consecutive t[0..n) (n >= 2). */
static int64_t median_gap(const int64_t *t, size_t n)
{
	int64_t *gaps = xmalloc((n - 1) * sizeof(*gaps)), m;

	for (size_t i = 0; i + 1 < n; i++)
		gaps[i] = t[i + 1] - t[i];
	m = median_i64(gaps, n - 1);
	free(gaps);
	return m;
}

/*
 * How long the series stayed above the level it fell back to at pts[i]: the
 * time since the latest earlier point at or below pts[i]. A collection that
 * ends a sawtooth cycle lands near the cycle's trough, so this is the
 * cycle's length; a one-sample spike (malloc's top pad trimmed right after
 * a burst, a sample taken mid-burst) falls back to where the series was a
 * sample or two before, so it counts as a short cycle and does not widen
 * the windows. The walk back is bounded; a longer climb counts at the bound.
 */
static int64_t cycle_length(const struct leak_point *pts, size_t i)
{
	size_t k = i - 1, stop = i > CYCLE_WALK_MAX ? i - CYCLE_WALK_MAX : 0;

	while (k > stop && pts[k].bytes > pts[i].bytes)
		k--;
	return pts[i].t_ms - pts[k].t_ms;
}

/* The fixed window length W for pts, sawtooth included; *gap the median interval. */
static int64_t window_length(const struct leak_point *pts, size_t n,
			     const struct leak_params *p, int64_t *gap)
{
	int64_t w = p->window_ms, *t = xmalloc(n * sizeof(*t));
	int64_t *cycles = xmalloc(n * sizeof(*cycles));
	size_t drops = 0;

	*gap = 0;
	for (size_t i = 0; i < n; i++)
		t[i] = pts[i].t_ms;
	if (n >= 2) {
		*gap = median_gap(t, n);
		if (*gap * (int64_t)p->window_samples > w)
			w = *gap * (int64_t)p->window_samples;
	}
	for (size_t i = 1; i < n; i++)
		if (p->drop_frac > 0 &&
		    pts[i].bytes < pts[i - 1].bytes * (1 - p->drop_frac)) {
			t[drops] = pts[i].t_ms;
			cycles[drops++] = cycle_length(pts, i);
		}
	if (drops >= 3) {
		/* a sawtooth's falls come a cycle apart and each ends a cycle;
		 * noise falls often, spikes end short cycles: either way the
		 * shorter estimate is the one to trust */
		int64_t period = median_gap(t, drops), cycle = median_i64(cycles, drops);

		if (cycle < period)
			period = cycle;

		if (period + period / 2 > w)
			w = period + period / 2;
	}
	free(cycles);
	free(t);
	return w > 0 ? w : 1;
}

/* Appends the lowest of pts[from..to) (to > from) to out[*m]. */
static void floor_of(const struct leak_point *pts, size_t from, size_t to,
		     struct leak_point *out, size_t *m)
{
	size_t lo = from;

	for (size_t i = from + 1; i < to; i++)
		if (pts[i].bytes < pts[lo].bytes)
			lo = i;
	out[(*m)++] = pts[lo];
}

size_t leak_floors(const struct leak_point *pts, size_t n, const int64_t *gc_ms,
		   size_t ngc, const struct leak_params *p, struct leak_point *out)
{
	size_t m = 0, i = 0;

	if (!n)
		return 0;
	if (gc_ms && ngc) {
		size_t g = 0;

		while (i < n && pts[i].t_ms < gc_ms[0])
			i++;
		while (i < n) {
			/* the window: whole cycles from gc_ms[g] until window_ms is
			 * covered */
			int64_t start = gc_ms[g];
			size_t e = g + 1, j;

			while (e < ngc && gc_ms[e] - start < p->window_ms)
				e++;
			j = i;
			while (j < n && (e >= ngc || pts[j].t_ms < gc_ms[e]))
				j++;
			if (j > i)
				floor_of(pts, i, j, out, &m);
			if (e >= ngc)
				break;
			i = j;
			g = e;
		}
		return m;
	}
	{
		int64_t gap, w = window_length(pts, n, p, &gap), start = pts[0].t_ms;

		while (i < n) {
			size_t j = i;

			while (j < n && pts[j].t_ms < start + w)
				j++;
			/* the last window, still filling: its minimum would sit high */
			if (j == n && pts[n - 1].t_ms - start < w - gap)
				break;
			floor_of(pts, i, j, out, &m);
			i = j;
			start += w;
			while (i < n && pts[i].t_ms >= start + w)
				start += w; /* a gap in the samples: skip empty windows */
		}
	}
	return m;
}

/* ---- the verdict ---- */

/* Halves a series of floors by taking the lower of each pair, in place. */
static size_t coarsen(struct leak_point *f, size_t n)
{
	size_t m = 0;

	for (size_t i = 0; i < n; i += 2)
		f[m++] = (i + 1 < n && f[i + 1].bytes < f[i].bytes) ? f[i + 1] : f[i];
	return m;
}

static double p_increase(const struct leak_point *f, size_t n)
{
	double *y = xmalloc(n * sizeof(*y));
	struct leak_mk mk;

	for (size_t i = 0; i < n; i++)
		y[i] = f[i].bytes;
	leak_mann_kendall(y, n, &mk);
	free(y);
	return mk.p_increase;
}

/*
 * The squared error of the best fit of two flat levels, one before a split
 * and one after (the split at any k in 1..n-1), in O(n) with running sums.
 */
static double step_sse(const struct leak_point *f, size_t n)
{
	double all = 0, all2 = 0, left = 0, left2 = 0, best = INFINITY;

	for (size_t i = 0; i < n; i++) {
		all += f[i].bytes;
		all2 += f[i].bytes * f[i].bytes;
	}
	for (size_t k = 1; k < n; k++) {
		double right, right2, sse;

		left += f[k - 1].bytes;
		left2 += f[k - 1].bytes * f[k - 1].bytes;
		right = all - left;
		right2 = all2 - left2;
		sse = (left2 - left * left / (double)k) +
		      (right2 - right * right / (double)(n - k));
		best = fmin(best, sse);
	}
	return best;
}

/*
 * Whether the rise is one step: without the largest jump it is not
 * significant, and two flat levels fit the floors better than a line does
 * (sse_line). The second part keeps a noisy leak, whose largest jump may
 * carry much of a short rise, from passing for a step: its floors lie along
 * a line, a step's around two levels.
 */
static bool one_step(const struct leak_point *f, size_t n, double alpha, double sse_line)
{
	struct leak_point *g;
	size_t at = 1;
	double jump;
	bool step;

	if (step_sse(f, n) >= sse_line)
		return false;

	for (size_t i = 2; i < n; i++)
		if (f[i].bytes - f[i - 1].bytes > f[at].bytes - f[at - 1].bytes)
			at = i;
	jump = f[at].bytes - f[at - 1].bytes;
	if (jump <= 0)
		return false;
	g = xmalloc(n * sizeof(*g));
	for (size_t i = 0; i < n; i++) {
		g[i] = f[i];
		if (i >= at)
			g[i].bytes -= jump;
	}
	step = p_increase(g, n) >= alpha;
	free(g);
	return step;
}

/*
 * The t statistic of the quadratic term of a least-squares parabola through
 * the floors (time centred and scaled to the span): clearly negative for a
 * rise that keeps slowing down (a cache filling, a heap being sized), near
 * zero for a line with noise. 0 with fewer than 4 floors.
 */
static double curvature_t(const struct leak_point *f, size_t n)
{
	double tm = 0, sp = (double)(f[n - 1].t_ms - f[0].t_ms), s[5] = {0}, b[3] = {0};
	double det, c0, c1, c2, a, bb, c, sse = 0, var;

	if (n < 4 || sp <= 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		tm += (double)(f[i].t_ms - f[0].t_ms);
	tm /= (double)n;
	for (size_t i = 0; i < n; i++) {
		double x = ((double)(f[i].t_ms - f[0].t_ms) - tm) / sp, xk = 1;

		for (int k = 0; k < 5; k++, xk *= x)
			s[k] += xk;
		b[0] += f[i].bytes;
		b[1] += x * f[i].bytes;
		b[2] += x * x * f[i].bytes;
	}
	/* the normal equations [s0 s1 s2; s1 s2 s3; s2 s3 s4] by cofactors */
	c0 = s[2] * s[4] - s[3] * s[3];
	c1 = s[1] * s[4] - s[2] * s[3];
	c2 = s[1] * s[3] - s[2] * s[2];
	det = s[0] * c0 - s[1] * c1 + s[2] * c2;
	if (det <= 0)
		return 0;
	a = (b[0] * c0 - s[1] * (b[1] * s[4] - s[3] * b[2]) +
	     s[2] * (b[1] * s[3] - s[2] * b[2])) /
	    det;
	bb = (s[0] * (b[1] * s[4] - s[3] * b[2]) - b[0] * c1 +
	      s[2] * (s[1] * b[2] - s[2] * b[1])) /
	     det;
	c = (s[0] * (s[2] * b[2] - s[3] * b[1]) - s[1] * (s[1] * b[2] - s[2] * b[1]) +
	     b[0] * c2) /
	    det;
	for (size_t i = 0; i < n; i++) {
		double x = ((double)(f[i].t_ms - f[0].t_ms) - tm) / sp,
		       r = f[i].bytes - (a + bb * x + c * x * x);

		sse += r * r;
	}
	/* Var(c) = sigma^2 * (the (2,2) entry of the inverse) */
	var = sse / (double)(n - 3) * (s[0] * s[2] - s[1] * s[1]) / det;
	if (var <= 0)
		return c < 0 ? -INFINITY : c > 0 ? INFINITY : 0;
	return c / sqrt(var);
}

void leak_judge(const struct leak_point *floors, size_t n, double limit_bytes,
		const struct leak_params *p, struct leak_verdict *out)
{
	struct leak_point *f;
	double *y, slope, intercept, span, mean = 0, sst = 0, rate, early, late;
	size_t half, max = p->max_floors > p->min_floors ? p->max_floors : p->min_floors;
	struct leak_mk mk;

	memset(out, 0, sizeof(*out));
	out->state = LEAK_INSUFFICIENT_DATA;
	out->reason = LEAK_WHY_TOO_FEW;
	out->time_to_limit_s = -1;
	if (max < 4)
		max = 4;
	if (n < p->min_floors || n < 3) {
		out->floors = n;
		return;
	}
	f = xmalloc(n * sizeof(*f));
	memcpy(f, floors, n * sizeof(*f));
	while (n > max)
		n = coarsen(f, n);
	out->floors = n;
	span = (double)(f[n - 1].t_ms - f[0].t_ms);
	if (span < (double)p->min_span_ms || span <= 0) {
		out->reason = LEAK_WHY_TOO_SHORT;
		free(f);
		return;
	}

	y = xmalloc(n * sizeof(*y));
	for (size_t i = 0; i < n; i++) {
		y[i] = f[i].bytes;
		mean += y[i];
	}
	mean /= (double)n;
	for (size_t i = 0; i < n; i++)
		sst += (y[i] - mean) * (y[i] - mean);
	leak_mann_kendall(y, n, &mk);
	free(y);
	slope = leak_theil_sen(f, n, &intercept);
	out->r2 = leak_least_squares(f, n, NULL, NULL);
	out->mk_s = mk.s;
	out->mk_z = mk.z;
	out->p = mk.p_increase;
	rate = slope * MS_PER_HOUR;
	out->rate_bytes_per_hour = rate;
	out->level_bytes = intercept + slope * (double)f[n - 1].t_ms;
	out->confidence =
		(1 - mk.p_increase) * out->r2 *
		fmin(1.0,
		     span / (2.0 * (double)(p->min_span_ms > 0 ? p->min_span_ms : 1)));
	out->state = LEAK_STABLE;
	out->reason = LEAK_WHY_NO_TREND;
	if (mk.p_increase >= p->alpha || slope <= 0)
		goto done;
	out->reason = LEAK_WHY_TOO_SLOW;
	if (rate < p->min_rate_abs || rate < p->min_rate_rel / 100 * fabs(mean))
		goto done;

	out->state = LEAK_GROWING;
	out->since_ms = f[leak_knee(f, n)].t_ms;
	out->reason = LEAK_WHY_NOT_LINEAR;
	if (out->r2 < p->min_r2)
		goto done;
	out->reason = LEAK_WHY_STEP;
	if (one_step(f, n, p->alpha, (1 - out->r2) * sst))
		goto done;
	/* a warm-up rises ever slower; a leak's halves rise alike */
	half = n / 2;
	early = leak_theil_sen(f, n - half, NULL);
	late = leak_theil_sen(f + half, n - half, NULL);
	out->reason = LEAK_WHY_DECELERATING;
	if (late < p->decel_ratio * fmax(early, slope) ||
	    (late < p->bend_ratio * early && curvature_t(f, n) <= -p->decel_t))
		goto done;
	out->reason = LEAK_WHY_TOO_LITTLE;
	if (slope * span < p->min_rise_bytes)
		goto done;
	out->reason = LEAK_WHY_UNSURE;
	if (out->confidence < p->min_confidence)
		goto done;

	out->state = LEAK_SUSPECT;
	out->reason = LEAK_WHY_RISING;
	if (limit_bytes > 0) {
		double left = limit_bytes - out->level_bytes;

		out->time_to_limit_s = left > 0 ? left / (rate / 3600.0) : 0;
	}
done:
	free(f);
}

/* ---- regions ---- */

static int cmp_suspect(const void *a, const void *b)
{
	const struct leak_suspect *x = a, *y = b;

	if (x->verdict.rate_bytes_per_hour != y->verdict.rate_bytes_per_hour)
		return x->verdict.rate_bytes_per_hour > y->verdict.rate_bytes_per_hour
			       ? -1
			       : 1;
	return (x->index > y->index) - (x->index < y->index);
}

size_t leak_rank(const struct leak_series *series, size_t n, double limit_bytes,
		 const struct leak_params *p, struct leak_suspect *out, size_t cap)
{
	struct leak_suspect *all = NULL;
	size_t count = 0, all_cap = 0;

	for (size_t i = 0; i < n; i++) {
		const struct leak_series *s = &series[i];
		struct leak_point *fl;
		struct leak_verdict v;
		size_t m;

		if (!s->n)
			continue;
		fl = xmalloc(s->n * sizeof(*fl));
		m = leak_floors(s->pts, s->n, NULL, 0, p, fl);
		leak_judge(fl, m, limit_bytes, p, &v);
		free(fl);
		if (v.state != LEAK_SUSPECT)
			continue;
		all = xgrow(all, &all_cap, count + 1, sizeof(*all));
		all[count].index = i;
		all[count].verdict = v;
		all[count].size_bytes = s->pts[s->n - 1].bytes;
		count++;
	}
	if (count)
		qsort(all, count, sizeof(*all), cmp_suspect);
	for (size_t i = 0; i < count && i < cap; i++)
		out[i] = all[i];
	free(all);
	return count;
}
