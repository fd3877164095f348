/* SPDX-License-Identifier: MIT */
/*
 * alert_top: which processes a system-wide alert names. A rule over the
 * whole machine (cpu.*, load.*, mem.*, swap.*, psi.*, disk.*, net.*) says
 * that something is wrong but not who; at the moment it goes pending or
 * fires, the frame's process table answers that, ranked by the figure the
 * metric is about:
 *
 *   cpu.total cpu.steal load.* psi.cpu.* net.*   by CPU (% of one core over
 *                                               the last interval); net.*
 *                                               too, as the frame has no
 *                                               per-process network figures
 *   mem.* swap.* psi.memory.*                   by RSS (bytes)
 *   cpu.iowait psi.io.* disk.*                  "blocked": processes in
 *                                               state D (waiting, mostly for
 *                                               I/O), by CPU
 *   target.* latency.* memory.verdict           none: those name the target
 *
 * Pure functions over a process table: no I/O, no clock.
 */
#ifndef VIGIL_ANALYSIS_ALERT_TOP_H
#define VIGIL_ANALYSIS_ALERT_TOP_H

#include <stddef.h>
#include <stdio.h>

#include "core/frame.h"

enum alert_top_by {
	ALERT_TOP_NONE,
	ALERT_TOP_CPU,
	ALERT_TOP_RSS,
	ALERT_TOP_BLOCKED,
};

/* What a rule over metric ranks processes by; ALERT_TOP_NONE when it names
 * a target or an application metric rather than the machine. */
enum alert_top_by alert_top_by_metric(const char *metric);

/* "cpu", "rss", "blocked"; "" for ALERT_TOP_NONE. */
const char *alert_top_by_name(enum alert_top_by by);

/*
 * The first max processes of t by `by`, the largest first (ties: the lower
 * pid), into out; returns how many (fewer when fewer qualify: a process
 * whose CPU share is unknown, or zero, is not named for CPU; only state D
 * ones for blocked). Copies what it needs: out does not point into t.
 */
size_t alert_top_pick(const struct proc_table *t, enum alert_top_by by,
		      struct alert_top *out, size_t max);

/*
 * Fills e->top_by, e->top and e->ntop for a transition of a rule over
 * metric, from t: only for a system-wide metric and a transition into
 * "pending" or "firing" (e->state); otherwise leaves them empty.
 */
void alert_top_fill(struct alert_event *e, const char *metric,
		    const struct proc_table *t);

/*
 * "1234 busy 99.8%, 77 dd 12.0%" (rss: "1234 java 2.1 GiB"; blocked: the
 * CPU share) into buf: pid, name and figure of each; "" without any. Names
 * are copied as they are: a caller printing to a terminal escapes them.
 */
void alert_top_format(const struct alert_event *e, char *buf, size_t len);

/*
 * Writes `, "top_by": "cpu", "top": [{"pid": 1, "name": "x", "value": 99.5}]`
 * for e (top_by null and top [] when it named none): the keys report --json
 * and export --alerts give an alert event.
 */
void alert_top_json(FILE *out, const struct alert_event *e);

#endif
