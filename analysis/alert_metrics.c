/* SPDX-License-Identifier: MIT */
/*
 * alert_metrics: one table of the names answered from a frame, so that the
 * validator and the lookup cannot disagree, and the chained patterns beside
 * it. Rates come from (frame, previous frame), as the store derives them.
 */
#include "analysis/alert_metrics.h"

#include "analysis/alert_cgroup.h"

#include <stdint.h>
#include <string.h>

#include "core/iorates.h"
#include "core/rates.h"

enum metric_id {
	M_CPU_TOTAL,
	M_CPU_IOWAIT,
	M_CPU_STEAL,
	M_MEM_AVAILABLE,
	M_MEM_USED_PCT,
	M_SWAP_USED,
	M_LOAD1,
	M_LOAD5,
	M_LOAD15,
	M_PSI, /* resource, line and window come from the name */
	M_TARGET_CPU,
	M_TARGET_RSS,
	M_TARGET_ANON,
	M_TARGET_SWAP,
	M_TARGET_FDS,
	M_TARGET_THREADS,
	M_TARGET_ALIVE,
	M_DISK_READ,
	M_DISK_WRITE,
	M_DISK_UTIL,
	M_NET_RX,
	M_NET_TX,
};

struct metric_name {
	const char *name;
	enum metric_id id;
	enum rule_unit unit;
};

static const struct metric_name metrics[] = {
	{"cpu.total", M_CPU_TOTAL, RULE_UNIT_PERCENT},
	{"cpu.iowait", M_CPU_IOWAIT, RULE_UNIT_PERCENT},
	{"cpu.steal", M_CPU_STEAL, RULE_UNIT_PERCENT},
	{"mem.available", M_MEM_AVAILABLE, RULE_UNIT_BYTES},
	{"mem.used_pct", M_MEM_USED_PCT, RULE_UNIT_PERCENT},
	{"swap.used", M_SWAP_USED, RULE_UNIT_BYTES},
	{"load.1", M_LOAD1, RULE_UNIT_NUMBER},
	{"load.5", M_LOAD5, RULE_UNIT_NUMBER},
	{"load.15", M_LOAD15, RULE_UNIT_NUMBER},
	{"target.cpu", M_TARGET_CPU, RULE_UNIT_PERCENT},
	{"target.rss", M_TARGET_RSS, RULE_UNIT_BYTES},
	{"target.anon", M_TARGET_ANON, RULE_UNIT_BYTES},
	{"target.swap", M_TARGET_SWAP, RULE_UNIT_BYTES},
	{"target.fds", M_TARGET_FDS, RULE_UNIT_NUMBER},
	{"target.threads", M_TARGET_THREADS, RULE_UNIT_NUMBER},
	{"target.alive", M_TARGET_ALIVE, RULE_UNIT_NUMBER},
	{"disk.read_bytes", M_DISK_READ, RULE_UNIT_BYTES},
	{"disk.write_bytes", M_DISK_WRITE, RULE_UNIT_BYTES},
	{"disk.util", M_DISK_UTIL, RULE_UNIT_PERCENT},
	{"net.rx_bytes", M_NET_RX, RULE_UNIT_BYTES},
	{"net.tx_bytes", M_NET_TX, RULE_UNIT_BYTES},
};

static const char *const psi_res[PSI_N] = {"cpu", "memory", "io"};
static const char *const psi_windows[] = {"avg10", "avg60", "avg300"};

struct psi_name {
	enum psi_resource res;
	bool full;
	int window; /* index into psi_windows */
};

/* "psi.<res>.<some|full>.<window>" */
static bool psi_parse(const char *name, struct psi_name *out)
{
	const char *p;
	int r;

	if (strncmp(name, "psi.", 4))
		return false;
	p = name + 4;
	for (r = 0; r < PSI_N; r++) {
		size_t n = strlen(psi_res[r]);

		if (!strncmp(p, psi_res[r], n) && p[n] == '.') {
			p += n + 1;
			break;
		}
	}
	if (r == PSI_N)
		return false;
	out->res = (enum psi_resource)r;
	if (!strncmp(p, "some.", 5))
		out->full = false;
	else if (!strncmp(p, "full.", 5))
		out->full = true;
	else
		return false;
	p += 5;
	for (int w = 0; w < 3; w++) {
		if (!strcmp(p, psi_windows[w])) {
			out->window = w;
			return true;
		}
	}
	return false;
}

