/* SPDX-License-Identifier: MIT */
/*
 * openmetrics: the state behind /metrics and the node_exporter families
 * (see openmetrics.h for the threads and what is exposed). vigil's own
 * families are in openmetrics_vigil.c, process groups and the top N in
 * openmetrics_proc.c, StatsD in openmetrics_statsd.c.
 *
 * A render copies the state under the lock and formats the copy, so the
 * sampler waits at most for a memcpy, never for a scrape.
 */
#include "analysis/openmetrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/openmetrics-internal.h"
#include "core/xalloc.h"

const char *metrics_content_type(enum metrics_format fmt)
{
	return fmt == METRICS_OPENMETRICS
		       ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
		       : "text/plain; version=0.0.4; charset=utf-8";
}

static void compile_regexes(struct metrics *m)
{
	size_t n = 0, k = 0;

	for (size_t i = 0; i < m->cfg.ngroups; i++)
		n += m->cfg.groups[i].nregexes;
	m->regex = n ? xcalloc(n, sizeof(*m->regex)) : NULL;
	for (size_t i = 0; i < m->cfg.ngroups; i++)
		for (size_t j = 0; j < m->cfg.groups[i].nregexes; j++, k++)
			/* checked by the parser: it compiles */
			if (regcomp(&m->regex[k], m->cfg.groups[i].regexes[j],
				    REG_EXTENDED | REG_NOSUB))
				regcomp(&m->regex[k], "$^", REG_EXTENDED | REG_NOSUB);
}

struct metrics *metrics_new(const struct metrics_config *cfg)
{
	struct metrics *m = xcalloc(1, sizeof(*m));
	struct metrics_config defaults;

	if (cfg) {
		om_config_copy(&m->cfg, cfg);
	} else {
		om_config_defaults(&defaults);
		m->cfg = defaults;
	}
	for (size_t i = 0; i < m->cfg.nbuckets; i++)
		m->bounds_ns[i] = (uint64_t)(m->cfg.buckets[i] * 1e9 + 0.5);
	m->clk_tck = sysconf(_SC_CLK_TCK);
	if (m->clk_tck <= 0)
		m->clk_tck = 100;
	compile_regexes(m);
	pthread_mutex_init(&m->lock, NULL);
	expo_init(&m->names, false);
	om_proc_init(m);
	return m;
}

void metrics_free(struct metrics *m)
{
	size_t k = 0;

	if (!m)
		return;
	for (size_t i = 0; i < m->cfg.ngroups; i++)
		for (size_t j = 0; j < m->cfg.groups[i].nregexes; j++)
			regfree(&m->regex[k++]);
	free(m->regex);
	om_proc_release(m);
	om_statsd_release(m);
	expo_release(&m->names);
	frame_unref(m->latest);
	pthread_mutex_destroy(&m->lock);
	om_config_release(&m->cfg);
	free(m);
}

/* Lock held: the alerts active now, from this frame's transitions. */
static void fold_alerts(struct metrics *m, const struct frame *f)
{
	for (size_t i = 0; i < f->nalerts; i++) {
		const struct alert_event *ev = &f->alerts[i];
		bool active = !strcmp(ev->state, "pending") ||
			      !strcmp(ev->state, "firing") || !strcmp(ev->state, "acked");
		size_t j;

		for (j = 0; j < m->nalerts; j++)
			if (!strcmp(m->alerts[j].rule, ev->rule))
				break;
		if (!active) {
			if (j < m->nalerts)
				m->alerts[j] = m->alerts[--m->nalerts];
			continue;
		}
		if (j == m->nalerts) {
			if (m->nalerts >= OM_ALERTS_MAX)
				continue;
			m->nalerts++;
		}
		snprintf(m->alerts[j].rule, sizeof(m->alerts[j].rule), "%s", ev->rule);
		snprintf(m->alerts[j].severity, sizeof(m->alerts[j].severity), "%s",
			 ev->severity);
		snprintf(m->alerts[j].state, sizeof(m->alerts[j].state), "%s", ev->state);
	}
}

/* Lock held: the target's run-queue wait, counting only steps forward (a
 * thread that exits takes its share out of the sum). */
static void fold_target(struct metrics *m, const struct frame *f)
{
	const struct target_sample *t = f->target;

	if (!t || !(t->have & TARGET_HAVE_SCHED))
		return;
	if (t->pid != m->runq_pid) {
		m->runq_pid = t->pid;
		m->runq_prev_ns = t->run_delay_ns;
		return;
	}
	if (t->run_delay_ns > m->runq_prev_ns)
		m->runq_wait_ns += t->run_delay_ns - m->runq_prev_ns;
	m->runq_prev_ns = t->run_delay_ns;
}

