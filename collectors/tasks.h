/* SPDX-License-Identifier: MIT */
/*
 * tasks: the threads of one process and the files the collectors read for
 * each of them every tick (task/<tid>/stat and schedstat), kept open.
 *
 * A process with thousands of threads would otherwise cost two opens, two
 * path walks and two closes per thread per tick. Here the task/ directory is
 * opened once, and each thread's stat and schedstat are opened once and read
 * again with pread at offset 0 (a /proc seq file starts over there), so a
 * tick costs one getdents pass and one pread per file.
 *
 * Invariants:
 * - The listing is ascending by tid; a tid that left the listing has its
 *   files closed at the next listing. A file whose thread has ended reads
 *   -ESRCH (or -ENOENT), and the slot is reopened if the tid shows up again
 *   (a new thread may reuse a tid), so a reading never comes from an ended
 *   thread.
 * - Kept descriptors stay under a budget taken from RLIMIT_NOFILE (its soft
 *   limit less a reserve for the rest of vigil, or half of a small limit):
 *   threads beyond it are read with a fresh openat each tick, so a small
 *   limit costs time, never a failed read or a descriptor the rest of vigil
 *   needed. Every descriptor is O_CLOEXEC.
 * - Nothing here parses: it hands out text, as core/procfs does.
 */
#ifndef VIGIL_COLLECTORS_TASKS_H
#define VIGIL_COLLECTORS_TASKS_H

#include <stddef.h>

enum task_file {
	TASK_STAT,	/* task/<tid>/stat */
	TASK_SCHEDSTAT, /* task/<tid>/schedstat */
	TASK_KEPT_N
};

struct task_files;

/*
 * The threads of pid under root ("/proc" or a fixture tree). Nothing is
 * opened yet. Returns a set the caller frees with task_files_free(); root is
 * copied.
 */
struct task_files *task_files_new(const char *root, int pid);
/*
 * The processes under root itself: its numeric entries are the listing and
 * root/<pid>/stat their TASK_STAT, kept open the same way, for the whole
 * process table. It keeps at most half of the descriptor budget; the other
 * half is a target's threads'.
 */
struct task_files *task_files_new_procs(const char *root);
/* Closes every kept descriptor and frees tf. NULL is ignored. */
void task_files_free(struct task_files *tf);

/*
 * Lists task/ afresh. Returns the number of threads and points *tids at them
 * (ascending; borrowed until the next call), or -errno when task/ cannot be
 * read (-ENOENT once the process is gone).
 */
long task_files_list(struct task_files *tf, const int **tids);

/*
 * Reads file which of the i-th thread of the last listing into buf
 * (NUL-terminated, at most cap-1 bytes). Returns the byte count or -errno;
 * -ENOENT and -ESRCH mean the thread has ended.
 */
long task_files_read(struct task_files *tf, size_t i, enum task_file which, char *buf,
		     size_t cap);

/*
 * The owner of the i-th listed thread or process (its effective uid, as
 * /proc shows it): an fstat of its kept stat, else of its directory.
 * Returns 0 or -errno.
 */
int task_files_owner(struct task_files *tf, size_t i, unsigned *uid);

/* Reads task/<tid>/<name> once (open, read, close) for the files read
 * rarely, such as wchan and syscall. Same returns as task_files_read. */
long task_files_read_once(struct task_files *tf, int tid, const char *name, char *buf,
			  size_t cap);

/* How many descriptors tf keeps open now (for tests and the bench). */
size_t task_files_kept(const struct task_files *tf);

#endif
