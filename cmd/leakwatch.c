/* SPDX-License-Identifier: MIT */
/* leakwatch: see leakwatch.h. */
#include "cmd/leakwatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/leak.h"
#include "collectors/heap.h"
#include "core/duration.h"
#include "core/log.h"
#include "core/xalloc.h"

#define LEAK_EVERY_MS 10000
#define LEAK_POINTS_MAX 200000 /* halved (every other point) when reached */
#define REGION_POINTS_MAX 4096 /* per region: 34 h of readings 30 s apart */

struct series {
	struct leak_point *v;
	size_t n, cap;
};

/* One region of the target's address space: anon + swap at every smaps reading. */
struct region {
	char *key, *name; /* owned */
	enum heap_kind kind;
	struct series s;
};

struct leakwatch {
	/* params for a point per tick; sparse for a point per reading (smaps
	 * regions) or per collection (a JVM's old generation after GC) */
	struct leak_params params, sparse;
	struct leak_params
		regional; /* sparse, for regions: no minimum rise or confidence */
	int64_t every_ms, next_ms;
	int64_t smaps_ms; /* VIGIL_LEAK smaps=: the smaps period; 0 default */
	int pid;
	uint64_t start_ticks;
	int64_t born_ms; /* when the target started, wall time; 0 unknown */
	long clk_tck;
	uint64_t limit;		   /* cgroup limit, else MemTotal */
	uint64_t jvm_max;	   /* a JVM's old generation maximum; 0 unknown */
	struct series rss, jvm;	   /* jvm: or a traced runtime's after-GC heap */
	char gc_source[8];	   /* "node gc", "go gc" when jvm holds those */
	struct leak_point *floors; /* scratch */
	size_t floors_cap;
	struct region *regions; /* ascending key, those of the latest reading */
	size_t nregions;
	/* the regions judged leak suspects at the latest reading, ranked */
	struct heap_suspect region_suspects[HEAP_SUSPECTS_MAX];
	size_t nregion_suspects;
	enum leak_state last_state; /* the verdict last logged, and why */
	enum leak_reason last_reason;
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
		else if (!strcmp(tok, "smaps"))
			w->smaps_ms = ms;
		else
			log_debug("VIGIL_LEAK: unknown '%s'", tok);
	}
}

struct leakwatch *leakwatch_new(void)
{
	struct leakwatch *w = xcalloc(1, sizeof(*w));

	w->params = leak_params_default();
	w->every_ms = LEAK_EVERY_MS;
	w->clk_tck = sysconf(_SC_CLK_TCK);
	parse_env(w);
	/* a point per smaps reading (30 s apart at the defaults) or per
	 * collection: a floor per window, however few points it holds */
	w->sparse = w->params;
	w->sparse.window_samples = 1;
	/* a region is named only beside a leaking process, whose floor has
	 * risen min_rise_bytes with min_confidence already; a runtime's heap
	 * may be many regions (V8's pages are 256 KiB mappings each), none of
	 * which rises that much, or that smoothly, by itself */
	w->regional = w->sparse;
	w->regional.min_rise_bytes = 0;
	w->regional.min_confidence = 0;
	return w;
}

int64_t leakwatch_smaps_period_ms(const struct leakwatch *w)
{
	return w->smaps_ms;
}

static void regions_clear(struct leakwatch *w)
{
	for (size_t i = 0; i < w->nregions; i++) {
		free(w->regions[i].key);
		free(w->regions[i].name);
		free(w->regions[i].s.v);
	}
	free(w->regions);
	w->regions = NULL;
	w->nregions = 0;
	w->nregion_suspects = 0;
}

void leakwatch_free(struct leakwatch *w)
{
	if (!w)
		return;
	free(w->rss.v);
	free(w->jvm.v);
	free(w->floors);
	regions_clear(w);
	free(w);
}

static void push(struct series *s, int64_t t_ms, double bytes, size_t max)
{
	if (s->n == max) { /* keep the whole span, at half the detail */
		for (size_t i = 0; i < s->n / 2; i++)
			s->v[i] = s->v[2 * i];
		s->n /= 2;
	}
	s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof(*s->v));
	s->v[s->n++] = (struct leak_point){t_ms, bytes};
}

/* A new target (or the first): start over, and find its memory limit. */
static void follow(struct leakwatch *w, const struct frame *f)
{
	const struct target_sample *t = f->target;
	enum heap_limit_source src;
	char err[256];

	w->pid = t->pid;
	w->start_ticks = t->start_ticks;
	w->born_ms =
		f->sys.boot_time_s > 0 && w->clk_tck > 0
			? f->sys.boot_time_s * 1000 +
				  (int64_t)(t->start_ticks * 1000 / (uint64_t)w->clk_tck)
			: 0;
	w->rss.n = w->jvm.n = 0;
	w->gc_source[0] = '\0';
	regions_clear(w);
	w->next_ms = 0;
	w->limit = 0;
	w->jvm_max = 0;
	if (heap_memory_limit(NULL, NULL, t->pid, &w->limit, &src, err, sizeof(err)) < 0)
		log_debug("leak: no memory limit for %d: %s", t->pid, err);
}

