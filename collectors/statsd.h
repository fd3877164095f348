/* SPDX-License-Identifier: MIT */
/*
 * statsd: the StatsD/DogStatsD collector. Applications send metrics over UDP
 * (default 127.0.0.1:8125); a listener thread parses every datagram into the
 * current tick's table, and the sampler takes the finished tick once per
 * tick as a struct app_metrics (core/appmetrics.h), which travels in the
 * frame. Three layers, each usable alone:
 *
 * 1. statsd_parse_line(): a pure parser of one line, no allocation.
 * 2. struct statsd_agg: the per-tick table (used by the listener, the bench
 *    and the fuzzer without any socket).
 * 3. struct statsd: the UDP socket and the "vigil-statsd" thread.
 *
 * Accepted line forms (one per '\n'; a '\r' before it and blank lines are
 * ignored; blank lines are not counted):
 *
 *     name:value|type[|@rate][|#tag,key:value,...][|c:container][|Tts]
 *     name:v1:v2:v3|type...        packed values, all of one type
 *
 * type is ms, h or d (timers: the value is in milliseconds, fractional
 * allowed, not negative; stored in microseconds, rounded to nearest), c
 * (counter: signed, fractional allowed; summed, each value divided by the
 * rate), g (gauge: a plain value sets it, a value with a leading '+' or '-'
 * moves it from its last value, remembered across ticks). Sets (s), events
 * (_e{...}) and service checks (_sc|...) are counted as "unsupported".
 * A sample rate, when given, must lie in (0, 1]; counters scale by 1/rate,
 * timers count every value 1/rate times, carrying the fraction over to the
 * next value of the same metric (3 values at @0.3 count 10 times, not 9);
 * gauges ignore it. The container (c:) and timestamp (T) fields of DogStatsD
 * are accepted and ignored.
 *
 * Numbers are parsed without the C library (immune to the locale, no
 * "nan", "inf" or hex): [+-]digits[.digits][(e|E)[+-]digits].
 *
 * Names: 1..STATSD_NAME_MAX bytes, no control characters, ' ' or '#'.
 * Tags: 1..STATSD_TAGS_MAX non-empty tags without control characters.
 *
 * Malformed input never crashes and never half-applies a line: each bad line
 * is counted under one enum app_bad reason, the first problem found in the
 * order name, type, values, fields (so "users:alice|s" is "unsupported",
 * not a bad value).
 */
#ifndef VIGIL_COLLECTORS_STATSD_H
#define VIGIL_COLLECTORS_STATSD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/appmetrics.h"

#define STATSD_DEFAULT_ADDR "127.0.0.1:8125"
#define STATSD_NAME_MAX 200			/* bytes of a name, tags not included */
#define STATSD_KEY_MAX 1000			/* bytes of the key: name, '#', tags */
#define STATSD_TAGS_MAX 32			/* tags on one line */
#define STATSD_MAX_METRICS APP_METRICS_PER_TICK /* by default */
#define STATSD_RCVBUF (8u << 20)  /* socket buffer asked for (capped by rmem_max) */
#define STATSD_DATAGRAM_MAX 65536 /* longer datagrams are cut and counted */

struct statsd_tag {
	const char *text; /* points into the parsed line */
	size_t len;
};

/* One parsed line; every pointer points into the line given to the parser. */
struct statsd_line {
	const char *name;
	size_t name_len;
	const char *values; /* "1:2.5:3", every value checked */
	size_t values_len;
	size_t nvalues;
	char kind;   /* APP_TIMER, APP_COUNTER, APP_GAUGE */
	double rate; /* (0, 1]; 1 when absent */
	size_t ntags;
	struct statsd_tag tags[STATSD_TAGS_MAX]; /* sorted bytewise, no duplicates */
	enum app_bad bad;			 /* the reason, after a -1 */
};

/*
 * Parses line[0..len) (no newline; need not be NUL-terminated). Returns 0
 * and fills *out; 1 for an empty line (nothing to count); or -1 with
 * out->bad set to the reason. Never reads outside the given bytes.
 */
int statsd_parse_line(const char *line, size_t len, struct statsd_line *out);

/*
 * Walks the values of a parsed line: start with *pos = 0; each call gives
 * the next value and whether it carried a sign (a gauge delta). Returns false
 * after the last one. Timer values are in milliseconds.
 */
bool statsd_line_value(const struct statsd_line *l, size_t *pos, double *value,
		       bool *has_sign);

/*
 * Writes the metric key of l (see core/appmetrics.h) NUL-terminated into
 * buf. Returns its length, or 0 when it does not fit in cap bytes.
 */
size_t statsd_line_key(const struct statsd_line *l, char *buf, size_t cap);

/* ---- the per-tick table ---- */

struct statsd_agg;

/* One received datagram, as given to statsd_agg_ingest. */
struct statsd_packet {
	const char *buf;
	size_t len;
	bool truncated; /* the datagram was longer than buf: its last line is cut */
};

/*
 * A table for at most max_metrics distinct metrics per tick (0 means
 * STATSD_MAX_METRICS), owned by the caller (statsd_agg_free). Never NULL.
 * Values need no allocation once their metric exists in the tick; a new
 * metric allocates its key and, for a timer, takes a histogram from a pool
 * that keeps the last tick's histograms.
 */
struct statsd_agg *statsd_agg_new(size_t max_metrics);
void statsd_agg_free(struct statsd_agg *a);

/*
 * Adds n datagrams and kernel_drops newly dropped datagrams to the current
 * tick. Safe to call from one thread while another calls statsd_agg_take;
 * the table lock is held for the whole call, so keep batches short.
 */
void statsd_agg_ingest(struct statsd_agg *a, const struct statsd_packet *pkts, size_t n,
		       uint64_t kernel_drops);

/*
 * Hands the current tick out and starts a new one. The result is owned by
 * the caller (app_metrics_free) and immutable. The table lock is held only
 * to swap two tables; building the result happens outside it.
 */
struct app_metrics *statsd_agg_take(struct statsd_agg *a);

#endif
