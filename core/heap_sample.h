/* SPDX-License-Identifier: MIT */
/*
 * heap_sample: the plain structs that carry the target's heap detail inside
 * a frame, read on their own cadence (collectors/heap.c, collectors/hsperf.c)
 * and judged by analysis/leak.c: one smaps_rollup reading, one set of
 * mapping regions from smaps, one HotSpot (JVM) heap reading.
 *
 * Invariants:
 * - Sizes are bytes, times ms since the epoch (t_ms) or ns of cost, all as
 *   read; nothing here is a rate.
 * - A mapping set is sorted by key, keys are unique, and every string in it
 *   is owned by the set: heap_mapping_set_release() frees them all.
 * - A region key names the same memory from one reading to the next even
 *   when the kernel splits or merges the VMAs under it (see
 *   collectors/heap.h for how keys are made and why they hold).
 * - A field the source did not provide is flagged missing in a HAVE_* bit
 *   set and reads 0, never a guess.
 * Depends on libc and core/xalloc only.
 */
#ifndef VIGIL_CORE_HEAP_SAMPLE_H
#define VIGIL_CORE_HEAP_SAMPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One /proc/PID/smaps_rollup reading. */
enum heap_rollup_have {
	HEAP_ROLLUP_HAVE_LAZYFREE = 1u << 0, /* kernel >= 4.12 */
	HEAP_ROLLUP_HAVE_PSS_ANON = 1u << 1, /* kernel >= 5.8 */
};

struct heap_rollup {
	int64_t t_ms;	 /* when it was read */
	int64_t cost_ns; /* what reading and parsing it cost */
	unsigned have;	 /* HEAP_ROLLUP_HAVE_* */
	uint64_t rss, pss, pss_anon, private_dirty, anonymous, lazyfree, swap, swap_pss;
};

/* What a region of the address space holds. */
enum heap_kind {
	HEAP_KIND_HEAP,	 /* [heap]: the brk heap */
	HEAP_KIND_ANON,	 /* anonymous: malloc arenas and mmapped chunks, runtime heaps */
	HEAP_KIND_STACK, /* [stack] and thread stacks (with their guard pages) */
	HEAP_KIND_FILE,	 /* file-backed: binaries, libraries, mapped files */
	HEAP_KIND_SHMEM, /* shared memory: /dev/shm, SysV, memfd, shared anonymous */
	HEAP_KIND_OTHER, /* [vdso], [vvar], [vsyscall] and other kernel mappings */
	HEAP_KIND_N
};

/* "heap" "anon" "stack" "file" "shmem" "other"; "?" out of range. Static. */
const char *heap_kind_name(enum heap_kind kind);

/* One region: every VMA that shares a key, summed. */
struct heap_mapping {
	char *key;  /* owned; stable across splits and merges, unique in a set */
	char *name; /* owned; for people: a path, "[heap]", "[anon]", "[stack]" */
	enum heap_kind kind;
	uint32_t vmas; /* VMAs summed into it at this reading */
	uint64_t size, rss, anon, swap, pss;
};

/* One /proc/PID/smaps reading, aggregated into regions. */
struct heap_mapping_set {
	int64_t t_ms;
	int64_t cost_ns; /* reading, parsing and aggregating */
	size_t nvmas;	 /* VMAs read */
	size_t n;
	struct heap_mapping *maps;	/* owned, n entries, ascending key (strcmp) */
	uint64_t total[HEAP_KIND_N][2]; /* per kind: [0] rss, [1] anon bytes */
};

/* Frees every region and its strings; the set reads empty and may be refilled. */
void heap_mapping_set_release(struct heap_mapping_set *s);
/* A set from the heap (xcalloc'd), zeroed; the caller frees it with _free. */
struct heap_mapping_set *heap_mapping_set_new(void);
/* Releases and frees s. NULL is ignored. */
void heap_mapping_set_free(struct heap_mapping_set *s);
/* Binary search by key; NULL when absent. The result is borrowed from s. */
const struct heap_mapping *heap_mapping_set_find(const struct heap_mapping_set *s,
						 const char *key);

/* One HotSpot performance-data reading (what `jstat -gc` shows), bytes and ms. */
enum jvm_have {
	JVM_HAVE_YOUNG = 1u << 0,      /* young_used, young_capacity */
	JVM_HAVE_OLD = 1u << 1,	       /* old_used, old_capacity */
	JVM_HAVE_META = 1u << 2,       /* meta_used, meta_capacity */
	JVM_HAVE_GC = 1u << 3,	       /* young_gcs, young_gc_ms, full_gcs, full_gc_ms */
	JVM_HAVE_CONCURRENT = 1u << 4, /* concurrent_gcs, concurrent_gc_ms (G1, ZGC...) */
	JVM_HAVE_OLD_AFTER_GC = 1u << 5, /* a collection ended since the last reading */
	JVM_HAVE_OLD_MAX = 1u << 6	 /* old_max (the heap limit a leak runs into) */
};

struct jvm_sample {
	int64_t t_ms;
	int pid; /* the host pid (the file is named after the namespace pid) */
	unsigned have;
	uint64_t young_used, young_capacity; /* eden + survivors */
	uint64_t old_used, old_capacity;
	uint64_t old_max; /* the most the old generation may grow to (-Xmx for G1) */
	uint64_t meta_used, meta_capacity;
	uint64_t young_gcs, full_gcs, concurrent_gcs; /* collector invocations */
	double young_gc_ms, full_gc_ms, concurrent_gc_ms;
	/*
	 * old_used at this reading when a collector's invocation count changed
	 * since the previous reading (JVM_HAVE_OLD_AFTER_GC): the post-GC floor.
	 */
	uint64_t old_after_gc;
	char collector[64]; /* sun.gc.collector.0.name, e.g. "G1 incremental collections"
			     */
};

/* What the leak analysis said about the target at one moment (a frame
 * carries one each time the analysis ran). */
struct heap_verdict {
	char source[8]; /* "rss" (RssAnon + VmSwap floors) or "jvm" (old gen after GC) */
	char state[20]; /* insufficient-data stable growing leak-suspect */
	double rate_bytes_per_hour;
	double confidence;	/* 0..1 */
	double time_to_limit_s; /* < 0 unknown or not leaking */
	int64_t since_ms;	/* where the rise starts; 0 none */
	uint64_t limit_bytes;	/* cgroup limit or MemTotal (for a JVM its old
				   generation's maximum when smaller); 0 unknown */
	uint64_t floor_bytes;	/* the latest floor */
	size_t floors;		/* floors judged */
};

/* Most suspects raised with one verdict (the process and its top regions). */
#define HEAP_SUSPECTS_MAX 16

/*
 * One suspect the leak analysis raised with a verdict: the process itself
 * (its RssAnon + swap floor, or a JVM's old generation) or one region of its
 * address space whose resident anonymous memory keeps rising (ranked by rate).
 */
struct heap_suspect {
	char kind[8];	/* "process" or "mapping" */
	char region[8]; /* a mapping's heap_kind_name(); "" for the process */
	char key[128];	/* a mapping's region key; "" for the process */
	char name[128]; /* the process's comm, or the region's name */
	double rate_bytes_per_hour;
	uint64_t size_bytes; /* the latest floor (process) or anon + swap (mapping) */
	int64_t since_ms;    /* where the rise starts; 0 unknown */
	int64_t mapping_id;  /* the region's row in a session (queries); 0 otherwise */
};

#endif