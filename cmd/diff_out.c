/* SPDX-License-Identifier: MIT */
/*
 * diff_out: `vigil diff` written out (see diff_out.h). The JSON's keys are
 * a contract (docs/diff-json.md): only ever added to.
 */
#include "cmd/diff_out.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/json.h"
#include "core/textsafe.h"
#include "core/units.h"

#define NAME_WIDTH 26

const char *diff_format_value(const char *unit, double v, char *buf, size_t len)
{
	char num[64];
	const char *sign = v < 0 ? "-" : "";
	double a = fabs(v);

	if (isnan(v))
		snprintf(buf, len, "-");
	else if (!strcmp(unit, "%"))
		snprintf(buf, len, "%.1f%%", v);
	else if (!strcmp(unit, "bytes"))
		snprintf(buf, len, "%s%s", sign, units_bytes(a, num, sizeof(num)));
	else if (!strcmp(unit, "bytes/s") || !strcmp(unit, "bytes/h"))
		snprintf(buf, len, "%s%s%s", sign, units_bytes(a, num, sizeof(num)),
			 unit + 5);
	else if (!strcmp(unit, "ms"))
		snprintf(buf, len, "%s%s", sign, units_latency(a, num, sizeof(num)));
	else if (!strcmp(unit, "/s") || !strcmp(unit, "ms/s"))
		snprintf(buf, len, "%.1f%s%s", v, *unit == '/' ? "" : " ", unit);
	else
		snprintf(buf, len, "%.4g%s%s", v, *unit ? " " : "", unit);
	return buf;
}

/* "+25.2 points" style change: the absolute change with a sign, and the
 * relative change in parentheses. */
static void format_change(const struct cmp_change *c, char *buf, size_t len)
{
	char a[64];
	const char *unit = !strcmp(c->unit, "%") ? "" : c->unit;

	diff_format_value(unit, c->abs_change, a, sizeof(a));
	if (!strcmp(c->unit, "%"))
		snprintf(a, sizeof(a), "%.1f pt", c->abs_change);
	if (isinf(c->rel_change))
		snprintf(buf, len, "%s%s (new)", c->abs_change > 0 ? "+" : "", a);
	else
		snprintf(buf, len, "%s%s (%+.0f%%)", c->abs_change > 0 ? "+" : "", a,
			 c->rel_change * 100);
}

static void format_p(double p, char *buf, size_t len)
{
	if (p < 0.001)
		snprintf(buf, len, "<0.001");
	else
		snprintf(buf, len, "%.3f", p);
}

static void text_side(FILE *out, const char *label, const struct diff_side *s,
		      size_t ticks)
{
	char a[32], b[32], span[32];
	time_t t0 = (time_t)(s->t0 / 1000), t1 = (time_t)(s->t1 / 1000);
	struct tm tm0, tm1;

	localtime_r(&t0, &tm0);
	localtime_r(&t1, &tm1);
	strftime(a, sizeof(a), "%Y-%m-%d %H:%M:%S", &tm0);
	strftime(b, sizeof(b), "%H:%M:%S", &tm1);
	fprintf(out, "%s ", label);
	text_write(out, s->path);
	fprintf(out, "  %s..%s (%s, %zu ticks)\n", a, b,
		units_span(s->t1 - s->t0, span, sizeof(span)), ticks);
}

static void text_change(FILE *out, const struct cmp_change *c)
{
	char b[64], a[64], ch[96], p[16];

	fputs("  ", out);
	fprintf(out, "%*s", (int)(NAME_WIDTH - text_write_cut(out, c->name, NAME_WIDTH)),
		"");
	format_change(c, ch, sizeof(ch));
	format_p(c->p, p, sizeof(p));
	fprintf(out, " %10s %10s  %-20s %6s%s\n",
		diff_format_value(c->unit, c->before, b, sizeof(b)),
		diff_format_value(c->unit, c->after, a, sizeof(a)), ch, p,
		c->method == CMP_BOOTSTRAP ? "*" : "");
	if (c->detail && *c->detail) {
		fputs("      ", out);
		text_write_cut(out, c->detail, 72);
		fputc('\n', out);
	}
}

static void text_only(FILE *out, const char *label, const struct diff_only *o)
{
	if (!o->n)
		return;
	fprintf(out, "\nonly %s (%zu):", label, o->n);
	for (size_t i = 0; i < o->n && i < 12; i++) {
		fputs(i ? ", " : " ", out);
		text_write_cut(out, o->names[i], 60);
	}
	fputs(o->n > 12 ? ", ...\n" : "\n", out);
}

void diff_write_text(FILE *out, const struct diff_report *r)
{
	size_t changed = cmp_changed(&r->cmp);

	text_side(out, "before", r->side[0], r->ticks[0]);
	text_side(out, "after ", r->side[1], r->ticks[1]);
	fprintf(out,
		"\n%zu of %zu figures changed: p < %g (Mann-Whitney U over ticks;\n"
		"* percentiles: a bootstrap over ticks), by at least %g%% and the unit's "
		"floor\n",
		changed, r->cmp.n, r->cmp.rules.alpha, r->cmp.rules.min_rel * 100);
	if (changed)
		fprintf(out, "\n  %-*s %10s %10s  %-20s %6s\n", NAME_WIDTH, "figure",
			"before", "after", "change", "p");
	for (size_t i = 0; i < r->cmp.n && r->cmp.v[i].changed; i++)
		text_change(out, &r->cmp.v[i]);
	text_only(out, "before", &r->only[0]);
	text_only(out, "after", &r->only[1]);
	if (r->profiles[0] && r->profiles[1])
		fprintf(out,
			"\nboth sides hold profiles (%zu and %zu): no profile diff yet\n",
			r->profiles[0], r->profiles[1]);
	for (size_t g = 0; g < r->ngates; g++) {
		fputs(g ? "" : "\n", out);
		fputs("--fail-if '", out);
		text_write(out, r->gates[g].text);
		fprintf(out, "': %s",
			r->gates[g].nheld ? "holds for"
			: r->gates[g].only_one_side
				? "does not hold (only one side has it)"
				: "does not hold");
		for (size_t i = 0; i < r->gates[g].nheld; i++) {
			fputs(i ? ", " : " ", out);
			text_write(out, r->gates[g].held[i]);
		}
		fputc('\n', out);
	}
}

