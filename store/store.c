/* SPDX-License-Identifier: MIT */
/*
 * store: opening and creating session files, the sessions row, and writing
 * one frame as one transaction.
 *
 * The writer connection prepares every statement once (store_create) and
 * reuses it per frame; a frame is BEGIN IMMEDIATE .. COMMIT, so a reader in
 * another process sees whole ticks or nothing, and a failed frame leaves no
 * trace: the transaction rolls back and the in-memory identity map (see
 * identity.c) is only replaced once the COMMIT succeeded.
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
#include <stdarg.h>
#include <stdio.h>
#include <malloc.h>
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

/* ---- helpers shared by the room (store-internal.h) ---- */

int store_fail(struct store *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
	log_debug("store: %s", s->err);
	return -1;
}

const char *store_sql_reason(sqlite3 *db, char *buf, size_t len)
{
	switch (sqlite3_errcode(db) & 0xff) {
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		snprintf(buf, len, "file is corrupt: %s", sqlite3_errmsg(db));
		return buf;
	default:
		return sqlite3_errmsg(db);
	}
}

int store_fail_sql(struct store *s, const char *what)
{
	char reason[256];

	return store_fail(s, "%s: %s", what,
			  store_sql_reason(s->db, reason, sizeof(reason)));
}

sqlite3_stmt *store_stmt(struct store *s, enum store_stmt id)
{
	sqlite3_stmt *st = s->stmt[id];

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

int store_exec_stmt(struct store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_DONE || rc == SQLITE_ROW) {
		sqlite3_reset(st);
		return 0;
	}
	store_fail_sql(s, what);
	sqlite3_reset(st);
	return -1;
}

int store_exec_returning_id(struct store *s, sqlite3_stmt *st, const char *what,
			    int64_t *id)
{
	if (sqlite3_step(st) != SQLITE_ROW) {
		store_fail_sql(s, what);
		sqlite3_reset(st);
		return -1;
	}
	*id = sqlite3_column_int64(st, 0);
	return store_exec_stmt(s, st, what);
}

void store_bind_u64(sqlite3_stmt *st, int i, uint64_t v)
{
	sqlite3_bind_int64(st, i, (sqlite3_int64)v);
}

