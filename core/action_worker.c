/* SPDX-License-Identifier: MIT */
/*
 * action_worker: see action_worker.h. One thread owns the action runner and
 * the exec jobs waiting for a free slot; the mutex guards only what other
 * threads read (notices, counts, the settled count drain waits on).
 */
#include "core/action_worker.h"

#include <pthread.h>
#include <sys/types.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/queue.h"
#include "core/xalloc.h"

#define NOTICES_MAX 1024 /* not yet taken; more are only counted */
#define BUSY_POLL_MS 50	 /* while programs run or wait: how often to reap */
#define IDLE_WAIT_MS 1000

enum job_kind { JOB_LOG, JOB_EXEC };

/* One action with its own copy of everything it needs. */
struct action_job {
	enum job_kind kind;
	char *rule;
	char *path;  /* log: the file; exec: argv[0] */
	char **argv; /* exec: NULL-terminated */
	struct action_alert alert;
	char *strs[8]; /* what alert's strings point to */
};

struct action_worker {
	pthread_t thread;
	struct queue q;
	struct action_runner *runner;
	size_t cap, max_running;

	/* the worker thread's own: exec jobs waiting for a slot, in order, and
	 * the rule each running program was started for */
	struct action_job **pending;
	size_t npending, pending_alloc;
	struct running {
		pid_t pid;
		char *rule; /* owned */
	} * running;
	size_t nrunning, running_alloc;

	pthread_mutex_t lock; /* guards what follows */
	pthread_cond_t settled_cond;
	struct notice *notices;
	size_t nnotices, notices_alloc;
	struct action_counts counts;
	uint64_t queued, settled; /* jobs handed over / run, failed or dropped */
};

/* ---- jobs ---- */

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static struct action_job *job_new(enum job_kind kind, const char *rule,
				  const struct action_alert *a)
{
	struct action_job *j = xcalloc(1, sizeof(*j));
	const char *const src[8] = {a->rule,  a->name, a->metric, a->severity,
				    a->state, a->from, a->word,	  a->message};

	j->kind = kind;
	j->rule = xstrdup(rule ? rule : "");
	j->alert = *a;
	for (size_t i = 0; i < 8; i++)
		j->strs[i] = dup_or_null(src[i]);
	j->alert.rule = j->strs[0];
	j->alert.name = j->strs[1];
	j->alert.metric = j->strs[2];
	j->alert.severity = j->strs[3];
	j->alert.state = j->strs[4];
	j->alert.from = j->strs[5];
	j->alert.word = j->strs[6];
	j->alert.message = j->strs[7];
	return j;
}

static void job_free(struct action_job *j)
{
	if (!j)
		return;
	for (char **a = j->argv; a && *a; a++)
		free(*a);
	free(j->argv);
	for (size_t i = 0; i < 8; i++)
		free(j->strs[i]);
	free(j->path);
	free(j->rule);
	free(j);
}

static const char *job_kind_name(const struct action_job *j)
{
	return j->kind == JOB_LOG ? "log" : "exec";
}

/* ---- notices (any thread, under the lock) ---- */

static void note_locked(struct action_worker *w, const char *kind, const char *rule,
			const char *message)
{
	struct notice *n;

	if (w->nnotices >= NOTICES_MAX)
		return; /* counted all the same */
	w->notices = xgrow(w->notices, &w->notices_alloc, w->nnotices + 1,
			   sizeof(*w->notices));
	n = &w->notices[w->nnotices++];
	memset(n, 0, sizeof(*n));
	n->t_ms = clock_wall_ms();
	snprintf(n->kind, sizeof(n->kind), "%s", kind);
	snprintf(n->source, sizeof(n->source), "%s", rule);
	snprintf(n->message, sizeof(n->message), "%s", message);
	log_debug("alert '%s': %s: %s", rule, kind, message);
}

