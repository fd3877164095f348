/* SPDX-License-Identifier: MIT */
/*
 * exitacct_agg: see exitacct_agg.h.
 *
 * Invariants: everything kept per live process is bounded
 * (EXITACCT_TRACKED_MAX); a process whose leader's exit event came without
 * its exit record is forgotten one tick later, so a lost record cannot pin
 * memory.
 */
#include "collectors/exitacct_agg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

#define BUCKETS 4096 /* power of two */

/* A live process vigil keeps something for. */
struct tracked {
	int tgid;
	char *cmdline;		     /* owned; NULL unknown */
	uint64_t utime_us, stime_us; /* threads that ended before the last */
	uint64_t run_ns;
	uint64_t hiwater_kb;
	int threads;
	uint64_t gone; /* generation its leader's exit event came in; 0 alive */
	struct tracked *next;
};

struct exitacct_agg {
	struct tracked *bucket[BUCKETS];
	size_t ntracked;
	uint64_t gen; /* takes so far + 1 */
	struct proc_exits *tick;
	size_t cap;
	uint64_t total, lost, no_cmdline, bad, untracked;
};

static struct proc_exits *new_tick(void)
{
	return xcalloc(1, sizeof(struct proc_exits));
}

struct exitacct_agg *exitacct_agg_new(void)
{
	struct exitacct_agg *a = xcalloc(1, sizeof(*a));

	a->gen = 1;
	a->tick = new_tick();
	return a;
}

static void tracked_free(struct tracked *t)
{
	free(t->cmdline);
	free(t);
}

void exitacct_agg_free(struct exitacct_agg *a)
{
	if (!a)
		return;
	for (size_t b = 0; b < BUCKETS; b++)
		for (struct tracked *t = a->bucket[b], *next; t; t = next) {
			next = t->next;
			tracked_free(t);
		}
	proc_exits_free(a->tick);
	free(a);
}

static struct tracked **slot(struct exitacct_agg *a, int tgid)
{
	struct tracked **p = &a->bucket[(unsigned)tgid & (BUCKETS - 1)];

	while (*p && (*p)->tgid != tgid)
		p = &(*p)->next;
	return p;
}

static struct tracked *find(struct exitacct_agg *a, int tgid)
{
	return *slot(a, tgid);
}

/* The entry of tgid, made when absent; NULL when the table is full. */
static struct tracked *get(struct exitacct_agg *a, int tgid)
{
	struct tracked **p = slot(a, tgid);

	if (*p)
		return *p;
	if (a->ntracked >= EXITACCT_TRACKED_MAX) {
		a->untracked++;
		return NULL;
	}
	*p = xcalloc(1, sizeof(**p));
	(*p)->tgid = tgid;
	a->ntracked++;
	return *p;
}

/* Unlinks tgid's entry and hands it to the caller (NULL when absent). */
static struct tracked *take_tracked(struct exitacct_agg *a, int tgid)
{
	struct tracked **p = slot(a, tgid), *t = *p;

	if (t) {
		*p = t->next;
		t->next = NULL;
		a->ntracked--;
	}
	return t;
}

static void fill_row(struct proc_exit *x, const struct exitacct_record *r,
		     const struct tracked *t, int64_t now_ms)
{
	uint64_t life_us = r->tgetime_us ? r->tgetime_us : r->etime_us;
	uint64_t hw = r->hiwater_kb;

	memset(x, 0, sizeof(*x));
	x->pid = r->tgid;
	x->ppid = r->ppid;
	x->uid = r->uid;
	snprintf(x->comm, sizeof(x->comm), "%s", r->comm);
	x->end_ms = now_ms;
	x->start_ms = now_ms - (int64_t)(life_us / 1000);
	x->utime_ns = r->utime_us * 1000;
	x->stime_ns = r->stime_us * 1000;
	x->cpu_ns = r->run_ns;
	x->threads = 1;
	if (t) {
		x->utime_ns += t->utime_us * 1000;
		x->stime_ns += t->stime_us * 1000;
		x->cpu_ns += t->run_ns;
		x->threads += t->threads;
		if (t->hiwater_kb > hw)
			hw = t->hiwater_kb;
	}
	x->peak_rss = hw * 1024;
	proc_exit_set_status(x, r->exitcode);
}

