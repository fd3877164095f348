/* SPDX-License-Identifier: MIT */
/*
 * symbols: ELF64 headers, notes and symbol tables read straight from the
 * mapped image, every access bounds-checked (see symbols.h). The symbol table
 * is a sorted array of (addr, size, name) for FUNC and IFUNC symbols and PLT
 * stubs; names point into the image of the file that holds the table or into
 * f->names, so the table lives exactly as long as the elf_file.
 */
#include "collectors/symbols.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collectors/plt.h"
#include "core/xalloc.h"

/* Bigger images are not modules anyone maps: refuse rather than map them. */
#define ELF_SIZE_MAX (4ull << 30)
#define DEBUG_ROOT "/usr/lib/debug"

/* [off, off + len) lies inside the image. */
static bool in_image(const struct elf_file *f, uint64_t off, uint64_t len)
{
	return off <= f->size && len <= f->size - off;
}

static const Elf64_Ehdr *ehdr(const struct elf_file *f)
{
	return (const Elf64_Ehdr *)(const void *)f->bytes;
}

/* Section header i, or NULL when the table or the index is out of range. */
static const Elf64_Shdr *shdr(const struct elf_file *f, unsigned i)
{
	const Elf64_Ehdr *eh = ehdr(f);

	if (!eh->e_shoff || eh->e_shentsize != sizeof(Elf64_Shdr) || i >= eh->e_shnum)
		return NULL;
	if (!in_image(f, eh->e_shoff + (uint64_t)i * sizeof(Elf64_Shdr),
		      sizeof(Elf64_Shdr)))
		return NULL;
	return (const Elf64_Shdr *)(const void *)(f->bytes + eh->e_shoff +
						  (uint64_t)i * sizeof(Elf64_Shdr));
}

/* A NUL-terminated string at off inside the image, or NULL. */
static const char *image_str(const struct elf_file *f, uint64_t off)
{
	if (off >= f->size)
		return NULL;
	if (!memchr(f->bytes + off, '\0', f->size - off))
		return NULL;
	return (const char *)f->bytes + off;
}

static const char *section_name(const struct elf_file *f, const Elf64_Shdr *sh)
{
	const Elf64_Shdr *strs = shdr(f, ehdr(f)->e_shstrndx);

	if (!strs || sh->sh_name >= strs->sh_size)
		return NULL;
	return image_str(f, strs->sh_offset + sh->sh_name);
}

static const Elf64_Shdr *find_section(const struct elf_file *f, const char *name)
{
	for (unsigned i = 1; i < ehdr(f)->e_shnum; i++) {
		const Elf64_Shdr *sh = shdr(f, i);
		const char *n;

		if (!sh)
			return NULL;
		n = section_name(f, sh);
		if (n && !strcmp(n, name))
			return sh;
	}
	return NULL;
}

int elf_file_section(const struct elf_file *f, unsigned i, struct elf_section *out)
{
	const Elf64_Shdr *sh = i ? shdr(f, i) : NULL;
	const char *n;

	if (!sh)
		return -1;
	n = section_name(f, sh);
	out->name = n ? n : "";
	out->type = sh->sh_type;
	out->link = sh->sh_link;
	out->info = sh->sh_info;
	out->addr = sh->sh_addr;
	out->offset = sh->sh_offset;
	out->size = sh->sh_size;
	out->entsize = sh->sh_entsize;
	return 0;
}

int elf_file_find_section(const struct elf_file *f, const char *name,
			  struct elf_section *out)
{
	for (unsigned i = 1; i < ehdr(f)->e_shnum; i++) {
		if (elf_file_section(f, i, out) < 0)
			return -1;
		if (!strcmp(out->name, name))
			return 0;
	}
	return -1;
}

const char *elf_file_string(const struct elf_file *f, const struct elf_section *strtab,
			    uint64_t off)
{
	const char *s;

	if (strtab->type != SHT_STRTAB || off >= strtab->size ||
	    !in_image(f, strtab->offset, strtab->size))
		return NULL;
	s = image_str(f, strtab->offset + off);
	/* the string must end inside its own table */
	if (!s || !memchr(s, '\0', strtab->size - off))
		return NULL;
	return s;
}

