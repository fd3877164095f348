/* SPDX-License-Identifier: MIT */
#include "cmd/commands.h"
/*
 * diff: `vigil diff BEFORE AFTER [--json] [--fail-if EXPR]... [-o FILE]` —
 * what changed between two recordings, or two windows of one. Each side is
 * opened by cmd/diff_side and read by cmd/diff_load; the figures of both are
 * matched by name here (processes by command: comm and command line, never
 * pid) and judged by analysis/compare; cmd/diff_out writes the result.
 *
 * Exit status: 0 nothing held, 1 runtime failure, 2 usage error (a bad
 * --fail-if, or one whose name matches no figure), 3 a --fail-if condition
 * held (and was significant), after the report is written.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/compare.h"
#include "analysis/gate.h"
#include "cmd/cli.h"
#include "cmd/diff_load.h"
#include "cmd/diff_out.h"
#include "cmd/diff_profile.h"
#include "cmd/diff_side.h"
#include "core/outfile.h"
#include "core/xalloc.h"
#include "store/profiles.h"

#define DIFF_EXIT_HELD 3

enum { OPT_JSON = CLI_OPT_OWN, OPT_FAIL_IF, OPT_PROFILE, OPT_RAW };

static int run_diff(int argc, char **argv);

static const struct cli_option diff_options[] = {
	{OPT_JSON, 0, "json", NULL, "every figure compared as JSON (docs/diff-json.md)"},
	{OPT_FAIL_IF, 0, "fail-if", "EXPR",
	 "exit 3 when EXPR holds and is significant: 'target.cpu > +20%' (repeatable)"},
	{OPT_PROFILE, 0, "profile", "B:A",
	 "the differential of profile B of BEFORE and A of AFTER (an empty id: "
	 "the newest in the side's window; docs/diff-profile.md)"},
	/* in the order of enum diff_profile_format */
	CLI_SHARED_AS(CLI_OPT_FORMAT, "table|folded|json|console",
		      "--profile: a table (default), difffolded stacks, JSON, or the "
		      "console"),
	{OPT_RAW, 0, "raw", NULL,
	 "--profile: folded counts as recorded (default: "
	 "BEFORE scaled to AFTER's total)"},
	CLI_SHARED(CLI_OPT_ASCII),
	CLI_SHARED(CLI_OPT_NO_COLOR),
	CLI_SHARED_AS(CLI_OPT_OUTPUT, "FILE", "write the report to FILE, not stdout"),
	CLI_SHARED_AS(CLI_OPT_FORCE, NULL, "replace FILE if it exists (a regular file)"),
};

const struct cli_command diff_command = {
	.name = "diff",
	.operands = "BEFORE AFTER",
	.summary = "what changed between two sessions or two windows of one",
	.about =
		"BEFORE and AFTER are session files, each optionally with a window:\n"
		"FILE@FROM..TO, FROM and TO as for export --from/--to (HH:MM[:SS],\n"
		"YYYY-MM-DD HH:MM[:SS], ms since the epoch, +DUR, -DUR, start, end;\n"
		"either may be empty). Figures are compared tick by tick: Mann-Whitney "
		"U\n"
		"for per-tick values, a bootstrap over ticks for timer percentiles.\n"
		"EXPR: NAME OP CHANGE, OP one of > >= < <=, CHANGE +10% (relative) or 5\n"
		"(absolute, in the figure's unit); NAME may be a glob "
		"('latency.*.p99').\n"
		"Exit status: 0 no condition held, 1 failure, 2 usage, 3 a condition "
		"held.\n",
	.options = diff_options,
	.noptions = sizeof(diff_options) / sizeof(diff_options[0]),
	.run = run_diff,
};

/* ---- matching the sides ---- */

static const struct diff_values *find_values(const struct diff_values *v, size_t n,
					     const char *name, const char *unit)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].name, name) && !strcmp(v[i].unit, unit))
			return &v[i];
	return NULL;
}

static void only_add(struct diff_only *o, const char *name)
{
	o->names = xrealloc(o->names, (o->n + 1) * sizeof(*o->names));
	o->names[o->n++] = xstrdup(name);
}

static bool find_timer(const struct diff_data *d, const char *name)
{
	for (size_t i = 0; i < d->ntimers; i++)
		if (!strcmp(d->timers[i].name, name))
			return true;
	return false;
}