/* One job is over: run (ok), failed (message) or dropped (message). */
static void settle(struct action_worker *w, const char *rule, bool ok, bool dropped,
		   const char *message)
{
	pthread_mutex_lock(&w->lock);
	if (dropped) {
		w->counts.dropped++;
		note_locked(w, "action-dropped", rule, message);
	} else if (!ok) {
		w->counts.failed++;
		note_locked(w, "action-failed", rule, message);
	} else {
		w->counts.run++;
	}
	w->settled++;
	pthread_cond_broadcast(&w->settled_cond);
	pthread_mutex_unlock(&w->lock);
}

static void drop(struct action_worker *w, struct action_job *j, const char *why)
{
	char msg[256];

	snprintf(msg, sizeof(msg), "%s '%s' not run: %s", job_kind_name(j), j->path, why);
	settle(w, j->rule, false, true, msg);
	job_free(j);
}

/* ---- the worker thread ---- */

static void run_log(struct action_worker *w, struct action_job *j)
{
	char msg[256] = "log: ";

	if (action_log_append(j->path, &j->alert, msg + 5, sizeof(msg) - 5) < 0) {
		settle(w, j->rule, false, false, msg);
	} else {
		settle(w, j->rule, true, false, NULL);
	}
	job_free(j);
}

/* Starts j now (a slot is free); it settles when reaped. */
static void start_exec(struct action_worker *w, struct action_job *j)
{
	char err[256];
	int pid = action_runner_exec(w->runner, j->argv, &j->alert,
				     clock_mono_ns() / 1000000, err, sizeof(err));

	if (pid < 0) {
		settle(w, j->rule, false, false, err);
	} else {
		w->running = xgrow(w->running, &w->running_alloc, w->nrunning + 1,
				   sizeof(*w->running));
		w->running[w->nrunning++] = (struct running){pid, j->rule};
		j->rule = NULL;
	}
	job_free(j);
}

/* The rule the program pid ran for, taken out of the running list (owned). */
static char *take_running(struct action_worker *w, pid_t pid)
{
	for (size_t i = 0; i < w->nrunning; i++) {
		char *rule = w->running[i].rule;

		if (w->running[i].pid != pid)
			continue;
		w->running[i] = w->running[--w->nrunning];
		return rule;
	}
	return xstrdup("");
}

static void queue_exec(struct action_worker *w, struct action_job *j)
{
	if (!w->npending && action_runner_running(w->runner) < w->max_running) {
		start_exec(w, j);
		return;
	}
	if (w->npending >= w->cap) {
		drop(w, j, "too many actions waiting");
		return;
	}
	w->pending = xgrow(w->pending, &w->pending_alloc, w->npending + 1,
			   sizeof(*w->pending));
	w->pending[w->npending++] = j;
}

static void start_pending(struct action_worker *w)
{
	size_t started = 0;

	while (started < w->npending && action_runner_running(w->runner) < w->max_running)
		start_exec(w, w->pending[started++]);
	if (!started)
		return; /* pending may still be NULL: memmove must not see it */
	memmove(w->pending, w->pending + started,
		(w->npending - started) * sizeof(*w->pending));
	w->npending -= started;
}

static void reap(struct action_worker *w)
{
	struct action_result res[16];
	size_t n;

	do {
		n = action_runner_poll(w->runner, clock_mono_ns() / 1000000, res, 16);
		for (size_t i = 0; i < n; i++) {
			char *rule = take_running(w, res[i].pid);

			settle(w, rule, res[i].ok, false, res[i].message);
			free(rule);
		}
	} while (n == 16);
}

static void *worker_main(void *arg)
{
	struct action_worker *w = arg;

	pthread_setname_np(pthread_self(), "vigil-actions");
	for (;;) {
		bool busy = w->npending || action_runner_running(w->runner);
		struct action_job *j =
			queue_pop_timed(&w->q, busy ? BUSY_POLL_MS : IDLE_WAIT_MS);

		if (j && j->kind == JOB_LOG)
			run_log(w, j);
		else if (j && queue_closed(&w->q))
			drop(w, j, "vigil is stopping");
		else if (j)
			queue_exec(w, j);
		start_pending(w);
		reap(w);
		if (!j && queue_closed(&w->q))
			break;
	}
	for (size_t i = 0; i < w->npending; i++)
		drop(w, w->pending[i], "vigil is stopping");
	w->npending = 0;
	return NULL;
}

