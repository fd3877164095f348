/* SPDX-License-Identifier: MIT */
/*
 * cgtarget: a cgroup as the attached target (`vigil -c CGROUP`): its
 * processes together. Every tick lists the processes of the cgroup and of
 * every cgroup below it (cgroup.procs, the v2 tree, or on a v1/hybrid host
 * the memory hierarchy, else cpuacct, cpu, pids, as collectors/cgroups
 * reads them) and fills one struct target_sample with their sums.
 *
 * Invariants:
 * - The sample's identity is the path: pid and start_ticks are 0,
 *   is_cgroup is set, cgroup holds the path as the cgroup table names it
 *   ("/system.slice/nginx.service"), comm its name ("nginx.service").
 * - Counters (utime, stime, faults, context switches, IO) never go back:
 *   each process counts from when it was first seen in the cgroup (from 0
 *   when it started after the reading before, as a fork inside the cgroup
 *   does), and what a process counted stays counted after it exits or
 *   leaves. So rates between two samples are the processes' own work in
 *   that interval (but for what one did between its last reading and its
 *   exit, which the cgroup's kernel counters have: those are the
 *   authoritative figures, in the frame's cgroup table).
 * - Gauges (RSS and the rest of status, threads) are the sums over the
 *   processes of this tick. A process that vanishes mid-read is left out,
 *   never an error; procs_joined and procs_left count arrivals and
 *   departures since attach.
 * - lead_pid is the busiest process of the tick (CPU since the reading
 *   before; the largest CPU total at the first), for what needs one pid.
 * - Once the cgroup is removed the sample has alive == false and why
 *   "cgroup removed", latched, as a process target's exit is.
 * - Paths are resolved safely: ".." is refused, every directory is opened
 *   relative to the hierarchy's own descriptor without following links,
 *   and under the default root it must be on a cgroup file system.
 */
#ifndef VIGIL_COLLECTORS_CGTARGET_H
#define VIGIL_COLLECTORS_CGTARGET_H

#include <stddef.h>
#include <stdint.h>

#include "core/frame.h"

struct cgtarget;

/*
 * The path a user's CGROUP names, as the cgroup table names it, into out:
 * "system.slice/x", "/system.slice/x", "<root>/system.slice/x" and on a v1
 * layout "<root>/memory/system.slice/x" all give "/system.slice/x".
 * Returns 0, or -1 when it holds "..", a control byte, or does not fit.
 */
int cgtarget_normalize(const char *arg, const char *root, int v1, char *out, size_t cap);

/*
 * Attaches to the cgroup arg names under cgroup_root (NULL:
 * CGROUP_ROOT_DEFAULT), reading processes under proc_root (NULL: /proc).
 * Returns 0 and *out (freed with cgtarget_free), or -1 with the reason in
 * err ("no such cgroup", "bad cgroup path", "not a cgroup file system").
 */
int cgtarget_open(const char *proc_root, const char *cgroup_root, const char *arg,
		  struct cgtarget **out, char *err, size_t errlen);
void cgtarget_free(struct cgtarget *c);
/* "/system.slice/x": the path the samples carry. */
const char *cgtarget_path(const struct cgtarget *c);

/*
 * Overwrites *out (zeroed, released, or filled by an earlier call) with
 * one reading. now_ticks is the time since boot in clock ticks (to tell a
 * process forked since the reading before from one moved in). Never fails.
 */
void cgtarget_read(struct cgtarget *c, uint64_t now_ticks, struct target_sample *out);

/* The time since boot in clock ticks, for cgtarget_read. */
uint64_t cgtarget_boot_ticks(void);

#endif
