/* SPDX-License-Identifier: MIT */
/*
 * gaps: where a session's ticks stop continuing one another, so no rate is
 * derived across the hole. Counters are cumulative; a rate between two
 * ticks is their difference over the time between them, which over a
 * stretch nothing recorded (the daemon stopped and started again, an hour's
 * file missing from a directory, a machine suspended) would be the average
 * of those minutes drawn as one point. Every reader that derives a figure
 * from two ticks asks this rule (store/series.c and store/dev_rows.c state
 * the same in SQL), and gets no value there instead.
 *
 * The rule: the tick at t_ms (frame seq) continues the one before it (pt_ms,
 * pseq) when no more time passed than twice what its seq - pseq frames take
 * at the session's interval, plus a second (a late tick, dropped frames and
 * compaction's one tick a minute all still continue), and never more than
 * two minutes (or two intervals, when longer): frames that "account" for an
 * hour are an hour of nothing. A restarted recorder's first tick follows
 * its predecessor by one frame (store/history.h), so a restart is a gap
 * when it took more than about two intervals.
 *
 * Invariants: nothing here writes; a file without ticks has no gaps.
 */
#ifndef VIGIL_STORE_GAPS_H
#define VIGIL_STORE_GAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* Slack on top of the frames' time, and the longest stretch that continues. */
#define GAPS_SLACK_MS 1000
#define GAPS_MAX_MS 120000 /* two minutes */

/* Whether the tick (seq, t_ms) continues the tick (pseq, pt_ms) before it,
 * at interval_ms (> 0; the session's). */
bool ticks_continue(int64_t interval_ms, int64_t pseq, int64_t pt_ms, int64_t seq,
		    int64_t t_ms);

/* A stretch with nothing recorded: the ticks on either side. */
struct tick_gap {
	int64_t before_ms, after_ms;
};

/*
 * The gaps between consecutive ticks of [t0, t1] (and the tick before t0),
 * ascending, into *out (owned by the caller: free; NULL when none). 0, or
 * -1 with store_error(s).
 */
int query_gaps(struct store *s, int64_t t0, int64_t t1, struct tick_gap **out, size_t *n);

/* ticks_continue at this session's interval (a frame's seq and t_ms). */
bool query_ticks_continue(struct store *s, int64_t pseq, int64_t pt_ms, int64_t seq,
			  int64_t t_ms);

#endif
