/* SPDX-License-Identifier: MIT */
/*
 * rules: a hand-written scanner over one line at a time. Every function takes
 * the cursor, reads what it expects and either advances or records the one
 * error of the line (with the column where the expected thing was missing) and
 * returns -1; the line is then dropped and parsing goes on with the next.
 *
 * A rule is assembled in a local struct rule and appended to the set only
 * once the whole line made sense, so a set never holds a half-parsed rule.
 */
#include "analysis/rules.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/duration.h"
#include "core/textsafe.h"
#include "core/xalloc.h"

#define GOT_MAX 40 /* characters of the offending token quoted in a message */

struct parser {
	const char *file;
	int line;
	const char *line_start; /* columns are counted from here */
	const char *p, *end;	/* the cursor; end is where the comment began */
	const char *op_at;	/* where the operator was, for word rules */
	rule_metric_fn metric_fn;
	char *err;		/* owned; the line's message once something failed */
	const char *of_max_end; /* after "VALUE of max", where it ends */
};

struct unit_name {
	const char *name;
	enum rule_unit unit;
	double scale; /* to the unit's base: bytes, ms, percent */
};

static const struct unit_name unit_names[] = {
	{"%", RULE_UNIT_PERCENT, 1},
	{"B", RULE_UNIT_BYTES, 1},
	{"KiB", RULE_UNIT_BYTES, 1024.0},
	{"MiB", RULE_UNIT_BYTES, 1024.0 * 1024},
	{"GiB", RULE_UNIT_BYTES, 1024.0 * 1024 * 1024},
	{"TiB", RULE_UNIT_BYTES, 1024.0 * 1024 * 1024 * 1024},
	{"KB", RULE_UNIT_BYTES, 1e3},
	{"MB", RULE_UNIT_BYTES, 1e6},
	{"GB", RULE_UNIT_BYTES, 1e9},
	{"TB", RULE_UNIT_BYTES, 1e12},
	{"us", RULE_UNIT_MS, 0.001},
	{"\xc2\xb5s", RULE_UNIT_MS, 0.001}, /* U+00B5 micro sign */
	{"\xce\xbcs", RULE_UNIT_MS, 0.001}, /* U+03BC greek mu */
	{"ms", RULE_UNIT_MS, 1},
	{"s", RULE_UNIT_MS, 1000},
	{"m", RULE_UNIT_MS, 60000},
	{"h", RULE_UNIT_MS, 3600000},
};

static const char *const op_names[] = {">", ">=", "<", "<=", "==", "!="};
static const char *const severity_names[] = {"info", "warning", "critical"};
static const char *const action_names[] = {"profile", "exec", "log"};

const char *rule_op_name(enum rule_op op)
{
	return op_names[op];
}

const char *rule_severity_name(enum rule_severity s)
{
	return severity_names[s];
}

const char *rule_action_kind_name(enum rule_action_kind k)
{
	return action_names[k];
}

bool rule_compare(enum rule_op op, double v, double threshold)
{
	if (isnan(v))
		return false;
	switch (op) {
	case RULE_GT:
		return v > threshold;
	case RULE_GE:
		return v >= threshold;
	case RULE_LT:
		return v < threshold;
	case RULE_LE:
		return v <= threshold;
	case RULE_EQ:
		return v == threshold;
	case RULE_NE:
		return v != threshold;
	}
	return false;
}

/* "%.1f" without a trailing ".0". */
static void format_short(double v, const char *suffix, char *buf, size_t len)
{
	double r = round(v * 10) / 10;

	if (r == floor(r) && fabs(r) < 1e15)
		snprintf(buf, len, "%.0f%s", r, suffix);
	else
		snprintf(buf, len, "%.1f%s", r, suffix);
}

const char *rule_format_value(enum rule_unit unit, double v, char *buf, size_t len)
{
	static const char *const bytes[] = {" B", " KiB", " MiB", " GiB", " TiB", " PiB"};
	int u = 0;

	if (isnan(v)) {
		snprintf(buf, len, "?");
		return buf;
	}
	switch (unit) {
	case RULE_UNIT_PERCENT:
		format_short(v, "%", buf, len);
		break;
	case RULE_UNIT_BYTES:
		while (fabs(v) >= 1024 && u < 5) {
			v /= 1024;
			u++;
		}
		format_short(v, bytes[u], buf, len);
		break;
	case RULE_UNIT_MS:
		if (fabs(v) < 1)
			format_short(v * 1000, "us", buf, len);
		else if (fabs(v) < 1000)
			format_short(v, "ms", buf, len);
		else if (fabs(v) < 60000)
			format_short(v / 1000, "s", buf, len);
		else if (fabs(v) < 3600000)
			format_short(v / 60000, "m", buf, len);
		else
			format_short(v / 3600000, "h", buf, len);
		break;
	case RULE_UNIT_NUMBER:
	case RULE_UNIT_WORD:
	default:
		if (v == floor(v) && fabs(v) < 1e15)
			snprintf(buf, len, "%.0f", v);
		else
			snprintf(buf, len, "%.3g", v);
		break;
	}
	return buf;
}

