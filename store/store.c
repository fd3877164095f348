/* SPDX-License-Identifier: MIT */
/*
 * store: the lifetime of a session file: creating it (mode 0600, never over
 * anything vigil did not make, with the writer's flock held until close),
 * opening it to read, closing and discarding it, and telling whether
 * another vigil has it open. What is written into it is store/write.c's,
 * what is read back the read rooms' (store/frames.h and its neighbours).
 *
 * Readers (store_open) are opened SQLITE_OPEN_READONLY: they never write the
 * main file, and they may run while another process still writes it in WAL
 * mode. A file nobody writes (no -wal beside it) is opened immutable, so a
 * reader leaves no -wal/-shm behind and works in a directory it cannot
 * write.
 */
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "core/outfile.h"
#include "core/xalloc.h"
#include "store/schema.h"
#include "store/store-internal.h"

/* How long a connection waits for a lock before SQLITE_BUSY. Only WAL
 * checkpoints and recovery take locks a reader or the writer waits for. */
#define STORE_BUSY_MS 5000

/* ---- create, open, close ---- */

static char *sibling(const char *path, const char *suffix)
{
	return xasprintf("%s%s", path, suffix);
}

/* What SQLite puts beside a session file. */
static const char *const side_suffixes[] = {"-wal", "-shm", "-journal"};

/*
 * The -wal/-shm/-journal beside a session about to be created: each must be
 * absent or a regular file. A left-over one is refused without force (SQLite
 * would replay a stale -wal into the new file) and removed with it: it
 * belongs to the session the user named to be replaced.
 */
static int clear_siblings(const char *path, bool force, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(side_suffixes) / sizeof(side_suffixes[0]); i++) {
		char *p = sibling(path, side_suffixes[i]);
		int rc = outfile_check(p, force, err, errlen);

		if (rc == 0 && force && unlink(p) < 0 && errno != ENOENT) {
			snprintf(err, errlen, "cannot replace '%s': %s", p,
				 strerror(errno));
			rc = -1;
		}
		free(p);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Removes the -wal/-shm/-journal this process's connection left beside
 * path: regular files only, never through a link. */
static void remove_siblings(const char *path)
{
	for (size_t i = 0; i < sizeof(side_suffixes) / sizeof(side_suffixes[0]); i++) {
		char *p = sibling(path, side_suffixes[i]);
		struct stat st;

		if (lstat(p, &st) == 0 && S_ISREG(st.st_mode))
			unlink(p);
		free(p);
	}
}

/*
 * Whether the file open as fd is held by another vigil: a writer's flock, or
 * a live SQLite connection, which holds a read lock on the "DMS" byte of the
 * -shm file (offset 128 in its unix VFS) while it is open. *holder gets the
 * writer's pid when /proc/locks names it.
 */
static bool held_elsewhere(const char *path, int fd, pid_t *holder)
{
	struct flock fl = {
		.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 128, .l_len = 1};
	char *shm;
	bool busy = false;
	int sfd;

	*holder = 0;
	if (outfile_lock(fd, true) < 0) {
		*holder = outfile_lock_holder("/proc", fd);
		return true;
	}
	flock(fd, LOCK_UN);
	shm = sibling(path, "-shm");
	sfd = open(shm, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	free(shm);
	if (sfd >= 0) {
		busy = fcntl(sfd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
		close(sfd);
	}
	return busy;
}

int store_session_in_use(const char *path, pid_t *holder)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	bool busy;

	*holder = 0;
	if (fd < 0)
		return 0;
	busy = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	       held_elsewhere(path, fd, holder);
	close(fd);
	return busy;
}

/*
 * Creates path empty, 0600, and takes the writer's lock on it. An existing
 * file is refused unless force, and even then only a regular file that no
 * other vigil has open. Returns the locked descriptor or -1 with err.
 */
static int create_file(const char *path, bool force, char *err, size_t errlen)
{
	pid_t holder;
	int fd;

	if (outfile_check(path, force, err, errlen) < 0)
		return -1;
	if (force && store_session_in_use(path, &holder)) {
		if (holder > 0)
			snprintf(err, errlen, "'%s' is in use by pid %d", path,
				 (int)holder);
		else
			snprintf(err, errlen, "'%s' is in use by another vigil", path);
		return -1;
	}
	if (clear_siblings(path, force, err, errlen) < 0)
		return -1;
	fd = outfile_create(path, force, err, errlen);
	if (fd < 0)
		return -1;
	if (outfile_lock(fd, true) < 0) { /* another vigil created it meanwhile */
		snprintf(err, errlen, "'%s' is in use by another vigil", path);
		close(fd);
		return -1;
	}
	return fd;
}

/* WAL lets readers in other processes follow a live session; NORMAL syncs
 * at checkpoints only, which may lose the last ticks on power loss but
 * never corrupts the file. */
static int set_pragmas(struct store *s, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	const unsigned char *mode;
	bool wal;

	if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st, NULL) !=
		    SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		snprintf(err, errlen, "cannot set WAL mode: %s", sqlite3_errmsg(s->db));
		sqlite3_finalize(st);
		return -1;
	}
	mode = sqlite3_column_text(st, 0);
	wal = mode && !strcmp((const char *)mode, "wal");
	sqlite3_finalize(st);
	if (!wal) {
		snprintf(err, errlen, "cannot set WAL mode on this file system");
		return -1;
	}
	/* The writer only appends, so a small page cache does, and checkpoints
	 * every 1 MiB of WAL keep the -wal file small: vigil's own RSS reaches
	 * its plateau in the first minute instead of growing towards SQLite's
	 * 2 MiB cache and 4 MiB WAL defaults. */
	if (sqlite3_exec(s->db,
			 "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -512;"
			 " PRAGMA wal_autocheckpoint = 256",
			 NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(s->db));
		return -1;
	}
	return 0;
}

