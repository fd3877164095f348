/* SPDX-License-Identifier: MIT */
/*
 * offcpu: off-CPU intervals from switch-outs and switch-ins. The perf
 * sampler (collectors/perf_sampler.h, PERF_SAMPLER_SWITCHES) gives a stack at
 * every switch-out and a time at every switch-in, from one ring per CPU; a
 * thread that leaves CPU 0 and comes back on CPU 1 has its two halves in two
 * rings, read in either order. Here they are collected per poll round, put in
 * time order, and paired per thread: the stack taken when the thread left,
 * weighted by the time until it came back.
 *
 * Weights are handed out in units of the profile's sampling period (1/hz),
 * so off-CPU and on-CPU samples weigh the same: each thread keeps the
 * nanoseconds below one period as a carry for its next interval, so across a
 * capture a thread's off-CPU units are its off-CPU time over the period, to
 * within one.
 *
 * A thread whose first event is a switch-in (not its creation) was off CPU
 * since before the start: that time is charged without a stack (n 0); one still off CPU
 * at the end is charged up to the end (offcpu_finish). A thread off CPU for the whole
 * capture has no event at all and is not seen here. A switch-in older than its thread's
 * pending switch-out (a record that came a round late) is counted as unpaired and
 * dropped. One thread uses an offcpu.
 */
#ifndef VIGIL_COLLECTORS_OFFCPU_H
#define VIGIL_COLLECTORS_OFFCPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct offcpu;

struct offcpu_stats {
	uint64_t intervals;    /* switch-out/switch-in pairs */
	uint64_t ns;	       /* their total length */
	uint64_t before_start; /* intervals from the start, first event a switch-in */
	uint64_t unpaired;     /* switch-ins dropped: older than the switch-out */
};

/* One off-CPU stack: ips innermost first, borrowed for the call; units of
 * the period (may be 0: a short interval whose time went to the carry). */
typedef void (*offcpu_fn)(void *ctx, int tid, const uint64_t *ips, size_t n,
			  bool truncated, uint64_t units);

/* start: when the capture began, on the clock of the event times. */
struct offcpu *offcpu_new(uint64_t period_ns, uint64_t start);
void offcpu_free(struct offcpu *o);

/* tid left its CPU at time with this stack (copied). */
void offcpu_out(struct offcpu *o, int tid, uint64_t time, const uint64_t *ips, size_t n,
		bool truncated);
/* tid came back on a CPU at time. */
void offcpu_in(struct offcpu *o, int tid, uint64_t time);
/* tid was created at time (not off CPU before it). */
void offcpu_born(struct offcpu *o, int tid, uint64_t time);
/* Pairs what came since the last flush, in time order, and hands every
 * interval to fn. */
void offcpu_flush(struct offcpu *o, offcpu_fn fn, void *ctx);
/* Flushes, then charges threads still off CPU up to end. */
void offcpu_finish(struct offcpu *o, uint64_t end, offcpu_fn fn, void *ctx);

void offcpu_stats(const struct offcpu *o, struct offcpu_stats *out);

#endif