void exitacct_agg_record(struct exitacct_agg *a, const struct exitacct_record *r,
			 int64_t now_ms)
{
	struct proc_exits *tk = a->tick;
	struct tracked *t;

	if (!r->group_dead) { /* a thread: its CPU joins its process's row */
		t = get(a, r->tgid);
		if (t) {
			t->utime_us += r->utime_us;
			t->stime_us += r->stime_us;
			t->run_ns += r->run_ns;
			if (r->hiwater_kb > t->hiwater_kb)
				t->hiwater_kb = r->hiwater_kb;
			t->threads++;
		}
		return;
	}
	a->total++;
	t = take_tracked(a, r->tgid);
	if (tk->n >= EXITACCT_ROWS_MAX) {
		a->lost++;
	} else {
		if (tk->n == a->cap) {
			a->cap = a->cap ? a->cap * 2 : 64;
			tk->rows = xrealloc(tk->rows, a->cap * sizeof(*tk->rows));
		}
		fill_row(&tk->rows[tk->n], r, t, now_ms);
		if (t) { /* the command line moves to the row */
			tk->rows[tk->n].cmdline = t->cmdline;
			t->cmdline = NULL;
		}
		tk->n++;
	}
	if (t)
		tracked_free(t);
}

/* Sets the command line of tgid (a copy). */
static void set_cmdline(struct exitacct_agg *a, int tgid, const char *cmdline)
{
	struct tracked *t = get(a, tgid);

	if (!t)
		return;
	free(t->cmdline);
	t->cmdline = xstrdup(cmdline);
	t->gone = 0; /* a new process under a reused pid, or a new program */
}

int exitacct_agg_event(struct exitacct_agg *a, const struct exitacct_event *ev)
{
	struct tracked *t, *parent;

	switch (ev->kind) {
	case EXITACCT_EV_FORK:
		parent = find(a, ev->parent);
		if (!parent || !parent->cmdline)
			return ev->parent > 0 ? ev->parent : 0;
		set_cmdline(a, ev->tgid, parent->cmdline);
		return 0;
	case EXITACCT_EV_EXEC:
		if ((t = find(a, ev->tgid))) { /* the old program's is wrong now */
			free(t->cmdline);
			t->cmdline = NULL;
		}
		return ev->tgid;
	case EXITACCT_EV_EXIT:
		if (ev->pid == ev->tgid && (t = find(a, ev->tgid)))
			t->gone = a->gen;
		return 0;
	}
	return 0;
}

void exitacct_agg_cmdline(struct exitacct_agg *a, const struct exitacct_event *ev,
			  const char *cmdline)
{
	if (!cmdline) {
		a->no_cmdline++;
		return;
	}
	if (ev->kind == EXITACCT_EV_FORK && ev->parent > 0)
		set_cmdline(a, ev->parent, cmdline);
	set_cmdline(a, ev->tgid, cmdline);
}

void exitacct_agg_lost(struct exitacct_agg *a, uint64_t n)
{
	a->lost += n;
}

void exitacct_agg_bad(struct exitacct_agg *a, uint64_t n)
{
	a->bad += n;
}

/* Forgets processes whose leader left a whole tick ago without a record. */
static void sweep(struct exitacct_agg *a)
{
	for (size_t b = 0; b < BUCKETS; b++)
		for (struct tracked **p = &a->bucket[b]; *p;) {
			struct tracked *t = *p;

			if (t->gone && t->gone < a->gen) {
				*p = t->next;
				tracked_free(t);
				a->ntracked--;
			} else {
				p = &t->next;
			}
		}
}

struct proc_exits *exitacct_agg_take(struct exitacct_agg *a)
{
	struct proc_exits *out = a->tick;

	out->total = a->total;
	out->lost = a->lost;
	out->no_cmdline = a->no_cmdline;
	out->bad = a->bad;
	sweep(a);
	a->gen++;
	a->tick = new_tick();
	a->cap = 0;
	return out;
}

size_t exitacct_agg_tracked(const struct exitacct_agg *a)
{
	return a->ntracked;
}
