/* SPDX-License-Identifier: MIT */
/*
 * diff_side: one side of `vigil diff` (BEFORE or AFTER) opened for reading:
 * a session file, or one with a window of its time, "FILE@FROM..TO". Every
 * side is opened by diff_side_open and by nothing else, so another kind of
 * source (a daemon's directory read as one timeline) is added there once.
 *
 * Window grammar: the text after the last '@' of the argument is FROM..TO,
 * each in the forms of --from/--to (core/when.h) and either may be empty
 * (the session's start or end): "a.vigil@10:00..10:30", "a.vigil@-5m..",
 * "a.vigil@start..+2m". "+DUR" in FROM counts from the start, in TO from
 * FROM; "-DUR" from the end. An argument that names an existing path as a
 * whole is that path, '@' and all.
 */
#ifndef VIGIL_CMD_DIFF_SIDE_H
#define VIGIL_CMD_DIFF_SIDE_H

#include <stddef.h>
#include <stdint.h>

#include "core/frame.h"

struct store;

struct diff_side {
	char *path;		  /* owned: the file */
	char *from, *to;	  /* owned: the window's ends as written, or NULL */
	struct store *st;	  /* owned: a read connection */
	struct session_meta meta; /* the sessions row */
	int64_t t0, t1;		  /* the window, ms since the epoch */
	int64_t interval_ms;	  /* the session's tick interval, at least 1 */
};

#define DIFF_SIDE_RUNTIME (-1) /* the file cannot be read: exit 1 */
#define DIFF_SIDE_USAGE (-2)   /* the argument or its window is wrong: exit 2 */

/*
 * Opens spec into *out. Returns 0; DIFF_SIDE_RUNTIME with the reason in err
 * (the store's: missing file, not a session, newer schema; "'x' has no
 * ticks"); or DIFF_SIDE_USAGE ("bad window 'x@...': ..."). On failure *out
 * holds nothing to release.
 */
int diff_side_open(const char *spec, struct diff_side *out, char *err, size_t errlen);

/* Closes the store and frees the strings. */
void diff_side_release(struct diff_side *d);

#endif
