/* SPDX-License-Identifier: MIT */
/*
 * symbols: a small ELF64 reader for the profiler. One struct elf_file is one
 * module image (an executable, a shared object, the vdso, a separate debug
 * file) held in memory (mmap of the file, or a private copy of bytes), and
 * answers the questions the unwinder and the symboliser ask of it:
 *
 * - which virtual address a file offset has (PT_LOAD p_offset/p_vaddr), so a
 *   mapping's load bias can be computed for PIE executables and shared
 *   objects, and which file bytes an address stands for;
 * - where .eh_frame_hdr is (PT_GNU_EH_FRAME), for DWARF unwinding;
 * - the build id (NT_GNU_BUILD_ID) and .gnu_debuglink, so the debug file of a
 *   stripped binary is found under /usr/lib/debug when it is installed;
 * - which function covers an address: FUNC/IFUNC symbols of .symtab (else
 *   .dynsym) of the debug file when there is one, plus one "name@plt" per
 *   PLT entry (collectors/plt.h), sorted and searched by binary search; a
 *   symbol without a size ends where the next one starts or where its
 *   section ends, whichever comes first (so `_init` never swallows .plt);

 * Where a function starts when no symbol names it is collectors/ehframe.h's
 * question, answered from the same image.
 *
 * Invariants: nothing in the file is trusted. Every offset, size, count and
 * string read from it is checked against the image size before use; a
 * malformed file yields -1 with a reason, or simply no symbols, never a read
 * outside the image. An elf_file is immutable once the symbol table is built
 * (elf_file_lookup builds it on first use, so a file is used by one thread).
 * Only x86-64 little-endian ELF64 is accepted.
 */
#ifndef VIGIL_COLLECTORS_SYMBOLS_H
#define VIGIL_COLLECTORS_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_BUILD_ID_MAX 41 /* 20 bytes as hex, NUL */

struct elf_sym {
	uint64_t addr, size; /* link-time virtual address and size */
	const char *name;    /* into the image that holds the table, or names[] */
};

/* One section header, as read (sh_*); name "" when it has none. */
struct elf_section {
	const char *name;
	uint32_t type, link, info;
	uint64_t addr, offset, size, entsize;
};

struct elf_load {
	uint64_t offset, vaddr, filesz, memsz;
	uint32_t flags; /* PF_R | PF_W | PF_X */
};

struct elf_file {
	char *name;	      /* owned: the path it was opened as, or a label */
	const uint8_t *bytes; /* the image, size bytes */
	size_t size;
	bool mapped;			 /* bytes is an mmap (else malloc'd) */
	uint16_t type;			 /* ET_EXEC or ET_DYN */
	char build_id[ELF_BUILD_ID_MAX]; /* hex, "" when absent */
	struct elf_load *loads;		 /* owned, PT_LOAD headers in file order */
	size_t nloads;
	uint64_t eh_frame_hdr_vaddr, eh_frame_hdr_size; /* 0 when absent */
	const char *debuglink;				/* into bytes; NULL when absent */

	/* built on first lookup */
	bool syms_loaded;
	struct elf_sym *syms; /* owned, sorted by addr, one per address */
	size_t nsyms;
	char **names; /* owned: names made up here ("puts@plt") */
	size_t nnames;
	struct elf_file *debug; /* owned: the separate debug file, if found */
};

/*
 * Opens path, maps it read-only and reads its headers. Returns 0 and sets *out
 * (the caller frees it with elf_file_free), or -errno / -1 with a reason in
 * err. name is recorded as the file's name (path when NULL).
 */
int elf_file_open(const char *path, const char *name, struct elf_file **out, char *err,
		  size_t errlen);
/* The same over an open descriptor (not closed, not kept). */
int elf_file_open_fd(int fd, const char *name, struct elf_file **out, char *err,
		     size_t errlen);
/* The same over bytes in memory, which are copied (the vdso). */
int elf_file_from_bytes(const void *bytes, size_t len, const char *name,
			struct elf_file **out, char *err, size_t errlen);
/* Frees f, its tables and its debug file. NULL is ignored. */
void elf_file_free(struct elf_file *f);

/*
 * The virtual address of file offset off, from the PT_LOAD that covers it.
 * Returns 0, or -1 when no PT_LOAD covers off.
 */
int elf_file_offset_to_vaddr(const struct elf_file *f, uint64_t off, uint64_t *vaddr);
/* The file offset of vaddr (inside some PT_LOAD's file bytes); 0 or -1. */
int elf_file_vaddr_to_offset(const struct elf_file *f, uint64_t vaddr, uint64_t *off);
/* Copies len bytes at vaddr out of the file image. Returns 0, or -1 when any
 * of them is outside the file-backed part of a PT_LOAD. */
int elf_file_read_vaddr(const struct elf_file *f, uint64_t vaddr, void *buf, size_t len);

/*
 * Section i (1 .. e_shnum - 1) of f into *out. Returns 0, or -1 when there is
 * no such section or its header lies outside the image. The bytes of a
 * section are not checked here: callers check offset and size.
 */
int elf_file_section(const struct elf_file *f, unsigned i, struct elf_section *out);
/* The first section called name; 0 or -1. */
int elf_file_find_section(const struct elf_file *f, const char *name,
			  struct elf_section *out);
/* The NUL-terminated string at off inside string table strtab, or NULL. */
const char *elf_file_string(const struct elf_file *f, const struct elf_section *strtab,
			    uint64_t off);

/*
 * Looks for the separate debug file: /usr/lib/debug/.build-id/xx/yyyy.debug,
 * then the .gnu_debuglink name next to the file, in its .debug/ directory and
 * under /usr/lib/debug/<dir>/. dir is the directory of the file as the target
 * sees it; sysroot ("" or "/proc/PID/root") is prepended to every candidate
 * except the host's build-id directory. A debug file whose build id differs is
 * ignored. Returns true when one was attached (f->debug).
 */
bool elf_file_find_debug(struct elf_file *f, const char *sysroot, const char *dir);

/* The function covering link-time address vaddr, or NULL. Builds the table
 * on first use (from the debug file when one is attached and has symbols). */
const struct elf_sym *elf_file_lookup(struct elf_file *f, uint64_t vaddr);
/* Number of function symbols (after building the table). */
size_t elf_file_nsyms(struct elf_file *f);

#endif
