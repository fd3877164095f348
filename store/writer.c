/* SPDX-License-Identifier: MIT */
/*
 * writer: the store writer thread. It pops frames off a bounded queue and
 * writes each in its own transaction; the sampler pushes and never waits.
 * Profiles and operator actions come on a side list, written after each
 * frame and once more at the end, so none is lost to a full frame queue.
 *
 * The queue (core/queue.h) evicts the oldest waiting frame when full, so on
 * a slow disk the file keeps the most recent ticks and the ticks table shows
 * the gap. Counters live under the writer's own lock, apart from the queue's,
 * so the UI can read them without touching the queue.
 */
#include "store/writer.h"

#include <pthread.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/queue.h"
#include "core/xalloc.h"
#include "store/action_rows.h"
#include "store/alert_rows.h"
#include "store/profiles.h"

/* A finished profile waiting to be written, with the alert that asked for it. */
struct pending_profile {
	struct profile *p; /* owned */
	char rule[160];	   /* "" when not captured for an alert */
	struct pending_profile *next;
};

/* An operator's action waiting to be written. */
struct pending_action {
	struct proc_action a;
	struct pending_action *next;
};

struct store_writer {
	struct store *store;  /* the rotation's current one, when rotating */
	struct rotation *rot; /* NULL: one file */
	int64_t last_ms;      /* time of the last frame written */
	bool switch_failed;   /* said once until a switch succeeds */
	struct queue queue;
	pthread_t thread;
	pthread_mutex_t lock; /* guards stats and profiles */
	struct store_writer_stats stats;
	struct pending_profile *profiles; /* oldest first */
	struct pending_action *actions;	  /* oldest first */
};

static void count(struct store_writer *w, int rc)
{
	pthread_mutex_lock(&w->lock);
	if (rc == 0) {
		w->stats.written++;
	} else {
		w->stats.failed++;
		snprintf(w->stats.last_error, sizeof(w->stats.last_error), "%s",
			 store_error(w->store));
	}
	pthread_mutex_unlock(&w->lock);
}

/* Writes the profiles handed in so far (between frames: the thread owns the
 * connection, and a profile is never lost to a full frame queue). */
static void write_profiles(struct store_writer *w)
{
	struct pending_profile *list, *next;
	char err[256];
	int64_t id;

	pthread_mutex_lock(&w->lock);
	list = w->profiles;
	w->profiles = NULL;
	pthread_mutex_unlock(&w->lock);
	for (; list; list = next) {
		next = list->next;
		if (store_write_profile_const(w->store, list->p, &id, err, sizeof(err)) <
		    0)
			log_debug("writer: profile: %s", err);
		else if (list->rule[0] &&
			 store_link_alert_profile(w->store, list->rule, id) < 0)
			log_debug("writer: profile of alert '%s': %s", list->rule,
				  store_error(w->store));
		else
			log_debug("writer: profile %lld stored", (long long)id);
		profile_free(list->p);
		free(list);
	}
}

/* Writes the operator actions handed in so far, in the order they came. */
static void write_actions(struct store_writer *w)
{
	struct pending_action *list, *next;

	pthread_mutex_lock(&w->lock);
	list = w->actions;
	w->actions = NULL;
	pthread_mutex_unlock(&w->lock);
	for (; list; list = next) {
		next = list->next;
		if (store_write_proc_action(w->store, &list->a) < 0)
			log_debug("writer: action %s on %d: %s", list->a.what,
				  list->a.pid, store_error(w->store));
		free(list);
	}
}

/* Between frames: the frame f belongs to the next file of the rotation. */
static void switch_file(struct store_writer *w, const struct frame *f)
{
	char err[512];

	if (rotation_next(w->rot, f->t_ms, w->last_ms, err, sizeof(err)) < 0) {
		if (!w->switch_failed)
			log_debug("writer: cannot switch files: %s", err);
		w->switch_failed = true;
		return;
	}
	w->switch_failed = false;
	w->store = rotation_store(w->rot);
}

static void *writer_main(void *arg)
{
	struct store_writer *w = arg;
	struct frame *f;

	pthread_setname_np(pthread_self(), "vigil-writer");
	/* NULL only once the queue is closed and drained */
	while ((f = queue_pop(&w->queue))) {
		int rc;

		if (w->rot && rotation_due(w->rot, f->t_ms))
			switch_file(w, f);
		rc = store_write_frame(w->store, f);
		if (rc == 0)
			w->last_ms = f->t_ms;

		if (rc < 0)
			log_debug("writer: frame %llu: %s", (unsigned long long)f->seq,
				  store_error(w->store));
		count(w, rc);
		frame_unref(f);
		write_profiles(w);
		write_actions(w);
	}
	write_profiles(w);
	write_actions(w);
	return NULL;
}

static struct store_writer *start(struct store *s, struct rotation *r, size_t queue_cap)
{
	struct store_writer *w = xcalloc(1, sizeof(*w));
	sigset_t all, old;
	int rc;

	w->store = s;
	w->rot = r;
	queue_init(&w->queue, queue_cap);
	pthread_mutex_init(&w->lock, NULL);
	/* Signals belong to the main thread (it turns them into flags); the
	 * new thread inherits this mask, so none is delivered to it. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&w->thread, NULL, writer_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc)
		fatal("cannot start the store writer thread: %s", strerror(rc));
	return w;
}

struct store_writer *store_writer_start(struct store *s, size_t queue_cap)
{
	return start(s, NULL, queue_cap);
}

struct store_writer *store_writer_start_rotating(struct rotation *r, size_t queue_cap)
{
	return start(rotation_store(r), r, queue_cap);
}

void store_writer_push(struct store_writer *w, struct frame *f)
{
	struct frame *evicted = queue_push(&w->queue, frame_ref(f));

	/* the oldest waiting frame (counted by the queue), or f itself if the
	 * queue is already closed; either way it will not be written */
	frame_unref(evicted);
}

void store_writer_push_profile(struct store_writer *w, struct profile *p,
			       const char *rule)
{
	struct pending_profile *e = xcalloc(1, sizeof(*e)), **tail;

	e->p = p;
	snprintf(e->rule, sizeof(e->rule), "%s", rule ? rule : "");
	pthread_mutex_lock(&w->lock);
	for (tail = &w->profiles; *tail; tail = &(*tail)->next)
		;
	*tail = e;
	pthread_mutex_unlock(&w->lock);
}

void store_writer_push_action(struct store_writer *w, const struct proc_action *a)
{
	struct pending_action *e = xcalloc(1, sizeof(*e)), **tail;

	e->a = *a;
	pthread_mutex_lock(&w->lock);
	for (tail = &w->actions; *tail; tail = &(*tail)->next)
		;
	*tail = e;
	pthread_mutex_unlock(&w->lock);
}

void store_writer_stats(struct store_writer *w, struct store_writer_stats *out)
{
	pthread_mutex_lock(&w->lock);
	*out = w->stats;
	pthread_mutex_unlock(&w->lock);
	out->dropped = queue_dropped(&w->queue);
}

void store_writer_finish(struct store_writer *w, struct store_writer_stats *out)
{
	if (!w)
		return;
	queue_close(&w->queue);
	pthread_join(w->thread, NULL);
	if (out)
		store_writer_stats(w, out);
	log_debug("writer: stopped: %llu written, %llu dropped, %llu failed",
		  (unsigned long long)w->stats.written,
		  (unsigned long long)queue_dropped(&w->queue),
		  (unsigned long long)w->stats.failed);
	queue_release(&w->queue);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

void store_writer_stop(struct store_writer *w)
{
	store_writer_finish(w, NULL);
}
