/* SPDX-License-Identifier: MIT */
/* report_sections: see report_sections.h. */
#include "cmd/report_sections.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/alert_fold.h"
#include "analysis/alert_top.h"
#include "collectors/target_access.h"
#include "cmd/cli.h"
#include "core/json.h"
#include "core/textsafe.h"
#include "core/units.h"
#include "core/xalloc.h"
#include "store/alert_rows.h"
#include "store/app_rows.h"
#include "store/profiles.h"
#include "store/series.h"
#include "store/target_rows.h"

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

/* The session's transitions, their firings paired and their flaps folded
 * (analysis/alert_fold; *folds indexes into *ev). Each array freed by the
 * caller. 0 or -1 (store_error). */
struct alert_digest {
	struct alert_event *ev;
	size_t nev;
	struct firing *f;
	size_t n;
	struct alert_fold *folds;
	size_t nfolds;
};

static int load_firings(struct store *st, const struct report_span *sp,
			struct alert_digest *d)
{
	memset(d, 0, sizeof(*d));
	if (query_alert_events(st, sp->t0, sp->t1, REPORT_ALERTS_MAX, &d->ev, &d->nev) <
	    0)
		return -1;
	d->f = pair_firings(d->ev, d->nev, &d->n);
	d->folds = xcalloc(d->nev ? d->nev : 1, sizeof(*d->folds));
	d->nfolds = alert_fold(d->ev, d->nev, d->folds);
	return 0;
}

static void digest_release(struct alert_digest *d)
{
	free(d->folds);
	free(d->f);
	free(d->ev);
}

/* "alert_flaps": each run of a rule's pending-and-back moves, folded. */
static void report_flaps_json(FILE *out, const struct alert_digest *d)
{
	size_t shown = 0;

	fputs(",\n  \"alert_flaps\": [", out);
	for (size_t i = 0; i < d->nfolds; i++) {
		const struct alert_fold *f = &d->folds[i];

		if (!alert_fold_is_flap(f))
			continue;
		fputs(shown++ ? ",\n    {\"rule\": " : "\n    {\"rule\": ", out);
		json_string(out, d->ev[f->last].rule);
		fputs(", \"severity\": ", out);
		json_string(out, d->ev[f->last].severity);
		fprintf(out,
			", \"flaps\": %zu, \"transitions\": %zu, \"first_ms\": %lld, "
			"\"last_ms\": %lld, \"last_state\": ",
			f->flaps, f->n, (long long)d->ev[f->first].t_ms,
			(long long)d->ev[f->last].t_ms);
		json_string(out, d->ev[f->last].state);
		fputc('}', out);
	}
	fputs(shown ? "\n  ]" : "]", out);
}

#define REPORT_NOTICES_MAX 1000

/* Keeps the notices of alert actions in v (the others, such as a daemon's,
 * have their own section: cmd/report_daemon.c); returns how many. */
static size_t only_actions(struct notice *v, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (!strncmp(v[i].kind, "action-", 7))
			v[k++] = v[i];
	return k;
}

static void count_notices(const struct notice *v, size_t n, size_t *failed,
			  size_t *dropped)
{
	*failed = *dropped = 0;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(v[i].kind, "action-dropped"))
			(*dropped)++;
		else
			(*failed)++;
	}
}

/* "alert_actions": the log: and exec: actions that failed or were dropped. */
static int report_actions_json(FILE *out, struct store *st, const struct report_span *sp)
{
	struct notice *v;
	size_t n, failed, dropped;

	if (query_notices(st, sp->t0, sp->t1, REPORT_NOTICES_MAX, &v, &n) < 0)
		return -1;
	n = only_actions(v, n);
	count_notices(v, n, &failed, &dropped);
	fprintf(out,
		",\n  \"alert_actions\": {\"failed\": %zu, \"dropped\": %zu, "
		"\"notices\": [",
		failed, dropped);
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%s\n    {\"t_ms\": %lld, \"kind\": ", i ? "," : "",
			(long long)v[i].t_ms);
		json_string(out, v[i].kind);
		fputs(", \"rule\": ", out);
		json_string(out, v[i].source);
		fputs(", \"message\": ", out);
		json_string(out, v[i].message);
		fputc('}', out);
	}
	fputs(n ? "\n  ]}" : "]}", out);
	free(v);
	return 0;
}

