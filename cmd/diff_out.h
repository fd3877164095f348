/* SPDX-License-Identifier: MIT */
/*
 * diff_out: the two writers of `vigil diff`, text for people and JSON for
 * scripts (docs/diff-json.md), over one struct diff_report, so they cannot
 * disagree. The text lists the changed figures only, ranked; the JSON has
 * every figure compared. Names from processes and from StatsD packets are
 * escaped in the text (core/textsafe) and carried exactly in the JSON.
 */
#ifndef VIGIL_CMD_DIFF_OUT_H
#define VIGIL_CMD_DIFF_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "analysis/compare.h"
#include "analysis/gate.h"
#include "cmd/diff_side.h"

/* One --fail-if condition and what it found. */
struct diff_gate {
	const char *text; /* as given; borrowed from argv */
	struct gate gate;
	size_t matched;	    /* figures its name matched */
	bool only_one_side; /* it matched none, but a figure only one side has */
	char **held;	    /* owned: names of the figures it holds for */
	size_t nheld;
};

/* Figures that only one side has (a timer that appeared, a process gone). */
struct diff_only {
	char **names; /* owned */
	size_t n;
};

struct diff_report {
	const struct diff_side *side[2]; /* before, after */
	size_t ticks[2];
	struct cmp_result cmp;
	struct diff_only only[2]; /* only before, only after */
	struct diff_gate *gates;
	size_t ngates;
	size_t profiles[2]; /* profiles each side's window holds */
};

void diff_write_text(FILE *out, const struct diff_report *r);
void diff_write_json(FILE *out, const struct diff_report *r);

/* The figure's value in its unit for people ("25.1%", "12.35ms", "4.0 MiB"). */
const char *diff_format_value(const char *unit, double v, char *buf, size_t len);

#endif
