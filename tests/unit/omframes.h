/* SPDX-License-Identifier: MIT */
/*
 * omframes: frames built by hand for the /metrics tests: a host with two
 * cores, memory, load, PSI, a disk and an interface (sys_frame), a StatsD
 * tick (statsd_tick), and everything at once (full_frame: a target with a
 * leak verdict, a JVM, alerts, processes, StatsD), with full_metrics folding
 * two of them under a config with groups. Header-only (static inline),
 * included after <cmocka.h>.
 */
#ifndef VIGIL_TESTS_OMFRAMES_H
#define VIGIL_TESTS_OMFRAMES_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "analysis/openmetrics.h"
#include "core/hdr.h"
#include "core/xalloc.h"

/* Clock ticks a second, as the renderer divides by. */
static inline uint64_t om_hz(void)
{
	return (uint64_t)sysconf(_SC_CLK_TCK);
}

static inline struct frame *sys_frame(uint64_t seq)
{
	struct frame *f = frame_new();
	struct sys_sample *s = &f->sys;

	f->seq = seq;
	f->t_ms = 1700000000000 + (int64_t)seq * 1000;
	f->cost_ns = 2500000;
	s->have = SYS_HAVE_STAT | SYS_HAVE_MEMINFO | SYS_HAVE_LOADAVG |
		  SYS_HAVE_DISKSTATS | SYS_HAVE_NETDEV;
	s->ncores = 2;
	s->cores = xcalloc(2, sizeof(*s->cores));
	s->cores[0].cpu = 0;
	s->cores[0].t = (struct cpu_times){.user = 150 * om_hz(),
					   .system = 3 * om_hz(),
					   .idle = 1000 * om_hz()};
	s->cores[1].cpu = 2; /* cpu1 offline */
	s->cores[1].t = (struct cpu_times){.user = om_hz() / 2, .steal = 7};
	s->ctxt = 123456789;
	s->forks = 4242;
	s->procs_running = 3;
	s->procs_blocked = 1;
	s->boot_time_s = 1699990000;
	s->mem_total = 8ull << 30;
	s->mem_free = 1ull << 30;
	s->mem_available = 5ull << 30;
	s->buffers = 1000;
	s->cached = 2ull << 30;
	s->swap_total = 0;
	s->swap_free = 0;
	s->load1 = 0.5;
	s->load5 = 1.25;
	s->load15 = 2;
	s->psi[PSI_CPU] = (struct psi){.present = true, .some.total_us = 1500000};
	s->psi[PSI_MEMORY] = (struct psi){.present = true,
					  .has_full = true,
					  .some.total_us = 20,
					  .full.total_us = 10};
	s->ndisks = 2;
	s->disks = xcalloc(2, sizeof(*s->disks));
	snprintf(s->disks[0].name, FRAME_DEV_MAX, "sda");
	s->disks[0].reads = 10;
	s->disks[0].read_sectors = 8;
	s->disks[0].read_ms = 1500;
	s->disks[0].io_ms = 2000;
	snprintf(s->disks[1].name, FRAME_DEV_MAX, "loop0");
	s->nnets = 1;
	s->nets = xcalloc(1, sizeof(*s->nets));
	snprintf(s->nets[0].name, FRAME_DEV_MAX, "eth0");
	s->nets[0].rx_bytes = 1000;
	s->nets[0].tx_drop = 2;
	return f;
}

/* Not inlined: GCC 12 then takes the body for a pointer to its local. */
__attribute__((noinline, unused)) static char *render(struct metrics *m,
						      enum metrics_format fmt)
{
	char *body;
	size_t len;

	assert_int_equal(metrics_render(m, fmt, &body, &len), 0);
	assert_non_null(body);
	assert_int_equal(strlen(body), len);
	return body;
}
static inline void update_with(struct metrics *m, struct frame *f)
{
	metrics_update(m, f);
	frame_unref(f);
}

