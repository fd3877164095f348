/* SPDX-License-Identifier: MIT */
/*
 * rotation: one recording that continues across files, a new session file
 * for each period (an hour for `vigil daemon`), so every file is a complete
 * session on its own (replay, report and export read it alone) and old
 * periods can be compacted or removed whole.
 *
 * Names: HOST-YYYYMMDD-HH.vigil for periods of whole hours, and
 * HOST-YYYYMMDD-HHMMSS.vigil for shorter ones (a testing knob), in UTC, so a
 * day has 24 names whatever the local clock does at a DST change. A period
 * that already has a file (the daemon was restarted, or killed, within the
 * hour) gets HOST-YYYYMMDD-HH.N.vigil, N = 2, 3, ...: a new session, never
 * an append to a file another run wrote. HOST keeps [A-Za-z0-9._-] of the
 * host name, anything else becomes '_'.
 *
 * Invariants:
 * - The file for a frame is chosen by the frame's time: the writer asks
 *   rotation_due before each frame and switches between frames, so no tick
 *   is lost at a boundary and no frame is split.
 * - Ending a file writes its session end (ended_ms = its last tick) and
 *   closes every process identity still open, like any session's end.
 * - When the next file cannot be created (disk full), the current one stays
 *   open and takes the frames; the switch is tried again at the next frame.
 * - Only the writer thread calls rotation_due/next/store; rotation_path may
 *   be called from any thread.
 */
#ifndef VIGIL_STORE_ROTATION_H
#define VIGIL_STORE_ROTATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/frame.h"
#include "store/store.h"

#define ROTATION_HOUR_MS ((int64_t)3600 * 1000)
#define ROTATION_SUFFIX_MAX 999 /* HOST-...-HH.999.vigil at most */

struct rotation_config {
	const char *dir;   /* existing directory, checked by the caller */
	const char *host;  /* the HOST of the names (sanitised here) */
	int64_t period_ms; /* > 0; ROTATION_HOUR_MS for the daemon */
};

struct rotation;

/*
 * The name (no directory) of the file for the period holding t_ms, with
 * suffix n (n < 2: none), into buf. Returns buf.
 */
char *rotation_name(const struct rotation_config *c, int64_t t_ms, int n, char *buf,
		    size_t len);

/*
 * Whether name (no directory) is a file rotation makes for host: "HOST-"
 * then the stamp, an optional ".N" and ".vigil". *start_ms (may be NULL)
 * gets the start of its period, in UTC.
 */
bool rotation_name_parse(const char *host, const char *name, int64_t *start_ms);

/*
 * Creates the file for the period holding m->started_ms (the next free
 * suffix if taken) and writes its session row from m (copied; each later
 * file gets a copy with its own started_ms). Returns the rotation (freed by
 * rotation_close or rotation_discard) or NULL with err.
 */
struct rotation *rotation_open(const struct rotation_config *c,
			       const struct session_meta *m, char *err, size_t errlen);

/* Writer thread: whether a frame at t_ms belongs to another file. */
bool rotation_due(const struct rotation *r, int64_t t_ms);

/*
 * Writer thread: ends the current file (its last tick was at last_ms) and
 * makes the file for t_ms the current one. On failure the current file stays
 * current and err says why. Returns 0 or -1.
 */
int rotation_next(struct rotation *r, int64_t t_ms, int64_t last_ms, char *err,
		  size_t errlen);

/* Writer thread: the current file's store (borrowed). */
struct store *rotation_store(struct rotation *r);

/* Any thread: the current file's path, into buf. Returns buf. */
char *rotation_path(struct rotation *r, char *buf, size_t len);

/* How many files this rotation has made so far (any thread). */
unsigned rotation_files(struct rotation *r);

/*
 * Ends the current file's session (ended_ms, and target exit status from m)
 * and closes it; frees r. Returns 0, or -1 with err (r is freed anyway).
 */
int rotation_close(struct rotation *r, const struct session_meta *m, char *err,
		   size_t errlen);

/* For a start that failed: removes the current file if it is still the
 * first one, else closes it; frees r. NULL ok. */
void rotation_discard(struct rotation *r);

#endif
