/* SPDX-License-Identifier: MIT */
/*
 * unwind: libunwind's remote API over a stack copy (see unwind.h). The
 * accessors get a struct sample_ctx through libunwind's arg: the registers,
 * the stack bytes and the maps of the sample being unwound.
 */
#include "collectors/unwind.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* libunwind exports it but does not declare it; perf declares it the same way. */
extern int UNW_OBJ(dwarf_search_unwind_table)(unw_addr_space_t as, unw_word_t ip,
					      unw_dyn_info_t *di, unw_proc_info_t *pi,
					      int need_unwind_info, void *arg);
#define dwarf_search_unwind_table UNW_OBJ(dwarf_search_unwind_table)

/* DW_EH_PE_* pointer encodings used by .eh_frame_hdr */
#define PE_OMIT 0xff
#define PE_ABSPTR 0x00
#define PE_UDATA4 0x03
#define PE_SDATA4 0x0b
#define PE_UDATA8 0x04
#define PE_SDATA8 0x0c
#define PE_PCREL 0x10
#define PE_DATAREL 0x30

struct unwinder {
	unw_addr_space_t as;
	struct maps *maps;
	unsigned generation;
	uint64_t refused;
};

struct sample_ctx {
	struct unwinder *u;
	const struct unwind_regs *regs;
	const uint8_t *stack;
	size_t len;
	bool past_copy; /* a read wanted stack bytes beyond the copy */
};

/* Reads one encoded pointer at *addr (runtime address), advancing *addr. Only
 * the encodings toolchains emit in .eh_frame_hdr are accepted. */
static int read_encoded(struct maps *m, uint64_t *addr, uint8_t enc, uint64_t *out)
{
	uint64_t base = *addr, v;
	uint32_t u32;
	int32_t s32;

	switch (enc & 0x0f) {
	case PE_UDATA4:
		if (maps_read(m, *addr, &u32, 4) < 0)
			return -1;
		v = u32;
		*addr += 4;
		break;
	case PE_SDATA4:
		if (maps_read(m, *addr, &s32, 4) < 0)
			return -1;
		v = (uint64_t)(int64_t)s32;
		*addr += 4;
		break;
	case PE_ABSPTR:
	case PE_UDATA8:
	case PE_SDATA8:
		if (maps_read(m, *addr, &v, 8) < 0)
			return -1;
		*addr += 8;
		break;
	default:
		return -1;
	}
	switch (enc & 0x70) {
	case 0:
		break;
	case PE_PCREL:
		v += base;
		break;
	default:
		return -1;
	}
	*out = v;
	return 0;
}

int unwind_find_proc_info(struct maps *m, unw_addr_space_t as, unw_word_t ip,
			  unw_proc_info_t *pi, int need_unwind_info, void *arg)
{
	struct map_entry *e = maps_find(m, ip);
	struct elf_file *f = e ? maps_module(m, e) : NULL;
	uint8_t hdr[4];
	uint64_t at, at_hdr, eh_frame, fde_count;
	unw_dyn_info_t di;

	if (!f || !f->eh_frame_hdr_vaddr)
		return -UNW_ENOINFO;
	at_hdr = e->bias + f->eh_frame_hdr_vaddr;
	at = at_hdr;
	if (maps_read(m, at, hdr, sizeof(hdr)) < 0)
		return -UNW_ENOINFO;
	/* version 1; a binary-search table libunwind can take */
	if (hdr[0] != 1 || hdr[2] == PE_OMIT || hdr[3] != (PE_DATAREL | PE_SDATA4))
		return -UNW_ENOINFO;
	at += 4;
	if (read_encoded(m, &at, hdr[1], &eh_frame) < 0 ||
	    read_encoded(m, &at, hdr[2], &fde_count) < 0)
		return -UNW_ENOINFO;
	/* the table must lie inside the segment that holds it */
	if (fde_count == 0 || f->eh_frame_hdr_size < at - at_hdr ||
	    fde_count > (f->eh_frame_hdr_size - (at - at_hdr)) / 8)
		return -UNW_ENOINFO;
	memset(&di, 0, sizeof(di));
	di.format = UNW_INFO_FORMAT_REMOTE_TABLE;
	di.start_ip = e->start;
	di.end_ip = e->end;
	di.u.rti.segbase = at_hdr;
	di.u.rti.table_data = at;
	di.u.rti.table_len = fde_count * 8 / sizeof(unw_word_t);
	return dwarf_search_unwind_table(as, ip, &di, pi, need_unwind_info, arg);
}

static int find_proc_info(unw_addr_space_t as, unw_word_t ip, unw_proc_info_t *pi,
			  int need_unwind_info, void *arg)
{
	struct sample_ctx *c = arg;
	int rc = unwind_find_proc_info(c->u->maps, as, ip, pi, need_unwind_info, arg);

	if (rc == -UNW_ENOINFO)
		c->u->refused++;
	return rc;
}

static void put_unwind_info(unw_addr_space_t as, unw_proc_info_t *pi, void *arg)
{
	(void)as, (void)pi, (void)arg;
}

static int get_dyn_info_list_addr(unw_addr_space_t as, unw_word_t *addr, void *arg)
{
	(void)as, (void)addr, (void)arg;
	return -UNW_ENOINFO;
}

