/* SPDX-License-Identifier: MIT */
/*
 * leakwatch: the leak analysis (analysis/leak) wired to the live frames of a
 * sampling command. It keeps the target's heap series (RssAnon + VmSwap every
 * tick; for a JVM, the old generation right after each collection), judges
 * it every period and attaches the verdict to that frame, so the store keeps
 * what the operator was told and when.
 *
 * Each smaps reading (collectors/heapwatch) adds a point to every region's
 * series (anon + swap); the regions whose floor rises like a leak are ranked
 * at each reading and, when the process itself is a leak suspect, go with it
 * into the suspects of the next verdict (they say where it leaks).
 *
 * VIGIL_LEAK="every=10s,window=30s,span=150s,smaps=30s" changes the period,
 * the analysis's floor window and minimum span, and the smaps period (tests
 * use short ones).
 */
#ifndef VIGIL_CMD_LEAKWATCH_H
#define VIGIL_CMD_LEAKWATCH_H

#include "core/frame.h"

struct leakwatch;

struct leakwatch *leakwatch_new(void);
void leakwatch_free(struct leakwatch *w);
/* The smaps period VIGIL_LEAK asked for; 0: the default. */
int64_t leakwatch_smaps_period_ms(const struct leakwatch *w);

/* Sampler thread, before f is published: feeds it, and judges when due. */
void leakwatch_feed(struct leakwatch *w, struct frame *f);
/*
 * Sampler thread, before leakwatch_feed: the lowest heap after the major
 * collections a runtime traced this tick (--gc-trace: Node's after
 * Mark-Compact, Go's live heap), the floor like a JVM's old generation is;
 * source names it in the verdict ("node gc", "go gc").
 */
void leakwatch_gc_floor(struct leakwatch *w, int64_t t_ms, double bytes,
			const char *source);

#endif
