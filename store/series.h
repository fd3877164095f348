/* SPDX-License-Identifier: MIT */
/*
 * series: the named metrics of a session ("cpu.total", "target.rss", ...)
 * and their values over a window of time, downsampled for a graph or a
 * report line. The application's own timers have their series in
 * store/app_rows.h, in the same struct series.
 *
 * Invariants:
 * - Times are ms since the epoch; a window t0..t1 includes both ends.
 * - Rates and percentages are derived here from consecutive stored ticks,
 *   never stored. A value that was not read is absent from results, never 0.
 * - Each call reads one consistent snapshot, also while another process is
 *   still writing the file. A file older than a metric's columns has no
 *   values of it (an empty series, not an error).
 * - On failure a call returns -1 and store_error(s) says why; outputs are
 *   then left empty (nothing to release).
 */
#ifndef VIGIL_STORE_SERIES_H
#define VIGIL_STORE_SERIES_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct series_point {
	int64_t t_ms; /* time of the first tick with a value in it */
	double min, avg, max;
	uint64_t n; /* values in the bucket */
};

struct series {
	size_t n;
	struct series_point *points; /* owned; series_release frees */
};

/* Frees the points; s may be reused. */
void series_release(struct series *s);

/*
 * Values of metric over the ticks with t0 <= t_ms <= t1, downsampled in SQL
 * into at most npoints equal-width time buckets over [t0, t1], in time order.
 * Buckets without a value are omitted; npoints == 1 gives the aggregates of
 * the whole window. Rates come from consecutive ticks inside the window, so
 * its first tick has none. Buckets of two minutes or more are built from the
 * per-minute rollups on a reader. *out is overwritten (release it first if
 * reused) and owned by the caller. Returns 0, or -1 (unknown metric "unknown
 * metric 'x'", npoints == 0, SQL failure).
 */
int query_series(struct store *s, const char *metric, int64_t t0, int64_t t1,
		 size_t npoints, struct series *out);

/*
 * NULL-terminated list of the metric names query_series knows. Static.
 * query_series also takes a device's own "disk.DEV.FIELD" and
 * "net.IFACE.FIELD" for every "disk.FIELD" and "net.FIELD" of the list
 * (store/dev_rows.h lists a window's devices); those are not listed here.
 */
const char *const *query_metric_names(void);
/* The unit of a metric ("%", "bytes", "bytes/s", "/s", "ms", ""), NULL if
 * unknown. Static. */
const char *query_metric_unit(const char *metric);

#endif