/* Walks a note area for NT_GNU_BUILD_ID and records it as hex. */
static void read_build_id(struct elf_file *f, uint64_t off, uint64_t len)
{
	uint64_t end;

	if (!in_image(f, off, len))
		return;
	end = off + len;
	while (end - off >= sizeof(Elf64_Nhdr)) {
		Elf64_Nhdr nh;
		uint64_t name_sz, desc_sz;

		memcpy(&nh, f->bytes + off, sizeof(nh));
		off += sizeof(nh);
		name_sz = ((uint64_t)nh.n_namesz + 3) & ~3ull;
		desc_sz = ((uint64_t)nh.n_descsz + 3) & ~3ull;
		if (name_sz > end - off || desc_sz > end - off - name_sz)
			return;
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    !memcmp(f->bytes + off, "GNU", 4) && nh.n_descsz > 0 &&
		    nh.n_descsz <= (ELF_BUILD_ID_MAX - 1) / 2) {
			const uint8_t *d = f->bytes + off + name_sz;

			for (unsigned i = 0; i < nh.n_descsz; i++)
				snprintf(f->build_id + 2 * i, 3, "%02x", d[i]);
			return;
		}
		off += name_sz + desc_sz;
	}
}

static int parse_headers(struct elf_file *f, char *err, size_t errlen)
{
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh;

	if (f->size < sizeof(Elf64_Ehdr) || memcmp(f->bytes, ELFMAG, SELFMAG)) {
		snprintf(err, errlen, "'%s': not an ELF file", f->name);
		return -1;
	}
	eh = ehdr(f);
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_machine != EM_X86_64) {
		snprintf(err, errlen, "'%s': not an x86-64 ELF64 file", f->name);
		return -1;
	}
	f->type = eh->e_type;
	if (eh->e_phoff && eh->e_phentsize == sizeof(Elf64_Phdr) &&
	    in_image(f, eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr))) {
		const Elf64_Phdr *ph =
			(const Elf64_Phdr *)(const void *)(f->bytes + eh->e_phoff);

		f->loads = xcalloc(eh->e_phnum ? eh->e_phnum : 1, sizeof(*f->loads));
		for (unsigned i = 0; i < eh->e_phnum; i++) {
			if (ph[i].p_type == PT_LOAD) {
				struct elf_load *l = &f->loads[f->nloads++];

				l->offset = ph[i].p_offset;
				l->vaddr = ph[i].p_vaddr;
				l->filesz = ph[i].p_filesz;
				l->memsz = ph[i].p_memsz;
				l->flags = ph[i].p_flags;
			} else if (ph[i].p_type == PT_GNU_EH_FRAME) {
				f->eh_frame_hdr_vaddr = ph[i].p_vaddr;
				f->eh_frame_hdr_size = ph[i].p_memsz;
			} else if (ph[i].p_type == PT_NOTE && !f->build_id[0]) {
				read_build_id(f, ph[i].p_offset, ph[i].p_filesz);
			}
		}
	}
	/* separate debug files have no PT_NOTE segment worth reading: sections */
	if (!f->build_id[0] && (sh = find_section(f, ".note.gnu.build-id")) &&
	    sh->sh_type == SHT_NOTE)
		read_build_id(f, sh->sh_offset, sh->sh_size);
	if ((sh = find_section(f, ".gnu_debuglink")) && sh->sh_type != SHT_NOBITS &&
	    in_image(f, sh->sh_offset, sh->sh_size) && sh->sh_size > 0 &&
	    memchr(f->bytes + sh->sh_offset, '\0', sh->sh_size))
		f->debuglink = (const char *)f->bytes + sh->sh_offset;
	return 0;
}

int elf_file_open_fd(int fd, const char *name, struct elf_file **out, char *err,
		     size_t errlen)
{
	struct elf_file *f;
	struct stat st;
	void *m;

	*out = NULL;
	if (fstat(fd, &st) < 0) {
		int e = errno;

		snprintf(err, errlen, "cannot stat '%s': %s", name, strerror(e));
		return -e;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < (off_t)sizeof(Elf64_Ehdr) ||
	    (uint64_t)st.st_size > ELF_SIZE_MAX) {
		snprintf(err, errlen, "'%s': not an ELF file", name);
		return -1;
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED) {
		int e = errno;

		snprintf(err, errlen, "cannot map '%s': %s", name, strerror(e));
		return -e;
	}
	f = xcalloc(1, sizeof(*f));
	f->name = xstrdup(name);
	f->bytes = m;
	f->size = (size_t)st.st_size;
	f->mapped = true;
	if (parse_headers(f, err, errlen) < 0) {
		elf_file_free(f);
		return -1;
	}
	*out = f;
	return 0;
}

