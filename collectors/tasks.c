/* SPDX-License-Identifier: MIT */
/*
 * tasks: a process's threads with their per-tick files kept open. See
 * tasks.h for the invariants.
 *
 * The slots (tid, one descriptor per kept file) are two arrays swapped at
 * each listing: the new listing is sorted and merged with the old one, so a
 * thread that stays keeps its descriptors and one that left has them closed,
 * in one linear pass.
 */
#include "collectors/tasks.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xalloc.h"

/* descriptors left to the rest of vigil (session, WAL, sockets, smaps,
 * perf rings) when the limit is large; a small limit is shared half-half */
#define TASKS_FD_RESERVE 1024
#define REL_MAX 64

struct slot {
	int tid;
	int fd[TASK_KEPT_N]; /* -1: not kept */
};

struct task_files {
	char *root;
	int pid;	/* 0: the processes under root (task_files_new_procs) */
	unsigned share; /* keeps 1/share of the descriptor budget */
	DIR *dir;	/* <root>/<pid>/task, opened at the first listing */
	struct slot *slots, *spare;
	size_t n, cap, spare_cap;
	int *tids; /* the listing handed out */
	size_t tids_cap;
	size_t kept, budget;
};

static const char *const kept_names[TASK_KEPT_N] = {
	[TASK_STAT] = "stat",
	[TASK_SCHEDSTAT] = "schedstat",
};

struct task_files *task_files_new(const char *root, int pid)
{
	struct task_files *tf = xcalloc(1, sizeof(*tf));

	tf->root = xstrdup(root);
	tf->pid = pid;
	tf->share = 1;
	return tf;
}

struct task_files *task_files_new_procs(const char *root)
{
	struct task_files *tf = task_files_new(root, 0);

	tf->share = 2;
	return tf;
}

static void slot_close(struct task_files *tf, struct slot *s)
{
	for (int k = 0; k < TASK_KEPT_N; k++) {
		if (s->fd[k] >= 0) {
			close(s->fd[k]);
			tf->kept--;
		}
		s->fd[k] = -1;
	}
}

void task_files_free(struct task_files *tf)
{
	if (!tf)
		return;
	for (size_t i = 0; i < tf->n; i++)
		slot_close(tf, &tf->slots[i]);
	if (tf->dir)
		closedir(tf->dir);
	free(tf->slots);
	free(tf->spare);
	free(tf->tids);
	free(tf->root);
	free(tf);
}

size_t task_files_kept(const struct task_files *tf)
{
	return tf->kept;
}

/* How many descriptors may be kept, from the soft RLIMIT_NOFILE. */
static size_t fd_budget(void)
{
	struct rlimit rl;
	rlim_t soft;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 0;
	soft = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > INT_MAX ? INT_MAX
								     : rl.rlim_cur;
	return soft > 2 * TASKS_FD_RESERVE ? (size_t)(soft - TASKS_FD_RESERVE)
					   : (size_t)(soft / 2);
}

static int open_dir(struct task_files *tf)
{
	char path[PATH_MAX];
	int fd;

	if (tf->dir) {
		rewinddir(tf->dir);
		return 0;
	}
	if (tf->pid)
		snprintf(path, sizeof(path), "%s/%d/task", tf->root, tf->pid);
	else
		snprintf(path, sizeof(path), "%s", tf->root);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	tf->dir = fdopendir(fd);
	if (!tf->dir) {
		int err = errno;

		close(fd);
		return -err;
	}
	return 0;
}

