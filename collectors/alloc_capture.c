/* SPDX-License-Identifier: MIT */
/*
 * alloc_capture: gathering, ordering and matching of allocator samples (see
 * alloc_capture.h).
 */
#include "collectors/alloc_capture.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "analysis/alloc_track.h"
#include "collectors/alloc_probes.h"
#include "core/xalloc.h"

enum ev_kind { EV_ENTRY, EV_RETURN, EV_FREE };

struct ev {
	uint64_t time, seq;
	int tid;
	enum ev_kind kind;
	enum alloc_fn fn;
	uint64_t ptr; /* returned / freed address; posix_memalign's memptr */
	bool sampled;
	uint32_t node;
	double bytes;
};

/* A thread's call in progress. */
struct pending {
	int tid;
	bool active, sampled;
	enum alloc_fn fn;
	uint64_t memptr;
	uint32_t node;
	double bytes;
};

struct alloc_capture {
	struct profile *prof;
	int pid;
	struct alloc_rate rate;
	struct alloc_track *track;
	struct ev *evs;
	size_t nevs, evs_cap;
	uint64_t seq;
	struct pending *pend;
	size_t npend, pend_cap;
	struct alloc_capture_stats st;
};

struct alloc_capture *alloc_capture_new(struct profile *prof, int pid, uint64_t rate,
					uint64_t seed)
{
	struct alloc_capture *c = xcalloc(1, sizeof(*c));

	c->prof = prof;
	c->pid = pid;
	alloc_rate_init(&c->rate, rate, seed);
	c->track = alloc_track_new();
	return c;
}

void alloc_capture_free(struct alloc_capture *c)
{
	if (!c)
		return;
	alloc_track_free(c->track);
	free(c->evs);
	free(c->pend);
	free(c);
}

static struct ev *push(struct alloc_capture *c, const struct perf_sample *s,
		       enum ev_kind kind, enum alloc_fn fn, uint64_t ptr)
{
	struct ev *e;

	c->evs = xgrow(c->evs, &c->evs_cap, c->nevs + 1, sizeof(*c->evs));
	e = &c->evs[c->nevs++];
	memset(e, 0, sizeof(*e));
	e->time = s->time;
	e->seq = c->seq++;
	e->tid = s->tid;
	e->kind = kind;
	e->fn = fn;
	e->ptr = ptr;
	return e;
}

/* The size an allocating call asked for, from its argument registers. */
static uint64_t size_of(enum alloc_fn fn, const struct unwind_regs *r)
{
	switch (fn) {
	case ALLOC_CALLOC:
		return r->r[UNWIND_DI] * r->r[UNWIND_SI];
	case ALLOC_REALLOC:
	case ALLOC_MEMALIGN:
		return r->r[UNWIND_SI];
	case ALLOC_POSIX_MEMALIGN:
		return r->r[UNWIND_DX];
	default:
		return r->r[UNWIND_DI];
	}
}

bool alloc_capture_sample(struct alloc_capture *c, const struct perf_sample *s)
{
	enum alloc_fn fn;
	uint64_t size;
	struct ev *e;

	if (s->tag <= 0 || s->pid != c->pid || !s->have_user)
		return false;
	fn = ALLOC_TAG_FN(s->tag);
	if (fn >= ALLOC_NFN)
		return false;
	if (!ALLOC_TAG_RET(s->tag))
		c->st.by_fn[fn]++;
	if (fn == ALLOC_FREE) {
		c->st.frees++;
		push(c, s, EV_FREE, fn, s->regs.r[UNWIND_DI]);
		return false;
	}
	if (ALLOC_TAG_RET(s->tag)) {
		push(c, s, EV_RETURN, fn, s->regs.r[UNWIND_AX]);
		return false;
	}
	c->st.calls++;
	if (fn == ALLOC_REALLOC && s->regs.r[UNWIND_DI]) /* the old block goes */
		push(c, s, EV_FREE, fn, s->regs.r[UNWIND_DI]);
	size = size_of(fn, &s->regs);
	e = push(c, s, EV_ENTRY, fn,
		 fn == ALLOC_POSIX_MEMALIGN ? s->regs.r[UNWIND_DI] : 0);
	if (!size || !alloc_rate_take(&c->rate, size))
		return false;
	e->sampled = true;
	e->bytes = alloc_weight(size, c->rate.rate);
	c->st.sampled++;
	return true;
}

