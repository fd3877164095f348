/* SPDX-License-Identifier: MIT */
/* frame: lifetime of the per-tick snapshot shared between threads. */
#include "core/frame.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rates.h"
#include "core/xalloc.h"

void why_append(char *why, size_t cap, const char *fmt, ...)
{
	size_t len = strnlen(why, cap);
	va_list ap;

	if (len + 1 >= cap)
		return;
	if (len) {
		snprintf(why + len, cap - len, "; ");
		len = strlen(why);
	}
	va_start(ap, fmt);
	vsnprintf(why + len, cap - len, fmt, ap);
	va_end(ap);
}

uint64_t cpu_times_busy(const struct cpu_times *t)
{
	return t->user + t->nice + t->system + t->irq + t->softirq + t->steal;
}

uint64_t cpu_times_total(const struct cpu_times *t)
{
	return cpu_times_busy(t) + t->idle + t->iowait;
}

double cpu_times_busy_pct(const struct cpu_times *a, const struct cpu_times *b)
{
	return rate_share_pct(cpu_times_busy(b), cpu_times_busy(a), cpu_times_total(b),
			      cpu_times_total(a));
}

void sys_sample_release(struct sys_sample *s)
{
	free(s->cores);
	s->cores = NULL;
	s->ncores = 0;
	free(s->disks);
	s->disks = NULL;
	s->ndisks = 0;
	free(s->nets);
	s->nets = NULL;
	s->nnets = 0;
}

void proc_table_release(struct proc_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->rows[i].cmdline);
		free(t->rows[i].cgroup);
	}
	free(t->rows);
	t->rows = NULL;
	t->n = 0;
}

const struct proc_row *proc_table_find(const struct proc_table *t, int pid)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->rows[mid].pid == pid)
			return &t->rows[mid];
		if (t->rows[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void cgroup_table_release(struct cgroup_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->rows[i].path);
		free(t->rows[i].devs);
	}
	free(t->rows);
	t->rows = NULL;
	t->n = 0;
}

const struct cgroup_row *cgroup_table_find(const struct cgroup_table *t, const char *path)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(t->rows[mid].path, path);

		if (c == 0)
			return &t->rows[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void target_sample_release(struct target_sample *s)
{
	free(s->threads);
	s->threads = NULL;
	s->nthreads = 0;
}

struct frame *frame_new(void)
{
	struct frame *f = xcalloc(1, sizeof(*f));

	atomic_init(&f->refs, 1);
	return f;
}

struct frame *frame_ref(struct frame *f)
{
	atomic_fetch_add_explicit(&f->refs, 1, memory_order_relaxed);
	return f;
}

void frame_unref(struct frame *f)
{
	if (!f || atomic_fetch_sub_explicit(&f->refs, 1, memory_order_acq_rel) != 1)
		return;
	sys_sample_release(&f->sys);
	proc_table_release(&f->procs);
	cgroup_table_release(&f->cgroups);
	if (f->target) {
		target_sample_release(f->target);
		free(f->target);
	}
	free(f->alerts);
	free(f->notices);
	app_metrics_free(f->app);
	free(f->rollup);
	free(f->jvm);
	heap_mapping_set_free(f->mappings);
	free(f->leak);
	free(f->suspects);
	proc_exits_free(f->exits);
	free(f->gcs);
	free(f);
}
