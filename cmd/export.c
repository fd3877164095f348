/* SPDX-License-Identifier: MIT */
#include "cmd/commands.h"
/*
 * export: `vigil export FILE --metrics` — one row per tick of a window, with
 * every metric the query API knows as a column, as CSV (RFC 4180) or JSON
 * (docs/export.md).
 *
 * Rows are streamed: the window is walked a page of EXPORT_PAGE ticks at a
 * time, each metric read for the page with query_series at one point per
 * tick, so memory stays the same for a minute or a month of ticks. A page's
 * query starts at the last tick of the page before, so rates across the
 * seam are there; only the window's first tick has none, as with any series.
 *
 * Numbers are written by hand from fixed-point text, never with the
 * locale's decimal separator, so a file exported anywhere reads the same.
 */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/alert_top.h"
#include "analysis/pprof.h"
#include "cmd/cli.h"
#include "cmd/source.h"
#include "cmd/export_app.h"
#include "cmd/export_cgroups.h"
#include "core/json.h"
#include "core/outfile.h"
#include "core/when.h"
#include "core/xalloc.h"
#include "store/alert_rows.h"
#include "store/dev_rows.h"
#include "store/exit_rows.h"
#include "store/frames.h"
#include "store/profiles.h"
#include "store/series.h"
#include "store/store.h"

#define EXPORT_PAGE 1000 /* ticks per round of queries */
#define TARGET_PREFIX "target."

enum export_format {
	EXPORT_CSV,
	EXPORT_JSON,
	EXPORT_FOLDED,
	EXPORT_PPROF,
	EXPORT_DEFAULT
};

struct export_opts {
	const char *session;
	const char *from, *to; /* when_parse text, NULL: the session's ends */
	const char *out_path;  /* NULL: stdout */
	enum export_format format;
	bool metrics, alerts, exits, cgroups, force;
	int64_t profile; /* --profile ID, 0: none */
};

struct export_writer {
	FILE *out;
	struct outfile file; /* -o OUT: written beside it, put in place at the end */
	enum export_format format;
	const char **cols; /* column names; t_ms comes first and is not here */
	size_t ncols;
	size_t nseries;		/* cols[0..nseries) are query API metrics */
	struct export_app *app; /* then the StatsD columns (export_app.h) */
	char **dev_cols;	/* owned: the per-device names among cols */
	size_t ndev_cols;
	uint64_t rows;
	int err;	/* errno of the first failed write, 0 while all is well */
	double *values; /* ncols each, the row being built */
	bool *have;
};

static int cmd_export(int argc, char **argv);

enum {
	EXPORT_OPT_METRICS = CLI_OPT_OWN,
	EXPORT_OPT_PROFILE,
	EXPORT_OPT_ALERTS,
	EXPORT_OPT_EXITS,
	EXPORT_OPT_CGROUPS
};

/* clang-format off */
static const struct cli_option export_options[] = {
	{EXPORT_OPT_METRICS, 0, "metrics", NULL,
	 "one row per tick, every metric a column"},
	{EXPORT_OPT_PROFILE, 0, "profile", "ID",
	 "a stored profile (ids: vigil report FILE)"},
	{EXPORT_OPT_ALERTS, 0, "alerts", NULL, "every alert transition of the window"},
	{EXPORT_OPT_EXITS, 0, "exits", NULL, "every process that exited in the window"},
	{EXPORT_OPT_CGROUPS, 0, "cgroups", NULL, "one row per tick and cgroup"},
	CLI_SHARED(CLI_OPT_FROM),
	CLI_SHARED(CLI_OPT_TO),
	/* in the order of enum export_format */
	CLI_SHARED_AS(CLI_OPT_FORMAT, "csv|json|folded|pprof",
		      "default csv; a profile: folded, json or pprof"),
	CLI_SHARED_AS(CLI_OPT_OUTPUT, "OUT", "write to OUT (created 0600) instead of "
		      "stdout"),
	CLI_SHARED(CLI_OPT_FORCE),
};
/* clang-format on */

