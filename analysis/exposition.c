/* SPDX-License-Identifier: MIT */
/*
 * exposition: the grammar of the Prometheus text format and OpenMetrics
 * (see exposition.h). The set of names taken is a small open-addressing
 * hash set, so a thousand StatsD families cost no quadratic search.
 */
#include "analysis/exposition.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "core/xalloc.h"

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

void expo_init(struct expo *e, bool openmetrics)
{
	memset(e, 0, sizeof(*e));
	e->om = openmetrics;
	e->cap = 16384;
	e->buf = xmalloc(e->cap);
	e->buf[0] = '\0';
}

void expo_release(struct expo *e)
{
	for (size_t i = 0; i < e->captaken; i++)
		free(e->taken[i]);
	free(e->taken);
	free(e->buf);
	memset(e, 0, sizeof(*e));
}

char *expo_finish(struct expo *e, size_t *len)
{
	char *body;

	if (e->om) {
		static const char eof[] = "# EOF\n";

		e->buf = xgrow(e->buf, &e->cap, e->len + sizeof(eof), 1);
		memcpy(e->buf + e->len, eof, sizeof(eof));
		e->len += sizeof(eof) - 1;
	}
	body = e->buf;
	*len = e->len;
	e->buf = NULL;
	expo_release(e);
	return body;
}

static void put(struct expo *e, const char *s, size_t n)
{
	e->buf = xgrow(e->buf, &e->cap, e->len + n + 1, 1);
	memcpy(e->buf + e->len, s, n);
	e->len += n;
	e->buf[e->len] = '\0';
}

static void puts_(struct expo *e, const char *s)
{
	put(e, s, strlen(s));
}

/* ---- the set of names taken ---- */

