/* SPDX-License-Identifier: MIT */
/*
 * exposition: the writer under openmetrics. It knows the two formats'
 * grammar (Prometheus text 0.0.4 and OpenMetrics 1.0.0) and nothing about
 * what is measured: family headers, samples, label escaping, numbers, name
 * sanitising, and that no family name is used twice.
 *
 * Families are named the OpenMetrics way: a counter's family is its name
 * without "_total" ("node_cpu_seconds"), and the writer adds "_total" to its
 * samples and, in the text format, to its HELP and TYPE lines. A family with
 * a unit ends in "_<unit>" (asserted). A state set is a gauge per state in
 * the text format, with the family's name as the state's label. An info
 * family is named without "_info" too; its one sample (value 1) has it, and
 * in the text format it is a gauge of that name.
 *
 * Invariants:
 * - Every family gets HELP and TYPE (and UNIT when it has one, OpenMetrics
 *   only) before its first sample; its samples follow it, nothing between.
 * - A family whose name, or any name its samples would use (_total,
 *   _created, _bucket, _count, _sum), was taken before is refused whole:
 *   expo_family returns false and the caller skips it. So the output never
 *   holds a name twice, whatever the StatsD clients send.
 * - Label values are valid UTF-8 with '\', '"' and newline escaped; an
 *   invalid byte becomes U+FFFD.
 * Memory: one growing buffer; out of memory is fatal (core/xalloc).
 */
#ifndef VIGIL_ANALYSIS_EXPOSITION_H
#define VIGIL_ANALYSIS_EXPOSITION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum expo_type { EXPO_COUNTER, EXPO_GAUGE, EXPO_HISTOGRAM, EXPO_STATESET, EXPO_INFO };

struct expo_label {
	const char *name, *value;
};

struct expo {
	bool om; /* OpenMetrics, else the text format */
	char *buf;
	size_t len, cap;
	char **taken; /* open addressing: every name claimed so far */
	size_t ntaken, captaken;
	enum expo_type type; /* of the current family */
	char family[256];    /* the current family's name */
};

void expo_init(struct expo *e, bool openmetrics);
/* Frees everything, the buffer included (take it first with expo_finish). */
void expo_release(struct expo *e);
/*
 * Ends the exposition ("# EOF" in OpenMetrics) and hands the buffer over:
 * *len its length, NUL-terminated, owned by the caller (free). e is then
 * released.
 */
char *expo_finish(struct expo *e, size_t *len);

/*
 * Claims every name a family called name of type t uses, in either format.
 * false (nothing claimed) when one of them is already taken.
 */
bool expo_claim(struct expo *e, const char *name, enum expo_type t);
/*
 * Starts a family: claims its names and writes HELP, TYPE and UNIT (unit ""
 * for none). false when a name was taken: the family is not started and its
 * samples must not be written.
 */
bool expo_family(struct expo *e, const char *name, enum expo_type t, const char *unit,
		 const char *help);
/*
 * One sample of the current family: name + suffix ("_total" is added for
 * counters, "_info" for info), labels (n of them, names valid), value.
 */
void expo_sample(struct expo *e, const char *suffix, const struct expo_label *labels,
		 size_t n, double value);
/*
 * One histogram (the current family is one): bounds (seconds, ascending,
 * nb of them) with their cumulative counts, then +Inf, _count and _sum.
 */
void expo_histogram(struct expo *e, const struct expo_label *labels, size_t n,
		    const double *bounds, const uint64_t *le, size_t nb, uint64_t count,
		    double sum);
/* One state set (the current family is one): 1 for states[current], 0 for
 * the others (current out of range: all 0). */
void expo_stateset(struct expo *e, const struct expo_label *labels, size_t n,
		   const char *const *states, size_t nstates, size_t current);

/*
 * A metric name from anything (a StatsD name): every byte outside
 * [a-zA-Z0-9_] becomes '_' (a multi-byte character one '_'), a leading digit
 * gets a '_' before it, "" becomes "_". Colons are replaced too: they are
 * for recording rules. Writes at most cap bytes with the NUL (cap >= 2),
 * cutting at a character; returns the length written.
 */
size_t expo_sanitize_name(const char *in, char *out, size_t cap);
/*
 * A label name the same way, and one that starts with "__" (reserved to
 * Prometheus) or is "le" or "quantile" (histograms' own) gets "tag_" before it.
 */
size_t expo_sanitize_label(const char *in, char *out, size_t cap);

/* A sample value as both formats write it: integers exactly, others the
 * shortest form that reads back the same, "+Inf", "-Inf", "NaN". */
void expo_format_value(double v, char *out, size_t cap);

#endif
