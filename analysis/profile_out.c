/* SPDX-License-Identifier: MIT */
/*
 * profile_out: the three text forms of a profile (declared in profile.h).
 *
 * - folded: Brendan Gregg's stackcollapse lines, what flamegraph.pl and
 *   speedscope import. The format has no escaping of its own, so names go
 *   through core/textsafe's escape with ';' added: a ';' is "\x3b", a
 *   newline "\n", a control byte or broken UTF-8 "\xHH", a '\' "\\". Spaces
 *   stay (C++ names have them, and readers split the count at the last
 *   one). Two stacks that print the same (same function names, different
 *   modules) merge into one line.
 * - speedscope: https://www.speedscope.app/file-format-schema.json, one
 *   "sampled" profile per thread, unit "none", weights = samples. Frame
 *   indexes are our frame ids, so shared.frames is frames[] in order.
 * - table: what `vigil profile --format table` prints, py-spy top style;
 *   names escaped as in folded, without the ';'.
 *
 * Output is deterministic for a given profile (tests compare exact text).
 */
#include "analysis/profile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/textsafe.h"
#include "core/xalloc.h"

#ifndef VIGIL_VERSION
#define VIGIL_VERSION "dev"
#endif

/* 0, or -1 with errno set when anything written to out failed. */
static int finish(FILE *out)
{
	if (fflush(out) != 0 || ferror(out)) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

struct folded_line {
	char *stack;
	uint64_t n;
};

static int cmp_line(const void *a, const void *b)
{
	return strcmp(((const struct folded_line *)a)->stack,
		      ((const struct folded_line *)b)->stack);
}

/* Appends function to buf (at *len, growing) with folded's separators escaped. */
static void put_name(char **buf, size_t *len, size_t *cap, const char *function)
{
	*buf = xgrow(*buf, cap, *len + TEXT_ESCAPED_MAX(strlen(function)) + 1, 1);
	*len += text_escape(*buf + *len, function, ";");
}

/* The stack of node as "root;...;leaf", in a new string. */
static char *folded_stack(const struct profile *p, uint32_t node, uint32_t *path)
{
	size_t depth = 0, len = 0, cap = 0;
	char *s = NULL;

	for (uint32_t n = node; n != 0; n = p->nodes[n].parent)
		path[depth++] = n;
	s = xgrow(s, &cap, 1, 1);
	s[0] = '\0';
	while (depth-- > 0) {
		put_name(&s, &len, &cap, p->frames[p->nodes[path[depth]].frame].function);
		if (depth > 0)
			s[len++] = ';';
	}
	s[len] = '\0';
	return s;
}

char *profile_folded_stack(const struct profile *p, uint32_t node)
{
	uint32_t *path = xcalloc(p->nnodes, sizeof(*path));
	char *s = folded_stack(p, node, path);

	free(path);
	return s;
}

int profile_write_folded(const struct profile *p, FILE *out, int tid)
{
	uint64_t *self = xcalloc(p->nnodes, sizeof(*self));
	uint32_t *path = xcalloc(p->nnodes, sizeof(*path));
	struct folded_line *lines = NULL;
	size_t nlines = 0, cap = 0;

	for (size_t i = 0; i < p->ncounts; i++) {
		if (tid == 0 || p->counts[i].tid == tid)
			self[p->counts[i].node] += p->counts[i].n;
	}
	for (size_t i = 1; i < p->nnodes; i++) {
		if (!self[i])
			continue;
		lines = xgrow(lines, &cap, nlines + 1, sizeof(*lines));
		lines[nlines].stack = folded_stack(p, (uint32_t)i, path);
		lines[nlines].n = self[i];
		nlines++;
	}
	if (nlines)
		qsort(lines, nlines, sizeof(*lines), cmp_line);
	errno = 0;
	for (size_t i = 0; i < nlines;) {
		size_t j = i + 1;
		uint64_t n = lines[i].n;

		while (j < nlines && !strcmp(lines[j].stack, lines[i].stack))
			n += lines[j++].n;
		fprintf(out, "%s %llu\n", lines[i].stack, (unsigned long long)n);
		i = j;
	}
	for (size_t i = 0; i < nlines; i++)
		free(lines[i].stack);
	free(lines);
	free(path);
	free(self);
	return finish(out);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

static const char *thread_comm(const struct profile *p, int tid)
{
	for (size_t i = 0; i < p->nthreads; i++) {
		if (p->threads[i].tid == tid)
			return p->threads[i].comm;
	}
	return "";
}

static void speedscope_thread(const struct profile *p, FILE *out, int tid, uint32_t *path)
{
	const char *comm = thread_comm(p, tid);
	uint64_t total = 0;
	bool first = true;
	char name[FRAME_COMM_MAX + 32];

	for (size_t i = 0; i < p->ncounts; i++) {
		if (p->counts[i].tid == tid)
			total += p->counts[i].n;
	}
	if (comm[0])
		snprintf(name, sizeof(name), "%s (tid %d)", comm, tid);
	else
		snprintf(name, sizeof(name), "tid %d", tid);
	fputs("{\"type\":\"sampled\",\"name\":", out);
	json_string(out, name);
	fprintf(out,
		",\"unit\":\"none\",\"startValue\":0,\"endValue\":%llu,\"samples\":[",
		(unsigned long long)total);
	for (size_t i = 0; i < p->ncounts; i++) {
		size_t depth = 0;

		if (p->counts[i].tid != tid)
			continue;
		for (uint32_t n = p->counts[i].node; n != 0; n = p->nodes[n].parent)
			path[depth++] = p->nodes[n].frame;
		fputs(first ? "[" : ",[", out);
		first = false;
		while (depth-- > 0)
			fprintf(out, "%u%s", path[depth], depth ? "," : "");
		fputc(']', out);
	}
	fputs("],\"weights\":[", out);
	first = true;
	for (size_t i = 0; i < p->ncounts; i++) {
		if (p->counts[i].tid != tid)
			continue;
		fprintf(out, "%s%llu", first ? "" : ",",
			(unsigned long long)p->counts[i].n);
		first = false;
	}
	fputs("]}", out);
}

int profile_write_speedscope(const struct profile *p, FILE *out)
{
	int *tids = xcalloc(p->ncounts ? p->ncounts : 1, sizeof(*tids));
	uint32_t *path = xcalloc(p->nnodes, sizeof(*path));
	size_t ntids = 0;
	char name[64];

	for (size_t i = 0; i < p->ncounts; i++)
		tids[ntids++] = p->counts[i].tid;
	qsort(tids, ntids, sizeof(*tids), cmp_int);
	errno = 0;
	fputs("{\"$schema\":\"https://www.speedscope.app/file-format-schema.json\","
	      "\"shared\":{\"frames\":[",
	      out);
	for (size_t f = 0; f < p->nframes; f++) {
		fputs(f ? ",{\"name\":" : "{\"name\":", out);
		json_string(out, p->frames[f].function);
		if (p->frames[f].module[0]) {
			fputs(",\"file\":", out);
			json_string(out, p->frames[f].module);
		}
		fputc('}', out);
	}
	fputs("]},\"profiles\":[", out);
	for (size_t i = 0, k = 0; i < ntids; i++) {
		if (i > 0 && tids[i] == tids[i - 1])
			continue;
		if (k++)
			fputc(',', out);
		speedscope_thread(p, out, tids[i], path);
	}
	snprintf(name, sizeof(name), "vigil profile of pid %d", p->meta.pid);
	fputs("],\"name\":", out);
	json_string(out, name);
	fputs(",\"activeProfileIndex\":0,\"exporter\":\"vigil " VIGIL_VERSION "\"}\n",
	      out);
	free(path);
	free(tids);
	return finish(out);
}

static double pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static void write_function(FILE *out, const struct profile_frame *f)
{
	text_write(out, f->function);
	if (f->module[0]) {
		fputs(" (", out);
		text_write(out, f->module);
		fputc(')', out);
	}
	fputc('\n', out);
}

/* Live bytes per function, and their growth over the capture in bytes/s:
 * every byte counted was allocated during it. */
static int write_live_table(const struct profile *p, struct profile_fn *fns, size_t n,
			    uint64_t all, FILE *out)
{
	double secs = p->meta.duration_ms > 0 ? (double)p->meta.duration_ms / 1000 : 1;

	fprintf(out, "%7s %12s %12s %12s  %s\n", "SELF%", "LIVE_B", "TOTAL_B",
		"GROWTH_B/S", "FUNCTION");
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%6.1f%% %12llu %12llu %12.0f  ", pct(fns[i].self, all),
			(unsigned long long)fns[i].self, (unsigned long long)fns[i].total,
			(double)fns[i].self / secs);
		write_function(out, &p->frames[fns[i].frame]);
	}
	free(fns);
	return finish(out);
}

int profile_write_table(const struct profile *p, FILE *out, size_t limit)
{
	size_t n;
	struct profile_fn *fns = profile_top(p, 0, &n);
	uint64_t all = 0;

	for (size_t i = 0; i < p->ncounts; i++)
		all += p->counts[i].n;
	if (limit && n > limit)
		n = limit;
	errno = 0;
	if (p->meta.mode == PROFILE_LIVE)
		return write_live_table(p, fns, n, all, out);
	fprintf(out, "%7s %7s %9s %9s  %s\n", "SELF%", "TOTAL%",
		PROFILE_BYTES(p->meta.mode) ? "SELF_B" : "SELF",
		PROFILE_BYTES(p->meta.mode) ? "TOTAL_B" : "TOTAL", "FUNCTION");
	for (size_t i = 0; i < n; i++) {
		const struct profile_frame *f = &p->frames[fns[i].frame];

		fprintf(out, "%6.1f%% %6.1f%% %9llu %9llu  ", pct(fns[i].self, all),
			pct(fns[i].total, all), (unsigned long long)fns[i].self,
			(unsigned long long)fns[i].total);
		write_function(out, f);
	}
	free(fns);
	return finish(out);
}
