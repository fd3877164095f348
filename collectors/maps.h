/* SPDX-License-Identifier: MIT */
/*
 * maps: what one process has mapped, as the profiler needs it. The mappings
 * of <proc_root>/<pid>/maps, each file-backed one tied to the module image it
 * maps (collectors/symbols.h), with the load bias that turns a runtime
 * address into the module's link-time address.
 *
 * - Module files are opened as the target sees them: <root>/<pid>/root/<path>
 *   (containers, chroots), and for deleted-but-mapped files, or when the file
 *   found there is not the mapped inode, <root>/<pid>/map_files/<start-end>.
 * - Images are cached by build id (else by path and inode), so re-reading the
 *   maps after a dlopen keeps every module already parsed, and two mappings
 *   of one library share one image.
 * - The vdso is the same image in every process of a kernel (only its address
 *   differs), so it is copied once from this process's own vdso
 *   (getauxval(AT_SYSINFO_EHDR)): no ptrace access to the target is needed
 *   and nothing is read from a live process. When this process has no vdso,
 *   the target's is read from <root>/<pid>/mem.
 * - JIT code is named from /tmp/perf-<pid>.map, re-read when it changes.
 * - Reads of module bytes come from the files, never from the target's live
 *   memory, so they cannot race with the target writing it.
 *
 * A struct maps is used by one thread (the profiler's). generation counts
 * re-reads that changed something: unwind caches keyed on addresses must be
 * flushed when it moves.
 */
#ifndef VIGIL_COLLECTORS_MAPS_H
#define VIGIL_COLLECTORS_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collectors/symbols.h"

struct map_entry {
	uint64_t start, end, pgoff;
	uint64_t inode;
	char perms[5]; /* "r-xp" */
	char *path;    /* owned; "" anonymous, "[vdso]", "[stack]", "/usr/lib/..." */
	bool deleted;  /* path ended in " (deleted)" (stripped from path) */
	/* resolved on first use */
	bool tried;
	struct elf_file *elf; /* borrowed from the cache; NULL when unreadable */
	uint64_t bias;	      /* runtime address - link-time address */
};

/*
 * Parses the text of a maps file into *out (n entries, ascending, the caller
 * frees them with maps_entries_free). Malformed lines are skipped. Returns the
 * number of entries.
 */
size_t maps_parse(const char *text, struct map_entry **out);
void maps_entries_free(struct map_entry *v, size_t n);

struct maps;

/* A view of pid under proc_root (NULL: "/proc"); the caller frees it with
 * maps_free. Returns NULL with a reason in err when the maps cannot be read. */
struct maps *maps_new(const char *proc_root, int pid, char *err, size_t errlen);
void maps_free(struct maps *m);

/* Re-reads the maps. Returns 0, or -errno (the process is gone: -ENOENT/-ESRCH)
 * leaving the previous entries in place. */
int maps_refresh(struct maps *m);
/* Bumped whenever a refresh changed the mappings. */
unsigned maps_generation(const struct maps *m);

/*
 * The mapping covering addr, re-reading the maps once when none does (at most
 * once per maps_allow_refresh call, so a wild address costs one read, not one
 * per frame). The entry is valid until the next refresh.
 */
struct map_entry *maps_find(struct maps *m, uint64_t addr);
/* Allows the next miss in maps_find to re-read the maps (once per sample). */
void maps_allow_refresh(struct maps *m);

/* The module image of e (opened and cached on first use), or NULL. */
struct elf_file *maps_module(struct maps *m, struct map_entry *e);

/*
 * Copies len bytes at runtime address addr from the file of the module mapped
 * there. Returns 0, or -1 when the address is not file-backed.
 */
int maps_read(struct maps *m, uint64_t addr, void *buf, size_t len);

/*
 * Names addr: function into fn, module into mod ("[vdso]", "[jit]", the
 * file's basename, "" unknown). A symbol's name is demangled
 * (collectors/demangle.h); a PLT stub is "sym@plt". Code no symbol covers is
 * "module+0xSTART", START the link-time address (as nm and addr2line -e
 * take it) of the function's start from .eh_frame, so one function is one
 * name; of addr itself when no FDE covers it either.
 * Returns 0 when a symbol was found, 1 when only a module offset is known,
 * -1 when no mapping covers addr.
 */
int maps_symbolize(struct maps *m, uint64_t addr, char *fn, size_t fnlen, char *mod,
		   size_t modlen);

/* The mapping of a file (or the vdso) that covers an address. */
struct maps_region {
	uint64_t start, end, pgoff; /* as in the maps line */
	const char *path;	    /* borrowed: the entry's path, "[vdso]" */
	const char *build_id;	    /* borrowed: the image's, "" when unknown */
};

/*
 * The mapping covering addr, when a file (path starting with '/') or the
 * vdso backs it: 0 with *out filled, valid until the next refresh; -1 for
 * anonymous memory, JIT code and addresses nothing maps. The build id is
 * the module image's (collectors/symbols.h reads NT_GNU_BUILD_ID from the
 * file as maps_module opened it), "" when the image could not be read.
 */
int maps_region(struct maps *m, uint64_t addr, struct maps_region *out);

/* How many modules were opened and how many could not be (for meta.why). */
void maps_counts(const struct maps *m, size_t *modules, size_t *unreadable);

#endif
