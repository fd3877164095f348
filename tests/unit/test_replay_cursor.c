/* SPDX-License-Identifier: MIT */
/*
 * test_replay_cursor: tui/replay, the replay cursor, over a real session file
 * (not test_replay: the terminal test has that name). It steps and jumps on
 * stored ticks only; End follows a live edge only where there is one: a
 * recording its writer ended, or one nobody ended whose newest tick is long
 * past (its recorder died), is closed, and following stops once the
 * recording is. That a fresh, open recording is followed is the terminal
 * test's (tests/tui/test_replay.c, with a real recorder): here it would
 * depend on the wall clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "sql.h"

#include "core/frame.h"
#include "store/store.h"
#include "tui/replay.h"

#define T0 1700000000000LL /* November 2023: long past */
#define TICKS 10

static char path[64];

/* A session of TICKS ticks a second apart from T0, ended or not. */
static void write_session(bool ended)
{
	struct store *s = sql_session_new(path, sizeof(path), "replay", T0, 100);

	assert_non_null(s);
	for (uint64_t i = 0; i < TICKS; i++) {
		struct frame *f = frame_new();

		f->seq = i;
		f->t_ms = T0 + 1000 * (int64_t)i;
		assert_int_equal(store_write_frame(s, f), 0);
		frame_unref(f);
	}
	if (ended)
		assert_int_equal(
			store_session_end(
				s, &(struct session_meta){.ended_ms = T0 + 1000 * TICKS,
							  .target_exit_code = -1}),
			0);
	store_close(s);
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

static void test_steps_on_ticks(void **state)
{
	struct store *s;
	struct replay r;

	(void)state;
	write_session(true);
	s = open_session();
	assert_int_equal(replay_open(&r, s), 0);
	assert_int_equal(r.cursor_ms, T0);
	assert_int_equal(r.index, 1);
	assert_int_equal(r.ticks, TICKS);
	assert_false(replay_step(&r, -1)); /* nothing before the first */
	assert_true(replay_step(&r, +1));
	assert_int_equal(r.cursor_ms, T0 + 1000);
	assert_int_equal(r.index, 2);
	assert_true(replay_jump(&r, T0 + 4500)); /* the tick at or before */
	assert_int_equal(r.cursor_ms, T0 + 4000);
	assert_true(replay_jump(&r, T0 - 60000)); /* before it all: the first */
	assert_int_equal(r.cursor_ms, T0);
	store_close(s);
}

/* End of an ended recording: the last tick, not following; END there. */
static void test_ended_recording_is_not_followed(void **state)
{
	struct store *s;
	struct replay r;

	(void)state;
	write_session(true);
	s = open_session();
	assert_int_equal(replay_open(&r, s), 0);
	assert_true(r.closed);
	assert_true(replay_end(&r));
	assert_int_equal(r.cursor_ms, T0 + 1000 * (TICKS - 1));
	assert_int_equal(r.index, TICKS);
	assert_false(r.follow);
	assert_int_equal(replay_wait_ms(&r), -1); /* nothing to wait for */
	/* following (as if it had been open when End was pressed) stops */
	r.follow = true;
	assert_true(replay_advance(&r, 0));
	assert_false(r.follow);
	assert_false(replay_advance(&r, 0));
	/* Space at the end plays from the start */
	replay_toggle_play(&r, 0);
	assert_true(r.playing);
	assert_int_equal(r.cursor_ms, T0);
	store_close(s);
}

/* Nobody ended it, but its newest tick is years old: its recorder died. */
static void test_abandoned_recording_is_closed(void **state)
{
	struct store *s;
	struct replay r;

	(void)state;
	write_session(false);
	assert_int_equal(sql_int(path, "SELECT ended_ms IS NULL FROM sessions"), 1);
	s = open_session();
	assert_int_equal(replay_open(&r, s), 0);
	assert_true(r.closed);
	replay_end(&r);
	assert_false(r.follow);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_steps_on_ticks, teardown),
		cmocka_unit_test_teardown(test_ended_recording_is_not_followed, teardown),
		cmocka_unit_test_teardown(test_abandoned_recording_is_closed, teardown),
	};

	return cmocka_run_group_tests_name("replay", tests, NULL, NULL);
}
