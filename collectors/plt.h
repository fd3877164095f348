/* SPDX-License-Identifier: MIT */
/*
 * plt: the stubs of a module's procedure linkage table, named after the
 * symbol each one jumps to, as perf and objdump name them ("puts@plt").
 * ELF has no symbols for them, so without this a sample in a stub is named
 * after whatever symbol happens to precede .plt (usually `_init`).
 *
 * Every stub of .plt, .plt.sec and .plt.got ends in `jmp *GOT(%rip)`
 * (possibly after endbr64 and/or a bnd prefix); the GOT slot it reads is the
 * r_offset of a JUMP_SLOT, GLOB_DAT or IRELATIVE relocation, which names the
 * symbol (through .dynsym) or, for IRELATIVE, gives the resolver's address.
 * Matching slots rather than counting entries holds for lazy and eager
 * binding, IBT layouts (.plt.sec) and .plt.got alike. PLT0 and the IBT .plt
 * entries that only push and jump to PLT0 match no slot and get no name.
 *
 * As in symbols.h, nothing in the image is trusted: every read is checked.
 */
#ifndef VIGIL_COLLECTORS_PLT_H
#define VIGIL_COLLECTORS_PLT_H

#include <stddef.h>
#include <stdint.h>

#include "collectors/symbols.h"

struct plt_entry {
	uint64_t addr, size; /* link-time address and size of the stub */
	const char *sym;     /* the imported symbol (into f's image); NULL: IRELATIVE */
	uint64_t addend;     /* IRELATIVE: link-time address of the resolver */
};

/*
 * The named PLT stubs of f, ascending by address, into *out (the caller
 * frees it; NULL when there are none). Returns how many.
 */
size_t plt_entries(const struct elf_file *f, struct plt_entry **out);

#endif
