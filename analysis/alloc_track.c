/* SPDX-License-Identifier: MIT */
/*
 * alloc_track: byte-sampling countdown, weights, and the address table of
 * live sampled allocations (open addressing with backward-shift deletion,
 * grown at half full).
 */
#include "analysis/alloc_track.h"

#include <math.h>
#include <stdlib.h>

#include "core/xalloc.h"

struct alloc_track {
	struct alloc_live *slots; /* addr 0: empty */
	size_t cap, n;		  /* cap a power of two */
};

static uint64_t next_rand(struct alloc_rate *r)
{
	uint64_t x = r->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	r->rng = x;
	return x;
}

/* An exponential draw of mean rate. */
static double draw(struct alloc_rate *r)
{
	/* 53 random bits in (0, 1] */
	double u = (double)((next_rand(r) >> 11) + 1) / 9007199254740992.0;

	return -log(u) * r->rate;
}

void alloc_rate_init(struct alloc_rate *r, uint64_t rate, uint64_t seed)
{
	r->rate = rate ? (double)rate : 1.0;
	r->rng = seed ? seed : 0x9e3779b97f4a7c15ull;
	r->until = draw(r);
}

bool alloc_rate_take(struct alloc_rate *r, uint64_t size)
{
	r->until -= (double)size;
	if (r->until > 0)
		return false;
	/* the next sampled byte comes an exponential draw after this one; the
	 * rest of this allocation's bytes count towards it */
	do
		r->until += draw(r);
	while (r->until <= 0);
	return true;
}

double alloc_weight(uint64_t size, double rate)
{
	double p;

	if (!size)
		return 0;
	p = -expm1(-(double)size / rate);
	return p > 0 ? (double)size / p : (double)size;
}

int64_t alloc_duty_off_ns(int64_t on_ns, int pct, uint64_t rnd)
{
	double u = (double)(rnd >> 11) / 9007199254740992.0; /* [0, 1) */
	double mean;

	if (pct >= 100 || pct <= 0 || on_ns <= 0)
		return 0;
	mean = (double)on_ns * (100 - pct) / pct;
	return (int64_t)(mean * (0.5 + u));
}

double alloc_duty_scale(int64_t active_ns, int64_t wall_ns)
{
	if (active_ns <= 0 || active_ns >= wall_ns)
		return 1;
	return (double)wall_ns / (double)active_ns;
}

struct alloc_track *alloc_track_new(void)
{
	struct alloc_track *t = xcalloc(1, sizeof(*t));

	t->cap = 1024;
	t->slots = xcalloc(t->cap, sizeof(*t->slots));
	return t;
}

void alloc_track_free(struct alloc_track *t)
{
	if (!t)
		return;
	free(t->slots);
	free(t);
}

static size_t slot_of(const struct alloc_track *t, uint64_t addr)
{
	return (size_t)((addr * 0x9e3779b97f4a7c15ull) >> 17) & (t->cap - 1);
}

/* The slot holding addr, or the empty one where it would go. */
static size_t find(const struct alloc_track *t, uint64_t addr)
{
	size_t i = slot_of(t, addr);

	while (t->slots[i].addr && t->slots[i].addr != addr)
		i = (i + 1) & (t->cap - 1);
	return i;
}

static void grow(struct alloc_track *t)
{
	struct alloc_live *old = t->slots;
	size_t oldcap = t->cap;

	t->cap *= 2;
	t->slots = xcalloc(t->cap, sizeof(*t->slots));
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].addr)
			t->slots[find(t, old[i].addr)] = old[i];
	free(old);
}

void alloc_track_add(struct alloc_track *t, uint64_t addr, uint32_t node, int tid,
		     double bytes)
{
	size_t i;

	if (!addr)
		return;
	if ((t->n + 1) * 2 > t->cap)
		grow(t);
	i = find(t, addr);
	if (!t->slots[i].addr)
		t->n++;
	t->slots[i].addr = addr;
	t->slots[i].node = node;
	t->slots[i].tid = tid;
	t->slots[i].bytes = bytes;
}

bool alloc_track_remove(struct alloc_track *t, uint64_t addr, struct alloc_live *out)
{
	size_t i, j;

	if (!addr)
		return false;
	i = find(t, addr);
	if (!t->slots[i].addr)
		return false;
	if (out)
		*out = t->slots[i];
	t->n--;
	/* backward shift: keep every entry reachable from its home slot */
	for (j = (i + 1) & (t->cap - 1); t->slots[j].addr; j = (j + 1) & (t->cap - 1)) {
		size_t home = slot_of(t, t->slots[j].addr);

		if (((j - home) & (t->cap - 1)) >= ((j - i) & (t->cap - 1))) {
			t->slots[i] = t->slots[j];
			i = j;
		}
	}
	t->slots[i].addr = 0;
	return true;
}

size_t alloc_track_count(const struct alloc_track *t)
{
	return t->n;
}

void alloc_track_each(const struct alloc_track *t,
		      void (*fn)(void *ctx, const struct alloc_live *a), void *ctx)
{
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].addr)
			fn(ctx, &t->slots[i]);
}
