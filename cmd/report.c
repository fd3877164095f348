/* SPDX-License-Identifier: MIT */
#include "cmd/commands.h"
/*
 * report: `vigil report FILE [--json]` — a session summarised for humans or
 * for scripts. Everything comes through the store's query API (the same one
 * the console reads), computed into one struct first, then printed by one of
 * two writers, so the text and the JSON can never disagree.
 *
 * The JSON schema is a contract (docs/report-json.md); sections are only ever
 * added. CPU has one convention per kind of figure, said in every line and
 * key that carries one: a process's CPU (the target, the top lists) is a
 * share of one core (100 = one core busy, more with several threads, as
 * top's %CPU); the machine's is a share of all its cores (0..100, as top's
 * %Cpu(s)), the same figure as export's and the alerts' cpu.total.
 *
 * Names and command lines come from the processes themselves (and a session
 * file from anywhere), so the text writer prints every string it did not
 * write itself through core/textsafe: control characters and broken UTF-8
 * escaped as "\xHH", top tables cut to a fixed width. A report printed to a
 * terminal must not be able to drive it.
 */

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cli.h"
#include "cmd/report_sections.h"
#include "cmd/source.h"
#include "core/json.h"
#include "core/units.h"
#include "core/textsafe.h"
#include "core/when.h"
#include "core/xalloc.h"
#include "store/frames.h"
#include "store/processes.h"
#include "store/series.h"
#include "store/store.h"

#define REPORT_TOP_JSON 10 /* entries per top_processes list */
#define REPORT_TOP_TEXT 5  /* rows per top section of the text */
#define REPORT_CMDLINE_WIDTH 60

struct agg {
	double avg, max, last;
	bool known;
};

struct summary {
	struct session_meta meta;
	int64_t first_ms, last_ms;
	uint64_t ticks;
	/* --from/--to: first_ms..last_ms is the window, and these its ticks */
	bool window;
	int64_t sess_last_ms; /* the session's last tick, whatever the window */
	int64_t win_first_ms, win_last_ms;
	uint64_t win_ticks;
	struct agg cpu, mem_used;
	bool has_target;
	bool target_exited;
	int target_pid;
	char comm[FRAME_COMM_MAX];
	char *cmdline;
	/* -c: the target cgroup, its processes at the end, those that came
	 * and went; cgroup "" for a process */
	char cgroup[256];
	int procs_last;
	uint64_t procs_joined, procs_left;
	struct agg tcpu, rss, threads;
	struct top_process *top_cpu, *top_rss; /* REPORT_TOP_JSON at most */
	size_t ntop_cpu, ntop_rss;
};

/* Whole-span aggregate of one metric; last = the newest tick that had a value. */
static int aggregate(struct store *st, const char *metric, const struct summary *sm,
		     struct agg *out, bool want_last)
{
	struct series ser = {0};

	memset(out, 0, sizeof(*out));
	if (query_series(st, metric, sm->first_ms, sm->last_ms, 1, &ser) < 0)
		return -1;
	if (ser.n && ser.points[0].n) {
		out->avg = ser.points[0].avg;
		out->max = ser.points[0].max;
		out->known = true;
	}
	series_release(&ser);
	if (want_last && out->known) {
		/* One point per tick over the span: the last point is the last value. */
		if (query_series(st, metric, sm->first_ms, sm->last_ms, sm->ticks, &ser) <
		    0)
			return -1;
		if (ser.n)
			out->last = ser.points[ser.n - 1].avg;
		series_release(&ser);
	}
	return 0;
}

/* Identity of the target from the first tick that saw it. */
static int load_target(struct store *st, struct summary *sm)
{
	struct frame *first = NULL, *last = NULL;
	struct proc_table table = {0};
	int rc = -1;

	if (query_frame_at(st, sm->first_ms, &first) < 0 ||
	    query_frame_at(st, sm->last_ms, &last) < 0)
		goto out;
	rc = 0;
	if (!first->target && !last->target)
		goto out;
	sm->has_target = true;
	const struct target_sample *t = first->target ? first->target : last->target;
	sm->target_pid = t->pid;
	snprintf(sm->comm, sizeof(sm->comm), "%s", t->comm);
	if (t->is_cgroup) {
		const struct target_sample *l = last->target ? last->target : t;

		snprintf(sm->cgroup, sizeof(sm->cgroup), "%s", t->cgroup);
		sm->procs_last = l->nprocs;
		sm->procs_joined = l->procs_joined;
		sm->procs_left = l->procs_left;
	}
	/* gone before the end, or ended (by vigil at the end, if it started it) */
	sm->target_exited = !last->target || !last->target->alive ||
			    sm->meta.target_exit_code >= 0 ||
			    sm->meta.target_exit_signal > 0;
	if (query_proc_table_at(st, first->t_ms, &table) == 0) {
		const struct proc_row *row = proc_table_find(&table, t->pid);

		if (row) {
			sm->cmdline = xstrdup(row->cmdline);
			if (!sm->comm[0])
				snprintf(sm->comm, sizeof(sm->comm), "%s", row->comm);
		}
		proc_table_release(&table);
	}
out:
	frame_unref(first);
	frame_unref(last);
	return rc;
}

