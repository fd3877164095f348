/* SPDX-License-Identifier: MIT */
/*
 * schedstat: /proc/schedstat parsed by hand (schedstat.h says what the
 * fields are and which versions are read).
 *
 * One pass: the file is mostly domain lines (a few per CPU, each longer
 * than its cpu line), skipped with one strchr each; the array grows as cpu
 * lines come and is handed out only once the whole text made sense.
 */
#include "collectors/schedstat.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/procfs.h"
#include "core/xalloc.h"

#define CPU_COUNTERS 9 /* version 15 on */
#define CPU_RUN_NS 6   /* 0-based columns of the three kept */
#define CPU_WAIT_NS 7
#define CPU_SLICES 8

static const char *next_line(const char *p)
{
	const char *nl = strchr(p, '\n');

	return nl ? nl + 1 : p + strlen(p);
}

static bool at_eol(const char *p)
{
	return *p == '\n' || *p == '\0';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A line "cpuN ..." (as opposed to "cpu" alone or "cpufreq"). */
static bool is_cpu_line(const char *line)
{
	return !strncmp(line, "cpu", 3) && is_digit(line[3]);
}

/* The unsigned decimal at *p as one whole token (ending at a blank or the
 * end of the line), advancing past it and its blanks; 0 or -1. */
static int next_token_u64(const char **p, uint64_t *v)
{
	const char *s = *p;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!is_digit(*s) || procfs_next_u64(&s, v) < 0)
		return -1;
	if (s[-1] != ' ' && s[-1] != '\t' && !at_eol(s))
		return -1;
	*p = s;
	return 0;
}

/* "version N" as the first line, N >= SCHEDSTAT_VERSION_MIN; 0 or -1. */
static int check_version(const char *text)
{
	const char *p = text;
	uint64_t v;

	if (strncmp(p, "version", 7) || (p[7] != ' ' && p[7] != '\t'))
		return -1;
	p += 7;
	if (next_token_u64(&p, &v) < 0 || !at_eol(p))
		return -1;
	return v >= SCHEDSTAT_VERSION_MIN ? 0 : -1;
}

/* One cpu line into *out; 0 or -1. Columns past the ninth are ignored. */
static int parse_cpu_line(const char *line, struct sched_cpu *out)
{
	const char *p = line + 3;
	uint64_t cpu, v[CPU_COUNTERS];

	if (next_token_u64(&p, &cpu) < 0 || cpu > (uint64_t)INT32_MAX)
		return -1;
	for (int i = 0; i < CPU_COUNTERS; i++)
		if (next_token_u64(&p, &v[i]) < 0)
			return -1;
	out->cpu = (int)cpu;
	out->run_ns = v[CPU_RUN_NS];
	out->wait_ns = v[CPU_WAIT_NS];
	out->slices = v[CPU_SLICES];
	return 0;
}

int schedstat_parse(const char *text, struct sched_cpu **out, size_t *n)
{
	struct sched_cpu *cpus = NULL;
	size_t cap = 0, k = 0;

	if (check_version(text) < 0)
		return -1;
	for (const char *line = text; *line; line = next_line(line)) {
		if (!is_cpu_line(line))
			continue;
		cpus = xgrow(cpus, &cap, k + 1, sizeof(*cpus));
		if (parse_cpu_line(line, &cpus[k]) < 0 ||
		    (k && cpus[k - 1].cpu >= cpus[k].cpu)) {
			free(cpus);
			return -1;
		}
		k++;
	}
	*out = cpus;
	*n = k;
	return 0;
}
