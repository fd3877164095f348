/* SPDX-License-Identifier: MIT */
/*
 * ptrace_sampler: PTRACE_SEIZE + PTRACE_INTERRUPT sampling with libunwind's
 * ptrace accessors (see ptrace_sampler.h).
 *
 * Every wait is for one known tid (waitpid(tid, __WALL)), never for "any
 * child": the process hosting us may have children of its own (a command the
 * console started) whose exit status is not ours to take. A stop is handled
 * by handle_stop() whatever caused it; an interrupt answered by another stop
 * (a signal arriving first) stays pending and is consumed at a later round.
 */
#include "collectors/ptrace_sampler.h"

#include <dirent.h>
#include <errno.h>
#include <libunwind-ptrace.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "collectors/unwind.h"
#include "core/clock.h"
#include "core/rates.h"
#include "core/procfs.h"
#include "core/xalloc.h"

/* How long a stop is waited for before the thread is left for the next round
 * (a thread in uninterruptible sleep stops only when it leaves it). */
#define STOP_WAIT_NS 50000000LL
#define STOP_POLL_NS 20000L
/* on-CPU credit a thread may carry: more would only be owed to samples
 * taken long after the CPU time was spent */
#define CREDIT_MAX 2.0

struct traced {
	int tid;
	void *upt;	     /* _UPT_create(tid) */
	bool interrupt_sent; /* an EVENT_STOP is still to come */
	bool group_stopped;  /* in a group stop, left with PTRACE_LISTEN */
	bool gone;
	/* wall mode's on-CPU account (see ptrace_sampler.h) */
	bool seen;	    /* cpu_ticks and seen_ns hold a reading */
	bool off_cpu;	    /* of the sample being taken */
	uint64_t cpu_ticks; /* utime + stime at seen_ns */
	int64_t seen_ns;
	double credit; /* on-CPU samples owed, in samples */
};

struct ptrace_sampler {
	struct maps *maps; /* borrowed */
	char *root;
	int pid;
	bool wall;
	unw_addr_space_t as;
	struct traced *t;
	size_t n, cap;
	int *tids; /* task/ listing, reused */
	size_t tids_cap;
	char text[1024];
	uint64_t ips[UNWIND_DEPTH_MAX + 1];
	bool truncated; /* of the stack in ips */
	struct ptrace_sampler_stats st;
};

/*
 * libunwind hands accessors only the _UPT argument, so the maps of the
 * sampler unwinding on this thread are found here (a sampler belongs to one
 * thread, and a thread runs one sampler at a time).
 */
static _Thread_local struct maps *unwinding_maps;

/* _UPT_find_proc_info opens module files by their path in the maps, which
 * misses the vdso and files inside containers: use the maps' images. */
static int find_proc_info(unw_addr_space_t as, unw_word_t ip, unw_proc_info_t *pi,
			  int need_unwind_info, void *arg)
{
	if (!unwinding_maps)
		return -UNW_ENOINFO;
	return unwind_find_proc_info(unwinding_maps, as, ip, pi, need_unwind_info, arg);
}

static void put_unwind_info(unw_addr_space_t as, unw_proc_info_t *pi, void *arg)
{
	(void)as, (void)pi, (void)arg;
}

static unw_accessors_t accessors;
static pthread_once_t accessors_once = PTHREAD_ONCE_INIT;

/* memory and registers from the stopped thread, tables from the images */
static void init_accessors(void)
{
	accessors = _UPT_accessors;
	accessors.find_proc_info = find_proc_info;
	accessors.put_unwind_info = put_unwind_info;
}

static struct traced *find(struct ptrace_sampler *s, int tid)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->t[i].tid == tid && !s->t[i].gone)
			return &s->t[i];
	return NULL;
}

static bool on_cpu_now(struct ptrace_sampler *s, struct traced *t);

static int seize(struct ptrace_sampler *s, int tid)
{
	struct traced *t;

	if (ptrace(PTRACE_SEIZE, tid, NULL, NULL) < 0)
		return -errno;
	s->t = xgrow(s->t, &s->cap, s->n + 1, sizeof(*s->t));
	t = &s->t[s->n++];
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->upt = _UPT_create(tid);
	if (s->wall)
		on_cpu_now(s, t); /* the first reading: CPU time counts from here */
	return 0;
}

