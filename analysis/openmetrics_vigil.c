/* SPDX-License-Identifier: MIT */
/*
 * openmetrics_vigil: vigil's own families, under vigil_: the leak verdict
 * (a state set) with its rate, floor and limit, the target's run-queue
 * wait, a JVM target's generations and collections, the alerts active now
 * (like Prometheus' ALERTS: one series per pending, firing or acknowledged
 * rule, value 1, gone when it resolves), the recorder's health and the
 * StatsD listener's.
 */
#include <stdio.h>
#include <string.h>

#include "analysis/openmetrics-internal.h"

/* analysis/leak's states, in the order it escalates */
static const char *const leak_states[] = {"insufficient-data", "stable", "growing",
					  "leak-suspect"};
#define NLEAK (sizeof(leak_states) / sizeof(leak_states[0]))

static void single(struct expo *e, const char *name, enum expo_type t, const char *unit,
		   const char *help, double value)
{
	if (expo_family(e, name, t, unit, help))
		expo_sample(e, "", NULL, 0, value);
}

static void render_leak(struct expo *e, const struct om_view *v)
{
	const struct heap_verdict *l = &v->leak;
	struct expo_label src = {"source", l->source};
	size_t cur = NLEAK;

	if (!v->has_leak)
		return;
	for (size_t i = 0; i < NLEAK; i++)
		if (!strcmp(l->state, leak_states[i]))
			cur = i;
	if (expo_family(e, "vigil_leak_verdict", EXPO_STATESET, "",
			"The leak analysis' latest verdict on the target."))
		expo_stateset(e, &src, 1, leak_states, NLEAK, cur);
	if (expo_family(e, "vigil_leak_rate_bytes_per_second", EXPO_GAUGE, "",
			"How fast the target's memory floor rises, as the leak analysis "
			"last judged it."))
		expo_sample(e, "", &src, 1, l->rate_bytes_per_hour / 3600.0);
	if (expo_family(e, "vigil_leak_confidence_ratio", EXPO_GAUGE, "ratio",
			"The leak analysis' confidence in its verdict, 0 to 1."))
		expo_sample(e, "", &src, 1, l->confidence);
	if (expo_family(e, "vigil_leak_floor_bytes", EXPO_GAUGE, "bytes",
			"The target's latest memory floor (RssAnon + swap after the "
			"lows, or a JVM's old generation after collections)."))
		expo_sample(e, "", &src, 1, (double)l->floor_bytes);
	if (l->limit_bytes &&
	    expo_family(e, "vigil_leak_limit_bytes", EXPO_GAUGE, "bytes",
			"The limit the target's memory runs into (cgroup, MemTotal or "
			"the JVM's old generation maximum)."))
		expo_sample(e, "", &src, 1, (double)l->limit_bytes);
	if (l->time_to_limit_s >= 0 &&
	    expo_family(e, "vigil_leak_time_to_limit_seconds", EXPO_GAUGE, "seconds",
			"When the target reaches its limit at the rate seen."))
		expo_sample(e, "", &src, 1, l->time_to_limit_s);
}

static void render_target(struct expo *e, const struct om_view *v)
{
	const struct target_sample *t = v->f ? v->f->target : NULL;
	char pid[16];
	struct expo_label proc[] = {{"pid", pid}, {"comm", t ? t->comm : ""}};
	struct expo_label cg[] = {{"cgroup", t ? t->cgroup : ""}};
	/* a cgroup target (-c) is named by its path: it has no pid of its own */
	struct expo_label *l = t && t->is_cgroup ? cg : proc;
	size_t nl = t && t->is_cgroup ? 1 : 2;

	if (!t || !t->alive)
		return;
	snprintf(pid, sizeof(pid), "%d", t->pid);
	if ((t->have & TARGET_HAVE_SCHED) &&
	    expo_family(
		    e, "vigil_target_run_queue_wait_seconds", EXPO_COUNTER, "seconds",
		    "Time the target's threads spent runnable but waiting for a CPU."))
		expo_sample(e, "", l, nl, (double)v->runq_wait_ns / 1e9);
	if ((t->have & TARGET_HAVE_STATUS) &&
	    expo_family(e, "vigil_target_resident_memory_bytes", EXPO_GAUGE, "bytes",
			"The target's resident memory (a cgroup's: its processes' sum)."))
		expo_sample(e, "", l, nl, (double)t->vm_rss);
}

