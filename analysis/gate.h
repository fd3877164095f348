/* SPDX-License-Identifier: MIT */
/*
 * gate: the conditions of `vigil diff --fail-if`, parsed and judged against
 * the figures of analysis/compare.h. Pure.
 *
 * Grammar (blanks around the parts are ignored):
 *
 *     NAME OP CHANGE
 *     OP     >  >=  <  <=
 *     CHANGE [+|-]NUMBER%    relative change: after / before - 1, in percent
 *            [+|-]NUMBER     absolute change (after - before) in the figure's
 *                            own unit: percentage points for "%", ms for
 *                            latencies, bytes, per second
 *
 * NAME is a figure's name ("latency.api.request.p99", "target.cpu") or a
 * glob over the names (fnmatch: "latency.*.p99", "process.nginx*.cpu").
 * A condition holds for a figure when its change satisfies OP CHANGE and it
 * is significant (compare.h: p below alpha with enough ticks); the size
 * rules that decide what the report lists do not apply, the threshold
 * given replaces them. So 'target.cpu > +20%' holds when target CPU rose by
 * more than a fifth and that rise is not noise.
 */
#ifndef VIGIL_ANALYSIS_GATE_H
#define VIGIL_ANALYSIS_GATE_H

#include <stdbool.h>
#include <stddef.h>

#include "analysis/compare.h"

enum gate_op { GATE_GT, GATE_GE, GATE_LT, GATE_LE };

struct gate {
	char name[256]; /* a name or a glob */
	enum gate_op op;
	double threshold; /* relative: a fraction (0.1 for 10%); else the unit's */
	bool relative;
};

/*
 * Parses text into *out. Returns 0, or -1 with the reason in why ("expected
 * one of > >= < <= after 'x'", "bad number 'abc'") and *out unspecified.
 */
int gate_parse(const char *text, struct gate *out, char *why, size_t whylen);

/* Whether c's name is g's name or matches its glob. */
bool gate_matches(const struct gate *g, const char *name);

/* Whether g's condition holds for c: the change satisfies it and c is
 * significant. */
bool gate_holds(const struct gate *g, const struct cmp_change *c);

/* "<", ">=", ... Static. */
const char *gate_op_text(enum gate_op op);

#endif
