/* SPDX-License-Identifier: MIT */
/*
 * iorates: the system's disk and network totals per second between two
 * samples held in memory (the live console's meters, alert rules). The
 * store derives the same totals from its rows (store/dev_rows.c); the two
 * follow one definition:
 * - totals leave out stacked disks (dm, md, loop, ram) and lo;
 * - a device in only one of the samples (it appeared) adds nothing;
 * - a counter that went backwards gives unknown, never a negative rate (the
 *   store judges each total by its own counters; here one counter going
 *   backwards makes its whole class unknown);
 * - util is the busiest whole disk's share of the interval, at most 100.
 */
#ifndef VIGIL_CORE_IORATES_H
#define VIGIL_CORE_IORATES_H

#include <stdbool.h>
#include <stdint.h>

#include "core/frame.h"

struct io_rates {
	bool disk_known; /* both samples had diskstats, time moved, no wrap */
	double read_bps, write_bps, util_pct;
	char busiest[FRAME_DEV_MAX]; /* the disk util_pct is of; "" none */
	bool net_known;
	double rx_bps, tx_bps;
};

/* Fills *out from prev and cur, taken dt_ms apart. */
void io_rates_between(const struct sys_sample *prev, const struct sys_sample *cur,
		      int64_t dt_ms, struct io_rates *out);

#endif
