/* SPDX-License-Identifier: MIT */
/*
 * ehframe: .eh_frame_hdr's table searched for the last FDE starting at or
 * below an address, then that FDE (and its CIE, for the pointer encoding of
 * its address range) decoded to see whether it covers the address (see
 * ehframe.h). All addresses are link-time virtual addresses of the image.
 */
#include "collectors/ehframe.h"

#include <stdbool.h>
#include <string.h>

/* DW_EH_PE_* pointer encodings */
#define PE_ABSPTR 0x00
#define PE_ULEB128 0x01
#define PE_UDATA2 0x02
#define PE_UDATA4 0x03
#define PE_UDATA8 0x04
#define PE_SLEB128 0x09
#define PE_SDATA2 0x0a
#define PE_SDATA4 0x0b
#define PE_SDATA8 0x0c
#define PE_PCREL 0x10
#define PE_DATAREL 0x30
#define PE_OMIT 0xff

#define AUGMENTATION_MAX 16

/* A read position in the image; bad once any read failed. */
struct cursor {
	const struct elf_file *f;
	uint64_t at;
	bool bad;
};

static uint64_t get(struct cursor *c, size_t len)
{
	uint8_t b[8];
	uint64_t v = 0;

	if (c->bad || elf_file_read_vaddr(c->f, c->at, b, len) < 0) {
		c->bad = true;
		return 0;
	}
	for (size_t i = len; i-- > 0;)
		v = v << 8 | b[i];
	c->at += len;
	return v;
}

static uint64_t get_uleb(struct cursor *c)
{
	uint64_t v = 0;

	for (unsigned shift = 0; shift < 64; shift += 7) {
		uint8_t b = (uint8_t)get(c, 1);

		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80) || c->bad)
			return v;
	}
	c->bad = true;
	return 0;
}

static int64_t get_sleb(struct cursor *c)
{
	uint64_t v = 0;
	unsigned shift = 0;
	uint8_t b;

	do {
		if (shift >= 64) {
			c->bad = true;
			return 0;
		}
		b = (uint8_t)get(c, 1);
		v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	} while ((b & 0x80) && !c->bad);
	if (shift < 64 && (b & 0x40))
		v |= ~0ull << shift;
	return (int64_t)v;
}

/* One pointer in encoding enc; datarel is relative to base. */
static uint64_t get_encoded(struct cursor *c, uint8_t enc, uint64_t base)
{
	uint64_t at = c->at, v;

	switch (enc & 0x0f) {
	case PE_ABSPTR:
	case PE_UDATA8:
	case PE_SDATA8:
		v = get(c, 8);
		break;
	case PE_ULEB128:
		v = get_uleb(c);
		break;
	case PE_SLEB128:
		v = (uint64_t)get_sleb(c);
		break;
	case PE_UDATA2:
		v = get(c, 2);
		break;
	case PE_SDATA2:
		v = (uint64_t)(int64_t)(int16_t)get(c, 2);
		break;
	case PE_UDATA4:
		v = get(c, 4);
		break;
	case PE_SDATA4:
		v = (uint64_t)(int64_t)(int32_t)get(c, 4);
		break;
	default:
		c->bad = true;
		return 0;
	}
	switch (enc & 0x70) {
	case 0:
		return v;
	case PE_PCREL:
		return v + at;
	case PE_DATAREL:
		return v + base;
	default: /* textrel, funcrel, aligned: not in .eh_frame of x86-64 */
		c->bad = true;
		return 0;
	}
}