/* --from/--to narrow the span to a window (as export's), or exit 2. */
static void narrow(struct summary *sm, const char *from, const char *to)
{
	struct when_ctx c = {sm->first_ms, sm->last_ms, sm->first_ms, sm->last_ms};
	char why[256];
	int64_t t0 = sm->first_ms, t1 = sm->last_ms;

	if (from && when_parse(from, &c, &t0, why, sizeof(why)) < 0)
		usage_error("bad --from '%s': %s", from, why);
	c.plus_ref_ms = t0;
	if (to && when_parse(to, &c, &t1, why, sizeof(why)) < 0)
		usage_error("bad --to '%s': %s", to, why);
	if (t0 > t1)
		usage_error("--from '%s' is after --to '%s'", from ? from : "start",
			    to ? to : "end");
	sm->first_ms = t0;
	sm->last_ms = t1;
}

static int summarise(struct store *st, struct summary *sm, const char *from,
		     const char *to)
{
	memset(sm, 0, sizeof(*sm));
	if (query_session(st, &sm->meta) < 0 ||
	    query_span(st, &sm->first_ms, &sm->last_ms, &sm->ticks) < 0)
		return -1;
	if (!sm->ticks)
		return 0;
	sm->sess_last_ms = sm->last_ms;
	narrow(sm, from, to);
	sm->window = from || to;
	if (sm->window &&
	    query_span_within(st, sm->first_ms, sm->last_ms, &sm->win_first_ms,
			      &sm->win_last_ms, &sm->win_ticks) < 0)
		return -1;
	if (aggregate(st, "cpu.total", sm, &sm->cpu, false) < 0 ||
	    aggregate(st, "mem.used", sm, &sm->mem_used, false) < 0 ||
	    load_target(st, sm) < 0 ||
	    query_top_processes(st, sm->first_ms, sm->last_ms, QUERY_TOP_CPU,
				REPORT_TOP_JSON, &sm->top_cpu, &sm->ntop_cpu) < 0 ||
	    query_top_processes(st, sm->first_ms, sm->last_ms, QUERY_TOP_RSS,
				REPORT_TOP_JSON, &sm->top_rss, &sm->ntop_rss) < 0)
		return -1;
	if (sm->has_target &&
	    (aggregate(st, "target.cpu", sm, &sm->tcpu, false) < 0 ||
	     aggregate(st, "target.rss", sm, &sm->rss, true) < 0 ||
	     aggregate(st, "target.threads", sm, &sm->threads, false) < 0))
		return -1;
	return 0;
}

static int64_t ended_ms(const struct summary *sm)
{
	return sm->meta.ended_ms ? sm->meta.ended_ms : sm->sess_last_ms;
}

static void json_agg(FILE *out, const char *key, double v, bool known, int decimals)
{
	fprintf(out, "\"%s\": ", key);
	json_number(out, known ? v : NAN, decimals);
}

static void summary_release(struct summary *sm)
{
	free(sm->cmdline);
	top_processes_free(sm->top_cpu, sm->ntop_cpu);
	top_processes_free(sm->top_rss, sm->ntop_rss);
}

static void json_top_list(FILE *out, const char *key, const struct top_process *p,
			  size_t n)
{
	fprintf(out, "    \"%s\": [", key);
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%s\n      {\"pid\": %d, \"comm\": ", i ? "," : "",
			p[i].pid);
		json_string(out, p[i].comm);
		fputs(", \"cpu_pct_avg\": ", out);
		json_number(out, p[i].cpu_pct_avg, 2);
		fprintf(out, ", \"rss_bytes_max\": %llu}",
			(unsigned long long)p[i].rss_bytes_max);
	}
	fputs(n ? "\n    ]" : "]", out);
}

