/* SPDX-License-Identifier: MIT */
/*
 * report_actions: the "process_actions" section of `vigil report`, what the
 * operator did to processes from the console (signals, renice, strace,
 * lsof), from the proc_actions rows (schema 7). Declared in
 * report_sections.h.
 */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "cmd/report_sections.h"
#include "core/json.h"
#include "core/textsafe.h"
#include "store/action_rows.h"
#include "store/frames.h"

#define REPORT_PROC_ACTIONS_MAX 1000

/*
 * Actions happen between ticks, and often after the last one (kill, then
 * quit): a span that reaches the session's first or last tick reaches its
 * start or end for them.
 */
static int load(struct store *st, const struct report_span *sp, struct proc_action **v,
		size_t *n)
{
	int64_t first, last, t0 = sp->t0, t1 = sp->t1;
	uint64_t ticks;

	if (query_span(st, &first, &last, &ticks) < 0)
		return -1;
	if (!ticks || t0 <= first)
		t0 = INT64_MIN;
	if (!ticks || t1 >= last)
		t1 = INT64_MAX;
	return query_proc_actions(st, t0, t1, REPORT_PROC_ACTIONS_MAX, v, n);
}

int report_proc_actions_json(FILE *out, struct store *st, const struct report_span *sp)
{
	struct proc_action *v;
	size_t n;

	if (load(st, sp, &v, &n) < 0)
		return -1;
	fputs(",\n  \"process_actions\": [", out);
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%s\n    {\"t_ms\": %lld, \"action\": ", i ? "," : "",
			(long long)v[i].t_ms);
		json_string(out, v[i].what);
		fputs(", \"detail\": ", out);
		json_string(out, v[i].detail);
		fprintf(out, ", \"pid\": %d, \"start_ticks\": %llu, \"comm\": ", v[i].pid,
			(unsigned long long)v[i].start_ticks);
		json_string(out, v[i].comm);
		fprintf(out, ", \"ok\": %s, \"result\": ", v[i].ok ? "true" : "false");
		json_string(out, v[i].result);
		fputc('}', out);
	}
	fputs(n ? "\n  ]" : "]", out);
	free(v);
	return 0;
}

int report_proc_actions_text(FILE *out, struct store *st, const struct report_span *sp)
{
	struct proc_action *v;
	size_t n;
	char at[16];

	if (load(st, sp, &v, &n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		time_t s = (time_t)(v[i].t_ms / 1000);
		struct tm tm;

		localtime_r(&s, &tm);
		strftime(at, sizeof(at), "%H:%M:%S", &tm);
		fprintf(out, "%s %s %s%s%s %d ", i ? "         " : "operator ", at,
			v[i].what, v[i].detail[0] ? " " : "", v[i].detail, v[i].pid);
		text_write(out, v[i].comm); /* a process name may hold anything */
		fputs(": ", out);
		text_write(out, v[i].result);
		fputc('\n', out);
	}
	free(v);
	return 0;
}
