/* SPDX-License-Identifier: MIT */
/*
 * test_heapwatch: the target's heap on its cadences, against the fixture
 * tree tests/fixtures/proc-heap/normal. smaps is read on the heapwatch's own
 * thread: a reading asked for at one tick arrives with a later frame (stamped
 * with the tick it was asked at), is not read again before its period, comes
 * sooner when requested, and a process without smaps gives no regions and no
 * failure. Freeing while a reading is under way joins the thread cleanly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collectors/heapwatch.h"
#include "core/xalloc.h"

#define T0 1700000000000LL
#define STEP_MS 100   /* frame time advances this much per call */
#define POLLS_MAX 500 /* 5 s of 10 ms waits for the smaps thread */

static char *root(void)
{
	const char *src = getenv("VIGIL_SRCDIR");

	return xasprintf("%s/tests/fixtures/proc-heap/normal", src && *src ? src : ".");
}

static struct frame *frame_at(int pid, int64_t t_ms, bool alive)
{
	struct frame *f = frame_new();

	f->t_ms = t_ms;
	f->target = xcalloc(1, sizeof(*f->target));
	f->target->pid = pid;
	f->target->alive = alive;
	return f;
}

static void nap(void)
{
	struct timespec ts = {0, 10 * 1000 * 1000};

	nanosleep(&ts, NULL);
}

/* Reads frames STEP_MS apart from *t until one carries regions (true), or
 * POLLS_MAX frames went by; *asked_ms is that reading's time. */
static bool until_mappings(struct heapwatch *h, int pid, int64_t *t, int64_t *asked_ms,
			   size_t *n)
{
	for (int i = 0; i < POLLS_MAX; i++) {
		struct frame *f = frame_at(pid, *t, true);
		bool got;

		heapwatch_read(h, f);
		got = f->mappings != NULL;
		if (got) {
			*asked_ms = f->mappings->t_ms;
			*n = f->mappings->n;
		}
		frame_unref(f);
		*t += STEP_MS;
		if (got)
			return true;
		nap();
	}
	return false;
}

static void test_smaps_on_its_thread(void **state)
{
	char *r = root();
	struct heapwatch *h = heapwatch_new(r, 4242, 0, 60000);
	int64_t t = T0, asked = 0;
	size_t n = 0;

	(void)state;
	/* the first tick asks; the regions come with a later frame */
	assert_true(until_mappings(h, 4242, &t, &asked, &n));
	assert_int_equal(asked, T0);
	assert_true(n > 0);
	/* not again within the 60 s period (these frames span 50 s more) */
	assert_false(until_mappings(h, 4242, &t, &asked, &n) && t < T0 + 60000);
	/* asked for: the next reading comes now, not at T0 + 60 s */
	heapwatch_request_smaps(h, t);
	assert_true(until_mappings(h, 4242, &t, &asked, &n));
	assert_true(asked < T0 + 60000);
	heapwatch_free(h);
	free(r);
}

static void test_no_smaps_no_regions(void **state)
{
	char *r = root();
	struct heapwatch *h = heapwatch_new(r, 4343, 0, 1000);
	int64_t t = T0, asked = 0;
	size_t n = 0;

	(void)state;
	/* 4343 has a cgroup file only: readings fail quietly, nothing joins */
	assert_false(until_mappings(h, 4343, &t, &asked, &n));
	heapwatch_free(h);
	free(r);
}

static void test_dead_target_and_free_while_reading(void **state)
{
	char *r = root();
	struct heapwatch *h = heapwatch_new(r, 4242, 0, 0);
	struct frame *f = frame_at(4242, T0, false);

	(void)state;
	/* a target that is gone is not read at all */
	heapwatch_read(h, f);
	assert_null(f->rollup);
	assert_null(f->mappings);
	frame_unref(f);
	/* ask, then free at once: the reading under way is joined and freed */
	f = frame_at(4242, T0, true);
	heapwatch_read(h, f);
	assert_non_null(f->rollup);
	frame_unref(f);
	heapwatch_free(h);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smaps_on_its_thread),
		cmocka_unit_test(test_no_smaps_no_regions),
		cmocka_unit_test(test_dead_target_and_free_while_reading),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
