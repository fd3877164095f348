/* SPDX-License-Identifier: MIT */
/*
 * diff_profile: the profile part of `vigil diff BEFORE AFTER` (issue 18): a
 * differential profile of one stored profile on each side, written as a
 * table of functions by change in share, difffolded-style folded stacks
 * ("stack before after"), JSON, or shown as a differential flame graph in the
 * console. The arithmetic is analysis/profdiff's; this file picks the
 * profiles out of the sessions, opens the output and calls the writer or the
 * console.
 *
 * NOTE for cmd/diff.c (branch diff), the contract. Branch profdiff merged
 * diff and wired it in cmd/diff.c (run_profile_diff: --profile, --format,
 * --raw, --ascii, --no-color), so there is nothing left to wire by hand.
 * - Zero-initialised opts are the defaults: table, stdout, counts of the
 *   before side scaled to the after side's total (difffolded.pl -n), 20
 *   rows, colour unless --no-color or NO_COLOR, UTF-8 unless --ascii or
 *   the locale is not UTF-8.
 * - `--profile ID:ID` (either side may be empty: ":7", "3:", ":" = the newest
 *   profile in that side's window) parses with diff_profile_parse_ids.
 * - Without --profile, call diff_profile_pick on each side with id 0: when
 *   both return 1 you have a differential; when either returns 0 the diff
 *   has no profile part (say so, or skip it quietly in the metric report).
 * - Text output: diff_profile_write (or diff_profile_run, pick + write).
 *   --json: diff_profile_json puts one JSON object (no newline) at the
 *   point of your document where the "profile" member's value goes;
 *   docs/diff-profile.md documents it.
 * - A daemon directory (several files per side): call diff_profile_pick on
 *   each file of the side, keep the newest profile (profile->meta.started_ms).
 *
 * Every function prints its own "vigil: what failed: why" line on stderr
 * when it returns 1; nothing else prints except the output asked for.
 */
#ifndef VIGIL_CMD_DIFF_PROFILE_H
#define VIGIL_CMD_DIFF_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "analysis/profile.h"
#include "store/store.h"

enum diff_profile_format {
	DIFF_PROFILE_TABLE,   /* default: top functions by change in share */
	DIFF_PROFILE_FOLDED,  /* "root;...;leaf BEFORE AFTER" per line (difffolded.pl) */
	DIFF_PROFILE_JSON,    /* docs/diff-profile.md */
	DIFF_PROFILE_CONSOLE, /* differential flame graph on the terminal (a tty) */
};

struct diff_profile_opts {
	enum diff_profile_format format;
	const char *out; /* -o FILE, NULL: stdout (console: ignored) */
	bool force;	 /* -o may replace a regular file */
	bool raw;	 /* true: counts as recorded, no scaling of the before side */
	size_t limit;	 /* table/json rows; 0: 20 */
	bool ascii;	 /* console: ASCII only (--ascii, or a non-UTF-8 locale) */
	bool no_color;	 /* console: --no-color (NO_COLOR is read here too) */
};

/*
 * "--profile" value "B:A": profile ids of the before and after sides; an
 * empty side is 0 (the newest profile of that side's window). Returns 0, or
 * -1 when value is not of that form (the caller's usage error, exit 2).
 */
int diff_profile_parse_ids(const char *value, int64_t *before, int64_t *after);

/*
 * The profile of one side from s (read only). id > 0: that profile, an error
 * when it is not there. id 0: the newest profile (started_ms, then id) that
 * started within [from_ms, to_ms] (0: that end open). Returns 1 with *out
 * (the caller owns it, profile_free), 0 when id is 0 and no profile is in
 * the window (*out NULL, nothing printed), or -1 with err filled
 * ("no profile 7 in the session", "profile 3 is corrupt: ...").
 */
int diff_profile_pick(struct store *s, int64_t id, int64_t from_ms, int64_t to_ms,
		      struct profile **out, char *err, size_t errlen);

/*
 * Writes the differential of before and after (borrowed) in o's format to
 * o->out or stdout; DIFF_PROFILE_CONSOLE runs the console until q (stdout
 * must be a terminal). Returns the exit status: 0, or 1 after printing
 * "vigil: ..." on stderr.
 */
int diff_profile_write(const struct profile *before, const struct profile *after,
		       const struct diff_profile_opts *o);

/*
 * diff_profile_pick on each side, then diff_profile_write. A side without a
 * profile in its window is an error here ("no profile in BEFORE's window").
 * Returns the exit status (0 or 1).
 */
int diff_profile_run(struct store *before, int64_t id_before, int64_t from_b,
		     int64_t to_b, struct store *after, int64_t id_after, int64_t from_a,
		     int64_t to_a, const struct diff_profile_opts *o);

/*
 * The "profile" section of `vigil diff --json`: one JSON object, no
 * trailing newline (docs/diff-profile.md). Returns 0, or -1 with errno when
 * writing to out failed (nothing printed).
 */
int diff_profile_json(FILE *out, const struct profile *before,
		      const struct profile *after, const struct diff_profile_opts *o);

#endif
