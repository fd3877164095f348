/* SPDX-License-Identifier: MIT */
/*
 * profiles: CPU profiles in a session file (schema v3: profiles,
 * profile_frames, profile_nodes, profile_counts, profile_threads; v12:
 * profile_mappings, profile_frame_places), both ways. A profile is stored as it is held
 * in memory (analysis/profile.h): frames and call-tree nodes once each, then counts per
 * (node, thread), so a stack seen a million times is one row.
 *
 * Invariants:
 * - One profile is written in one transaction: a file holds whole profiles
 *   or none of one. The root (node 0) is implicit and never a row; node rows
 *   are 1..nnodes-1 with parent < id.
 * - Writing goes through the write connection, so it runs on the thread
 *   that owns it (the writer thread once store_writer_start has it).
 * - Loading never trusts the file: ids out of order, parents after children,
 *   unknown frames or nodes, duplicates are refused as a corrupt profile.
 * - Files from before schema v3 simply have no profiles; profiles of files
 *   from before v12 load with no mappings (frames unplaced).
 * - Errors are lowercase one-liners, what failed first, no trailing period.
 */
#ifndef VIGIL_STORE_PROFILES_H
#define VIGIL_STORE_PROFILES_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/profile.h"
#include "store/store.h"

/*
 * Writes p (borrowed) as a new profile and sets p->meta.id to its row id.
 * One transaction (BEGIN IMMEDIATE, or a savepoint when the caller already
 * has one open); on failure nothing of it is left in the file. Returns 0, or
 * -1 with the reason in err (and store_error(s)); the store stays usable.
 */
int store_write_profile(struct store *s, struct profile *p, char *err, size_t errlen);

/*
 * The same without touching p: the new row id goes to *id. For a profile that
 * other threads may be reading at the same moment (one handed to both the
 * UI and the writer), which store_write_profile's write to p->meta.id would
 * race with.
 */
int store_write_profile_const(struct store *s, const struct profile *p, int64_t *id,
			      char *err, size_t errlen);

/*
 * Every profile of the session, newest first (started_ms, then id,
 * descending): *out is a new array the caller frees (NULL when *n is 0).
 * Returns 0, or -1 with store_error(s) and *out = NULL, *n = 0.
 */
int query_profiles(struct store *s, struct profile_meta **out, size_t *n);

/*
 * Profile id, rebuilt in memory; the caller owns it (profile_free). NULL with
 * the reason in err when there is no such profile, the file cannot be read,
 * or its rows do not form a valid profile ("profile 3 is corrupt: ...").
 */
struct profile *query_profile_load(struct store *s, int64_t id, char *err, size_t errlen);

#endif
