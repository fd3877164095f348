/* SPDX-License-Identifier: MIT */
/*
 * writer: the one thread that writes frames into a session file, so the
 * sampler never waits for the disk.
 *
 * Invariants:
 * - Between store_writer_start and store_writer_stop the writer thread owns
 *   the store: nobody else may call into it.
 * - store_writer_push never blocks. When queue_cap frames already wait, the
 *   oldest waiting one is dropped and counted; the newest data wins.
 * - Every pushed frame ends up counted exactly once: written, dropped, or
 *   failed (store_write_frame returned -1; the writer goes on).
 */
#ifndef VIGIL_STORE_WRITER_H
#define VIGIL_STORE_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/profile.h"
#include "core/frame.h"
#include "core/proc_action.h"
#include "store/rotation.h"
#include "store/store.h"

struct store_writer;

struct store_writer_stats {
	uint64_t written, dropped, failed;
	char last_error[256]; /* store_error of the last failed frame, or "" */
};

/*
 * Starts the writer thread ("vigil-writer") over s, with room for queue_cap
 * (> 0) waiting frames. s stays the caller's to close, after
 * store_writer_stop. Returns the writer (freed by store_writer_stop); a
 * thread that cannot be started is fatal().
 */
struct store_writer *store_writer_start(struct store *s, size_t queue_cap);

/*
 * store_writer_start over a rotation (store/rotation.h): before each frame
 * the writer asks whether the frame belongs to the next file and switches
 * between frames. r stays the caller's, to close after store_writer_stop.
 * A switch that fails is logged once and retried at the next frame; the
 * frame goes to the current file meanwhile.
 */
struct store_writer *store_writer_start_rotating(struct rotation *r, size_t queue_cap);

/* Queues a new reference of f (taken here with frame_ref); the caller keeps
 * its own. Never blocks. Safe from any one producer thread. */
void store_writer_push(struct store_writer *w, struct frame *f);

/*
 * Hands a finished profile to the writer, which stores it between frames
 * (and before it stops) and frees it; rule names the alert whose action
 * captured it (its firing row gets the profile's id), or is NULL.
 */
void store_writer_push_profile(struct store_writer *w, struct profile *p,
			       const char *rule);

/*
 * Any thread, never blocks: hands a copy of an operator's action (the
 * console's kill, renice, strace, lsof) to the writer, which stores it
 * between frames, like a profile, and before it stops.
 */
void store_writer_push_action(struct store_writer *w, const struct proc_action *a);

/* A snapshot of the counters; callable from any thread while it runs. */
void store_writer_stats(struct store_writer *w, struct store_writer_stats *out);

/* Writes what is still queued, joins the thread and frees w. NULL ok. */
void store_writer_stop(struct store_writer *w);

/* store_writer_stop, and *out (unless NULL) gets the final counters: the
 * only way to learn what happened to the frames that were still queued. */
void store_writer_finish(struct store_writer *w, struct store_writer_stats *out);

#endif
