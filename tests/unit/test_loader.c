/* SPDX-License-Identifier: MIT */
/*
 * test_loader: the console's model filled from a real session file, live
 * (frames handed over) and replay (frames read at a cursor). A session holds
 * a 200 MiB target for 30 ticks, then a 1 MiB one for 30: whatever the time
 * and the window, the target's RSS series holds only the shown target's
 * ticks, and one release frees it all (run under ASan to see).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sql.h"

#include "core/frame.h"
#include "core/xalloc.h"
#include "store/store.h"
#include "tui/loader.h"

#define T0 1700000000000LL
#define MIB (1024.0 * 1024.0)
#define TICKS 60

static char path[64];

static struct frame *tick(uint64_t i)
{
	struct frame *f = frame_new();
	struct target_sample *tg = xcalloc(1, sizeof(*tg));
	bool big = i < TICKS / 2;

	f->seq = i;
	f->t_ms = T0 + 1000 * (int64_t)i;
	tg->pid = big ? 100 : 200;
	tg->start_ticks = 1;
	tg->alive = true;
	tg->exit_code = -1;
	tg->have = TARGET_HAVE_STAT | TARGET_HAVE_STATUS;
	tg->num_threads = 1;
	tg->vm_rss = big ? 200 * (uint64_t)MIB : (uint64_t)MIB;
	f->target = tg;
	return f;
}

static int setup(void **state)
{
	struct store *s;

	(void)state;
	s = sql_session_new(path, sizeof(path), "loader", T0, 100);
	if (!s)
		return -1;
	for (uint64_t i = 0; i < TICKS; i++) {
		struct frame *f = tick(i);

		if (store_write_frame(s, f) < 0)
			return -1;
		frame_unref(f);
	}
	store_close(s);
	return 0;
}

static int teardown(void **state)
{
	char p[80];

	(void)state;
	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
	return 0;
}

static struct store *open_session(void)
{
	struct store *s;
	char err[512];

	if (store_open(path, &s, err, sizeof(err)) < 0)
		fail_msg("store_open: %s", err);
	return s;
}

/* The largest value of a series and how many slots hold one. */
static double series_max(const struct ui_series *v, size_t *n)
{
	double max = NAN;

	*n = 0;
	for (size_t i = 0; i < v->n; i++)
		if (isfinite(v->v[i])) {
			max = isfinite(max) && max > v->v[i] ? max : v->v[i];
			(*n)++;
		}
	return max;
}

/* Live: the frames arrive one by one; the window covers both targets. */
static void test_live_switch(void **state)
{
	struct store *s = open_session();
	struct ui_model m = {0};
	struct model_request rq = {
		.window_ms = 120 * 1000, .points = 120, .want = MODEL_WANT_TARGET};
	size_t n;

	(void)state;
	for (uint64_t i = 0; i < TICKS; i++) {
		loader_take_frame(&m, tick(i));
		rq.t_ms = T0 + 1000 * (int64_t)i;
		rq.end_ms = rq.t_ms;
		loader_load(&m, s, &rq);
		if (i == TICKS / 2 - 1) { /* the big one, all of it */
			assert_true(series_max(&m.hist.trss, &n) == 200 * MIB);
			assert_int_equal(n, TICKS / 2);
		}
	}
	assert_int_equal(m.hist.trss.n, 120);
	/* the small one only: its first slot and the ones after it */
	assert_true(series_max(&m.hist.trss, &n) == MIB);
	assert_true(n >= TICKS / 2 - 1 && n <= TICKS / 2);
	assert_int_equal(m.cur->target->pid, 200);
	/* the system series are not a target's: both halves */
	ui_model_release(&m);
	assert_null(m.cur);
	store_close(s);
}

/* Replay: the window around the cursor reaches both targets. */
static void test_replay_cursor(void **state)
{
	struct store *s = open_session();
	struct ui_model m = {0};
	struct model_request rq = {.window_ms = 120 * 1000,
				   .points = 120,
				   .centred = true,
				   .end_ms = T0 + 1000 * (TICKS - 1),
				   .want = MODEL_WANT_TARGET};
	char err[256];
	size_t n;

	(void)state;
	rq.t_ms = T0 + 10 * 1000; /* the big one, the small one's ticks after */
	assert_int_equal(loader_load_frames(&m, s, rq.t_ms, err, sizeof(err)), 0);
	loader_load(&m, s, &rq);
	assert_int_equal(m.cur->target->pid, 100);
	assert_true(series_max(&m.hist.trss, &n) == 200 * MIB);
	assert_int_equal(n, TICKS / 2);
	rq.t_ms = T0 + 45 * 1000; /* the small one, the big one's ticks before */
	assert_int_equal(loader_load_frames(&m, s, rq.t_ms, err, sizeof(err)), 0);
	loader_load(&m, s, &rq);
	assert_int_equal(m.cur->target->pid, 200);
	assert_true(series_max(&m.hist.trss, &n) == MIB);
	assert_int_equal(n, TICKS / 2);
	assert_int_equal(loader_load_frames(&m, s, T0 - 1000, err, sizeof(err)), -1);
	assert_int_equal(m.cur->target->pid, 200); /* unchanged on failure */
	ui_model_release(&m);
	store_close(s);
}

/* The graphs' window: live it ends at the newest tick; replay it is around
 * the cursor but never runs past the recording's end (where it ends at the
 * cursor) nor, when the recording is long enough, before its start. */
static void test_window(void **state)
{
	const int64_t w = 300 * 1000, first = T0, last = T0 + 3600 * 1000;
	struct model_request rq = {.window_ms = w, .start_ms = first, .end_ms = last};
	int64_t t0, t1;

	(void)state;
	rq.t_ms = last; /* live: the window ends at the newest tick */
	loader_window(&rq, &t0, &t1);
	assert_int_equal(t1, last + 1);
	assert_int_equal(t1 - t0, w);
	rq.centred = true; /* replay at End: the same, ending at the cursor */
	loader_window(&rq, &t0, &t1);
	assert_int_equal(t1, last + 1);
	assert_int_equal(t0, last + 1 - w);
	rq.t_ms = T0 + 1800 * 1000; /* in the middle: centred */
	loader_window(&rq, &t0, &t1);
	assert_int_equal(t0, rq.t_ms - w / 2);
	assert_int_equal(t1, rq.t_ms + w / 2);
	rq.t_ms = last - 60 * 1000; /* near the end: it ends there, no blank half */
	loader_window(&rq, &t0, &t1);
	assert_int_equal(t1, last + 1);
	rq.t_ms = first + 1000; /* near the start: it starts there */
	loader_window(&rq, &t0, &t1);
	assert_int_equal(t0, first);
	assert_int_equal(t1, first + w);
	rq.end_ms = first + 60 * 1000; /* shorter than the window: ends at the end */
	loader_window(&rq, &t0, &t1);
	assert_int_equal(t1, rq.end_ms + 1);
	/* wherever the cursor is, it is in the window */
	rq.end_ms = last;
	for (int64_t t = first; t <= last; t += 7919) {
		rq.t_ms = t;
		loader_window(&rq, &t0, &t1);
		assert_true(t0 <= t && t < t1 && t1 - t0 == w && t1 <= last + 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_switch),
		cmocka_unit_test(test_replay_cursor),
		cmocka_unit_test(test_window),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