/*
 * Whether a region's readings vary by enough to hold a leak at the least rate
 * reported: a cheap look that spares the O(n^2) judging of the hundreds of
 * regions (libraries, stacks) that never move.
 */
static bool may_leak(const struct series *s, const struct leak_params *p)
{
	double lo = s->v[0].bytes, hi = lo, hours;

	for (size_t i = 1; i < s->n; i++) {
		lo = s->v[i].bytes < lo ? s->v[i].bytes : lo;
		hi = s->v[i].bytes > hi ? s->v[i].bytes : hi;
	}
	hours = (double)(s->v[s->n - 1].t_ms - s->v[0].t_ms) / 3.6e6;
	return hi > lo && hi - lo >= p->min_rate_abs * hours;
}

/* Ranks the regions that may leak; the suspects wait for the next verdict. */
static void regions_rank(struct leakwatch *w)
{
	struct leak_series *series = xmalloc((w->nregions + 1) * sizeof(*series));
	size_t *which = xmalloc((w->nregions + 1) * sizeof(*which)), n = 0, k;
	struct leak_suspect top[HEAP_SUSPECTS_MAX];

	for (size_t i = 0; i < w->nregions; i++)
		if (w->regions[i].s.n >= 2 && may_leak(&w->regions[i].s, &w->regional)) {
			series[n] = (struct leak_series){
				w->regions[i].key, w->regions[i].s.v, w->regions[i].s.n};
			which[n++] = i;
		}
	k = leak_rank(series, n, (double)w->limit, &w->regional, top,
		      HEAP_SUSPECTS_MAX - 1);
	if (k > HEAP_SUSPECTS_MAX - 1)
		k = HEAP_SUSPECTS_MAX - 1;
	for (size_t i = 0; i < k; i++) {
		const struct region *r = &w->regions[which[top[i].index]];
		struct heap_suspect *h = &w->region_suspects[i];

		memset(h, 0, sizeof(*h));
		snprintf(h->kind, sizeof(h->kind), "mapping");
		snprintf(h->region, sizeof(h->region), "%s", heap_kind_name(r->kind));
		snprintf(h->key, sizeof(h->key), "%s", r->key);
		snprintf(h->name, sizeof(h->name), "%s", r->name);
		h->rate_bytes_per_hour = top[i].verdict.rate_bytes_per_hour;
		h->size_bytes = (uint64_t)top[i].size_bytes;
		h->since_ms = top[i].verdict.since_ms;
	}
	w->nregion_suspects = k;
	free(which);
	free(series);
}

/*
 * A new smaps reading: each region's series grows by a point; regions gone
 * from the reading (unmapped, or their key moved) are dropped with theirs.
 * Both lists are sorted by key, so this is one merge.
 */
static void regions_feed(struct leakwatch *w, const struct heap_mapping_set *set)
{
	struct region *next = xcalloc(set->n ? set->n : 1, sizeof(*next));
	size_t j = 0;

	for (size_t i = 0; i < set->n; i++) {
		const struct heap_mapping *m = &set->maps[i];
		struct region *r = &next[i];
		int c = 1;

		while (j < w->nregions && (c = strcmp(w->regions[j].key, m->key)) < 0)
			j++;
		if (j < w->nregions && c == 0) {
			*r = w->regions[j];
			w->regions[j].key = NULL; /* moved */
			free(r->name);
			j++;
		} else {
			memset(r, 0, sizeof(*r));
			r->key = xstrdup(m->key);
		}
		r->name = xstrdup(m->name);
		r->kind = m->kind;
		push(&r->s, set->t_ms, (double)(m->anon + m->swap), REGION_POINTS_MAX);
	}
	for (size_t i = 0; i < w->nregions; i++)
		if (w->regions[i].key) { /* gone */
			free(w->regions[i].key);
			free(w->regions[i].name);
			free(w->regions[i].s.v);
		}
	free(w->regions);
	w->regions = next;
	w->nregions = set->n;
	regions_rank(w);
}

/*
 * The verdict's suspects: the process when it is one, then the regions that
 * rise with it, ranked. Regions say where a leak is, so they are raised only
 * with a leaking process: a region that grows while the process's floor
 * does not is memory moving between regions (a runtime committing its
 * reserved heap, a warm-up), and naming it would contradict the verdict.
 */
static void attach_suspects(struct leakwatch *w, struct frame *f,
			    const struct leak_verdict *v, double floor)
{
	struct heap_suspect *h;

	if (v->state != LEAK_SUSPECT)
		return;
	f->suspects = xcalloc(HEAP_SUSPECTS_MAX, sizeof(*f->suspects));
	h = &f->suspects[0];
	snprintf(h->kind, sizeof(h->kind), "process");
	snprintf(h->name, sizeof(h->name), "%s", f->target->comm);
	h->rate_bytes_per_hour = v->rate_bytes_per_hour;
	h->size_bytes = (uint64_t)floor;
	h->since_ms = v->since_ms;
	f->nsuspects = 1;
	for (size_t i = 0; i < w->nregion_suspects && f->nsuspects < HEAP_SUSPECTS_MAX;
	     i++)
		f->suspects[f->nsuspects++] = w->region_suspects[i];
}