int report_alerts_json(FILE *out, struct store *st, const struct report_span *sp)
{
	struct alert_digest d;

	if (load_firings(st, sp, &d) < 0)
		return -1;
	fputs(",\n  \"alerts\": [", out);
	for (size_t i = 0; i < d.n; i++) {
		const struct alert_event *e = d.f[i].fired;

		fputs(i ? ",\n    {\"rule\": " : "\n    {\"rule\": ", out);
		json_string(out, e->rule);
		fputs(", \"severity\": ", out);
		json_string(out, e->severity);
		fprintf(out,
			", \"fired_ms\": %lld, \"resolved_ms\": ", (long long)e->t_ms);
		json_number(out, d.f[i].resolved_ms ? (double)d.f[i].resolved_ms : NAN,
			    0);
		fputs(", \"value\": ", out);
		if (e->has_value)
			json_number(out, e->value, 3);
		else
			json_string(out, e->word);
		fputs(", \"message\": ", out);
		json_string(out, e->message);
		alert_top_json(out, e);
		fputc('}', out);
	}
	fputs(d.n ? "\n  ]" : "]", out);
	report_flaps_json(out, &d);
	digest_release(&d);
	return report_actions_json(out, st, sp);
}

static const char *clock_text(int64_t ms, char *buf, size_t len)
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;

	localtime_r(&s, &tm);
	strftime(buf, len, "%H:%M:%S", &tm);
	return buf;
}

/* The actions that failed or were dropped: the count, then the last few. */
static int report_actions_text(FILE *out, struct store *st, const struct report_span *sp)
{
	struct notice *v;
	size_t n, failed, dropped, from;
	char at[16];

	if (query_notices(st, sp->t0, sp->t1, REPORT_NOTICES_MAX, &v, &n) < 0)
		return -1;
	n = only_actions(v, n);
	count_notices(v, n, &failed, &dropped);
	if (n)
		fprintf(out, "actions   %zu failed, %zu dropped%s\n", failed, dropped,
			n > 5 ? " (the last 5:)" : "");
	from = n > 5 ? n - 5 : 0;
	for (size_t i = from; i < n; i++)
		fprintf(out, "           %s %s: %s\n",
			clock_text(v[i].t_ms, at, sizeof(at)), v[i].source, v[i].message);
	free(v);
	return 0;
}

/* "          top by CPU: 1234 busy 99.8%, ..." under a firing that named any. */
static void text_top(FILE *out, const struct alert_event *e)
{
	char top[256];

	if (!e->top_by[0])
		return;
	alert_top_format(e, top, sizeof(top));
	fprintf(out, "            %s: ",
		!strcmp(e->top_by, "rss")	? "top by memory"
		: !strcmp(e->top_by, "blocked") ? "in state D"
						: "top by CPU");
	text_write(out, top[0] ? top : "none measured");
	fputc('\n', out);
}

/* "flapped   rss-flap 37x pending<->ok 12:01:00 .. 12:03:04" per folded run. */
static void text_flaps(FILE *out, const struct alert_digest *d)
{
	char a[16], b[16];
	size_t shown = 0;

	for (size_t i = 0; i < d->nfolds; i++) {
		const struct alert_fold *f = &d->folds[i];

		if (!alert_fold_is_flap(f))
			continue;
		fputs(shown++ ? "          " : "flapped   ", out);
		text_write(out, d->ev[f->last].rule);
		fprintf(out, " %zux pending<->ok %s .. %s\n", f->flaps,
			clock_text(d->ev[f->first].t_ms, a, sizeof(a)),
			clock_text(d->ev[f->last].t_ms, b, sizeof(b)));
	}
}