static void json_top_processes(FILE *out, const struct summary *sm)
{
	fputs(",\n  \"top_processes\": {\n", out);
	json_top_list(out, "cpu", sm->top_cpu, sm->ntop_cpu);
	fputs(",\n", out);
	json_top_list(out, "rss", sm->top_rss, sm->ntop_rss);
	fputs("\n  }", out);
}

/* The target object; the caller has written its key. */
static void json_target(FILE *out, const struct summary *sm)
{
	const struct session_meta *m = &sm->meta;

	fprintf(out, "{\"pid\": %d, \"comm\": ", sm->target_pid);
	json_string(out, sm->comm);
	fputs(", \"cgroup\": ", out);
	if (sm->cgroup[0]) {
		json_string(out, sm->cgroup);
		fprintf(out,
			", \"processes_last\": %d, \"processes_joined\": %llu, "
			"\"processes_left\": %llu",
			sm->procs_last, (unsigned long long)sm->procs_joined,
			(unsigned long long)sm->procs_left);
	} else {
		fputs("null", out);
	}
	fputs(", \"cmdline\": ", out);
	if (sm->cmdline)
		json_string(out, sm->cmdline);
	else
		fputs("null", out);
	fprintf(out, ", \"exited\": %s, \"exit_code\": ",
		sm->target_exited ? "true" : "false");
	json_number(out, m->target_exit_code >= 0 ? m->target_exit_code : NAN, 0);
	fputs(", \"exit_signal\": ", out);
	json_number(out, m->target_exit_signal > 0 ? m->target_exit_signal : NAN, 0);
	fputs(", ", out);
	json_agg(out, "cpu_pct_avg", sm->tcpu.avg, sm->tcpu.known, 2);
	fputs(", ", out);
	json_agg(out, "cpu_pct_max", sm->tcpu.max, sm->tcpu.known, 2);
	fputs(", ", out);
	json_agg(out, "rss_bytes_last", sm->rss.last, sm->rss.known, 0);
	fputs(", ", out);
	json_agg(out, "rss_bytes_max", sm->rss.max, sm->rss.known, 0);
	fputs(", ", out);
	json_agg(out, "threads_max", sm->threads.max, sm->threads.known, 0);
	fputc('}', out);
}

static int print_json(FILE *out, struct store *st, const struct summary *sm)
{
	const struct report_span sp = {sm->first_ms, sm->last_ms};
	const struct session_meta *m = &sm->meta;

	fputs("{\n  \"session\": {\"version\": ", out);
	json_string(out, m->version);
	fputs(", \"host\": ", out);
	json_string(out, m->host);
	fputs(", \"kernel\": ", out);
	json_string(out, m->kernel);
	fprintf(out,
		", \"started_ms\": %lld, \"ended_ms\": %lld, \"interval_ms\": %lld, "
		"\"ticks\": %llu, \"ncpu\": %d, \"mem_total_bytes\": %llu},\n",
		(long long)m->started_ms, (long long)ended_ms(sm),
		(long long)m->interval_ms, (unsigned long long)sm->ticks, m->ncpu,
		(unsigned long long)m->mem_total);
	if (sm->window)
		fprintf(out,
			"  \"window\": {\"from_ms\": %lld, \"to_ms\": %lld, \"ticks\": "
			"%llu},\n",
			(long long)sm->first_ms, (long long)sm->last_ms,
			(unsigned long long)sm->win_ticks);
	else
		fputs("  \"window\": null,\n", out);
	fputs("  \"system\": {", out);
	json_agg(out, "cpu_pct_all_cores_avg", sm->cpu.avg, sm->cpu.known, 2);
	fputs(", ", out);
	json_agg(out, "cpu_pct_all_cores_max", sm->cpu.max, sm->cpu.known, 2);
	fputs(", ", out);
	json_agg(out, "mem_used_bytes_avg", round(sm->mem_used.avg), sm->mem_used.known,
		 0);
	fputs("},\n  \"target\": ", out);
	if (sm->has_target)
		json_target(out, sm);
	else
		fputs("null", out);
	json_top_processes(out, sm);
	if (report_memory_json(out, st, &sp, sm->comm) < 0 ||
	    report_gc_json(out, st, &sp) < 0 || report_latency_json(out, st, &sp) < 0 ||
	    report_profiles_json(out, st, &sp) < 0 ||
	    report_alerts_json(out, st, &sp) < 0 ||
	    report_access_json(out, st, &sp) < 0 || report_io_json(out, st, &sp) < 0 ||
	    report_proc_actions_json(out, st, &sp) < 0 ||
	    report_exits_json(out, st, &sp) < 0 ||
	    report_cgroups_json(out, st, &sp) < 0 || report_daemon_json(out, st, &sp) < 0)
		return -1;
	fputs("\n}\n", out);
	return 0;
}

