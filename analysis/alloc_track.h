/* SPDX-License-Identifier: MIT */
/*
 * alloc_track: the arithmetic of allocation sampling, apart from any probe.
 *
 * - Sampling by bytes, as tcmalloc and jemalloc do it: a countdown of bytes
 *   drawn from an exponential distribution of mean rate; every allocation
 *   takes its size off it, and the one that crosses zero is sampled (then a
 *   new countdown is drawn). Each byte is thus sampled with probability
 *   1/rate, independently (a Poisson process over bytes), and an allocation
 *   of size s with probability p = 1 - exp(-s/rate).
 * - A sampled allocation stands for s / p bytes (its weight): the sum of
 *   the weights over a stack is an unbiased estimate of the bytes that
 *   stack allocated. (For s << rate the weight is about rate.)
 * - Sampled allocations are remembered by address until freed; the
 *   outstanding weight per call-tree node is what the capture left live.
 *
 * The tracker takes events in time order. One thread uses a tracker.
 */
#ifndef VIGIL_ANALYSIS_ALLOC_TRACK_H
#define VIGIL_ANALYSIS_ALLOC_TRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ALLOC_RATE_DEFAULT (512u * 1024u) /* jemalloc's lg_prof_sample 19 */

struct alloc_rate {
	double rate;  /* mean bytes between samples */
	double until; /* bytes left before the next sample */
	uint64_t rng; /* xorshift state, never 0 */
};

void alloc_rate_init(struct alloc_rate *r, uint64_t rate, uint64_t seed);
/* Takes size bytes off the countdown; true when this allocation is sampled. */
bool alloc_rate_take(struct alloc_rate *r, uint64_t size);
/* The bytes a sampled allocation of size stands for: size / (1 -
 * exp(-size/rate)). */
double alloc_weight(uint64_t size, double rate);

/*
 * Duty cycle (alloc mode): the probes are open for ALLOC_DUTY_ON_NS, then
 * closed for an off time drawn uniformly from [0.5, 1.5] times the one
 * that makes the on share pct percent, so the on phases do not lock to a
 * periodic program. Bytes seen while on stand for the whole capture: each
 * sampled weight is multiplied by wall / active time (the measured share,
 * not pct: closing and opening take the kernel a while). That is unbiased
 * when the program allocates at the same pace while the probes are on as
 * while they are off (a program the probes slow down allocates less while
 * they are on, and is underestimated by as much).
 */
#define ALLOC_DUTY_DEFAULT 3		   /* percent */
#define ALLOC_DUTY_ON_NS (100 * 1000000LL) /* one on phase */
/* The off time after an on phase of on_ns at pct (1..99) percent; rnd is
 * a uniform random 64-bit number. */
int64_t alloc_duty_off_ns(int64_t on_ns, int pct, uint64_t rnd);
/* What a byte seen while the probes were on stands for: wall_ns /
 * active_ns (1 when active_ns is 0 or not below wall_ns). */
double alloc_duty_scale(int64_t active_ns, int64_t wall_ns);

/* One live sampled allocation: the call-tree node it was made at. */
struct alloc_live {
	uint64_t addr;
	uint32_t node;
	int tid;      /* the thread that allocated it */
	double bytes; /* its weight */
};

struct alloc_track;

struct alloc_track *alloc_track_new(void);
void alloc_track_free(struct alloc_track *t);

/* A sampled allocation of weight bytes at node returned addr (0 is ignored).
 * A live one at the same address is replaced (its free was missed). */
void alloc_track_add(struct alloc_track *t, uint64_t addr, uint32_t node, int tid,
		     double bytes);
/* addr was freed: true when it was a sampled allocation (then *out is it). */
bool alloc_track_remove(struct alloc_track *t, uint64_t addr, struct alloc_live *out);
/* Live sampled allocations. */
size_t alloc_track_count(const struct alloc_track *t);
/* Calls fn for every live one (any order). */
void alloc_track_each(const struct alloc_track *t,
		      void (*fn)(void *ctx, const struct alloc_live *a), void *ctx);

#endif
