/* SPDX-License-Identifier: MIT */
/*
 * export_cgroups: `vigil export FILE --cgroups`, one row per tick and cgroup
 * present in it (docs/export.md): its CPU %, memory against its limit,
 * throttling, OOM events, swap, IO, pressure and pids, as the console's
 * cgroup screen shows them at that tick.
 */
#ifndef VIGIL_CMD_EXPORT_CGROUPS_H
#define VIGIL_CMD_EXPORT_CGROUPS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "store/store.h"

/*
 * Writes the rows of every tick in [t0, t1] to out, as CSV (header first) or
 * as one JSON array. 0, or -1 on a store error (store_error); write errors
 * are the caller's to find on out.
 */
int export_cgroups_write(FILE *out, struct store *st, int64_t t0, int64_t t1, bool json);

#endif
