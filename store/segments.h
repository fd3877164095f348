/* SPDX-License-Identifier: MIT */
/*
 * segments: a directory of session files (what `vigil daemon` writes, one
 * file per hour, HOST-YYYYMMDD-HH[.N].vigil) listed as the segments of one
 * timeline, ordered by session start. store/history.h turns a window of
 * them into one session the read API reads like any other.
 *
 * Invariants:
 * - Only regular files named *.vigil directly in the directory are looked
 *   at, and never through a symbolic link: a link, a FIFO, a device or a
 *   subdirectory with that name is skipped, so a directory can never make
 *   vigil read something outside it. Other names (the daemon's lock file,
 *   -wal/-shm) are not segments and are passed over without a word.
 * - A *.vigil file this vigil cannot read exactly (another application's,
 *   corrupt, truncated, a newer schema), one from another host than the
 *   first segment's, and one whose ticks overlap an earlier segment's are
 *   skipped, each with a one-line note (file name: reason). A directory
 *   with no readable segment is an error, not an empty timeline.
 * - Files are opened read-only (store_open's rules: immutable when no
 *   writer has a -wal beside it) only while they are inspected, one at a
 *   time; nothing is written to the directory.
 * - Nothing here prints; errors are lowercase one-liners in err.
 */
#ifndef VIGIL_STORE_SEGMENTS_H
#define VIGIL_STORE_SEGMENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One readable session file of the directory. */
struct segment {
	char *path;	    /* owned: DIR/NAME */
	const char *name;   /* into path: NAME */
	int64_t started_ms; /* sessions.started_ms */
	/* first and last moment with data: ticks, or for a file compacted to
	 * its per-minute rollups, the minutes it keeps */
	int64_t first_ms, last_ms;
	uint64_t ticks;
	bool live; /* no ended_ms yet: a writer may still be adding to it */
};

struct segments {
	char *dir; /* owned, as given */
	struct segment *v;
	size_t n;
	char **notes; /* owned: "'NAME': why it was skipped", in directory order */
	size_t nnotes;
};

/*
 * Lists the segments of dir into *out (zeroed on entry, released with
 * segments_release, also after a failure). Returns 0, or -1 with a reason in
 * err: dir cannot be opened, or it holds no readable segment ("no vigil
 * session files in 'DIR'", with the first note when files were skipped).
 */
int segments_scan(const char *dir, struct segments *out, char *err, size_t errlen);

void segments_release(struct segments *sg);

/* Adds "'NAME': why" to sg->notes (a segment found unreadable later, while it
 * was copied). */
void segments_note(struct segments *sg, const char *name, const char *why);

/* The span of every segment: the first segment's first moment to the last
 * one's last; the sum of their ticks. */
void segments_span(const struct segments *sg, int64_t *first_ms, int64_t *last_ms,
		   uint64_t *ticks);

/* Whether path is a directory (following a link at path itself: the user
 * named it). */
bool segments_is_dir(const char *path);

#endif
