/* SPDX-License-Identifier: MIT */
/*
 * schedstat: the parser of /proc/schedstat, the scheduler's per-CPU
 * counters (kernels built with CONFIG_SCHEDSTATS), into the struct
 * sched_cpu array of a sys_sample (core/frame.h). The system collector
 * (collectors/sysstat.h) reads the file; this only parses text.
 *
 * The file (Documentation/scheduler/sched-stats.rst) opens with "version N"
 * and "timestamp J", then one "cpuN" line per online CPU, each followed by
 * its "domainN" lines. From version 15 (2.6.31) on, a cpu line holds nine
 * counters: sched_yield calls, a legacy zero, schedule calls, schedule
 * leaving the CPU idle, try_to_wake_up calls, of them local ones, then the
 * three kept here: 7 time tasks spent running on this CPU (ns), 8 time tasks
 * spent runnable and waiting for it (ns; the docs said jiffies until 2019,
 * but they are nanoseconds since CFS), and 9 timeslices run on it. Versions
 * 16 and 17 changed only the domain lines, so any version from 15 on is
 * read; earlier layouts (twelve columns, other meanings) are refused.
 *
 * Invariants: the parser takes any text, however hostile. It returns 0 with
 * a new array the caller owns (NULL when there is no cpu line), or -1 when
 * the text is not that file, leaving the outputs untouched. Domain lines
 * and lines a later kernel may add are skipped unread; a cpu line with
 * fewer than nine numbers, words for numbers, or CPUs out of order is -1.
 */
#ifndef VIGIL_COLLECTORS_SCHEDSTAT_H
#define VIGIL_COLLECTORS_SCHEDSTAT_H

#include <stddef.h>

#include "core/frame.h"

/* The oldest layout whose cpu lines this parser knows. */
#define SCHEDSTAT_VERSION_MIN 15

/* /proc/schedstat's text into *out (*n entries, ascending cpu); 0 or -1. */
int schedstat_parse(const char *text, struct sched_cpu **out, size_t *n);

#endif
