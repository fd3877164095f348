/* SPDX-License-Identifier: MIT */
/* heapwatch: see heapwatch.h. */
#include "collectors/heapwatch.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/heap.h"
#include "collectors/hsperf.h"
#include "core/log.h"
#include "core/xalloc.h"

/* A JVM writes its perf data file a moment after it starts: look again for
 * this many rollup periods before deciding the target is not one. */
#define JVM_LOOKS 6

/*
 * The smaps reader: a thread of its own, because reading smaps of a process
 * with 60,000 mappings takes 0.3 s of CPU and a tick must not wait for it.
 * The tick thread asks for a reading (busy), the worker reads it without the
 * lock and leaves it in done; the tick thread takes it with a later frame.
 */
struct smaps_worker {
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool busy;	  /* under lock: a reading asked for and not yet done */
	bool quit;	  /* under lock */
	int64_t asked_ms; /* under lock: the time the reading is for */
	struct heap_mapping_set *done; /* under lock: a finished reading */
	int64_t done_ms;	       /* when it was asked for */
	int64_t done_cost_ns;	       /* its CPU time, also when it failed */
	bool failed_once;	       /* said once in the log */
};

struct heapwatch {
	char *root;
	int pid;
	struct heap_cadence rollup, smaps;
	struct smaps_worker worker;
	struct hsperf_collector *jvm;
	int jvm_looks;
	bool rollup_failed; /* said once in the log */
	bool smaps_off;	    /* the smaps thread could not start */
};

static void *smaps_main(void *arg)
{
	struct heapwatch *h = arg;
	struct smaps_worker *w = &h->worker;

	pthread_setname_np(pthread_self(), "vigil-smaps");
	pthread_mutex_lock(&w->lock);
	for (;;) {
		struct heap_mapping_set *set;
		char err[256];
		int64_t t_ms;
		int rc;

		while (!w->quit && (!w->busy || w->done))
			pthread_cond_wait(&w->wake, &w->lock);
		if (w->quit)
			break;
		t_ms = w->asked_ms;
		pthread_mutex_unlock(&w->lock);
		set = heap_mapping_set_new();
		rc = heap_read_smaps(h->root, h->pid, t_ms, set, err, sizeof(err));
		pthread_mutex_lock(&w->lock);
		if (rc < 0 && !w->failed_once) {
			log_debug("heap: smaps of %d: %s", h->pid, err);
			w->failed_once = true;
		}
		w->done_ms = t_ms;
		w->done_cost_ns = set->cost_ns;
		if (rc < 0)
			set->n = 0; /* an empty set says "read, failed" */
		w->done = set;
		w->busy = false;
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

static bool start_worker(struct heapwatch *h)
{
	struct smaps_worker *w = &h->worker;
	sigset_t all, old;
	int rc;

	/* signals belong to the main thread */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&w->thread, NULL, smaps_main, h);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		log_debug("heap: cannot start the smaps thread: %s", strerror(rc));
		return false;
	}
	w->started = true;
	return true;
}

struct heapwatch *heapwatch_new(const char *proc_root, int pid, int64_t period_ms,
				int64_t smaps_period_ms)
{
	struct heapwatch *h = xcalloc(1, sizeof(*h));

	h->root = proc_root ? xstrdup(proc_root) : NULL;
	h->pid = pid;
	heap_cadence_init(&h->rollup, period_ms > 0 ? period_ms : HEAPWATCH_PERIOD_MS);
	heap_cadence_init(&h->smaps,
			  smaps_period_ms > 0 ? smaps_period_ms : HEAP_SMAPS_PERIOD_MS);
	pthread_mutex_init(&h->worker.lock, NULL);
	pthread_cond_init(&h->worker.wake, NULL);
	return h;
}

void heapwatch_free(struct heapwatch *h)
{
	struct smaps_worker *w;

	if (!h)
		return;
	w = &h->worker;
	if (w->started) {
		pthread_mutex_lock(&w->lock);
		w->quit = true;
		pthread_cond_signal(&w->wake);
		pthread_mutex_unlock(&w->lock);
		pthread_join(w->thread, NULL);
	}
	heap_mapping_set_free(w->done);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->wake);
	hsperf_collector_free(h->jvm);
	free(h->root);
	free(h);
}

int heapwatch_pid(const struct heapwatch *h)
{
	return h->pid;
}

void heapwatch_request_smaps(struct heapwatch *h, int64_t now_ms)
{
	heap_cadence_request(&h->smaps, now_ms);
}

/* Takes a finished smaps reading into f, and asks for the next when due. */
static void poll_smaps(struct heapwatch *h, struct frame *f)
{
	struct smaps_worker *w = &h->worker;
	struct heap_mapping_set *done;
	bool ask;

	pthread_mutex_lock(&w->lock);
	done = w->done;
	w->done = NULL;
	if (done)
		heap_cadence_done(&h->smaps, w->done_ms, w->done_cost_ns);
	ask = !w->busy && heap_cadence_due(&h->smaps, f->t_ms);
	if (ask) {
		w->busy = true;
		w->asked_ms = f->t_ms;
		pthread_cond_signal(&w->wake);
	}
	pthread_mutex_unlock(&w->lock);
	if (done && done->n)
		f->mappings = done;
	else
		heap_mapping_set_free(done);
	if (ask && !w->started && !start_worker(h)) {
		w->busy = false;
		h->smaps_off = true; /* said once; the rest still works */
	}
}

static void read_jvm(struct heapwatch *h, struct frame *f)
{
	struct jvm_sample js;
	char err[256];

	if (!h->jvm)
		return;
	if (hsperf_collector_read(h->jvm, f->t_ms, &js, err, sizeof(err)) < 0) {
		log_debug("heap: jvm %d: %s", h->pid, err);
		return;
	}
	f->jvm = xmalloc(sizeof(*f->jvm));
	*f->jvm = js;
}

static void read_rollup(struct heapwatch *h, struct frame *f)
{
	struct heap_rollup r;
	char err[256];

	if (!heap_cadence_due(&h->rollup, f->t_ms))
		return;
	if (!h->jvm && h->jvm_looks < JVM_LOOKS) {
		h->jvm_looks++;
		if (hsperf_collector_open(h->root, h->pid, &h->jvm, err, sizeof(err)) ==
		    0)
			log_debug("heap: %d is a JVM: %s", h->pid,
				  hsperf_collector_path(h->jvm));
	}
	if (heap_read_rollup(h->root, h->pid, f->t_ms, &r, err, sizeof(err)) < 0) {
		if (!h->rollup_failed)
			log_debug("heap: smaps_rollup of %d: %s", h->pid, err);
		h->rollup_failed = true;
		heap_cadence_done(&h->rollup, f->t_ms, 0);
		return;
	}
	heap_cadence_done(&h->rollup, f->t_ms, r.cost_ns);
	f->rollup = xmalloc(sizeof(*f->rollup));
	*f->rollup = r;
}

void heapwatch_read(struct heapwatch *h, struct frame *f)
{
	if (!f->target || !f->target->alive || f->target->pid != h->pid)
		return;
	read_jvm(h, f);
	read_rollup(h, f);
	if (!h->smaps_off)
		poll_smaps(h, f);
}
