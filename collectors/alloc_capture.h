/* SPDX-License-Identifier: MIT */
/*
 * alloc_capture: turns the samples of the allocator uprobes
 * (collectors/alloc_probes.h) into an allocation or live-bytes profile.
 *
 * - Every call traps; the byte-sampling decision (analysis/alloc_track.h)
 *   is taken here, on the ring data, at the entry of an allocating call:
 *   only a sampled call is unwound and named (by the caller, who is asked
 *   for its call-tree node).
 * - Entries, returns and frees come from per-CPU rings, so a thread that
 *   moved CPUs mid-call has its entry and return in two rings: each poll's
 *   records are gathered, sorted by time, then matched per thread (entry ->
 *   return: the returned address; free -> the sampled allocation at it).
 * - PROFILE_ALLOC adds each sampled allocation's weight at its entry;
 *   PROFILE_LIVE adds, at the end, the weight of those never freed.
 * - posix_memalign returns its pointer through memory: it is read from the
 *   target (process_vm_readv) at the return.
 */
#ifndef VIGIL_COLLECTORS_ALLOC_CAPTURE_H
#define VIGIL_COLLECTORS_ALLOC_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "analysis/profile.h"
#include "collectors/alloc_probes.h"
#include "collectors/perf_sampler.h"

struct alloc_capture_stats {
	uint64_t calls;		   /* allocating calls seen */
	uint64_t frees;		   /* free calls seen */
	uint64_t sampled;	   /* allocations sampled */
	uint64_t live;		   /* sampled allocations not freed (so far) */
	uint64_t unmatched;	   /* sampled entries whose return never came */
	uint64_t by_fn[ALLOC_NFN]; /* calls (frees) seen per function */
};

struct alloc_capture;

/* Adds to prof (borrowed) in its mode; rate is bytes per sample. */
struct alloc_capture *alloc_capture_new(struct profile *prof, int pid, uint64_t rate,
					uint64_t seed);
void alloc_capture_free(struct alloc_capture *c);

/* Takes one sample of the probes. True when it is a sampled allocation:
 * the caller then unwinds it and gives its node with alloc_capture_node. */
bool alloc_capture_sample(struct alloc_capture *c, const struct perf_sample *s);
void alloc_capture_node(struct alloc_capture *c, uint32_t node);
/* Matches the samples taken since the last flush (call after each poll). */
void alloc_capture_flush(struct alloc_capture *c);
/* Flushes, and for a live profile adds what is still live. */
void alloc_capture_end(struct alloc_capture *c);
void alloc_capture_stats(const struct alloc_capture *c, struct alloc_capture_stats *out);

#endif