static const char *fmt_time(int64_t ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S %z", &tm);
	return buf;
}

/* A cgroup's figures are its processes' sums (its own are under cgroups). */
static void print_target_figures(FILE *out, const struct summary *sm)
{
	const char *whose = sm->cgroup[0] ? " (its processes summed)" : "";
	char a[32], b[32];

	if (sm->tcpu.known)
		fprintf(out, "          CPU avg %.1f%%, max %.1f%% of one core%s\n",
			sm->tcpu.avg, sm->tcpu.max, whose);
	if (sm->rss.known)
		fprintf(out, "          RSS last %s, max %s; threads max %.0f%s\n",
			units_bytes(sm->rss.last, a, sizeof(a)),
			units_bytes(sm->rss.max, b, sizeof(b)), sm->threads.max, whose);
}

static void print_target_text(FILE *out, const struct summary *sm)
{
	const struct session_meta *m = &sm->meta;

	if (sm->cgroup[0]) {
		fputs("target    cgroup ", out);
		text_write(out, sm->cgroup);
		fprintf(out, ", %d processes at the end (%llu came, %llu went)%s\n",
			sm->procs_last, (unsigned long long)sm->procs_joined,
			(unsigned long long)sm->procs_left,
			sm->target_exited ? ", removed" : "");
		print_target_figures(out, sm);
		return;
	}
	fprintf(out, "target    pid %d ", sm->target_pid);
	text_write(out, sm->comm);
	if (sm->cmdline && *sm->cmdline) {
		fputs(" (", out);
		text_write(out, sm->cmdline);
		fputc(')', out);
	}
	if (sm->target_exited) {
		fputs(", exited", out);
		if (m->target_exit_code >= 0)
			fprintf(out, " with status %d", m->target_exit_code);
		else if (m->target_exit_signal > 0)
			fprintf(out, " on signal %d", m->target_exit_signal);
	}
	fputc('\n', out);
	print_target_figures(out, sm);
}

static void print_top_row(FILE *out, const struct top_process *p, const char *value)
{
	size_t shown;

	fprintf(out, "  %7d %8s  ", p->pid, value);
	shown = text_write_cut(out, p->comm, 15);
	fprintf(out, "%*s", (int)(16 - shown), "");
	if (*p->cmdline) {
		text_write_cut(out, p->cmdline, REPORT_CMDLINE_WIDTH);
	} else {
		/* a kernel thread (or a zombie): its name, as ps shows it */
		fputc('[', out);
		text_write_cut(out, p->comm, REPORT_CMDLINE_WIDTH - 2);
		fputc(']', out);
	}
	fputc('\n', out);
}

static void print_top_text(FILE *out, const struct summary *sm)
{
	char v[32];

	if (sm->ntop_cpu) {
		fputs("top CPU   average over the time each was seen, % of one core\n"
		      "      PID     CPU%  COMM            COMMAND\n",
		      out);
		for (size_t i = 0; i < sm->ntop_cpu && i < REPORT_TOP_TEXT; i++) {
			snprintf(v, sizeof(v), "%.1f", sm->top_cpu[i].cpu_pct_avg);
			print_top_row(out, &sm->top_cpu[i], v);
		}
	}
	if (sm->ntop_rss) {
		fputs("top memory  largest resident set\n"
		      "      PID      RSS  COMM            COMMAND\n",
		      out);
		for (size_t i = 0; i < sm->ntop_rss && i < REPORT_TOP_TEXT; i++) {
			const struct top_process *p = &sm->top_rss[i];

			print_top_row(out, p,
				      units_bytes_short((double)p->rss_bytes_max, v,
							sizeof(v)));
		}
	}
}

