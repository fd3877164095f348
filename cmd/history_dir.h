/* SPDX-License-Identifier: MIT */
/*
 * history_dir: where `vigil daemon` keeps its hourly session files, and
 * whether one is recording there now, for the console that opens with that
 * history and stops recording the whole system a second time.
 *
 * Invariants:
 * - The default directory is /var/lib/vigil for root, else
 *   $XDG_STATE_HOME/vigil/daemon (~/.local/state/vigil/daemon), as the
 *   daemon's; nothing here creates it. (The daemon's own room is
 *   cmd/daemon_dir.h; this is the reader's side of the same directory.)
 * - A daemon holds an exclusive flock on DIR/daemon.lock for as long
 *   as it records (the name both sides agree on); looking opens that file
 *   read-only, never through a link, and never creates it.
 */
#ifndef VIGIL_CMD_HISTORY_DIR_H
#define VIGIL_CMD_HISTORY_DIR_H

#include <stdbool.h>
#include <sys/types.h>

/* The lock `vigil daemon` holds (DAEMON_LOCK_NAME of its cmd/daemon_dir.h). */
#define HISTORY_DAEMON_LOCK "daemon.lock"

/* The default directory (owned by the caller, free), or NULL when HOME is
 * not set for a user other than root. */
char *history_dir_default(void);

/* Whether a daemon records into dir now; *pid gets its pid when the kernel
 * names it (else 0). */
bool history_dir_recording(const char *dir, pid_t *pid);

#endif
