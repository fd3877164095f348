/* SPDX-License-Identifier: MIT */
/*
 * history_dir: the daemon's directory and its lock (cmd/history_dir.h). The
 * lock is probed with a shared, non-blocking flock on a read-only
 * descriptor: it fails only while the daemon holds its exclusive one, and
 * is dropped at once.
 */
#include "cmd/history_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/outfile.h"
#include "core/xalloc.h"

char *history_dir_default(void)
{
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");

	if (geteuid() == 0)
		return xstrdup("/var/lib/vigil");
	if (state && *state == '/')
		return xasprintf("%s/vigil/daemon", state);
	if (home && *home)
		return xasprintf("%s/.local/state/vigil/daemon", home);
	return NULL;
}

bool history_dir_recording(const char *dir, pid_t *pid)
{
	char *path = xasprintf("%s/%s", dir, HISTORY_DAEMON_LOCK);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	bool held = false;

	free(path);
	*pid = 0;
	if (fd < 0)
		return false;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		if (flock(fd, LOCK_SH | LOCK_NB) < 0)
			held = errno == EWOULDBLOCK;
		else
			flock(fd, LOCK_UN);
		if (held)
			*pid = outfile_lock_holder("/proc", fd);
	}
	close(fd);
	return held;
}