/* ---- the producer's side ---- */

struct action_worker *action_worker_start(size_t queue_cap, int64_t limit_ms,
					  size_t max_running)
{
	struct action_worker *w = xcalloc(1, sizeof(*w));
	pthread_condattr_t attr;

	w->cap = queue_cap ? queue_cap : ACTION_QUEUE_CAP;
	w->max_running = max_running ? max_running : ACTION_RUNNING_MAX_DEFAULT;
	w->runner = action_runner_new(limit_ms, w->max_running);
	queue_init(&w->q, w->cap);
	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&w->settled_cond, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&w->thread, NULL, worker_main, w) != 0)
		fatal("cannot start the alert action thread");
	return w;
}

void action_worker_stop(struct action_worker *w)
{
	action_worker_stop_counted(w, NULL);
}

void action_worker_stop_counted(struct action_worker *w, struct action_counts *out)
{
	if (!w)
		return;
	queue_close(&w->q);
	pthread_join(w->thread, NULL);
	action_runner_free(w->runner); /* kills what still runs */
	for (size_t i = 0; i < w->nrunning; i++) {
		settle(w, w->running[i].rule, false, true, "killed: vigil is stopping");
		free(w->running[i].rule);
	}
	free(w->running);
	if (out)
		*out = w->counts;
	queue_release(&w->q);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->settled_cond);
	free(w->pending);
	free(w->notices);
	free(w);
}

static void push(struct action_worker *w, struct action_job *j)
{
	struct action_job *evicted;

	pthread_mutex_lock(&w->lock);
	w->queued++;
	pthread_mutex_unlock(&w->lock);
	evicted = queue_push(&w->q, j);
	if (evicted == j)
		drop(w, j, "vigil is stopping");
	else if (evicted)
		drop(w, evicted, "too many actions queued");
}

void action_worker_log(struct action_worker *w, const char *rule, const char *path,
		       const struct action_alert *a)
{
	struct action_job *j = job_new(JOB_LOG, rule, a);

	j->path = xstrdup(path);
	push(w, j);
}

void action_worker_exec(struct action_worker *w, const char *rule, char *const argv[],
			const struct action_alert *a)
{
	struct action_job *j = job_new(JOB_EXEC, rule, a);
	size_t n = 0;

	while (argv && argv[n])
		n++;
	j->argv = xcalloc(n + 1, sizeof(*j->argv));
	for (size_t i = 0; i < n; i++)
		j->argv[i] = xstrdup(argv[i]);
	j->path = xstrdup(n ? argv[0] : "");
	push(w, j);
}

size_t action_worker_take(struct action_worker *w, struct notice **out)
{
	size_t n;

	pthread_mutex_lock(&w->lock);
	*out = w->notices;
	n = w->nnotices;
	w->notices = NULL;
	w->nnotices = w->notices_alloc = 0;
	pthread_mutex_unlock(&w->lock);
	return n;
}

void action_worker_counts(struct action_worker *w, struct action_counts *out)
{
	pthread_mutex_lock(&w->lock);
	*out = w->counts;
	pthread_mutex_unlock(&w->lock);
}

int action_worker_drain(struct action_worker *w, int64_t timeout_ms)
{
	int64_t until = clock_mono_ns() + timeout_ms * 1000000;
	struct timespec ts = {.tv_sec = until / 1000000000,
			      .tv_nsec = until % 1000000000};
	int rc = 0;

	pthread_mutex_lock(&w->lock);
	while (w->settled < w->queued && rc == 0)
		if (pthread_cond_timedwait(&w->settled_cond, &w->lock, &ts) != 0)
			rc = -1;
	pthread_mutex_unlock(&w->lock);
	return rc;
}
