/* SPDX-License-Identifier: MIT */
/*
 * sampler: owns the collectors and the tick loop thread.
 *
 * Invariants: only the sampler thread touches the collectors once started;
 * the exit status of the target arrives from the main thread through atomics.
 */
#include "collectors/sampler.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collectors/cgtarget.h"
#include "collectors/exitacct.h"
#include "collectors/cgroups.h"
#include "collectors/proctable.h"
#include "collectors/sysstat.h"
#include "collectors/heapwatch.h"
#include "collectors/target.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/procfs.h"
#include "core/xalloc.h"

struct sampler {
	struct sampler_config cfg;
	struct sys_collector *sys;
	struct proc_collector *procs;
	struct cgroup_collector *cgroups; /* NULL: not collected */
	struct target_collector *target;
	struct cgtarget *cgtarget; /* -c: the target is a cgroup */
	struct heapwatch *heap;	   /* the target's heap; follows the target */
	pthread_t thread;
	bool running;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
	bool swap_target; /* under lock: next_target replaces target */
	struct target_collector *next_target;
	uint64_t seq;
	atomic_int exit_code; /* -1 until the target was reaped */
	atomic_int exit_signal;
	atomic_bool smaps_asked;
	struct exitacct *exitacct; /* NULL: off (exit_why) or not asked for */
	char exit_why[PROC_EXIT_WHY_MAX];
	struct seen_id *seen; /* the process table of the tick before */
	size_t nseen;
};

/* A process of a tick's table, to tell whether an exit was ever seen. */
struct seen_id {
	int pid;
	int64_t start_ms;
};

/* Start times differ by the rounding of the boot time (whole seconds) */
#define SEEN_SLACK_MS 2000

static bool same_start(int64_t a, int64_t b)
{
	return a - b <= SEEN_SLACK_MS && b - a <= SEEN_SLACK_MS;
}

