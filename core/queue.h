/* SPDX-License-Identifier: MIT */
/*
 * queue: a bounded FIFO of pointers between threads.
 *
 * The producer (the sampler) must never wait for the consumer (the store
 * writer, which may be stuck on a slow disk). queue_push() therefore never
 * blocks: when the queue is full it evicts the oldest item, hands it back to
 * the caller to release, and counts the drop. queue_pop() blocks until an item
 * arrives or the queue is closed and empty.
 */
#ifndef VIGIL_CORE_QUEUE_H
#define VIGIL_CORE_QUEUE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct queue {
	pthread_mutex_t lock;
	pthread_cond_t nonempty;
	void **items;
	size_t cap, head, len;
	uint64_t dropped;
	bool closed;
};

void queue_init(struct queue *q, size_t cap);
/* The queue must be empty (drained by the caller) and no thread may use it. */
void queue_release(struct queue *q);
/*
 * Appends item. Returns NULL, or, when the queue was full, the evicted oldest
 * item, whose ownership passes back to the caller. Pushing to a closed queue
 * returns item itself.
 */
void *queue_push(struct queue *q, void *item);
/* Waits for an item; NULL once the queue is closed and drained. Caller owns it. */
void *queue_pop(struct queue *q);
/* Like queue_pop, but NULL also once timeout_ms (>= 0) passed with nothing. */
void *queue_pop_timed(struct queue *q, int64_t timeout_ms);
/* Whether queue_close was called. */
bool queue_closed(struct queue *q);
/* Like queue_pop but returns NULL at once when the queue is empty. */
void *queue_try_pop(struct queue *q);
/* Wakes every waiter; later pops drain what is left, then return NULL. */
void queue_close(struct queue *q);
uint64_t queue_dropped(struct queue *q);
size_t queue_len(struct queue *q);

#endif