void rule_set_init(struct rule_set *set)
{
	memset(set, 0, sizeof(*set));
}

void rule_release(struct rule *r)
{
	free(r->text);
	free(r->name);
	free(r->metric);
	free(r->word);
	for (size_t i = 0; i < r->nactions; i++) {
		struct rule_action *a = &r->actions[i];

		free(a->path);
		if (a->argv)
			for (char **arg = a->argv; *arg; arg++)
				free(*arg);
		free(a->argv);
	}
	free(r->actions);
	memset(r, 0, sizeof(*r));
}

void rule_set_release(struct rule_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		rule_release(&set->rules[i]);
	free(set->rules);
	for (size_t i = 0; i < set->nerrors; i++)
		free(set->errors[i]);
	free(set->errors);
	rule_set_init(set);
}

const char *rule_set_summary(const struct rule_set *set, char *buf, size_t len)
{
	int off = snprintf(buf, len, "%zu rule%s loaded", set->n, set->n == 1 ? "" : "s");

	if (set->nerrors && off >= 0 && (size_t)off < len)
		snprintf(buf + off, len - (size_t)off, ", %zu rejected", set->nerrors);
	return buf;
}

/* ---- the cursor ---- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static void skip_blanks(struct parser *ps)
{
	while (ps->p < ps->end && is_blank(*ps->p))
		ps->p++;
}

static const char *token_end(const struct parser *ps, const char *at)
{
	while (at < ps->end && !is_blank(*at))
		at++;
	return at;
}

/* 1-based column of at, in characters (UTF-8 continuation bytes do not count). */
static int column(const struct parser *ps, const char *at)
{
	int col = 1;

	for (const char *c = ps->line_start; c < at; c++)
		if (((unsigned char)*c & 0xc0) != 0x80)
			col++;
	return col;
}

/*
 * Records "file:line:col: expected <expected>, got '<token at at>'" and an
 * optional " (<detail>)". Only the first error of a line is kept.
 */
static int fail(struct parser *ps, const char *at, const char *detail,
		const char *expected)
{
	char got[GOT_MAX + 8], *msg;

	if (ps->err)
		return -1;
	if (at >= ps->end) {
		snprintf(got, sizeof(got), "end of line");
	} else {
		size_t n = (size_t)(token_end(ps, at) - at);

		if (n == 0)
			n = 1;
		if (n > GOT_MAX)
			snprintf(got, sizeof(got), "'%.*s...'", GOT_MAX, at);
		else
			snprintf(got, sizeof(got), "'%.*s'", (int)n, at);
	}
	msg = xasprintf("%s:%d:%d: expected %s, got %s%s%s%s", ps->file, ps->line,
			column(ps, at), expected, got, detail ? " (" : "",
			detail ? detail : "", detail ? ")" : "");
	/* it quotes the user's bytes (the token, a duration's complaint about
	 * them) and goes to stderr and the status line: escaped, and a
	 * multi-byte character cut at GOT_MAX becomes \xHH too */
	ps->err = text_escape_dup(msg);
	free(msg);
	return -1;
}

/* ---- values ---- */

static const struct unit_name *unit_find(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(unit_names) / sizeof(unit_names[0]); i++)
		if (strlen(unit_names[i].name) == n && !memcmp(unit_names[i].name, s, n))
			return &unit_names[i];
	return NULL;
}

static const char *unit_expectation(enum rule_unit unit)
{
	switch (unit) {
	case RULE_UNIT_PERCENT:
		return "a percentage such as 90%";
	case RULE_UNIT_BYTES:
		return "a size such as 512MiB or 2GB (B, KiB..TiB, KB..TB)";
	case RULE_UNIT_MS:
		return "a time such as 250ms (us, ms, s, m, h)";
	case RULE_UNIT_WORD:
		return "a word such as leak-suspect";
	case RULE_UNIT_NUMBER:
	default:
		return "a plain number";
	}
}

