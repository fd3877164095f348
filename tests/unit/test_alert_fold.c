/* SPDX-License-Identifier: MIT */
/*
 * test_alert_fold: folding pending-and-back flaps into one row: a run of
 * one rule's pending/inactive moves is one row with its count, other rules
 * in between do not break it, firing/resolved/acked rows stand alone and
 * end a run, and rows come out ordered by their newest transition.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/alert_fold.h"

#define MAX_EV 128

static struct alert_event ev[MAX_EV];
static struct alert_fold rows[MAX_EV];
static size_t nev;

static int reset(void **state)
{
	(void)state;
	memset(ev, 0, sizeof(ev));
	memset(rows, 0xff, sizeof(rows)); /* no row may be left unwritten */
	nev = 0;
	return 0;
}

static void add(const char *rule, const char *st)
{
	assert_true(nev < MAX_EV);
	ev[nev].t_ms = 1000 * (int64_t)nev;
	snprintf(ev[nev].rule, sizeof(ev[nev].rule), "%s", rule);
	snprintf(ev[nev].state, sizeof(ev[nev].state), "%s", st);
	nev++;
}

static void test_empty(void **state)
{
	(void)state;
	assert_int_equal(alert_fold(ev, 0, rows), 0);
}

/* 37 times pending and back: one row, 74 transitions, 37 flaps. */
static void test_flaps_fold_into_one_row(void **state)
{
	size_t n;

	(void)state;
	for (int i = 0; i < 37; i++) {
		add("cpu-hot", "pending");
		add("cpu-hot", "inactive");
	}
	n = alert_fold(ev, nev, rows);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].n, 74);
	assert_int_equal(rows[0].flaps, 37);
	assert_int_equal(rows[0].first, 0);
	assert_int_equal(rows[0].last, 73);
	assert_true(alert_fold_is_flap(&rows[0]));
}

/* A pending that fires is two rows; the firing ends the run. */
static void test_firing_ends_a_run(void **state)
{
	size_t n;

	(void)state;
	add("r", "pending");
	add("r", "inactive");
	add("r", "pending");
	add("r", "firing");
	add("r", "resolved");
	add("r", "pending");
	add("r", "inactive");
	n = alert_fold(ev, nev, rows);
	assert_int_equal(n, 4);
	assert_int_equal(rows[0].n, 3); /* pending inactive pending */
	assert_int_equal(rows[0].flaps, 2);
	assert_int_equal(rows[0].last, 2);
	assert_int_equal(rows[1].n, 1);
	assert_string_equal(ev[rows[1].last].state, "firing");
	assert_false(alert_fold_is_flap(&rows[1]));
	assert_string_equal(ev[rows[2].last].state, "resolved");
	assert_int_equal(rows[3].first, 5);
	assert_int_equal(rows[3].n, 2);
	assert_int_equal(rows[3].flaps, 1);
}

/* Another rule's transitions in between: each rule keeps its own run, and
 * the rows are ordered by their newest transition. */
static void test_interleaved_rules(void **state)
{
	size_t n;

	(void)state;
	add("a", "pending");  /* 0 */
	add("b", "firing");   /* 1 */
	add("a", "inactive"); /* 2 */
	add("c", "pending");  /* 3 */
	add("a", "pending");  /* 4 */
	add("c", "inactive"); /* 5 */
	add("b", "resolved"); /* 6 */
	n = alert_fold(ev, nev, rows);
	assert_int_equal(n, 4);
	/* b firing (1), a's run (0, 2, 4), c's run (3, 5), b resolved (6) */
	assert_int_equal(rows[0].last, 1);
	assert_string_equal(ev[rows[1].last].rule, "a");
	assert_int_equal(rows[1].first, 0);
	assert_int_equal(rows[1].last, 4);
	assert_int_equal(rows[1].n, 3);
	assert_int_equal(rows[1].flaps, 2);
	assert_string_equal(ev[rows[2].last].rule, "c");
	assert_int_equal(rows[2].n, 2);
	assert_int_equal(rows[3].last, 6);
}

/* An acknowledgement is a row of its own too. */
static void test_ack_is_its_own_row(void **state)
{
	(void)state;
	add("r", "firing");
	add("r", "acked");
	add("r", "resolved");
	assert_int_equal(alert_fold(ev, nev, rows), 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(rows[i].n, 1);
		assert_int_equal(rows[i].last, (size_t)i);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_empty, reset),
		cmocka_unit_test_setup(test_flaps_fold_into_one_row, reset),
		cmocka_unit_test_setup(test_firing_ends_a_run, reset),
		cmocka_unit_test_setup(test_interleaved_rules, reset),
		cmocka_unit_test_setup(test_ack_is_its_own_row, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
