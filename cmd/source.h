/* SPDX-License-Identifier: MIT */
/*
 * source: the one operand of replay, report and export, read as a session:
 * a session file as it is, or a directory of them (what `vigil daemon`
 * writes) as one timeline. A directory's window is copied into a private
 * session first (store/history.h says why), which the command then opens
 * like any file; source_close removes the copy, and so does any exit of the
 * process before that (fatal, usage errors) and SIGINT, SIGTERM or SIGHUP
 * (SIGKILL cannot be caught: its copy stays under $TMPDIR).
 *
 * Invariants:
 * - For a directory, --from/--to are resolved here against the whole
 *   directory's span (core/when.h; a clock time names its latest showing,
 *   as the span is long), and handed back as ms since the epoch, so the
 *   command's own parsing lands on the same moments in the copy.
 * - The segments skipped (foreign, corrupt, newer, links) are said on
 *   stderr, one line each, before the command's output.
 */
#ifndef VIGIL_CMD_SOURCE_H
#define VIGIL_CMD_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include "store/history.h"
#include "store/segments.h"

struct source {
	const char *path; /* what to open: the operand, or the copy */
	bool dir;
	struct segments sg;
	struct history_copy copy;
	char from[24], to[24]; /* a directory's window, ms since the epoch */
};

/*
 * Opens operand into *src. *from and *to are the command's --from/--to
 * (NULL: the ends); for a directory they are replaced by src's own text of
 * the resolved window. Exits 2 on a bad time, 1 when the directory cannot
 * be read.
 */
void source_open(const char *operand, const char **from, const char **to,
		 struct source *src);

/*
 * The console's history: the last window_ms of the daemon's directory dir,
 * copied as source_open copies a directory, but quietly: false (and the
 * reason in err) when dir is missing, unreadable or empty, and the console
 * simply opens without history. Skipped files go to the debug log.
 */
bool source_open_history(const char *dir, int64_t window_ms, struct source *src,
			 char *err, size_t errlen);

/* Removes a directory's copy and frees *src. */
void source_close(struct source *src);

#endif
