/* SPDX-License-Identifier: MIT */
/*
 * appmetrics: the per-tick StatsD aggregate (see appmetrics.h for the key
 * format and what each field means). Plain data plus the reason names; the
 * collector that fills it lives in collectors/statsd.
 */
#include "core/appmetrics.h"

#include <stdlib.h>
#include <string.h>

#include "core/hdr.h"
#include "core/xalloc.h"

static const char *const bad_names[APP_BAD_N] = {
	[APP_BAD_EMPTY_NAME] = "empty_name",
	[APP_BAD_NAME] = "bad_name",
	[APP_BAD_NAME_TOO_LONG] = "name_too_long",
	[APP_BAD_VALUE] = "bad_value",
	[APP_BAD_TYPE] = "bad_type",
	[APP_BAD_RATE] = "bad_rate",
	[APP_BAD_TAGS] = "bad_tags",
	[APP_BAD_FIELD] = "bad_field",
	[APP_BAD_UNSUPPORTED] = "unsupported",
	[APP_BAD_TOO_MANY_METRICS] = "too_many_metrics",
	[APP_BAD_TRUNCATED] = "truncated",
};

const char *app_bad_name(enum app_bad reason)
{
	if ((unsigned)reason >= APP_BAD_N)
		return NULL;
	return bad_names[reason];
}

struct app_metrics *app_metrics_new(void)
{
	return xcalloc(1, sizeof(struct app_metrics));
}

void app_metrics_free(struct app_metrics *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		free(m->metrics[i].name);
		hdr_free(m->metrics[i].hist);
	}
	free(m->metrics);
	free(m);
}

static int compare(const char *name_a, char kind_a, const char *name_b, char kind_b)
{
	int c = strcmp(name_a, name_b);

	if (c)
		return c;
	return (kind_a > kind_b) - (kind_a < kind_b);
}

static int compare_metrics(const void *a, const void *b)
{
	const struct app_metric *x = a, *y = b;

	return compare(x->name, x->kind, y->name, y->kind);
}

void app_metrics_sort(struct app_metrics *m)
{
	if (m->n > 1)
		qsort(m->metrics, m->n, sizeof(*m->metrics), compare_metrics);
}

const struct app_metric *app_metrics_find(const struct app_metrics *m, const char *name,
					  char kind)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = compare(name, kind, m->metrics[mid].name, m->metrics[mid].kind);

		if (!c)
			return &m->metrics[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

uint64_t app_metrics_bad_total(const struct app_metrics *m)
{
	uint64_t total = 0;

	for (int i = 0; i < APP_BAD_N; i++)
		total += m->bad[i];
	return total;
}