static int print_text(FILE *out, struct store *st, const char *file,
		      const struct summary *sm)
{
	const struct report_span sp = {sm->first_ms, sm->last_ms};
	const struct session_meta *m = &sm->meta;
	char a[64], b[64];

	/* a session file can come from anywhere: its words are escaped too */
	fputs("session   ", out);
	text_write(out, file);
	fputs("\nhost      ", out);
	text_write(out, m->host);
	fputs(", kernel ", out);
	text_write(out, m->kernel);
	fprintf(out, ", %d CPUs, %s memory (vigil ", m->ncpu,
		units_bytes((double)m->mem_total, a, sizeof(a)));
	text_write(out, m->version);
	fputs(")\n", out);
	fprintf(out, "span      %s .. %s, %llu ticks every %lld ms%s\n",
		fmt_time(m->started_ms, a, sizeof(a)),
		fmt_time(ended_ms(sm), b, sizeof(b)), (unsigned long long)sm->ticks,
		(long long)m->interval_ms,
		m->ended_ms ? ""
			    : " (not closed: still recording, or the recorder died)");
	if (sm->window && sm->win_ticks)
		fprintf(out, "window    %s .. %s, %llu ticks\n",
			fmt_time(sm->win_first_ms, a, sizeof(a)),
			fmt_time(sm->win_last_ms, b, sizeof(b)),
			(unsigned long long)sm->win_ticks);
	else if (sm->window)
		fprintf(out, "window    %s .. %s, no tick in it\n",
			fmt_time(sm->first_ms, a, sizeof(a)),
			fmt_time(sm->last_ms, b, sizeof(b)));
	if (sm->cpu.known)
		fprintf(out,
			"system    CPU avg %.1f%%, max %.1f%% of all %d core%s; memory "
			"used avg %s\n",
			sm->cpu.avg, sm->cpu.max, m->ncpu, m->ncpu == 1 ? "" : "s",
			units_bytes(sm->mem_used.avg, a, sizeof(a)));
	if (report_io_text(out, st, &sp) < 0)
		return -1;
	if (sm->has_target)
		print_target_text(out, sm);
	else
		fputs("target    none\n", out);
	if (report_access_text(out, st, &sp) < 0)
		return -1;
	print_top_text(out, sm);
	if (report_exits_text(out, st, &sp) < 0 || report_cgroups_text(out, st, &sp) < 0)
		return -1;
	if (report_memory_text(out, st, &sp, sm->comm) < 0 ||
	    report_gc_text(out, st, &sp) < 0 || report_latency_text(out, st, &sp) < 0 ||
	    report_profiles_text(out, st, &sp) < 0)
		return -1;
	if (report_alerts_text(out, st, &sp) < 0 ||
	    report_proc_actions_text(out, st, &sp) < 0)
		return -1;
	return report_daemon_text(out, st, &sp);
}

static int cmd_report(int argc, char **argv);

enum { REPORT_OPT_JSON = CLI_OPT_OWN };

static const struct cli_option report_options[] = {
	{REPORT_OPT_JSON, 0, "json", NULL, "JSON for scripts (docs/report-json.md)"},
	CLI_SHARED(CLI_OPT_FROM),
	CLI_SHARED(CLI_OPT_TO),
};

const struct cli_command report_command = {
	.name = "report",
	.operands = "FILE|DIR",
	.summary = "summarise a session file for humans, or for scripts with --json",
	.about = "TIME: HH:MM[:SS], YYYY-MM-DD HH:MM[:SS], ms since the epoch, +DUR "
		 "(after the\nstart; for --to, after --from), -DUR (before the end), "
		 "start, end.\n",
	.options = report_options,
	.noptions = sizeof(report_options) / sizeof(report_options[0]),
	.run = cmd_report,
};

static int cmd_report(int argc, char **argv)
{
	const char *from, *to, *path;
	bool json;
	struct summary sm;
	struct source src;
	struct store *st;
	struct cli_args a;
	char err[512];
	int rc;

	cli_parse(&report_command, argc, argv, &a);
	json = cli_has(&a, REPORT_OPT_JSON);
	from = a.value[CLI_OPT_FROM];
	to = a.value[CLI_OPT_TO];
	if (a.operand != argc - 1)
		usage_error("report takes one session FILE or directory");
	path = argv[a.operand];
	source_open(path, &from, &to, &src);
	if (store_open(src.path, &st, err, sizeof(err)) < 0)
		fatal("%s", err); /* store_open says which file and why */
	rc = summarise(st, &sm, from, to);
	if (rc < 0) {
		snprintf(err, sizeof(err), "%s", store_error(st));
		store_close(st);
		fatal("cannot read session '%s': %s", path, err);
	}
	rc = json ? print_json(stdout, st, &sm) : print_text(stdout, st, path, &sm);
	summary_release(&sm);
	if (rc < 0) {
		snprintf(err, sizeof(err), "%s", store_error(st));
		store_close(st);
		fatal("cannot read session '%s': %s", path, err);
	}
	store_close(st);
	source_close(&src);
	return 0;
}
