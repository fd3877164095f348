/* SPDX-License-Identifier: MIT */
/*
 * openmetrics: STAND-IN for the exposition branch's renderer, with the
 * contract agreed for it (metrics_new/free/update/render), so the /metrics
 * server and its wiring build and are tested before it lands. At the merge
 * of `exposition` this file and openmetrics.c are replaced by theirs.
 */
#ifndef VIGIL_ANALYSIS_OPENMETRICS_H
#define VIGIL_ANALYSIS_OPENMETRICS_H

#include <stddef.h>

#include "core/frame.h"

enum metrics_format {
	METRICS_TEXT,	     /* Prometheus text 0.0.4 */
	METRICS_OPENMETRICS, /* OpenMetrics 1.0.0 */
};

struct metrics_config;
struct metrics;

/* cfg NULL: defaults. Owned by the caller (metrics_free). */
struct metrics *metrics_new(const struct metrics_config *cfg);
void metrics_free(struct metrics *m);
/* Sampler thread, each published frame; cheap; never waits on a scrape. */
void metrics_update(struct metrics *m, struct frame *f);
/* Any thread: *body malloc'd (the caller frees), *len. 0 or -1. */
int metrics_render(struct metrics *m, enum metrics_format fmt, char **body, size_t *len);

#endif
