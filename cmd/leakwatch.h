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
 * at each reading and go, with the process itself when it is a suspect, into
 * the suspects of the next verdict.
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

#endif
