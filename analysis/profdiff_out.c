/* SPDX-License-Identifier: MIT */
/*
 * profdiff_out: the text forms of a differential (declared in profdiff.h):
 * difffolded lines, the table and the JSON object. Deterministic for given
 * inputs (lines sorted, ties broken by name), so tests compare exact text.
 */
#include "analysis/profdiff.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/textsafe.h"
#include "core/xalloc.h"

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

struct diff_line {
	char *stack;
	uint64_t b, a; /* counts as recorded */
	double change; /* share of after - share of before, pp */
};

static int cmp_stack(const void *x, const void *y)
{
	return strcmp(((const struct diff_line *)x)->stack,
		      ((const struct diff_line *)y)->stack);
}

static int cmp_change(const void *x, const void *y)
{
	const struct diff_line *p = x, *q = y;
	double a = fabs(p->change), b = fabs(q->change);

	if (a != b)
		return a > b ? -1 : 1;
	return strcmp(p->stack, q->stack);
}

/*
 * One line per distinct printed stack with a sample on either side, sorted
 * by stack, equal stacks merged (the same names from different modules).
 * *n is set; the caller frees with free_lines.
 */
static struct diff_line *diff_lines(const struct profdiff *d, size_t *n)
{
	const struct profile *m = d->merged;
	struct diff_line *lines = NULL;
	size_t nlines = 0, cap = 0, k = 0;

	for (size_t i = 1; i < m->nnodes; i++) {
		uint64_t b = d->tree_b->self[i], a = d->tree_a->self[i];

		if (!b && !a)
			continue;
		lines = xgrow(lines, &cap, nlines + 1, sizeof(*lines));
		lines[nlines++] = (struct diff_line){profile_folded_stack(m, (uint32_t)i),
						     b, a, 0.0};
	}
	if (nlines)
		qsort(lines, nlines, sizeof(*lines), cmp_stack);
	for (size_t i = 0; i < nlines; i++) {
		if (k && !strcmp(lines[k - 1].stack, lines[i].stack)) {
			lines[k - 1].b += lines[i].b;
			lines[k - 1].a += lines[i].a;
			free(lines[i].stack);
			continue;
		}
		lines[k++] = lines[i];
	}
	for (size_t i = 0; i < k; i++) {
		double sb = d->samples_b
				    ? 100.0 * (double)lines[i].b / (double)d->samples_b
				    : 0;
		double sa = d->samples_a
				    ? 100.0 * (double)lines[i].a / (double)d->samples_a
				    : 0;

		lines[i].change = sa - sb;
	}
	*n = k;
	return lines;
}

static void free_lines(struct diff_line *lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lines[i].stack);
	free(lines);
}

/* The before count as written: scaled to the after side's total when
 * normalising (difffolded.pl -n: truncated to an integer). */
static uint64_t before_count(const struct profdiff *d, uint64_t b, bool normalize)
{
	if (!normalize || d->samples_b == d->samples_a || d->samples_b == 0)
		return b;
	return (uint64_t)floorl((long double)b * (long double)d->samples_a /
				(long double)d->samples_b);
}

int profdiff_write_folded(const struct profdiff *d, FILE *out, bool normalize)
{
	size_t n;
	struct diff_line *lines = diff_lines(d, &n);

	errno = 0;
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s %llu %llu\n", lines[i].stack,
			(unsigned long long)before_count(d, lines[i].b, normalize),
			(unsigned long long)lines[i].a);
	free_lines(lines, n);
	return finish(out);
}

static const char *verdict_word(enum profdiff_verdict v)
{
	return v == PROFDIFF_GROWN ? "grown" : v == PROFDIFF_SHRUNK ? "shrunk" : "same";
}

static void side_line(FILE *out, const char *label, const struct profile_meta *m,
		      uint64_t samples)
{
	fprintf(out, "%s %llu samples", label, (unsigned long long)samples);
	if (m->id)
		fprintf(out, ", profile %lld", (long long)m->id);
	if (m->pid)
		fprintf(out, ", pid %d", m->pid);
	if (m->duration_ms)
		fprintf(out, ", %.1fs at %d Hz", (double)m->duration_ms / 1000.0, m->hz);
	if (m->partial)
		fputs(", partial", out);
	fputc('\n', out);
}

