/* SPDX-License-Identifier: MIT */
/*
 * report_cgroups: the "cgroups" section of `vigil report`: the heaviest
 * cgroups of the span by CPU, memory, throttling and OOM kills (schema 9;
 * null and no text for an older file). Declared in report_sections.h.
 *
 * A cgroup's figures include its children's, as the kernel counts them, so
 * a slice and the service inside it may both lead a list; the root (the
 * whole machine) is left out.
 */
#include <stdbool.h>
#include <stdlib.h>

#include "cmd/report_sections.h"
#include "core/json.h"
#include "core/textsafe.h"
#include "core/units.h"
#include "store/cgroup_query.h"
#include "store/store.h"

#define REPORT_CG_JSON 10
#define REPORT_CG_TEXT 5

static const struct {
	enum query_cgroup_by by;
	const char *key;   /* JSON member */
	const char *title; /* text heading */
} lists[] = {
	{QUERY_CG_CPU, "top_cpu", "top cgroups by CPU, average % of one core"},
	{QUERY_CG_MEMORY, "top_memory", "top cgroups by memory, largest in use"},
	{QUERY_CG_THROTTLED, "top_throttled", "cgroups throttled by their CPU quota"},
	{QUERY_CG_OOM_KILLS, "top_oom_kills", "cgroups with processes killed for memory"},
};

static void json_limit(FILE *out, const char *key, uint64_t v)
{
	fprintf(out, ", \"%s\": ", key);
	if (v == CGROUP_UNLIMITED)
		fputs("null", out);
	else
		fprintf(out, "%llu", (unsigned long long)v);
}

static void json_entry(FILE *out, const struct cgroup_summary *c)
{
	fputs("{\"path\": ", out);
	json_string(out, c->path);
	fputs(", \"name\": ", out);
	json_string(out, c->name);
	fputs(", \"kind\": ", out);
	json_string(out, c->kind);
	fputs(", ", out);
	json_key_number(out, "cpu_pct_avg", c->cpu_pct_avg, 2);
	fprintf(out, ", \"mem_peak_bytes\": %llu", (unsigned long long)c->mem_peak);
	json_limit(out, "mem_max_bytes", c->mem_max);
	fputs(", \"throttled_pct\": ", out);
	if (c->throttled_pct < 0)
		fputs("null", out);
	else
		json_number(out, c->throttled_pct, 2);
	fputs(", ", out);
	json_key_number(out, "throttled_s", (double)c->throttled_ns / 1e9, 3);
	fprintf(out, ", \"oom_kills\": %llu, \"first_ms\": %lld, \"last_ms\": %lld}",
		(unsigned long long)c->oom_kills, (long long)c->first_ms,
		(long long)c->last_ms);
}

/* Whether a list shows c: CPU and memory lists everyone, the others only
 * the cgroups that were throttled or lost a process. */
static bool shown(const struct cgroup_summary *c, enum query_cgroup_by by)
{
	return by == QUERY_CG_CPU || by == QUERY_CG_MEMORY ||
	       cgroup_summary_weight(c, by) > 0;
}

int report_cgroups_json(FILE *out, struct store *st, const struct report_span *sp)
{
	struct cgroup_summary *v;
	size_t n;

	fputs(",\n  \"cgroups\": ", out);
	if (!store_has_cgroups(st)) {
		fputs("null", out);
		return 0;
	}
	if (query_cgroup_summaries(st, sp->t0, sp->t1, &v, &n) < 0)
		return -1;
	fprintf(out, "{\"count\": %zu", n);
	for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++) {
		size_t k = 0;

		cgroup_summaries_sort(v, n, lists[l].by);
		fprintf(out, ",\n    \"%s\": [", lists[l].key);
		for (size_t i = 0; i < n && k < REPORT_CG_JSON; i++) {
			if (!shown(&v[i], lists[l].by))
				break;
			fputs(k++ ? ",\n      " : "\n      ", out);
			json_entry(out, &v[i]);
		}
		fputs(k ? "\n    ]" : "]", out);
	}
	fputs("\n  }", out);
	cgroup_summaries_free(v, n);
	return 0;
}

static void text_row(FILE *out, const struct cgroup_summary *c)
{
	char mem[16], lim[16], thr[16];

	units_bytes_short((double)c->mem_peak, mem, sizeof(mem));
	if (c->mem_max == CGROUP_UNLIMITED)
		snprintf(lim, sizeof(lim), "-");
	else
		units_bytes_short((double)c->mem_max, lim, sizeof(lim));
	if (c->throttled_pct < 0)
		snprintf(thr, sizeof(thr), "-");
	else
		snprintf(thr, sizeof(thr), "%.1f", c->throttled_pct);
	fprintf(out, "  %7.1f %7s %7s %5s %4llu  ", c->cpu_pct_avg, mem, lim, thr,
		(unsigned long long)c->oom_kills);
	/* a path is whatever someone named a directory: escaped */
	text_write_cut(out, c->path, 60);
	fputc('\n', out);
}

int report_cgroups_text(FILE *out, struct store *st, const struct report_span *sp)
{
	struct cgroup_summary *v;
	size_t n;

	if (!store_has_cgroups(st))
		return 0;
	if (query_cgroup_summaries(st, sp->t0, sp->t1, &v, &n) < 0)
		return -1;
	for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]) && n > 0; l++) {
		cgroup_summaries_sort(v, n, lists[l].by);
		if (!shown(&v[0], lists[l].by))
			continue;
		fprintf(out, "%s\n     CPU%%  MEMORY   LIMIT  THR%% OOMK  CGROUP\n",
			lists[l].title);
		for (size_t i = 0;
		     i < n && i < REPORT_CG_TEXT && shown(&v[i], lists[l].by); i++)
			text_row(out, &v[i]);
	}
	cgroup_summaries_free(v, n);
	return 0;
}
