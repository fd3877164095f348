/* SPDX-License-Identifier: MIT */
/*
 * plt: PLT stubs matched to their GOT slots (see plt.h). The slots of every
 * RELA section are gathered and sorted first, then every stub of the PLT
 * sections is decoded and its slot searched for.
 */
#include "collectors/plt.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

#define STUB_MAX 32 /* larger "entry sizes" are not PLT stubs */

struct got_slot {
	uint64_t at;	 /* r_offset: the GOT slot's address */
	const char *sym; /* NULL for IRELATIVE */
	uint64_t addend;
};

static int cmp_slot(const void *a, const void *b)
{
	const struct got_slot *x = a, *y = b;

	return x->at < y->at ? -1 : x->at > y->at;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct plt_entry *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* The name of dynamic symbol i of the table in section symtab_index, or NULL. */
static const char *dynsym_name(const struct elf_file *f, unsigned symtab_index,
			       uint64_t i)
{
	struct elf_section syms, strs;
	Elf64_Sym sym;

	if (elf_file_section(f, symtab_index, &syms) < 0 || syms.type != SHT_DYNSYM ||
	    syms.entsize != sizeof(Elf64_Sym) || i >= syms.size / sizeof(Elf64_Sym) ||
	    syms.offset > f->size || syms.size > f->size - syms.offset ||
	    elf_file_section(f, syms.link, &strs) < 0)
		return NULL;
	memcpy(&sym, f->bytes + syms.offset + i * sizeof(Elf64_Sym), sizeof(sym));
	return elf_file_string(f, &strs, sym.st_name);
}

/* Adds the GOT slots of one RELA section to *v. */
static void add_slots(const struct elf_file *f, const struct elf_section *rela,
		      struct got_slot **v, size_t *n, size_t *cap)
{
	size_t count;

	if (rela->entsize != sizeof(Elf64_Rela) || rela->offset > f->size ||
	    rela->size > f->size - rela->offset)
		return;
	count = rela->size / sizeof(Elf64_Rela);
	for (size_t i = 0; i < count; i++) {
		Elf64_Rela r;
		unsigned type;
		const char *name = NULL;

		memcpy(&r, f->bytes + rela->offset + i * sizeof(r), sizeof(r));
		type = ELF64_R_TYPE(r.r_info);
		if (type == R_X86_64_JUMP_SLOT || type == R_X86_64_GLOB_DAT) {
			name = dynsym_name(f, rela->link, ELF64_R_SYM(r.r_info));
			if (!name || !*name)
				continue;
		} else if (type != R_X86_64_IRELATIVE) {
			continue;
		}
		*v = xgrow(*v, cap, *n + 1, sizeof(**v));
		(*v)[*n].at = r.r_offset;
		(*v)[*n].sym = name;
		(*v)[*n].addend = (uint64_t)r.r_addend;
		(*n)++;
	}
}

static const struct got_slot *find_slot(const struct got_slot *v, size_t n, uint64_t at)
{
	struct got_slot key = {.at = at};

	return n ? bsearch(&key, v, n, sizeof(*v), cmp_slot) : NULL;
}

/*
 * The GOT slot the stub at addr (len bytes in stub) jumps through, or 0.
 * `jmp *disp32(%rip)` is ff 25, at the start, after a bnd prefix (f2), after
 * endbr64 (f3 0f 1e fa) or after both.
 */
static uint64_t stub_slot(const uint8_t *stub, size_t len, uint64_t addr)
{
	static const size_t at[] = {0, 1, 4, 5};

	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		size_t k = at[i];
		int32_t disp;

		if (k + 6 > len || stub[k] != 0xff || stub[k + 1] != 0x25)
			continue;
		if (k == 1 && stub[0] != 0xf2)
			continue;
		if (k >= 4 && memcmp(stub, "\xf3\x0f\x1e\xfa", 4))
			continue;
		if (k == 5 && stub[4] != 0xf2)
			continue;
		memcpy(&disp, stub + k + 2, 4);
		return addr + k + 6 + (uint64_t)(int64_t)disp;
	}
	return 0;
}

/* Adds the stubs of one PLT section that jump through a known slot. */
static void add_stubs(const struct elf_file *f, const struct elf_section *plt,
		      const struct got_slot *slots, size_t nslots, struct plt_entry **v,
		      size_t *n, size_t *cap)
{
	uint64_t step = plt->entsize ? plt->entsize : 16;
	uint8_t stub[STUB_MAX];

	if (plt->type != SHT_PROGBITS || step > STUB_MAX || step < 6)
		return;
	for (uint64_t off = 0; off + step <= plt->size; off += step) {
		const struct got_slot *s;
		uint64_t slot;

		if (elf_file_read_vaddr(f, plt->addr + off, stub, (size_t)step) < 0)
			return;
		slot = stub_slot(stub, (size_t)step, plt->addr + off);
		if (!slot || !(s = find_slot(slots, nslots, slot)))
			continue;
		*v = xgrow(*v, cap, *n + 1, sizeof(**v));
		(*v)[*n].addr = plt->addr + off;
		(*v)[*n].size = step;
		(*v)[*n].sym = s->sym;
		(*v)[*n].addend = s->addend;
		(*n)++;
	}
}

size_t plt_entries(const struct elf_file *f, struct plt_entry **out)
{
	static const char *const plts[] = {".plt", ".plt.sec", ".plt.got"};
	struct got_slot *slots = NULL;
	struct plt_entry *v = NULL;
	size_t nslots = 0, slots_cap = 0, n = 0, cap = 0;
	struct elf_section sec;

	*out = NULL;
	for (unsigned i = 1; elf_file_section(f, i, &sec) == 0; i++)
		if (sec.type == SHT_RELA)
			add_slots(f, &sec, &slots, &nslots, &slots_cap);
	if (!nslots)
		return 0;
	qsort(slots, nslots, sizeof(*slots), cmp_slot);
	for (size_t i = 0; i < sizeof(plts) / sizeof(plts[0]); i++)
		if (elf_file_find_section(f, plts[i], &sec) == 0)
			add_stubs(f, &sec, slots, nslots, &v, &n, &cap);
	free(slots);
	if (n)
		qsort(v, n, sizeof(*v), cmp_entry);
	*out = v;
	return n;
}