static uint64_t hash_name(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static char **slot(char **tab, size_t cap, const char *name)
{
	size_t i = hash_name(name) & (cap - 1);

	while (tab[i] && strcmp(tab[i], name))
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

static void grow_taken(struct expo *e)
{
	size_t cap = e->captaken ? e->captaken * 2 : 256;
	char **tab = xcalloc(cap, sizeof(*tab));

	for (size_t i = 0; i < e->captaken; i++)
		if (e->taken[i])
			*slot(tab, cap, e->taken[i]) = e->taken[i];
	free(e->taken);
	e->taken = tab;
	e->captaken = cap;
}

static bool is_taken(const struct expo *e, const char *name)
{
	return e->captaken && *slot(e->taken, e->captaken, name);
}

static void take(struct expo *e, const char *name)
{
	if ((e->ntaken + 1) * 2 > e->captaken)
		grow_taken(e);
	*slot(e->taken, e->captaken, name) = xstrdup(name);
	e->ntaken++;
}

/* The names a family uses besides its own: samples and text-format names. */
static const char *const *family_suffixes(enum expo_type t)
{
	static const char *const counter[] = {"_total", "_created", NULL};
	static const char *const histogram[] = {"_bucket", "_count", "_sum", "_created",
						NULL};
	static const char *const info[] = {"_info", NULL};
	static const char *const none[] = {NULL};

	return t == EXPO_COUNTER     ? counter
	       : t == EXPO_HISTOGRAM ? histogram
	       : t == EXPO_INFO	     ? info
				     : none;
}

bool expo_claim(struct expo *e, const char *name, enum expo_type t)
{
	const char *const *suf = family_suffixes(t);
	char full[320];

	if (is_taken(e, name))
		return false;
	for (size_t i = 0; suf[i]; i++) {
		snprintf(full, sizeof(full), "%s%s", name, suf[i]);
		if (is_taken(e, full))
			return false;
	}
	take(e, name);
	for (size_t i = 0; suf[i]; i++) {
		snprintf(full, sizeof(full), "%s%s", name, suf[i]);
		take(e, full);
	}
	return true;
}

/* ---- headers and samples ---- */

/* HELP text: UTF-8 (U+FFFD for a bad byte), '\\' and newline escaped, and
 * '"' too in OpenMetrics. */
static void put_help_text(struct expo *e, const char *help)
{
	const unsigned char *p = (const unsigned char *)help;

	while (*p) {
		size_t n = utf8_len(p);

		if (!n)
			puts_(e, REPLACEMENT);
		else if (*p == '\\')
			puts_(e, "\\\\");
		else if (*p == '\n')
			puts_(e, "\\n");
		else if (*p == '"' && e->om)
			puts_(e, "\\\"");
		else
			put(e, (const char *)p, n);
		p += n ? n : 1;
	}
}

static const char *type_word(const struct expo *e, enum expo_type t)
{
	switch (t) {
	case EXPO_COUNTER:
		return "counter";
	case EXPO_HISTOGRAM:
		return "histogram";
	case EXPO_STATESET:
		return e->om ? "stateset" : "gauge";
	case EXPO_INFO:
		return e->om ? "info" : "gauge";
	case EXPO_GAUGE:
		break;
	}
	return "gauge";
}

bool expo_family(struct expo *e, const char *name, enum expo_type t, const char *unit,
		 const char *help)
{
	const char *total = e->om		? ""
			    : t == EXPO_COUNTER ? "_total"
			    : t == EXPO_INFO	? "_info"
						: "";
	size_t nl = strlen(name), ul = strlen(unit);

	/* OpenMetrics: a family with a unit ends in it */
	assert(!ul || (nl > ul + 1 && name[nl - ul - 1] == '_' &&
		       !strcmp(name + nl - ul, unit)));
	assert(nl < sizeof(e->family));
	if (!expo_claim(e, name, t))
		return false;
	snprintf(e->family, sizeof(e->family), "%s", name);
	e->type = t;
	puts_(e, "# HELP ");
	puts_(e, name);
	puts_(e, total);
	put(e, " ", 1);
	put_help_text(e, help);
	puts_(e, "\n# TYPE ");
	puts_(e, name);
	puts_(e, total);
	put(e, " ", 1);
	puts_(e, type_word(e, t));
	put(e, "\n", 1);
	if (e->om && ul) {
		puts_(e, "# UNIT ");
		puts_(e, name);
		put(e, " ", 1);
		puts_(e, unit);
		put(e, "\n", 1);
	}
	return true;
}

static void put_label_value(struct expo *e, const char *v)
{
	const unsigned char *p = (const unsigned char *)v;

	while (*p) {
		size_t run = 0, n;

		/* plain ASCII goes in runs, the rest a character at a time */
		while (p[run] >= 0x20 && p[run] < 0x80 && p[run] != '\\' && p[run] != '"')
			run++;
		if (run) {
			put(e, (const char *)p, run);
			p += run;
			continue;
		}
		n = utf8_len(p);
		if (!n) {
			puts_(e, REPLACEMENT);
			n = 1;
		} else if (*p == '\\') {
			puts_(e, "\\\\");
		} else if (*p == '"') {
			puts_(e, "\\\"");
		} else if (*p == '\n') {
			puts_(e, "\\n");
		} else {
			put(e, (const char *)p, n);
		}
		p += n;
	}
}

/* What "%.0f" would write for an integer below 2^53, without printf. */
static void format_integer(int64_t i, char *out, size_t cap)
{
	char digits[24];
	size_t n = 0, k = 0;
	uint64_t u = i < 0 ? (uint64_t)-i : (uint64_t)i;

	do
		digits[n++] = (char)('0' + u % 10);
	while ((u /= 10));
	if (i < 0 && k + 1 < cap)
		out[k++] = '-';
	while (n && k + 1 < cap)
		out[k++] = digits[--n];
	out[k] = '\0';
}

void expo_format_value(double v, char *out, size_t cap)
{
	if (isnan(v))
		snprintf(out, cap, "NaN");
	else if (isinf(v))
		snprintf(out, cap, "%s", v > 0 ? "+Inf" : "-Inf");
	else if (v == floor(v) && fabs(v) < 9007199254740992.0)
		format_integer((int64_t)v, out, cap);
	else {
		snprintf(out, cap, "%.15g", v);
		if (strtod(out, NULL) != v)
			snprintf(out, cap, "%.17g", v);
	}
}

static void put_labels(struct expo *e, const struct expo_label *labels, size_t n,
		       const char *xname, const char *xvalue)
{
	bool any = false;

	for (size_t i = 0; i < n + (xname != NULL); i++) {
		const char *ln = i < n ? labels[i].name : xname;
		const char *lv = i < n ? labels[i].value : xvalue;

		puts_(e, any ? "," : "{");
		puts_(e, ln);
		puts_(e, "=\"");
		put_label_value(e, lv);
		put(e, "\"", 1);
		any = true;
	}
	if (any)
		put(e, "}", 1);
}

static void sample_x(struct expo *e, const char *suffix, const struct expo_label *labels,
		     size_t n, const char *xname, const char *xvalue, double value)
{
	char num[40];

	puts_(e, e->family);
	puts_(e, suffix);
	put_labels(e, labels, n, xname, xvalue);
	expo_format_value(value, num, sizeof(num));
	put(e, " ", 1);
	puts_(e, num);
	put(e, "\n", 1);
}

void expo_sample(struct expo *e, const char *suffix, const struct expo_label *labels,
		 size_t n, double value)
{
	if (e->type == EXPO_COUNTER && !*suffix)
		suffix = "_total";
	else if (e->type == EXPO_INFO && !*suffix)
		suffix = "_info";
	sample_x(e, suffix, labels, n, NULL, NULL, value);
}

void expo_histogram(struct expo *e, const struct expo_label *labels, size_t n,
		    const double *bounds, const uint64_t *le, size_t nb, uint64_t count,
		    double sum)
{
	char num[40];

	assert(e->type == EXPO_HISTOGRAM);
	for (size_t i = 0; i < nb; i++) {
		expo_format_value(bounds[i], num, sizeof(num));
		sample_x(e, "_bucket", labels, n, "le", num, (double)le[i]);
	}
	sample_x(e, "_bucket", labels, n, "le", "+Inf", (double)count);
	sample_x(e, "_count", labels, n, NULL, NULL, (double)count);
	sample_x(e, "_sum", labels, n, NULL, NULL, sum);
}

void expo_stateset(struct expo *e, const struct expo_label *labels, size_t n,
		   const char *const *states, size_t nstates, size_t current)
{
	assert(e->type == EXPO_STATESET);
	for (size_t i = 0; i < nstates; i++)
		sample_x(e, "", labels, n, e->family, states[i], i == current ? 1 : 0);
}

/* ---- names ---- */

static bool name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

size_t expo_sanitize_name(const char *in, char *out, size_t cap)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t len = 0;

	assert(cap >= 2);
	if (*p >= '0' && *p <= '9')
		out[len++] = '_';
	while (*p && len + 1 < cap) {
		size_t n = utf8_len(p);

		out[len++] = name_char(*p) ? (char)*p : '_';
		p += n ? n : 1;
	}
	if (!len)
		out[len++] = '_';
	out[len] = '\0';
	return len;
}

size_t expo_sanitize_label(const char *in, char *out, size_t cap)
{
	size_t len = expo_sanitize_name(in, out, cap);
	char name[256];

	if (strncmp(out, "__", 2) && strcmp(out, "le") && strcmp(out, "quantile"))
		return len;
	/* ASCII by now: cutting the end cuts no character */
	snprintf(name, sizeof(name), "%s", out);
	snprintf(out, cap, "tag_%s", name);
	return strlen(out);
}