static void render_jvm(struct expo *e, const struct om_view *v)
{
	const struct jvm_sample *j = &v->jvm;
	static const char *const gen[] = {"young", "old", "metaspace"};
	static const char *const gc[] = {"young", "full", "concurrent"};
	const unsigned gen_have[] = {JVM_HAVE_YOUNG, JVM_HAVE_OLD, JVM_HAVE_META};
	const double used[] = {(double)j->young_used, (double)j->old_used,
			       (double)j->meta_used};
	const double cap[] = {(double)j->young_capacity, (double)j->old_capacity,
			      (double)j->meta_capacity};
	const double runs[] = {(double)j->young_gcs, (double)j->full_gcs,
			       (double)j->concurrent_gcs};
	const double secs[] = {j->young_gc_ms / 1e3, j->full_gc_ms / 1e3,
			       j->concurrent_gc_ms / 1e3};

	if (!v->has_jvm)
		return;
	if (expo_family(e, "vigil_jvm_memory_used_bytes", EXPO_GAUGE, "bytes",
			"The target JVM's heap generations, used."))
		for (int i = 0; i < 3; i++)
			if (j->have & gen_have[i])
				expo_sample(e, "", &(struct expo_label){"area", gen[i]},
					    1, used[i]);
	if (expo_family(e, "vigil_jvm_memory_capacity_bytes", EXPO_GAUGE, "bytes",
			"The target JVM's heap generations, committed."))
		for (int i = 0; i < 3; i++)
			if (j->have & gen_have[i])
				expo_sample(e, "", &(struct expo_label){"area", gen[i]},
					    1, cap[i]);
	if ((j->have & JVM_HAVE_OLD_MAX) &&
	    expo_family(e, "vigil_jvm_old_max_bytes", EXPO_GAUGE, "bytes",
			"The most the target JVM's old generation may grow to."))
		expo_sample(e, "", NULL, 0, (double)j->old_max);
	if (!(j->have & JVM_HAVE_GC))
		return;
	if (expo_family(e, "vigil_jvm_gc_collections", EXPO_COUNTER, "",
			"The target JVM's garbage collections."))
		for (int i = 0; i < 3; i++)
			if (i < 2 || (j->have & JVM_HAVE_CONCURRENT))
				expo_sample(e, "", &(struct expo_label){"gc", gc[i]}, 1,
					    runs[i]);
	if (expo_family(e, "vigil_jvm_gc_seconds", EXPO_COUNTER, "seconds",
			"Time the target JVM spent in garbage collections."))
		for (int i = 0; i < 3; i++)
			if (i < 2 || (j->have & JVM_HAVE_CONCURRENT))
				expo_sample(e, "", &(struct expo_label){"gc", gc[i]}, 1,
					    secs[i]);
}

static void render_alerts(struct expo *e, const struct om_view *v)
{
	if (!v->nalerts || !expo_family(e, "vigil_alert", EXPO_GAUGE, "",
					"Alert rules pending, firing or acked now (1), "
					"like Prometheus' ALERTS."))
		return;
	for (size_t i = 0; i < v->nalerts; i++) {
		const struct om_alert *a = &v->alerts[i];
		struct expo_label l[] = {{"rule", a->rule},
					 {"severity", a->severity},
					 {"state", a->state}};

		expo_sample(e, "", l, 3, 1);
	}
}

static void render_recorder(struct expo *e, const struct om_view *v)
{
	if (expo_family(e, "vigil_build", EXPO_INFO, "",
			"The vigil serving these figures."))
		expo_sample(e, "", &(struct expo_label){"version", VIGIL_VERSION}, 1, 1);
	single(e, "vigil_ticks", EXPO_COUNTER, "", "Ticks (frames) vigil sampled.",
	       (double)v->ticks);
	single(e, "vigil_tick_cost_seconds", EXPO_COUNTER, "seconds",
	       "CPU time the sampler spent collecting, all ticks together.",
	       v->cost_total_s);
	if (v->f)
		single(e, "vigil_last_tick_cost_seconds", EXPO_GAUGE, "seconds",
		       "What collecting the latest tick cost.",
		       (double)v->f->cost_ns / 1e9);
	if (!v->has_recorder)
		return;
	single(e, "vigil_ticks_written", EXPO_COUNTER, "",
	       "Ticks the recorder wrote to the session file.",
	       (double)v->recorder.written);
	single(e, "vigil_ticks_dropped", EXPO_COUNTER, "",
	       "Ticks the recorder dropped because the disk fell behind.",
	       (double)v->recorder.dropped);
	single(e, "vigil_write_errors", EXPO_COUNTER, "",
	       "Ticks the recorder failed to write.", (double)v->recorder.failed);
}

static void render_statsd_health(struct expo *e, const struct om_view *v)
{
	if (!v->f || !v->f->app)
		return; /* no listener */
	single(e, "vigil_statsd_packets", EXPO_COUNTER, "", "StatsD datagrams received.",
	       (double)v->statsd_packets);
	single(e, "vigil_statsd_lines", EXPO_COUNTER, "",
	       "StatsD lines received, good and bad.", (double)v->statsd_lines);
	single(e, "vigil_statsd_kernel_drops", EXPO_COUNTER, "",
	       "StatsD datagrams the kernel dropped (socket buffer full).",
	       (double)v->statsd_dropped);
	single(e, "vigil_statsd_series_dropped", EXPO_COUNTER, "",
	       "StatsD values left out: their series was over the limit of series kept.",
	       (double)v->statsd_series_dropped);
	single(e, "vigil_statsd_negative_counts", EXPO_COUNTER, "",
	       "StatsD counter ticks left out because they summed below zero.",
	       (double)v->statsd_negative);
	if (!expo_family(e, "vigil_statsd_bad_lines", EXPO_COUNTER, "",
			 "StatsD lines rejected, by reason."))
		return;
	for (int r = 0; r < APP_BAD_N; r++)
		expo_sample(e, "", &(struct expo_label){"reason", app_bad_name(r)}, 1,
			    (double)v->statsd_bad[r]);
}

void om_vigil_render(struct expo *e, const struct om_view *v)
{
	render_recorder(e, v);
	render_statsd_health(e, v);
	render_alerts(e, v);
	render_target(e, v);
	render_leak(e, v);
	render_jvm(e, v);
}
