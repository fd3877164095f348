/* SPDX-License-Identifier: MIT */
/*
 * offcpu: pairing of switch-outs and switch-ins (see offcpu.h). A round's
 * events are kept in arrival order, sorted by time (stable on equal times,
 * out before in) at flush, then replayed against each thread's state: the
 * pending switch-out (its stack owned here) and the carry.
 */
#include "collectors/offcpu.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

struct event {
	uint64_t time;
	int tid;
	bool out, born, truncated;
	size_t seq;    /* arrival order, for a stable sort */
	uint64_t *ips; /* out only: owned until handed to the thread */
	size_t n;
};

struct thread {
	int tid;
	bool seen;    /* an event of it came (the first may be a switch-in) */
	bool pending; /* off CPU since out_time with stack ips */
	bool truncated;
	uint64_t out_time, carry;
	uint64_t *ips;
	size_t n;
};

struct offcpu {
	uint64_t period, start;
	struct event *ev;
	size_t nev, ev_cap;
	struct thread *th;
	size_t nth, th_cap;
	struct offcpu_stats stats;
};

struct offcpu *offcpu_new(uint64_t period_ns, uint64_t start)
{
	struct offcpu *o = xcalloc(1, sizeof(*o));

	o->period = period_ns ? period_ns : 1;
	o->start = start;
	return o;
}

void offcpu_free(struct offcpu *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->nev; i++)
		free(o->ev[i].ips);
	for (size_t i = 0; i < o->nth; i++)
		free(o->th[i].ips);
	free(o->ev);
	free(o->th);
	free(o);
}

static struct event *push(struct offcpu *o, int tid, uint64_t time, bool out)
{
	struct event *e;

	o->ev = xgrow(o->ev, &o->ev_cap, o->nev + 1, sizeof(*o->ev));
	e = &o->ev[o->nev];
	memset(e, 0, sizeof(*e));
	e->time = time;
	e->tid = tid;
	e->out = out;
	e->seq = o->nev++;
	return e;
}

void offcpu_out(struct offcpu *o, int tid, uint64_t time, const uint64_t *ips, size_t n,
		bool truncated)
{
	struct event *e = push(o, tid, time, true);

	e->truncated = truncated;
	e->n = n;
	if (n) {
		e->ips = xmalloc(n * sizeof(*ips));
		memcpy(e->ips, ips, n * sizeof(*ips));
	}
}

void offcpu_in(struct offcpu *o, int tid, uint64_t time)
{
	push(o, tid, time, false);
}

void offcpu_born(struct offcpu *o, int tid, uint64_t time)
{
	push(o, tid, time, false)->born = true;
}

static int by_time(const void *a, const void *b)
{
	const struct event *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	if (x->born != y->born)
		return x->born ? -1 : 1;
	if (x->out != y->out)
		return x->out ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static struct thread *thread_of(struct offcpu *o, int tid)
{
	for (size_t i = 0; i < o->nth; i++)
		if (o->th[i].tid == tid)
			return &o->th[i];
	o->th = xgrow(o->th, &o->th_cap, o->nth + 1, sizeof(*o->th));
	memset(&o->th[o->nth], 0, sizeof(*o->th));
	o->th[o->nth].tid = tid;
	return &o->th[o->nth++];
}

/* t was off CPU until end: one interval, in units with its carry. */
static void charge(struct offcpu *o, struct thread *t, uint64_t end, offcpu_fn fn,
		   void *ctx)
{
	uint64_t ns = end > t->out_time ? end - t->out_time : 0, total = t->carry + ns;

	o->stats.intervals++;
	o->stats.ns += ns;
	t->carry = total % o->period;
	fn(ctx, t->tid, t->ips, t->n, t->truncated, total / o->period);
	free(t->ips);
	t->ips = NULL;
	t->n = 0;
	t->pending = false;
}

void offcpu_flush(struct offcpu *o, offcpu_fn fn, void *ctx)
{
	if (o->nev) /* none yet: o->ev is NULL, which qsort may not be given */
		qsort(o->ev, o->nev, sizeof(*o->ev), by_time);
	for (size_t i = 0; i < o->nev; i++) {
		struct event *e = &o->ev[i];
		struct thread *t = thread_of(o, e->tid);
		bool first = !t->seen;

		t->seen = true;
		if (e->born) {
			continue;
		} else if (e->out) {
			/* a lost switch-in: the older stack is dropped unweighted */
			free(t->ips);
			t->ips = e->ips;
			t->n = e->n;
			t->truncated = e->truncated;
			t->out_time = e->time;
			t->pending = true;
			e->ips = NULL;
		} else if (t->pending && e->time >= t->out_time) {
			charge(o, t, e->time, fn, ctx);
		} else if (first && e->time > o->start) {
			/* off CPU since before the start: where, no one saw */
			t->out_time = o->start;
			o->stats.before_start++;
			charge(o, t, e->time, fn, ctx);
		} else {
			/* a switch-in older than the pending switch-out: read late */
			o->stats.unpaired++;
		}
	}
	o->nev = 0;
}

void offcpu_finish(struct offcpu *o, uint64_t end, offcpu_fn fn, void *ctx)
{
	offcpu_flush(o, fn, ctx);
	for (size_t i = 0; i < o->nth; i++)
		if (o->th[i].pending)
			charge(o, &o->th[i], end, fn, ctx);
}

void offcpu_stats(const struct offcpu *o, struct offcpu_stats *out)
{
	*out = o->stats;
}