/*
 * Reads a number with an optional unit at the cursor. *unit is the metric's
 * unit; when unit_known is false (no metric validator) a unit suffix decides
 * it. The result is in the unit's base.
 */
static int parse_number(struct parser *ps, enum rule_unit *unit, bool unit_known,
			double *out)
{
	const char *at = ps->p, *q = ps->p, *tend;
	const struct unit_name *un = NULL;
	char num[64];
	double v;

	if (q < ps->end && (*q == '+' || *q == '-'))
		q++;
	if (q >= ps->end || !isdigit((unsigned char)*q))
		return fail(ps, at, NULL,
			    unit_known ? unit_expectation(*unit) : "a number or a word");
	while (q < ps->end && isdigit((unsigned char)*q))
		q++;
	if (q < ps->end && *q == '.') {
		q++;
		if (q >= ps->end || !isdigit((unsigned char)*q))
			return fail(ps, at, NULL, "digits after '.'");
		while (q < ps->end && isdigit((unsigned char)*q))
			q++;
	}
	if ((size_t)(q - at) >= sizeof(num))
		return fail(ps, at, NULL, "a shorter number");
	memcpy(num, at, (size_t)(q - at));
	num[q - at] = '\0';
	v = strtod(num, NULL);

	tend = token_end(ps, q);
	if (tend > q) {
		un = unit_find(q, (size_t)(tend - q));
		if (!un)
			return fail(ps, q, NULL,
				    unit_known
					    ? unit_expectation(*unit)
					    : "a unit (%, B, KiB..TiB, KB..TB, us..h)");
	} else {
		/* "2 GiB": a unit may follow after blanks */
		const char *w = q, *wend;

		while (w < ps->end && is_blank(*w))
			w++;
		wend = token_end(ps, w);
		if (wend > w && (un = unit_find(w, (size_t)(wend - w))))
			tend = wend;
	}
	if (un) {
		if (unit_known && un->unit != *unit)
			return fail(ps, at, NULL, unit_expectation(*unit));
		*unit = un->unit;
		v *= un->scale;
	}
	if (!isfinite(v))
		return fail(ps, at, NULL, "a finite number");
	*out = v;
	ps->p = tend;
	return 0;
}

/*
 * Reads an option's value: a double-quoted string (with \" and \\) or the run
 * up to the next blank. Returns a string the caller owns, or NULL after an
 * error.
 */
static char *read_text(struct parser *ps)
{
	const char *at = ps->p;
	char *out, *o;

	if (at < ps->end && *at == '"') {
		const char *q = at + 1;

		out = o = xmalloc((size_t)(ps->end - at) + 1);
		while (q < ps->end && *q != '"') {
			if (*q == '\\' && q + 1 < ps->end &&
			    (q[1] == '"' || q[1] == '\\'))
				q++;
			*o++ = *q++;
		}
		if (q >= ps->end) {
			free(out);
			fail(ps, q, NULL, "a closing '\"'");
			return NULL;
		}
		*o = '\0';
		ps->p = q + 1;
		if (ps->p < ps->end && !is_blank(*ps->p)) {
			free(out);
			fail(ps, ps->p, NULL, "a blank after the closing quote");
			return NULL;
		}
		return out;
	}
	ps->p = token_end(ps, at);
	out = xmalloc((size_t)(ps->p - at) + 1);
	memcpy(out, at, (size_t)(ps->p - at));
	out[ps->p - at] = '\0';
	return out;
}

static int parse_duration_text(struct parser *ps, const char *at, const char *s,
			       int64_t *ms)
{
	char why[128];

	if (duration_parse(s, ms, why, sizeof(why)))
		return fail(ps, at, why, "a duration such as 30s, 5m or 1h");
	return 0;
}

/* ---- the parts of a rule ---- */

static int parse_metric(struct parser *ps, struct rule *r, bool *unit_known)
{
	const char *at = ps->p;

	while (ps->p < ps->end && !is_blank(*ps->p) && !strchr("<>=!\"", *ps->p))
		ps->p++;
	if (ps->p == at)
		return fail(ps, at, NULL, "a metric name such as cpu.total");
	r->metric = xmalloc((size_t)(ps->p - at) + 1);
	memcpy(r->metric, at, (size_t)(ps->p - at));
	r->metric[ps->p - at] = '\0';
	r->unit = RULE_UNIT_NUMBER;
	*unit_known = false;
	if (ps->metric_fn) {
		if (!ps->metric_fn(r->metric, &r->unit))
			return fail(ps, at, "unknown metric",
				    "a metric name such as cpu.total, mem.available, "
				    "target.rss");
		*unit_known = true;
	}
	return 0;
}

