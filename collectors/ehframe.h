/* SPDX-License-Identifier: MIT */
/*
 * ehframe: where a function starts and ends, from a module's unwind tables,
 * for code no symbol names (a stripped binary keeps .eh_frame, since
 * unwinding needs it, but loses .symtab). Each FDE of .eh_frame describes one
 * function (or one part of it: a .cold split is its own FDE) by its initial
 * location and length; .eh_frame_hdr's binary-search table lists the FDEs
 * sorted by initial location. Samples grouped by FDE start are grouped by
 * function, which is what perf's "module+0x..." rows lack.
 *
 * Only the table encoding toolchains emit (datarel|sdata4) is read, as in
 * collectors/unwind.c. Every read goes through elf_file_read_vaddr, so a
 * malformed table yields "not covered", never a read outside the image.
 */
#ifndef VIGIL_COLLECTORS_EHFRAME_H
#define VIGIL_COLLECTORS_EHFRAME_H

#include <stdint.h>

#include "collectors/symbols.h"

/*
 * The FDE of f covering link-time address vaddr: its start (initial
 * location) and end, as link-time addresses. Returns 0, or -1 when f has no
 * readable .eh_frame_hdr table or no FDE covers vaddr.
 */
int ehframe_function(const struct elf_file *f, uint64_t vaddr, uint64_t *start,
		     uint64_t *end);

#endif
