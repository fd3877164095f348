/* SPDX-License-Identifier: MIT */
/*
 * test_offcpu: pairing of switch-outs and switch-ins (collectors/offcpu.c).
 * Events are fed the way the perf rings give them (per CPU, so out of time
 * order across a flush's input) and the intervals handed out are recorded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "collectors/offcpu.h"

#define PERIOD 1000 /* ns per unit */

struct got {
	int tid[16];
	uint64_t leaf[16]; /* ips[0], 0 without a stack */
	uint64_t units[16];
	size_t n;
};

static void record(void *ctx, int tid, const uint64_t *ips, size_t n, bool truncated,
		   uint64_t units)
{
	struct got *g = ctx;

	(void)truncated;
	assert_true(g->n < 16);
	g->tid[g->n] = tid;
	g->leaf[g->n] = n ? ips[0] : 0;
	g->units[g->n] = units;
	g->n++;
}

static void out(struct offcpu *o, int tid, uint64_t time, uint64_t leaf)
{
	uint64_t ips[2] = {leaf, 0x999};

	offcpu_out(o, tid, time, ips, 2, false);
}

/* One interval: the stack of the switch-out, the time to the switch-in. */
static void test_pair(void **state)
{
	struct offcpu *o = offcpu_new(PERIOD, 0);
	struct got g = {0};
	struct offcpu_stats st;

	(void)state;
	out(o, 7, 10000, 0xa);
	offcpu_in(o, 7, 15000);
	offcpu_flush(o, record, &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.tid[0], 7);
	assert_int_equal(g.leaf[0], 0xa);
	assert_int_equal(g.units[0], 5);
	offcpu_stats(o, &st);
	assert_int_equal(st.intervals, 1);
	assert_int_equal(st.ns, 5000);
	offcpu_free(o);
}

/* Two rings read one after the other: the halves of two intervals arrive
 * crossed, and are paired by time, not by arrival. */
static void test_rings_read_out_of_order(void **state)
{
	struct offcpu *o = offcpu_new(PERIOD, 0);
	struct got g = {0};

	(void)state;
	/* ring of CPU 0: out at 1000 (stack a), in at 9000 */
	out(o, 3, 1000, 0xa);
	offcpu_in(o, 3, 9000);
	/* ring of CPU 1: in at 3000, out at 5000 (stack b) */
	offcpu_in(o, 3, 3000);
	out(o, 3, 5000, 0xb);
	offcpu_flush(o, record, &g);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.leaf[0], 0xa);
	assert_int_equal(g.units[0], 2);
	assert_int_equal(g.leaf[1], 0xb);
	assert_int_equal(g.units[1], 4);
	offcpu_free(o);
}

/* Short intervals add up through the carry instead of rounding to 0. */
static void test_carry(void **state)
{
	struct offcpu *o = offcpu_new(PERIOD, 0);
	struct got g = {0};
	uint64_t total = 0;

	(void)state;
	for (uint64_t i = 0; i < 10; i++) {
		out(o, 1, i * 1000, 0xc);
		offcpu_in(o, 1, i * 1000 + 300); /* 300 ns off each time */
	}
	offcpu_flush(o, record, &g);
	assert_int_equal(g.n, 10);
	for (size_t i = 0; i < g.n; i++)
		total += g.units[i];
	assert_int_equal(total, 3); /* 3000 ns */
	offcpu_free(o);
}

/* A first switch-in is charged from the start, without a stack; one still
 * out at the end is charged to the end; an interval spans flushes; a
 * switch-in older than the pending switch-out is dropped. */
static void test_start_pending_and_finish(void **state)
{
	struct offcpu *o = offcpu_new(PERIOD, 100);
	struct got g = {0};
	struct offcpu_stats st;

	(void)state;
	offcpu_in(o, 2, 2100);
	out(o, 2, 3000, 0xd);
	out(o, 4, 2000, 0xe);
	offcpu_born(o, 5, 1500); /* created during the capture: not charged */
	offcpu_in(o, 5, 1600);
	offcpu_flush(o, record, &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.tid[0], 2);
	assert_int_equal(g.leaf[0], 0); /* no stack */
	assert_int_equal(g.units[0], 2);
	g.n = 0;
	offcpu_in(o, 2, 2500); /* late, older than the switch-out at 3000 */
	offcpu_in(o, 2, 6000); /* next round */
	offcpu_finish(o, 11000, record, &g);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.tid[0], 2);
	assert_int_equal(g.leaf[0], 0xd);
	assert_int_equal(g.units[0], 3);
	assert_int_equal(g.tid[1], 4);
	assert_int_equal(g.leaf[1], 0xe);
	assert_int_equal(g.units[1], 9);
	offcpu_stats(o, &st);
	assert_int_equal(st.before_start, 1);
	assert_int_equal(st.unpaired, 2); /* the late one, and thread 5's first */
	assert_int_equal(st.intervals, 3);
	offcpu_free(o);
}

/* Threads are kept apart. */
static void test_threads_apart(void **state)
{
	struct offcpu *o = offcpu_new(PERIOD, 0);
	struct got g = {0};

	(void)state;
	out(o, 1, 1000, 0x1);
	out(o, 2, 1500, 0x2);
	offcpu_in(o, 2, 2500);
	offcpu_in(o, 1, 7000);
	offcpu_flush(o, record, &g);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.tid[0], 2);
	assert_int_equal(g.units[0], 1);
	assert_int_equal(g.tid[1], 1);
	assert_int_equal(g.units[1], 6);
	offcpu_free(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pair),
		cmocka_unit_test(test_rings_read_out_of_order),
		cmocka_unit_test(test_carry),
		cmocka_unit_test(test_start_pending_and_finish),
		cmocka_unit_test(test_threads_apart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