static int parse_op(struct parser *ps, struct rule *r)
{
	static const char *const expected = "an operator (> >= < <= == !=)";
	const char *at = ps->p;
	char c0 = at < ps->end ? at[0] : '\0';
	char c1 = at + 1 < ps->end ? at[1] : '\0';

	ps->op_at = at;
	if (c0 == '>' || c0 == '<') {
		bool eq = c1 == '=';

		r->op = c0 == '>' ? (eq ? RULE_GE : RULE_GT) : (eq ? RULE_LE : RULE_LT);
		ps->p += eq ? 2 : 1;
	} else if ((c0 == '=' || c0 == '!') && c1 == '=') {
		r->op = c0 == '=' ? RULE_EQ : RULE_NE;
		ps->p += 2;
	} else {
		return fail(ps, at, NULL, expected);
	}
	if (ps->p < ps->end && strchr("<>=!", *ps->p))
		return fail(ps, at, NULL, expected);
	return 0;
}

static bool is_word_start(char c)
{
	return isalpha((unsigned char)c);
}

static bool is_word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.';
}

static int parse_threshold(struct parser *ps, struct rule *r, bool unit_known)
{
	const char *at = ps->p;

	if (at < ps->end && is_word_start(*at) &&
	    (!unit_known || r->unit == RULE_UNIT_WORD)) {
		const char *q = at;

		while (q < ps->end && is_word_char(*q))
			q++;
		if (q < ps->end && !is_blank(*q))
			return fail(ps, at, NULL,
				    "a word of letters, digits, '_', '-', '.'");
		if (r->op != RULE_EQ && r->op != RULE_NE)
			return fail(ps, ps->op_at, "a word compares with == or != only",
				    "== or != before a word");
		r->unit = RULE_UNIT_WORD;
		r->word = xmalloc((size_t)(q - at) + 1);
		memcpy(r->word, at, (size_t)(q - at));
		r->word[q - at] = '\0';
		ps->p = q;
		return 0;
	}
	if (unit_known && r->unit == RULE_UNIT_WORD)
		return fail(ps, at, NULL, unit_expectation(RULE_UNIT_WORD));
	if (parse_number(ps, &r->unit, unit_known, &r->threshold))
		return -1;
	r->clear = r->threshold;
	return 0;
}

static int parse_action(struct parser *ps, struct rule *r, const char *at, const char *s)
{
	struct rule_action a = {0};
	const char *colon = strchr(s, ':');
	const char *arg = colon ? colon + 1 : "";
	size_t klen = colon ? (size_t)(colon - s) : strlen(s);
	size_t k;

	for (k = 0; k < 3; k++)
		if (strlen(action_names[k]) == klen && !strncmp(action_names[k], s, klen))
			break;
	if (k == 3 || !colon)
		return fail(
			ps, at, NULL,
			"an action profile:DURATION, exec:/PATH[,ARG...] or log:FILE");
	a.kind = (enum rule_action_kind)k;
	switch (a.kind) {
	case RULE_ACTION_PROFILE:
		if (parse_duration_text(ps, at, arg, &a.duration_ms))
			return -1;
		break;
	case RULE_ACTION_EXEC: {
		size_t n = 1, i = 0;
		const char *c;
		char *copy, *save = NULL, *part;

		if (arg[0] != '/')
			return fail(ps, at, "no shell, no PATH search",
				    "an absolute program path after exec:");
		for (c = arg; *c; c++) {
			if (*c == ',') {
				if (c[1] == ',' || c[1] == '\0')
					return fail(ps, at, NULL,
						    "an argument after each ','");
				n++;
			}
		}
		a.argv = xcalloc(n + 1, sizeof(*a.argv));
		copy = xstrdup(arg);
		for (part = strtok_r(copy, ",", &save); part;
		     part = strtok_r(NULL, ",", &save))
			a.argv[i++] = xstrdup(part);
		free(copy);
		a.path = xstrdup(a.argv[0]);
		break;
	}
	case RULE_ACTION_LOG:
		if (!*arg)
			return fail(ps, at, NULL, "a file name after log:");
		a.path = xstrdup(arg);
		break;
	}
	r->actions = xrealloc(r->actions, (r->nactions + 1) * sizeof(*r->actions));
	r->actions[r->nactions++] = a;
	return 0;
}

