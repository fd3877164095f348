/* SPDX-License-Identifier: MIT */
/*
 * outfile: see outfile.h. Every check looks at the path itself (lstat,
 * O_NOFOLLOW), and every open that could meet a FIFO is non-blocking, so the
 * worst a hostile path can do is be refused with a clear reason.
 */
#include "core/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "core/xalloc.h"

/* What a file that is not a regular one is, for messages. */
static const char *kind_of(mode_t m)
{
	if (S_ISLNK(m))
		return "a symlink";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISDIR(m))
		return "a directory";
	return "not a regular file";
}

static int refuse_kind(const char *path, mode_t m, char *err, size_t errlen)
{
	snprintf(err, errlen, "'%s' is %s: vigil writes only to regular files", path,
		 kind_of(m));
	return S_ISDIR(m) ? -EISDIR : -EPERM;
}

int outfile_check(const char *path, bool force, char *err, size_t errlen)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "cannot create '%s': %s", path, strerror(errno));
		return -errno;
	}
	if (!S_ISREG(st.st_mode))
		return refuse_kind(path, st.st_mode, err, errlen);
	if (!force) {
		snprintf(err, errlen, "'%s' exists (use --force to overwrite)", path);
		return -EEXIST;
	}
	return 0;
}

/* The reason an open with O_NOFOLLOW|O_NONBLOCK failed, said about path. */
static int open_failed(const char *path, const char *verb, char *err, size_t errlen)
{
	int e = errno;
	struct stat st;

	if ((e == ELOOP || e == ENXIO || e == EISDIR || e == EEXIST) &&
	    lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return refuse_kind(path, st.st_mode, err, errlen);
	if (e == EEXIST)
		snprintf(err, errlen, "'%s' exists (use --force to overwrite)", path);
	else
		snprintf(err, errlen, "cannot %s '%s': %s", verb, path, strerror(e));
	return -e;
}

int outfile_create(const char *path, bool force, char *err, size_t errlen)
{
	int rc = outfile_check(path, force, err, errlen), fd;

	if (rc < 0)
		return rc;
	if (force && unlink(path) < 0 && errno != ENOENT) {
		snprintf(err, errlen, "cannot replace '%s': %s", path, strerror(errno));
		return -errno;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
		  0600);
	if (fd < 0)
		return open_failed(path, "create", err, errlen);
	fcntl(fd, F_SETFL, 0);
	return fd;
}

int outfile_append(const char *path, char *err, size_t errlen)
{
	int fd = open(path,
		      O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
			      O_CLOEXEC,
		      0600);
	struct stat st;

	if (fd < 0)
		return open_failed(path, "open", err, errlen);
	if (fstat(fd, &st) < 0) {
		int e = errno;

		close(fd);
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(e));
		return -e;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return refuse_kind(path, st.st_mode, err, errlen);
	}
	if (st.st_uid != geteuid()) {
		close(fd);
		snprintf(err, errlen,
			 "'%s' belongs to uid %u: vigil appends only to its own files",
			 path, (unsigned)st.st_uid);
		return -EPERM;
	}
	fcntl(fd, F_SETFL, O_APPEND); /* writes to a regular file may block */
	return fd;
}

int outfile_discard(const char *path, int fd)
{
	struct stat held, named;

	if (fstat(fd, &held) < 0 || lstat(path, &named) < 0)
		return -errno;
	if (!S_ISREG(named.st_mode) || held.st_dev != named.st_dev ||
	    held.st_ino != named.st_ino)
		return -ESTALE;
	return unlink(path) < 0 ? -errno : 0;
}

/* ---- whole files through a temporary one ---- */

int outfile_begin(struct outfile *o, const char *path, bool force, char *err,
		  size_t errlen)
{
	const char *slash = strrchr(path, '/');
	int rc = outfile_check(path, force, err, errlen);

	memset(o, 0, sizeof(*o));
	o->fd = -1;
	if (rc < 0)
		return rc;
	if (slash)
		o->tmp = xasprintf("%.*s/.%s.XXXXXX", (int)(slash - path), path,
				   slash + 1);
	else
		o->tmp = xasprintf(".%s.XXXXXX", path);
	o->fd = mkostemp(o->tmp, O_CLOEXEC); /* O_EXCL, 0600 */
	if (o->fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot create '%s': %s", path, strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
		return rc;
	}
	o->path = xstrdup(path);
	o->force = force;
	return 0;
}

/* Moves tmp to path without replacing anything there. */
static int place_new(const char *tmp, const char *path)
{
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -errno;
	/* a file system without RENAME_NOREPLACE: link(2) refuses EEXIST too */
	if (link(tmp, path) < 0)
		return -errno;
	unlink(tmp);
	return 0;
}

/* Puts the closed temporary file at o->path. 0 or -errno with err. */
static int place(struct outfile *o, char *err, size_t errlen)
{
	int rc;

	if (!o->force) {
		rc = place_new(o->tmp, o->path);
		if (rc == -EEXIST)
			return outfile_check(o->path, false, err, errlen);
		if (rc < 0)
			snprintf(err, errlen, "cannot create '%s': %s", o->path,
				 strerror(-rc));
		return rc;
	}
	rc = outfile_check(o->path, true, err, errlen);
	if (rc == 0 && rename(o->tmp, o->path) < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot replace '%s': %s", o->path,
			 strerror(errno));
	}
	return rc;
}

int outfile_commit(struct outfile *o, char *err, size_t errlen)
{
	int rc = 0;

	if (o->fd >= 0 && close(o->fd) < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot write '%s': %s", o->path, strerror(errno));
	}
	o->fd = -1;
	if (rc == 0)
		rc = place(o, err, errlen);
	if (rc == 0) {
		free(o->tmp);
		o->tmp = NULL; /* it is o->path now: nothing to remove */
	}
	outfile_abort(o);
	return rc;
}

void outfile_abort(struct outfile *o)
{
	if (!o->path && !o->tmp)
		return; /* released already, or never begun (a zeroed struct) */
	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	if (o->tmp)
		unlink(o->tmp); /* ours: mkostemp made it */
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
}

/* ---- locks ---- */

int outfile_lock(int fd, bool exclusive)
{
	while (flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	return 0;
}

pid_t outfile_lock_holder(const char *proc_root, int fd)
{
	char path[4096], line[256];
	struct stat st;
	pid_t found = 0;
	FILE *f;

	if (fstat(fd, &st) < 0)
		return 0;
	snprintf(path, sizeof(path), "%s/locks", proc_root);
	if (!(f = fopen(path, "re")))
		return 0;
	/* "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF" (device in hex) */
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned maj, min;
		unsigned long long ino;
		int pid;
		char kind[16];

		if (sscanf(line, "%*d: %15s %*s %*s %d %x:%x:%llu", kind, &pid, &maj,
			   &min, &ino) == 5 &&
		    !strcmp(kind, "FLOCK") && pid > 0 && pid != getpid() &&
		    maj == major(st.st_dev) && min == minor(st.st_dev) &&
		    ino == (unsigned long long)st.st_ino)
			found = pid;
	}
	fclose(f);
	return found;
}