/* latency.timer.<name>.<stat>, the timer name non-empty; its unit in *unit. */
static bool latency_parse(const char *name, enum rule_unit *unit)
{
	static const char *const stats[] = {"p50", "p90", "p99", "p999", "max", "count"};
	static const char prefix[] = "latency.timer.";
	const char *timer = name + sizeof(prefix) - 1, *dot;

	if (strncmp(name, prefix, sizeof(prefix) - 1))
		return false;
	dot = strrchr(timer, '.');
	if (!dot || dot == timer)
		return false;
	for (size_t i = 0; i < sizeof(stats) / sizeof(stats[0]); i++) {
		if (!strcmp(dot + 1, stats[i])) {
			*unit = strcmp(stats[i], "count") ? RULE_UNIT_MS
							  : RULE_UNIT_NUMBER;
			return true;
		}
	}
	return false;
}

static bool chained_unit(const char *name, enum rule_unit *unit)
{
	if (!strcmp(name, "memory.verdict")) {
		*unit = RULE_UNIT_WORD;
		return true;
	}
	if (!strcmp(name, "target.run_wait_share") || !strcmp(name, "target.io_delay")) {
		*unit = RULE_UNIT_PERCENT;
		return true;
	}
	return latency_parse(name, unit);
}

bool alert_metrics_chained(const char *name)
{
	enum rule_unit unit;

	return chained_unit(name, &unit);
}

static const struct metric_name *metric_find(const char *name)
{
	for (size_t i = 0; i < sizeof(metrics) / sizeof(metrics[0]); i++)
		if (!strcmp(metrics[i].name, name))
			return &metrics[i];
	return NULL;
}

bool alert_metrics_name_valid(const char *name, enum rule_unit *unit)
{
	const struct metric_name *m = metric_find(name);
	struct psi_name psi;

	if (m) {
		*unit = m->unit;
		return true;
	}
	if (psi_parse(name, &psi)) {
		*unit = RULE_UNIT_PERCENT;
		return true;
	}
	if (alert_cgroup_name_valid(name, unit))
		return true;
	return chained_unit(name, unit);
}

/* ---- values ---- */

/* Share of the interval's ticks spent in one field, percent; -1 if unknown. */
static double cpu_share(const struct frame *cur, const struct frame *prev,
			enum metric_id id)
{
	const struct cpu_times *a, *b;
	uint64_t total_a, total_b, part_a, part_b;

	if (!prev || !(cur->sys.have & SYS_HAVE_STAT) ||
	    !(prev->sys.have & SYS_HAVE_STAT))
		return -1;
	a = &prev->sys.cpu;
	b = &cur->sys.cpu;
	if (id == M_CPU_TOTAL)
		return cpu_times_busy_pct(a, b); /* as the store and the console */
	total_a = cpu_times_total(a);
	total_b = cpu_times_total(b);
	switch (id) {
	case M_CPU_IOWAIT:
		part_a = a->iowait;
		part_b = b->iowait;
		break;
	default: /* M_CPU_STEAL */
		part_a = a->steal;
		part_b = b->steal;
		break;
	}
	/* unknown when no time passed, or counters from another boot */
	return rate_share_pct(part_b, part_a, total_b, total_a);
}

/* The target as one process across both frames, for target.cpu. */
static double target_cpu(const struct alert_metrics *m)
{
	const struct target_sample *a, *b;
	uint64_t ta, tb;
	double elapsed_s;

	if (!m->prev || !m->prev->target || m->clk_tck <= 0)
		return -1;
	a = m->prev->target;
	b = m->cur->target;
	if (!a->alive || !b->alive || a->pid != b->pid ||
	    a->start_ticks != b->start_ticks || !(a->have & TARGET_HAVE_STAT) ||
	    !(b->have & TARGET_HAVE_STAT))
		return -1;
	ta = a->utime + a->stime;
	tb = b->utime + b->stime;
	elapsed_s = (double)(m->cur->t_ms - m->prev->t_ms) / 1000.0;
	return rate_core_pct(tb, ta, m->clk_tck, elapsed_s);
}

static enum alert_lookup_rc number(struct alert_value *out, double v)
{
	out->is_word = false;
	out->number = v;
	return ALERT_VALUE;
}

static enum alert_lookup_rc psi_value(const struct sys_sample *s,
				      const struct psi_name *pn, struct alert_value *out)
{
	const struct psi *p = &s->psi[pn->res];
	const struct psi_line *line = pn->full ? &p->full : &p->some;
	const double w[] = {line->avg10, line->avg60, line->avg300};

	if (!p->present || (pn->full && !p->has_full))
		return ALERT_UNAVAILABLE;
	return number(out, w[pn->window]);
}

static enum alert_lookup_rc target_value(const struct alert_metrics *m, enum metric_id id,
					 struct alert_value *out)
{
	const struct target_sample *t = m->cur->target;
	double cpu;