void alloc_capture_node(struct alloc_capture *c, uint32_t node)
{
	struct ev *e = c->nevs ? &c->evs[c->nevs - 1] : NULL;

	if (!e || !e->sampled)
		return;
	e->node = node;
	if (c->prof->meta.mode == PROFILE_ALLOC)
		profile_add_count(c->prof, node, e->tid, (uint64_t)llround(e->bytes));
}

static struct pending *pending_of(struct alloc_capture *c, int tid)
{
	for (size_t i = 0; i < c->npend; i++)
		if (c->pend[i].tid == tid)
			return &c->pend[i];
	c->pend = xgrow(c->pend, &c->pend_cap, c->npend + 1, sizeof(*c->pend));
	memset(&c->pend[c->npend], 0, sizeof(*c->pend));
	c->pend[c->npend].tid = tid;
	return &c->pend[c->npend++];
}

static int by_time(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* posix_memalign's result, read from the target. 0 when unreadable. */
static uint64_t read_ptr(int pid, uint64_t at)
{
	uint64_t v = 0;
	struct iovec local = {&v, sizeof(v)}, remote = {(void *)(uintptr_t)at, sizeof(v)};

	if (process_vm_readv(pid, &local, 1, &remote, 1, 0) != (ssize_t)sizeof(v))
		return 0;
	return v;
}

static void on_return(struct alloc_capture *c, struct pending *p, const struct ev *e)
{
	uint64_t addr = e->ptr;

	if (!p->active || p->fn != e->fn)
		return; /* the entry was before the capture, or lost */
	p->active = false;
	if (!p->sampled)
		return;
	if (e->fn == ALLOC_POSIX_MEMALIGN)
		addr = e->ptr == 0 ? read_ptr(c->pid, p->memptr) : 0;
	if (addr)
		alloc_track_add(c->track, addr, p->node, p->tid, p->bytes);
}

void alloc_capture_flush(struct alloc_capture *c)
{
	qsort(c->evs, c->nevs, sizeof(*c->evs), by_time);
	for (size_t i = 0; i < c->nevs; i++) {
		const struct ev *e = &c->evs[i];
		struct pending *p;

		if (e->kind == EV_FREE) {
			alloc_track_remove(c->track, e->ptr, NULL);
			continue;
		}
		if (c->prof->meta.mode != PROFILE_LIVE)
			continue; /* counted at the entry; no return probes */
		p = pending_of(c, e->tid);
		if (e->kind == EV_RETURN) {
			on_return(c, p, e);
			continue;
		}
		if (p->active && p->sampled)
			c->st.unmatched++;
		p->active = true;
		p->sampled = e->sampled;
		p->fn = e->fn;
		p->memptr = e->ptr;
		p->node = e->node;
		p->bytes = e->bytes;
	}
	c->nevs = 0;
	c->st.live = alloc_track_count(c->track);
}

static void add_live(void *ctx, const struct alloc_live *a)
{
	struct alloc_capture *c = ctx;

	profile_add_count(c->prof, a->node, a->tid, (uint64_t)llround(a->bytes));
}

void alloc_capture_end(struct alloc_capture *c)
{
	alloc_capture_flush(c);
	if (c->prof->meta.mode == PROFILE_LIVE)
		alloc_track_each(c->track, add_live, c);
}

void alloc_capture_stats(const struct alloc_capture *c, struct alloc_capture_stats *out)
{
	*out = c->st;
}
