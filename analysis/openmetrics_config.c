/* SPDX-License-Identifier: MIT */
/*
 * openmetrics_config: the metrics config file (--metrics-config; the format
 * is in openmetrics.h). Line-oriented like alerts.conf: one setting a line,
 * words split on blanks, '#' starts a comment. A cmdline regex is the rest
 * of the line, as written, and is compiled here once to refuse a bad one
 * with its line number.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/openmetrics-internal.h"
#include "core/xalloc.h"

/* Prometheus' default histogram buckets, in seconds */
static const double default_buckets[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
					 0.5,	1,    2.5,   5,	   10};

void om_config_defaults(struct metrics_config *c)
{
	memset(c, 0, sizeof(*c));
	c->top = 10;
	c->nbuckets = sizeof(default_buckets) / sizeof(default_buckets[0]);
	memcpy(c->buckets, default_buckets, sizeof(default_buckets));
	snprintf(c->prefix, sizeof(c->prefix), "statsd_");
}

static char **copy_strings(char *const *src, size_t n)
{
	char **dst = n ? xcalloc(n, sizeof(*dst)) : NULL;

	for (size_t i = 0; i < n; i++)
		dst[i] = xstrdup(src[i]);
	return dst;
}

void om_config_copy(struct metrics_config *dst, const struct metrics_config *src)
{
	*dst = *src;
	dst->groups = src->ngroups ? xcalloc(src->ngroups, sizeof(*dst->groups)) : NULL;
	for (size_t i = 0; i < src->ngroups; i++) {
		const struct om_group_cfg *g = &src->groups[i];

		dst->groups[i] = *g;
		dst->groups[i].comms = copy_strings(g->comms, g->ncomms);
		dst->groups[i].regexes = copy_strings(g->regexes, g->nregexes);
	}
}

void om_config_release(struct metrics_config *c)
{
	for (size_t i = 0; i < c->ngroups; i++) {
		struct om_group_cfg *g = &c->groups[i];

		for (size_t j = 0; j < g->ncomms; j++)
			free(g->comms[j]);
		for (size_t j = 0; j < g->nregexes; j++)
			free(g->regexes[j]);
		free(g->comms);
		free(g->regexes);
	}
	free(c->groups);
	c->groups = NULL;
	c->ngroups = 0;
}

void metrics_config_free(struct metrics_config *c)
{
	if (!c)
		return;
	om_config_release(c);
	free(c);
}

/* The next blank-separated word of *p, NUL-terminated in place; NULL at the end. */
static char *word(char **p)
{
	char *s = *p + strspn(*p, " \t"), *w = s;

	if (!*s)
		return NULL;
	s += strcspn(s, " \t");
	if (*s)
		*s++ = '\0';
	*p = s;
	return w;
}

static struct om_group_cfg *group_find(struct metrics_config *c, const char *name)
{
	for (size_t i = 0; i < c->ngroups; i++)
		if (!strcmp(c->groups[i].name, name))
			return &c->groups[i];
	return NULL;
}

static struct om_group_cfg *group_named(struct metrics_config *c, const char *name)
{
	struct om_group_cfg *g = group_find(c, name);

	if (g)
		return g;
	c->groups = xrealloc(c->groups, (c->ngroups + 1) * sizeof(*c->groups));
	memset(&c->groups[c->ngroups], 0, sizeof(*c->groups));
	snprintf(c->groups[c->ngroups].name, OM_GROUP_NAME_MAX, "%s", name);
	return &c->groups[c->ngroups++];
}

static void push(char ***v, size_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = xstrdup(s);
}

/* "group NAME comm C..." or "group NAME cmdline REGEX"; NULL or what is wrong. */
static const char *parse_group(struct metrics_config *c, char *rest, char *why,
			       size_t whylen)
{
	char *name = word(&rest), *how = word(&rest), *w;
	struct om_group_cfg *g;
	regex_t re;
	int rc;

	if (!name || !how)
		return "expected 'group NAME comm COMM...' or 'group NAME cmdline REGEX'";
	if (strlen(name) >= OM_GROUP_NAME_MAX)
		return "group name too long";
	if (strcmp(how, "comm") && strcmp(how, "cmdline"))
		return "expected 'comm' or 'cmdline' after the group name";
	rest += strspn(rest, " \t");
	if (!*rest)
		return "expected a comm or a regex";
	if (!group_find(c, name) && c->ngroups >= METRICS_GROUPS_MAX)
		return "too many groups (64 at most)";
	if (!strcmp(how, "cmdline")) {
		rc = regcomp(&re, rest, REG_EXTENDED | REG_NOSUB);
		if (rc) {
			char msg[128];

			regerror(rc, &re, msg, sizeof(msg));
			snprintf(why, whylen, "bad regex '%s': %s", rest, msg);
			return why;
		}
		regfree(&re);
	}
	g = group_named(c, name);
	if (!strcmp(how, "cmdline"))
		push(&g->regexes, &g->nregexes, rest);
	else
		while ((w = word(&rest)))
			push(&g->comms, &g->ncomms, w);
	return NULL;
}