/* ---- JSON ---- */

static void json_side(FILE *out, const char *key, const struct diff_side *s, size_t ticks,
		      size_t profiles)
{
	fprintf(out, "  \"%s\": {\"path\": ", key);
	json_string(out, s->path);
	fputs(", \"from\": ", out);
	if (s->from)
		json_string(out, s->from);
	else
		fputs("null", out);
	fputs(", \"to\": ", out);
	if (s->to)
		json_string(out, s->to);
	else
		fputs("null", out);
	fprintf(out,
		", \"t0_ms\": %lld, \"t1_ms\": %lld, \"ticks\": %zu, \"interval_ms\": "
		"%lld, \"profiles\": %zu, \"host\": ",
		(long long)s->t0, (long long)s->t1, ticks, (long long)s->interval_ms,
		profiles);
	json_string(out, s->meta.host);
	fputs("},\n", out);
}

static void json_change(FILE *out, const struct cmp_change *c)
{
	fputs("    {\"name\": ", out);
	json_string(out, c->name);
	fprintf(out, ", \"group\": \"%s\", \"unit\": \"%s\", \"detail\": ", c->group,
		c->unit);
	if (c->detail)
		json_string(out, c->detail);
	else
		fputs("null", out);
	fprintf(out, ", \"method\": \"%s\", ", cmp_method_name(c->method));
	json_key_number(out, "before", c->before, 6);
	fputs(", ", out);
	json_key_number(out, "after", c->after, 6);
	fputs(", ", out);
	json_key_number(out, "abs_change", c->abs_change, 6);
	fputs(", ", out);
	/* from 0: infinite, written as null like every non-finite number */
	json_key_number(out, "rel_change", c->rel_change, 6);
	fputs(", ", out);
	json_key_number(out, "p", c->p, 8);
	fputs(", ", out);
	json_key_number(out, "u", c->u, 1);
	fputs(", ", out);
	json_key_number(out, "ci95_low", c->lo95, 6);
	fputs(", ", out);
	json_key_number(out, "ci95_high", c->hi95, 6);
	fprintf(out,
		", \"n_before\": %zu, \"n_after\": %zu, \"significant\": %s, "
		"\"changed\": %s, ",
		c->n_before, c->n_after, c->significant ? "true" : "false",
		c->changed ? "true" : "false");
	json_key_number(out, "score", c->score, 4);
	fputc('}', out);
}

static void json_names(FILE *out, char *const *names, size_t n)
{
	fputc('[', out);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ", " : "", out);
		json_string(out, names[i]);
	}
	fputc(']', out);
}

static void json_gates(FILE *out, const struct diff_report *r)
{
	fputs("  \"fail_if\": [", out);
	for (size_t g = 0; g < r->ngates; g++) {
		fputs(g ? ",\n    {\"expr\": " : "\n    {\"expr\": ", out);
		json_string(out, r->gates[g].text);
		fprintf(out,
			", \"matched\": %zu, \"only_one_side\": %s, \"held\": %s, "
			"\"held_by\": ",
			r->gates[g].matched, r->gates[g].only_one_side ? "true" : "false",
			r->gates[g].nheld ? "true" : "false");
		json_names(out, r->gates[g].held, r->gates[g].nheld);
		fputc('}', out);
	}
	fputs(r->ngates ? "\n  ]\n" : "]\n", out);
}

void diff_write_json(FILE *out, const struct diff_report *r)
{
	size_t changed = cmp_changed(&r->cmp);

	fputs("{\n  \"schema\": 1,\n", out);
	json_side(out, "before", r->side[0], r->ticks[0], r->profiles[0]);
	json_side(out, "after", r->side[1], r->ticks[1], r->profiles[1]);
	fputs("  \"rules\": {", out);
	json_key_number(out, "alpha", r->cmp.rules.alpha, 6);
	fputs(", ", out);
	json_key_number(out, "min_rel_change", r->cmp.rules.min_rel, 6);
	fprintf(out,
		", \"min_ticks\": %d, \"bootstrap_resamples\": %d, "
		"\"bootstrap_max_blocks\": %d},\n",
		CMP_MIN_TICKS, CMP_BOOT_RESAMPLES, CMP_BOOT_MAX_BLOCKS);
	fprintf(out, "  \"compared\": %zu,\n  \"changed\": %zu,\n  \"figures\": [",
		r->cmp.n, changed);
	for (size_t i = 0; i < r->cmp.n; i++) {
		fputs(i ? ",\n" : "\n", out);
		json_change(out, &r->cmp.v[i]);
	}
	fputs(r->cmp.n ? "\n  ],\n" : "],\n", out);
	fputs("  \"only_before\": ", out);
	json_names(out, r->only[0].names, r->only[0].n);
	fputs(",\n  \"only_after\": ", out);
	json_names(out, r->only[1].names, r->only[1].n);
	fputs(",\n", out);
	json_gates(out, r);
	fputs("}\n", out);
}