int profdiff_write_table(const struct profdiff *d, FILE *out, size_t limit)
{
	size_t n = d->nfns;

	if (limit && n > limit)
		n = limit;
	errno = 0;
	side_line(out, "before:", &d->before, d->samples_b);
	side_line(out, "after: ", &d->after, d->samples_a);
	fprintf(out,
		"share: %% of that side's samples; change: points, after - before; "
		"ranked "
		"by %s change\ngrown/shrunk: |z| >= %.0f, else same (noise)\n\n",
		d->rank == PROFDIFF_BY_TOTAL ? "total" : "self", PROFDIFF_Z);
	fprintf(out, "%-6s %7s %7s %8s %7s %7s %8s %8s %8s  %s\n", "CHANGE", "SELF%B",
		"SELF%A", "SELF+-", "TOTAL%B", "TOTAL%A", "TOTAL+-", "SELF#B", "SELF#A",
		"FUNCTION");
	for (size_t i = 0; i < n; i++) {
		const struct profdiff_fn *f = &d->fns[i];
		const struct profile_frame *fr = &d->merged->frames[f->frame];
		enum profdiff_verdict v = f->total_verdict != PROFDIFF_SAME
						  ? f->total_verdict
						  : f->self_verdict;

		fprintf(out, "%-6s %7.1f %7.1f %+8.1f %7.1f %7.1f %+8.1f %8llu %8llu  ",
			verdict_word(v), f->self_b.share, f->self_a.share, f->self_change,
			f->total_b.share, f->total_a.share, f->total_change,
			(unsigned long long)f->self_b.n, (unsigned long long)f->self_a.n);
		text_write(out, fr->function);
		if (fr->module[0]) {
			fputs(" (", out);
			text_write(out, fr->module);
			fputc(')', out);
		}
		fputc('\n', out);
	}
	return finish(out);
}

static void json_side_meta(FILE *out, const char *key, const struct profile_meta *m,
			   uint64_t samples)
{
	fprintf(out, "\"%s\":{", key);
	if (m->id)
		fprintf(out, "\"id\":%lld,", (long long)m->id);
	else
		fputs("\"id\":null,", out);
	fprintf(out, "\"pid\":%d,\"mode\":\"%s\",\"hz\":%d,\"started_ms\":%lld,", m->pid,
		profile_mode_name(m->mode), m->hz, (long long)m->started_ms);
	fprintf(out, "\"duration_ms\":%lld,\"samples\":%llu,\"partial\":%s}",
		(long long)m->duration_ms, (unsigned long long)samples,
		m->partial ? "true" : "false");
}

static void json_figure(FILE *out, const char *key, struct profdiff_side b,
			struct profdiff_side a, double change, double z,
			enum profdiff_verdict v)
{
	fprintf(out, "\"%s\":{\"before\":%llu,\"after\":%llu,", key,
		(unsigned long long)b.n, (unsigned long long)a.n);
	json_key_number(out, "share_before", b.share, 3);
	fputc(',', out);
	json_key_number(out, "share_after", a.share, 3);
	fputc(',', out);
	json_key_number(out, "change", change, 3);
	fputc(',', out);
	json_key_number(out, "z", z, 2);
	fprintf(out, ",\"verdict\":\"%s\"}", verdict_word(v));
}

static void json_functions(const struct profdiff *d, FILE *out, size_t limit)
{
	size_t n = d->nfns;

	if (limit && n > limit)
		n = limit;
	fputs("\"functions\":[", out);
	for (size_t i = 0; i < n; i++) {
		const struct profdiff_fn *f = &d->fns[i];
		const struct profile_frame *fr = &d->merged->frames[f->frame];

		fputs(i ? ",{\"function\":" : "{\"function\":", out);
		json_string(out, fr->function);
		fputs(",\"module\":", out);
		json_string(out, fr->module);
		fputc(',', out);
		json_figure(out, "self", f->self_b, f->self_a, f->self_change, f->self_z,
			    f->self_verdict);
		fputc(',', out);
		json_figure(out, "total", f->total_b, f->total_a, f->total_change,
			    f->total_z, f->total_verdict);
		fputc('}', out);
	}
	fputc(']', out);
}

static void json_stacks(const struct profdiff *d, FILE *out, size_t limit, bool normalize)
{
	size_t n;
	struct diff_line *lines = diff_lines(d, &n);

	if (n)
		qsort(lines, n, sizeof(*lines), cmp_change);
	fputs("\"stacks\":[", out);
	for (size_t i = 0; i < n && (!limit || i < limit); i++) {
		fputs(i ? ",{\"stack\":" : "{\"stack\":", out);
		json_string(out, lines[i].stack);
		fprintf(out, ",\"before\":%llu,\"after\":%llu,",
			(unsigned long long)before_count(d, lines[i].b, normalize),
			(unsigned long long)lines[i].a);
		json_key_number(out, "change", lines[i].change, 3);
		fputc('}', out);
	}
	fputc(']', out);
	free_lines(lines, n);
}

int profdiff_write_json(const struct profdiff *d, FILE *out, size_t limit, bool normalize)
{
	errno = 0;
	fputc('{', out);
	json_side_meta(out, "before", &d->before, d->samples_b);
	fputc(',', out);
	json_side_meta(out, "after", &d->after, d->samples_a);
	fprintf(out, ",\"normalized\":%s,\"z_threshold\":%.1f,",
		normalize ? "true" : "false", PROFDIFF_Z);
	json_functions(d, out, limit);
	fputc(',', out);
	json_stacks(d, out, limit, normalize);
	fputc('}', out);
	return finish(out);
}
