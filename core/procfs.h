/* SPDX-License-Identifier: MIT */
/*
 * procfs: reading (path -> text) for every collector, kept apart from parsing
 * (text -> struct) so parsers are tested on fixture text and fixture trees.
 *
 * All paths are relative to a proc root ("/proc" in production, a fixture
 * directory in tests). Reads are a single open/read/close with no retries: a
 * process that vanishes mid-read yields -ENOENT or -ESRCH, which callers record
 * as "unavailable" rather than treat as failure.
 */
#ifndef VIGIL_CORE_PROCFS_H
#define VIGIL_CORE_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROCFS_ROOT_DEFAULT "/proc"

/*
 * Reads <root>/<rel> into buf (NUL-terminated, at most cap-1 bytes). Returns the
 * number of bytes read, or -errno. A file larger than the buffer is truncated
 * (the return equals cap-1); parsers must cope with a cut last line.
 */
long procfs_read(const char *root, const char *rel, char *buf, size_t cap);

/* After a read that filled the buffer: drop the cut last line, keeping only
 * whole lines (nothing when it holds no newline at all). */
void procfs_keep_whole_lines(char *buf);

/*
 * Finds "Key:" at the start of a line in text (a /proc "Key: value [kB]" file)
 * and parses its first number. With a "kB" suffix the value is scaled to
 * bytes. Returns 0, or -1 when the key is missing or its value is not a number.
 */
int procfs_kv_u64(const char *text, const char *key, uint64_t *out);

/*
 * Parses the unsigned decimal at *p, advancing *p past it and any following
 * blanks. Returns 0, or -1 if no digits are there or the value overflows.
 */
int procfs_next_u64(const char **p, uint64_t *out);
int procfs_next_i64(const char **p, int64_t *out);

/*
 * Splits the body of /proc/PID/stat. comm may contain spaces and ')' so it is
 * taken between the first '(' and the last ')'. On success copies comm
 * (truncated to comm_cap) and returns a pointer to the state field; NULL when
 * the text is not a stat line.
 */
const char *procfs_stat_split(const char *text, char *comm, size_t comm_cap);

/* Boot time (btime of <root>/stat) in ms since the epoch; 0 if unreadable. */
int64_t procfs_boot_ms(const char *root);

/* Kernel constants read once: clock ticks per second, page size. */
long procfs_clk_tck(void);
long procfs_page_size(void);

#endif
