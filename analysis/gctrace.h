/* SPDX-License-Identifier: MIT */
/*
 * gctrace: the garbage-collection trace lines a runtime writes when asked
 * (Node.js --trace-gc, Go GODEBUG=gctrace=1), parsed into one event per
 * collection. Pure text -> struct, no I/O; a line that is not a trace line
 * (the program's own output) is told apart from one that is, so a caller can
 * count what it could not read.
 *
 * Node.js (V8), one line per collection:
 *   [PID:0xISOLATE]   T ms: KIND B (BC) -> A (AC) MB, P / X ms  (...) reason;
 *   KIND is Scavenge, Mark-Compact, Mark-sweep, Minor Mark-Compact, ... (a
 *   suffix like "(reduce)" is kept). B and A are the heap used before and
 *   after, P the pause in ms. Mark-Compact / Mark-sweep are major: their
 *   after-heap is the floor a leak raises.
 * Go, one line per cycle:
 *   gc N @Ts P%: W1+W2+W3 ms clock, ... ms cpu, H0->H1->H2 MB, G MB goal, ...
 *   W1 (sweep termination) and W3 (mark termination) are stop-the-world, so
 *   the pause is W1 + W3. H0 is the heap at the start, H2 the live heap
 *   marked; every cycle is major.
 */
#ifndef VIGIL_ANALYSIS_GCTRACE_H
#define VIGIL_ANALYSIS_GCTRACE_H

#include <stdbool.h>
#include <stddef.h>

enum gc_runtime { GC_RT_NONE = 0, GC_RT_NODE, GC_RT_GO };

struct gc_event {
	enum gc_runtime runtime;
	char kind[32];	     /* "Scavenge", "Mark-Compact", "gc" ... */
	bool major;	     /* its after-heap is a floor */
	double t_ms;	     /* since the runtime started, as it says */
	double pause_ms;     /* stop-the-world time */
	double before_bytes; /* heap used before the collection */
	double after_bytes;  /* heap used (Node) / live (Go) after it */
};

/*
 * Parses one line (without its newline; len bytes, need not be terminated).
 * Returns 1 with *ev filled for a trace line, 0 for a line that is not one,
 * -1 for a line that starts like a trace line but does not parse.
 */
int gctrace_parse(const char *line, size_t len, struct gc_event *ev);

/* "node", "go" or "none". */
const char *gctrace_runtime_name(enum gc_runtime rt);

#endif