	if (!t)
		return ALERT_UNAVAILABLE;
	if (id == M_TARGET_ALIVE)
		return number(out, t->alive ? 1 : 0);
	if (!t->alive)
		return ALERT_UNAVAILABLE;
	switch (id) {
	case M_TARGET_CPU:
		cpu = target_cpu(m);
		return cpu < 0 ? ALERT_UNAVAILABLE : number(out, cpu);
	case M_TARGET_RSS:
	case M_TARGET_ANON:
	case M_TARGET_SWAP:
		if (!(t->have & TARGET_HAVE_STATUS))
			return ALERT_UNAVAILABLE;
		return number(out, (double)(id == M_TARGET_RSS	  ? t->vm_rss
					    : id == M_TARGET_ANON ? t->rss_anon
								  : t->vm_swap));
	case M_TARGET_FDS:
		if (!(t->have & TARGET_HAVE_FDS))
			return ALERT_UNAVAILABLE;
		return number(out, t->fds);
	case M_TARGET_THREADS:
		if (!(t->have & TARGET_HAVE_STAT))
			return ALERT_UNAVAILABLE;
		return number(out, t->num_threads);
	default:
		return ALERT_UNAVAILABLE;
	}
}

/* Disk and network totals per second over the last interval. */
static enum alert_lookup_rc io_value(const struct alert_metrics *m, enum metric_id id,
				     struct alert_value *out)
{
	struct io_rates r;
	bool disk = id == M_DISK_READ || id == M_DISK_WRITE || id == M_DISK_UTIL;

	if (!m->prev)
		return ALERT_UNAVAILABLE;
	io_rates_between(&m->prev->sys, &m->cur->sys, m->cur->t_ms - m->prev->t_ms, &r);
	if (disk ? !r.disk_known : !r.net_known)
		return ALERT_UNAVAILABLE;
	switch (id) {
	case M_DISK_READ:
		return number(out, r.read_bps);
	case M_DISK_WRITE:
		return number(out, r.write_bps);
	case M_DISK_UTIL:
		return number(out, r.util_pct);
	case M_NET_RX:
		return number(out, r.rx_bps);
	default:
		return number(out, r.tx_bps);
	}
}

enum alert_lookup_rc alert_metrics_lookup(void *ctx, const char *name,
					  struct alert_value *out)
{
	const struct alert_metrics *m = ctx;
	const struct metric_name *mn = metric_find(name);
	const struct sys_sample *s;
	struct psi_name pn;
	double share;

	if (!mn && !psi_parse(name, &pn))
		return alert_cgroup_lookup(m ? m->cur : NULL, m ? m->prev : NULL, name,
					   out);
	if (!m || !m->cur)
		return ALERT_UNAVAILABLE;
	s = &m->cur->sys;
	if (!mn)
		return psi_value(s, &pn, out);

	switch (mn->id) {
	case M_CPU_TOTAL:
	case M_CPU_IOWAIT:
	case M_CPU_STEAL:
		share = cpu_share(m->cur, m->prev, mn->id);
		return share < 0 ? ALERT_UNAVAILABLE : number(out, share);
	case M_MEM_AVAILABLE:
	case M_MEM_USED_PCT:
	case M_SWAP_USED:
		if (!(s->have & SYS_HAVE_MEMINFO))
			return ALERT_UNAVAILABLE;
		if (mn->id == M_MEM_AVAILABLE)
			return number(out, (double)s->mem_available);
		if (mn->id == M_SWAP_USED)
			return number(out,
				      s->swap_free > s->swap_total
					      ? 0
					      : (double)(s->swap_total - s->swap_free));
		if (!s->mem_total || s->mem_available > s->mem_total)
			return ALERT_UNAVAILABLE;
		return number(out, 100.0 * (double)(s->mem_total - s->mem_available) /
					   (double)s->mem_total);
	case M_LOAD1:
	case M_LOAD5:
	case M_LOAD15:
		if (!(s->have & SYS_HAVE_LOADAVG))
			return ALERT_UNAVAILABLE;
		return number(out, mn->id == M_LOAD1   ? s->load1
				   : mn->id == M_LOAD5 ? s->load5
						       : s->load15);
	case M_PSI:
		return ALERT_UNAVAILABLE;
	case M_TARGET_CPU:
	case M_TARGET_RSS:
	case M_TARGET_ANON:
	case M_TARGET_SWAP:
	case M_TARGET_FDS:
	case M_TARGET_THREADS:
	case M_TARGET_ALIVE:
		return target_value(m, mn->id, out);
	case M_DISK_READ:
	case M_DISK_WRITE:
	case M_DISK_UTIL:
	case M_NET_RX:
	case M_NET_TX:
		return io_value(m, mn->id, out);
	}
	return ALERT_UNAVAILABLE;
}
