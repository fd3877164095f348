/* SPDX-License-Identifier: MIT */
/*
 * outfile: the one way vigil opens a path to write to. vigil runs as root, so
 * every output path (-o of every subcommand, the .log of a started command,
 * alert log: files, a session's -wal/-shm siblings) goes through these few
 * helpers, and nowhere else does vigil unlink, rename over or truncate.
 *
 * Invariants:
 * - A symlink is never followed at the last component (O_NOFOLLOW); one
 *   there is refused, never replaced.
 * - Only a regular file is ever replaced or appended to. A device, FIFO,
 *   socket or directory at the path is refused with what it is, and nothing
 *   is opened in a way that could block on it (O_NONBLOCK where a FIFO could
 *   be met, the check before any write).
 * - New files are created with O_EXCL, mode 0600. An existing file is
 *   replaced only when the caller says force (the user named it with
 *   --force), and then only a regular file.
 * - Appending (alert logs) never writes to a file owned by another user: root
 *   appending to a file another user planted is writing through it.
 * - vigil removes only what it created: outfile_discard checks that the name
 *   still refers to the file it holds open before it unlinks it.
 *
 * Errors are returned as -errno with a one-line reason in err: lowercase, the
 * path quoted, no trailing period, no "vigil:" prefix. Nothing here prints.
 */
#ifndef VIGIL_CORE_OUTFILE_H
#define VIGIL_CORE_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * What may be written at path: nothing there (0), or with force a regular
 * file (0). Otherwise -EEXIST ("'P' exists (use --force to overwrite)"), or
 * a refusal naming what is there ("'P' is a symlink: vigil writes only
 * regular files"), or another -errno from lstat.
 */
int outfile_check(const char *path, bool force, char *err, size_t errlen);

/*
 * Creates path as a new empty file open for writing (O_EXCL, O_NOFOLLOW,
 * 0600, close-on-exec). With force, a regular file already there is removed
 * first (never anything else). Returns the descriptor (the caller owns it),
 * or -errno with err.
 */
int outfile_create(const char *path, bool force, char *err, size_t errlen);

/*
 * Opens path to append to it, creating it 0600 when missing; never follows a
 * symlink, never blocks on a FIFO, and refuses anything that is not a regular
 * file owned by this user. Returns the descriptor (caller owns it; blocking
 * writes), or -errno with err.
 */
int outfile_append(const char *path, char *err, size_t errlen);

/*
 * Removes path when it is still the regular file fd refers to (same device
 * and inode): undoes a file this process created, never one that has been
 * swapped in since. Does not close fd. 0, or -errno (-ESTALE: not ours).
 */
int outfile_discard(const char *path, int fd);

/*
 * A whole file written at once (export -o, profile -o): the bytes go to a
 * temporary file beside path (".NAME.XXXXXX", 0600) and reach path only at
 * outfile_commit, so a failed write leaves what was at path untouched.
 */
struct outfile {
	int fd;	    /* the temporary file's descriptor; -1 once closed */
	char *path; /* owned: where the file goes */
	char *tmp;  /* owned: the temporary file, removed unless committed */
	bool force;
};

/*
 * Checks path (outfile_check) and opens the temporary file. Returns 0 with o
 * ready (release it with outfile_commit or outfile_abort), or -errno with err
 * and o left needing nothing.
 */
int outfile_begin(struct outfile *o, const char *path, bool force, char *err,
		  size_t errlen);

/*
 * Closes the temporary file (a caller that wrapped o->fd in a FILE fcloses
 * it first, checks that, and sets o->fd to -1) and moves it to path: without
 * force so that a file that appeared meanwhile is not overwritten (-EEXIST);
 * with force by rename(2), only over a regular file. Releases o either way;
 * on failure the temporary file is removed. 0 or -errno with err.
 */
int outfile_commit(struct outfile *o, char *err, size_t errlen);

/* Removes the temporary file and releases o. Safe to call twice, and on a
 * zeroed struct that was never begun. */
void outfile_abort(struct outfile *o);

/*
 * Takes a BSD lock (flock) on fd without waiting: exclusive or shared.
 * 0, or -EWOULDBLOCK when another open file holds a conflicting lock.
 * Independent of SQLite's POSIX record locks on the same file.
 */
int outfile_lock(int fd, bool exclusive);

/*
 * The pid that holds a flock on the file fd refers to, from /proc/locks
 * (proc_root, normally "/proc"), other than this process; 0 when none is
 * found.
 */
pid_t outfile_lock_holder(const char *proc_root, int fd);

#endif