int report_alerts_text(FILE *out, struct store *st, const struct report_span *sp)
{
	struct alert_digest d;
	char a[16], b[16];

	if (load_firings(st, sp, &d) < 0)
		return -1;
	if (!d.n)
		fputs("alerts    none fired\n", out);
	for (size_t i = 0; i < d.n; i++) {
		const struct alert_event *e = d.f[i].fired;

		/* rule and message quote the user's rules and process names */
		fprintf(out, "%s %s %s .. %s  ", i ? "         " : "alerts   ", " ",
			clock_text(e->t_ms, a, sizeof(a)),
			d.f[i].resolved_ms ? clock_text(d.f[i].resolved_ms, b, sizeof(b))
					   : "still firing");
		text_write(out, e->rule);
		fputs(" (", out);
		text_write(out, e->severity);
		fputs("): ", out);
		text_write(out, e->message);
		fputc('\n', out);
		text_top(out, e);
	}
	text_flaps(out, &d);
	digest_release(&d);
	return report_actions_text(out, st, sp);
}

/* ---- latency ---- */

#define REPORT_THREADS 10

/* The whole-span average of a metric, NaN when it has no values. */
static double span_avg(struct store *st, const char *metric, const struct report_span *sp)
{
	struct series s;
	double v = NAN;

	if (query_series(st, metric, sp->t0, sp->t1, 1, &s) == 0 && s.n)
		v = s.points[0].avg;
	series_release(&s);
	return v;
}

static void json_psi(FILE *out, struct store *st, const struct report_span *sp,
		     const char *prefix)
{
	static const char *const names[] = {"cpu.some.avg10", "memory.some.avg10",
					    "memory.full.avg10", "io.some.avg10",
					    "io.full.avg10"};
	char metric[64], key[64];

	fputc('{', out);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(metric, sizeof(metric), "%s%s", prefix, names[i]);
		snprintf(key, sizeof(key), "%s_avg", names[i]);
		for (char *c = key; *c; c++)
			if (*c == '.')
				*c = '_';
		if (i)
			fputs(", ", out);
		json_key_number(out, key, span_avg(st, metric, sp), 2);
	}
	fputc('}', out);
}

static int json_threads(FILE *out, struct store *st, const struct report_span *sp)
{
	struct thread_wait *tw;
	size_t n;

	if (query_thread_waits(st, sp->t0, sp->t1, REPORT_THREADS, &tw, &n) < 0)
		return -1;
	fputs("\"threads\": [", out);
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%s{\"tid\": %d, \"comm\": ", i ? ", " : "", tw[i].tid);
		json_string(out, tw[i].comm);
		fputs(", ", out);
		json_key_number(out, "wait_share", tw[i].wait_share, 2);
		fputs(", ", out);
		json_key_number(out, "wait_ms", tw[i].wait_ms, 1);
		fputc('}', out);
	}
	fputc(']', out);
	free(tw);
	return 0;
}

static int json_timers(FILE *out, struct store *st, const struct report_span *sp)
{
	static const char *const keys[] = {"p50_ms",  "p90_ms", "p99_ms",
					   "p999_ms", "max_ms", "mean_ms"};
	struct timer_stat *t;
	size_t n;

	if (query_timers(st, sp->t0, sp->t1, &t, &n) < 0)
		return -1;
	fputs("\"timers\": {", out);
	for (size_t i = 0; i < n; i++) {
		const double v[] = {t[i].p50_ms,  t[i].p90_ms, t[i].p99_ms,
				    t[i].p999_ms, t[i].max_ms, t[i].mean_ms};

		fputs(i ? ",\n      " : "\n      ", out);
		json_string(out, t[i].name);
		fprintf(out, ": {\"count\": %llu, \"clamped\": %llu, ",
			(unsigned long long)t[i].count, (unsigned long long)t[i].clamped);
		json_key_number(out, "per_s", t[i].per_s, 3);
		/* ms to the nanosecond: 6 decimals */
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			fputs(", ", out);
			json_key_number(out, keys[k], v[k], 6);
		}
		fputc('}', out);
	}
	fputs(n ? "\n    }" : "}", out);
	free(t);
	return 0;
}

