/* SPDX-License-Identifier: MIT */
/*
 * profile: one CPU (or wall-clock) profile of one process, as a deduplicated
 * call tree. The sampler (collectors/profiler) builds it; the store saves and
 * loads it; views and `vigil profile` read it.
 *
 * Shape:
 * - frames[] are unique (function, module) pairs; index = frame id.
 * - nodes[] are the call tree: node i is the stack prefix "nodes[parent]
 *   then frames[frame]", root first. Node 0 is the root and has no frame
 *   (frame = PROFILE_NONE). A node id is stable once created; a stack is the
 *   path from the root to a node, so identical stacks share one node.
 * - counts[] are samples whose innermost frame is a node, per thread.
 * - mappings[] are the executable file mappings frames were seen in (what
 *   profile.proto calls a Mapping: where, which file, its build id); a frame
 *   names one by index with an address inside it, the first it was sampled
 *   at. Frames of profiles stored before vigil kept mappings, and frames no
 *   file holds ([kernel], [jit], [off-cpu]), have none.
 *
 * Invariants: nodes[i].parent < i (a parent is always created first), every
 * count refers to a node > 0, and meta.samples is the sum of counts[].n.
 * A profile is built by one thread and then only read; it is not locked.
 */
#ifndef VIGIL_ANALYSIS_PROFILE_H
#define VIGIL_ANALYSIS_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/frame.h"

#define PROFILE_NONE UINT32_MAX

/* The outermost frame (module "") of a stack the unwinder could not finish:
 * its copy of the stack ended, or the depth limit was reached. Without it the
 * deepest frame copied would pass for a root function. */
#define PROFILE_TRUNCATED "[truncated]"
/* The leaf frame (module "") of a wall-clock sample that stands for time the
 * thread spent off a CPU (blocked, sleeping, waiting for a CPU): its self
 * share is the time off CPU, the rest of the profile is on CPU. */
#define PROFILE_OFF_CPU "[off-cpu]"

/* PROFILE_ALLOC: counts are bytes allocated (estimated from samples);
 * PROFILE_LIVE: bytes allocated during the capture and still live at its
 * end. For both, meta.hz is the sampling rate in bytes per sample. */
enum profile_mode { PROFILE_CPU, PROFILE_WALL, PROFILE_ALLOC, PROFILE_LIVE };

#define PROFILE_BYTES(mode) ((mode) == PROFILE_ALLOC || (mode) == PROFILE_LIVE)

struct profile_frame {
	char *function; /* owned; "module+0x1a2b" when no symbol is known */
	char *module;	/* owned; file basename, "[vdso]", "[jit]", "" unknown */
	/* the mappings[] index it was first seen in, PROFILE_NONE unknown;
	 * address: a runtime address inside that mapping, 0 unknown */
	uint32_t mapping;
	uint64_t address;
};

/* One executable mapping of a file (or the vdso) in the profiled process. */
struct profile_mapping {
	uint64_t start, limit; /* runtime addresses, [start, limit) */
	uint64_t offset;       /* file offset mapped at start */
	char *file;	       /* owned; the path the process maps, "[vdso]" */
	char *build_id;	       /* owned; NT_GNU_BUILD_ID as hex, "" unknown */
};

struct profile_node {
	uint32_t parent; /* PROFILE_NONE for the root (node 0) */
	uint32_t frame;	 /* PROFILE_NONE for the root */
};

struct profile_count {
	uint32_t node; /* the innermost frame of the sampled stack */
	int tid;
	uint64_t n;
};

struct profile_thread {
	int tid;
	char comm[FRAME_COMM_MAX];
};

struct profile_meta {
	int64_t id; /* store row id; 0 until stored */
	int pid;
	enum profile_mode mode;
	int hz;
	int64_t started_ms, duration_ms;
	uint64_t samples;	 /* sum of counts */
	uint64_t lost;		 /* samples the kernel dropped or could not unwind */
	bool partial;		 /* cancelled, or the target exited mid-capture */
	char sampler[16];	 /* "perf" or "ptrace" */
	char why[FRAME_WHY_MAX]; /* why partial, fallbacks taken */

