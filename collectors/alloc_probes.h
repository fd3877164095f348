/* SPDX-License-Identifier: MIT */
/*
 * alloc_probes: uprobes on the allocator functions a process maps, as
 * events for collectors/perf_sampler.h (perf_sampler_open_events).
 *
 * - The uprobe PMU (/sys/bus/event_source/devices/uprobe) takes the file in
 *   config1 (a path pointer) and the function's file offset in config2; the
 *   bit named by format/retprobe makes it a return probe.
 * - Functions are found by name in the symbol tables (collectors/symbols.h)
 *   of every executable file mapping of the target, read through
 *   /proc/PID/root: malloc, calloc, realloc, free, memalign/aligned_alloc,
 *   posix_memalign, and glibc's __libc_ aliases. A jemalloc or tcmalloc
 *   that exports these names is probed like glibc (both are, when both are
 *   mapped; only the one the program calls fires).
 * - Entry probes of the allocating functions copy the user stack (for the
 *   call site); their return probes and free's entry take registers only.
 *   Without `live` (bytes allocated only) there are no return or free
 *   probes: each one is a trap on every call, and an uretprobe two.
 *
 * Tags (perf_sample.tag) are ALLOC_TAG(fn, ret).
 */
#ifndef VIGIL_COLLECTORS_ALLOC_PROBES_H
#define VIGIL_COLLECTORS_ALLOC_PROBES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collectors/perf_sampler.h"

enum alloc_fn {
	ALLOC_MALLOC,
	ALLOC_CALLOC,
	ALLOC_REALLOC,
	ALLOC_FREE,
	ALLOC_MEMALIGN, /* and aligned_alloc: (alignment, size) */
	ALLOC_POSIX_MEMALIGN,
	ALLOC_NFN
};

#define ALLOC_TAG(fn, ret) (1 + (int)(fn)*2 + ((ret) ? 1 : 0))
#define ALLOC_TAG_FN(tag) ((enum alloc_fn)(((tag)-1) / 2))
#define ALLOC_TAG_RET(tag) ((((tag)-1) & 1) != 0)

#define ALLOC_MODULES_MAX 4

struct alloc_probes {
	struct perf_sampler_event ev[PERF_SAMPLER_EVENTS_MAX];
	size_t n;
	char *paths[ALLOC_MODULES_MAX]; /* owned: what config1 points to */
	size_t npaths;
	char modules[256]; /* basenames of the modules probed, ", " apart */
};

/*
 * Finds the allocator functions of pid (proc_root NULL: /proc) and fills
 * out, each allocating function's entry copying stack_size bytes of stack.
 * 0, or -errno with a reason in err (no uprobe PMU: -ENOENT; no allocator
 * found: -ESRCH when the process is gone, else -ENOENT).
 */
int alloc_probes_find(const char *proc_root, int pid, size_t stack_size, bool live,
		      struct alloc_probes *out, char *err, size_t errlen);
void alloc_probes_release(struct alloc_probes *p);
/* Orders the events by calls[] of their function, fewest first (stable):
 * the sampler closes the last first, so the busiest function's breakpoints
 * leave the target first (and are opened last). alloc_probes_find puts
 * malloc last. */
void alloc_probes_order(struct alloc_probes *p, const uint64_t calls[ALLOC_NFN]);

#endif
