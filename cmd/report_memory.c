/* SPDX-License-Identifier: MIT */
/* report_memory: the "memory" section of report_sections.h. */
#include <math.h>
#include <string.h>

#include "cmd/report_sections.h"
#include "core/json.h"
#include "core/textsafe.h"
#include "core/units.h"
#include "store/heap_rows.h"

/*
 * The suspects stored with the verdict. A session recorded before suspects
 * were stored has none: a leak-suspect verdict then stands for the process.
 */
static int suspects_at(struct store *st, int64_t t_ms, const struct heap_verdict *v,
		       const char *comm, struct heap_suspect *out)
{
	int n = query_leak_suspects_at(st, t_ms, out, HEAP_SUSPECTS_MAX);

	if (n == 0 && !strcmp(v->state, "leak-suspect")) {
		memset(out, 0, sizeof(*out));
		snprintf(out->kind, sizeof(out->kind), "process");
		snprintf(out->name, sizeof(out->name), "%s", comm ? comm : "");
		out->rate_bytes_per_hour = v->rate_bytes_per_hour;
		out->size_bytes = v->floor_bytes;
		out->since_ms = v->since_ms;
		n = 1;
	}
	return n;
}

static void suspect_json(FILE *out, const struct heap_suspect *h)
{
	fputs("{\"kind\": ", out);
	json_string(out, h->kind);
	fputs(", \"name\": ", out);
	json_string(out, h->name);
	if (!strcmp(h->kind, "mapping")) {
		fputs(", \"region\": ", out);
		json_string(out, h->region);
		fputs(", \"key\": ", out);
		json_string(out, h->key);
	}
	fputs(", ", out);
	json_key_number(out, "rate_bytes_per_hour", h->rate_bytes_per_hour, 0);
	fputs(", ", out);
	json_key_number(out, "size_bytes", (double)h->size_bytes, 0);
	fputs(", ", out);
	json_key_number(out, "since_ms", h->since_ms > 0 ? (double)h->since_ms : NAN, 0);
	fputc('}', out);
}

int report_memory_json(FILE *out, struct store *st, const struct report_span *sp,
		       const char *comm)
{
	struct heap_suspect sus[HEAP_SUSPECTS_MAX];
	struct heap_verdict v;
	int64_t at;
	int rc = query_leak_verdict_at(st, sp->t1, &v, &at), n;

	if (rc < 0)
		return -1;
	fputs(",\n  \"memory\": ", out);
	if (rc == 0) {
		fputs("null", out);
		return 0;
	}
	if ((n = suspects_at(st, sp->t1, &v, comm, sus)) < 0)
		return -1;
	fputs("{\"source\": ", out);
	json_string(out, v.source);
	fputs(", \"verdict\": ", out);
	json_string(out, v.state);
	fputs(", ", out);
	json_key_number(out, "rate_bytes_per_hour", v.rate_bytes_per_hour, 0);
	fputs(", ", out);
	json_key_number(out, "confidence", v.confidence, 3);
	fputs(", ", out);
	json_key_number(out, "since_ms", v.since_ms > 0 ? (double)v.since_ms : NAN, 0);
	fputs(", ", out);
	json_key_number(out, "time_to_limit_s",
			v.time_to_limit_s >= 0 ? v.time_to_limit_s : NAN, 0);
	fputs(", ", out);
	json_key_number(out, "limit_bytes", v.limit_bytes ? (double)v.limit_bytes : NAN,
			0);
	fputs(", ", out);
	json_key_number(out, "floor_bytes", (double)v.floor_bytes, 0);
	fprintf(out, ", \"judged_ms\": %lld, \"suspects\": [", (long long)at);
	for (int i = 0; i < n; i++) {
		if (i)
			fputs(", ", out);
		suspect_json(out, &sus[i]);
	}
	fputs("]}", out);
	return 0;
}

int report_memory_text(FILE *out, struct store *st, const struct report_span *sp,
		       const char *comm)
{
	struct heap_suspect sus[HEAP_SUSPECTS_MAX];
	struct heap_verdict v;
	int64_t at;
	int rc = query_leak_verdict_at(st, sp->t1, &v, &at), n;
	char a[32], b[32];

	if (rc <= 0)
		return rc;
	if ((n = suspects_at(st, sp->t1, &v, comm, sus)) < 0)
		return -1;
	fputs("memory    ", out); /* words, but read from a session file */
	text_write(out, v.state);
	fputs(" (", out);
	text_write(out, v.source);
	fputs(" floors)", out);
	if (!strcmp(v.state, "leak-suspect") || !strcmp(v.state, "growing"))
		fprintf(out, ", %s/h, confidence %.2f",
			units_bytes(v.rate_bytes_per_hour, a, sizeof(a)), v.confidence);
	if (v.time_to_limit_s >= 0)
		fprintf(out, ", %s to the %s limit",
			units_span((int64_t)(v.time_to_limit_s * 1000), b, sizeof(b)),
			units_bytes((double)v.limit_bytes, a, sizeof(a)));
	fputc('\n', out);
	for (int i = 0; i < n; i++) {
		if (strcmp(sus[i].kind, "mapping"))
			continue;
		/* a region's name is a path from the target's maps */
		fputs("  suspect ", out);
		text_write(out, sus[i].region);
		fputc(' ', out);
		text_write(out, sus[i].name);
		fprintf(out, ": %s/h, %s now\n",
			units_bytes(sus[i].rate_bytes_per_hour, a, sizeof(a)),
			units_bytes((double)sus[i].size_bytes, b, sizeof(b)));
	}
	return 0;
}
