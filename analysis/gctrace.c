/* SPDX-License-Identifier: MIT */
/*
 * gctrace: Node.js and Go GC trace lines into events; see gctrace.h. The
 * parsers walk a bounded copy of the line with strtod, so a line cut short
 * or garbled anywhere fails cleanly (-1) instead of reading past its end.
 */
#include "analysis/gctrace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIB (1024.0 * 1024.0)

/* Skips the literal lit at *p; false (and *p untouched) when absent. */
static bool skip(const char **p, const char *lit)
{
	size_t n = strlen(lit);

	while (**p == ' ')
		(*p)++;
	if (strncmp(*p, lit, n) != 0)
		return false;
	*p += n;
	return true;
}

/* A number at *p (after spaces); false when there is none. */
static bool number(const char **p, double *out)
{
	char *end;

	while (**p == ' ')
		(*p)++;
	if (!((**p >= '0' && **p <= '9') || **p == '.'))
		return false;
	*out = strtod(*p, &end);
	if (end == *p)
		return false;
	*p = end;
	return true;
}

/* "B (BC) -> A (AC) MB, P / X ms" after the kind. */
static bool node_figures(const char *p, struct gc_event *ev)
{
	double b, bc, a, ac;

	if (!number(&p, &b) || !skip(&p, "(") || !number(&p, &bc) || !skip(&p, ")") ||
	    !skip(&p, "->") || !number(&p, &a) || !skip(&p, "(") || !number(&p, &ac) ||
	    !skip(&p, ")") || !skip(&p, "MB,") || !number(&p, &ev->pause_ms))
		return false;
	ev->before_bytes = b * MIB;
	ev->after_bytes = a * MIB;
	return true;
}

static int parse_node(const char *p, struct gc_event *ev)
{
	const char *k;
	size_t n = 0;

	p = strchr(p, ']'); /* "[PID:0xADDR]" */
	if (!p)
		return -1;
	p++;
	if (!number(&p, &ev->t_ms) || !skip(&p, "ms:"))
		return -1;
	while (*p == ' ')
		p++;
	k = p;
	/* the kind runs up to the first figure: "Mark-Compact (reduce) 3.9" */
	while (*p && !(p[0] == ' ' && p[1] >= '0' && p[1] <= '9'))
		p++;
	if (!*p || p == k)
		return -1;
	n = (size_t)(p - k);
	if (n >= sizeof(ev->kind))
		n = sizeof(ev->kind) - 1;
	memcpy(ev->kind, k, n);
	ev->kind[n] = '\0';
	if (!node_figures(p, ev))
		return -1;
	ev->runtime = GC_RT_NODE;
	ev->major = strncmp(ev->kind, "Mark-", 5) == 0;
	return 1;
}

static int parse_go(const char *p, struct gc_event *ev)
{
	double seq, t_s, pct, w1, w2, w3, h0, h1, h2;

	p += 3; /* "gc " */
	if (!number(&p, &seq) || !skip(&p, "@") || !number(&p, &t_s) || !skip(&p, "s") ||
	    !number(&p, &pct) || !skip(&p, "%:") || !number(&p, &w1) || !skip(&p, "+") ||
	    !number(&p, &w2) || !skip(&p, "+") || !number(&p, &w3) ||
	    !skip(&p, "ms clock,"))
		return -1;
	p = strstr(p, "cpu,");
	if (!p)
		return -1;
	p += 4;
	if (!number(&p, &h0) || !skip(&p, "->") || !number(&p, &h1) || !skip(&p, "->") ||
	    !number(&p, &h2) || !skip(&p, "MB"))
		return -1;
	snprintf(ev->kind, sizeof(ev->kind), "%s",
		 strstr(p, "(forced)") ? "gc forced" : "gc");
	ev->runtime = GC_RT_GO;
	ev->major = true;
	ev->t_ms = t_s * 1000.0;
	ev->pause_ms = w1 + w3;
	ev->before_bytes = h0 * MIB;
	ev->after_bytes = h2 * MIB;
	return 1;
}

int gctrace_parse(const char *line, size_t len, struct gc_event *ev)
{
	char buf[512];
	const char *p;

	if (len >= sizeof(buf))
		len = sizeof(buf) - 1; /* trace lines are far shorter */
	memcpy(buf, line, len);
	buf[len] = '\0';
	memset(ev, 0, sizeof(*ev));
	p = buf;
	while (*p == ' ')
		p++;
	if (p[0] == '[' && strstr(p, " ms: ") && strstr(p, "MB"))
		return parse_node(p, ev);
	if (strncmp(p, "gc ", 3) == 0 && p[3] >= '0' && p[3] <= '9' &&
	    strstr(p, "ms clock"))
		return parse_go(p, ev);
	return 0;
}

const char *gctrace_runtime_name(enum gc_runtime rt)
{
	return rt == GC_RT_NODE ? "node" : rt == GC_RT_GO ? "go" : "none";
}
