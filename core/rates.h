/* SPDX-License-Identifier: MIT */
/*
 * rates: every figure vigil derives from two readings of a process's or the
 * machine's counters, each by one function. The console's views, the alert
 * lookups, the process table and the profiler's CPU credit call these; the
 * store's SQL for long windows (store/series.c, metric kinds RATE, SHARE and
 * RATIO) states the same definitions row by row, and tests/unit/test_rates.c
 * checks that the two agree tick by tick and over wide buckets. The system's
 * disk and network totals, summed over devices, are core/iorates.
 *
 * A counter that went backwards (a thread that exited took its share, a
 * counter wrapped), a total or a clock that did not move gives RATE_UNKNOWN,
 * never a negative or infinite figure.
 */
#ifndef VIGIL_CORE_RATES_H
#define VIGIL_CORE_RATES_H

#include <stdint.h>

#define RATE_UNKNOWN (-1.0)

/* (now - before) per second over dt_s seconds (SQL: METRIC_RATE). */
double rate_per_s(uint64_t now, uint64_t before, double dt_s);

/* 100 * moved(part) / moved(total) (SQL: METRIC_SHARE): the machine's CPU
 * shares, the run-queue wait share. */
double rate_share_pct(uint64_t part_now, uint64_t part_before, uint64_t total_now,
		      uint64_t total_before);

/* moved(num) / moved(den) (SQL: METRIC_RATIO). */
double rate_ratio(uint64_t num_now, uint64_t num_before, uint64_t den_now,
		  uint64_t den_before);

/* CPU clock ticks as a percentage of one core: 100 is one core busy, 150
 * one and a half (a process's CPU, as top and htop show it). */
double rate_core_pct(uint64_t ticks_now, uint64_t ticks_before, long clk_tck,
		     double dt_s);

/* Clock ticks spent waiting as ms per second (block-IO delay). */
double rate_ticks_ms_per_s(uint64_t ticks_now, uint64_t ticks_before, long clk_tck,
			   double dt_s);

/*
 * The run-queue figures of a process or thread between two readings of its
 * schedstat (time on a CPU, time runnable but waiting, timeslices):
 * the wait as a share of runnable time, in ms per second, and per slice.
 */
struct sched_rates {
	double wait_share_pct;
	double wait_ms_per_s;
	double wait_us_per_slice;
};

void rate_sched(uint64_t run_ns, uint64_t delay_ns, uint64_t slices, uint64_t prev_run_ns,
		uint64_t prev_delay_ns, uint64_t prev_slices, double dt_s,
		struct sched_rates *out);

#endif
