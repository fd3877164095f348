/* SPDX-License-Identifier: MIT */
/*
 * scrapecost: what /metrics costs, without the HTTP side. Synthetic frames
 * like a busy host's (8 cores, 4 disks, 3 interfaces, 500 processes, 100
 * StatsD timers of 50 values a tick, 5 process groups by regex) go through
 * metrics_update as the sampler would send them, then metrics_render runs
 * in both formats. Prints the median CPU time (the calling thread's) as
 *
 *   scrape_update_us value us       (on the sampler thread, per tick)
 *   scrape_render_text_us value us  (on the server's thread, per scrape)
 *   scrape_render_om_us value us
 *   scrape_body_bytes value bytes   (text format)
 *
 *   scrapecost [TICKS]     default 60 ticks, then 100 renders per format
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/openmetrics.h"
#include "core/hdr.h"
#include "core/xalloc.h"

#define NPROCS 500
#define NTIMERS 100

static uint64_t rng = 88172645463325252ull;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int64_t thread_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static struct app_metrics *timers(void)
{
	struct app_metrics *a = app_metrics_new();
	struct hdr *h = hdr_new();

	a->n = NTIMERS;
	a->metrics = xcalloc(NTIMERS, sizeof(*a->metrics));
	for (int i = 0; i < NTIMERS; i++) {
		hdr_reset(h);
		for (int k = 0; k < 50; k++)
			hdr_record(h, 100000 + next_rand() % 500000000, 1);
		a->metrics[i].name = xasprintf("svc.endpoint%02d.latency#code:200,env:prod", i);
		a->metrics[i].kind = 't';
		a->metrics[i].count = 50;
		a->metrics[i].hist = hdr_compact(h);
	}
	app_metrics_sort(a);
	a->packets = a->lines = 50 * NTIMERS;
	hdr_free(h);
	return a;
}

static struct frame *busy_frame(uint64_t seq)
{
	static const char *const comms[] = {"postgres", "nginx", "java", "python3", "sshd",
					    "bash",	"redis",  "node", "kworker/0:1"};
	struct frame *f = frame_new();
	struct sys_sample *s = &f->sys;

	f->seq = seq;
	f->cost_ns = 2000000;
	s->have = SYS_HAVE_STAT | SYS_HAVE_MEMINFO | SYS_HAVE_LOADAVG | SYS_HAVE_DISKSTATS |
		  SYS_HAVE_NETDEV;
	s->ncores = 8;
	s->cores = xcalloc(8, sizeof(*s->cores));
	for (int c = 0; c < 8; c++) {
		s->cores[c].cpu = c;
		s->cores[c].t.user = 100000 + seq * 50;
		s->cores[c].t.idle = 900000 + seq * 50;
	}
	s->ndisks = 4;
	s->disks = xcalloc(4, sizeof(*s->disks));
	for (int d = 0; d < 4; d++)
		snprintf(s->disks[d].name, FRAME_DEV_MAX, "nvme%dn1", d);
	s->nnets = 3;
	s->nets = xcalloc(3, sizeof(*s->nets));
	for (int n = 0; n < 3; n++)
		snprintf(s->nets[n].name, FRAME_DEV_MAX, "eth%d", n);
	for (int r = 0; r < PSI_N; r++)
		s->psi[r].present = s->psi[r].has_full = true;
	f->procs.n = NPROCS;
	f->procs.rows = xcalloc(NPROCS, sizeof(*f->procs.rows));
	for (int i = 0; i < NPROCS; i++) {
		struct proc_row *p = &f->procs.rows[i];
		const char *comm = comms[i % 9];

		p->pid = 1000 + i;
		p->state = 'S';
		p->threads = 1 + i % 7;
		p->start_ticks = 100 + (uint64_t)i;
		p->cpu_ticks = seq * (uint64_t)(i % 13);
		p->cpu_pct = (double)(next_rand() % 1000) / 10;
		p->rss_bytes = (next_rand() % 4096) << 20;
		snprintf(p->comm, sizeof(p->comm), "%s", comm);
		p->cmdline = xasprintf("/usr/bin/%s --worker %d", comm, i);
	}
	f->app = timers();
	return f;
}

static int64_t median(int64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_i64);
	return v[n / 2];
}

int main(int argc, char **argv)
{
	int ticks = argc > 1 ? atoi(argv[1]) : 60;
	int64_t *cost = xcalloc((size_t)(ticks > 100 ? ticks : 100), sizeof(*cost));
	struct metrics_config *c;
	struct metrics *m;
	size_t len = 0;
	char err[256];

	if (ticks < 1)
		ticks = 1;
	if (metrics_config_parse("group db cmdline ^/usr/bin/(postgres|redis)\n"
				 "group web cmdline nginx|node\n"
				 "group jvm comm java\n"
				 "group py cmdline python3 .*--worker [0-9]+$\n"
				 "group shell comm bash sshd\n",
				 "bench", &c, err, sizeof(err)) < 0) {
		fprintf(stderr, "scrapecost: %s\n", err);
		return 1;
	}
	m = metrics_new(c);
	metrics_config_free(c);
	for (int t = 0; t < ticks; t++) {
		struct frame *f = busy_frame((uint64_t)t);
		int64_t t0 = thread_ns();

		metrics_update(m, f);
		cost[t] = thread_ns() - t0;
		frame_unref(f);
	}
	printf("scrape_update_us %.1f us\n", (double)median(cost, (size_t)ticks) / 1e3);
	for (int fmt = 0; fmt < 2; fmt++) {
		for (int i = 0; i < 100; i++) {
			int64_t t0 = thread_ns();
			char *body;

			metrics_render(m, fmt ? METRICS_OPENMETRICS : METRICS_TEXT, &body, &len);
			cost[i] = thread_ns() - t0;
			free(body);
			if (!fmt && !i)
				printf("scrape_body_bytes %zu bytes\n", len);
		}
		printf("scrape_render_%s_us %.1f us\n", fmt ? "om" : "text",
		       (double)median(cost, 100) / 1e3);
	}
	metrics_free(m);
	free(cost);
	return 0;
}
