/* SPDX-License-Identifier: MIT */
/*
 * export_app: StatsD columns for `export --metrics` (see export_app.h).
 *
 * Each metric owns a run of consecutive columns, one per figure of its kind
 * (the tables below); a page holds each metric's rows of the page, and a
 * cursor per metric walks them as the rows of the page go by, so filling a
 * row is one comparison per metric.
 */
#include "cmd/export_app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/appmetrics.h"
#include "core/xalloc.h"
#include "store/app_rows.h"

enum figure {
	FIG_VALUE,
	FIG_RATE,
	FIG_LO,
	FIG_HI,
	FIG_COUNT,
	FIG_P50,
	FIG_P90,
	FIG_P99,
	FIG_P999,
	FIG_MAX,
	FIG_CLAMPED,
	FIG_END
};

struct figure_col {
	const char *suffix; /* after app.KIND.NAME */
	enum figure fig;
};

static const struct figure_col counter_cols[] = {
	{"", FIG_VALUE}, {".rate", FIG_RATE}, {NULL, FIG_END}};
static const struct figure_col gauge_cols[] = {
	{"", FIG_VALUE}, {".min", FIG_LO}, {".max", FIG_HI}, {NULL, FIG_END}};
static const struct figure_col timer_cols[] = {
	{".count", FIG_COUNT},	   {".p50_ms", FIG_P50},   {".p90_ms", FIG_P90},
	{".p99_ms", FIG_P99},	   {".p999_ms", FIG_P999}, {".max_ms", FIG_MAX},
	{".clamped", FIG_CLAMPED}, {NULL, FIG_END}};

struct app_col_metric {
	struct app_name id;
	const struct figure_col *figs;
	size_t first_col; /* its first column */
	struct app_tick *ticks;
	size_t nticks, at;
};

struct export_app {
	struct app_col_metric *metrics;
	size_t nmetrics;
	char **cols;
	size_t ncols;
};

static const struct figure_col *figures_of(char kind, const char **word)
{
	switch (kind) {
	case APP_COUNTER:
		*word = "counter";
		return counter_cols;
	case APP_GAUGE:
		*word = "gauge";
		return gauge_cols;
	default:
		*word = "timer";
		return timer_cols;
	}
}

struct export_app *export_app_new(struct store *st, int64_t t0, int64_t t1)
{
	struct export_app *a = xcalloc(1, sizeof(*a));
	struct app_name *names;
	size_t n, cap = 0;

	if (query_app_names(st, t0, t1, &names, &n) < 0) {
		free(a);
		return NULL;
	}
	a->metrics = n ? xcalloc(n, sizeof(*a->metrics)) : NULL;
	a->nmetrics = n;
	for (size_t i = 0; i < n; i++) {
		struct app_col_metric *m = &a->metrics[i];
		const char *word;

		m->id = names[i];
		m->figs = figures_of(names[i].kind, &word);
		m->first_col = a->ncols;
		for (const struct figure_col *f = m->figs; f->suffix; f++) {
			a->cols = xgrow(a->cols, &cap, a->ncols + 1, sizeof(*a->cols));
			a->cols[a->ncols++] =
				xasprintf("app.%s.%s%s", word, names[i].name, f->suffix);
		}
	}
	free(names);
	return a;
}

static void drop_ticks(struct export_app *a)
{
	for (size_t i = 0; i < a->nmetrics; i++) {
		free(a->metrics[i].ticks);
		a->metrics[i].ticks = NULL;
		a->metrics[i].nticks = a->metrics[i].at = 0;
	}
}

void export_app_free(struct export_app *a)
{
	if (!a)
		return;
	drop_ticks(a);
	for (size_t i = 0; i < a->ncols; i++)
		free(a->cols[i]);
	free(a->cols);
	free(a->metrics);
	free(a);
}

size_t export_app_ncols(const struct export_app *a)
{
	return a->ncols;
}

const char *export_app_col(const struct export_app *a, size_t i)
{
	return a->cols[i];
}

int export_app_load(struct export_app *a, struct store *st, int64_t t0, int64_t t1)
{
	drop_ticks(a);
	for (size_t i = 0; i < a->nmetrics; i++) {
		struct app_col_metric *m = &a->metrics[i];

		if (query_app_ticks(st, m->id.name, m->id.kind, t0, t1, &m->ticks,
				    &m->nticks) < 0)
			return -1;
	}
	return 0;
}

static double figure_value(const struct app_tick *k, enum figure fig)
{
	switch (fig) {
	case FIG_VALUE:
		return k->value;
	case FIG_RATE:
		return k->per_s;
	case FIG_LO:
		return k->lo;
	case FIG_HI:
		return k->hi;
	case FIG_COUNT:
		return (double)k->count;
	case FIG_P50:
		return k->p50_ms;
	case FIG_P90:
		return k->p90_ms;
	case FIG_P99:
		return k->p99_ms;
	case FIG_P999:
		return k->p999_ms;
	case FIG_MAX:
		return k->max_ms;
	case FIG_CLAMPED:
		return (double)k->clamped;
	default:
		return 0;
	}
}

void export_app_fill(struct export_app *a, int64_t t_ms, double *values, bool *have)
{
	for (size_t i = 0; i < a->nmetrics; i++) {
		struct app_col_metric *m = &a->metrics[i];
		const struct app_tick *k;
		size_t c = m->first_col;

		while (m->at < m->nticks && m->ticks[m->at].t_ms < t_ms)
			m->at++;
		k = m->at < m->nticks && m->ticks[m->at].t_ms == t_ms ? &m->ticks[m->at]
								      : NULL;
		for (const struct figure_col *f = m->figs; f->suffix; f++, c++) {
			have[c] = k != NULL;
			values[c] = k ? figure_value(k, f->fig) : 0;
		}
	}
}