const struct cli_command export_command = {
	.name = "export",
	.operands = "FILE|DIR WHAT",
	.summary = "WHAT: --metrics, --profile ID, --alerts, --exits or --cgroups",
	.about = "TIME: HH:MM[:SS], YYYY-MM-DD HH:MM[:SS], ms since the epoch, +DUR "
		 "(after the\nstart; for --to, after --from), -DUR (before the end), "
		 "start, end.\nA profile exports as folded stacks (flamegraph.pl, "
		 "inferno), as speedscope\nJSON or as gzipped pprof (go tool pprof, "
		 "Pyroscope, Parca), whole.\n",
	.options = export_options,
	.noptions = sizeof(export_options) / sizeof(export_options[0]),
	.run = cmd_export,
};

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* --profile's value: a positive profile id. */
static int64_t parse_profile_id(const char *value)
{
	char *end;
	long long id = strtoll(value, &end, 10);

	if (end == value || *end || id <= 0)
		usage_error("bad --profile '%s': want a profile id (vigil report lists "
			    "them)",
			    value);
	return id;
}

static void parse_opts(int argc, char **argv, struct export_opts *o)
{
	struct cli_args a;
	int first;

	cli_parse(&export_command, argc, argv, &a);
	*o = (struct export_opts){
		.from = a.value[CLI_OPT_FROM],
		.to = a.value[CLI_OPT_TO],
		.out_path = a.value[CLI_OPT_OUTPUT],
		.format = a.format < 0 ? EXPORT_DEFAULT : (enum export_format)a.format,
		.metrics = cli_has(&a, EXPORT_OPT_METRICS),
		.alerts = cli_has(&a, EXPORT_OPT_ALERTS),
		.exits = cli_has(&a, EXPORT_OPT_EXITS),
		.cgroups = cli_has(&a, EXPORT_OPT_CGROUPS),
		.force = cli_has(&a, CLI_OPT_FORCE),
	};
	if (cli_has(&a, EXPORT_OPT_PROFILE))
		o->profile = parse_profile_id(a.value[EXPORT_OPT_PROFILE]);
	first = a.operand;
	if (first != argc - 1)
		usage_error(first < argc ? "export takes one session FILE"
					 : "export needs a session FILE");
	o->session = argv[first];
	if ((int)o->metrics + (int)(o->profile > 0) + (int)o->alerts + (int)o->exits +
		    (int)o->cgroups !=
	    1)
		usage_error("export needs one of --metrics, --profile ID, --alerts, "
			    "--exits or --cgroups");
	if ((o->alerts || o->exits || o->cgroups) && o->format == EXPORT_FOLDED)
		usage_error("--format folded is for profiles");
	if (!o->profile && o->format == EXPORT_PPROF)
		usage_error("--format pprof is for profiles");
	if (o->profile && o->format == EXPORT_CSV)
		usage_error("a profile exports as folded, json or pprof, not csv");
	if (o->metrics && o->format == EXPORT_FOLDED)
		usage_error("--format folded is for profiles");
	if (o->profile && (o->from || o->to))
		usage_error("--from/--to are for --metrics; a profile is exported whole");
	if (o->format == EXPORT_DEFAULT)
		o->format = o->profile ? EXPORT_FOLDED : EXPORT_CSV;
	if (o->format == EXPORT_PPROF && !o->out_path && isatty(STDOUT_FILENO))
		usage_error("--format pprof is binary: give -o FILE or a pipe, not a "
			    "terminal");
	if (o->out_path && same_file(o->out_path, o->session))
		usage_error("-o '%s' is the session being exported", o->out_path);
}

/* Parses one of --from/--to, or exits 2 with the reason (closing st first). */
static int64_t parse_time(struct store *st, const char *opt, const char *text,
			  const struct when_ctx *c)
{
	char why[256];
	int64_t ms;

	if (when_parse(text, c, &ms, why, sizeof(why)) == 0)
		return ms;
	store_close(st);
	usage_error("bad %s '%s': %s", opt, text, why);
}

