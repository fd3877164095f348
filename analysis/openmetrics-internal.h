/* SPDX-License-Identifier: MIT */
/*
 * openmetrics-internal: what the files of the openmetrics room share (the
 * config, the state, and one render/update pair per kind of figure:
 * openmetrics.c the node and vigil families, openmetrics_proc.c process
 * groups and the top N, openmetrics_statsd.c StatsD). Not for other rooms.
 *
 * Locking: everything in struct metrics below `lock` is written by the
 * sampler thread (metrics_update) with the lock held, and copied by
 * metrics_render with the lock held. Strings an entry points to are never
 * changed or freed before metrics_free, so a copy of the entry may keep
 * pointing at them after the lock is released.
 */
#ifndef VIGIL_ANALYSIS_OPENMETRICS_INTERNAL_H
#define VIGIL_ANALYSIS_OPENMETRICS_INTERNAL_H

#include <pthread.h>
#include <regex.h>
#include <stdbool.h>

#include "analysis/exposition.h"
#include "analysis/openmetrics.h"

#define OM_GROUP_NAME_MAX 64
#define OM_STATSD_SERIES_MAX 4000 /* cumulative series kept; more are counted */
#define OM_ALERTS_MAX 256

struct om_group_cfg {
	char name[OM_GROUP_NAME_MAX];
	char **comms; /* owned */
	size_t ncomms;
	char **regexes; /* owned; POSIX ERE over the command line */
	size_t nregexes;
};

struct metrics_config {
	struct om_group_cfg *groups; /* owned */
	size_t ngroups;
	int top;
	double buckets[METRICS_BUCKETS_MAX]; /* seconds, ascending */
	size_t nbuckets;
	char prefix[32];
};

/* The defaults (no groups) into c. */
void om_config_defaults(struct metrics_config *c);
/* A deep copy of src into dst (groups and strings duplicated). */
void om_config_copy(struct metrics_config *dst, const struct metrics_config *src);
/* Frees what c owns, not c. */
void om_config_release(struct metrics_config *c);

/* ---- process groups and the top N ---- */

struct om_group {
	uint64_t cpu_ticks; /* cumulative, members that exited included */
	uint64_t procs, threads, rss, vsz;
	uint64_t states[5]; /* Running Sleeping Waiting Zombie Other */
	int64_t oldest_start_ms;
};

/* One process as the previous tick saw it: which group it is in. */
struct om_seen {
	int pid;
	int group; /* -1: none */
	uint64_t start_ticks, cpu_ticks;
};

struct om_top {
	int pid;
	uint64_t start_ticks, cpu_ticks, rss;
	char comm[FRAME_COMM_MAX];
};

/* ---- StatsD ---- */

struct om_family {
	char *name;   /* owned; sanitised, prefixed; a counter's without _total */
	char *source; /* owned; the StatsD name it came from (HELP) */
	char kind;
};

struct om_series {
	char *key; /* owned; the app_metric key */
	char kind;
	size_t family;		   /* index into families */
	struct expo_label *labels; /* owned, strings owned */
	size_t nlabels;
	uint64_t count; /* timers: values; counters: lines */
	double sum;	/* timers: nanoseconds (exact while whole); counters: the total */
	double value;	/* gauges: the latest */
	uint64_t le[METRICS_BUCKETS_MAX];
};

struct om_alert {
	char rule[160];
	char severity[12];
	char state[12];
};

struct metrics {
	struct metrics_config cfg;
	regex_t *regex; /* compiled cfg regexes, group by group, in order */
	uint64_t bounds_ns[METRICS_BUCKETS_MAX];
	long clk_tck;

	/* sampler thread only */
	struct om_seen *seen;
	size_t nseen, capseen;
	struct om_seen *seen_next;
	size_t capseen_next;
	const struct proc_row **best; /* 2 * cfg.top: the ranking of a tick */
	uint64_t runq_prev_ns;
	int runq_pid;
	int heap_pid;	   /* the target the leak verdict and JVM reading are of */
	struct expo names; /* StatsD family names claimed */

	pthread_mutex_t lock;
	struct frame *latest; /* a reference */
	uint64_t ticks;
	double cost_total_s;
	struct metrics_recorder recorder;
	bool has_recorder;
	struct heap_verdict leak;
	bool has_leak;
	struct jvm_sample jvm;
	bool has_jvm;
	uint64_t runq_wait_ns; /* the target's, positive steps only */
	struct om_alert alerts[OM_ALERTS_MAX];
	size_t nalerts;
	struct om_group *groups;	  /* cfg.ngroups */
	struct om_top *top_cpu, *top_mem; /* 2 * cfg.top each */
	size_t ntop_cpu, ntop_mem;
	struct om_family *families;
	size_t nfamilies, capfamilies;
	struct om_series *series; /* sorted by (key, kind) */
	size_t nseries, capseries;
	uint64_t statsd_packets, statsd_lines, statsd_dropped, statsd_bad[APP_BAD_N];
	uint64_t statsd_series_dropped;
	uint64_t statsd_negative; /* counter ticks left out: their sum was < 0 */
};

/* A copy of the state a render reads, taken under the lock. */
struct om_view {
	struct frame *f;   /* a reference, or NULL */
	struct metrics *m; /* the configuration and constants only */
	uint64_t ticks;
	double cost_total_s;
	struct metrics_recorder recorder;
	bool has_recorder;
	struct heap_verdict leak;
	bool has_leak;
	struct jvm_sample jvm;
	bool has_jvm;
	uint64_t runq_wait_ns;
	struct om_alert *alerts;
	size_t nalerts;
	struct om_group *groups;
	struct om_top *top_cpu, *top_mem;
	size_t ntop_cpu, ntop_mem;
	struct om_family *families;
	size_t nfamilies;
	struct om_series *series;
	size_t nseries;
	uint64_t statsd_packets, statsd_lines, statsd_dropped, statsd_bad[APP_BAD_N];
	uint64_t statsd_series_dropped;
	uint64_t statsd_negative;
};

/* openmetrics_proc.c: lock held for the shared parts */
void om_proc_init(struct metrics *m);
void om_proc_release(struct metrics *m);
void om_proc_update(struct metrics *m, const struct frame *f);
void om_proc_render(struct expo *e, const struct om_view *v);

/* openmetrics_vigil.c */
void om_vigil_render(struct expo *e, const struct om_view *v);

/* openmetrics_statsd.c */
void om_statsd_release(struct metrics *m);
void om_statsd_update(struct metrics *m, const struct app_metrics *app);
void om_statsd_render(struct expo *e, const struct om_view *v);

#endif
