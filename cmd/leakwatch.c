/* SPDX-License-Identifier: MIT */
/* leakwatch: see leakwatch.h. */
#include "cmd/leakwatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/leak.h"
#include "collectors/heap.h"
#include "core/duration.h"
#include "core/log.h"
#include "core/xalloc.h"

#define LEAK_EVERY_MS 10000
#define LEAK_POINTS_MAX 200000 /* halved (every other point) when reached */

struct series {
	struct leak_point *v;
	size_t n, cap;
};

struct leakwatch {
	struct leak_params params;
	int64_t every_ms, next_ms;
	int pid;
	uint64_t start_ticks;
	uint64_t limit;
	struct series rss, jvm;
	struct leak_point *floors; /* scratch */
	size_t floors_cap;
};

static void parse_env(struct leakwatch *w)
{
	const char *env = getenv("VIGIL_LEAK");
	char buf[256], why[128], *tok, *save = NULL;
	int64_t ms;

	if (!env)
		return;
	snprintf(buf, sizeof(buf), "%s", env);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq || duration_parse(eq + 1, &ms, why, sizeof(why)) < 0 || ms <= 0) {
			log_debug("VIGIL_LEAK: ignored '%s'", tok);
			continue;
		}
		*eq = '\0';
		if (!strcmp(tok, "every"))
			w->every_ms = ms;
		else if (!strcmp(tok, "window"))
			w->params.window_ms = ms;
		else if (!strcmp(tok, "span"))
			w->params.min_span_ms = ms;
		else
			log_debug("VIGIL_LEAK: unknown '%s'", tok);
	}
}

struct leakwatch *leakwatch_new(void)
{
	struct leakwatch *w = xcalloc(1, sizeof(*w));

	w->params = leak_params_default();
	w->every_ms = LEAK_EVERY_MS;
	parse_env(w);
	return w;
}

void leakwatch_free(struct leakwatch *w)
{
	if (!w)
		return;
	free(w->rss.v);
	free(w->jvm.v);
	free(w->floors);
	free(w);
}

static void push(struct series *s, int64_t t_ms, double bytes)
{
	if (s->n == LEAK_POINTS_MAX) { /* keep the whole span, at half the detail */
		for (size_t i = 0; i < s->n / 2; i++)
			s->v[i] = s->v[2 * i];
		s->n /= 2;
	}
	s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof(*s->v));
	s->v[s->n++] = (struct leak_point){t_ms, bytes};
}

/* A new target (or the first): start over, and find its memory limit. */
static void follow(struct leakwatch *w, const struct target_sample *t)
{
	enum heap_limit_source src;
	char err[256];

	w->pid = t->pid;
	w->start_ticks = t->start_ticks;
	w->rss.n = w->jvm.n = 0;
	w->next_ms = 0;
	w->limit = 0;
	if (heap_memory_limit(NULL, NULL, t->pid, &w->limit, &src, err, sizeof(err)) < 0)
		log_debug("leak: no memory limit for %d: %s", t->pid, err);
}

static void judge(struct leakwatch *w, struct frame *f)
{
	/* a JVM's post-GC old generation is the truer floor once it has some */
	bool jvm = w->jvm.n >= w->params.min_floors;
	const struct series *s = jvm ? &w->jvm : &w->rss;
	struct leak_verdict v;
	size_t nf = s->n;
	struct heap_verdict *hv;

	if (!jvm) {
		w->floors = xgrow(w->floors, &w->floors_cap, s->n ? s->n : 1,
				  sizeof(*w->floors));
		nf = leak_floors(s->v, s->n, NULL, 0, &w->params, w->floors);
	}
	leak_judge(jvm ? s->v : w->floors, nf, (double)w->limit, &w->params, &v);
	hv = xcalloc(1, sizeof(*hv));
	snprintf(hv->source, sizeof(hv->source), "%s", jvm ? "jvm" : "rss");
	snprintf(hv->state, sizeof(hv->state), "%s", leak_state_name(v.state));
	hv->rate_bytes_per_hour = v.rate_bytes_per_hour;
	hv->confidence = v.confidence;
	hv->time_to_limit_s = v.time_to_limit_s;
	hv->since_ms = v.since_ms;
	hv->limit_bytes = w->limit;
	hv->floor_bytes = nf ? (uint64_t)(jvm ? s->v : w->floors)[nf - 1].bytes : 0;
	hv->floors = v.floors;
	f->leak = hv;
}

void leakwatch_feed(struct leakwatch *w, struct frame *f)
{
	const struct target_sample *t = f->target;

	if (!t || !t->alive || !(t->have & TARGET_HAVE_STATUS))
		return;
	if (t->pid != w->pid || t->start_ticks != w->start_ticks)
		follow(w, t);
	push(&w->rss, f->t_ms, (double)(t->rss_anon + t->vm_swap));
	if (f->jvm && (f->jvm->have & JVM_HAVE_OLD_AFTER_GC))
		push(&w->jvm, f->t_ms, (double)f->jvm->old_after_gc);
	if (f->t_ms < w->next_ms)
		return;
	w->next_ms = f->t_ms + w->every_ms;
	judge(w, f);
}
