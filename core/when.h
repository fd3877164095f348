/* SPDX-License-Identifier: MIT */
/*
 * when: the ways a person names a moment of a recorded session, for `b` in
 * the replay console and for `report`/`export --from/--to`, over one file
 * or a directory of them.
 *
 * Grammar (surrounding blanks are ignored):
 *   HH:MM, HH:MM:SS          wall-clock time in the local time zone: the first
 *                            time the clock showed it at or after the session
 *                            start, so "03:12" in a session that spans
 *                            midnight lands on the second day. The named
 *                            minute (second) counts as a whole: "10:00" in a
 *                            session started at 10:00:20 is that same minute.
 *                            Over a span longer than a day (a daemon's
 *                            directory of days) it is the latest time the
 *                            clock showed it at or before the end instead:
 *                            today's 03:10, or yesterday's before 03:10.
 *   YYYY-MM-DD HH:MM[:SS]    local date and time ('T' may replace the blank)
 *   YYYY-MM-DDTHH:MM[:SS]
 *   NNNNNNNNNNNNN            ms since the epoch (at least 10^11, so that a
 *                            bare "90" is an error rather than 1970)
 *   +DUR, -DUR               core/duration.h spans after plus_ref_ms, before
 *                            minus_ref_ms
 *   start, end               first_ms, last_ms
 *
 * Invariants:
 * - A clock time the local zone skips (a DST gap) reads as if the clocks had
 *   not changed (02:30 on a spring-forward night is 03:30 summer time); a
 *   time it shows twice (the hour repeated in autumn) is its first showing
 *   at or after the session start.
 * - Results outside [first_ms, last_ms] are returned as they are: callers
 *   clamp or refuse them as suits them.
 * - Uses the process's local time zone (TZ, tzset) and nothing else global.
 */
#ifndef VIGIL_CORE_WHEN_H
#define VIGIL_CORE_WHEN_H

#include <stddef.h>
#include <stdint.h>

struct when_ctx {
	int64_t first_ms, last_ms; /* the session's first and last tick */
	int64_t plus_ref_ms;	   /* what "+30s" counts from */
	int64_t minus_ref_ms;	   /* what "-5m" counts back from */
};

/*
 * Parses s into *out_ms (ms since the epoch). Returns 0, or -1 with a
 * reason in why ("hour 25 is out of range", "bad duration '5x': ...") and
 * *out_ms untouched.
 */
int when_parse(const char *s, const struct when_ctx *c, int64_t *out_ms, char *why,
	       size_t whylen);

#endif
