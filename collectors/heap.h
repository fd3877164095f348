/* SPDX-License-Identifier: MIT */
/*
 * heap: the target's memory in detail, on a slower cadence than the tick.
 * /proc/PID/smaps_rollup gives process totals (Pss, Private_Dirty,
 * Anonymous, LazyFree, Swap) cheaply enough for every few seconds;
 * /proc/PID/smaps gives every VMA and is read rarely, then aggregated into
 * regions (struct heap_mapping_set, core/heap_sample.h) whose keys survive the
 * kernel splitting and merging VMAs, so a region's series can be judged for
 * growth (analysis/leak.h). Also: how often each may be read so the reading
 * stays under 1% of a core, and the memory limit a leak would run into.
 *
 * Parsing (text -> struct) is apart from reading (path -> text) as in every
 * collector: the parsers take any text and never crash; the readers take a
 * proc root ("/proc" or a fixture tree) and a pid.
 *
 * Classification of a VMA (first rule that matches):
 * - "[heap]"                               heap   key "heap"
 * - "[stack]" ("[stack:TID]" before 4.5)   stack  key "stack" ("stack:[stack:TID]")
 * - "[anon:NAME]" (PR_SET_VMA_ANON_NAME)   anon   key "anon:[anon:NAME]"
 * - "[anon_shmem:NAME]"                    shmem  key "shmem:[anon_shmem:NAME]"
 * - any other "[...]" (vdso, vvar, vsyscall, uprobes)  other  key "other:[...]"
 * - a path under /dev/shm/, /SYSV*, /memfd:*, /dev/zero (shared anonymous)
 *                                          shmem  key "shmem:PATH"
 * - any other path                         file   key "file:PATH"
 * - no path, and a thread stack (below)    stack  key "stack:END" (hex)
 * - no path otherwise                      anon   key "anon:END"  (hex)
 *
 * Thread stacks are found by their guard: glibc puts a PROT_NONE guard below
 * every pthread stack (HotSpot puts its guard zones there too), so an
 * anonymous "---p" VMA of at most HEAP_GUARD_MAX bytes directly followed by an
 * anonymous readable+writable VMA of at least HEAP_STACK_MIN bytes is a guard
 * and its stack. The one look-alike is a glibc malloc arena whose reserved
 * tail below happens to be small; arenas start on a 64 MiB boundary
 * (HEAP_MAX_SIZE), so a writable part starting there is never taken for a
 * stack. Both VMAs go to the stack, keyed by the stack's end (its top, which
 * never moves). Stack pointers from task/TID/stat (field 29) were not used:
 * the kernel zeroes them unless the task is dumping core, and field 28 is the
 * main thread's stack for every thread.
 *
 * Why the keys survive splits, merges and growth:
 * - heap: there is one brk heap; it grows and shrinks at its end and may be
 *   split by mprotect, and every piece named "[heap]" sums into "heap".
 * - file and shmem: every VMA of one path sums into one region, whatever its
 *   offset. mprotect of part of a mapping (RELRO, the JIT) splits a VMA into
 *   pieces with different offsets, which a path+offset key would turn into new
 *   regions; the path is the same before and after. (A file replaced on disk
 *   shows as "PATH (deleted)", a different region, which it is.)
 * - anon: adjacent anonymous VMAs form a run, keyed by the run's END address.
 *   Anonymous memory grows at the bottom of a run and keeps its top: the
 *   kernel hands out mmap addresses top-down, so a new mapping lands directly
 *   below the previous one (and is even merged into it, which moves the VMA's
 *   start but not the end); a glibc arena is a 64 MiB reservation whose rw
 *   part grows upward by mprotect inside a PROT_NONE tail that ends at the
 *   fixed end of the reservation (the split moves the boundary, the run's end
 *   stays); the JVM's heap and V8's pages are reservations committed inside
 *   in the same way. What does move a key: munmap of the top VMA of a run, a
 *   hole above a run being filled (the run joins the one above, whose key
 *   wins), and mremap moving a chunk elsewhere. Each of those is a one-off
 *   step in two regions' series, which the leak analysis does not take for
 *   growth.
 * - stack: a thread stack's top is fixed for the thread's life.
 */
#ifndef VIGIL_COLLECTORS_HEAP_H
#define VIGIL_COLLECTORS_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/heap_sample.h"

#define HEAP_GUARD_MAX (1u << 20)      /* largest PROT_NONE guard below a stack */
#define HEAP_STACK_MIN (16u << 10)     /* PTHREAD_STACK_MIN */
#define HEAP_ARENA_ALIGN (64ull << 20) /* glibc HEAP_MAX_SIZE on 64-bit */

/* ---- smaps_rollup ---- */

/*
 * Parses smaps_rollup text: Rss, Pss, Private_Dirty, Anonymous and Swap are
 * required; LazyFree, Pss_Anon and SwapPss are optional (have bits). Returns
 * 0 having filled the sizes and have of *out (t_ms and cost_ns untouched), or
 * -1 leaving *out untouched.
 */
int heap_parse_rollup(const char *text, struct heap_rollup *out);

/*
 * Reads <root>/<pid>/smaps_rollup (root NULL: "/proc") into *out, with t_ms
 * as given and cost_ns the CPU time the calling thread spent reading and
 * parsing. Returns 0, or -errno (-ENOENT: the process is gone or the kernel
 * is older than 4.14) / -EBADMSG (unparsable) with the reason in err.
 */
