/* SPDX-License-Identifier: MIT */
/*
 * gensession: writes a synthetic session for the replay benchmarks, through
 * the real store writer (so the file is exactly what `vigil record` makes):
 * a given number of 1 s ticks of a 2-CPU machine with ~400 processes, a few
 * of them busy each tick, some exiting and new ones starting every 10
 * minutes, and a target with 8 threads. Deterministic (fixed seed).
 *
 *   gensession FILE [TICKS [START_MS]]   default 86400 (24 hours) ending now;
 *                                        START_MS places it (hourly files of a
 *                                        daemon directory, bench/history.sh)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/xalloc.h"
#include "store/store.h"

#define NPROCS 400
#define NTHREADS 8

static uint64_t rng = 88172645463325252ull;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

struct model {
	struct proc_row procs[NPROCS];
	struct cpu_times cpu[2];
	struct target_sample target;
	struct thread_sample threads[NTHREADS];
	int next_pid;
};

static void new_proc(struct model *m, int i, uint64_t tick)
{
	struct proc_row *r = &m->procs[i];

	memset(r, 0, sizeof(*r));
	r->pid = m->next_pid++;
	r->ppid = 1;
	r->state = 'S';
	r->threads = 1 + (int)(next_rand() % 4);
	r->start_ticks = 100000 + tick * 100;
	r->rss_bytes = (1 + next_rand() % 200) << 20;
	r->vsz_bytes = r->rss_bytes * 3;
	snprintf(r->comm, sizeof(r->comm), "proc%d", r->pid % 97);
	snprintf(r->user, sizeof(r->user), "user%d", r->pid % 5);
}

static void step(struct model *m, uint64_t tick)
{
	for (int c = 0; c < 2; c++) {
		uint64_t busy = next_rand() % 60;

		m->cpu[c].user += busy;
		m->cpu[c].system += busy / 4;
		m->cpu[c].idle += 100 - busy - busy / 4;
	}
	for (int k = 0; k < 20; k++) { /* a few busy processes per tick */
		struct proc_row *r = &m->procs[1 + next_rand() % (NPROCS - 1)];

		r->cpu_ticks += 1 + next_rand() % 50;
		r->rss_bytes += (next_rand() % 3) << 12;
	}
	if (tick % 600 == 0 && tick) /* churn: 5 exit, 5 start */
		for (int k = 0; k < 5; k++)
			new_proc(m, 1 + (int)(next_rand() % (NPROCS - 1)), tick);
	m->target.utime += 50;
	m->target.stime += 10;
	m->target.vm_rss = m->target.rss_anon += 4096 * (next_rand() % 8);
	m->target.vol_ctxsw += 100;
	for (int t = 0; t < NTHREADS; t++)
		m->threads[t].utime += next_rand() % 20;
}

static int row_cmp(const void *a, const void *b)
{
	const struct proc_row *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static struct frame *make_frame(struct model *m, uint64_t tick, int64_t t_ms)
{
	struct frame *f = frame_new();

	f->seq = tick;
	f->t_ms = t_ms;
	f->sys.have = SYS_HAVE_STAT | SYS_HAVE_MEMINFO | SYS_HAVE_LOADAVG;
	f->sys.ncores = 2;
	f->sys.cores = xcalloc(2, sizeof(*f->sys.cores));
	for (int c = 0; c < 2; c++) {
		f->sys.cores[c].cpu = c;
		f->sys.cores[c].t = m->cpu[c];
		f->sys.cpu.user += m->cpu[c].user;
		f->sys.cpu.system += m->cpu[c].system;
		f->sys.cpu.idle += m->cpu[c].idle;
	}
	f->sys.mem_total = 24ull << 30;
	f->sys.mem_available = (12ull << 30) + (next_rand() % (1u << 30));
	f->sys.mem_free = f->sys.mem_available / 2;
	f->sys.load1 = (double)(next_rand() % 300) / 100;
	f->procs.n = NPROCS;
	f->procs.rows = xmalloc(sizeof(m->procs));
	memcpy(f->procs.rows, m->procs, sizeof(m->procs));
	qsort(f->procs.rows, NPROCS, sizeof(*f->procs.rows), row_cmp);
	for (int i = 0; i < NPROCS; i++)
		f->procs.rows[i].cmdline = xasprintf("/usr/bin/%s --serve", f->procs.rows[i].comm);
	f->target = xmalloc(sizeof(*f->target));
	*f->target = m->target;
	f->target->nthreads = NTHREADS;
	f->target->threads = xmalloc(sizeof(m->threads));
	memcpy(f->target->threads, m->threads, sizeof(m->threads));
	return f;
}

static void init_model(struct model *m)
{
	memset(m, 0, sizeof(*m));
	m->next_pid = 1000;
	for (int i = 0; i < NPROCS; i++)
		new_proc(m, i, 0);
	m->target.pid = m->procs[0].pid;
	m->target.start_ticks = m->procs[0].start_ticks;
	m->target.alive = true;
	m->target.exit_code = -1;
	m->target.have = TARGET_HAVE_STAT | TARGET_HAVE_STATUS | TARGET_HAVE_FDS |
			 TARGET_HAVE_THREADS;
	m->target.num_threads = NTHREADS;
	snprintf(m->target.comm, sizeof(m->target.comm), "%s", m->procs[0].comm);
	for (int t = 0; t < NTHREADS; t++) {
		m->threads[t].tid = m->target.pid + t;
		m->threads[t].state = 'S';
		snprintf(m->threads[t].comm, sizeof(m->threads[t].comm), "worker-%d", t);
	}
}

int main(int argc, char **argv)
{
	uint64_t ticks = argc > 2 ? strtoull(argv[2], NULL, 10) : 86400;
	int64_t start = argc > 3 ? strtoll(argv[3], NULL, 10)
				 : clock_wall_ms() - (int64_t)ticks * 1000;
	struct session_meta meta = { .interval_ms = 1000, .ncpu = 2, .clk_tck = 100,
				      .page_size = 4096, .mem_total = 24ull << 30,
				      .target_exit_code = -1 };
	static struct model m;
	struct store *st;
	char err[512];

	if (argc < 2) {
		fprintf(stderr, "usage: gensession FILE [TICKS [START_MS]]\n");
		return 2;
	}
	if (store_create(argv[1], true, &st, err, sizeof(err)) < 0) {
		fprintf(stderr, "gensession: %s\n", err);
		return 1;
	}
	init_model(&m);
	snprintf(meta.version, sizeof(meta.version), "bench");
	snprintf(meta.host, sizeof(meta.host), "generated");
	meta.started_ms = start;
	meta.target_pid = m.target.pid;
	store_session_begin(st, &meta);
	for (uint64_t i = 0; i < ticks; i++) {
		struct frame *f;

		step(&m, i);
		f = make_frame(&m, i, start + (int64_t)i * 1000);
		if (store_write_frame(st, f) < 0) {
			fprintf(stderr, "gensession: %s\n", store_error(st));
			return 1;
		}
		frame_unref(f);
	}
	meta.ended_ms = start + (int64_t)ticks * 1000;
	store_session_end(st, &meta);
	store_close(st);
	return 0;
}
