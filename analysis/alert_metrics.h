/* SPDX-License-Identifier: MIT */
/*
 * alert_metrics: the names alert rules may use, and the lookup that answers
 * them from a frame (core/frame.h) and the frame before it (for rates).
 *
 * Answered here, from the frame:
 *   cpu.total, cpu.iowait, cpu.steal   % of all cores over the last interval
 *                                      (100 = every core busy); need both frames
 *   mem.available (bytes), mem.used_pct (% of MemTotal not available)
 *   swap.used (bytes)
 *   load.1, load.5, load.15
 *   psi.{cpu,memory,io}.{some,full}.{avg10,avg60,avg300}   percent
 *   target.cpu      % of one core: (utime+stime) delta / elapsed / clk_tck;
 *                   needs the same process (pid and start time) in both frames
 *   target.rss, target.anon, target.swap (bytes), target.fds, target.threads
 *   target.alive    1 while the target runs, 0 once it exited or was replaced
 *   disk.read_bytes, disk.write_bytes   bytes/s over the whole disks (not
 *                   dm, md, loop, ram); disk.util  % busy, the busiest disk
 *   net.rx_bytes, net.tx_bytes   bytes/s over the interfaces but lo
 *                   (core/iorates.h); need both frames
 *   cgroup[PATH].memory, .memory.of_max, .cpu, .cpu.of_max, .throttled,
 *                   .oom_kills, .swap, .pids, .psi.{cpu,memory,io}
 *                   (analysis/alert_cgroup.h)
 *
 * Valid names that this lookup answers ALERT_NOT_FOUND for, so the engine asks
 * the next lookup in its chain (the integrator's, over the store and the other
 * analyses):
 *   latency.timer.<name>.(p50|p90|p99|p999|max)   ms;  ...count  a number
 *   memory.verdict                                a word ("leak-suspect", ...)
 *   target.run_wait_share  % of the interval the target's threads waited to
 *                          run (schedstat run-queue delay / elapsed)
 *   target.io_delay        % of the interval the target waited for block I/O
 *
 * Not available: swap in/out rates (pswpin/pswpout are not in the frame);
 * a rule over them is rejected as an unknown name.
 *
 * A metric whose inputs are missing (no previous frame yet, a HAVE_* bit
 * clear, no target, the target gone, a counter that went backwards) is
 * ALERT_UNAVAILABLE: the engine keeps the rule's state.
 */
#ifndef VIGIL_ANALYSIS_ALERT_METRICS_H
#define VIGIL_ANALYSIS_ALERT_METRICS_H

#include <stdbool.h>

#include "analysis/alert.h"
#include "analysis/rules.h"
#include "core/frame.h"

/* The lookup's context: all borrowed for the duration of one evaluation. */
struct alert_metrics {
	const struct frame *cur;
	const struct frame *prev; /* NULL on the first tick: rates are unavailable */
	long clk_tck;		  /* procfs_clk_tck(), or the session's */
};

/* An alert_lookup_fn; ctx is a struct alert_metrics. */
enum alert_lookup_rc alert_metrics_lookup(void *ctx, const char *name,
					  struct alert_value *out);

/* A rule_metric_fn: true for every name listed above, with its unit. */
bool alert_metrics_name_valid(const char *name, enum rule_unit *unit);

/* True for the valid names the frame lookup leaves to a chained lookup. */
bool alert_metrics_chained(const char *name);

#endif