int elf_file_open(const char *path, const char *name, struct elf_file **out, char *err,
		  size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	*out = NULL;
	if (fd < 0) {
		int e = errno;

		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(e));
		return -e;
	}
	rc = elf_file_open_fd(fd, name ? name : path, out, err, errlen);
	close(fd);
	return rc;
}

int elf_file_from_bytes(const void *bytes, size_t len, const char *name,
			struct elf_file **out, char *err, size_t errlen)
{
	struct elf_file *f = xcalloc(1, sizeof(*f));
	void *copy = xmalloc(len ? len : 1);

	memcpy(copy, bytes, len);
	f->name = xstrdup(name);
	f->bytes = copy;
	f->size = len;
	*out = NULL;
	if (parse_headers(f, err, errlen) < 0) {
		elf_file_free(f);
		return -1;
	}
	*out = f;
	return 0;
}

void elf_file_free(struct elf_file *f)
{
	if (!f)
		return;
	if (f->mapped)
		munmap((void *)(uintptr_t)f->bytes, f->size);
	else
		free((void *)(uintptr_t)f->bytes);
	elf_file_free(f->debug);
	for (size_t i = 0; i < f->nnames; i++)
		free(f->names[i]);
	free(f->names);
	free(f->syms);
	free(f->loads);
	free(f->name);
	free(f);
}

int elf_file_offset_to_vaddr(const struct elf_file *f, uint64_t off, uint64_t *vaddr)
{
	for (size_t i = 0; i < f->nloads; i++) {
		const struct elf_load *l = &f->loads[i];

		/* a mapping's pgoff is page-aligned below p_offset: round down */
		uint64_t start = l->offset & ~0xfffull;

		if (off >= start && off - start < l->filesz + (l->offset - start)) {
			*vaddr = l->vaddr - (l->offset - start) + (off - start);
			return 0;
		}
	}
	return -1;
}

int elf_file_vaddr_to_offset(const struct elf_file *f, uint64_t vaddr, uint64_t *off)
{
	for (size_t i = 0; i < f->nloads; i++) {
		const struct elf_load *l = &f->loads[i];

		if (vaddr >= l->vaddr && vaddr - l->vaddr < l->filesz) {
			*off = l->offset + (vaddr - l->vaddr);
			return 0;
		}
	}
	return -1;
}

int elf_file_read_vaddr(const struct elf_file *f, uint64_t vaddr, void *buf, size_t len)
{
	uint64_t off;

	for (size_t i = 0; i < f->nloads; i++) {
		const struct elf_load *l = &f->loads[i];

		if (vaddr >= l->vaddr && vaddr - l->vaddr < l->filesz &&
		    len <= l->filesz - (vaddr - l->vaddr)) {
			off = l->offset + (vaddr - l->vaddr);
			if (!in_image(f, off, len))
				return -1;
			memcpy(buf, f->bytes + off, len);
			return 0;
		}
	}
	return -1;
}

/* Binding preference when two symbols share an address: global, weak, local. */
static int bind_rank(unsigned char info)
{
	switch (ELF64_ST_BIND(info)) {
	case STB_GLOBAL:
		return 0;
	case STB_WEAK:
		return 1;
	default:
		return 2;
	}
}

#define RANK_PLT 3 /* a made-up name loses to any symbol at its address */

struct sym_build {
	struct elf_sym s;
	int rank;
	uint64_t section_end; /* where the symbol's section ends; 0 unknown */
};

static int cmp_sym(const void *a, const void *b)
{
	const struct sym_build *x = a, *y = b;

	if (x->s.addr != y->s.addr)
		return x->s.addr < y->s.addr ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank - y->rank;
	/* a sized symbol says more than an unsized one */
	if ((x->s.size == 0) != (y->s.size == 0))
		return x->s.size == 0 ? 1 : -1;
	return strcmp(x->s.name, y->s.name);
}

