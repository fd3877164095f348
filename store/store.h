/* SPDX-License-Identifier: MIT */
/*
 * store: one session = one SQLite file. This header is the lifetime of a
 * connection (store.c) and the write side (write.c); store/writer.h is the
 * thread that drains frames into the file. The read side is in rooms by
 * concern: store/frames.h (session, ticks, whole frames), store/series.h
 * (metrics over time), store/processes.h, store/target_rows.h,
 * store/alert_rows.h, store/app_rows.h, store/heap_rows.h, store/jvm_rows.h
 * and store/profiles.h.
 *
 * Invariants:
 * - A struct store is one sqlite3 connection and is used by one thread at a
 *   time. The one writer connection (store_create) lives on the writer thread
 *   once store_writer_start() has it; every reader opens its own read-only
 *   connection with store_open() (WAL lets readers run beside the writer).
 * - A file this vigil cannot read exactly (newer schema, another application,
 *   corrupt) is refused with a one-line reason, never guessed at.
 * - Each frame is written in one transaction: a file holds whole ticks only.
 * - Nothing here prints. Errors are returned as text (store_error or err),
 *   lowercase, what failed first, no trailing period, no "vigil:" prefix.
 */
#ifndef VIGIL_STORE_STORE_H
#define VIGIL_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/frame.h"

/* Opaque: one sqlite3 connection, its prepared statements, and (on the
 * writer) the map of process identities seen in the previous frame. */
struct store;

#define STORE_SCHEMA_VERSION 16
#define STORE_APPLICATION_ID 0x5649474c /* 'VIGL' in the SQLite header */

/*
 * Creates a new session file at path, mode 0600, and opens it for writing,
 * holding an exclusive flock on it until store_close, so another vigil can
 * tell it is in use. Every path goes through core/outfile: a symlink, device,
 * FIFO, socket or directory at path or at its -wal/-shm/-journal is refused.
 * An existing regular file is refused ("'PATH' exists (use --force to
 * overwrite)") unless force, and even then when another vigil has it open
 * ("'PATH' is in use by pid N"); with force it and its -wal/-shm files are
 * replaced. A stale -wal/-shm without force is refused too. On failure
 * nothing this call created is left behind. Returns 0 and *out (the caller
 * owns it; store_close frees it), or -1 with a one-line reason in err.
 */
int store_create(const char *path, bool force, struct store **out, char *err,
		 size_t errlen);

/*
 * Opens an existing session read-only. The file is never modified, and it may
 * be one another process is still writing. Refused with a reason in err:
 * missing or unreadable file, not an SQLite database, not a vigil session
 * file, written by a newer vigil, corrupt or truncated. A file with no -wal
 * beside it has no live writer and is opened immutable: no locks, and no
 * -wal/-shm files are created next to it. Returns 0 and *out (caller owns;
 * store_close), or -1.
 */
int store_open(const char *path, struct store **out, char *err, size_t errlen);

/* store_open, but a symbolic link at path is refused (SQLite is told not to
 * follow one either): for the files of a directory read whole
 * (store/segments.h), which must not lead outside it. */
int store_open_nofollow(const char *path, struct store **out, char *err, size_t errlen);

/* Finalises statements and closes the connection. NULL is ignored. */
void store_close(struct store *s);

/*
 * store_close, then removes the session file store_create made (and the
 * -wal/-shm its connection left), only while the name still refers to that
 * very file: for a start that failed half-way and for scratch sessions. On a
 * reader it is store_close. NULL is ignored.
 */
void store_discard(struct store *s);

/*
 * Whether another vigil has the session at path open: a writer (its flock)
 * or any live SQLite connection to it (the -shm lock). *holder gets the
 * writer's pid when the kernel names it, else 0. A missing file is not in
 * use.
 */
int store_session_in_use(const char *path, pid_t *holder);

/* The reason the last failing call on s failed ("" if none). Borrowed; valid
 * until the next call on s. */
const char *store_error(const struct store *s);

/* Inserts the one sessions row. Returns 0 or -1 (store_error). */
int store_session_begin(struct store *s, const struct session_meta *m);

/*
 * Writes one frame in one transaction: the tick, the system sample and its
 * cores, process identities and the rows of processes that changed, the
 * target and its threads. f is borrowed. The process rows must be in strictly
 * ascending pid order (struct proc_table promises it); an empty process table
 * is taken as "not read this tick" and leaves every identity open. Returns 0,
 * or -1 with the transaction rolled back and store_error saying why; the
 * store stays usable for the next frame.
 */
int store_write_frame(struct store *s, const struct frame *f);

/*
 * From now on frames are written without their process table, as if it had
 * not been read (identities stay as they were), and without their exits
 * (the exit accounting state still is): for a console while `vigil daemon`
 * records the whole system already. Writer only, before the writer
 * thread takes s.
 */
void store_skip_processes(struct store *s, bool skip);

/*
 * Updates ended_ms and the target's exit code and signal in the sessions row,
 * and closes every process identity still open at the last tick written.
 * Returns 0 or -1 (store_error).
 */
int store_session_end(struct store *s, const struct session_meta *m);

#endif
