/* SPDX-License-Identifier: MIT */
/*
 * compact: old session files made small, and files left behind by a crash
 * made whole, for `vigil daemon`'s directory.
 *
 * Compaction keeps one tick per minute (the last of each minute, so the
 * last tick of the file stays) with every table's rows for it, and the
 * per-minute rollups (min, sum, max of every metric) untouched. Counters are
 * cumulative, so rates between two kept ticks are the exact averages over
 * the minute; rows written only on change (processes, disks, interfaces,
 * mappings, cgroups) are moved to the kept tick that follows them, the latest one
 * per key winning, so the state at each kept tick is what it was; a
 * process that ended is last seen at the last kept tick it was alive at.
 * Events
 * (alert transitions, notices) are all kept, moved to the kept tick at or
 * after them. A process alive at no kept tick (it lived and ended inside a
 * minute) is dropped with its samples: at a minute's resolution it was
 * never there, and on a host that runs many short commands their command
 * lines would be most of the file.
 * Exits from the kernel's accounting are merged: one row per minute,
 * command, user and outcome, standing for n exits (schema 15; the
 * longest-lived one's pid and command line, CPU summed, the highest peak),
 * so `export --exits` of a compacted file lists such rows, not every exit.
 * The state of exit accounting, written when it changed, moves like the
 * rows written on change. Per-tick samples of other ticks (system, cores,
 * target, threads, StatsD, heap readings) are dropped. The file is then rewritten
 * (VACUUM) in rollback-journal mode, and a notice of kind "compacted" marks it, so a
 * second run leaves it alone and report says so.
 *
 * Invariants:
 * - Only the file at path is changed, in place, through SQLite: a crash
 *   half-way leaves the file as it was before or as it is after. It is
 *   never renamed or replaced.
 * - A file another vigil has open (store_session_in_use) is refused.
 * - The caller checks that path is its own regular file; both functions
 *   open it with SQLITE_OPEN_NOFOLLOW.
 */
#ifndef VIGIL_STORE_COMPACT_H
#define VIGIL_STORE_COMPACT_H

#include <stddef.h>
#include <stdint.h>

/* The notice kind that marks a compacted file. */
#define COMPACT_NOTICE_KIND "compacted"

struct compact_result {
	uint64_t ticks_before, ticks_after;
	uint64_t bytes_before, bytes_after; /* the file and its -wal */
};

/*
 * Compacts the session file at path (see above); the notice is at its last
 * tick, so a report of the file shows it. Returns 1 when done (*res filled, may be NULL),
 * 0 when the file was compacted already or has no ticks, -1 with err.
 */
int store_compact(const char *path, struct compact_result *res, char *err, size_t errlen);

/*
 * Rewrites a finished session file (VACUUM) in 1 KiB pages, out of WAL
 * mode: rows the writer inserted across its tables leave pages part empty,
 * and a file in 1 KiB pages is about a sixth smaller than the writer's
 * 4 KiB ones. Nothing in it changes. Returns 1 when done (*before, *after
 * its bytes with any -wal, may be NULL), 0 when it is in 1 KiB pages
 * already (packed or compacted), -1 with err (in use, not a session, busy).
 */
int store_pack(const char *path, uint64_t *before, uint64_t *after, char *err,
	       size_t errlen);

/*
 * A session whose writer died (kill -9, power loss) has no end: sets
 * ended_ms to its last tick, closes the process identities still open
 * there, and checkpoints its -wal into the file. Returns 1 when it sealed
 * the file, 0 when the session had ended properly, -1 with err.
 */
int store_seal(const char *path, char *err, size_t errlen);

#endif
