/* SPDX-License-Identifier: MIT */
/*
 * app_rows: the application's own metrics (StatsD) in the session. The writer
 * stores each tick's timers as encoded histograms (core/hdr), counters and
 * gauges as values (gauges with their lowest and highest value in the tick),
 * and what the listener could not parse. Readers get percentiles over any
 * window by merging the per-tick histograms, never by averaging percentiles.
 *
 * Histograms hold nanoseconds; those written before schema 4 hold
 * microseconds and say so in their encoding, and read as the same values.
 *
 * Rates (per_s) are over the time the window actually covers for that
 * metric: from the start of the first tick in the window with a value of it
 * (one session interval before that tick, as its values arrived during that
 * interval) to the last tick recorded in the window. So a window that reaches
 * back before the session or before the application started sending does
 * not dilute the rate, and a window of one tick gives count / interval.
 */
#ifndef VIGIL_STORE_APP_ROWS_H
#define VIGIL_STORE_APP_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "core/appmetrics.h"
#include "core/hdr.h"
#include "store/series.h"
#include "store/store.h"

/* One timer over a window. Times in ms, to the nanosecond. */
struct timer_stat {
	char name[256];
	uint64_t count;
	uint64_t clamped; /* values above 1 h (HDR_MAX_NS), counted as 1 h */
	double p50_ms, p90_ms, p99_ms, p999_ms, max_ms, mean_ms;
	double per_s; /* values per second over the time covered (above) */
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

/*
 * One timer's histogram in each tick of t0 <= t_ms <= t1 that has values of
 * it, oldest first (for `vigil diff`'s bootstrap over ticks): (*out)[i] is a
 * compact histogram in ns (core/hdr.h), (*t_ms)[i] its tick's time. The
 * caller owns both arrays and each histogram: timer_ticks_free. A damaged
 * blob reads as an empty tick. 0 or -1.
 */
int query_timer_ticks(struct store *s, const char *name, int64_t t0, int64_t t1,
		      struct hdr ***out, int64_t **t_ms, size_t *n);
/* Frees what query_timer_ticks returned. NULLs are ignored. */
void timer_ticks_free(struct hdr **h, int64_t *t_ms, size_t n);

/* One counter or gauge over a window. */
struct app_value_stat {
	char name[256];
	char kind;	 /* APP_COUNTER or APP_GAUGE */
	uint64_t count;	 /* values received */
	double total;	 /* counters: the sum, sample rates applied */
	double per_s;	 /* counters: total per second of the time covered */
	double last;	 /* gauges: the value at the window's last tick with one */
	double min, max; /* gauges: lowest and highest value taken */
};

/*
 * Every counter and gauge with values in ticks t0 <= t_ms <= t1, counters
 * first, then gauges, each by name. *out is owned by the caller (free).
 * 0 or -1.
 */
int query_app_values(struct store *s, int64_t t0, int64_t t1, struct app_value_stat **out,
		     size_t *n);

/* A metric (name, kind) of the session, for listing. */
struct app_name {
	char name[256];
	char kind;
};

/* Every metric with values in the window, by kind (c, g, t) then name. */
int query_app_names(struct store *s, int64_t t0, int64_t t1, struct app_name **out,
		    size_t *n);

/* One metric in one tick (export). */
struct app_tick {
	int64_t t_ms;
	uint64_t count;	  /* values received (timers: histogram count) */
	double value;	  /* counters: sum; gauges: last value */
	double per_s;	  /* counters: sum per second of the session interval */
	double lo, hi;	  /* gauges: lowest and highest in the tick */
	uint64_t clamped; /* timers */
	double p50_ms, p90_ms, p99_ms, p999_ms, max_ms; /* timers */
};

/* Each tick of t0 <= t_ms <= t1 in which (name, kind) had values, oldest
 * first. *out is owned by the caller (free). 0 or -1. */
int query_app_ticks(struct store *s, const char *name, char kind, int64_t t0, int64_t t1,
		    struct app_tick **out, size_t *n);

/* Lines received and malformed (per reason) in a window. */
struct app_ingest {
	uint64_t packets, lines, dropped;
	uint64_t bad[APP_BAD_N];
};
int query_app_ingest(struct store *s, int64_t t0, int64_t t1, struct app_ingest *out);

#endif
