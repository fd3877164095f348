/* SPDX-License-Identifier: MIT */
/*
 * hsperf: the HotSpot performance-data file of a JVM (the shared memory file
 * jstat reads, /tmp/hsperfdata_<user>/<pid> inside the JVM's mount
 * namespace), parsed into named counters and turned into a struct jvm_sample
 * (core/heap_sample.h): heap used and capacity per generation, metaspace, collector
 * invocations and times, and the old generation's post-GC floor.
 *
 * The file is another process's memory, rewritten while we read it, and may
 * be truncated, half-initialised or garbage. The parser copies it once and
 * checks every offset and length against the copy before it touches a byte;
 * anything out of bounds fails the whole parse with -1 and a message. It
 * never crashes on any input (tests/unit/test_hsperf.c feeds it damaged and
 * random files).
 *
 * Format (perfMemory.hpp, version 2.x): a 32-byte prologue
 *   u4 magic 0xcafec0c0 (always big-endian), u1 byte_order (0 big, 1 little),
 *   u1 major, u1 minor, u1 accessible, s4 used, s4 overflow,
 *   s8 mod_time_stamp, s4 entry_offset, s4 num_entries
 * then num_entries entries from entry_offset, each
 *   s4 entry_length, s4 name_offset, s4 vector_length, u1 data_type,
 *   u1 flags, u1 data_units, u1 data_variability, s4 data_offset
 * with the NUL-terminated name and the data inside the entry. Integers after
 * the magic are in byte_order. data_type 'J' is a jlong scalar, 'B' with a
 * vector_length a byte string (NUL-padded); other types are kept unparsed.
 */
#ifndef VIGIL_COLLECTORS_HSPERF_H
#define VIGIL_COLLECTORS_HSPERF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/heap_sample.h"

#define HSPERF_MAGIC 0xcafec0c0u
#define HSPERF_PROLOGUE_SIZE 32
#define HSPERF_ENTRY_HEADER_SIZE 20
/* Files above this are refused; -XX:PerfDataMemorySize defaults to 32 KiB. */
#define HSPERF_FILE_MAX (8u << 20)

struct hsperf_entry {
	const char *name; /* points into the parsed copy; NUL-terminated */
	char type;	  /* 'J', 'B', or another data_type left unparsed */
	uint8_t units;	  /* data_units: 1 none, 2 bytes, 3 ticks, 4 events, 5 string, 6
			     hertz */
	uint8_t variability; /* 1 constant, 2 monotonic, 3 variable */
	uint32_t vector_len; /* 0 for a scalar */
	int64_t value;	     /* 'J' scalars */
	const char *text;    /* 'B' vectors: points into the copy, not NUL-terminated */
	size_t text_len;     /* up to the first NUL within the vector */
};

struct hsperf {
	unsigned char *copy; /* owned: the bytes parsed; entries point into it */
	size_t len;
	bool big_endian;
	int major, minor;
	bool accessible;
	size_t n;
	struct hsperf_entry *entries; /* owned, in file order */
};

/*
 * Parses len bytes at data (copied; data may change afterwards). Returns 0 and
 * fills *out, which the caller releases with hsperf_release(); or returns -1,
 * leaves *out zeroed and writes the reason to err ("bad magic", "entry 12 out
 * of bounds", ...). A file whose accessible flag is clear (the JVM is still
 * starting) parses, with accessible false.
 */
int hsperf_parse(const void *data, size_t len, struct hsperf *out, char *err,
		 size_t errlen);
/* Frees the copy and the entries; *h reads empty. */
void hsperf_release(struct hsperf *h);

/* The entry called name; NULL when there is none. Borrowed from h. */
const struct hsperf_entry *hsperf_find(const struct hsperf *h, const char *name);
/* A 'J' counter's value: 0, or -1 when missing or not a jlong scalar. */
int hsperf_long(const struct hsperf *h, const char *name, int64_t *out);
/* A 'B' string copied to buf (cut to cap, NUL-terminated): 0, or -1. */
int hsperf_string(const struct hsperf *h, const char *name, char *buf, size_t cap);

/*
 * The jstat -gc view of h: young = sun.gc.generation.0 (used summed over its
 * spaces, capacity of the generation), old = sun.gc.generation.1, metaspace =
 * sun.gc.metaspace; collectors 0 (young), 1 (full) and 2 (concurrent, when
 * the collector has one) with times converted by sun.os.hrt.frequency.
 * Fills the have bits for what was found and leaves t_ms, pid and
 * old_after_gc alone. Returns 0, or -1 when not even the old generation is
 * there (not a HotSpot heap we understand).
 */
int hsperf_to_jvm(const struct hsperf *h, struct jvm_sample *out);

/*
 * Whether a command line (as in /proc/PID/cmdline: arguments separated by
 * NULs, len bytes) looks like a JVM: argv[0]'s base name is java, javaw or
 * jsvc, or an argument is a -XX: option or -jar. The hsperfdata file itself
 * is the other test (hsperf_collector_open).
 */
bool hsperf_cmdline_is_jvm(const char *cmdline, size_t len);

/* Opaque: the file's path, the previous collector counts, a read buffer. */
struct hsperf_collector;

/*
 * Finds the performance-data file of pid under proc_root (NULL: "/proc"):
 * <root>/<pid>/root/tmp/hsperfdata_<user>/<nspid>, where nspid is the last
 * NSpid field of <pid>/status (the pid inside the JVM's pid namespace) and
 * user the name of the effective uid in this machine's passwd; when that file
 * is missing (a container's users differ) every <root>/<pid>/root/tmp/
 * hsperfdata_* directory is tried. Returns 0 and a collector the caller frees
 * with hsperf_collector_free(), or -errno (-ENOENT: no file, the JVM runs
 * with -XX:-UsePerfData or is not a JVM) with the reason in err.
 */
int hsperf_collector_open(const char *proc_root, int pid, struct hsperf_collector **out,
			  char *err, size_t errlen);
void hsperf_collector_free(struct hsperf_collector *c);
/* The file found at open; borrowed. */
const char *hsperf_collector_path(const struct hsperf_collector *c);

/*
 * Reads and parses the file once and fills *out (zeroed first; t_ms and the
 * pid are set). When any collector's invocation count rose since the previous
 * successful read, the old generation's used bytes at this reading are the
 * post-GC floor: out->old_after_gc, with JVM_HAVE_OLD_AFTER_GC. The first
 * read never has one. Returns 0, or -errno / -1 with the reason in err; a
 * failed read leaves the previous counts in place.
 */
int hsperf_collector_read(struct hsperf_collector *c, int64_t t_ms,
			  struct jvm_sample *out, char *err, size_t errlen);

/*
 * The same post-GC bookkeeping for samples parsed elsewhere (tests, replays):
 * given the previous sample (NULL for none) sets JVM_HAVE_OLD_AFTER_GC and
 * old_after_gc on cur when a collector count rose.
 */
void hsperf_mark_gc(const struct jvm_sample *prev, struct jvm_sample *cur);

#endif
