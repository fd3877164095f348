/* SPDX-License-Identifier: MIT */
/*
 * heapwatch: the attached target's heap beyond /proc/PID/status, on cadences
 * of its own: smaps_rollup every period (default 10 s), smaps per mapping
 * every smaps period (default 30 s, and sooner on request), each never more
 * often than its measured cost allows (see heap_cadence), and, for a JVM,
 * the HotSpot performance-data file every tick (a mapped file: cheap), with
 * the old generation's size right after each collection.
 *
 * The sampler owns one per target and calls heapwatch_read every tick on its
 * thread; what was read joins the frame. smaps is read on a thread of the
 * heapwatch's own ("vigil-smaps"), started at the first reading, so a
 * process with tens of thousands of mappings never stalls a tick: a reading
 * asked for at one tick joins the frame of the tick after it finished.
 */
#ifndef VIGIL_COLLECTORS_HEAPWATCH_H
#define VIGIL_COLLECTORS_HEAPWATCH_H

#include <stdint.h>

#include "core/frame.h"

#define HEAPWATCH_PERIOD_MS 10000

struct heapwatch;

/* For pid under proc_root (NULL: /proc); a period of 0 is the default. */
struct heapwatch *heapwatch_new(const char *proc_root, int pid, int64_t period_ms,
				int64_t smaps_period_ms);
/* Stops and joins the smaps thread (waiting out a reading under way). */
void heapwatch_free(struct heapwatch *h);
int heapwatch_pid(const struct heapwatch *h);

/*
 * Fills f->rollup when due, f->jvm for a JVM, and f->mappings when a smaps
 * reading finished since the last call; asks for the next reading when due.
 * What failed goes to the log.
 */
void heapwatch_read(struct heapwatch *h, struct frame *f);
/* A smaps reading as soon as the cost bound allows (the operator asked). */
void heapwatch_request_smaps(struct heapwatch *h, int64_t now_ms);

#endif
