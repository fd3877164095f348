/* SPDX-License-Identifier: MIT */
/*
 * daemon_dir: the directory `vigil daemon` records into, and what it keeps
 * there besides the session files: daemon.lock (one daemon per directory)
 * and daemon.log (its log, unless VIGIL_LOG names another file).
 *
 * Invariants:
 * - The directory is refused when it is a symlink, not a directory, or not
 *   owned by the running uid. One the daemon creates is 0700 (parents too).
 * - daemon.lock is opened with O_NOFOLLOW|O_CLOEXEC, 0600, must be a regular
 *   file of ours, and holds an exclusive flock for the daemon's life; it
 *   says the holder's pid, so a second daemon can name it.
 * - daemon.log is capped: past DAEMON_LOG_MAX bytes it becomes daemon.log.1
 *   (replacing the one before, a file of ours) and a new one starts.
 * - Nothing else in the directory is touched here.
 */
#ifndef VIGIL_CMD_DAEMON_DIR_H
#define VIGIL_CMD_DAEMON_DIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DAEMON_LOCK_NAME "daemon.lock"
#define DAEMON_LOG_NAME "daemon.log"
#define DAEMON_LOG_MAX ((int64_t)1 << 20)

struct daemon_dir {
	char *path;
	char host[64]; /* the HOST of the file names: the short host name */
	int lock_fd;
	bool own_log; /* the log is DIR/daemon.log */
};

/*
 * The default directory: /var/lib/vigil as root, else
 * $XDG_STATE_HOME/vigil/daemon (~/.local/state/vigil/daemon). Returns a
 * string the caller frees, or NULL with err (no HOME).
 */
char *daemon_dir_default(char *err, size_t errlen);

/*
 * Creates path if missing (0700), checks it (see above) and takes its lock.
 * Returns 0, or -1 with err: "'DIR' is a symlink", "'DIR' is not owned by
 * uid N", "'DIR' is in use by pid N", ... (the caller prefixes "vigil:
 * daemon: "). *warn gets a line worth saying ("" if none): a directory others
 * may read.
 */
int daemon_dir_open(struct daemon_dir *d, const char *path, char *warn, size_t warnlen,
		    char *err, size_t errlen);

/*
 * Opens the log: VIGIL_LOG when set, else DIR/daemon.log. Returns 0 or -1
 * with err.
 */
int daemon_dir_open_log(struct daemon_dir *d, char *err, size_t errlen);

/* Moves a log grown past DAEMON_LOG_MAX aside and starts a new one. */
void daemon_dir_cap_log(struct daemon_dir *d);

/* Releases the lock (the file stays) and frees the path. */
void daemon_dir_release(struct daemon_dir *d);

#endif
