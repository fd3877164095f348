/* SPDX-License-Identifier: MIT */
/*
 * appmetrics: one tick of application metrics received over StatsD, as it
 * travels inside a frame. The statsd collector builds it; the store writes
 * it (app_metrics, app_samples, app_ingest); views read it.
 *
 * Invariants:
 * - Immutable once handed out: nothing changes it after statsd_take(), so
 *   any thread may read it; the owner frees it with app_metrics_free().
 * - metrics[] holds every metric that received at least one valid value in
 *   the tick, sorted by (name, kind) with strcmp order, no duplicates.
 * - A metric's identity is its key, the name followed, when the line had
 *   DogStatsD tags, by '#' and the tags sorted bytewise, duplicates removed,
 *   joined by ',':   "api.request#env:prod,host:a"   ("api.request" untagged).
 *   Names never contain '#', so the key splits unambiguously at the first '#'.
 *   The same key with two kinds is two metrics.
 * - kind: APP_TIMER ('t': StatsD ms, h and d), APP_COUNTER ('c'), APP_GAUGE ('g').
 * - count is the number of values received in the tick, not corrected for
 *   sample rates (a packed "x:1:2:3|ms" counts 3). value is the counter sum
 *   corrected for sample rates (each value divided by its rate), or the
 *   gauge's value at the end of the tick; 0 for timers. lo and hi are the
 *   gauge's lowest and highest value in the tick (value for the others).
 *   hist (timers only, NULL otherwise) is a compact core/hdr histogram of
 *   the values in nanoseconds, each occurring 1/rate times (so
 *   hdr_count(hist) >= count when rates below 1 were sent); values above
 *   its 1 h are counted there as clamped (hdr_clamped).
 * - lines counts every non-empty line received, good or bad; bad[] counts
 *   the lines rejected, per reason; dropped counts datagrams the kernel
 *   dropped because the socket buffer was full.
 */
#ifndef VIGIL_CORE_APPMETRICS_H
#define VIGIL_CORE_APPMETRICS_H

#include <stddef.h>
#include <stdint.h>

struct hdr;

/* Distinct metrics a tick holds; lines of any further metric are refused
 * and counted as APP_BAD_TOO_MANY_METRICS (shown as a drop, not as
 * malformed). */
#define APP_METRICS_PER_TICK 1000

#define APP_TIMER 't'
#define APP_COUNTER 'c'
#define APP_GAUGE 'g'

/* Why a line was rejected. The names (app_bad_name) are the keys of the
 * JSON object in app_ingest.bad: stable, lowercase, never reordered. */
enum app_bad {
	APP_BAD_EMPTY_NAME,	  /* "" or ":1|c" */
	APP_BAD_NAME,		  /* control character, '#' or ' ' in the name */
	APP_BAD_NAME_TOO_LONG,	  /* name or key (name plus tags) over the limit */
	APP_BAD_VALUE,		  /* missing, empty, not a number, negative timer */
	APP_BAD_TYPE,		  /* missing or unknown |type */
	APP_BAD_RATE,		  /* |@rate not a number in (0, 1] */
	APP_BAD_TAGS,		  /* empty tag, control character, too many */
	APP_BAD_FIELD,		  /* unknown |field after the type */
	APP_BAD_UNSUPPORTED,	  /* sets (|s), events (_e), service checks (_sc) */
	APP_BAD_TOO_MANY_METRICS, /* over the per-tick limit of distinct metrics */
	APP_BAD_TRUNCATED,	  /* the cut last line of an oversized datagram */
	APP_BAD_N
};

struct app_metric {
	char *name; /* owned; the key described above */
	char kind;  /* APP_TIMER, APP_COUNTER, APP_GAUGE */
	uint64_t count;
	double value;
	double lo, hi;	  /* gauges: lowest and highest value in the tick */
	struct hdr *hist; /* owned; compact; timers only */
};

struct app_metrics {
	size_t n;
	struct app_metric *metrics; /* owned, n entries, sorted */
	uint64_t packets;	    /* datagrams received */
	uint64_t lines;		    /* non-empty lines, good and bad */
	uint64_t dropped;	    /* datagrams dropped by the kernel (SO_RXQ_OVFL) */
	uint64_t bad[APP_BAD_N];
};

/* An empty tick owned by the caller (app_metrics_free). Never NULL. */
struct app_metrics *app_metrics_new(void);
/* Frees m, its names and histograms. NULL is ignored. */
void app_metrics_free(struct app_metrics *m);

/* Binary search by key and kind; NULL when absent. */
const struct app_metric *app_metrics_find(const struct app_metrics *m, const char *name,
					  char kind);
/* Sum of bad[]. */
uint64_t app_metrics_bad_total(const struct app_metrics *m);
/* Sorts metrics[] into the documented order (for whoever fills one). */
void app_metrics_sort(struct app_metrics *m);

/* "empty_name", "bad_value", ...; NULL for an out-of-range reason. */
const char *app_bad_name(enum app_bad reason);

#endif