static bool was_seen(const struct sampler *s, const struct proc_table *now,
		     const struct proc_exit *x)
{
	const struct proc_row *r = proc_table_find(now, x->pid);
	size_t lo = 0, hi = s->nseen;

	if (r && same_start(r->start_ms, x->start_ms))
		return true;
	while (lo < hi) { /* s->seen ascends by pid, like a table */
		size_t mid = lo + (hi - lo) / 2;

		if (s->seen[mid].pid == x->pid)
			return same_start(s->seen[mid].start_ms, x->start_ms);
		if (s->seen[mid].pid < x->pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* This tick's exits into f, marked seen when a table held them. */
static void take_exits(struct sampler *s, struct frame *f)
{
	struct proc_exits *x;

	if (s->exitacct) {
		x = exitacct_take(s->exitacct);
	} else {
		x = xcalloc(1, sizeof(*x));
		snprintf(x->why, sizeof(x->why), "%s", s->exit_why);
	}
	for (size_t i = 0; i < x->n; i++)
		x->rows[i].seen = was_seen(s, &f->procs, &x->rows[i]);
	f->exits = x;
	if (f->procs.n > s->nseen)
		s->seen = xrealloc(s->seen, f->procs.n * sizeof(*s->seen));
	s->nseen = f->procs.n;
	for (size_t i = 0; i < f->procs.n; i++) {
		s->seen[i].pid = f->procs.rows[i].pid;
		s->seen[i].start_ms = f->procs.rows[i].start_ms;
	}
}

/* Takes over a target handed in by sampler_attach, on the sampler thread:
 * a process attached (or a detach) replaces a cgroup target too. */
static void take_new_target(struct sampler *s)
{
	struct target_collector *old = NULL;
	bool swapped = false;

	pthread_mutex_lock(&s->lock);
	if (s->swap_target) {
		old = s->target;
		s->target = s->next_target;
		s->next_target = NULL;
		s->swap_target = false;
		swapped = true;
		atomic_store(&s->exit_code, -1);
		atomic_store(&s->exit_signal, 0);
	}
	pthread_mutex_unlock(&s->lock);
	if (old)
		target_collector_free(old);
	if (swapped && s->cgtarget) {
		cgtarget_free(s->cgtarget);
		s->cgtarget = NULL;
	}
}

int sampler_attach(struct sampler *s, int pid, char *err, size_t errlen)
{
	struct target_collector *t = NULL, *unused;

	if (pid > 0 && target_collector_open(s->cfg.proc_root, pid, &t, err, errlen) < 0)
		return -1;
	pthread_mutex_lock(&s->lock);
	unused = s->swap_target ? s->next_target : NULL;
	s->next_target = t;
	s->swap_target = true;
	pthread_mutex_unlock(&s->lock);
	if (unused)
		target_collector_free(unused);
	return 0;
}

/*
 * The cgroup target's sample: its processes' sums (collectors/cgtarget),
 * with the cgroup's own pressure from this tick's cgroup table, the
 * authoritative one (its CPU, memory and limits are read from the table by
 * whoever shows them).
 */
static struct target_sample *read_cgroup_target(struct sampler *s, const struct frame *f)
{
	struct target_sample *t = xcalloc(1, sizeof(*t));
	const struct cgroup_row *row;

	cgtarget_read(s->cgtarget, cgtarget_boot_ticks(), t);
	row = cgroup_table_find(&f->cgroups, t->cgroup);
	if (t->alive && row && (row->have & CGROUP_HAVE_PSI)) {
		memcpy(t->cg_psi, row->psi, sizeof(t->cg_psi));
		t->have |= TARGET_HAVE_CGPSI;
	}
	return t;
}

struct frame *sampler_collect_once(struct sampler *s)
{
	struct frame *f = frame_new();
	int64_t t0 = clock_mono_ns();

	take_new_target(s);
	f->seq = s->seq++;
	f->t_ms = clock_wall_ms();
	sys_collector_read(s->sys, &f->sys);
	if (proc_collector_read(s->procs, t0, &f->procs) < 0)
		log_debug("process table reap failed at tick %llu",
			  (unsigned long long)f->seq);
	if (s->cgroups)
		cgroup_collector_read(s->cgroups, t0, &f->cgroups);
	if (s->target) {
		f->target = xcalloc(1, sizeof(*f->target));
		target_collector_read(s->target, f->target);
		if (f->target->alive && f->target->state == 'Z') {
			/* exited, not yet reaped by its parent: gone for our purposes */
			f->target->alive = false;
			snprintf(f->target->why, sizeof(f->target->why),
				 "process exited");
		}
		if (!f->target->alive) {
			f->target->exit_code = atomic_load(&s->exit_code);
			f->target->exit_signal = atomic_load(&s->exit_signal);
		}
	}
	if (s->cgtarget)
		f->target = read_cgroup_target(s, f);
	if (f->target && !f->target->is_cgroup) {
		/* the heap watcher follows the target (a new attach, a new one) */
		if (s->heap && heapwatch_pid(s->heap) != f->target->pid) {
			heapwatch_free(s->heap);
			s->heap = NULL;
		}
		if (!s->heap)
			s->heap = heapwatch_new(s->cfg.proc_root, f->target->pid,
						s->cfg.heap_period_ms,
						s->cfg.smaps_period_ms);
		if (atomic_exchange(&s->smaps_asked, false))
			heapwatch_request_smaps(s->heap, f->t_ms);
		heapwatch_read(s->heap, f);
	}
	if (s->cfg.statsd)
		f->app = statsd_take(s->cfg.statsd);
	if (s->cfg.exits)
		take_exits(s, f);
	f->cost_ns = clock_mono_ns() - t0;
	return f;
}

/* Sleeps until deadline_ns (monotonic); false when asked to stop meanwhile. */
static bool wait_until(struct sampler *s, int64_t deadline_ns)
{
	struct timespec ts = {.tv_sec = deadline_ns / 1000000000,
			      .tv_nsec = deadline_ns % 1000000000};
	bool stop;

	pthread_mutex_lock(&s->lock);
	while (!s->stop && pthread_cond_timedwait(&s->wake, &s->lock, &ts) == 0)
		;
	stop = s->stop;
	pthread_mutex_unlock(&s->lock);
	return !stop;
}

static void *sampler_main(void *arg)
{
	struct sampler *s = arg;
	int64_t interval_ns = s->cfg.interval_ms * 1000000;
	int64_t next = clock_mono_ns();

	pthread_setname_np(pthread_self(), "vigil-sampler");
	for (;;) {
		s->cfg.publish(sampler_collect_once(s), s->cfg.ctx);
		next += interval_ns;
		int64_t now = clock_mono_ns();
		if (next < now) /* overran: skip the missed deadlines */
			next += ((now - next) / interval_ns + 1) * interval_ns;
		if (!wait_until(s, next))
			break;
	}
	return NULL;
}

static int open_collectors(struct sampler *s, char *err, size_t errlen)
{
	const char *root = s->cfg.proc_root;

	if (s->cfg.target_pid > 0 &&
	    target_collector_open(root, s->cfg.target_pid, &s->target, err, errlen) < 0)
		return -1;
	if (s->cfg.target_cgroup &&
	    cgtarget_open(root, s->cfg.cgroup_root, s->cfg.target_cgroup, &s->cgtarget,
			  err, errlen) < 0)
		return -1;
	s->procs = proc_collector_new(root, err, errlen);
	if (!s->procs)
		return -1;
	s->sys = sys_collector_new(root);
	if (s->cfg.exits && exitacct_start(root, !s->cfg.exits_no_cmdlines, &s->exitacct,
					   s->exit_why, sizeof(s->exit_why)) < 0)
		log_debug("exit accounting is off: %s", s->exit_why);
	if (s->cfg.cgroup_root)
		s->cgroups = cgroup_collector_new(s->cfg.cgroup_root);
	else if (!root || !strcmp(root, PROCFS_ROOT_DEFAULT))
		s->cgroups = cgroup_collector_new(CGROUP_ROOT_DEFAULT);
	return 0;
}

static void close_collectors(struct sampler *s)
{
	if (s->target)
		target_collector_free(s->target);
	if (s->next_target)
		target_collector_free(s->next_target);
	cgtarget_free(s->cgtarget);
	exitacct_stop(s->exitacct); /* first: it may be mid-read of /proc */
	free(s->seen);
	proc_collector_free(s->procs);
	heapwatch_free(s->heap);
	cgroup_collector_free(s->cgroups);
	if (s->sys)
		sys_collector_free(s->sys);
}

int sampler_start(const struct sampler_config *cfg, struct sampler **out, char *err,
		  size_t errlen)
{
	struct sampler *s = xcalloc(1, sizeof(*s));
	pthread_condattr_t ca;

	s->cfg = *cfg;
	atomic_init(&s->exit_code, -1);
	atomic_init(&s->exit_signal, 0);
	if (open_collectors(s, err, errlen) < 0) {
		close_collectors(s);
		free(s);
		return -1;
	}
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake, &ca);
	pthread_condattr_destroy(&ca);
	if (cfg->publish) {
		if (pthread_create(&s->thread, NULL, sampler_main, s) != 0) {
			snprintf(err, errlen, "cannot start the sampler thread");
			sampler_stop(s);
			return -1;
		}
		s->running = true;
	}
	*out = s;
	return 0;
}

void sampler_target_exited(struct sampler *s, int exit_code, int exit_signal)
{
	atomic_store(&s->exit_signal, exit_signal);
	atomic_store(&s->exit_code, exit_code);
}

void sampler_request_smaps(struct sampler *s)
{
	atomic_store(&s->smaps_asked, true);
}

void sampler_stop(struct sampler *s)
{
	if (!s)
		return;
	if (s->running) {
		pthread_mutex_lock(&s->lock);
		s->stop = true;
		pthread_cond_signal(&s->wake);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->thread, NULL);
	}
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	close_collectors(s);
	free(s);
}
