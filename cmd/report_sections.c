/* SPDX-License-Identifier: MIT */
/* report_sections: see report_sections.h. */
#include "cmd/report_sections.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/json.h"
#include "core/xalloc.h"
#include "store/alerts.h"

/* ---- alerts ---- */

#define REPORT_ALERTS_MAX 10000

/* One firing of one rule: when it fired and when (if) it resolved. */
struct firing {
	const struct alert_event *fired;
	int64_t resolved_ms; /* 0 while still firing at the end */
};

/* Pairs every "firing" with the rule's next "resolved". */
static struct firing *pair_firings(const struct alert_event *ev, size_t n, size_t *nout)
{
	struct firing *f = NULL;
	size_t cap = 0;

	*nout = 0;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(ev[i].state, "firing")) {
			f = xgrow(f, &cap, *nout + 1, sizeof(*f));
			f[(*nout)++] = (struct firing){.fired = &ev[i]};
		} else if (!strcmp(ev[i].state, "resolved")) {
			for (size_t k = *nout; k > 0; k--)
				if (!strcmp(f[k - 1].fired->rule, ev[i].rule)) {
					if (!f[k - 1].resolved_ms)
						f[k - 1].resolved_ms = ev[i].t_ms;
					break;
				}
		}
	}
	return f;
}

static int load_firings(struct store *st, const struct report_span *sp,
			struct alert_event **ev, struct firing **f, size_t *n)
{
	size_t nev;

	if (query_alert_events(st, sp->t0, sp->t1, REPORT_ALERTS_MAX, ev, &nev) < 0)
		return -1;
	*f = pair_firings(*ev, nev, n);
	return 0;
}

int report_alerts_json(FILE *out, struct store *st, const struct report_span *sp)
{
	struct alert_event *ev;
	struct firing *f;
	size_t n;

	if (load_firings(st, sp, &ev, &f, &n) < 0)
		return -1;
	fputs(",\n  \"alerts\": [", out);
	for (size_t i = 0; i < n; i++) {
		const struct alert_event *e = f[i].fired;

		fputs(i ? ",\n    {\"rule\": " : "\n    {\"rule\": ", out);
		json_string(out, e->rule);
		fputs(", \"severity\": ", out);
		json_string(out, e->severity);
		fprintf(out,
			", \"fired_ms\": %lld, \"resolved_ms\": ", (long long)e->t_ms);
		json_number(out, f[i].resolved_ms ? (double)f[i].resolved_ms : NAN, 0);
		fputs(", \"value\": ", out);
		if (e->has_value)
			json_number(out, e->value, 3);
		else
			json_string(out, e->word);
		fputs(", \"message\": ", out);
		json_string(out, e->message);
		fputc('}', out);
	}
	fputs(n ? "\n  ]" : "]", out);
	free(f);
	free(ev);
	return 0;
}

static const char *clock_text(int64_t ms, char *buf, size_t len)
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;

	localtime_r(&s, &tm);
	strftime(buf, len, "%H:%M:%S", &tm);
	return buf;
}

int report_alerts_text(FILE *out, struct store *st, const struct report_span *sp)
{
	struct alert_event *ev;
	struct firing *f;
	char a[16], b[16];
	size_t n;

	if (load_firings(st, sp, &ev, &f, &n) < 0)
		return -1;
	if (!n)
		fputs("alerts    none fired\n", out);
	for (size_t i = 0; i < n; i++) {
		const struct alert_event *e = f[i].fired;

		fprintf(out, "%s %s %s .. %s  %s (%s): %s\n",
			i ? "         " : "alerts   ", i ? " " : " ",
			clock_text(e->t_ms, a, sizeof(a)),
			f[i].resolved_ms ? clock_text(f[i].resolved_ms, b, sizeof(b))
					 : "still firing",
			e->rule, e->severity, e->message);
	}
	free(f);
	free(ev);
	return 0;
}
