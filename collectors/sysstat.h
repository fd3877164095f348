/* SPDX-License-Identifier: MIT */
/*
 * sysstat: the system collector. Fills a struct sys_sample (core/frame.h)
 * from <proc_root>/stat, meminfo, loadavg, pressure/{cpu,memory,io},
 * diskstats and net/dev (parsed by collectors/iostat.h) and schedstat
 * (collectors/schedstat.h).
 *
 * Invariants:
 * - Reading never fails as a whole. A file that cannot be read or parsed
 *   clears its SYS_HAVE_* bit (PSI: psi[i].present stays false), adds a
 *   reason such as "meminfo: No such file or directory" or "stat: unparsable"
 *   to sys_sample.why (joined by "; ", cut to FRAME_WHY_MAX) and the tick goes
 *   on. A missing pressure directory is normal (old kernel, psi=0) and adds
 *   no reason; so does a missing schedstat (CONFIG_SCHEDSTATS off).
 * - Parsing (text -> struct) is separate from reading (path -> text). The
 *   parsers take any text, however hostile, and either fill their fields or
 *   return -1 leaving them untouched; numbers never wrap, they are rejected.
 * - Decimals are parsed by hand, never with strtod, so the locale the UI sets
 *   cannot turn "0.52" into 0.
 * - The collector's read buffers live as long as it does; the only per-tick
 *   allocations are the sample's cores, disks, nets and sched arrays.
 */
#ifndef VIGIL_COLLECTORS_SYSSTAT_H
#define VIGIL_COLLECTORS_SYSSTAT_H

#include "core/frame.h"

/*
 * The most of /proc/stat (and of diskstats, net/dev) the collector reads (it
 * starts at 64 KiB and grows to this). A larger file is cut after its last
 * complete line, parsed, and "stat: truncated at N bytes" is noted in why.
 */
#define SYS_STAT_BUF_MAX (1024u * 1024u)

/* Opaque: the proc root and read buffers, reused every tick. */
struct sys_collector;

/*
 * Returns a collector the caller owns and frees with sys_collector_free().
 * proc_root (e.g. "/proc" or a fixture directory) is copied. Never NULL.
 */
struct sys_collector *sys_collector_new(const char *proc_root);
/* Frees c and its buffers. NULL is ignored. */
void sys_collector_free(struct sys_collector *c);

/*
 * Overwrites *out with one reading. *out must hold no memory (zeroed, or
 * released): it is cleared first, not released. out->cores, out->disks,
 * out->nets and out->sched are allocated with xmalloc and owned by *out;
 * frame_unref() frees them with the frame, a stand-alone sample is released
 * with sys_sample_release(). Never fails: what could not be read is told by out->have,
 * out->why and out->psi[i].present.
 */
void sys_collector_read(struct sys_collector *c, struct sys_sample *out);

/*
 * Pure parsers over the text of one file. Each returns 0 and fills its fields
 * of *out, or returns -1 (unparsable) and leaves *out untouched. None touches
 * out->have or out->why.
 */

/*
 * /proc/stat. Needs the aggregate "cpu" line; a cpu line needs at least the
 * four columns every kernel printed (user nice system idle), later missing
 * columns read as 0, guest columns are ignored. "cpuN" lines must ascend
 * (offline cores leave gaps). ctxt, btime, processes, procs_running and
 * procs_blocked read as 0 when absent (a cut file) but a malformed one is -1.
 * On success out->cores is a new array the caller owns (NULL when there are
 * no cpuN lines); any previous out->cores is overwritten, not freed.
 */
int sys_parse_stat(const char *text, struct sys_sample *out);

/*
 * /proc/meminfo, in bytes. MemTotal, MemFree, Buffers, Cached, SwapTotal and
 * SwapFree are required. Without a MemAvailable line (kernels before 3.14)
 * mem_available is estimated as MemFree + Buffers + Cached.
 */
int sys_parse_meminfo(const char *text, struct sys_sample *out);

/* /proc/loadavg: the three load averages; the rest of the line is ignored. */
int sys_parse_loadavg(const char *text, struct sys_sample *out);

/*
 * One /proc/pressure/<resource> file: a "some" line, optionally followed by a
 * "full" line, nothing else. On success out->present is true and has_full
 * says whether "full" was there (cpu on kernels before 5.13 lacks it).
 */
int sys_parse_psi(const char *text, struct psi *out);

#endif
