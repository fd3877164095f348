/* SPDX-License-Identifier: MIT */
/*
 * alert_cgroup: alert metrics that name a cgroup, answered from the frame's
 * cgroup table (and the frame before, for what moves between ticks):
 *
 *   cgroup[PATH].memory          bytes in use (memory.current, v1 usage)
 *   cgroup[PATH].memory.of_max   % of its memory.max (limit_in_bytes);
 *                                written "cgroup[PATH].memory > 90% of max"
 *   cgroup[PATH].cpu             % of one core over the last interval
 *   cgroup[PATH].cpu.of_max      % of its CPU quota; "cpu > 80% of max"
 *   cgroup[PATH].throttled       % of its quota periods throttled since the
 *                                frame before
 *   cgroup[PATH].oom_kills       processes the kernel killed for its memory
 *                                limit since the frame before
 *   cgroup[PATH].swap            bytes of swap
 *   cgroup[PATH].pids            processes and threads (pids.current)
 *   cgroup[PATH].psi.cpu, .psi.memory, .psi.io   % "some" avg10
 *
 * PATH is as the cgroup screen shows it, with or without its leading '/'
 * (system.slice/nginx.service). A cgroup that is not there (yet, or any
 * more), a limit that is "max", a value its controllers do not give, or a
 * rate without a frame before is ALERT_UNAVAILABLE: the rule keeps its state.
 */
#ifndef VIGIL_ANALYSIS_ALERT_CGROUP_H
#define VIGIL_ANALYSIS_ALERT_CGROUP_H

#include <stdbool.h>

#include "analysis/alert.h"
#include "analysis/rules.h"
#include "core/frame.h"

/* True for a name of the shapes above, with its unit. */
bool alert_cgroup_name_valid(const char *name, enum rule_unit *unit);

/* The value of name from cur (prev: the frame before, may be NULL);
 * ALERT_NOT_FOUND when name is not a cgroup metric. */
enum alert_lookup_rc alert_cgroup_lookup(const struct frame *cur,
					 const struct frame *prev, const char *name,
					 struct alert_value *out);

#endif
