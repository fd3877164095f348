/* SPDX-License-Identifier: MIT */
/*
 * report_daemon: the notices a recorder left about itself rather than about
 * an alert action: `vigil daemon` shedding data (files removed over its
 * budget or for a full disk, ticks dropped) and compacting a file. JSON:
 * "daemon": [{"t_ms", "kind", "message"}, ...], [] when none; text: one
 * line each, none when there are none.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/report_sections.h"
#include "core/json.h"
#include "core/textsafe.h"
#include "store/alert_rows.h"

#define DAEMON_NOTICES_MAX 1000

/* The notices that are not an alert action's, oldest first. */
static int load(struct store *st, const struct report_span *sp, struct notice **out,
		size_t *n)
{
	size_t k = 0;

	if (query_notices(st, sp->t0, sp->t1, DAEMON_NOTICES_MAX, out, n) < 0)
		return -1;
	for (size_t i = 0; i < *n; i++)
		if (strncmp((*out)[i].kind, "action-", 7))
			(*out)[k++] = (*out)[i];
	*n = k;
	return 0;
}

int report_daemon_json(FILE *out, struct store *st, const struct report_span *sp)
{
	struct notice *v;
	size_t n;

	if (load(st, sp, &v, &n) < 0)
		return -1;
	fputs(",\n  \"daemon\": [", out);
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%s\n    {\"t_ms\": %lld, \"kind\": ", i ? "," : "",
			(long long)v[i].t_ms);
		json_string(out, v[i].kind);
		fputs(", \"message\": ", out);
		json_string(out, v[i].message);
		fputc('}', out);
	}
	fputs(n ? "\n  ]" : "]", out);
	free(v);
	return 0;
}

int report_daemon_text(FILE *out, struct store *st, const struct report_span *sp)
{
	struct notice *v;
	char at[16];
	size_t n;

	if (load(st, sp, &v, &n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		time_t s = (time_t)(v[i].t_ms / 1000);
		struct tm tm;

		localtime_r(&s, &tm);
		strftime(at, sizeof(at), "%H:%M:%S", &tm);
		fprintf(out, "%s %s ", i ? "         " : "daemon   ", at);
		text_write(out, v[i].kind);
		fputs(": ", out);
		text_write(out, v[i].message);
		fputc('\n', out);
	}
	free(v);
	return 0;
}