/* A timer's percentile figures, named as cmp_add_quantiles names them. */
static void only_timer(struct diff_only *o, const char *name)
{
	static const char *const suffix[] = {"p50", "p90", "p99", "p999"};

	for (size_t q = 0; q < sizeof(suffix) / sizeof(suffix[0]); q++) {
		char *fig = xasprintf("latency.%s.%s", name, suffix[q]);

		only_add(o, fig);
		free(fig);
	}
}

/* The tick figures and StatsD figures, matched by name. */
static void match_values(struct diff_report *r, const struct diff_data *d)
{
	for (size_t i = 0; i < d[0].nvals; i++) {
		const struct diff_values *b = &d[0].vals[i];
		const struct diff_values *a =
			find_values(d[1].vals, d[1].nvals, b->name, b->unit);

		if (a && b->n && a->n)
			cmp_add_series(&r->cmp, b->group, b->name, b->unit, NULL, b->v,
				       b->n, a->v, a->n);
		else if (b->n)
			only_add(&r->only[0], b->name);
	}
	for (size_t i = 0; i < d[1].nvals; i++) {
		const struct diff_values *a = &d[1].vals[i];
		const struct diff_values *b =
			find_values(d[0].vals, d[0].nvals, a->name, a->unit);

		if (a->n && (!b || !b->n))
			only_add(&r->only[1], a->name);
	}
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < d[k].ntimers; i++)
			if (!find_timer(&d[1 - k], d[k].timers[i].name))
				only_timer(&r->only[k], d[k].timers[i].name);
	for (size_t i = 0; i < d[0].ntimers; i++)
		for (size_t j = 0; j < d[1].ntimers; j++) {
			const struct diff_timer *b = &d[0].timers[i],
						*a = &d[1].timers[j];
			char *prefix;

			if (strcmp(b->name, a->name))
				continue;
			prefix = xasprintf("latency.%s", b->name);
			cmp_add_quantiles(&r->cmp, "latency", prefix, b->h, b->n, a->h,
					  a->n);
			free(prefix);
		}
}

/* A command both sides ran: its CPU entry on each side. */
struct matched_cmd {
	const struct diff_values *b, *a;
};

static int by_key(const void *x, const void *y)
{
	const struct matched_cmd *p = x, *q = y;

	return strcmp(p->b->name, q->b->name);
}

/* "comm\ncmdline": the comm (up to the newline) as a name part. */
static int comm_len(const char *key)
{
	return (int)strcspn(key, "\n");
}

static void add_process(struct diff_report *r, const struct matched_cmd *m, size_t same,
			size_t nth)
{
	const char *key = m->b->name, *cmdline = key + comm_len(key) + 1;
	char *base = same > 1 ? xasprintf("process.%.*s~%zu", comm_len(key), key, nth)
			      : xasprintf("process.%.*s", comm_len(key), key);
	char *cpu = xasprintf("%s.cpu", base), *rss = xasprintf("%s.rss", base);

	cmp_add_series(&r->cmp, "process", cpu, "%", cmdline, m->b->v, m->b->n, m->a->v,
		       m->a->n);
	cmp_add_series(&r->cmp, "process", rss, "bytes", cmdline, m->b[1].v, m->b[1].n,
		       m->a[1].v, m->a[1].n);
	free(base);
	free(cpu);
	free(rss);
}

/*
 * Processes by command. A command's figures are "process.COMM.cpu" and
 * ".rss"; when several command lines share a comm they are "COMM~1",
 * "COMM~2", ... in the order of their command lines.
 */
static void match_processes(struct diff_report *r, const struct diff_data *d)
{
	struct matched_cmd *m = xmalloc((d[0].nprocs / 2 + 1) * sizeof(*m));
	size_t n = 0;

	for (size_t i = 0; i < d[0].nprocs; i += 2) {
		const struct diff_values *a = NULL;

		for (size_t j = 0; j < d[1].nprocs && !a; j += 2)
			if (!strcmp(d[0].procs[i].name, d[1].procs[j].name))
				a = &d[1].procs[j];
		if (a)
			m[n++] = (struct matched_cmd){&d[0].procs[i], a};
	}
	qsort(m, n, sizeof(*m), by_key);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		int len = comm_len(m[i].b->name);

		while (j < n && comm_len(m[j].b->name) == len &&
		       !strncmp(m[j].b->name, m[i].b->name, (size_t)len))
			j++;
		for (size_t k = i; k < j; k++)
			add_process(r, &m[k], j - i, k - i + 1);
		i = j;
	}
	free(m);
}

/* ---- --fail-if ---- */