	/* allocation profiles: the share of the capture the probes were on
	 * (0..1; below 1 when duty-cycled, counts then scaled up by 1/active);
	 * 0 when not known (CPU profiles, sessions from before) */
	double active;
};

struct profile {
	struct profile_meta meta;
	size_t nframes, nnodes, ncounts, nthreads, nmappings;
	struct profile_frame *frames;
	struct profile_mapping *mappings;
	struct profile_node *nodes;
	struct profile_count *counts;
	struct profile_thread *threads;
	struct profile_index *index; /* private lookup tables */
};

/* "cpu", "wall", "alloc" or "live" (as stored and as `--mode` takes them). */
const char *profile_mode_name(enum profile_mode m);

/* A profile with only the root node; the caller owns it (profile_free). */
struct profile *profile_new(const struct profile_meta *meta);
void profile_free(struct profile *p);

/* The id of (function, module), added when new. Both strings are copied. */
uint32_t profile_frame_id(struct profile *p, const char *function, const char *module);

/*
 * Adds n samples of one stack for thread tid. frames[] are frame ids innermost
 * first (frames[0] is the sampled pc), as an unwinder produces them; depth 0
 * is ignored. Returns the node of the innermost frame.
 */
uint32_t profile_add_stack(struct profile *p, int tid, const uint32_t *frames,
			   size_t depth, uint64_t n);

/* Appends the PROFILE_TRUNCATED frame to frames (innermost first, depth
 * entries, room for one more) and returns the new depth. */
size_t profile_mark_truncated(struct profile *p, uint32_t *frames, size_t depth);

/*
 * The index of the mapping of file at [start, limit) from offset, added
 * (with build_id) when new. Both strings are copied; NULL reads as "".
 */
uint32_t profile_mapping_id(struct profile *p, uint64_t start, uint64_t limit,
			    uint64_t offset, const char *file, const char *build_id);

/* Places frame in mapping at address, unless it is placed already (the
 * first sighting stays). frame and mapping must be ids of p. */
void profile_frame_place(struct profile *p, uint32_t frame, uint32_t mapping,
			 uint64_t address);

/* The child of parent for frame, created when new (the store rebuilds a
 * profile with it). parent must exist; frame must be a frame id. */
uint32_t profile_node_id(struct profile *p, uint32_t parent, uint32_t frame);

/* Adds n samples at node for thread tid (merged with an existing count). */
void profile_add_count(struct profile *p, uint32_t node, int tid, uint64_t n);

/* Multiplies every count by factor (> 0), rounded; meta.samples follows. */
void profile_scale_counts(struct profile *p, double factor);

/* A deep copy with the same ids, mappings and meta; the caller owns it. */
struct profile *profile_clone(const struct profile *p);

/* Names a thread (last name wins). comm is copied. */
void profile_set_thread(struct profile *p, int tid, const char *comm);

/*
 * Reading a profile. tid 0 means every thread. All return 0, or -1 with errno
 * set when writing to out failed.
 */

/* One function's share: self = samples where it is the innermost frame,
 * total = samples where it is anywhere on the stack (counted once per stack,
 * so recursion does not inflate it). */
struct profile_fn {
	uint32_t frame;
	uint64_t self, total;
};

/* Every function seen for tid, sorted by self then total, descending; *n is
 * set to the count. The caller frees the array. */
struct profile_fn *profile_top(const struct profile *p, int tid, size_t *n);

/* stackcollapse format: "root;...;leaf count\n", frames as "function"
 * (module omitted), sorted lexically, one line per distinct stack. */
int profile_write_folded(const struct profile *p, FILE *out, int tid);
/* The stack of node (> 0) as profile_write_folded prints it, "root;...;leaf",
 * in a new string the caller frees. */
char *profile_folded_stack(const struct profile *p, uint32_t node);
/* speedscope's file format, one "sampled" profile per thread. */
int profile_write_speedscope(const struct profile *p, FILE *out);
/* A human table of the top limit functions: self %, total %, samples (bytes
 * for allocation profiles; a live profile adds the growth in bytes/s over
 * the capture). */
int profile_write_table(const struct profile *p, FILE *out, size_t limit);

#endif