static const char *parse_buckets(struct metrics_config *c, char *rest)
{
	char *w, *end;

	c->nbuckets = 0;
	while ((w = word(&rest))) {
		double b;

		if (c->nbuckets >= METRICS_BUCKETS_MAX)
			return "too many buckets (32 at most)";
		errno = 0;
		b = strtod(w, &end);
		if (*end || errno || !isfinite(b) || b <= 0)
			return "expected bucket bounds in seconds, each > 0";
		if (c->nbuckets && b <= c->buckets[c->nbuckets - 1])
			return "bucket bounds must ascend";
		c->buckets[c->nbuckets++] = b;
	}
	return c->nbuckets ? NULL : "expected at least one bucket bound";
}

static const char *parse_line(struct metrics_config *c, char *line, char *why,
			      size_t whylen)
{
	char *key = word(&line), *w;
	long n;

	if (!key)
		return NULL;
	if (!strcmp(key, "group"))
		return parse_group(c, line, why, whylen);
	if (!strcmp(key, "statsd-buckets"))
		return parse_buckets(c, line);
	if (!strcmp(key, "top")) {
		char *end;

		w = word(&line);
		n = w ? strtol(w, &end, 10) : -1;
		if (!w || *end || n < 0 || n > METRICS_TOP_MAX || word(&line))
			return "expected 'top N' with N from 0 to 100";
		c->top = (int)n;
		return NULL;
	}
	if (!strcmp(key, "statsd-prefix")) {
		char clean[sizeof(c->prefix)];

		w = word(&line);
		if (!w || word(&line))
			return "expected 'statsd-prefix PREFIX' (or 'none')";
		if (!strcmp(w, "none")) {
			c->prefix[0] = '\0';
			return NULL;
		}
		if (strlen(w) >= sizeof(c->prefix) ||
		    expo_sanitize_name(w, clean, sizeof(clean)) != strlen(w) ||
		    strcmp(clean, w))
			return "the prefix must be a metric name "
			       "([a-zA-Z_][a-zA-Z0-9_]*)";
		snprintf(c->prefix, sizeof(c->prefix), "%s", w);
		return NULL;
	}
	snprintf(why, whylen, "unknown setting '%s'", key);
	return why;
}

int metrics_config_parse(const char *text, const char *name, struct metrics_config **out,
			 char *err, size_t errlen)
{
	struct metrics_config *c = xcalloc(1, sizeof(*c));
	char *copy = xstrdup(text), *line = copy, *next, why[256];
	int lineno = 0;

	om_config_defaults(c);
	*out = NULL;
	for (; line; line = next) {
		const char *bad;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		line[strcspn(line, "#\r")] = '\0';
		bad = parse_line(c, line, why, sizeof(why));
		if (bad) {
			snprintf(err, errlen, "%s:%d: %s", name, lineno, bad);
			free(copy);
			metrics_config_free(c);
			return -1;
		}
	}
	free(copy);
	*out = c;
	return 0;
}

int metrics_config_load(const char *path, struct metrics_config **out, char *err,
			size_t errlen)
{
	FILE *fp = fopen(path, "re");
	char *text = NULL;
	size_t len = 0, cap = 0, got;
	int rc;

	*out = NULL;
	if (!fp) {
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	do {
		text = xgrow(text, &cap, len + 4096 + 1, 1);
		got = fread(text + len, 1, 4096, fp);
		len += got;
	} while (got && len < (1u << 20));
	if (ferror(fp) || len >= (1u << 20)) {
		snprintf(err, errlen, "cannot read '%s': %s", path,
			 ferror(fp) ? strerror(errno) : "larger than 1 MiB");
		fclose(fp);
		free(text);
		return -1;
	}
	fclose(fp);
	text[len] = '\0';
	rc = metrics_config_parse(text, path, out, err, errlen);
	free(text);
	return rc;
}
