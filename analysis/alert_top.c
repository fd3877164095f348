/* SPDX-License-Identifier: MIT */
/*
 * alert_top: see alert_top.h. The ranking keeps the best max rows seen so
 * far in a small sorted array (max is ALERT_TOP_MAX, 3): one pass over the
 * table, no copy of it, no sort of thousands of rows to keep three.
 */
#include "analysis/alert_top.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "core/units.h"

struct prefix_by {
	const char *prefix;
	enum alert_top_by by;
};

/* The first match wins: cpu.iowait before cpu. */
static const struct prefix_by prefixes[] = {
	{"cpu.iowait", ALERT_TOP_BLOCKED}, {"cpu.", ALERT_TOP_CPU},
	{"load.", ALERT_TOP_CPU},	   {"psi.cpu.", ALERT_TOP_CPU},
	{"psi.memory.", ALERT_TOP_RSS},	   {"psi.io.", ALERT_TOP_BLOCKED},
	{"mem.", ALERT_TOP_RSS},	   {"swap.", ALERT_TOP_RSS},
	{"disk.", ALERT_TOP_BLOCKED},	   {"net.", ALERT_TOP_CPU},
};

enum alert_top_by alert_top_by_metric(const char *metric)
{
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(metric, prefixes[i].prefix, strlen(prefixes[i].prefix)))
			return prefixes[i].by;
	return ALERT_TOP_NONE;
}

const char *alert_top_by_name(enum alert_top_by by)
{
	switch (by) {
	case ALERT_TOP_CPU:
		return "cpu";
	case ALERT_TOP_RSS:
		return "rss";
	case ALERT_TOP_BLOCKED:
		return "blocked";
	case ALERT_TOP_NONE:
		break;
	}
	return "";
}

/* The figure r is ranked by, or false when r does not qualify. */
static bool figure(const struct proc_row *r, enum alert_top_by by, double *v)
{
	switch (by) {
	case ALERT_TOP_RSS:
		*v = (double)r->rss_bytes;
		return r->rss_bytes > 0;
	case ALERT_TOP_BLOCKED:
		*v = r->cpu_pct > 0 ? r->cpu_pct : 0;
		return r->state == 'D';
	case ALERT_TOP_CPU:
		*v = r->cpu_pct;
		return r->cpu_pct > 0;
	case ALERT_TOP_NONE:
		break;
	}
	return false;
}

size_t alert_top_pick(const struct proc_table *t, enum alert_top_by by,
		      struct alert_top *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; t && i < t->n; i++) {
		const struct proc_row *r = &t->rows[i];
		size_t at;
		double v;

		if (!figure(r, by, &v))
			continue;
		/* rows come by ascending pid: an equal figure stays behind */
		for (at = n; at > 0 && out[at - 1].value < v; at--)
			;
		if (at >= max)
			continue;
		if (n < max)
			n++;
		memmove(&out[at + 1], &out[at], (n - 1 - at) * sizeof(*out));
		memset(&out[at], 0, sizeof(out[at]));
		out[at].pid = r->pid;
		snprintf(out[at].comm, sizeof(out[at].comm), "%s", r->comm);
		out[at].value = v;
	}
	return n;
}

void alert_top_fill(struct alert_event *e, const char *metric, const struct proc_table *t)
{
	enum alert_top_by by = alert_top_by_metric(metric);

	e->top_by[0] = '\0';
	e->ntop = 0;
	if (by == ALERT_TOP_NONE ||
	    (strcmp(e->state, "pending") != 0 && strcmp(e->state, "firing") != 0))
		return;
	snprintf(e->top_by, sizeof(e->top_by), "%s", alert_top_by_name(by));
	e->ntop = alert_top_pick(t, by, e->top, ALERT_TOP_MAX);
}

void alert_top_format(const struct alert_event *e, char *buf, size_t len)
{
	size_t used = 0;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < e->ntop && used < len; i++) {
		char fig[32];
		int w;

		if (!strcmp(e->top_by, "rss"))
			units_bytes(e->top[i].value, fig, sizeof(fig));
		else
			snprintf(fig, sizeof(fig), "%.1f%%", e->top[i].value);
		w = snprintf(buf + used, len - used, "%s%d %s %s", i ? ", " : "",
			     e->top[i].pid, e->top[i].comm, fig);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

void alert_top_json(FILE *out, const struct alert_event *e)
{
	fputs(", \"top_by\": ", out);
	if (e->top_by[0])
		json_string(out, e->top_by);
	else
		fputs("null", out);
	fputs(", \"top\": [", out);
	for (size_t k = 0; k < e->ntop; k++) {
		fprintf(out, "%s{\"pid\": %d, \"name\": ", k ? ", " : "", e->top[k].pid);
		json_string(out, e->top[k].comm);
		fputs(", \"value\": ", out);
		json_number(out, e->top[k].value, 1);
		fputc('}', out);
	}
	fputc(']', out);
}