/* Lock held: the last leak verdict and JVM reading are the target's; they
 * go when it exits or another process is attached. A cgroup target (pid 0)
 * keys as -1: its verdict is on its memory.current. */
static void fold_heap(struct metrics *m, const struct frame *f)
{
	const struct target_sample *t = f->target;
	int pid = t && t->alive ? (t->is_cgroup ? -1 : t->pid) : 0;

	if (pid != m->heap_pid) {
		m->has_leak = m->has_jvm = false;
		m->heap_pid = pid;
	}
	if (!pid)
		return;
	if (f->leak) {
		m->leak = *f->leak;
		m->has_leak = true;
	}
	if (f->jvm) {
		m->jvm = *f->jvm;
		m->has_jvm = true;
	}
}

void metrics_update(struct metrics *m, struct frame *f)
{
	struct frame *old;

	frame_ref(f);
	pthread_mutex_lock(&m->lock);
	old = m->latest;
	m->latest = f;
	m->ticks++;
	m->cost_total_s += (double)f->cost_ns / 1e9;
	fold_heap(m, f);
	fold_alerts(m, f);
	fold_target(m, f);
	om_proc_update(m, f);
	if (f->app)
		om_statsd_update(m, f->app);
	pthread_mutex_unlock(&m->lock);
	frame_unref(old); /* outside the lock: it may free a whole frame */
}

void metrics_update_recorder(struct metrics *m, const struct metrics_recorder *r)
{
	pthread_mutex_lock(&m->lock);
	m->recorder = *r;
	m->has_recorder = true;
	pthread_mutex_unlock(&m->lock);
}

/* ---- the copy a render works on ---- */

static void *dup_array(const void *src, size_t n, size_t size)
{
	void *dst;

	if (!n)
		return NULL;
	dst = xmalloc(n * size);
	memcpy(dst, src, n * size);
	return dst;
}

static void view_take(struct om_view *v, struct metrics *m)
{
	memset(v, 0, sizeof(*v));
	v->m = m;
	pthread_mutex_lock(&m->lock);
	v->f = m->latest ? frame_ref(m->latest) : NULL;
	v->ticks = m->ticks;
	v->cost_total_s = m->cost_total_s;
	v->recorder = m->recorder;
	v->has_recorder = m->has_recorder;
	v->leak = m->leak;
	v->has_leak = m->has_leak;
	v->jvm = m->jvm;
	v->has_jvm = m->has_jvm;
	v->runq_wait_ns = m->runq_wait_ns;
	v->alerts = dup_array(m->alerts, m->nalerts, sizeof(*m->alerts));
	v->nalerts = m->nalerts;
	v->groups = dup_array(m->groups, m->cfg.ngroups, sizeof(*m->groups));
	v->top_cpu = dup_array(m->top_cpu, m->ntop_cpu, sizeof(*m->top_cpu));
	v->ntop_cpu = m->ntop_cpu;
	v->top_mem = dup_array(m->top_mem, m->ntop_mem, sizeof(*m->top_mem));
	v->ntop_mem = m->ntop_mem;
	v->families = dup_array(m->families, m->nfamilies, sizeof(*m->families));
	v->nfamilies = m->nfamilies;
	v->series = dup_array(m->series, m->nseries, sizeof(*m->series));
	v->nseries = m->nseries;
	v->statsd_packets = m->statsd_packets;
	v->statsd_lines = m->statsd_lines;
	v->statsd_dropped = m->statsd_dropped;
	memcpy(v->statsd_bad, m->statsd_bad, sizeof(v->statsd_bad));
	v->statsd_series_dropped = m->statsd_series_dropped;
	v->statsd_negative = m->statsd_negative;
	pthread_mutex_unlock(&m->lock);
}

static void view_release(struct om_view *v)
{
	frame_unref(v->f);
	free(v->alerts);
	free(v->groups);
	free(v->top_cpu);
	free(v->top_mem);
	free(v->families);
	free(v->series);
}

/* ---- node_exporter's families ---- */

static double ticks_s(const struct om_view *v, uint64_t ticks)
{
	return (double)ticks / (double)v->m->clk_tck;
}

static void render_cpu(struct expo *e, const struct om_view *v)
{
	static const char *const modes[] = {"user",   "nice", "system",	 "idle",
					    "iowait", "irq",  "softirq", "steal"};
	const struct sys_sample *s = &v->f->sys;

	if (!(s->have & SYS_HAVE_STAT) || !s->ncores ||
	    !expo_family(e, "node_cpu_seconds", EXPO_COUNTER, "seconds",
			 "CPU time per core and mode, from /proc/stat."))
		return;
	for (size_t i = 0; i < s->ncores; i++) {
		const struct cpu_times *t = &s->cores[i].t;
		const uint64_t ticks[] = {t->user,   t->nice, t->system,  t->idle,
					  t->iowait, t->irq,  t->softirq, t->steal};
		char cpu[16];

		snprintf(cpu, sizeof(cpu), "%d", s->cores[i].cpu);
		for (size_t k = 0; k < sizeof(modes) / sizeof(modes[0]); k++) {
			struct expo_label l[] = {{"cpu", cpu}, {"mode", modes[k]}};

			expo_sample(e, "", l, 2, ticks_s(v, ticks[k]));
		}
	}
}