/* "counters" and "gauges": each by name, over the window. */
static int json_app_values(FILE *out, struct store *st, const struct report_span *sp)
{
	struct app_value_stat *v;
	size_t n, shown = 0;

	if (query_app_values(st, sp->t0, sp->t1, &v, &n) < 0)
		return -1;
	for (int pass = 0; pass < 2; pass++) {
		char kind = pass ? APP_GAUGE : APP_COUNTER;

		shown = 0;
		fputs(pass ? ",\n    \"gauges\": {" : ",\n    \"counters\": {", out);
		for (size_t i = 0; i < n; i++) {
			if (v[i].kind != kind)
				continue;
			fputs(shown++ ? ",\n      " : "\n      ", out);
			json_string(out, v[i].name);
			fprintf(out, ": {\"count\": %llu, ",
				(unsigned long long)v[i].count);
			if (kind == APP_COUNTER) {
				json_key_number(out, "total", v[i].total, 6);
				fputs(", ", out);
				json_key_number(out, "per_s", v[i].per_s, 3);
			} else {
				json_key_number(out, "last", v[i].last, 6);
				fputs(", ", out);
				json_key_number(out, "min", v[i].min, 6);
				fputs(", ", out);
				json_key_number(out, "max", v[i].max, 6);
			}
			fputc('}', out);
		}
		fputs(shown ? "\n    }" : "}", out);
	}
	free(v);
	return 0;
}

/* "statsd": what the listener received and could not parse. */
static int json_ingest(FILE *out, struct store *st, const struct report_span *sp)
{
	struct app_ingest g;

	if (query_app_ingest(st, sp->t0, sp->t1, &g) < 0)
		return -1;
	fprintf(out,
		"\"statsd\": {\"packets\": %llu, \"lines\": %llu, \"dropped\": %llu, "
		"\"malformed\": {",
		(unsigned long long)g.packets, (unsigned long long)g.lines,
		(unsigned long long)g.dropped);
	for (int i = 0; i < APP_BAD_N; i++)
		fprintf(out, "%s\"%s\": %llu", i ? ", " : "",
			app_bad_name((enum app_bad)i), (unsigned long long)g.bad[i]);
	fputs("}},\n    ", out);
	return 0;
}

int report_latency_json(FILE *out, struct store *st, const struct report_span *sp)
{
	fputs(",\n  \"latency\": {\n    \"run_delay\": {", out);
	json_key_number(out, "wait_share_avg", span_avg(st, "target.run_wait", sp), 2);
	fputs(", ", out);
	json_key_number(out, "wait_per_slice_us_avg",
			span_avg(st, "target.wait_per_slice", sp), 1);
	fputs(", ", out);
	if (json_threads(out, st, sp) < 0)
		return -1;
	fputs("},\n    ", out);
	json_key_number(out, "io_delay_ms_per_s_avg",
			span_avg(st, "target.io_delay.rate", sp), 2);
	fputs(",\n    \"psi\": {\"cgroup\": ", out);
	json_psi(out, st, sp, "target.cgpsi.");
	fputs(", \"system\": ", out);
	json_psi(out, st, sp, "psi.");
	fputs("},\n    ", out);
	if (json_ingest(out, st, sp) < 0 || json_timers(out, st, sp) < 0 ||
	    json_app_values(out, st, sp) < 0)
		return -1;
	fputs("\n  }", out);
	return 0;
}

/* "statsd" line: what came in, what was refused and why, what was lost. */
static int text_ingest(FILE *out, struct store *st, const struct report_span *sp)
{
	struct app_ingest g;
	uint64_t bad = 0, cap;

	if (query_app_ingest(st, sp->t0, sp->t1, &g) < 0)
		return -1;
	if (!g.lines && !g.dropped)
		return 0;
	cap = g.bad[APP_BAD_TOO_MANY_METRICS];
	for (int i = 0; i < APP_BAD_N; i++)
		bad += i == APP_BAD_TOO_MANY_METRICS ? 0 : g.bad[i];
	fprintf(out, "statsd    %llu lines, %llu malformed", (unsigned long long)g.lines,
		(unsigned long long)bad);
	for (int i = 0, k = 0; i < APP_BAD_N; i++)
		if (g.bad[i] && i != APP_BAD_TOO_MANY_METRICS)
			fprintf(out, "%s%s %llu", k++ ? ", " : " (",
				app_bad_name((enum app_bad)i),
				(unsigned long long)g.bad[i]);
	if (bad)
		fputc(')', out);
	if (cap)
		fprintf(out, "; %llu dropped over the %d-metrics-per-tick cap",
			(unsigned long long)cap, APP_METRICS_PER_TICK);
	if (g.dropped)
		fprintf(out, "; %llu datagrams dropped by the kernel",
			(unsigned long long)g.dropped);
	fputc('\n', out);
	return 0;
}

