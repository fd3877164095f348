/* SPDX-License-Identifier: MIT */
/*
 * openmetrics: what GET /metrics says, in the Prometheus text format 0.0.4 or
 * OpenMetrics 1.0.0, made from published frames. /metrics is one more
 * consumer of frames: it never collects on its own and never blocks a tick.
 *
 * Two sides, two threads:
 * - metrics_update (the sampler thread, once per published frame) keeps a
 *   reference to the latest frame and folds it into the few things a single
 *   frame cannot say: StatsD timers, counters and gauges cumulative since
 *   start, process groups' CPU including members that exited, the top-N
 *   process set, the last leak verdict and JVM reading, the alerts active
 *   now. It is cheap (no allocation in the steady state, no regex for a
 *   process seen before) and holds the lock only while it writes.
 * - metrics_render (any thread, each scrape) copies that state under the
 *   same lock (a memcpy of flat arrays and one frame_ref), releases it, and
 *   formats outside it: a slow scrape never delays a tick.
 *
 * What is exposed (docs: README "Fleet"):
 * - node_exporter's names, labels and units where it has the figure:
 *   node_cpu_seconds_total{cpu,mode}, node_memory_<Field>_bytes, node_load1,
 *   node_load5, node_load15, node_pressure_<res>_{waiting,stalled}_seconds_total,
 *   node_context_switches_total, node_forks_total, node_procs_running,
 *   node_procs_blocked, node_boot_time_seconds, node_disk_*{device},
 *   node_network_*{device}.
 * - process-exporter's namedprocess_namegroup_* {groupname} for the groups
 *   of the config, and vigil_process_* {pid,comm} for the top N processes by
 *   CPU and by resident memory (at most 2N series each: a process enters in
 *   the top N and leaves below the top 2N, or when it exits).
 * - vigil's own figures under vigil_ (leak verdict as a state set, leak rate,
 *   floor, run-queue wait, JVM generations and collections, alerts active
 *   like Prometheus' ALERTS, the recorder's health).
 * - StatsD metrics under a prefix (default "statsd_"): timers as histograms
 *   in seconds, counters as _total, gauges; cumulative since start.
 *
 * Every family has HELP and TYPE (and UNIT in OpenMetrics when it has one),
 * base units, _total on counters, escaped label values, no duplicate family;
 * OpenMetrics ends with "# EOF". Nothing here does I/O but
 * metrics_config_load, which reads its one file.
 */
#ifndef VIGIL_ANALYSIS_OPENMETRICS_H
#define VIGIL_ANALYSIS_OPENMETRICS_H

#include <stddef.h>
#include <stdint.h>

#include "core/frame.h"

enum metrics_format {
	METRICS_TEXT,	     /* Prometheus text 0.0.4: text/plain; version=0.0.4 */
	METRICS_OPENMETRICS, /* application/openmetrics-text; version=1.0.0 */
};

/* The Content-Type header a body of format fmt goes with. Static. */
const char *metrics_content_type(enum metrics_format fmt);

/*
 * The configuration: process groups, top N, StatsD buckets and prefix.
 * The file format (one setting a line, '#' comments):
 *
 *     group NAME comm COMM...        processes whose comm is one of these
 *     group NAME cmdline REGEX       whose command line matches (POSIX ERE)
 *     top N                          top processes by CPU and by memory (10; 0 none)
 *     statsd-buckets SECONDS...      timer bucket bounds, ascending (Prometheus'
 *                                    defaults 0.005 .. 10)
 *     statsd-prefix PREFIX           name prefix of StatsD metrics ("statsd_";
 *                                    "none" for no prefix)
 *
 * A group may have several lines (any of them matches); a process joins the
 * first group, in file order, that matches it.
 */
struct metrics_config;

#define METRICS_GROUPS_MAX 64
#define METRICS_BUCKETS_MAX 32
#define METRICS_TOP_MAX 100

/*
 * Parses config text (name names it in errors). Returns 0 and a config owned
 * by the caller (metrics_config_free), or -1 with err ("FILE:LINE: what is
 * wrong") and *out NULL.
 */
int metrics_config_parse(const char *text, const char *name, struct metrics_config **out,
			 char *err, size_t errlen);
/* Reads path and parses it; -1 with err ("cannot read 'FILE': why") too. */
int metrics_config_load(const char *path, struct metrics_config **out, char *err,
			size_t errlen);
/* NULL is ignored. */
void metrics_config_free(struct metrics_config *c);

struct metrics;

/*
 * A metrics state owned by the caller (metrics_free). cfg is copied (NULL:
 * the defaults: no groups, top 10, Prometheus' default buckets, "statsd_").
 * Never NULL.
 */
struct metrics *metrics_new(const struct metrics_config *cfg);
/* Drops the latest frame's reference too. NULL is ignored. */
void metrics_free(struct metrics *m);

/*
 * Sampler thread, each published frame (after the leak analysis and the
 * alert rules ran on it, so its verdict and transitions are in it): keeps a
 * reference to f and folds it into the accumulators. One thread only.
 */
void metrics_update(struct metrics *m, struct frame *f);

/* The recorder's own health, which is not in a frame (the store writer's
 * counters). Any one thread; cumulative values, as the writer keeps them. */
struct metrics_recorder {
	uint64_t written, dropped, failed; /* frames */
};
void metrics_update_recorder(struct metrics *m, const struct metrics_recorder *r);

/*
 * Any thread, any number at once: renders everything known now. *body is
 * malloc'd (the caller frees it), *len its length (it is also NUL-terminated).
 * Before the first frame the body holds vigil's own families only, still a
 * valid exposition. Returns 0, or -1 (nothing allocated, *body NULL) for a
 * format it does not know.
 */
int metrics_render(struct metrics *m, enum metrics_format fmt, char **body, size_t *len);

#endif