static void parse_gates(const struct cli_args *a, struct diff_report *r)
{
	size_t n = a->nrepeated[OPT_FAIL_IF - CLI_OPT_OWN];

	r->gates = xcalloc(n ? n : 1, sizeof(*r->gates));
	r->ngates = n;
	for (size_t i = 0; i < n; i++) {
		char why[256];

		r->gates[i].text = a->repeated[OPT_FAIL_IF - CLI_OPT_OWN][i];
		if (gate_parse(r->gates[i].text, &r->gates[i].gate, why, sizeof(why)) < 0)
			usage_error("bad --fail-if '%s': %s", r->gates[i].text, why);
	}
}

static int by_name(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Names of the figures for a message, sorted: every one but processes,
 * which are counted. */
static void names_hint(const struct diff_report *r, char *buf, size_t len)
{
	const char **names = xcalloc(r->cmp.n ? r->cmp.n : 1, sizeof(*names));
	size_t used = 0, procs = 0, n = 0;

	for (size_t i = 0; i < r->cmp.n; i++) {
		if (!strcmp(r->cmp.v[i].group, "process"))
			procs++;
		else
			names[n++] = r->cmp.v[i].name;
	}
	qsort(names, n, sizeof(*names), by_name);
	buf[0] = '\0';
	for (size_t i = 0; i < n && used + 64 < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
					 names[i]);
	if (procs && used + 64 < len)
		snprintf(buf + used, len - used, ", and %zu process.COMM.cpu/.rss",
			 procs);
	free(names);
}

/* Judges every condition; a name that matches nothing exits 2. Returns
 * whether any held. */
static bool judge_gates(struct diff_report *r)
{
	bool any = false;

	for (size_t g = 0; g < r->ngates; g++) {
		struct diff_gate *dg = &r->gates[g];

		dg->held = xcalloc(r->cmp.n ? r->cmp.n : 1, sizeof(*dg->held));
		for (size_t i = 0; i < r->cmp.n; i++) {
			if (!gate_matches(&dg->gate, r->cmp.v[i].name))
				continue;
			dg->matched++;
			if (gate_holds(&dg->gate, &r->cmp.v[i]))
				dg->held[dg->nheld++] = xstrdup(r->cmp.v[i].name);
		}
		/* a figure only one side has (a new timer) is there, just not
		 * comparable: the condition does not hold, and it is no error */
		for (int k = 0; k < 2 && !dg->matched; k++)
			for (size_t i = 0; i < r->only[k].n && !dg->matched; i++)
				if (gate_matches(&dg->gate, r->only[k].names[i]))
					dg->only_one_side = true;
		if (!dg->matched && !dg->only_one_side) {
			static char names[8192];

			names_hint(r, names, sizeof(names));
			usage_error(
				"--fail-if '%s': no figure is called '%s' (figures: %s)",
				dg->text, dg->gate.name, names);
		}
		any |= dg->nheld > 0;
	}
	/* said on stderr too: with --json or -o the reason is not on screen */
	for (size_t g = 0; g < r->ngates; g++)
		for (size_t i = 0; i < r->gates[g].nheld; i++)
			cli_warn("--fail-if '%s' holds for %s", r->gates[g].text,
				 r->gates[g].held[i]);
	return any;
}

/* ---- the command ---- */

static void report_release(struct diff_report *r)
{
	cmp_release(&r->cmp);
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < r->only[k].n; i++)
			free(r->only[k].names[i]);
		free(r->only[k].names);
	}
	for (size_t g = 0; g < r->ngates; g++) {
		for (size_t i = 0; i < r->gates[g].nheld; i++)
			free(r->gates[g].held[i]);
		free(r->gates[g].held);
	}
	free(r->gates);
}

/* Profiles stored inside a side's window (the profile diff is another
 * engineer's room; until it lands, they are only counted). */