static void text_timer(FILE *out, const struct timer_stat *t, bool first)
{
	char a[16], b[16], c[16], d[16], e[16];

	/* names came over the network: escaped */
	fputs(first ? "timers    " : "          ", out);
	text_write(out, t->name);
	fprintf(out,
		": %llu (%.1f/s), p50 %s p90 %s p99 %s p99.9 %s max "
		"%s",
		(unsigned long long)t->count, t->per_s,
		units_latency(t->p50_ms, a, sizeof(a)),
		units_latency(t->p90_ms, b, sizeof(b)),
		units_latency(t->p99_ms, c, sizeof(c)),
		units_latency(t->p999_ms, d, sizeof(d)),
		units_latency(t->max_ms, e, sizeof(e)));
	if (t->clamped)
		fprintf(out, "; %llu clamped above 1h", (unsigned long long)t->clamped);
	fputc('\n', out);
}

static int text_app_values(FILE *out, struct store *st, const struct report_span *sp)
{
	struct app_value_stat *v;
	size_t n;
	bool counters = false, gauges = false;

	if (query_app_values(st, sp->t0, sp->t1, &v, &n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (v[i].kind == APP_COUNTER) {
			fputs(counters ? "          " : "counters  ", out);
			text_write(out, v[i].name);
			fprintf(out, ": %.6g (%.1f/s)\n", v[i].total, v[i].per_s);
			counters = true;
		} else {
			fputs(gauges ? "          " : "gauges    ", out);
			text_write(out, v[i].name);
			fprintf(out, ": last %.6g, min %.6g, max %.6g\n", v[i].last,
				v[i].min, v[i].max);
			gauges = true;
		}
	}
	free(v);
	return 0;
}

int report_latency_text(FILE *out, struct store *st, const struct report_span *sp)
{
	struct timer_stat *t;
	double share = span_avg(st, "target.run_wait", sp);
	double io = span_avg(st, "target.io_delay.rate", sp);
	size_t n;

	if (!isnan(share))
		fprintf(out,
			"latency   waits for a CPU %.1f%% of runnable time, %.0f us per "
			"slice",
			share, span_avg(st, "target.wait_per_slice", sp));
	if (!isnan(share) && !isnan(io))
		fprintf(out, "; block IO %.1f ms/s", io);
	if (!isnan(share))
		fputc('\n', out);
	if (text_ingest(out, st, sp) < 0 || query_timers(st, sp->t0, sp->t1, &t, &n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		text_timer(out, &t[i], i == 0);
	free(t);
	return text_app_values(out, st, sp);
}

/* ---- profiles ---- */

#define REPORT_PROFILE_TOP 10

static void json_profile(FILE *out, const struct profile *p)
{
	const struct profile_meta *m = &p->meta;
	struct profile_fn *top;
	size_t n;
	double all = m->samples ? (double)m->samples : 1;

	fprintf(out,
		"{\"id\": %lld, \"started_ms\": %lld, \"duration_ms\": %lld, \"mode\": "
		"\"%s\", ",
		(long long)m->id, (long long)m->started_ms, (long long)m->duration_ms,
		profile_mode_name(m->mode));
	/* an allocation profile samples by bytes, not by time */
	if (PROFILE_BYTES(m->mode)) {
		fprintf(out, "\"hz\": null, \"bytes_per_sample\": %d, ", m->hz);
		/* the share of the capture the probes were on (--alloc-duty);
		 * null in sessions from before it was kept */
		if (m->active > 0) {
			json_key_number(out, "probes_on", m->active, 4);
			fputs(", ", out);
		} else {
			fputs("\"probes_on\": null, ", out);
		}
	} else
		fprintf(out, "\"hz\": %d, ", m->hz);
	fprintf(out, "\"samples\": %llu, \"lost\": %llu, \"partial\": %s, \"sampler\": ",
		(unsigned long long)m->samples, (unsigned long long)m->lost,
		m->partial ? "true" : "false");
	json_string(out, m->sampler);
	fputs(", \"top\": [", out);
	top = profile_top(p, 0, &n);
	for (size_t i = 0; i < n && i < REPORT_PROFILE_TOP; i++) {
		const struct profile_frame *f = &p->frames[top[i].frame];

		fputs(i ? ", {\"function\": " : "{\"function\": ", out);
		json_string(out, f->function);
		fputs(", \"module\": ", out);
		json_string(out, f->module);
		fputs(", ", out);
		json_key_number(out, "self_pct", 100.0 * (double)top[i].self / all, 2);
		fputs(", ", out);
		json_key_number(out, "total_pct", 100.0 * (double)top[i].total / all, 2);
		fputc('}', out);
	}
	free(top);
	fputs("]}", out);
}

int report_profiles_json(FILE *out, struct store *st, const struct report_span *sp)
{
	struct profile_meta *list;
	size_t n, shown = 0;
	char err[256];

	(void)sp; /* a profile belongs to the session, whatever the window */
	if (query_profiles(st, &list, &n) < 0)
		return -1;
	fputs(",\n  \"profiles\": [", out);
	for (size_t i = n; i > 0; i--) { /* oldest first */
		struct profile *p =
			query_profile_load(st, list[i - 1].id, err, sizeof(err));

		if (!p) { /* a damaged profile is said and skipped, not fatal */
			cli_warn("%s (skipped)", err);
			continue;
		}
		fputs(shown++ ? ",\n    " : "\n    ", out);
		json_profile(out, p);
		profile_free(p);
	}
	fputs(shown ? "\n  ]" : "]", out);
	free(list);
	return 0;
}

int report_profiles_text(FILE *out, struct store *st, const struct report_span *sp)
{
	struct profile_meta *list;
	size_t n;

	(void)sp;
	if (query_profiles(st, &list, &n) < 0)
		return -1;
	for (size_t i = n; i > 0; i--) {
		const struct profile_meta *m = &list[i - 1];
		char at[16];

		char on[48] = "";

		if (m->active > 0 && m->active < 1)
			snprintf(on, sizeof(on), ", probes on %.1f%% of it",
				 100 * m->active);
		fprintf(out,
			"%s #%lld %s %s, %d %s, %lld ms%s, %llu samples%s (vigil export "
			"--profile %lld)\n",
			i == n ? "profiles " : "         ", (long long)m->id,
			clock_text(m->started_ms, at, sizeof(at)),
			profile_mode_name(m->mode), m->hz,
			PROFILE_BYTES(m->mode) ? "bytes a sample" : "Hz",
			(long long)m->duration_ms, on, (unsigned long long)m->samples,
			m->partial ? ", partial" : "", (long long)m->id);
	}
	free(list);
	return 0;
}

/* ---- access: targets the recorder could not fully read ---- */

int report_access_json(FILE *out, struct store *st, const struct report_span *sp)
{
	struct target_denial *d;
	size_t n;

	if (query_target_denials(st, sp->t0, sp->t1, &d, &n) < 0)
		return -1;
	fputs(",\n  \"access\": [", out);
	for (size_t i = 0; i < n; i++) {
		bool first = true;

		fprintf(out, "%s\n    {\"pid\": %d, \"comm\": ", i ? "," : "", d[i].pid);
		json_string(out, d[i].comm);
		fputs(", \"missing\": [", out);
		for (unsigned bit = 1; bit & TARGET_ACCESS_ALL; bit <<= 1) {
			if (!(d[i].denied & bit))
				continue;
			fputs(first ? "" : ", ", out);
			json_string(out, target_access_name(bit));
			first = false;
		}
		fprintf(out, "], \"reason\": \"permission denied\", \"first_ms\": %lld}",
			(long long)d[i].first_ms);
	}
	fputs(n ? "\n  ]" : "]", out);
	free(d);
	return 0;
}

int report_access_text(FILE *out, struct store *st, const struct report_span *sp)
{
	struct target_denial *d;
	char line[512];
	size_t n;

	if (query_target_denials(st, sp->t0, sp->t1, &d, &n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		target_access_warning(TARGET_ACCESS_REPORT, d[i].pid, d[i].comm, 0,
				      d[i].denied, EACCES, line, sizeof(line));
		fprintf(out, "%s%s\n", i ? "          " : "access    ", line);
	}
	free(d);
	return 0;
}
