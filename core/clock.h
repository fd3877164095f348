/* SPDX-License-Identifier: MIT */
/*
 * clock: the two clocks vigil uses. Wall time (ms since the epoch) is what is
 * stored; the monotonic clock (ns) paces ticks and measures durations, so a
 * wall-clock step never stretches or shrinks an interval.
 */
#ifndef VIGIL_CORE_CLOCK_H
#define VIGIL_CORE_CLOCK_H

#include <stdint.h>

int64_t clock_wall_ms(void);
int64_t clock_mono_ns(void);
/* Sleeps until the monotonic clock reads deadline_ns; returns early (-1) on a signal. */
int clock_sleep_until(int64_t deadline_ns);

#endif