/* A family of one sample without labels. */
static void single(struct expo *e, const char *name, enum expo_type t, const char *unit,
		   const char *help, double value)
{
	if (expo_family(e, name, t, unit, help))
		expo_sample(e, "", NULL, 0, value);
}

static void render_memory(struct expo *e, const struct sys_sample *s)
{
	const struct {
		const char *field;
		uint64_t bytes;
	} fields[] = {
		{"MemTotal", s->mem_total},
		{"MemFree", s->mem_free},
		{"MemAvailable", s->mem_available},
		{"Buffers", s->buffers},
		{"Cached", s->cached},
		{"SwapTotal", s->swap_total},
		{"SwapFree", s->swap_free},
	};

	if (!(s->have & SYS_HAVE_MEMINFO))
		return;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		char name[64], help[96];

		snprintf(name, sizeof(name), "node_memory_%s_bytes", fields[i].field);
		snprintf(help, sizeof(help), "%s from /proc/meminfo, in bytes.",
			 fields[i].field);
		single(e, name, EXPO_GAUGE, "bytes", help, (double)fields[i].bytes);
	}
}

static void render_stat(struct expo *e, const struct om_view *v)
{
	const struct sys_sample *s = &v->f->sys;

	if (s->have & SYS_HAVE_LOADAVG) {
		single(e, "node_load1", EXPO_GAUGE, "", "Load average over 1 minute.",
		       s->load1);
		single(e, "node_load5", EXPO_GAUGE, "", "Load average over 5 minutes.",
		       s->load5);
		single(e, "node_load15", EXPO_GAUGE, "", "Load average over 15 minutes.",
		       s->load15);
	}
	if (!(s->have & SYS_HAVE_STAT))
		return;
	single(e, "node_context_switches", EXPO_COUNTER, "",
	       "Context switches since boot.", (double)s->ctxt);
	single(e, "node_forks", EXPO_COUNTER, "",
	       "Processes and threads created since boot.", (double)s->forks);
	single(e, "node_procs_running", EXPO_GAUGE, "", "Tasks runnable now.",
	       s->procs_running);
	single(e, "node_procs_blocked", EXPO_GAUGE, "", "Tasks blocked on I/O now.",
	       s->procs_blocked);
	single(e, "node_boot_time_seconds", EXPO_GAUGE, "seconds",
	       "When the host booted, seconds since the epoch.", (double)s->boot_time_s);
}

static void render_pressure(struct expo *e, const struct sys_sample *s)
{
	static const char *const res[PSI_N] = {"cpu", "memory", "io"};

	for (int r = 0; r < PSI_N; r++) {
		const struct psi *p = &s->psi[r];
		char name[64], help[128];

		if (!p->present)
			continue;
		snprintf(name, sizeof(name), "node_pressure_%s_waiting_seconds", res[r]);
		snprintf(help, sizeof(help),
			 "Time some task was stalled waiting for %s (PSI some).",
			 r == PSI_CPU  ? "CPU time"
			 : r == PSI_IO ? "I/O"
				       : "memory");
		single(e, name, EXPO_COUNTER, "seconds", help,
		       (double)p->some.total_us / 1e6);
		if (!p->has_full)
			continue;
		snprintf(name, sizeof(name), "node_pressure_%s_stalled_seconds", res[r]);
		snprintf(help, sizeof(help),
			 "Time all non-idle tasks were stalled on %s at once (PSI full).",
			 res[r]);
		single(e, name, EXPO_COUNTER, "seconds", help,
		       (double)p->full.total_us / 1e6);
	}
}

/* node_exporter's default exclusion: RAM disks and loop devices */
static bool disk_shown(const struct disk_stat *d)
{
	return strncmp(d->name, "loop", 4) && strncmp(d->name, "ram", 3) &&
	       strncmp(d->name, "zram", 4);
}