int store_create(const char *path, bool force, struct store **out, char *err,
		 size_t errlen)
{
	struct store *s;
	char why[384] = "";
	int fd;

	*out = NULL;
	if ((fd = create_file(path, force, err, errlen)) < 0)
		return -1;
	s = xcalloc(1, sizeof(*s));
	s->lock_fd = fd;
	s->path = xstrdup(path);
	s->version = STORE_SCHEMA_VERSION;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW,
			    NULL) != SQLITE_OK) {
		snprintf(why, sizeof(why), "%s",
			 s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	if (set_pragmas(s, why, sizeof(why)) < 0 ||
	    schema_migrate(s->db, why, sizeof(why)) < 0 ||
	    store_prepare_writer(s, why, sizeof(why)) < 0)
		goto fail;
	log_debug("store: created '%s' (schema %d)", path, STORE_SCHEMA_VERSION);
	*out = s;
	return 0;
fail:
	snprintf(err, errlen, "cannot create '%s': %s", path, why);
	store_discard(s);
	return -1;
}

/* Says why path cannot be read at all, before SQLite gives a vaguer reason. */
static int check_file(const char *path, char *why, size_t len)
{
	/* O_NONBLOCK: opening a FIFO to read would wait for a writer */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(why, len, "%s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	if (S_ISDIR(st.st_mode)) {
		snprintf(why, len, "%s", strerror(EISDIR));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, len, "not a regular file");
		return -1;
	}
	return 0;
}

/*
 * The URI a reader opens path with. A file without a -wal beside it has no
 * writer (a live writer keeps its WAL until it closes), so it is opened
 * immutable: SQLite then takes no locks and creates no -wal/-shm files, which
 * a plain read-only connection would leave behind, and which it could not
 * create at all in a directory the reader may not write.
 */
char *store_reader_uri(const char *path, bool immutable)
{
	size_t n = strlen(path);
	char *enc = xmalloc(3 * n + 1), *p = enc;
	char *uri;

	for (size_t i = 0; i < n; i++) {
		if (path[i] == '%' || path[i] == '?' || path[i] == '#') {
			p += sprintf(p, "%%%02X", (unsigned char)path[i]);
			continue;
		}
		*p++ = path[i];
	}
	*p = '\0';
	/* an absolute path gets an empty authority: "file:///abs" */
	uri = xasprintf("file:%s%s%s", path[0] == '/' ? "//" : "", enc,
			immutable ? "?immutable=1" : "");
	free(enc);
	return uri;
}

static int open_reader(const char *path, bool nofollow, struct store **out, char *err,
		       size_t errlen)
{
	struct store *s = NULL;
	char why[384] = "";
	char *wal = sibling(path, "-wal"), *uri;
	bool had_wal = access(wal, F_OK) == 0;
	int rc;

	*out = NULL;
	free(wal);
	if (check_file(path, why, sizeof(why)) < 0)
		goto fail;
	s = xcalloc(1, sizeof(*s));
	s->lock_fd = -1;
	s->readonly = true;
	uri = store_reader_uri(path, !had_wal);
	rc = sqlite3_open_v2(uri, &s->db,
			     SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
				     (nofollow ? SQLITE_OPEN_NOFOLLOW : 0),
			     NULL);
	free(uri);
	if (rc != SQLITE_OK) {
		snprintf(why, sizeof(why), "%s",
			 s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	/* readers look at recent windows; a bounded cache keeps a console that
	 * runs for days flat in memory */
	sqlite3_exec(s->db, "PRAGMA cache_size = -1024", NULL, NULL, NULL);
	/* also where a truncated copy shows: SQLite refuses a file shorter
	 * than its header says as corrupt */
	if (schema_check(s->db, &s->version, why, sizeof(why)) < 0)
		goto fail;
	*out = s;
	return 0;
fail:
	snprintf(err, errlen, "cannot open session '%s': %s", path, why);
	store_close(s);
	return -1;
}

int store_open(const char *path, struct store **out, char *err, size_t errlen)
{
	return open_reader(path, false, out, err, errlen);
}

int store_open_nofollow(const char *path, struct store **out, char *err, size_t errlen)
{
	struct stat st;

	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		*out = NULL;
		snprintf(err, errlen, "cannot open session '%s': a symbolic link", path);
		return -1;
	}
	return open_reader(path, true, out, err, errlen);
}

void store_close(struct store *s)
{
	if (!s)
		return;
	for (int id = 0; id < STMT_N; id++)
		sqlite3_finalize(s->stmt[id]);
	store_cgroups_release(s); /* its statements, before the connection */
	store_cache_release(s);
	/* close_v2: a statement a caller forgot cannot keep the file open */
	if (s->db && sqlite3_close(s->db) != SQLITE_OK) {
		log_debug("store: close: %s", sqlite3_errmsg(s->db));
		sqlite3_close_v2(s->db);
	}
	if (s->lock_fd >= 0)
		close(s->lock_fd); /* after the connection: the lock outlives it */
	store_identity_map_release(&s->seen);
	store_identity_map_release(&s->next);
	store_devices_release(s);
	free(s->path);
	free(s);
}

void store_discard(struct store *s)
{
	char *path;
	int fd;

	if (!s)
		return;
	if (s->lock_fd < 0 || !s->path) { /* a reader: nothing of ours to remove */
		store_close(s);
		return;
	}
	path = s->path;
	fd = s->lock_fd;
	s->path = NULL;
	s->lock_fd = -1;
	store_close(s);
	remove_siblings(path);
	outfile_discard(path, fd);
	close(fd);
	free(path);
}

const char *store_error(const struct store *s)
{
	return s->err;
}
