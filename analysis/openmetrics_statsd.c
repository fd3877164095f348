/* SPDX-License-Identifier: MIT */
/*
 * openmetrics_statsd: StatsD metrics as Prometheus families, cumulative
 * since vigil started (a frame carries one tick of them).
 *
 * Each (key, kind) is one series; its family name is fixed when it is first
 * seen: prefix + the sanitised StatsD name (+ "_seconds" for a timer unless
 * it ends so; a counter's trailing "_total" is its samples' suffix), and
 * when another StatsD name or kind already holds that name (or a name its
 * samples use), "_" and 8 hex digits of a hash of the name and kind after
 * it. So a name keeps its family for the life of the process, whatever
 * arrives later. DogStatsD tags "k:v" become labels (sanitised names, the
 * first of two that sanitise alike wins); a tag without ':' is left out.
 *
 * Timers: per-tick HDR histograms are folded into cumulative counts of the
 * configured bounds at update (core/hdr's hdr_add_cumulative: each value at
 * its reported value, within 0.1%), with the count and sum; seconds out.
 * Counters: the rate-corrected sum, as _total (a tick whose sum is negative
 * is left out: a Prometheus counter never goes down). Gauges: the latest
 * value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/openmetrics-internal.h"
#include "core/hdr.h"
#include "core/xalloc.h"

void om_statsd_release(struct metrics *m)
{
	for (size_t i = 0; i < m->nseries; i++) {
		struct om_series *s = &m->series[i];

		for (size_t j = 0; j < s->nlabels; j++) {
			free((char *)(uintptr_t)s->labels[j].name);
			free((char *)(uintptr_t)s->labels[j].value);
		}
		free(s->labels);
		free(s->key);
	}
	free(m->series);
	for (size_t i = 0; i < m->nfamilies; i++) {
		free(m->families[i].name);
		free(m->families[i].source);
	}
	free(m->families);
}

static int series_cmp(const char *key, char kind, const struct om_series *s)
{
	int c = strcmp(key, s->key);

	return c ? c : (kind > s->kind) - (kind < s->kind);
}

static uint32_t hash32(const char *s, char kind)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return (h ^ (unsigned char)kind) * 16777619u;
}

static enum expo_type kind_type(char kind)
{
	return kind == APP_TIMER     ? EXPO_HISTOGRAM
	       : kind == APP_COUNTER ? EXPO_COUNTER
				     : EXPO_GAUGE;
}

/* The family of (name, kind), made at first sight; SIZE_MAX when no name is free. */
static size_t family_for(struct metrics *m, const char *name, char kind)
{
	char base[256], full[300];

	for (size_t i = 0; i < m->nfamilies; i++)
		if (m->families[i].kind == kind && !strcmp(m->families[i].source, name))
			return i;
	snprintf(full, sizeof(full), "%s%s", m->cfg.prefix, name);
	expo_sanitize_name(full, base, sizeof(base) - 20);
	if (kind == APP_TIMER) {
		size_t bl = strlen(base);

		if (bl < 8 || strcmp(base + bl - 8, "_seconds"))
			strcat(base, "_seconds");
	} else if (kind == APP_COUNTER) {
		size_t bl = strlen(base);

		/* "requests_total" is statsd_requests_total, not ..._total_total */
		if (bl > 6 && !strcmp(base + bl - 6, "_total"))
			base[bl - 6] = '\0';
	}
	snprintf(full, sizeof(full), "%s", base);
	if (!expo_claim(&m->names, full, kind_type(kind))) {
		/* the unit stays last: "_<hash>_seconds" for a timer */
		size_t bl = strlen(base) - (kind == APP_TIMER ? 8 : 0);

		snprintf(full, sizeof(full), "%.*s_%08x%s", (int)bl, base,
			 hash32(name, kind), kind == APP_TIMER ? "_seconds" : "");
		if (!expo_claim(&m->names, full, kind_type(kind)))
			return SIZE_MAX;
	}
	m->families = xgrow(m->families, &m->capfamilies, m->nfamilies + 1,
			    sizeof(*m->families));
	m->families[m->nfamilies].name = xstrdup(full);
	m->families[m->nfamilies].source = xstrdup(name);
	m->families[m->nfamilies].kind = kind;
	return m->nfamilies++;
}

/* Labels from "k:v,k2:v2"; the first of two that sanitise alike wins. */
static void make_labels(struct om_series *s, const char *tags)
{
	char *copy = xstrdup(tags), *save = NULL;

	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(t, ':'), name[128];
		bool dup = false;

		if (!colon || colon == t)
			continue;
		*colon = '\0';
		expo_sanitize_label(t, name, sizeof(name));
		for (size_t i = 0; i < s->nlabels; i++)
			dup |= !strcmp(s->labels[i].name, name);
		if (dup)
			continue;
		s->labels = xrealloc(s->labels, (s->nlabels + 1) * sizeof(*s->labels));
		s->labels[s->nlabels].name = xstrdup(name);
		s->labels[s->nlabels].value = xstrdup(colon + 1);
		s->nlabels++;
	}
	free(copy);
}