static long list_tasks(struct ptrace_sampler *s)
{
	char path[4200];
	struct dirent *d;
	size_t n = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/%d/task", s->root, s->pid);
	dir = opendir(path);
	if (!dir)
		return errno == ENOENT ? -ESRCH : -errno;
	while ((d = readdir(dir))) {
		int tid = atoi(d->d_name);

		if (tid <= 0)
			continue;
		s->tids = xgrow(s->tids, &s->tids_cap, n + 1, sizeof(int));
		s->tids[n++] = tid;
	}
	closedir(dir);
	return (long)n;
}

/* Seizes threads not attached yet. Returns how many, or -errno of the first
 * refusal when nothing at all could be seized. */
static int seize_new(struct ptrace_sampler *s)
{
	long n = list_tasks(s);
	int added = 0, err = 0;

	if (n < 0)
		return (int)n;
	for (long i = 0; i < n; i++) {
		int rc;

		if (find(s, s->tids[i]))
			continue;
		rc = seize(s, s->tids[i]);
		if (rc == 0)
			added++;
		else if (rc != -ESRCH && !err)
			err = rc;
	}
	return added ? added : err;
}

/* Thread state letter from task/<tid>/stat, '?' when unreadable; its
 * utime + stime (clock ticks) into *cpu_ticks when not NULL. */
static char thread_state(struct ptrace_sampler *s, int tid, uint64_t *cpu_ticks)
{
	char rel[64], comm[64], state;
	unsigned long long utime, stime;
	const char *st;

	snprintf(rel, sizeof(rel), "%d/task/%d/stat", s->pid, tid);
	if (procfs_read(s->root, rel, s->text, sizeof(s->text)) <= 0)
		return '?';
	st = procfs_stat_split(s->text, comm, sizeof(comm));
	if (!st)
		return '?';
	if (!cpu_ticks)
		return *st;
	/* state ppid pgrp session tty tpgid flags minflt cminflt majflt
	 * cmajflt utime stime */
	if (sscanf(st, "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &state,
		   &utime, &stime) != 3)
		return '?';
	*cpu_ticks = utime + stime;
	return state;
}

/* Wall mode: reads t's CPU time and says whether the sample about to be
 * taken stands for time on a CPU (see ptrace_sampler.h). */
static bool on_cpu_now(struct ptrace_sampler *s, struct traced *t)
{
	int64_t now = clock_mono_ns();
	uint64_t ticks;
	char state = thread_state(s, t->tid, &ticks);

	if (state == '?')
		return false;
	if (t->seen) { /* cores' worth of CPU time since the last sample */
		double pct = rate_core_pct(ticks, t->cpu_ticks, procfs_clk_tck(),
					   (double)(now - t->seen_ns) / 1e9);

		if (pct >= 0)
			t->credit += pct / 100.0;
	}
	t->seen = true;
	t->cpu_ticks = ticks;
	t->seen_ns = now;
	if (t->credit > CREDIT_MAX)
		t->credit = CREDIT_MAX;
	if (state == 'R' && t->credit >= 0.5) {
		t->credit -= 1.0;
		return true;
	}
	return false;
}

/* Unwinds the stopped thread t into s->ips; s->truncated says whether the
 * depth limit left frames out (the live stack is read whole: no copy limit). */
static size_t unwind_thread(struct ptrace_sampler *s, struct traced *t)
{
	unw_cursor_t c;
	size_t n = 0;

	unwinding_maps = s->maps;
	s->truncated = false;
	if (!t->upt || unw_init_remote(&c, s->as, t->upt) < 0)
		return 0;
	do {
		unw_word_t ip;

		if (unw_get_reg(&c, UNW_REG_IP, &ip) < 0 || ip == 0)
			break;
		s->ips[n++] = ip;
	} while (n < UNWIND_DEPTH_MAX && unw_step(&c) > 0);
	if (n == UNWIND_DEPTH_MAX && unw_step(&c) > 0)
		s->truncated = true;
	return n;
}