enum seen {
	SEEN_FOR = 1,
	SEEN_NAME = 2,
	SEEN_CLEAR = 4,
	SEEN_SEVERITY = 8,
	SEEN_COOL = 16
};

static int once(struct parser *ps, const char *at, unsigned *seen, unsigned bit,
		const char *expected)
{
	if (*seen & bit)
		return fail(ps, at, "given twice", expected);
	*seen |= bit;
	return 0;
}

static int parse_options(struct parser *ps, struct rule *r)
{
	static const char *const expected =
		"'for' or an option (name= clear= severity= cooldown= action=)";
	const char *clear_at = NULL;
	unsigned seen = 0;

	for (;;) {
		const char *at, *key;
		size_t klen;
		char *val;
		int rc = 0;

		skip_blanks(ps);
		if (ps->p >= ps->end)
			break;
		at = key = ps->p;
		while (ps->p < ps->end &&
		       (islower((unsigned char)*ps->p) || *ps->p == '_'))
			ps->p++;
		klen = (size_t)(ps->p - key);
		if (klen == 3 && !strncmp(key, "for", 3) &&
		    (ps->p >= ps->end || is_blank(*ps->p))) {
			if (once(ps, at, &seen, SEEN_FOR, "one 'for'"))
				return -1;
			skip_blanks(ps);
			at = ps->p;
			if (at >= ps->end)
				return fail(ps, at, NULL,
					    "a duration such as 30s after 'for'");
			val = read_text(ps);
			rc = val ? parse_duration_text(ps, at, val, &r->for_ms) : -1;
			free(val);
			if (rc)
				return -1;
			continue;
		}
		if (ps->p >= ps->end || *ps->p != '=' || klen == 0)
			return fail(ps, at, NULL, expected);
		ps->p++;
		at = ps->p;
#define KEY(s) (klen == sizeof(s) - 1 && !strncmp(key, s, klen))
		if (KEY("clear")) {
			if (once(ps, key, &seen, SEEN_CLEAR, "one clear="))
				return -1;
			if (r->unit == RULE_UNIT_WORD)
				return fail(ps, key,
					    "a word rule resolves when it stops matching",
					    expected);
			clear_at = at;
			if (parse_number(ps, &r->unit, true, &r->clear))
				return -1;
			continue;
		}
		val = read_text(ps);
		if (!val)
			return -1;
		if (KEY("name")) {
			rc = once(ps, key, &seen, SEEN_NAME, "one name=");
			if (!rc && !*val)
				rc = fail(ps, at, NULL, "a name after name=");
			if (!rc) {
				free(r->name);
				r->name = val;
				val = NULL;
			}
		} else if (KEY("severity")) {
			rc = once(ps, key, &seen, SEEN_SEVERITY, "one severity=");
			if (!rc) {
				size_t s;

				for (s = 0; s < 3 && strcmp(val, severity_names[s]); s++)
					;
				if (s == 3)
					rc = fail(ps, at, NULL,
						  "info, warning or critical");
				else
					r->severity = (enum rule_severity)s;
			}
		} else if (KEY("cooldown")) {
			rc = once(ps, key, &seen, SEEN_COOL, "one cooldown=");
			if (!rc)
				rc = parse_duration_text(ps, at, val, &r->cooldown_ms);
		} else if (KEY("for")) {
			rc = once(ps, key, &seen, SEEN_FOR, "one 'for'");
			if (!rc)
				rc = parse_duration_text(ps, at, val, &r->for_ms);
		} else if (KEY("action")) {
			rc = parse_action(ps, r, at, val);
		} else {
			rc = fail(ps, key, NULL, expected);
		}
#undef KEY
		free(val);
		if (rc)
			return -1;
	}

	if (clear_at) {
		if (r->op == RULE_EQ || r->op == RULE_NE)
			return fail(ps, clear_at, "clear= needs > >= < or <=",
				    "no clear= with == or !=");
		if ((r->op == RULE_GT || r->op == RULE_GE) && r->clear > r->threshold)
			return fail(ps, clear_at, "a > rule resolves below its threshold",
				    "a clear value at or below the threshold");
		if ((r->op == RULE_LT || r->op == RULE_LE) && r->clear < r->threshold)
			return fail(ps, clear_at, "a < rule resolves above its threshold",
				    "a clear value at or above the threshold");
	}
	return 0;
}

