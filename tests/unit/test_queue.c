/* SPDX-License-Identifier: MIT */
/* test_queue: order, eviction of the oldest when full, close, and threads. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/queue.h"

static int items[100];

static void test_fifo_and_eviction(void **state)
{
	struct queue q;

	(void)state;
	queue_init(&q, 3);
	assert_null(queue_push(&q, &items[0]));
	assert_null(queue_push(&q, &items[1]));
	assert_null(queue_push(&q, &items[2]));
	/* full: the oldest comes back to the caller and is counted */
	assert_ptr_equal(queue_push(&q, &items[3]), &items[0]);
	assert_int_equal(queue_dropped(&q), 1);
	assert_int_equal(queue_len(&q), 3);
	assert_ptr_equal(queue_pop(&q), &items[1]);
	assert_ptr_equal(queue_try_pop(&q), &items[2]);
	assert_ptr_equal(queue_pop(&q), &items[3]);
	assert_null(queue_try_pop(&q));
	queue_close(&q);
	assert_null(queue_pop(&q)); /* closed and empty: no wait */
	assert_ptr_equal(queue_push(&q, &items[4]), &items[4]);
	queue_release(&q);
}

static void test_close_drains_first(void **state)
{
	struct queue q;

	(void)state;
	queue_init(&q, 4);
	queue_push(&q, &items[5]);
	queue_push(&q, &items[6]);
	queue_close(&q);
	assert_ptr_equal(queue_pop(&q), &items[5]);
	assert_ptr_equal(queue_pop(&q), &items[6]);
	assert_null(queue_pop(&q));
	queue_release(&q);
}

static void *consumer(void *arg)
{
	struct queue *q = arg;
	static long sum;
	int *p;

	sum = 0;
	while ((p = queue_pop(q)))
		sum += *p;
	return &sum;
}

/* Every pushed item is either consumed or handed back as evicted: none lost. */
static void test_threads_lose_nothing(void **state)
{
	struct queue q;
	pthread_t t;
	long evicted = 0, expected = 0;
	void *ret;

	(void)state;
	for (int i = 0; i < 100; i++)
		items[i] = i + 1;
	queue_init(&q, 2);
	pthread_create(&t, NULL, consumer, &q);
	for (int round = 0; round < 1000; round++)
		for (int i = 0; i < 100; i++) {
			int *back = queue_push(&q, &items[i]);

			expected += items[i];
			if (back)
				evicted += *back;
		}
	queue_close(&q);
	pthread_join(t, &ret);
	assert_int_equal(*(long *)ret + evicted, expected);
	queue_release(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fifo_and_eviction),
		cmocka_unit_test(test_close_drains_first),
		cmocka_unit_test(test_threads_lose_nothing),
	};

	return cmocka_run_group_tests_name("queue", tests, NULL, NULL);
}