/* A new series at index at, or NULL when there is no room or no name. */
static struct om_series *series_insert(struct metrics *m, size_t at,
				       const struct app_metric *am)
{
	char *name = xstrdup(am->name), *hash = strchr(name, '#');
	struct om_series *s;
	size_t fam;

	if (hash)
		*hash = '\0';
	fam = m->nseries < OM_STATSD_SERIES_MAX ? family_for(m, name, am->kind)
						: SIZE_MAX;
	free(name);
	if (fam == SIZE_MAX) {
		m->statsd_series_dropped++;
		return NULL;
	}
	m->series = xgrow(m->series, &m->capseries, m->nseries + 1, sizeof(*m->series));
	memmove(&m->series[at + 1], &m->series[at],
		(m->nseries - at) * sizeof(*m->series));
	m->nseries++;
	s = &m->series[at];
	memset(s, 0, sizeof(*s));
	s->key = xstrdup(am->name);
	s->kind = am->kind;
	s->family = fam;
	hash = strchr(am->name, '#');
	if (hash)
		make_labels(s, hash + 1);
	return s;
}

static void fold(struct metrics *m, struct om_series *s, const struct app_metric *am)
{
	switch (am->kind) {
	case APP_TIMER:
		if (!am->hist)
			return;
		hdr_add_cumulative(am->hist, m->bounds_ns, m->cfg.nbuckets, s->le);
		s->count += hdr_count(am->hist);
		s->sum += hdr_mean(am->hist) * (double)hdr_count(am->hist); /* ns */
		break;
	case APP_COUNTER:
		/* a Prometheus counter never goes down: a tick that summed below
		 * zero ("x:-5|c") is left out, and counted */
		if (am->value < 0) {
			m->statsd_negative++;
			return;
		}
		s->count += am->count;
		s->sum += am->value;
		break;
	default:
		s->value = am->value;
		break;
	}
}

void om_statsd_update(struct metrics *m, const struct app_metrics *app)
{
	size_t j = 0; /* both sorted by (key, kind): one merge */

	m->statsd_packets += app->packets;
	m->statsd_lines += app->lines;
	m->statsd_dropped += app->dropped;
	for (int r = 0; r < APP_BAD_N; r++)
		m->statsd_bad[r] += app->bad[r];
	for (size_t i = 0; i < app->n; i++) {
		const struct app_metric *am = &app->metrics[i];
		struct om_series *s = NULL;
		int c = 1;

		while (j < m->nseries &&
		       (c = series_cmp(am->name, am->kind, &m->series[j])) > 0)
			j++;
		if (j < m->nseries && c == 0)
			s = &m->series[j];
		else if (!(s = series_insert(m, j, am)))
			continue;
		fold(m, s, am);
		j++;
	}
}

static void family_help(const struct om_family *fam, char *help, size_t cap)
{
	if (fam->kind == APP_TIMER)
		snprintf(help, cap, "StatsD timer %s, in seconds, since vigil started.",
			 fam->source);
	else if (fam->kind == APP_COUNTER)
		snprintf(help, cap, "StatsD counter %s since vigil started.",
			 fam->source);
	else
		snprintf(help, cap, "StatsD gauge %s, its latest value.", fam->source);
}

static int by_family(const void *a, const void *b)
{
	const struct om_series *x = *(const struct om_series *const *)a;
	const struct om_series *y = *(const struct om_series *const *)b;

	if (x->family != y->family)
		return (x->family > y->family) - (x->family < y->family);
	return (x > y) - (x < y); /* the array's (key) order */
}

static void render_series(struct expo *e, const struct om_view *v,
			  const struct om_series *s)
{
	switch (s->kind) {
	case APP_TIMER:
		expo_histogram(e, s->labels, s->nlabels, v->m->cfg.buckets, s->le,
			       v->m->cfg.nbuckets, s->count, s->sum / 1e9);
		break;
	case APP_COUNTER:
		expo_sample(e, "", s->labels, s->nlabels, s->sum);
		break;
	default:
		expo_sample(e, "", s->labels, s->nlabels, s->value);
		break;
	}
}

void om_statsd_render(struct expo *e, const struct om_view *v)
{
	const struct om_series **order;
	size_t i = 0;

	if (!v->nseries)
		return;
	order = xmalloc(v->nseries * sizeof(*order));
	for (size_t k = 0; k < v->nseries; k++)
		order[k] = &v->series[k];
	/* a family's series together, each family's in key order */
	qsort(order, v->nseries, sizeof(*order), by_family);
	while (i < v->nseries) {
		const struct om_family *fam = &v->families[order[i]->family];
		char help[400];
		bool ok;
		size_t k;

		family_help(fam, help, sizeof(help));
		ok = expo_family(e, fam->name, kind_type(fam->kind),
				 fam->kind == APP_TIMER ? "seconds" : "", help);
		for (k = i; k < v->nseries && order[k]->family == order[i]->family; k++)
			if (ok)
				render_series(e, v, order[k]);
		i = k;
	}
	free(order);
}
