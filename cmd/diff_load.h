/* SPDX-License-Identifier: MIT */
/*
 * diff_load: one side of `vigil diff` read into the values analysis/compare
 * judges: per figure, one value per tick of the side's window (or per block
 * of ticks for the target's RSS floor and leak rate, per sampled tick for
 * processes), and per timer one histogram per tick. Everything comes from
 * the store's read API (store/series.h, store/processes.h,
 * store/app_rows.h); nothing here judges.
 *
 * Figures (their names are the contract of --fail-if and docs/diff-json.md):
 * - system.cpu.{total,user,system,iowait,steal} (% of all cores),
 *   system.mem.{used,available}, system.swap.used, system.load1,
 *   system.psi.{cpu.some,memory.some,memory.full,io.some,io.full} (avg10),
 *   system.disk.{read_bytes,write_bytes} and system.net.{rx_bytes,tx_bytes}
 *   (bytes/s), system.disk.util;
 * - target.{cpu (% of one core), rss, run_wait (%), run_delay (ms/s),
 *   io_delay (ms/s), read_bps, write_bps, threads}, target.rss_floor (the
 *   lowest RssAnon of each block of ticks) and target.leak_rate (bytes/h:
 *   the rise of that floor from block to block);
 * - process.KEY.cpu and process.KEY.rss, summed over the processes of one
 *   command (comm and command line), at up to DIFF_PROC_TICKS ticks spread
 *   over the window (reading the whole table per tick costs);
 * - latency.NAME.rate (values per second, 0 in a tick without any) and the
 *   timer's histograms; counter.NAME.rate (per second, 0 in a tick without
 *   any); gauge.NAME (the value in each tick that had one).
 */
#ifndef VIGIL_CMD_DIFF_LOAD_H
#define VIGIL_CMD_DIFF_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "cmd/diff_side.h"

struct hdr;

#define DIFF_PROC_TICKS 120

/* One figure's values on one side. */
struct diff_values {
	char *name;	   /* owned; for processes the comm + "\n" + command line */
	const char *group; /* static */
	const char *unit;  /* static */
	double *v;	   /* owned */
	size_t n;
};

/* One timer's per-tick histograms on one side. */
struct diff_timer {
	char *name; /* owned: the StatsD name */
	struct hdr **h;
	int64_t *t_ms;
	size_t n;
};

struct diff_data {
	size_t ticks;
	struct diff_values *vals; /* owned */
	size_t nvals, vcap;
	struct diff_values *procs; /* owned; name = comm "\n" cmdline, group "process" */
	size_t nprocs, pcap;	   /* two entries per command: cpu then rss */
	struct diff_timer *timers; /* owned */
	size_t ntimers, tcap;
};

/*
 * Reads side's window into *out (overwritten; diff_data_release frees it).
 * Returns 0, or -1 with the store's reason in err.
 */
int diff_load(const struct diff_side *side, struct diff_data *out, char *err,
	      size_t errlen);
void diff_data_release(struct diff_data *d);

#endif