static size_t count_profiles(const struct diff_side *s)
{
	struct profile_meta *p;
	size_t n, k = 0;

	if (query_profiles(s->st, &p, &n) < 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		k += p[i].started_ms >= s->t0 && p[i].started_ms <= s->t1;
	free(p);
	return k;
}

/* Writes the report to stdout or, with -o, to FILE as a whole. */
static void write_report(const struct cli_args *a, const struct diff_report *r)
{
	const char *path = a->value[CLI_OPT_OUTPUT];
	struct outfile of = {.fd = -1};
	char err[512];
	FILE *out = stdout;

	if (path) {
		if (outfile_begin(&of, path, cli_has(a, CLI_OPT_FORCE), err,
				  sizeof(err)) < 0)
			fatal("%s", err);
		out = fdopen(of.fd, "w");
		if (!out) {
			outfile_abort(&of);
			fatal("cannot write '%s': %s", path, strerror(errno));
		}
		of.fd = -1;
	}
	if (cli_has(a, OPT_JSON))
		diff_write_json(out, r);
	else
		diff_write_text(out, r);
	if (fflush(out) != 0 || (out != stdout && fclose(out) != 0)) {
		int e = errno;

		if (path)
			outfile_abort(&of);
		if (!path && e == EPIPE)
			return;
		fatal("cannot write '%s': %s", path ? path : "stdout", strerror(e));
	}
	if (path && outfile_commit(&of, err, sizeof(err)) < 0)
		fatal("%s", err);
}

static void open_side(const char *spec, struct diff_side *s)
{
	char err[512];
	int rc = diff_side_open(spec, s, err, sizeof(err));

	if (rc == DIFF_SIDE_USAGE)
		usage_error("%s", err);
	if (rc < 0)
		fatal("%s", err);
}

/* --profile B:A: the differential profile instead of the report. */
static int run_profile_diff(const struct cli_args *a, char **argv)
{
	struct diff_profile_opts o = {0};
	struct diff_side side[2];
	int64_t id[2];
	int rc;

	if (diff_profile_parse_ids(a->value[OPT_PROFILE], &id[0], &id[1]) < 0)
		usage_error("bad --profile '%s': want B:A, profile ids of BEFORE and "
			    "AFTER (vigil report FILE lists them; empty: the newest)",
			    a->value[OPT_PROFILE]);
	if (cli_has(a, OPT_FAIL_IF))
		usage_error("--fail-if is for the report, not --profile");
	if (cli_has(a, OPT_JSON) && a->format >= 0 && a->format != DIFF_PROFILE_JSON)
		usage_error("--json and --format %s: pick one", a->value[CLI_OPT_FORMAT]);
	o.format = cli_has(a, OPT_JSON) ? DIFF_PROFILE_JSON
		   : a->format < 0	? DIFF_PROFILE_TABLE
					: (enum diff_profile_format)a->format;
	o.out = a->value[CLI_OPT_OUTPUT];
	o.force = cli_has(a, CLI_OPT_FORCE);
	o.raw = cli_has(a, OPT_RAW);
	o.ascii = cli_has(a, CLI_OPT_ASCII);
	o.no_color = cli_has(a, CLI_OPT_NO_COLOR);
	if (o.format == DIFF_PROFILE_CONSOLE && o.out)
		usage_error("-o is for table, folded or json, not the console");
	for (int k = 0; k < 2; k++)
		open_side(argv[a->operand + k], &side[k]);
	rc = diff_profile_run(side[0].st, id[0], side[0].t0, side[0].t1, side[1].st,
			      id[1], side[1].t0, side[1].t1, &o);
	for (int k = 0; k < 2; k++)
		diff_side_release(&side[k]);
	return rc;
}

static int run_diff(int argc, char **argv)
{
	struct cli_args a;
	struct diff_side side[2];
	struct diff_data data[2];
	struct diff_report r = {0};
	char err[512];
	bool held;

	cli_parse(&diff_command, argc, argv, &a);
	if (argc - a.operand != 2)
		usage_error("diff needs two sides: BEFORE AFTER");
	if (cli_has(&a, OPT_PROFILE))
		return run_profile_diff(&a, argv);
	if (a.format >= 0 || cli_has(&a, OPT_RAW))
		usage_error("--format and --raw are for --profile");
	parse_gates(&a, &r);
	for (int k = 0; k < 2; k++)
		open_side(argv[a.operand + k], &side[k]);
	cmp_init(&r.cmp, NULL);
	for (int k = 0; k < 2; k++) {
		if (diff_load(&side[k], &data[k], err, sizeof(err)) < 0)
			fatal("%s", err);
		r.side[k] = &side[k];
		r.ticks[k] = data[k].ticks;
		r.profiles[k] = count_profiles(&side[k]);
	}
	match_values(&r, data);
	match_processes(&r, data);
	cmp_rank(&r.cmp);
	held = judge_gates(&r);
	write_report(&a, &r);
	for (int k = 0; k < 2; k++) {
		diff_data_release(&data[k]);
		diff_side_release(&side[k]);
	}
	report_release(&r);
	return held ? DIFF_EXIT_HELD : 0;
}