static int access_mem(unw_addr_space_t as, unw_word_t addr, unw_word_t *valp, int write,
		      void *arg)
{
	struct sample_ctx *c = arg;
	uint64_t sp = c->regs->r[UNWIND_SP];

	(void)as;
	if (write)
		return -UNW_EINVAL;
	if (addr >= sp && addr - sp <= c->len && c->len - (addr - sp) >= sizeof(*valp)) {
		memcpy(valp, c->stack + (addr - sp), sizeof(*valp));
		return 0;
	}
	/* the stack beyond the copy is unknown: never guess from files */
	if (addr >= sp && addr - sp < (1u << 20)) {
		c->past_copy = true;
		return -UNW_EINVAL;
	}
	if (maps_read(c->u->maps, addr, valp, sizeof(*valp)) < 0)
		return -UNW_EINVAL;
	return 0;
}

/* libunwind's x86-64 register numbers -> enum unwind_reg */
static int reg_index(unw_regnum_t r)
{
	switch (r) {
	case UNW_X86_64_RAX:
		return UNWIND_AX;
	case UNW_X86_64_RDX:
		return UNWIND_DX;
	case UNW_X86_64_RCX:
		return UNWIND_CX;
	case UNW_X86_64_RBX:
		return UNWIND_BX;
	case UNW_X86_64_RSI:
		return UNWIND_SI;
	case UNW_X86_64_RDI:
		return UNWIND_DI;
	case UNW_X86_64_RBP:
		return UNWIND_BP;
	case UNW_X86_64_RSP:
		return UNWIND_SP;
	case UNW_X86_64_RIP:
		return UNWIND_IP;
	default:
		if (r >= UNW_X86_64_R8 && r <= UNW_X86_64_R15)
			return UNWIND_R8 + (r - UNW_X86_64_R8);
		return -1;
	}
}

static int access_reg(unw_addr_space_t as, unw_regnum_t regnum, unw_word_t *valp,
		      int write, void *arg)
{
	struct sample_ctx *c = arg;
	int i = reg_index(regnum);

	(void)as;
	if (write || i < 0)
		return -UNW_EBADREG;
	*valp = c->regs->r[i];
	return 0;
}

static int access_fpreg(unw_addr_space_t as, unw_regnum_t num, unw_fpreg_t *val,
			int write, void *arg)
{
	(void)as, (void)num, (void)val, (void)write, (void)arg;
	return -UNW_EINVAL;
}

static int resume(unw_addr_space_t as, unw_cursor_t *cu, void *arg)
{
	(void)as, (void)cu, (void)arg;
	return -UNW_EINVAL;
}

static int get_proc_name(unw_addr_space_t as, unw_word_t addr, char *bufp, size_t buf_len,
			 unw_word_t *offp, void *arg)
{
	(void)as, (void)addr, (void)bufp, (void)buf_len, (void)offp, (void)arg;
	return -UNW_EINVAL;
}

static unw_accessors_t accessors = {
	.find_proc_info = find_proc_info,
	.put_unwind_info = put_unwind_info,
	.get_dyn_info_list_addr = get_dyn_info_list_addr,
	.access_mem = access_mem,
	.access_reg = access_reg,
	.access_fpreg = access_fpreg,
	.resume = resume,
	.get_proc_name = get_proc_name,
};

struct unwinder *unwinder_new(struct maps *m)
{
	struct unwinder *u = xcalloc(1, sizeof(*u));

	u->as = unw_create_addr_space(&accessors, 0);
	if (!u->as) {
		free(u);
		return NULL;
	}
	unw_set_caching_policy(u->as, UNW_CACHE_GLOBAL);
	u->maps = m;
	u->generation = maps_generation(m);
	return u;
}

void unwinder_free(struct unwinder *u)
{
	if (!u)
		return;
	unw_destroy_addr_space(u->as);
	free(u);
}

uint64_t unwinder_refused(const struct unwinder *u)
{
	return u->refused;
}

size_t unwinder_unwind(struct unwinder *u, const struct unwind_regs *regs,
		       const uint8_t *stack, size_t len, uint64_t *ips, size_t max,
		       bool *truncated)
{
	struct sample_ctx c = {.u = u, .regs = regs, .stack = stack, .len = len};
	unw_cursor_t cursor;
	size_t n = 0;
	int rc = 1; /* > 0: not ended yet */

	*truncated = false;
	if (max == 0)
		return 0;
	ips[n++] = regs->r[UNWIND_IP];
	if (maps_generation(u->maps) != u->generation) {
		unw_flush_cache(u->as, 0, 0);
		u->generation = maps_generation(u->maps);
	}
	if (unw_init_remote(&cursor, u->as, &c) < 0)
		return n;
	while (n < max && (rc = unw_step(&cursor)) > 0) {
		unw_word_t ip, sp;

		if (unw_get_reg(&cursor, UNW_REG_IP, &ip) < 0 || ip == 0) {
			rc = 0;
			break;
		}
		unw_get_reg(&cursor, UNW_REG_SP, &sp);
		/* a stack that does not grow towards its base is a loop */
		if (sp < regs->r[UNWIND_SP]) {
			rc = 0;
			break;
		}
		ips[n++] = ip;
	}
	if (n == max && rc > 0) {
		c.past_copy = false;
		rc = unw_step(&cursor);
		*truncated = rc > 0 || (rc < 0 && c.past_copy);
	} else {
		*truncated = rc < 0 && c.past_copy;
	}
	/* the mappings may have changed while unwinding (a miss re-read them) */
	if (maps_generation(u->maps) != u->generation) {
		unw_flush_cache(u->as, 0, 0);
		u->generation = maps_generation(u->maps);
	}
	return n;
}
