/* SPDX-License-Identifier: MIT */
/*
 * heapwatch: the attached target's heap beyond /proc/PID/status, on cadences
 * of its own: smaps_rollup every period (default 10 s; never more often than
 * its measured cost allows, see heap_cadence) and, for a JVM, the HotSpot
 * performance-data file every tick (a mapped file: cheap), with the old
 * generation's size right after each collection.
 *
 * The sampler owns one per target and calls heapwatch_read every tick on its
 * thread; what was read joins the frame.
 */
#ifndef VIGIL_COLLECTORS_HEAPWATCH_H
#define VIGIL_COLLECTORS_HEAPWATCH_H

#include <stdint.h>

#include "core/frame.h"

#define HEAPWATCH_PERIOD_MS 10000

struct heapwatch;

/* For pid under proc_root (NULL: /proc); period_ms 0: the default. */
struct heapwatch *heapwatch_new(const char *proc_root, int pid, int64_t period_ms);
void heapwatch_free(struct heapwatch *h);
int heapwatch_pid(const struct heapwatch *h);

/* Fills f->rollup when due and f->jvm for a JVM; what failed goes to the log. */
void heapwatch_read(struct heapwatch *h, struct frame *f);

#endif