/* What the floors were taken from: "rss", "jvm", "node gc", "go gc". */
static const char *hv_source(const struct leakwatch *w, bool gc)
{
	return !gc ? "rss" : w->gc_source[0] ? w->gc_source : "jvm";
}

static void judge(struct leakwatch *w, struct frame *f)
{
	/*
	 * A JVM's old generation after collections is the truer floor once it
	 * has some. After a young collection it still holds what was promoted
	 * and died since the last old-generation cycle, so it saws too, and is
	 * reduced to floors like RSS is.
	 */
	bool jvm = w->jvm.n >= w->params.min_floors;
	const struct series *s = jvm ? &w->jvm : &w->rss;
	struct leak_verdict v;
	struct heap_verdict *hv;
	/* a JVM's old generation runs out at its maximum (-Xmx), whatever the
	 * machine has left */
	uint64_t limit = jvm && w->jvm_max && (!w->limit || w->jvm_max < w->limit)
				 ? w->jvm_max
				 : w->limit;
	size_t nf;

	w->floors = xgrow(w->floors, &w->floors_cap, s->n ? s->n : 1, sizeof(*w->floors));
	nf = leak_floors(s->v, s->n, NULL, 0, jvm ? &w->sparse : &w->params, w->floors);
	leak_judge(w->floors, nf, (double)limit, &w->params, &v);
	/* the debug log says why a verdict is what it is, whenever that changes */
	if (v.state != w->last_state || v.reason != w->last_reason)
		log_debug("leak: %s (%s): source %s, %zu floors, %.0f MiB/h, r2 %.2f, "
			  "p %.4f, confidence %.2f",
			  leak_state_name(v.state), leak_reason_name(v.reason),
			  hv_source(w, jvm), v.floors, v.rate_bytes_per_hour / 1048576.0,
			  v.r2, v.p, v.confidence);
	w->last_state = v.state;
	w->last_reason = v.reason;
	hv = xcalloc(1, sizeof(*hv));
	snprintf(hv->source, sizeof(hv->source), "%s", hv_source(w, jvm));
	snprintf(hv->state, sizeof(hv->state), "%s", leak_state_name(v.state));
	hv->rate_bytes_per_hour = v.rate_bytes_per_hour;
	hv->confidence = v.confidence;
	hv->time_to_limit_s = v.time_to_limit_s;
	hv->since_ms = v.since_ms;
	hv->limit_bytes = limit;
	hv->floor_bytes = nf ? (uint64_t)w->floors[nf - 1].bytes : 0;
	hv->floors = v.floors;
	f->leak = hv;
	attach_suspects(w, f, &v, (double)hv->floor_bytes);
}

void leakwatch_feed(struct leakwatch *w, struct frame *f)
{
	const struct target_sample *t = f->target;

	if (!t || !t->alive || !(t->have & TARGET_HAVE_STATUS))
		return;
	if (t->pid != w->pid || t->start_ticks != w->start_ticks)
		follow(w, f);
	/*
	 * A process's first window is its start-up (the runtime loading, the
	 * heap being set up), not its steady state: judged as a floor, it sits
	 * far below the rest, makes any rise look significant and the early
	 * floors look steeper than the late ones. Only a target vigil saw start
	 * (one it ran, or attached to at once) has such samples.
	 */
	if (!w->born_ms || f->t_ms - w->born_ms >= w->params.window_ms) {
		push(&w->rss, f->t_ms, (double)(t->rss_anon + t->vm_swap),
		     LEAK_POINTS_MAX);
		if (f->jvm && (f->jvm->have & JVM_HAVE_OLD_AFTER_GC))
			push(&w->jvm, f->t_ms, (double)f->jvm->old_after_gc,
			     LEAK_POINTS_MAX);
		if (f->mappings)
			regions_feed(w, f->mappings);
	}
	if (f->jvm && (f->jvm->have & JVM_HAVE_OLD_MAX))
		w->jvm_max = f->jvm->old_max;
	if (f->t_ms < w->next_ms)
		return;
	w->next_ms = f->t_ms + w->every_ms;
	judge(w, f);
}

void leakwatch_gc_floor(struct leakwatch *w, int64_t t_ms, double bytes,
			const char *source)
{
	if (w->born_ms && t_ms - w->born_ms < w->params.window_ms)
		return; /* start-up, as for the other series */
	snprintf(w->gc_source, sizeof(w->gc_source), "%s", source);
	push(&w->jvm, t_ms, bytes, LEAK_POINTS_MAX);
}