static inline struct app_metrics *statsd_tick(const char *timer, const uint64_t *ms, size_t n,
				       double counter, double gauge)
{
	struct app_metrics *a = app_metrics_new();
	struct hdr *h = hdr_new();

	for (size_t i = 0; i < n; i++)
		hdr_record(h, ms[i] * 1000000, 1);
	a->n = 3;
	a->metrics = xcalloc(3, sizeof(*a->metrics));
	a->metrics[0] = (struct app_metric){.name = xstrdup(timer),
					    .kind = APP_TIMER,
					    .count = n,
					    .hist = hdr_compact(h)};
	a->metrics[1] = (struct app_metric){.name = xstrdup("jobs.done"),
					    .kind = APP_COUNTER,
					    .count = 1,
					    .value = counter};
	a->metrics[2] = (struct app_metric){.name = xstrdup("queue.depth#env:prod"),
					    .kind = APP_GAUGE,
					    .value = gauge};
	app_metrics_sort(a);
	a->packets = 3;
	a->lines = 3 + 1;
	a->bad[APP_BAD_TYPE] = 1;
	hdr_free(h);
	return a;
}

static inline struct frame *full_frame(uint64_t seq)
{
	static const uint64_t ms[] = {1, 2, 3, 40, 900};
	struct frame *f = sys_frame(seq);
	struct target_sample *t = xcalloc(1, sizeof(*t));

	f->sys.psi[PSI_IO] = (struct psi){.present = true, .has_full = true};
	t->pid = 4242;
	t->alive = true;
	t->have = TARGET_HAVE_STAT | TARGET_HAVE_STATUS | TARGET_HAVE_SCHED;
	snprintf(t->comm, sizeof(t->comm), "we\"ird\\na\nme");
	t->vm_rss = 1 << 20;
	t->run_delay_ns = 1000000000 * (seq + 1);
	f->target = t;
	f->leak = xcalloc(1, sizeof(*f->leak));
	snprintf(f->leak->source, sizeof(f->leak->source), "rss");
	snprintf(f->leak->state, sizeof(f->leak->state), "growing");
	f->leak->rate_bytes_per_hour = 3600 * 1024;
	f->leak->confidence = 0.75;
	f->leak->floor_bytes = 5 << 20;
	f->leak->limit_bytes = 8ull << 30;
	f->leak->time_to_limit_s = 86400;
	f->jvm = xcalloc(1, sizeof(*f->jvm));
	f->jvm->have = JVM_HAVE_YOUNG | JVM_HAVE_OLD | JVM_HAVE_GC | JVM_HAVE_OLD_MAX;
	f->jvm->old_used = 100 << 20;
	f->jvm->old_max = 1ull << 30;
	f->jvm->full_gcs = 3;
	f->jvm->full_gc_ms = 250;
	f->nalerts = 1;
	f->alerts = xcalloc(1, sizeof(*f->alerts));
	snprintf(f->alerts[0].rule, sizeof(f->alerts[0].rule),
		 "target.rss > 1 GiB for 10s");
	snprintf(f->alerts[0].severity, sizeof(f->alerts[0].severity), "warning");
	snprintf(f->alerts[0].state, sizeof(f->alerts[0].state), "firing");
	f->procs.n = 3;
	f->procs.rows = xcalloc(3, sizeof(*f->procs.rows));
	for (int i = 0; i < 3; i++) {
		struct proc_row *r = &f->procs.rows[i];

		r->pid = 100 + i;
		r->state = "RSZ"[i];
		r->threads = 2;
		r->cpu_ticks = (uint64_t)(i + 1) * om_hz();
		r->start_ticks = 10;
		r->start_ms = 1700000000000 - i * 1000;
		r->rss_bytes = (uint64_t)(i + 1) << 20;
		r->vsz_bytes = (uint64_t)(i + 1) << 22;
		r->cpu_pct = i;
		snprintf(r->comm, sizeof(r->comm), i ? "postgres" : "nginx");
		r->cmdline = xstrdup(i ? "postgres: writer" : "nginx: worker");
	}
	f->app = statsd_tick("checkout.latency", ms, 5, 1, 2);
	return f;
}

static inline struct metrics *full_metrics(void)
{
	struct metrics_config *c;
	struct metrics *m;
	char err[256];

	assert_int_equal(metrics_config_parse("group db comm postgres\n"
					      "group web cmdline ^nginx\n"
					      "top 2\n",
					      "test", &c, err, sizeof(err)),
			 0);
	m = metrics_new(c);
	metrics_config_free(c);
	for (uint64_t seq = 0; seq < 2; seq++) {
		struct frame *f = full_frame(seq);

		metrics_update(m, f);
		frame_unref(f);
	}
	metrics_update_recorder(m,
				&(struct metrics_recorder){.written = 2, .dropped = 1});
	return m;
}

#endif
