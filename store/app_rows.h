/* SPDX-License-Identifier: MIT */
/*
 * app_rows: the application's own metrics (StatsD) in the session. The writer
 * stores each tick's timers as encoded histograms (core/hdr), counters and
 * gauges as values, and what the listener could not parse. Readers get
 * percentiles over any window by merging the per-tick histograms, never by
 * averaging percentiles.
 */
#ifndef VIGIL_STORE_APP_ROWS_H
#define VIGIL_STORE_APP_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "core/appmetrics.h"
#include "store/query.h"
#include "store/store.h"

/* One timer over a window. Times in ms (the histograms hold us). */
struct timer_stat {
	char name[256];
	uint64_t count;
	double p50_ms, p90_ms, p99_ms, p999_ms, max_ms, mean_ms;
	double per_s; /* count divided by the window's span */
};

/*
 * Every timer with values in ticks t0 <= t_ms <= t1, by name, its
 * histograms merged. *out is owned by the caller (free). 0 or -1.
 */
int query_timers(struct store *s, int64_t t0, int64_t t1, struct timer_stat **out,
		 size_t *n);

/*
 * One timer's percentile pct (e.g. 99) per time bucket, as query_series does
 * for the built-in metrics (min = avg = max = the bucket's percentile, ms).
 */
int query_timer_series(struct store *s, const char *name, double pct, int64_t t0,
		       int64_t t1, size_t npoints, struct series *out);

/* Lines received and malformed (per reason) in a window. */
struct app_ingest {
	uint64_t packets, lines, dropped;
	uint64_t bad[APP_BAD_N];
};
int query_app_ingest(struct store *s, int64_t t0, int64_t t1, struct app_ingest *out);

#endif