/*
 * "VALUE of max" (cgroup[PATH].memory > 90% of max): the rule is over the
 * metric's share of its limit, metric + ".of_max", which the metric
 * validator must know (analysis/alert_cgroup.h has a cgroup's memory and
 * cpu). Looks ahead without consuming; 1 when it rewrote r->metric, 0 when
 * no "of max" follows, -1 (failed) when the metric has no such share.
 */
static int of_max(struct parser *ps, struct rule *r, bool *unit_known)
{
	const char *q = token_end(ps, ps->p), *at;
	char *name;

	while (q < ps->end && is_blank(*q))
		q++;
	if (q < ps->end && strncmp(q, "of", 2)) { /* a unit after a blank: "80 %" */
		q = token_end(ps, q);
		while (q < ps->end && is_blank(*q))
			q++;
	}
	at = q;
	if (ps->end - q < 6 || strncmp(q, "of", 2) || !is_blank(q[2]))
		return 0;
	q += 2;
	while (q < ps->end && is_blank(*q))
		q++;
	if (ps->end - q < 3 || strncmp(q, "max", 3) ||
	    (q + 3 < ps->end && !is_blank(q[3])))
		return 0;
	name = xasprintf("%s.of_max", r->metric);
	if (ps->metric_fn && !ps->metric_fn(name, &r->unit)) {
		free(name);
		return fail(ps, at, "this metric has no limit to be a share of",
			    "options, or 'of max' after a cgroup's memory or cpu");
	}
	free(r->metric);
	r->metric = name;
	*unit_known = ps->metric_fn != NULL;
	if (!ps->metric_fn)
		r->unit = RULE_UNIT_PERCENT;
	ps->of_max_end = q + 3;
	return 1;
}

/* Parses the content [start, end) of one line into r. */
static int parse_rule(struct parser *ps, struct rule *r)
{
	bool unit_known;

	r->severity = RULE_WARNING;
	skip_blanks(ps);
	if (parse_metric(ps, r, &unit_known))
		return -1;
	skip_blanks(ps);
	if (parse_op(ps, r))
		return -1;
	skip_blanks(ps);
	ps->of_max_end = NULL;
	if (of_max(ps, r, &unit_known) < 0)
		return -1;
	if (parse_threshold(ps, r, unit_known))
		return -1;
	if (ps->of_max_end) /* "of max" read with the value */
		ps->p = ps->of_max_end;
	if (ps->p < ps->end && !is_blank(*ps->p))
		return fail(ps, ps->p, NULL, "a blank after the value");
	return parse_options(ps, r);
}

/* Where the comment of [s, end) starts ('#' outside quotes), or end. */
static const char *comment_start(const char *s, const char *end)
{
	bool quoted = false;

	for (const char *c = s; c < end; c++) {
		if (quoted && *c == '\\' && c + 1 < end)
			c++;
		else if (*c == '"')
			quoted = !quoted;
		else if (*c == '#' && !quoted)
			return c;
	}
	return end;
}

static void push_rule(struct rule_set *set, struct rule *r)
{
	set->rules = xgrow(set->rules, &set->cap, set->n + 1, sizeof(*set->rules));
	set->rules[set->n++] = *r;
}

int rules_parse(struct rule_set *set, const char *text, const char *filename,
		rule_metric_fn metric_fn)
{
	const char *s = text ? text : "";
	int line = 0, rejected = 0;

	while (*s) {
		const char *nl = strchr(s, '\n');
		const char *eol = nl ? nl : s + strlen(s);
		const char *b = s, *e = comment_start(s, eol);
		struct parser ps = {
			.file = filename ? filename : "<rules>",
			.line = ++line,
			.line_start = s,
			.metric_fn = metric_fn,
		};
		struct rule r = {0};

		while (b < e && is_blank(*b))
			b++;
		while (e > b && is_blank(e[-1]))
			e--;
		if (b < e) {
			ps.p = b;
			ps.end = e;
			r.line = line;
			if (parse_rule(&ps, &r) == 0) {
				r.text = xmalloc((size_t)(e - b) + 1);
				memcpy(r.text, b, (size_t)(e - b));
				r.text[e - b] = '\0';
				if (!r.name)
					r.name = xstrdup(r.text);
				push_rule(set, &r);
			} else {
				rule_release(&r);
				set->errors = xrealloc(set->errors,
						       (set->nerrors + 1) *
							       sizeof(*set->errors));
				set->errors[set->nerrors++] = ps.err;
				rejected++;
			}
		}
		s = nl ? nl + 1 : eol;
	}
	return rejected;
}
