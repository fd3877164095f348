/* SPDX-License-Identifier: MIT */
/*
 * history: a window of a directory's segments (store/segments.h) copied
 * into one private session file, which the whole read API then reads like
 * any session: `vigil replay|report|export DIR` and the console's history.
 *
 * Why a copy and not a reader routed across files: the read side is ~35
 * queries in ten rooms (series downsampling in SQL, the process table at a
 * tick, top processes over a window, alert states, profiles, heap, ...),
 * each of them joins inside one file. Routing each to the files of its
 * window and merging results would mean a second implementation of every
 * one of them (buckets that straddle two files, a process's CPU across a
 * boundary, ids of profiles and mappings per file), and views over ATTACHed
 * files stop at SQLite's limit of 10 attached databases, far below 14 days
 * x 24 files. The copy is one INSERT .. SELECT per table run inside SQLite,
 * one segment ATTACHed at a time, and only the segments of the window
 * asked for (plus the one before it, which gives the first tick's rates a
 * baseline). Its cost is paid once per command: bench figures in README.
 *
 * Invariants:
 * - The copy lives in a directory vigil makes with mkdtemp (0700) under
 *   $TMPDIR (else /tmp); the file is 0600. history_copy_remove removes the
 *   file and that directory and nothing else; the segments are only read.
 * - A process is one identity (pid + start time) across the files: the
 *   same process in two hourly files is one procs row in the copy, alive
 *   from its first tick in the first file to its last in the last.
 * - Tick seqs are shifted so they rise with time across segments; the
 *   gaps between segments stay gaps (no ticks), nothing is interpolated,
 *   and no rate is derived across one (store/gaps.h): a segment follows
 *   the one before by one seq, or, when it is the same recorder's next
 *   file (its seqs go on), by as many as the recorder counted.
 *   Rows of one minute that two segments both rolled up are merged (counts
 *   and sums added, min of mins, max of maxes).
 * - A segment compacted to its per-minute rollups (no ticks) is copied as
 *   its rollups plus one empty tick per minute, so the timeline has those
 *   minutes and wide graphs read them; its per-tick rows are gone anyway.
 * - A segment that fails to copy (corrupt past its header) is rolled back
 *   whole and noted in sg->notes; the rest of the window is still copied.
 * - Nothing here prints.
 */
#ifndef VIGIL_STORE_HISTORY_H
#define VIGIL_STORE_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "store/segments.h"
#include "store/store.h"

struct history_copy {
	char *dir;	 /* owned: the mkdtemp directory */
	char *path;	 /* owned: the session file in it */
	size_t segments; /* segments copied */
};

/*
 * Copies the segments of sg that hold data in [t0, t1], and the last one
 * that ends before t0, into a new private session file; *out (zeroed on
 * entry) names it. A segment that cannot be copied is noted in sg and
 * skipped. sg holds at least one segment. Returns 0, or -1 with a reason in
 * err and nothing left behind (no segment could be copied, or the scratch
 * file cannot be made).
 */
int history_copy(struct segments *sg, int64_t t0, int64_t t1, struct history_copy *out,
		 char *err, size_t errlen);

/* Removes the copy's file (and a -wal/-shm/-journal a connection left) and
 * its directory; frees *c. Safe on a zeroed or already removed copy. */
void history_copy_remove(struct history_copy *c);

/*
 * For the tests: the name of a table of a current session file that the
 * copy does not know how to carry over (a table added to store/schema.c
 * without a line in history.c's table list), or NULL when it knows all.
 * Static storage; s is any open session file at the current schema.
 */
const char *history_unknown_table(struct store *s);

#endif