/* Hands the n frames just unwound from t to fn. */
static void emit(struct ptrace_sampler *s, struct traced *t, size_t n, ptrace_stack_fn fn,
		 void *ctx)
{
	struct ptrace_stack st = {
		.tid = t->tid,
		.ips = s->ips,
		.n = n,
		.truncated = s->truncated,
		.off_cpu = s->wall && t->off_cpu,
	};

	fn(ctx, &st);
}

/*
 * Deals with one stop of t (status from waitpid). When it is a stop where the
 * thread may be sampled and sample is set, unwinds it and hands the stack to
 * fn. Returns 1 if a stack was taken, 0 otherwise.
 */
static int handle_stop(struct ptrace_sampler *s, struct traced *t, int status,
		       bool sample, ptrace_stack_fn fn, void *ctx)
{
	int event = status >> 16, sig;
	size_t n = 0;

	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		t->gone = true;
		return 0;
	}
	if (!WIFSTOPPED(status))
		return 0;
	sig = WSTOPSIG(status);
	if (event == PTRACE_EVENT_STOP) {
		if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
		    sig == SIGTTOU) {
			/* a group stop: the process is meant to stand still */
			t->group_stopped = true;
			ptrace(PTRACE_LISTEN, t->tid, NULL, NULL);
			return 0;
		}
		/* our interrupt (or the stop after LISTEN ends) */
		t->interrupt_sent = false;
		t->group_stopped = false;
		if (sample)
			n = unwind_thread(s, t);
		if (n && fn)
			emit(s, t, n, fn, ctx);
		ptrace(PTRACE_CONT, t->tid, NULL, NULL);
		return n > 0;
	}
	if (event) {
		ptrace(PTRACE_CONT, t->tid, NULL, NULL);
		return 0;
	}
	/* signal-delivery stop: a valid place to sample; the signal goes on */
	if (sample)
		n = unwind_thread(s, t);
	if (n && fn)
		emit(s, t, n, fn, ctx);
	ptrace(PTRACE_CONT, t->tid, NULL, (void *)(long)sig);
	return n > 0;
}

/* Handles every stop already waiting, without blocking. */
static void drain_stops(struct ptrace_sampler *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct traced *t = &s->t[i];
		int status;

		while (!t->gone) {
			pid_t r = waitpid(t->tid, &status, __WALL | WNOHANG);

			if (r == 0)
				break;
			if (r < 0) {
				if (errno == EINTR)
					continue;
				t->gone = true; /* ECHILD: not ours any more */
				break;
			}
			handle_stop(s, t, status, false, NULL, NULL);
		}
	}
}

/* Waits up to STOP_WAIT_NS for the stop of t; 0 and *status, or -1. */
static int wait_stop(struct traced *t, int *status)
{
	int64_t deadline = clock_mono_ns() + STOP_WAIT_NS;

	for (;;) {
		pid_t r = waitpid(t->tid, status, __WALL | WNOHANG);
		struct timespec ts = {0, STOP_POLL_NS};

		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR) {
			t->gone = true;
			return -1;
		}
		if (clock_mono_ns() > deadline)
			return -1;
		if (r == 0)
			nanosleep(&ts, NULL);
	}
}

/* Drops threads that ended, freeing their unwinder state. */
static void compact(struct ptrace_sampler *s)
{
	size_t k = 0;

	for (size_t i = 0; i < s->n; i++) {
		if (s->t[i].gone) {
			if (s->t[i].upt)
				_UPT_destroy(s->t[i].upt);
			continue;
		}
		s->t[k++] = s->t[i];
	}
	s->n = k;
}

static bool process_gone(struct ptrace_sampler *s)
{
	char rel[32], comm[64];
	const char *st;

	snprintf(rel, sizeof(rel), "%d/stat", s->pid);
	if (procfs_read(s->root, rel, s->text, sizeof(s->text)) <= 0)
		return true;
	st = procfs_stat_split(s->text, comm, sizeof(comm));
	/* a zombie leader with live threads still runs them (task/ is not empty) */
	return !st || *st == 'X' || (*st == 'Z' && s->n == 0);
}

