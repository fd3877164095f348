/* SPDX-License-Identifier: MIT */
/*
 * test_alert_rows: alert events and the processes they name, written into a
 * session and read back: an event keeps its top processes in rank order; an
 * event without any reads back with none; an acknowledged alert's state
 * shows what its firing named; and a file from before schema 8 (no top_by,
 * no alert_top) reads with none, never an error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/frame.h"
#include "store/alert_rows.h"
#include "store/store.h"

#define T0 1700000000000LL

static char path[64];

static void remove_session(void)
{
	char p[80];

	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

static void add_event(struct frame *f, const char *rule, const char *state,
		      const char *top_by, size_t ntop)
{
	struct alert_event *e;

	f->alerts = realloc(f->alerts, (f->nalerts + 1) * sizeof(*f->alerts));
	assert_non_null(f->alerts);
	e = &f->alerts[f->nalerts++];
	memset(e, 0, sizeof(*e));
	e->t_ms = f->t_ms;
	snprintf(e->rule, sizeof(e->rule), "%s", rule);
	snprintf(e->severity, sizeof(e->severity), "warning");
	snprintf(e->state, sizeof(e->state), "%s", state);
	snprintf(e->message, sizeof(e->message), "%s is %s", rule, state);
	snprintf(e->top_by, sizeof(e->top_by), "%s", top_by);
	e->ntop = ntop;
	for (size_t k = 0; k < ntop; k++) {
		e->top[k].pid = 100 + (int)k;
		snprintf(e->top[k].comm, sizeof(e->top[k].comm), "proc%zu", k);
		e->top[k].value = 90.0 - 10.0 * (double)k;
	}
}

/* tick 0: cpu-hot fires naming three; tick 1: it is acknowledged and a
 * target rule goes pending (names none). */
static void write_session(void)
{
	struct store *s = sql_session_new(path, sizeof(path), "alertrows", T0, 100);

	assert_non_null(s);
	for (int i = 0; i < 2; i++) {
		struct frame *f = frame_new();

		f->seq = (uint64_t)i;
		f->t_ms = T0 + 1000 * i;
		if (i == 0) {
			add_event(f, "cpu-hot", "firing", "cpu", 3);
		} else {
			add_event(f, "cpu-hot", "acked", "", 0);
			add_event(f, "big-rss", "pending", "", 0);
		}
		if (store_write_frame(s, f) < 0)
			fail_msg("store_write_frame: %s", store_error(s));
		frame_unref(f);
	}
	store_close(s);
}

static void assert_top3(const struct alert_event *e)
{
	assert_string_equal(e->top_by, "cpu");
	assert_int_equal(e->ntop, 3);
	for (size_t k = 0; k < 3; k++) {
		char comm[16];

		snprintf(comm, sizeof(comm), "proc%zu", k);
		assert_int_equal(e->top[k].pid, 100 + (int)k);
		assert_string_equal(e->top[k].comm, comm);
		assert_true(e->top[k].value == 90.0 - 10.0 * (double)k);
	}
}

static void test_events_keep_their_processes(void **state)
{
	struct alert_event *ev;
	struct store *s;
	char err[256];
	size_t n;

	(void)state;
	write_session();
	assert_int_equal(store_open(path, &s, err, sizeof(err)), 0);
	assert_int_equal(query_alert_events(s, T0, T0 + 5000, 100, &ev, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(ev[0].state, "firing");
	assert_top3(&ev[0]);
	assert_string_equal(ev[1].state, "acked"); /* id order within a tick */
	assert_string_equal(ev[1].top_by, "");
	assert_int_equal(ev[1].ntop, 0);
	assert_string_equal(ev[2].rule, "big-rss");
	assert_int_equal(ev[2].ntop, 0);
	free(ev);

	/* the states at the end: the acknowledged alert shows its firing's */
	assert_int_equal(query_alert_states_at(s, T0 + 5000, &ev, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ev[0].rule, "big-rss");
	assert_int_equal(ev[0].ntop, 0);
	assert_string_equal(ev[1].rule, "cpu-hot");
	assert_string_equal(ev[1].state, "acked");
	assert_top3(&ev[1]);
	free(ev);
	store_close(s);
	remove_session();
}

/* A file from before v8 has neither the column nor the table. */
static void test_before_schema_8(void **state)
{
	struct alert_event *ev;
	struct store *s;
	char err[256];
	size_t n;

	(void)state;
	write_session();
	sql_exec(path,
		 "DROP TABLE alert_top; ALTER TABLE alert_events DROP COLUMN top_by;"
		 " PRAGMA user_version = 6");
	assert_int_equal(store_open(path, &s, err, sizeof(err)), 0);
	assert_int_equal(query_alert_events(s, T0, T0 + 5000, 100, &ev, &n), 0);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(ev[i].top_by, "");
		assert_int_equal(ev[i].ntop, 0);
	}
	free(ev);
	assert_int_equal(query_alert_states_at(s, T0 + 5000, &ev, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ev[1].ntop, 0);
	free(ev);
	store_close(s);
	remove_session();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events_keep_their_processes),
		cmocka_unit_test(test_before_schema_8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
