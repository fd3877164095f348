/* SPDX-License-Identifier: MIT */
/*
 * compare: what changed between two recordings (`vigil diff`), as a list of
 * figures, each with its size and significance, ranked. Pure: cmd/ reads
 * the values of each side from the store and hands them over; nothing here
 * reads a file or prints.
 *
 * A figure is either
 * - a per-tick series (a CPU share, a rate, a memory size): its value on a
 *   side is the mean over the side's ticks and its significance is
 *   Mann-Whitney U over the per-tick values of both sides; or
 * - a percentile of a timer (p50, p90, p99, p99.9): its value on a side is
 *   the percentile of the side's merged histogram (never an average of
 *   per-tick percentiles) and its significance a bootstrap over ticks
 *   (analysis/stats.h), seeded from the figure's name, so the same input
 *   always gives the same output.
 *
 * A figure is "changed" when all of these hold:
 * - p < rules.alpha (default 0.01),
 * - each side has at least CMP_MIN_TICKS values,
 * - |relative change| >= rules.min_rel (default 5%), and
 * - |absolute change| >= the floor of its unit (cmp_unit_floor: 1 point of
 *   a percentage, 1 MiB, 10 us, ...), so a shift far below anything a person
 *   acts on is not listed however certain it is.
 * Ranking: changed figures first, by score = min(|relative change|, 10) x
 * min(-log10 p, 3), highest first (ties by name); a change of 0 to
 * anything has a relative change of infinity and so the cap of 10.
 */
#ifndef VIGIL_ANALYSIS_COMPARE_H
#define VIGIL_ANALYSIS_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hdr;

#define CMP_DEFAULT_ALPHA 0.01
#define CMP_DEFAULT_MIN_REL 0.05
#define CMP_MIN_TICKS 5
#define CMP_BOOT_RESAMPLES 1000
#define CMP_BOOT_MAX_BLOCKS 200 /* longer sides are cut into this many blocks */
#define CMP_REL_CAP 10.0
#define CMP_LOGP_CAP 3.0

struct cmp_rules {
	double alpha;
	double min_rel; /* a fraction: 0.05 is 5% */
};

enum cmp_method {
	CMP_MANN_WHITNEY,
	CMP_BOOTSTRAP,
};

/* "mann-whitney" or "bootstrap". Static. */
const char *cmp_method_name(enum cmp_method m);

struct cmp_change {
	char *name;	   /* owned: "system.cpu.user", "latency.api.p99" */
	const char *group; /* static: "system", "process", "target", ... */
	const char *unit;  /* static: "%", "bytes", "ms", "/s", ... */
	char *detail;	   /* owned or NULL: a process's command line */
	enum cmp_method method;
	double before, after;	  /* the figure on each side */
	double abs_change;	  /* after - before */
	double rel_change;	  /* abs / |before|; +-INFINITY from 0, 0 for 0 to 0 */
	double p;		  /* two-sided */
	double u;		  /* Mann-Whitney U of after vs before (NAN: bootstrap) */
	double lo95, hi95;	  /* bootstrap: 95% interval of abs_change (else NAN) */
	size_t n_before, n_after; /* values (ticks) on each side */
	bool significant;	  /* p < alpha with enough values */
	bool changed;		  /* see above */
	double score;
};

struct cmp_result {
	struct cmp_rules rules;
	struct cmp_change *v; /* owned */
	size_t n, cap;
};

/* Empty result judging by rules (NULL: the defaults). */
void cmp_init(struct cmp_result *r, const struct cmp_rules *rules);
/* Frees every change; r may be reused after cmp_init. */
void cmp_release(struct cmp_result *r);

/* The smallest absolute change of a figure in unit that is listed. */
double cmp_unit_floor(const char *unit);

/*
 * Adds a per-tick figure: before[0..nb) and after[0..na) (borrowed; NaN
 * values are skipped). group and unit must be static strings; name and
 * detail (NULL ok) are copied.
 */
void cmp_add_series(struct cmp_result *r, const char *group, const char *name,
		    const char *unit, const char *detail, const double *before, size_t nb,
		    const double *after, size_t na);

/*
 * Adds the percentiles p50, p90, p99 and p99.9 of a timer, in ms, as
 * "PREFIX.p50" .. "PREFIX.p999": before[0..nb) and after[0..na) are one
 * histogram per tick (borrowed, ns). Sides longer than CMP_BOOT_MAX_BLOCKS
 * ticks are merged into that many blocks of consecutive ticks for the
 * bootstrap (which then resamples blocks; that also keeps a run of slow
 * ticks together).
 */
void cmp_add_quantiles(struct cmp_result *r, const char *group, const char *prefix,
		       struct hdr *const *before, size_t nb, struct hdr *const *after,
		       size_t na);

/* Orders r->v: changed first by score, then the rest by name. */
void cmp_rank(struct cmp_result *r);

/* How many figures are changed. */
size_t cmp_changed(const struct cmp_result *r);

#endif