/*
 * The window [*t0, *t1] from --from/--to over the session's span: "+DUR" in
 * --from counts from the start, in --to from --from; "-DUR" from the end.
 */
static void resolve_window(struct store *st, const struct export_opts *o, int64_t first,
			   int64_t last, int64_t *t0, int64_t *t1)
{
	struct when_ctx c = {first, last, first, last};

	*t0 = o->from ? parse_time(st, "--from", o->from, &c) : first;
	c.plus_ref_ms = *t0;
	*t1 = o->to ? parse_time(st, "--to", o->to, &c) : last;
	if (*t0 > *t1) {
		store_close(st);
		usage_error("--from '%s' is after --to '%s'", o->from ? o->from : "start",
			    o->to ? o->to : "end");
	}
}

/* ---- writing ---- */

/* v with up to 6 decimals, trailing zeros dropped, whole numbers bare. */
static const char *format_number(double v, char *buf, size_t len)
{
	char *end;

	if (v == floor(v) && fabs(v) < 9e15) {
		snprintf(buf, len, "%.0f", v == 0 ? 0.0 : v);
		return buf;
	}
	snprintf(buf, len, "%.6f", v);
	/* the C locale is in force (vigil never calls setlocale for this), but
	 * a separator other than '.' must not reach the file either way */
	for (char *p = buf; *p; p++)
		if (*p != '-' && !isdigit((unsigned char)*p))
			*p = '.';
	end = buf + strlen(buf);
	while (end > buf && end[-1] == '0')
		*--end = '\0';
	if (end > buf && end[-1] == '.')
		*--end = '\0';
	if (!strcmp(buf, "-0"))
		snprintf(buf, len, "0");
	return buf;
}

/*
 * An RFC 4180 field: quoted when it holds a comma, quote, line break or any
 * other control byte (a tab or ESC inside quotes reads the same in every
 * parser), quotes doubled. Any byte string stays one field.
 */
