/* SPDX-License-Identifier: MIT */
/*
 * cgroups: every cgroup's CPU, throttling, memory, OOM events, swap, IO,
 * pressure and pids, every tick, on cgroup v2 and on v1/hybrid hosts.
 *
 * Invariants:
 * - All paths are relative to an injectable cgroup root ("/sys/fs/cgroup",
 *   or a fixture tree in tests). The layout is found once, at _new: the root
 *   itself is the unified hierarchy (it holds cgroup.controllers), or it
 *   holds v1 controller mounts (cpu, cpuacct, memory, blkio, pids, each a
 *   directory or a link to a shared one such as cpu,cpuacct) and perhaps a
 *   v2 "unified" mount that only brings pressure and cpu.stat.
 * - A v1 cgroup is its path: /docker/abc under memory/ and under cpu/ is
 *   one row, whatever each hierarchy holds of it.
 * - Only the files the row needs are read, each once per tick; a file that
 *   is missing (a controller not enabled there, the root's memory.current)
 *   clears its CGROUP_HAVE_* bit, never fails the tick. A cgroup removed
 *   mid-walk is left out of the tick.
 * - Parsing (text -> struct) is apart from reading (cgroup_parse_*), so each
 *   parser is tested on fixture text.
 */
#ifndef VIGIL_COLLECTORS_CGROUPS_H
#define VIGIL_COLLECTORS_CGROUPS_H

#include <stddef.h>
#include <stdint.h>

#include "core/frame.h"

#define CGROUP_ROOT_DEFAULT "/sys/fs/cgroup"
#define CGROUP_MAX_ROWS 10000 /* a walk stops there; see cgroup_collector_read */

struct cgroup_collector;

/*
 * Finds the layout under root (NULL: CGROUP_ROOT_DEFAULT). Never fails: with
 * no cgroup file system the collector reads empty tables
 * (CGROUP_LAYOUT_NONE). The caller frees it with cgroup_collector_free.
 */
struct cgroup_collector *cgroup_collector_new(const char *root);
void cgroup_collector_free(struct cgroup_collector *c);
enum cgroup_layout cgroup_collector_layout(const struct cgroup_collector *c);

/*
 * Fills *out (empty on entry, owned by the caller) with every cgroup,
 * ascending path; cpu_pct is derived against the previous call at now_ns
 * (monotonic), -1 the first time a path is seen. At most CGROUP_MAX_ROWS
 * cgroups are read (those after it in path order are left out). Returns the row count.
 */
size_t cgroup_collector_read(struct cgroup_collector *c, int64_t now_ns,
			     struct cgroup_table *out);

/* ---- parsers, text -> struct (exposed for tests and fuzzing) ---- */

/* A flat keyed file ("key value" lines: cpu.stat, memory.events,
 * memory.oom_control): the value of key. 0, or -1 when absent. */
int cgroup_parse_key(const char *text, const char *key, uint64_t *out);

/* A single value: a number, or "max" (CGROUP_UNLIMITED). v1's "-1" and
 * its page-rounded LONG_MAX (>= 2^62) are CGROUP_UNLIMITED too. 0 or -1. */
int cgroup_parse_value(const char *text, uint64_t *out);

/* cpu.stat of v2 (usage_usec, throttled_usec) or v1 (throttled_time ns),
 * into cpu_usage_ns (v2 only) and the throttling fields; sets the HAVE bits
 * it filled. 0, or -1 when nothing was there. */
int cgroup_parse_cpu_stat(const char *text, struct cgroup_row *r);

/* v2 cpu.max: "max 100000" or "50000 100000". 0 or -1. */
int cgroup_parse_cpu_max(const char *text, uint64_t *quota_us, uint64_t *period_us);

/* v2 io.stat ("8:0 rbytes=1 wbytes=2 rios=3 wios=4 ...") or v1
 * blkio.throttle.io_service_bytes ("8:0 Read 1" ... "Total 9"; v1 false/true).
 * Fills r->devs (owned by r, replaced) and the sums. 0, or -1 on a
 * malformed line (r untouched). */
int cgroup_parse_io(const char *text, int v1, struct cgroup_row *r);

/*
 * /proc/PID/cgroup: the process's cgroup as the table names it: the longest
 * path among the lines of the controllers read here (and the v2 "0::" line),
 * which on v2 is the v2 path and on hybrid hosts the most specific one.
 * Copies it (cut to cap) and returns 0, or -1 when no line qualifies.
 */
int cgroup_parse_proc_cgroup(const char *text, char *path, size_t cap);

#endif