int heap_read_rollup(const char *proc_root, int pid, int64_t t_ms,
		     struct heap_rollup *out, char *err, size_t errlen);

/* ---- smaps ---- */

/* One VMA as smaps shows it. */
struct heap_vma {
	uint64_t start, end, offset, inode;
	char perms[5];
	char *path; /* owned; NULL for an anonymous mapping */
	uint64_t size, rss, pss, anon, swap;
};

/*
 * An incremental smaps parser: feed it lines (streamed from a file of any
 * size), then heap_smaps_finish() classifies and aggregates. Holds every VMA
 * until then (the classification looks at neighbours).
 */
struct heap_smaps {
	size_t n, cap;
	struct heap_vma *vmas; /* owned */
	size_t bad_lines;      /* lines that were neither a header nor a field */
};

void heap_smaps_init(struct heap_smaps *p);
void heap_smaps_release(struct heap_smaps *p);
/* One line without its newline (len bytes; need not be NUL-terminated). */
void heap_smaps_line(struct heap_smaps *p, const char *line, size_t len);

/*
 * Classifies p's VMAs and sums them into regions in *out (released first),
 * sorted by key; out->nvmas is the VMA count, t_ms and cost_ns are left as
 * they were. p is emptied. Returns 0, or -1 when no VMA was read at all.
 */
int heap_smaps_finish(struct heap_smaps *p, struct heap_mapping_set *out);

/* Parses a whole smaps text into *out: heap_smaps_line() per line + finish. */
int heap_parse_smaps(const char *text, struct heap_mapping_set *out);

/*
 * The kind and key one VMA gets, given the VMAs before and after it (NULL at
 * either end) and, for anonymous runs, the end address of its run. Exposed so
 * the rules can be tested one by one; key is written to key (cut to cap).
 */
enum heap_kind heap_classify(const struct heap_vma *prev, const struct heap_vma *vma,
			     const struct heap_vma *next, uint64_t run_end, char *key,
			     size_t cap);

/*
 * Reads <root>/<pid>/smaps, streamed (60,000 VMAs are ~50 MiB of text), into
 * *out (released first) with t_ms as given and cost_ns the calling thread's
 * CPU time for the read, parse and aggregation. Returns 0, or -errno with the
 * reason in err.
 */
int heap_read_smaps(const char *proc_root, int pid, int64_t t_ms,
		    struct heap_mapping_set *out, char *err, size_t errlen);

/* ---- cadence ---- */

/*
 * When to read next. A reading that cost C (CPU) is followed by the next one
 * no sooner than HEAP_COST_FACTOR * C later (so reading costs at most 1% of
 * one core) and never sooner than the configured period; a request for a
 * reading now (the operator asked) skips the period but not the cost bound.
 * Times are ms on any one clock, as long as it is the same for every call.
 */
#define HEAP_COST_FACTOR 100
#define HEAP_ROLLUP_PERIOD_MS 10000
#define HEAP_SMAPS_PERIOD_MS 30000

struct heap_cadence {
	int64_t period_ms;
	int64_t last_ms; /* when the last reading started; valid once ran */
	int64_t cost_ns; /* what it cost */
	int64_t next_ms; /* due at or after this */
	bool ran;
};

void heap_cadence_init(struct heap_cadence *c, int64_t period_ms);
/* Whether a reading is due at now_ms (the first one always is). */
bool heap_cadence_due(const struct heap_cadence *c, int64_t now_ms);
/* Records a reading that started at started_ms and cost cost_ns. */
void heap_cadence_done(struct heap_cadence *c, int64_t started_ms, int64_t cost_ns);
/* Asks for a reading as soon as the cost bound allows. */
void heap_cadence_request(struct heap_cadence *c, int64_t now_ms);
/* The gap the cadence keeps now: max(period, HEAP_COST_FACTOR * cost) in ms. */
int64_t heap_cadence_interval_ms(const struct heap_cadence *c);

/* ---- the memory limit a leak runs into ---- */

enum heap_limit_source {
	HEAP_LIMIT_NONE,     /* nothing readable */
	HEAP_LIMIT_CGROUP1,  /* memory.limit_in_bytes of the v1 memory cgroup */
	HEAP_LIMIT_CGROUP2,  /* memory.max of the v2 cgroup */
	HEAP_LIMIT_MEMTOTAL, /* no cgroup limit below the machine's memory */
};

/* "none" "cgroup1" "cgroup2" "memtotal". Static. */
const char *heap_limit_source_name(enum heap_limit_source s);

/*
 * The most memory pid can have: the smallest limit on its memory cgroup and
 * the cgroup's ancestors (v1 memory.limit_in_bytes under
 * <cgroup_root>/memory when <pid>/cgroup names a v1 memory controller, as on
 * hybrid machines; otherwise v2 memory.max under <cgroup_root>), or MemTotal
 * when that is smaller or there is no limit. "max" and the v1 "unlimited"
 * value (>= 2^62) are no limit. proc_root NULL is "/proc", cgroup_root NULL
 * is "/sys/fs/cgroup". Returns 0 with *limit and *source, or -errno with the
 * reason in err when not even MemTotal could be read.
 */
int heap_memory_limit(const char *proc_root, const char *cgroup_root, int pid,
		      uint64_t *limit, enum heap_limit_source *source, char *err,
		      size_t errlen);

#endif