/* A task/ entry name as a tid, or -1 when it is not one. */
static int parse_tid(const char *name)
{
	long v = 0;

	if (!*name)
		return -1;
	for (const char *p = name; *p; p++) {
		if (!isdigit((unsigned char)*p) || v > (INT_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v > 0 ? (int)v : -1;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Reads the directory into tf->tids, ascending. Returns the count or -errno. */
static long read_listing(struct task_files *tf)
{
	struct dirent *de;
	size_t n = 0;
	int rc = open_dir(tf), tid;

	if (rc < 0)
		return rc;
	for (;;) {
		errno = 0;
		de = readdir(tf->dir);
		if (!de)
			break;
		tid = parse_tid(de->d_name);
		if (tid < 0)
			continue;
		tf->tids = xgrow(tf->tids, &tf->tids_cap, n + 1, sizeof(*tf->tids));
		tf->tids[n++] = tid;
	}
	if (errno)
		return -errno;
	qsort(tf->tids, n, sizeof(*tf->tids), cmp_int);
	return (long)n;
}

long task_files_list(struct task_files *tf, const int **tids)
{
	long n = read_listing(tf);
	size_t o = 0;

	*tids = tf->tids;
	if (n < 0)
		return n;
	tf->spare = xgrow(tf->spare, &tf->spare_cap, (size_t)n + 1, sizeof(*tf->spare));
	for (size_t i = 0; i < (size_t)n; i++) {
		struct slot *s = &tf->spare[i];

		while (o < tf->n && tf->slots[o].tid < tf->tids[i])
			slot_close(tf, &tf->slots[o++]);
		if (o < tf->n && tf->slots[o].tid == tf->tids[i]) {
			*s = tf->slots[o++];
			continue;
		}
		s->tid = tf->tids[i];
		for (int k = 0; k < TASK_KEPT_N; k++)
			s->fd[k] = -1;
	}
	while (o < tf->n)
		slot_close(tf, &tf->slots[o++]);
	/* swap: the merged slots become current */
	struct slot *old = tf->slots;
	size_t old_cap = tf->cap;

	tf->slots = tf->spare;
	tf->cap = tf->spare_cap;
	tf->spare = old;
	tf->spare_cap = old_cap;
	tf->n = (size_t)n;
	tf->budget = fd_budget() / tf->share;
	return n;
}

static int open_file(struct task_files *tf, int tid, const char *name)
{
	char rel[REL_MAX];
	int fd;

	snprintf(rel, sizeof(rel), "%d/%s", tid, name);
	do
		fd = openat(dirfd(tf->dir), rel, O_RDONLY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	return fd < 0 ? -errno : fd;
}

/* pread from offset 0 until buf is full or the file ends. */
static long read_fd(int fd, char *buf, size_t cap)
{
	size_t got = 0;

	while (got + 1 < cap) {
		ssize_t n = pread(fd, buf + got, cap - 1 - got, (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
		/* a /proc file hands over all it has in one read */
		if (got + 1 < cap)
			break;
	}
	buf[got] = '\0';
	return (long)got;
}

static long read_fresh(struct task_files *tf, struct slot *s, enum task_file which,
		       char *buf, size_t cap)
{
	int fd = open_file(tf, s->tid, kept_names[which]);
	long n;

	if (fd < 0)
		return fd;
	n = read_fd(fd, buf, cap);
	if (n >= 0 && tf->kept < tf->budget) {
		s->fd[which] = fd;
		tf->kept++;
	} else {
		close(fd);
	}
	return n;
}

long task_files_read(struct task_files *tf, size_t i, enum task_file which, char *buf,
		     size_t cap)
{
	struct slot *s;
	long n;

	if (i >= tf->n || cap == 0)
		return -EINVAL;
	s = &tf->slots[i];
	if (s->fd[which] < 0)
		return read_fresh(tf, s, which, buf, cap);
	n = read_fd(s->fd[which], buf, cap);
	if (n >= 0)
		return n;
	/* the thread this descriptor was opened on ended; the tid may now
	 * belong to a new one, which a fresh open finds */
	close(s->fd[which]);
	s->fd[which] = -1;
	tf->kept--;
	return read_fresh(tf, s, which, buf, cap);
}

int task_files_owner(struct task_files *tf, size_t i, unsigned *uid)
{
	struct stat st;
	char rel[REL_MAX];
	int rc;

	if (i >= tf->n)
		return -EINVAL;
	if (tf->slots[i].fd[TASK_STAT] >= 0) {
		rc = fstat(tf->slots[i].fd[TASK_STAT], &st);
	} else {
		snprintf(rel, sizeof(rel), "%d", tf->slots[i].tid);
		rc = fstatat(dirfd(tf->dir), rel, &st, AT_SYMLINK_NOFOLLOW);
	}
	if (rc < 0)
		return -errno;
	*uid = (unsigned)st.st_uid;
	return 0;
}

long task_files_read_once(struct task_files *tf, int tid, const char *name, char *buf,
			  size_t cap)
{
	int fd;
	long n;

	if (!tf->dir || cap == 0)
		return -EBADF;
	fd = open_file(tf, tid, name);
	if (fd < 0)
		return fd;
	n = read_fd(fd, buf, cap);
	close(fd);
	return n;
}