/* The FDE pointer encoding of the CIE at cie; -1 when unreadable. */
static int cie_encoding(const struct elf_file *f, uint64_t cie)
{
	struct cursor c = {.f = f, .at = cie};
	char aug[AUGMENTATION_MAX];
	uint32_t len = (uint32_t)get(&c, 4);
	uint8_t version;
	size_t n = 0;

	if (len == 0 || len == 0xffffffffu || get(&c, 4) != 0)
		return -1;
	version = (uint8_t)get(&c, 1);
	if (version != 1 && version != 3 && version != 4)
		return -1;
	do {
		if (n == sizeof(aug))
			return -1;
		aug[n] = (char)get(&c, 1);
	} while (aug[n++] && !c.bad);
	if (version == 4)
		get(&c, 2); /* address and segment selector sizes */
	get_uleb(&c);	    /* code alignment */
	get_sleb(&c);	    /* data alignment */
	if (version == 1)
		get(&c, 1);
	else
		get_uleb(&c); /* return address register */
	if (aug[0] != 'z')
		return !c.bad && aug[0] == '\0' ? PE_ABSPTR : -1;
	get_uleb(&c); /* augmentation data length */
	for (size_t i = 1; aug[i] && !c.bad; i++) {
		switch (aug[i]) {
		case 'R':
			return c.bad ? -1 : (int)get(&c, 1);
		case 'P': {
			uint8_t penc = (uint8_t)get(&c, 1);

			get_encoded(&c, penc & 0x7f, 0);
			break;
		}
		case 'L':
			get(&c, 1);
			break;
		case 'S':
		case 'B':
			break;
		default:
			return -1;
		}
	}
	return c.bad ? -1 : PE_ABSPTR;
}

/* Start and end of the FDE at fde; 0 or -1. */
static int fde_range(const struct elf_file *f, uint64_t fde, uint64_t *start,
		     uint64_t *end)
{
	struct cursor c = {.f = f, .at = fde};
	uint32_t len = (uint32_t)get(&c, 4), cie_off;
	uint64_t here, range;
	int enc;

	if (len == 0 || len == 0xffffffffu)
		return -1;
	here = c.at;
	cie_off = (uint32_t)get(&c, 4);
	if (c.bad || cie_off == 0 || cie_off > here)
		return -1;
	enc = cie_encoding(f, here - cie_off);
	if (enc < 0 || enc == PE_OMIT)
		return -1;
	*start = get_encoded(&c, (uint8_t)enc, 0);
	range = get_encoded(&c, (uint8_t)(enc & 0x0f), 0);
	if (c.bad || range > UINT64_MAX - *start)
		return -1;
	*end = *start + range;
	return 0;
}

int ehframe_function(const struct elf_file *f, uint64_t vaddr, uint64_t *start,
		     uint64_t *end)
{
	uint64_t hdr = f->eh_frame_hdr_vaddr, table, count, lo = 0, hi;
	struct cursor c = {.f = f, .at = hdr};
	uint8_t version, ptr_enc, count_enc, table_enc;

	if (!hdr)
		return -1;
	version = (uint8_t)get(&c, 1);
	ptr_enc = (uint8_t)get(&c, 1);
	count_enc = (uint8_t)get(&c, 1);
	table_enc = (uint8_t)get(&c, 1);
	if (c.bad || version != 1 || table_enc != (PE_DATAREL | PE_SDATA4) ||
	    count_enc == PE_OMIT)
		return -1;
	get_encoded(&c, ptr_enc, hdr); /* .eh_frame itself: not needed */
	count = get_encoded(&c, count_enc, hdr);
	table = c.at;
	if (c.bad || table - hdr > f->eh_frame_hdr_size ||
	    count > (f->eh_frame_hdr_size - (table - hdr)) / 8)
		return -1;
	/* the last entry whose initial location is <= vaddr */
	hi = count;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		c.at = table + mid * 8;
		if (hdr + (uint64_t)(int64_t)(int32_t)get(&c, 4) <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
		if (c.bad)
			return -1;
	}
	if (lo == 0)
		return -1;
	c.at = table + (lo - 1) * 8 + 4;
	table = hdr + (uint64_t)(int64_t)(int32_t)get(&c, 4);
	if (c.bad || fde_range(f, table, start, end) < 0)
		return -1;
	return vaddr >= *start && vaddr < *end ? 0 : -1;
}
