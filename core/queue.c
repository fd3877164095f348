/* SPDX-License-Identifier: MIT */
/* queue: ring buffer under one mutex; the consumer waits on a condition. */
#include "core/queue.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "core/xalloc.h"

void queue_init(struct queue *q, size_t cap)
{
	assert(cap > 0);
	pthread_condattr_t attr;

	pthread_mutex_init(&q->lock, NULL);
	/* queue_pop_timed waits on the monotonic clock: a clock step is no wait */
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&q->nonempty, &attr);
	pthread_condattr_destroy(&attr);
	q->items = xcalloc(cap, sizeof(*q->items));
	q->cap = cap;
	q->head = q->len = 0;
	q->dropped = 0;
	q->closed = false;
}

void queue_release(struct queue *q)
{
	assert(q->len == 0);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->nonempty);
	free(q->items);
	q->items = NULL;
}

void *queue_push(struct queue *q, void *item)
{
	void *evicted = NULL;

	pthread_mutex_lock(&q->lock);
	if (q->closed) {
		pthread_mutex_unlock(&q->lock);
		return item;
	}
	if (q->len == q->cap) {
		evicted = q->items[q->head];
		q->head = (q->head + 1) % q->cap;
		q->len--;
		q->dropped++;
	}
	q->items[(q->head + q->len) % q->cap] = item;
	q->len++;
	pthread_cond_signal(&q->nonempty);
	pthread_mutex_unlock(&q->lock);
	return evicted;
}

static void *take_locked(struct queue *q)
{
	void *item = q->items[q->head];

	q->head = (q->head + 1) % q->cap;
	q->len--;
	return item;
}

void *queue_pop(struct queue *q)
{
	void *item = NULL;

	pthread_mutex_lock(&q->lock);
	while (q->len == 0 && !q->closed)
		pthread_cond_wait(&q->nonempty, &q->lock);
	if (q->len)
		item = take_locked(q);
	pthread_mutex_unlock(&q->lock);
	return item;
}

void *queue_pop_timed(struct queue *q, int64_t timeout_ms)
{
	struct timespec until;
	void *item = NULL;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (timeout_ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&q->lock);
	while (q->len == 0 && !q->closed)
		if (pthread_cond_timedwait(&q->nonempty, &q->lock, &until) == ETIMEDOUT)
			break;
	if (q->len)
		item = take_locked(q);
	pthread_mutex_unlock(&q->lock);
	return item;
}

bool queue_closed(struct queue *q)
{
	bool closed;

	pthread_mutex_lock(&q->lock);
	closed = q->closed;
	pthread_mutex_unlock(&q->lock);
	return closed;
}

void *queue_try_pop(struct queue *q)
{
	void *item = NULL;

	pthread_mutex_lock(&q->lock);
	if (q->len)
		item = take_locked(q);
	pthread_mutex_unlock(&q->lock);
	return item;
}

void queue_close(struct queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->closed = true;
	pthread_cond_broadcast(&q->nonempty);
	pthread_mutex_unlock(&q->lock);
}

uint64_t queue_dropped(struct queue *q)
{
	uint64_t n;

	pthread_mutex_lock(&q->lock);
	n = q->dropped;
	pthread_mutex_unlock(&q->lock);
	return n;
}

size_t queue_len(struct queue *q)
{
	size_t n;

	pthread_mutex_lock(&q->lock);
	n = q->len;
	pthread_mutex_unlock(&q->lock);
	return n;
}