static bool csv_plain(const char *s)
{
	for (; *s; s++)
		if (*s == ',' || *s == '"' || (unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static void csv_field(FILE *out, const char *s)
{
	if (csv_plain(s)) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void write_header(struct export_writer *w)
{
	if (w->format == EXPORT_CSV) {
		fputs("t_ms", w->out);
		for (size_t i = 0; i < w->ncols; i++) {
			fputc(',', w->out);
			csv_field(w->out, w->cols[i]);
		}
		fputs("\r\n", w->out);
		return;
	}
	fputs("{\"columns\": [\"t_ms\"", w->out);
	for (size_t i = 0; i < w->ncols; i++) {
		fputs(", ", w->out);
		json_string(w->out, w->cols[i]);
	}
	fputs("],\n\"rows\": [", w->out);
}

/* One row from w->values / w->have. */
static void write_row(struct export_writer *w, int64_t t_ms)
{
	bool csv = w->format == EXPORT_CSV;
	char num[64];

	if (!csv)
		fputs(w->rows ? ",\n[" : "\n[", w->out);
	fprintf(w->out, "%lld", (long long)t_ms);
	for (size_t i = 0; i < w->ncols; i++) {
		bool known = w->have[i] && isfinite(w->values[i]);

		fputs(csv ? "," : ", ", w->out);
		if (known)
			fputs(format_number(w->values[i], num, sizeof(num)), w->out);
		else if (!csv)
			fputs("null", w->out);
	}
	fputs(csv ? "\r\n" : "]", w->out);
	w->rows++;
	if (!w->err && ferror(w->out))
		w->err = errno ? errno : EIO;
}

static void write_footer(struct export_writer *w)
{
	if (w->format == EXPORT_JSON)
		fputs(w->rows ? "\n]}\n" : "]}\n", w->out);
}

/* ---- reading ---- */

/*
 * One page: the ticks times[0..n) with every metric read over [qt0, last
 * tick] at one point per millisecond, which is one point per tick. qt0 is
 * the tick before the page (so its rates exist), or the first tick of the
 * window. Returns 0 or -1 (store_error).
 */
static int export_page(struct store *st, struct export_writer *w, const int64_t *times,
		       size_t n, int64_t qt0, struct series *ser)
{
	int64_t qt1 = times[n - 1];
	size_t *at = xcalloc(w->nseries ? w->nseries : 1, sizeof(*at));
	int rc = 0;

	for (size_t c = 0; c < w->nseries && rc == 0; c++)
		rc = query_series(st, w->cols[c], qt0, qt1, (size_t)(qt1 - qt0) + 1,
				  &ser[c]);
	if (rc == 0)
		rc = export_app_load(w->app, st, times[0], qt1);
	for (size_t i = 0; i < n && rc == 0; i++) {
		export_app_fill(w->app, times[i], w->values + w->nseries,
				w->have + w->nseries);
		for (size_t c = 0; c < w->nseries; c++) {
			const struct series *s = &ser[c];

			while (at[c] < s->n && s->points[at[c]].t_ms < times[i])
				at[c]++;
			w->have[c] = at[c] < s->n && s->points[at[c]].t_ms == times[i];
			w->values[c] = w->have[c] ? s->points[at[c]].avg : 0;
		}
		write_row(w, times[i]);
	}
	for (size_t c = 0; c < w->nseries; c++)
		series_release(&ser[c]);
	free(at);
	return rc;
}

/* Every tick of [t0, t1], page by page. 0, or -1 (store_error); stops
 * early, returning 0, once the output fails. */
static int export_rows(struct store *st, struct export_writer *w, int64_t t0, int64_t t1)
{
	int64_t *times = xmalloc(EXPORT_PAGE * sizeof(*times));
	struct series *ser = xcalloc(w->nseries ? w->nseries : 1, sizeof(*ser));
	int64_t from = t0, qt0 = 0;
	bool first_page = true;
	size_t n;
	int rc;

	while ((rc = query_tick_times(st, from, t1, times, EXPORT_PAGE, &n)) == 0 && n) {
		rc = export_page(st, w, times, n, first_page ? times[0] : qt0, ser);
		if (rc < 0 || n < EXPORT_PAGE || w->err)
			break;
		first_page = false;
		qt0 = times[n - 1];
		from = times[n - 1] + 1;
	}
	free(ser);
	free(times);
	return rc;
}

/* Metric columns: the system's, then the target's when there is one, then
 * room for `extra` more. */
static const char **choose_columns(bool with_target, size_t extra, size_t *n)
{
	const char *const *names = query_metric_names();
	const char **cols;
	size_t count = 0;

	while (names[count])
		count++;
	cols = xcalloc(count + extra, sizeof(*cols));
	*n = 0;
	for (size_t i = 0; i < count; i++)
		if (strncmp(names[i], TARGET_PREFIX, strlen(TARGET_PREFIX)))
			cols[(*n)++] = names[i];
	for (size_t i = 0; with_target && i < count; i++)
		if (!strncmp(names[i], TARGET_PREFIX, strlen(TARGET_PREFIX)))
			cols[(*n)++] = names[i];
	return cols;
}

/*
 * The per-device columns: disk.DEV.FIELD for every disk, then
 * net.IFACE.FIELD for every interface with rows in the window. *out and
 * its names are owned by the caller. 0 or -1.
 */
static int device_columns(struct store *st, int64_t t0, int64_t t1, char ***out,
			  size_t *n)
{
	static const enum dev_class classes[] = {DEV_DISK, DEV_NET};

	*out = NULL;
	*n = 0;
	for (size_t c = 0; c < 2; c++) {
		const char *const *fields = query_dev_fields(classes[c]);
		struct dev_moved *devs;
		size_t ndevs, nf = 0;

		if (query_dev_moved(st, classes[c], t0, t1, &devs, &ndevs) < 0)
			return -1;
		while (fields[nf])
			nf++;
		*out = xrealloc(*out, (*n + ndevs * nf + 1) * sizeof(**out));
		for (size_t d = 0; d < ndevs; d++) {
			for (size_t f = 0; f < nf; f++) {
				char name[128];

				if (query_dev_metric_name(classes[c], devs[d].name,
							  fields[f], name, sizeof(name)))
					(*out)[(*n)++] = xstrdup(name);
			}
		}
		free(devs);
	}
	return 0;
}

/* ---- the command ---- */

/*
 * -o OUT, 0600 like a session: written to a temporary file beside OUT and
 * put in place only once whole (core/outfile), so a failed export leaves
 * what was there untouched; an existing OUT is replaced only with --force,
 * and only when it is a regular file.
 */
static FILE *open_output(const struct export_opts *o, struct export_writer *w)
{
	char err[512];
	FILE *f;

	if (!o->out_path)
		return stdout;
	if (outfile_begin(&w->file, o->out_path, o->force, err, sizeof(err)) < 0)
		fatal("%s", err);
	f = fdopen(w->file.fd, "w");
	if (!f) {
		int e = errno;

		outfile_abort(&w->file);
		fatal("cannot write '%s': %s", o->out_path, strerror(e));
	}
	w->file.fd = -1; /* the FILE owns it now */
	return f;
}

/* Flushes and closes the output; 0, or the errno of the first failure. */
static int close_output(struct export_writer *w)
{
	if (fflush(w->out) != 0 && !w->err)
		w->err = errno ? errno : EIO;
	if (w->out != stdout && fclose(w->out) != 0 && !w->err)
		w->err = errno ? errno : EIO;
	w->out = NULL;
	return w->err;
}

static int export_metrics(struct store *st, const struct export_opts *o,
			  struct export_writer *w)
{
	int64_t first, last, t0, t1;
	uint64_t ticks;
	int has_target;

	if (query_span(st, &first, &last, &ticks) < 0 ||
	    (has_target = query_has_target(st)) < 0)
		return -1;
	resolve_window(st, o, first, last, &t0, &t1);
	w->app = export_app_new(st, t0, t1);
	if (!w->app || device_columns(st, t0, t1, &w->dev_cols, &w->ndev_cols) < 0)
		return -1;
	w->cols = choose_columns(has_target > 0, w->ndev_cols + export_app_ncols(w->app),
				 &w->ncols);
	for (size_t i = 0; i < w->ndev_cols; i++)
		w->cols[w->ncols++] = w->dev_cols[i];
	w->nseries = w->ncols;
	for (size_t i = 0; i < export_app_ncols(w->app); i++)
		w->cols[w->ncols++] = export_app_col(w->app, i);
	w->values = xcalloc(w->ncols, sizeof(*w->values));
	w->have = xcalloc(w->ncols, sizeof(*w->have));
	w->out = open_output(o, w);
	write_header(w);
	if (ticks &&
	    export_rows(st, w, t0 > first ? t0 : first, t1 < last ? t1 : last) < 0)
		return -1;
	write_footer(w);
	return 0;
}

/* --alerts: every transition in the window, as CSV rows or a JSON array. */
static int export_alerts(struct store *st, const struct export_opts *o,
			 struct export_writer *w)
{
	struct alert_event *ev;
	int64_t first, last, t0, t1;
	uint64_t ticks;
	size_t n;
	char num[64];

	if (query_span(st, &first, &last, &ticks) < 0)
		return -1;
	resolve_window(st, o, first, last, &t0, &t1);
	if (query_alert_events(st, t0, t1, SIZE_MAX / 2, &ev, &n) < 0)
		return -1;
	w->out = open_output(o, w);
	if (w->format == EXPORT_CSV)
		fputs("t_ms,rule,severity,state,value,message,profile\n", w->out);
	else
		fputs("[", w->out);
	for (size_t i = 0; i < n; i++) {
		const struct alert_event *e = &ev[i];

		if (e->has_value)
			format_number(e->value, num, sizeof(num));
		if (w->format == EXPORT_CSV) {
			fprintf(w->out, "%lld,", (long long)e->t_ms);
			csv_field(w->out, e->rule);
			fprintf(w->out, ",%s,%s,", e->severity, e->state);
			if (e->has_value)
				fputs(num, w->out);
			else
				csv_field(w->out, e->word);
			fputc(',', w->out);
			csv_field(w->out, e->message);
			if (e->profile_id)
				fprintf(w->out, ",%lld\n", (long long)e->profile_id);
			else
				fputs(",\n", w->out);
			continue;
		}
		fprintf(w->out, "%s\n  {\"t_ms\": %lld, \"rule\": ", i ? "," : "",
			(long long)e->t_ms);
		json_string(w->out, e->rule);
		fprintf(w->out, ", \"severity\": \"%s\", \"state\": \"%s\", \"value\": ",
			e->severity, e->state);
		if (e->has_value)
			fputs(num, w->out);
		else
			json_string(w->out, e->word);
		fputs(", \"message\": ", w->out);
		json_string(w->out, e->message);
		if (e->profile_id)
			fprintf(w->out, ", \"profile\": %lld", (long long)e->profile_id);
		else
			fputs(", \"profile\": null", w->out);
		alert_top_json(w->out, e);
		fputc('}', w->out);
	}
	if (w->format == EXPORT_JSON)
		fputs(n ? "\n]\n" : "]\n", w->out);
	free(ev);
	return 0;
}

/* One exit as a CSV line or a JSON object; n says how many exits it stands
 * for (a compacted file merges a minute's of one command, user, outcome). */
static void exit_row(struct export_writer *w, const struct proc_exit *x, bool first)
{
	if (w->format == EXPORT_CSV) {
		fprintf(w->out, "%d,%d,%u,", x->pid, x->ppid, x->uid);
		csv_field(w->out, x->comm);
		fputc(',', w->out);
		if (x->cmdline)
			csv_field(w->out, x->cmdline);
		fprintf(w->out, ",%lld,%lld,", (long long)x->start_ms,
			(long long)x->end_ms);
		if (x->cpu_ns)
			fprintf(w->out, "%llu", (unsigned long long)x->cpu_ns);
		fprintf(w->out, ",%llu,%llu,%llu,%d,%d,%d,%d,%d,%llu\n",
			(unsigned long long)x->utime_ns, (unsigned long long)x->stime_ns,
			(unsigned long long)x->peak_rss, x->exit_code, x->exit_signal,
			x->core_dumped, x->threads, x->seen, (unsigned long long)x->n);
		return;
	}
	fprintf(w->out, "%s\n  {\"pid\": %d, \"ppid\": %d, \"uid\": %u, \"comm\": ",
		first ? "" : ",", x->pid, x->ppid, x->uid);
	json_string(w->out, x->comm);
	fputs(", \"cmdline\": ", w->out);
	if (x->cmdline)
		json_string(w->out, x->cmdline);
	else
		fputs("null", w->out);
	fprintf(w->out, ", \"start_ms\": %lld, \"end_ms\": %lld, \"cpu_ns\": ",
		(long long)x->start_ms, (long long)x->end_ms);
	if (x->cpu_ns)
		fprintf(w->out, "%llu", (unsigned long long)x->cpu_ns);
	else
		fputs("null", w->out);
	fprintf(w->out,
		", \"utime_ns\": %llu, \"stime_ns\": %llu, \"peak_rss_bytes\": %llu, "
		"\"exit_code\": %d, \"exit_signal\": %d, \"core_dumped\": %s, "
		"\"threads\": %d, \"seen\": %s, \"n\": %llu}",
		(unsigned long long)x->utime_ns, (unsigned long long)x->stime_ns,
		(unsigned long long)x->peak_rss, x->exit_code, x->exit_signal,
		x->core_dumped ? "true" : "false", x->threads, x->seen ? "true" : "false",
		(unsigned long long)x->n);
}

/* --exits: every process that exited in the window (exits happen between
 * ticks: without --from/--to, from the session's start to its end). */
static int export_exits(struct store *st, const struct export_opts *o,
			struct export_writer *w)
{
	struct proc_exit *v;
	int64_t first, last, t0, t1;
	uint64_t ticks;
	size_t n;

	if (query_span(st, &first, &last, &ticks) < 0)
		return -1;
	resolve_window(st, o, first, last, &t0, &t1);
	if (query_proc_exits(st, o->from ? t0 : INT64_MIN, o->to ? t1 : INT64_MAX,
			     SIZE_MAX / 2, &v, &n) < 0)
		return -1;
	w->out = open_output(o, w);
	if (w->format == EXPORT_CSV)
		fputs("pid,ppid,uid,comm,cmdline,start_ms,end_ms,cpu_ns,utime_ns,stime_"
		      "ns,"
		      "peak_rss_bytes,exit_code,exit_signal,core_dumped,threads,seen,n\n",
		      w->out);
	else
		fputs("[", w->out);
	for (size_t i = 0; i < n; i++)
		exit_row(w, &v[i], i == 0);
	if (w->format == EXPORT_JSON)
		fputs(n ? "\n]\n" : "]\n", w->out);
	proc_exit_rows_free(v, n);
	return 0;
}

/* --cgroups: each tick's cgroups in the window (export_cgroups.c). */
static int export_cgroups(struct store *st, const struct export_opts *o,
			  struct export_writer *w)
{
	int64_t first, last, t0, t1;
	uint64_t ticks;

	if (query_span(st, &first, &last, &ticks) < 0)
		return -1;
	resolve_window(st, o, first, last, &t0, &t1);
	w->out = open_output(o, w);
	return export_cgroups_write(w->out, st, t0, t1, w->format == EXPORT_JSON);
}

/* --profile ID: folded stacks, speedscope JSON or pprof. -1 with err. */
static int export_profile(struct store *st, const struct export_opts *o,
			  struct export_writer *w, char *err, size_t errlen)
{
	struct profile *p = query_profile_load(st, o->profile, err, errlen);
	int rc;

	if (!p)
		return -1;
	w->out = open_output(o, w);
	rc = o->format == EXPORT_JSON	 ? profile_write_speedscope(p, w->out)
	     : o->format == EXPORT_PPROF ? pprof_write(p, w->out)
					 : profile_write_folded(p, w->out, 0);
	if (rc < 0 && !w->err)
		w->err = errno ? errno : EIO;
	profile_free(p);
	return 0;
}

static int cmd_export(int argc, char **argv)
{
	struct export_writer w = {0};
	struct export_opts o;
	struct source src;
	struct store *st;
	char err[512];
	int rc;

	parse_opts(argc, argv, &o);
	w.format = o.format;
	source_open(o.session, &o.from, &o.to, &src);
	if (store_open(src.path, &st, err, sizeof(err)) < 0)
		fatal("%s", err); /* store_open says which file and why */
	rc = o.profile	 ? export_profile(st, &o, &w, err, sizeof(err))
	     : o.alerts	 ? export_alerts(st, &o, &w)
	     : o.exits	 ? export_exits(st, &o, &w)
	     : o.cgroups ? export_cgroups(st, &o, &w)
			 : export_metrics(st, &o, &w);
	if (rc < 0 && !o.profile)
		snprintf(err, sizeof(err), "%s", store_error(st));
	store_close(st);
	source_close(&src);
	free(w.cols);
	for (size_t i = 0; i < w.ndev_cols; i++)
		free(w.dev_cols[i]);
	free(w.dev_cols);
	export_app_free(w.app);
	free(w.values);
	free(w.have);
	if (w.out)
		close_output(&w);
	/* a half-written file is worse than none: it never reaches OUT */
	if (o.out_path && (rc < 0 || w.err))
		outfile_abort(&w.file);
	else if (o.out_path && outfile_commit(&w.file, err, sizeof(err)) < 0)
		fatal("%s", err);
	if (rc < 0)
		fatal("cannot read session '%s': %s", o.session, err);
	if (w.err == EPIPE && !o.out_path)
		return 0; /* the reader had enough (export | head) */
	if (w.err)
		fatal("cannot write '%s': %s", o.out_path ? o.out_path : "stdout",
		      strerror(w.err));
	return 0;
}
