/* SPDX-License-Identifier: MIT */
/*
 * unwind: DWARF call-stack unwinding of another process from a copy of its
 * registers and of the top of its user stack, as perf does it
 * (tools/perf/util/unwind-libunwind-local.c): libunwind's remote API with our
 * own accessors, so the target never stops and its live memory is never read.
 *
 * - Unwind tables come from each module's .eh_frame_hdr (PT_GNU_EH_FRAME),
 *   handed to libunwind's dwarf_search_unwind_table as a remote table. Tables
 *   whose search-table encoding is not datarel|sdata4 are refused before
 *   libunwind sees them (it aborts on some encodings); such a frame ends the
 *   stack.
 * - Memory reads are served from the stack copy, else from the module files
 *   (collectors/maps.h); anything else fails the read, ending the stack there.
 * - libunwind's global cache is on; it is flushed whenever the target's
 *   mappings changed (maps_generation moved), since it is keyed by address.
 *
 * An unwinder belongs to one thread and one target (one struct maps, which it
 * borrows). x86-64 only.
 */
#ifndef VIGIL_COLLECTORS_UNWIND_H
#define VIGIL_COLLECTORS_UNWIND_H

#include <libunwind.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collectors/maps.h"

/* The general registers of a sample, in the order of the kernel's x86-64
 * perf_regs (PERF_REG_X86_*), minus the segment registers. */
enum unwind_reg {
	UNWIND_AX,
	UNWIND_BX,
	UNWIND_CX,
	UNWIND_DX,
	UNWIND_SI,
	UNWIND_DI,
	UNWIND_BP,
	UNWIND_SP,
	UNWIND_IP,
	UNWIND_R8,
	UNWIND_R9,
	UNWIND_R10,
	UNWIND_R11,
	UNWIND_R12,
	UNWIND_R13,
	UNWIND_R14,
	UNWIND_R15,
	UNWIND_NREGS
};

struct unwind_regs {
	uint64_t r[UNWIND_NREGS];
};

#define UNWIND_DEPTH_MAX 127

struct unwinder;

/* An unwinder over the modules of m (borrowed; it must outlive the unwinder).
 * The caller frees it with unwinder_free. NULL when libunwind refuses. */
struct unwinder *unwinder_new(struct maps *m);
void unwinder_free(struct unwinder *u);

/*
 * Unwinds one sample: regs at the sample, stack = the len bytes that were at
 * regs->r[UNWIND_SP] and above. Writes return addresses innermost first into
 * ips (ips[0] is the sampled ip) and returns how many (at least 1, at most
 * max). Callers' entries are return addresses: symbolise ips[i] - 1 for i > 0.
 * *truncated is set when the stack goes on beyond what was unwound: a frame
 * needed stack bytes past the copy, or max frames were taken and there are
 * more; it is clear when the unwinding reached the outermost frame or ended
 * for another reason (no unwind table, a wild address).
 */
size_t unwinder_unwind(struct unwinder *u, const struct unwind_regs *regs,
		       const uint8_t *stack, size_t len, uint64_t *ips, size_t max,
		       bool *truncated);

/*
 * libunwind's find_proc_info over the modules of m: the .eh_frame_hdr table
 * of the module mapped at ip, checked as above, searched by libunwind with
 * the accessors of as (arg is theirs). For address spaces with other memory
 * accessors (the ptrace sampler's), so both samplers unwind from the same
 * tables, the vdso's included. Returns 0 or a negative UNW_E* code.
 */
int unwind_find_proc_info(struct maps *m, unw_addr_space_t as, unw_word_t ip,
			  unw_proc_info_t *pi, int need_unwind_info, void *arg);

/* Frames that ended because no unwind table covered them, or one was refused
 * (bad encoding), since unwinder_new. */
uint64_t unwinder_refused(const struct unwinder *u);

#endif
