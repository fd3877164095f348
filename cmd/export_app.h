/* SPDX-License-Identifier: MIT */
/*
 * export_app: the application's StatsD metrics as `export --metrics`
 * columns (docs/export.md), after the system and target ones:
 *
 *     app.counter.NAME        sum in the tick (sample rates applied)
 *     app.counter.NAME.rate   that sum per second of the session interval
 *     app.gauge.NAME          value at the end of the tick
 *     app.gauge.NAME.min/.max lowest and highest value in the tick
 *     app.timer.NAME.count    values in the tick
 *     app.timer.NAME.p50_ms, .p90_ms, .p99_ms, .p999_ms, .max_ms
 *     app.timer.NAME.clamped  values above 1 h (counted as 1 h)
 *
 * A metric is a column when it has values anywhere in the window; a tick in
 * which it had none is empty, not 0. Rows are read a page at a time, like
 * the other columns, so memory follows the page, not the window.
 */
#ifndef VIGIL_CMD_EXPORT_APP_H
#define VIGIL_CMD_EXPORT_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct export_app;

/*
 * The columns of every metric with values in [t0, t1], owned by the caller
 * (export_app_free). NULL on a store error (store_error).
 */
struct export_app *export_app_new(struct store *st, int64_t t0, int64_t t1);
void export_app_free(struct export_app *a);

size_t export_app_ncols(const struct export_app *a);
/* Column i's name, borrowed from a. */
const char *export_app_col(const struct export_app *a, size_t i);

/* Reads every metric's ticks in [t0, t1] (one page). 0 or -1 (store_error). */
int export_app_load(struct export_app *a, struct store *st, int64_t t0, int64_t t1);
/*
 * Fills values[0..ncols) and have[] for the tick at t_ms; ticks must come in
 * ascending order within a page.
 */
void export_app_fill(struct export_app *a, int64_t t_ms, double *values, bool *have);

#endif