void store_bind_u64_if(sqlite3_stmt *st, int i, uint64_t v, bool have)
{
	if (have)
		store_bind_u64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

void store_bind_double_if(sqlite3_stmt *st, int i, double v, bool have)
{
	if (have)
		sqlite3_bind_double(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

void store_bind_char(sqlite3_stmt *st, int i, char c)
{
	sqlite3_bind_text(st, i, &c, c ? 1 : 0, SQLITE_TRANSIENT);
}

void store_bind_text(sqlite3_stmt *st, int i, const char *text, size_t max)
{
	if (!text)
		text = "";
	sqlite3_bind_text(st, i, text, (int)strnlen(text, max), SQLITE_TRANSIENT);
}

uint64_t store_column_u64(sqlite3_stmt *st, int i)
{
	return (uint64_t)sqlite3_column_int64(st, i);
}

char store_column_char(sqlite3_stmt *st, int i)
{
	const unsigned char *text = sqlite3_column_text(st, i);

	return text ? (char)text[0] : 0;
}

void store_column_text(sqlite3_stmt *st, int i, char *buf, size_t len)
{
	const unsigned char *text = sqlite3_column_text(st, i);

	snprintf(buf, len, "%s", text ? (const char *)text : "");
}

int store_read_begin(struct store *s, bool *began)
{
	*began = false;
	if (!sqlite3_get_autocommit(s->db))
		return 0;
	if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return store_fail_sql(s, "cannot start a read");
	*began = true;
	return 0;
}

void store_read_end(struct store *s, bool began)
{
	if (began)
		sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
}

/* ---- statements ---- */

static char *insert_sql(const char *table, const char *columns, const char *suffix)
{
	size_t n = 1;
	char *marks, *p, *sql;

	for (const char *c = columns; *c; c++)
		n += *c == ',';
	/* "?, ?, ?": one mark per column */
	p = marks = xmalloc(3 * n);
	for (size_t i = 0; i < n; i++) {
		if (i) {
			*p++ = ',';
			*p++ = ' ';
		}
		*p++ = '?';
	}
	*p = '\0';
	sql = xasprintf("INSERT INTO %s (%s) VALUES (%s)%s", table, columns, marks,
			suffix);
	free(marks);
	return sql;
}

static char *stmt_sql(enum store_stmt id)
{
	switch (id) {
	case STMT_BEGIN:
		/* IMMEDIATE: take the write lock up front, never upgrade */
		return xstrdup("BEGIN IMMEDIATE");
	case STMT_COMMIT:
		return xstrdup("COMMIT");
	case STMT_ROLLBACK:
		return xstrdup("ROLLBACK");
	case STMT_SESSION_INSERT:
		return insert_sql("sessions", SESSION_COLUMNS, "");
	case STMT_SESSION_END:
		return xstrdup("UPDATE sessions SET ended_ms = ?1,"
			       " target_exit_code = ?2, target_exit_signal = ?3");
	case STMT_TICK:
		return insert_sql("ticks", "seq, t_ms, cost_ns", "");
	case STMT_SYS:
		return insert_sql("sys_samples", SYS_COLUMNS, "");
	case STMT_CORE:
		return insert_sql("cpu_samples", "tick, cpu, " CPU_COLUMNS, "");
	case STMT_PROC_UPSERT:
		/* An identity seen before a gap (a tick whose process table
		 * was not read) is reopened, not duplicated. */
		return insert_sql("procs",
				  "pid, start_ticks, start_ms, ppid, uid, user, comm, "
				  "cmdline, first_tick",
				  " ON CONFLICT (pid, start_ticks) DO UPDATE SET"
				  " last_tick = NULL, uid = excluded.uid,"
				  " user = excluded.user, comm = excluded.comm,"
				  " cmdline = excluded.cmdline RETURNING id");
	case STMT_PROC_RENAME:
		/* exec() and setuid() keep the identity but change these */
		return xstrdup("UPDATE procs SET uid = ?2, user = ?3, comm = ?4,"
			       " cmdline = ?5 WHERE id = ?1");
	case STMT_PROC_CLOSE:
		return xstrdup("UPDATE procs SET last_tick = ?2 WHERE id = ?1");
	case STMT_PROC_SAMPLE:
		return insert_sql("proc_samples",
				  "proc, tick, ppid, state, nice, threads, "
				  "cpu_ticks, rss, vsz",
				  "");
	case STMT_TARGET:
		return insert_sql("target_samples", TARGET_COLUMNS ", " TARGET_V3_COLUMNS,
				  "");
	case STMT_THREAD:
		return insert_sql("thread_samples", THREAD_COLUMNS ", " THREAD_V3_COLUMNS,
				  "");
	case STMT_ALERT:
		return insert_sql(
			"alert_events",
			"tick, t_ms, rule, severity, state, value, word, message, "
			"profile",
			"");
	case STMT_APP_INGEST:
		return insert_sql("app_ingest", "tick, packets, lines, dropped, bad", "");
	case STMT_APP_METRIC:
		return insert_sql(
			"app_metrics", "name, kind",
			" ON CONFLICT (name, kind) DO UPDATE SET name = excluded.name"
			" RETURNING id");
	case STMT_APP_SAMPLE:
		return insert_sql("app_samples",
				  "metric, tick, count, value, hist, lo, hi", "");
	case STMT_HEAP_ROLLUP:
		return insert_sql("heap_rollups",
				  "tick, pid, pss, private_dirty, anonymous, lazyfree, "
				  "swap, cost_ns",
				  "");
	case STMT_JVM:
		return insert_sql(
			"jvm_samples",
			"tick, pid, young_used, young_capacity, old_used, old_capacity, "
			"meta_used, meta_capacity, young_gcs, young_gc_ms, full_gcs, "
			"full_gc_ms, old_after_gc",
			"");
	case STMT_LEAK:
		return insert_sql(
			"leak_verdicts",
			"tick, pid, source, verdict, rate_bytes_per_hour, confidence, "
			"since_ms, time_to_limit_s, limit_bytes, floor_bytes",
			"");
	case STMT_MAPPING:
		return insert_sql("mappings", "pid, start_ticks, key, kind, name",
				  " ON CONFLICT (pid, start_ticks, key) DO UPDATE SET"
				  " kind = excluded.kind, name = excluded.name"
				  " RETURNING id");
	case STMT_MAPPING_SAMPLE:
		return insert_sql("mapping_samples",
				  "mapping, tick, size, rss, anon, swap, pss", "");
	case STMT_SMAPS_READ:
		return insert_sql("smaps_reads", "tick, mappings, cost_ns", "");
	case STMT_SUSPECT:
		return insert_sql("leak_suspects",
				  "tick, rank, kind, name, mapping, rate_bytes_per_hour, "
				  "size_bytes, since_ms",
				  "");
	case STMT_NOTICE:
		return insert_sql("notices", "tick, t_ms, kind, source, message", "");
	case STMT_N:
		break;
	}
	return NULL;
}

static int prepare_all(struct store *s, char *err, size_t errlen)
{
	for (int id = 0; id < STMT_N; id++) {
		char *sql = stmt_sql((enum store_stmt)id);
		int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
					    &s->stmt[id], NULL);

		if (rc != SQLITE_OK) {
			snprintf(err, errlen, "cannot prepare statement %d: %s", id,
				 sqlite3_errmsg(s->db));
			free(sql);
			return -1;
		}
		free(sql);
	}
	return 0;
}

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
	    prepare_all(s, why, sizeof(why)) < 0)
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
static char *reader_uri(const char *path, bool immutable)
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

int store_open(const char *path, struct store **out, char *err, size_t errlen)
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
	uri = reader_uri(path, !had_wal);
	rc = sqlite3_open_v2(uri, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
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

void store_close(struct store *s)
{
	if (!s)
		return;
	for (int id = 0; id < STMT_N; id++)
		sqlite3_finalize(s->stmt[id]);
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

/* ---- the sessions row ---- */

static int writable(struct store *s)
{
	if (s->readonly)
		return store_fail(s, "session is open read-only");
	return 0;
}

int store_session_begin(struct store *s, const struct session_meta *m)
{
	sqlite3_stmt *st;
	int i = 1;

	if (writable(s) < 0)
		return -1;
	st = store_stmt(s, STMT_SESSION_INSERT);
	store_bind_text(st, i++, m->version, sizeof(m->version));
	store_bind_text(st, i++, m->host, sizeof(m->host));
	store_bind_text(st, i++, m->kernel, sizeof(m->kernel));
	sqlite3_bind_int64(st, i++, m->started_ms);
	if (m->ended_ms)
		sqlite3_bind_int64(st, i, m->ended_ms);
	i++;
	sqlite3_bind_int64(st, i++, m->interval_ms);
	sqlite3_bind_int(st, i++, m->ncpu);
	sqlite3_bind_int64(st, i++, m->clk_tck);
	sqlite3_bind_int64(st, i++, m->page_size);
	sqlite3_bind_int64(st, i++, m->boot_ms);
	store_bind_u64(st, i++, m->mem_total);
	sqlite3_bind_int(st, i++, m->target_pid);
	store_bind_text(st, i++, m->target_cmd, sizeof(m->target_cmd));
	sqlite3_bind_int(st, i++, m->target_exit_code);
	sqlite3_bind_int(st, i++, m->target_exit_signal);
	return store_exec_stmt(s, st, "cannot write the session row");
}

static void rollback(struct store *s)
{
	/* Keeps s->err: the failure that got us here is the one to report. */
	sqlite3_stmt *st;

	/* a failed COMMIT (I/O error, disk full) may have rolled back already */
	if (sqlite3_get_autocommit(s->db))
		return;
	st = store_stmt(s, STMT_ROLLBACK);
	if (sqlite3_step(st) != SQLITE_DONE)
		log_debug("store: rollback: %s", sqlite3_errmsg(s->db));
	sqlite3_reset(st);
}

int store_session_end(struct store *s, const struct session_meta *m)
{
	sqlite3_stmt *st;

	if (writable(s) < 0)
		return -1;
	if (store_exec_stmt(s, store_stmt(s, STMT_BEGIN), "cannot end the session") < 0)
		return -1;
	st = store_stmt(s, STMT_SESSION_END);
	sqlite3_bind_int64(st, 1, m->ended_ms);
	sqlite3_bind_int(st, 2, m->target_exit_code);
	sqlite3_bind_int(st, 3, m->target_exit_signal);
	if (store_exec_stmt(s, st, "cannot update the session row") < 0)
		goto fail;
	if (sqlite3_changes(s->db) != 1) {
		store_fail(s, "cannot update the session row: there is none");
		goto fail;
	}
	if (store_identity_close_all(s) < 0)
		goto fail;
	/* the last, partial minute is rolled up too */
	if (s->roll_minute && store_rollup_minute(s, s->roll_minute) < 0)
		goto fail;
	if (store_exec_stmt(s, store_stmt(s, STMT_COMMIT), "cannot end the session") < 0)
		goto fail;
	store_identity_commit(s);
	s->roll_minute = 0;
	return 0;
fail:
	rollback(s);
	store_identity_discard(s);
	return -1;
}

/* ---- one frame ---- */

static int write_tick(struct store *s, const struct frame *f)
{
	sqlite3_stmt *st = store_stmt(s, STMT_TICK);
	char what[64];

	store_bind_u64(st, 1, f->seq);
	sqlite3_bind_int64(st, 2, f->t_ms);
	sqlite3_bind_int64(st, 3, f->cost_ns);
	snprintf(what, sizeof(what), "cannot write tick %llu",
		 (unsigned long long)f->seq);
	return store_exec_stmt(s, st, what);
}

/* Binds the eight cpu_times fields from index i on; returns the next index. */
static int bind_cpu_times(sqlite3_stmt *st, int i, const struct cpu_times *t, bool have)
{
	store_bind_u64_if(st, i++, t->user, have);
	store_bind_u64_if(st, i++, t->nice, have);
	store_bind_u64_if(st, i++, t->system, have);
	store_bind_u64_if(st, i++, t->idle, have);
	store_bind_u64_if(st, i++, t->iowait, have);
	store_bind_u64_if(st, i++, t->irq, have);
	store_bind_u64_if(st, i++, t->softirq, have);
	store_bind_u64_if(st, i++, t->steal, have);
	return i;
}

static int bind_psi(sqlite3_stmt *st, int i, const struct psi *p)
{
	bool full = p->present && p->has_full;

	store_bind_double_if(st, i++, p->some.avg10, p->present);
	store_bind_double_if(st, i++, p->some.avg60, p->present);
	store_bind_double_if(st, i++, p->some.avg300, p->present);
	store_bind_u64_if(st, i++, p->some.total_us, p->present);
	store_bind_double_if(st, i++, p->full.avg10, full);
	store_bind_double_if(st, i++, p->full.avg60, full);
	store_bind_double_if(st, i++, p->full.avg300, full);
	store_bind_u64_if(st, i++, p->full.total_us, full);
	return i;
}

static int write_sys(struct store *s, const struct frame *f)
{
	const struct sys_sample *y = &f->sys;
	sqlite3_stmt *st = store_stmt(s, STMT_SYS);
	bool stat = y->have & SYS_HAVE_STAT;
	bool mem = y->have & SYS_HAVE_MEMINFO;
	bool load = y->have & SYS_HAVE_LOADAVG;
	int i = 1;

	store_bind_u64(st, i++, f->seq);
	sqlite3_bind_int64(st, i++, y->have);
	store_bind_text(st, i++, y->why, sizeof(y->why));
	i = bind_cpu_times(st, i, &y->cpu, stat);
	store_bind_u64_if(st, i++, y->ctxt, stat);
	store_bind_u64_if(st, i++, y->forks, stat);
	store_bind_u64_if(st, i++, y->procs_running, stat);
	store_bind_u64_if(st, i++, y->procs_blocked, stat);
	store_bind_u64_if(st, i++, (uint64_t)y->boot_time_s, stat);
	store_bind_u64_if(st, i++, y->mem_total, mem);
	store_bind_u64_if(st, i++, y->mem_free, mem);
	store_bind_u64_if(st, i++, y->mem_available, mem);
	store_bind_u64_if(st, i++, y->buffers, mem);
	store_bind_u64_if(st, i++, y->cached, mem);
	store_bind_u64_if(st, i++, y->swap_total, mem);
	store_bind_u64_if(st, i++, y->swap_free, mem);
	store_bind_double_if(st, i++, y->load1, load);
	store_bind_double_if(st, i++, y->load5, load);
	store_bind_double_if(st, i++, y->load15, load);
	for (int r = 0; r < PSI_N; r++)
		i = bind_psi(st, i, &y->psi[r]);
	return store_exec_stmt(s, st, "cannot write the system sample");
}

static int write_cores(struct store *s, const struct frame *f)
{
	for (size_t c = 0; c < f->sys.ncores; c++) {
		const struct core_times *core = &f->sys.cores[c];
		sqlite3_stmt *st = store_stmt(s, STMT_CORE);

		store_bind_u64(st, 1, f->seq);
		sqlite3_bind_int(st, 2, core->cpu);
		bind_cpu_times(st, 3, &core->t, true);
		if (store_exec_stmt(s, st, "cannot write a core sample") < 0)
			return -1;
	}
	return 0;
}

/*
 * The first frame of a new minute closes the one before: its rollups go into
 * the same transaction, so they exist exactly when its ticks do.
 */
static int close_minute(struct store *s, const struct frame *f, int64_t *next)
{
	int64_t minute = f->t_ms / 60000;

	*next = s->roll_minute;
	if (s->roll_minute && minute > s->roll_minute) {
		if (store_rollup_minute(s, s->roll_minute) < 0)
			return -1;
		/* the rollup queries are a burst of short-lived allocations once a
		 * minute; hand the freed memory back so RSS stays flat */
		malloc_trim(0);
	}
	if (!s->roll_minute || minute > s->roll_minute)
		*next = minute;
	return 0;
}

int store_write_frame(struct store *s, const struct frame *f)
{
	int64_t next_minute;

	if (writable(s) < 0)
		return -1;
	if (store_exec_stmt(s, store_stmt(s, STMT_BEGIN), "cannot begin a frame") < 0)
		return -1;
	if (write_tick(s, f) < 0 || write_sys(s, f) < 0 || write_cores(s, f) < 0 ||
	    store_identity_write_frame(s, f) < 0 || store_write_target(s, f) < 0 ||
	    store_write_alerts(s, f) < 0 || store_write_notices(s, f) < 0 ||
	    store_write_app(s, f) < 0 || store_write_heap(s, f) < 0 ||
	    close_minute(s, f, &next_minute) < 0)
		goto fail;
	if (store_exec_stmt(s, store_stmt(s, STMT_COMMIT), "cannot commit a frame") < 0)
		goto fail;
	store_identity_commit(s);
	s->roll_minute = next_minute;
	return 0;
fail:
	rollback(s);
	store_identity_discard(s);
	return -1;
}
