/* SPDX-License-Identifier: MIT */
/* gate: --fail-if conditions (see gate.h for the grammar). */
#include "analysis/gate.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *gate_op_text(enum gate_op op)
{
	switch (op) {
	case GATE_GT:
		return ">";
	case GATE_GE:
		return ">=";
	case GATE_LT:
		return "<";
	case GATE_LE:
		return "<=";
	}
	return "?";
}

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* NAME: up to the first blank or operator character. */
static int parse_name(const char **s, struct gate *g, char *why, size_t whylen)
{
	const char *p = skip_blanks(*s), *start = p;
	size_t len;

	while (*p && !strchr(" \t<>=!", *p))
		p++;
	len = (size_t)(p - start);
	if (!len) {
		snprintf(why, whylen, "expected a figure's name first");
		return -1;
	}
	if (len >= sizeof(g->name)) {
		snprintf(why, whylen, "the name is longer than %zu characters",
			 sizeof(g->name) - 1);
		return -1;
	}
	memcpy(g->name, start, len);
	g->name[len] = '\0';
	*s = p;
	return 0;
}

static int parse_op(const char **s, struct gate *g, char *why, size_t whylen)
{
	const char *p = skip_blanks(*s);

	if (p[0] == '>' || p[0] == '<') {
		bool eq = p[1] == '=';

		g->op = p[0] == '>' ? (eq ? GATE_GE : GATE_GT) : (eq ? GATE_LE : GATE_LT);
		*s = p + 1 + eq;
		return 0;
	}
	snprintf(why, whylen, "expected one of > >= < <= after '%s'", g->name);
	return -1;
}

static int parse_change(const char *p, struct gate *g, char *why, size_t whylen)
{
	const char *start = skip_blanks(p);
	char *end;
	double v;

	if (!*start) {
		snprintf(why, whylen, "expected a change after '%s'",
			 gate_op_text(g->op));
		return -1;
	}
	/* strtod would also take "inf", "nan" and hex: only decimals here */
	for (const char *q = *start == '+' || *start == '-' ? start + 1 : start;
	     *q && *q != '%' && *q != ' ' && *q != '\t'; q++)
		if (!isdigit((unsigned char)*q) && *q != '.')
			goto bad;
	errno = 0;
	v = strtod(start, &end);
	if (end == start || errno || !isfinite(v))
		goto bad;
	g->relative = *end == '%';
	if (g->relative) {
		v /= 100.0;
		end++;
	}
	if (*skip_blanks(end))
		goto bad;
	g->threshold = v;
	return 0;
bad:
	snprintf(why, whylen, "bad change '%s': expected a number like +10%%, -5%% or 20",
		 start);
	return -1;
}

int gate_parse(const char *text, struct gate *out, char *why, size_t whylen)
{
	const char *s = text;

	memset(out, 0, sizeof(*out));
	if (parse_name(&s, out, why, whylen) < 0 || parse_op(&s, out, why, whylen) < 0)
		return -1;
	return parse_change(s, out, why, whylen);
}

bool gate_matches(const struct gate *g, const char *name)
{
	return !strcmp(g->name, name) || fnmatch(g->name, name, 0) == 0;
}

bool gate_holds(const struct gate *g, const struct cmp_change *c)
{
	double x = g->relative ? c->rel_change : c->abs_change;

	if (!c->significant || isnan(x))
		return false;
	switch (g->op) {
	case GATE_GT:
		return x > g->threshold;
	case GATE_GE:
		return x >= g->threshold;
	case GATE_LT:
		return x < g->threshold;
	case GATE_LE:
		return x <= g->threshold;
	}
	return false;
}
