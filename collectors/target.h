/* SPDX-License-Identifier: MIT */
/*
 * target: the attached-target collector. Fills a struct target_sample
 * (core/frame.h) for one process every tick from <proc_root>/<pid>/stat,
 * status, io, fd/, task/<tid>/stat and, through collectors/latency, the
 * latency files (schedstat, wchan, syscall, cgroup pressure).
 *
 * Invariants:
 * - Identity is (pid, start_ticks). start_ticks is read once, at attach time.
 *   Every reading checks <pid>/stat again, before and after the other files:
 *   when the process is gone (ENOENT/ESRCH) or its start time differs (the pid
 *   now belongs to another process) the sample has alive == false, why says
 *   "process exited" or "pid reused by another process", and it carries no
 *   values at all, so an impostor's figures are never reported. That verdict
 *   is final: later readings repeat it without touching /proc.
 * - When <pid>/stat cannot be read or parsed the process cannot be identified,
 *   so no other file is read that tick (alive stays true, HAVE_STAT is clear).
 * - Reading never fails as a whole. A file that cannot be read or parsed
 *   clears its TARGET_HAVE_* bit and adds a reason such as
 *   "io: Permission denied" or "status: unparsable" to why (joined by "; ",
 *   cut to FRAME_WHY_MAX); the other files are still read.
 * - Which groups of files this reader may not read at all (another user's
 *   process: io, fd/, smaps, syscall) is checked once, at attach
 *   (collectors/target_access), and told by every live sample's denied.
 * - A zombie is reported as it is (state 'Z', alive true); deciding that a
 *   zombie has ended is the caller's business (it may be the one to reap it).
 * - A thread that vanishes between listing task/ and reading its stat is
 *   skipped without a reason. Every tick reads every thread's stat and
 *   schedstat (through collectors/tasks, kept open), so HAVE_THREADS and the
 *   process's sums (run_ns, run_delay_ns, slices, blkio_ticks) cover all of
 *   its threads at every tick.
 * - The thread detail (out->threads, with wchan and syscall) is taken at the
 *   first reading and then every ceil(n / 500) readings for n threads, so a
 *   process with 5,000 threads costs no more per tick than one with 500; on
 *   the other ticks threads is NULL and nthreads 0. The detail's time is the
 *   tick's: readers find the newest tick that has one. threads is NULL
 *   whenever HAVE_THREADS is clear.
 * - The collector's read buffers live as long as it does; the only per-tick
 *   allocation of its own is the sample's threads array, on detail ticks.
 * - Parsing (text -> struct) is separate from reading (path -> text): the
 *   target_parse_*() functions take any text, however hostile, and either fill
 *   their fields or return -1 leaving *out untouched. Numbers never wrap.
 */
#ifndef VIGIL_COLLECTORS_TARGET_H
#define VIGIL_COLLECTORS_TARGET_H

#include <stddef.h>
#include <stdint.h>

#include "core/frame.h"

/* Opaque: the proc root, the identity, and read buffers reused every tick. */
struct target_collector;

/*
 * Attaches to pid under proc_root ("/proc" or a fixture directory; NULL means
 * PROCFS_ROOT_DEFAULT) and records its start time. Returns 0 and sets *out to
 * a collector the caller owns and frees with target_collector_free(); or
 * returns -errno, leaves *out NULL and writes a one-line reason to err (when
 * errlen > 0): -ENOENT "no such process", -EACCES "permission denied",
 * -EINVAL "invalid pid", -EBADMSG "stat: unparsable", otherwise strerror().
 * proc_root is copied.
 */
int target_collector_open(const char *proc_root, int pid, struct target_collector **out,
			  char *err, size_t errlen);
/* Frees c and its buffers. NULL is ignored. */
void target_collector_free(struct target_collector *c);

/*
 * Where the cgroup file system is, for the pressure of the target's cgroup
 * (copied; NULL: do not read it). Default: /sys/fs/cgroup with the real
 * /proc, none with a fixture proc root.
 */
void target_collector_set_cgroup_root(struct target_collector *c,
				      const char *cgroup_root);

int target_collector_pid(const struct target_collector *c);
/* Start time of the attached process, clock ticks since boot (stat field 22). */
uint64_t target_collector_start_ticks(const struct target_collector *c);

/*
 * Overwrites *out with one reading. *out must be zeroed, released with
 * target_sample_release(), or a sample an earlier call filled (its threads
 * are freed first). out->threads is allocated with xmalloc and owned by *out:
 * frame_unref() frees it with the frame, target_sample_release() otherwise.
 * Never fails: what could not be read is told by out->have and out->why,
 * an ended target by out->alive. exit_code is -1 and exit_signal 0; the caller
 * that started the target fills them in.
 */
void target_collector_read(struct target_collector *c, struct target_sample *out);

/*
 * Pure parsers, text -> struct. Each returns 0 having filled its fields, or
 * -1 leaving *out untouched. None of them sets out->have or out->why.
 *
 * target_parse_stat: a /proc/PID/stat line -> comm, state, minflt, majflt,
 * utime, stime, num_threads; the start time goes to *start_ticks (may be NULL).
 * target_parse_status: VmSize, VmRSS, RssAnon, RssFile, RssShmem, VmSwap,
 * VmHWM, VmData (kB -> bytes; a missing one reads 0, as for a zombie or a
 * kernel thread, which have no memory map) and the voluntary/nonvoluntary
 * context switches (required).
 * target_parse_io: rchar, wchar, read_bytes, write_bytes (all required).
 * target_parse_thread_stat: a /proc/PID/task/TID/stat line -> the whole of *out.
 */
int target_parse_stat(const char *text, struct target_sample *out, uint64_t *start_ticks);
int target_parse_status(const char *text, struct target_sample *out);
int target_parse_io(const char *text, struct target_sample *out);
int target_parse_thread_stat(const char *text, struct thread_sample *out);

#endif
