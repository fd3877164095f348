/* SPDX-License-Identifier: MIT */
/*
 * report_exits: the "exits" section of `vigil report`, the processes that
 * exited during the session from the kernel's exit accounting (schema 9):
 * how many, how many lived and died between two ticks (no process table
 * ever held them), and the commands that used the most CPU and memory.
 * Declared in report_sections.h.
 */
#include <stdint.h>
#include <stdlib.h>

#include "cmd/report_sections.h"
#include "core/json.h"
#include "core/textsafe.h"
#include "core/units.h"
#include "store/exit_rows.h"
#include "store/frames.h"

#define REPORT_EXIT_TOP 5

/* Exits are taken at ticks but happened before them: the span's first tick
 * reaches back to the session's start for them, as for operator actions. */
static int widen(struct store *st, const struct report_span *sp, int64_t *t0, int64_t *t1)
{
	int64_t first, last;
	uint64_t ticks;

	*t0 = sp->t0;
	*t1 = sp->t1;
	if (query_span(st, &first, &last, &ticks) < 0)
		return -1;
	if (!ticks || *t0 <= first)
		*t0 = INT64_MIN;
	if (!ticks || *t1 >= last)
		*t1 = INT64_MAX;
	return 0;
}

static void json_groups(FILE *out, const char *key, const struct exit_group *g, size_t n)
{
	fprintf(out, ", \"%s\": [", key);
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%s\n      {\"comm\": ", i ? "," : "");
		json_string(out, g[i].comm);
		fprintf(out,
			", \"count\": %llu, \"cpu_ns\": %llu, \"peak_rss_bytes\": %llu, "
			"\"longest_ms\": %lld, \"failed\": %llu}",
			(unsigned long long)g[i].n, (unsigned long long)g[i].cpu_ns,
			(unsigned long long)g[i].peak_rss, (long long)g[i].life_ms,
			(unsigned long long)g[i].failed);
	}
	fputs(n ? "\n    ]" : "]", out);
}

/* Both top lists; *cpu and *rss owned by the caller. */
static int load_tops(struct store *st, int64_t t0, int64_t t1, struct exit_group **cpu,
		     size_t *ncpu, struct exit_group **rss, size_t *nrss)
{
	*rss = NULL;
	*nrss = 0;
	if (query_exit_groups(st, t0, t1, EXIT_BY_CPU, REPORT_EXIT_TOP, cpu, ncpu) < 0)
		return -1;
	if (query_exit_groups(st, t0, t1, EXIT_BY_RSS, REPORT_EXIT_TOP, rss, nrss) < 0) {
		free(*cpu);
		return -1;
	}
	return 0;
}

int report_exits_json(FILE *out, struct store *st, const struct report_span *sp)
{
	struct exit_summary s;
	struct exit_group *cpu, *rss;
	size_t ncpu, nrss;
	int64_t t0, t1;

	if (widen(st, sp, &t0, &t1) < 0 || query_exit_summary(st, t0, t1, &s) < 0)
		return -1;
	fputs(",\n  \"exits\": ", out);
	if (!s.recorded) {
		fputs("null", out);
		return 0;
	}
	if (load_tops(st, t0, t1, &cpu, &ncpu, &rss, &nrss) < 0)
		return -1;
	fprintf(out, "{\"recording\": %s, \"why\": ", s.running ? "true" : "false");
	json_string(out, s.why);
	fprintf(out,
		", \"cmdlines\": %s, \"count\": %llu, \"between_ticks\": %llu, "
		"\"failed\": %llu, \"lost\": %llu, \"no_cmdline\": %llu, \"bad\": %llu",
		s.cmdlines ? "true" : "false", (unsigned long long)s.exits,
		(unsigned long long)s.unseen, (unsigned long long)s.failed,
		(unsigned long long)s.lost, (unsigned long long)s.no_cmdline,
		(unsigned long long)s.bad);
	json_groups(out, "top_cpu", cpu, ncpu);
	json_groups(out, "top_rss", rss, nrss);
	fputc('}', out);
	free(cpu);
	free(rss);
	return 0;
}

static void text_groups(FILE *out, const char *label, const struct exit_group *g,
			size_t n)
{
	char cpu[16], rss[16], life[16];

	for (size_t i = 0; i < n; i++) {
		size_t w;

		fprintf(out, "  %-7s ", i ? "" : label);
		w = text_write_cut(out, g[i].comm, 16);
		fprintf(out, "%*s %6llux CPU %-8s peak %-10s longest %s",
			(int)(16 - (w < 16 ? w : 16)), "", (unsigned long long)g[i].n,
			units_latency((double)g[i].cpu_ns / 1e6, cpu, sizeof(cpu)),
			units_bytes((double)g[i].peak_rss, rss, sizeof(rss)),
			units_latency((double)g[i].life_ms, life, sizeof(life)));
		if (g[i].failed)
			fprintf(out, ", %llu failed", (unsigned long long)g[i].failed);
		fputc('\n', out);
	}
}

int report_exits_text(FILE *out, struct store *st, const struct report_span *sp)
{
	struct exit_summary s;
	struct exit_group *cpu, *rss;
	size_t ncpu, nrss;
	int64_t t0, t1;

	if (widen(st, sp, &t0, &t1) < 0 || query_exit_summary(st, t0, t1, &s) < 0)
		return -1;
	if (!s.recorded)
		return 0;
	if (!s.running) {
		fputs("exited    not recorded: ", out);
		text_write(out, s.why);
		fputc('\n', out);
		return 0;
	}
	if (load_tops(st, t0, t1, &cpu, &ncpu, &rss, &nrss) < 0)
		return -1;
	fprintf(out,
		"exited    %llu process%s, %llu lived between two ticks, %llu failed",
		(unsigned long long)s.exits, s.exits == 1 ? "" : "es",
		(unsigned long long)s.unseen, (unsigned long long)s.failed);
	if (s.lost)
		fprintf(out, "; %llu more lost (the kernel's buffer overflowed)",
			(unsigned long long)s.lost);
	fputc('\n', out);
	if (s.why[0]) {
		fputs("          ", out);
		text_write(out, s.why);
		fputc('\n', out);
	}
	text_groups(out, "by CPU", cpu, ncpu);
	text_groups(out, "by RSS", rss, nrss);
	free(cpu);
	free(rss);
	return 0;
}