/* The end address of section shndx when it holds addr, else 0 (unknown). */
static uint64_t section_end(const struct elf_file *f, unsigned shndx, uint64_t addr)
{
	struct elf_section sec;

	if (shndx == SHN_UNDEF || shndx >= SHN_LORESERVE ||
	    elf_file_section(f, shndx, &sec) < 0 || !(sec.addr <= addr) ||
	    addr - sec.addr >= sec.size)
		return 0;
	return sec.addr + sec.size;
}

/* Reads the FUNC symbols of one SHT_SYMTAB/SHT_DYNSYM section of f. */
static size_t load_table(const struct elf_file *f, unsigned type, struct sym_build **out)
{
	const Elf64_Shdr *sh = NULL, *strs;
	struct sym_build *v;
	size_t n = 0, count;

	*out = NULL;
	for (unsigned i = 1; i < ehdr(f)->e_shnum; i++) {
		const Elf64_Shdr *s = shdr(f, i);

		if (!s)
			break;
		if (s->sh_type == type) {
			sh = s;
			break;
		}
	}
	if (!sh || sh->sh_entsize != sizeof(Elf64_Sym) ||
	    !in_image(f, sh->sh_offset, sh->sh_size))
		return 0;
	strs = shdr(f, sh->sh_link);
	if (!strs || !in_image(f, strs->sh_offset, strs->sh_size))
		return 0;
	count = sh->sh_size / sizeof(Elf64_Sym);
	v = xcalloc(count ? count : 1, sizeof(*v));
	for (size_t i = 0; i < count; i++) {
		Elf64_Sym sym;
		const char *name;
		unsigned t;

		memcpy(&sym, f->bytes + sh->sh_offset + i * sizeof(Elf64_Sym),
		       sizeof(sym));
		t = ELF64_ST_TYPE(sym.st_info);
		if ((t != STT_FUNC && t != STT_GNU_IFUNC) || sym.st_shndx == SHN_UNDEF ||
		    sym.st_value == 0 || sym.st_name >= strs->sh_size)
			continue;
		name = image_str(f, strs->sh_offset + sym.st_name);
		if (!name || !*name || !memchr(name, '\0', strs->sh_size - sym.st_name))
			continue;
		v[n].s.addr = sym.st_value;
		v[n].s.size = sym.st_size;
		v[n].s.name = name;
		v[n].rank = bind_rank(sym.st_info);
		v[n].section_end = section_end(f, sym.st_shndx, sym.st_value);
		n++;
	}
	*out = v;
	return n;
}

/* A name made up here, owned by f. */
static const char *keep_name(struct elf_file *f, char *name)
{
	f->names = xrealloc(f->names, (f->nnames + 1) * sizeof(*f->names));
	f->names[f->nnames++] = name;
	return name;
}

/* The FUNC symbol at addr among v (unsorted), or NULL. */
static const char *name_at(const struct sym_build *v, size_t n, uint64_t addr)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].s.addr == addr && v[i].rank < RANK_PLT)
			return v[i].s.name;
	return NULL;
}

/*
 * Appends f's PLT stubs to v as "sym@plt". An IRELATIVE stub is named after
 * the ifunc its resolver belongs to when a symbol sits there, else as perf
 * names it ("*ABS*+0x1234@plt").
 */
static size_t add_plt(struct elf_file *f, struct sym_build **v, size_t n)
{
	struct plt_entry *e;
	size_t ne = plt_entries(f, &e);

	*v = xrealloc(*v, (n + ne + 1) * sizeof(**v));
	for (size_t i = 0; i < ne; i++) {
		const char *sym = e[i].sym ? e[i].sym : name_at(*v, n, e[i].addend);
		size_t len = (sym ? strlen(sym) : 32) + sizeof("@plt");
		char *name = xmalloc(len);

		if (sym)
			snprintf(name, len, "%s@plt", sym);
		else
			snprintf(name, len, "*ABS*+0x%llx@plt",
				 (unsigned long long)e[i].addend);
		(*v)[n + i].s.addr = e[i].addr;
		(*v)[n + i].s.size = e[i].size;
		(*v)[n + i].s.name = keep_name(f, name);
		(*v)[n + i].rank = RANK_PLT;
		(*v)[n + i].section_end = 0;
	}
	free(e);
	return n + ne;
}