static void render_disks(struct expo *e, const struct sys_sample *s)
{
	static const struct {
		const char *name, *unit, *help;
	} fam[] = {
		{"node_disk_reads_completed", "", "Reads the device completed."},
		{"node_disk_read_bytes", "bytes", "Bytes the device read."},
		{"node_disk_read_time_seconds", "seconds",
		 "Time reads took, summed over requests."},
		{"node_disk_writes_completed", "", "Writes the device completed."},
		{"node_disk_written_bytes", "bytes", "Bytes the device wrote."},
		{"node_disk_write_time_seconds", "seconds",
		 "Time writes took, summed over requests."},
		{"node_disk_io_time_seconds", "seconds",
		 "Time the device was busy with I/O."},
	};

	if (!(s->have & SYS_HAVE_DISKSTATS) || !s->ndisks)
		return;
	for (size_t k = 0; k < sizeof(fam) / sizeof(fam[0]); k++) {
		if (!expo_family(e, fam[k].name, EXPO_COUNTER, fam[k].unit, fam[k].help))
			continue;
		for (size_t i = 0; i < s->ndisks; i++) {
			const struct disk_stat *d = &s->disks[i];
			const double val[] = {
				(double)d->reads,
				(double)d->read_sectors * 512,
				(double)d->read_ms / 1e3,
				(double)d->writes,
				(double)d->write_sectors * 512,
				(double)d->write_ms / 1e3,
				(double)d->io_ms / 1e3,
			};
			struct expo_label l = {"device", d->name};

			if (disk_shown(d))
				expo_sample(e, "", &l, 1, val[k]);
		}
	}
}

static void render_nets(struct expo *e, const struct sys_sample *s)
{
	static const char *const fam[] = {
		"node_network_receive_bytes",  "node_network_receive_packets",
		"node_network_receive_errs",   "node_network_receive_drop",
		"node_network_transmit_bytes", "node_network_transmit_packets",
		"node_network_transmit_errs",  "node_network_transmit_drop",
	};

	if (!(s->have & SYS_HAVE_NETDEV) || !s->nnets)
		return;
	for (size_t k = 0; k < sizeof(fam) / sizeof(fam[0]); k++) {
		char help[128];

		snprintf(help, sizeof(help), "%s of the interface, from /proc/net/dev.",
			 fam[k] + strlen("node_network_"));
		if (!expo_family(e, fam[k], EXPO_COUNTER, k % 4 ? "" : "bytes", help))
			continue;
		for (size_t i = 0; i < s->nnets; i++) {
			const struct net_stat *n = &s->nets[i];
			const uint64_t val[] = {n->rx_bytes, n->rx_packets, n->rx_errs,
						n->rx_drop,  n->tx_bytes,   n->tx_packets,
						n->tx_errs,  n->tx_drop};
			struct expo_label l = {"device", n->name};

			expo_sample(e, "", &l, 1, (double)val[k]);
		}
	}
}

/* node_exporter's schedstat collector: its names, help and cpu label. */
static void render_schedstat(struct expo *e, const struct sys_sample *s)
{
	static const struct {
		const char *name, *unit, *help;
	} fam[] = {
		{"node_schedstat_running_seconds", "seconds",
		 "Number of seconds CPU spent running a process."},
		{"node_schedstat_waiting_seconds", "seconds",
		 "Number of seconds spent by processing waiting for this CPU."},
		{"node_schedstat_timeslices", "",
		 "Number of timeslices executed by CPU."},
	};

	if (!(s->have & SYS_HAVE_SCHEDSTAT) || !s->nsched)
		return;
	for (size_t k = 0; k < sizeof(fam) / sizeof(fam[0]); k++) {
		if (!expo_family(e, fam[k].name, EXPO_COUNTER, fam[k].unit, fam[k].help))
			continue;
		for (size_t i = 0; i < s->nsched; i++) {
			const struct sched_cpu *c = &s->sched[i];
			const double val[] = {(double)c->run_ns / 1e9,
					      (double)c->wait_ns / 1e9,
					      (double)c->slices};
			char cpu[16];
			struct expo_label l = {"cpu", cpu};

			snprintf(cpu, sizeof(cpu), "%d", c->cpu);
			expo_sample(e, "", &l, 1, val[k]);
		}
	}
}

static void render_node(struct expo *e, const struct om_view *v)
{
	if (!v->f)
		return;
	render_cpu(e, v);
	render_memory(e, &v->f->sys);
	render_stat(e, v);
	render_pressure(e, &v->f->sys);
	render_disks(e, &v->f->sys);
	render_nets(e, &v->f->sys);
	render_schedstat(e, &v->f->sys);
}

int metrics_render(struct metrics *m, enum metrics_format fmt, char **body, size_t *len)
{
	struct om_view v;
	struct expo e;

	*body = NULL;
	*len = 0;
	if (fmt != METRICS_TEXT && fmt != METRICS_OPENMETRICS)
		return -1;
	view_take(&v, m);
	expo_init(&e, fmt == METRICS_OPENMETRICS);
	render_node(&e, &v);
	om_vigil_render(&e, &v);
	om_proc_render(&e, &v);
	om_cgroup_render(&e, &v);
	om_statsd_render(&e, &v);
	*body = expo_finish(&e, len);
	view_release(&v);
	return 0;
}
