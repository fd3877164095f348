/* SPDX-License-Identifier: MIT */
/*
 * daemon_dir: see daemon_dir.h. The checks run on the directory as found
 * with lstat, then every name in it is opened without following symlinks
 * (the lock with O_NOFOLLOW, the log through core/outfile), so a symlink
 * planted in the directory is never written through.
 */
#include "cmd/daemon_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "core/log.h"
#include "core/xalloc.h"

char *daemon_dir_default(char *err, size_t errlen)
{
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");

	if (geteuid() == 0)
		return xstrdup("/var/lib/vigil");
	if (state && *state == '/')
		return xasprintf("%s/vigil/daemon", state);
	if (home && *home)
		return xasprintf("%s/.local/state/vigil/daemon", home);
	snprintf(err, errlen, "cannot choose a directory: HOME is not set (use --dir)");
	return NULL;
}

static int check_dir(const char *path, char *warn, size_t warnlen, char *err,
		     size_t errlen)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		snprintf(err, errlen, "cannot use '%s': %s", path, strerror(errno));
		return -1;
	}
	if (S_ISLNK(st.st_mode)) {
		snprintf(err, errlen, "'%s' is a symlink (give the directory itself)",
			 path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "'%s' is not a directory", path);
		return -1;
	}
	if (st.st_uid != geteuid()) {
		snprintf(err, errlen, "'%s' is not owned by uid %u (it is uid %u's)",
			 path, (unsigned)geteuid(), (unsigned)st.st_uid);
		return -1;
	}
	if (st.st_mode & 077)
		snprintf(warn, warnlen,
			 "warning: '%s' is mode %04o: others may read what is recorded "
			 "(chmod 700 it)",
			 path, (unsigned)(st.st_mode & 07777));
	return 0;
}

/* The pid a lock file names, or 0. */
static int holder_pid(int fd)
{
	char buf[32] = "";
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return atoi(buf);
}

static int take_lock(struct daemon_dir *d, char *err, size_t errlen)
{
	char *lock = xasprintf("%s/%s", d->path, DAEMON_LOCK_NAME);
	struct stat st;
	char pid[32];
	int fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid()) {
		snprintf(err, errlen, "cannot use lock file '%s': %s", lock,
			 fd < 0 ? strerror(errno) : "not a regular file of ours");
		goto fail;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int holder = errno == EWOULDBLOCK ? holder_pid(fd) : 0;

		if (holder > 0)
			snprintf(err, errlen, "'%s' is in use by pid %d", d->path,
				 holder);
		else
			snprintf(err, errlen, "'%s' is in use by another daemon",
				 d->path);
		goto fail;
	}
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, strlen(pid), 0) < 0)
		log_debug("daemon: cannot write '%s': %s", lock, strerror(errno));
	d->lock_fd = fd;
	free(lock);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	free(lock);
	return -1;
}

int daemon_dir_open(struct daemon_dir *d, const char *path, char *warn, size_t warnlen,
		    char *err, size_t errlen)
{
	struct stat st;

	memset(d, 0, sizeof(*d));
	d->lock_fd = -1;
	warn[0] = '\0';
	d->path = xstrdup(path);
	/* a trailing slash would make lstat follow a symlink */
	for (size_t n = strlen(d->path); n > 1 && d->path[n - 1] == '/'; n--)
		d->path[n - 1] = '\0';
	if (lstat(d->path, &st) < 0 && errno == ENOENT && cli_mkdirs(d->path, 0700) < 0) {
		snprintf(err, errlen, "cannot create '%s': %s", d->path, strerror(errno));
		goto fail;
	}
	if (check_dir(d->path, warn, warnlen, err, errlen) < 0 ||
	    take_lock(d, err, errlen) < 0)
		goto fail;
	snprintf(d->host, sizeof(d->host), "host");
	gethostname(d->host, sizeof(d->host) - 1);
	d->host[strcspn(d->host, "./")] = '\0';
	return 0;
fail:
	free(d->path);
	d->path = NULL;
	return -1;
}

int daemon_dir_open_log(struct daemon_dir *d, char *err, size_t errlen)
{
	const char *env = getenv("VIGIL_LOG");
	char *path;
	int rc;

	if (env && *env)
		return log_open(env, err, errlen) < 0 ? -1 : 0;
	path = xasprintf("%s/%s", d->path, DAEMON_LOG_NAME);
	rc = log_open(path, err, errlen) < 0 ? -1 : 0;
	d->own_log = rc == 0;
	free(path);
	return rc;
}

void daemon_dir_cap_log(struct daemon_dir *d)
{
	char *log, *old;
	struct stat st;
	char err[512];

	if (!d->own_log)
		return;
	log = xasprintf("%s/%s", d->path, DAEMON_LOG_NAME);
	old = xasprintf("%s.1", log);
	if (lstat(log, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > DAEMON_LOG_MAX) {
		struct stat ost;

		/* the one before goes only when it is ours and a plain file */
		if (lstat(old, &ost) == 0 &&
		    (!S_ISREG(ost.st_mode) || ost.st_uid != geteuid())) {
			log_debug("daemon: '%s' is not ours: the log is not moved", old);
		} else if (rename(log, old) == 0) {
			if (log_open(log, err, sizeof(err)) < 0)
				d->own_log = false;
			log_debug("daemon: the log before this is '%s'", old);
		}
	}
	free(old);
	free(log);
}

void daemon_dir_release(struct daemon_dir *d)
{
	if (d->lock_fd >= 0)
		close(d->lock_fd);
	d->lock_fd = -1;
	free(d->path);
	d->path = NULL;
}