/*
 * Sorts, keeps one symbol per address, and ends each unsized symbol where the
 * next one starts or its section ends, whichever is first. One with neither
 * covers its first byte only: stretching it would name code it says nothing
 * about.
 */
static void finish_table(struct elf_file *f, struct sym_build *v, size_t n)
{
	size_t k = 0;

	if (n)
		qsort(v, n, sizeof(*v), cmp_sym);
	f->syms = xcalloc(n ? n : 1, sizeof(*f->syms));
	for (size_t i = 0; i < n; i++) {
		if (k && f->syms[k - 1].addr == v[i].s.addr)
			continue;
		if (v[i].s.size == 0) {
			uint64_t end = v[i].section_end ? v[i].section_end : UINT64_MAX;

			for (size_t j = i + 1; j < n; j++)
				if (v[j].s.addr > v[i].s.addr) {
					if (v[j].s.addr < end)
						end = v[j].s.addr;
					break;
				}
			v[i].s.size = end == UINT64_MAX ? 1 : end - v[i].s.addr;
		}
		f->syms[k++] = v[i].s;
	}
	f->nsyms = k;
}

static void load_symbols(struct elf_file *f)
{
	struct sym_build *v = NULL;
	size_t n = 0;

	f->syms_loaded = true;
	/* the debug file's names live in its image, which f owns */
	if (f->debug)
		n = load_table(f->debug, SHT_SYMTAB, &v);
	if (!n) {
		free(v);
		n = load_table(f, SHT_SYMTAB, &v);
	}
	if (!n) {
		free(v);
		n = load_table(f, SHT_DYNSYM, &v);
	}
	/* the stubs are code of f itself: a debug file's .plt has no bytes */
	n = add_plt(f, &v, n);
	finish_table(f, v, n);
	free(v);
}

const struct elf_sym *elf_file_lookup(struct elf_file *f, uint64_t vaddr)
{
	size_t lo = 0, hi;

	if (!f->syms_loaded)
		load_symbols(f);
	hi = f->nsyms;
	/* the last symbol starting at or below vaddr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->syms[mid].addr <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	if (vaddr - f->syms[lo - 1].addr >= f->syms[lo - 1].size)
		return NULL;
	return &f->syms[lo - 1];
}

size_t elf_file_nsyms(struct elf_file *f)
{
	if (!f->syms_loaded)
		load_symbols(f);
	return f->nsyms;
}

/* Attaches the debug file at path when it is an ELF file with a matching id. */
static bool try_debug(struct elf_file *f, const char *path)
{
	struct elf_file *d;
	char err[256];

	if (access(path, R_OK) < 0)
		return false;
	if (elf_file_open(path, NULL, &d, err, sizeof(err)) < 0)
		return false;
	if ((f->build_id[0] && d->build_id[0] && strcmp(f->build_id, d->build_id)) ||
	    !find_section(d, ".symtab")) {
		elf_file_free(d);
		return false;
	}
	f->debug = d;
	return true;
}

bool elf_file_find_debug(struct elf_file *f, const char *sysroot, const char *dir)
{
	char path[4096];

	if (f->debug)
		return true;
	if (!sysroot)
		sysroot = "";
	if (strlen(f->build_id) > 2) {
		snprintf(path, sizeof(path), DEBUG_ROOT "/.build-id/%.2s/%s.debug",
			 f->build_id, f->build_id + 2);
		if (try_debug(f, path))
			return true;
		snprintf(path, sizeof(path), "%s" DEBUG_ROOT "/.build-id/%.2s/%s.debug",
			 sysroot, f->build_id, f->build_id + 2);
		if (*sysroot && try_debug(f, path))
			return true;
	}
	if (!f->debuglink || strchr(f->debuglink, '/') || !dir)
		return false;
	snprintf(path, sizeof(path), "%s%s/%s", sysroot, dir, f->debuglink);
	/* the link names another file: the file itself is not its debug file */
	if (strcmp(f->name, path) && try_debug(f, path))
		return true;
	snprintf(path, sizeof(path), "%s%s/.debug/%s", sysroot, dir, f->debuglink);
	if (try_debug(f, path))
		return true;
	snprintf(path, sizeof(path), "%s" DEBUG_ROOT "%s/%s", sysroot, dir, f->debuglink);
	return try_debug(f, path);
}