int ptrace_sampler_tick(struct ptrace_sampler *s, ptrace_stack_fn fn, void *ctx)
{
	int taken = 0;

	seize_new(s);
	drain_stops(s);
	compact(s);
	if (s->n == 0 && process_gone(s))
		return -ESRCH;
	for (size_t i = 0; i < s->n; i++) {
		struct traced *t = &s->t[i];
		int64_t t0, dt;
		int status, got;

		if (t->gone || t->group_stopped)
			continue;
		if (!s->wall && thread_state(s, t->tid, NULL) != 'R')
			continue;
		if (s->wall)
			t->off_cpu = !on_cpu_now(s, t);
		t0 = clock_mono_ns();
		if (!t->interrupt_sent) {
			if (ptrace(PTRACE_INTERRUPT, t->tid, NULL, NULL) < 0) {
				if (errno == ESRCH)
					continue; /* exiting: the exit arrives later */
				s->st.failed++;
				continue;
			}
			t->interrupt_sent = true;
		}
		if (wait_stop(t, &status) < 0) {
			s->st.failed++;
			continue;
		}
		got = handle_stop(s, t, status, true, fn, ctx);
		dt = clock_mono_ns() - t0;
		if (got) {
			taken++;
			s->st.samples++;
			s->st.stopped_ns += (uint64_t)dt;
			if ((uint64_t)dt > s->st.max_stopped_ns)
				s->st.max_stopped_ns = (uint64_t)dt;
		} else if (!t->gone && !t->group_stopped) {
			s->st.failed++;
		}
	}
	compact(s);
	if (s->n == 0 && process_gone(s))
		return -ESRCH;
	return taken;
}

int ptrace_sampler_open(const char *proc_root, int pid, bool wall, struct maps *maps,
			struct ptrace_sampler **out, char *err, size_t errlen)
{
	struct ptrace_sampler *s = xcalloc(1, sizeof(*s));
	int rc;

	*out = NULL;
	s->maps = maps;
	pthread_once(&accessors_once, init_accessors);
	s->root = xstrdup(proc_root ? proc_root : PROCFS_ROOT_DEFAULT);
	s->pid = pid;
	s->wall = wall;
	s->as = unw_create_addr_space(&accessors, 0);
	if (!s->as) {
		snprintf(err, errlen, "libunwind: cannot create an address space");
		ptrace_sampler_free(s);
		return -ENOMEM;
	}
	unw_set_caching_policy(s->as, UNW_CACHE_GLOBAL);
	rc = seize_new(s);
	if (rc <= 0) {
		if (rc == 0)
			rc = -ESRCH;
		snprintf(err, errlen, "cannot trace %d: %s", pid,
			 rc == -ESRCH ? "no such process" : strerror(-rc));
		ptrace_sampler_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void ptrace_sampler_free(struct ptrace_sampler *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		struct traced *t = &s->t[i];
		int status;

		if (t->gone)
			continue;
		/* a tracee is detached while stopped: stop it one last time */
		if (!t->group_stopped && !t->interrupt_sent &&
		    ptrace(PTRACE_INTERRUPT, t->tid, NULL, NULL) == 0)
			t->interrupt_sent = true;
		while (t->interrupt_sent && !t->gone && wait_stop(t, &status) == 0) {
			int sig = WSTOPSIG(status);

			if (WIFEXITED(status) || WIFSIGNALED(status))
				t->gone = true;
			else if ((status >> 16) == PTRACE_EVENT_STOP)
				t->interrupt_sent = false;
			else if (!(status >> 16)) /* a signal: deliver it on detach */
				ptrace(PTRACE_DETACH, t->tid, NULL, (void *)(long)sig),
					t->gone = true;
			else
				ptrace(PTRACE_CONT, t->tid, NULL, NULL);
		}
		if (!t->gone)
			ptrace(PTRACE_DETACH, t->tid, NULL, NULL);
	}
	for (size_t i = 0; i < s->n; i++)
		if (s->t[i].upt)
			_UPT_destroy(s->t[i].upt);
	if (s->as)
		unw_destroy_addr_space(s->as);
	free(s->t);
	free(s->tids);
	free(s->root);
	free(s);
}

void ptrace_sampler_flush(struct ptrace_sampler *s)
{
	unw_flush_cache(s->as, 0, 0);
}

void ptrace_sampler_stats(const struct ptrace_sampler *s,
			  struct ptrace_sampler_stats *out)
{
	*out = s->st;
	out->threads = s->n;
}
