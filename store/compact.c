/* SPDX-License-Identifier: MIT */
/*
 * compact: see compact.h. Everything happens in SQL inside one transaction:
 * temp.keep lists the ticks kept, temp.remap maps every other tick to the
 * kept tick that follows it. Tables are named here by what their rows are
 * (per tick, on change per key, events), so a table added to the schema
 * must be added to one of the lists below.
 */
#include "store/compact.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/log.h"
#include "store/store.h"

#define BUSY_MS 2000
#define PACKED_PAGE_SIZE 1024

/* A sample of every tick: only the kept ticks' rows stay. */
static const char *const per_tick[] = {
	"sys_samples", "cpu_samples",  "target_samples", "thread_samples", "app_samples",
	"app_ingest",  "heap_rollups", "smaps_reads",	 "jvm_samples",
};

/* Written when something changed, per key (up to three columns; none: one
 * row per tick at most): the latest row before each kept tick moves to it. */
static const struct {
	const char *table, *key[3];
} on_change[] = {
	{"proc_samples", {"proc"}},
	{"disk_samples", {"name"}},
	{"net_samples", {"name"}},
	{"mapping_samples", {"mapping"}},
	{"leak_verdicts", {NULL}},
	/* the state of exit accounting, written when it changed: dropping
	 * the rows of other ticks would lose a file's only one, and report
	 * would say exits were not recorded */
	{"exit_accounting", {NULL}},
	{"cgroup_samples", {"cgroup"}},
	{"cgroup_io_samples", {"cgroup", "major", "minor"}},
};

/* Events: all kept, moved to the kept tick at or after them (proc_exits
 * merged per minute first, see merge_exits). alert_top rows hang off
 * alert_events, proc_actions off time: neither has a tick. */
static const char *const events[] = {"notices", "alert_events", "gc_events",
				     "proc_exits"};

#define NEW_TICK(t) "(SELECT new FROM temp.remap WHERE old = " t ")"
#define DROPPED(t) t " IN (SELECT old FROM temp.remap)"

static int exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	snprintf(err, errlen, "%s", msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	return -1;
}

static int64_t scalar(sqlite3 *db, const char *sql, int64_t fallback)
{
	sqlite3_stmt *st;
	int64_t v = fallback;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return fallback;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static bool has_table(sqlite3 *db, const char *name)
{
	char sql[160];

	snprintf(
		sql, sizeof(sql),
		"SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '%s'",
		name);
	return scalar(db, sql, 0) > 0;
}

static uint64_t file_bytes(const char *path)
{
	struct stat st;
	char wal[4200];
	uint64_t n = 0;

	if (lstat(path, &st) == 0)
		n += (uint64_t)st.st_size;
	snprintf(wal, sizeof(wal), "%s-wal", path);
	if (lstat(wal, &st) == 0)
		n += (uint64_t)st.st_size;
	return n;
}

static int open_rw(const char *path, sqlite3 **db, char *err, size_t errlen)
{
	pid_t holder;

	if (store_session_in_use(path, &holder)) {
		snprintf(err, errlen, "'%s' is in use by pid %d", path, (int)holder);
		return -1;
	}
	if (sqlite3_open_v2(path, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW,
			    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open '%s': %s", path,
			 *db ? sqlite3_errmsg(*db) : "out of memory");
		sqlite3_close(*db);
		*db = NULL;
		return -1;
	}
	sqlite3_busy_timeout(*db, BUSY_MS);
	if (scalar(*db, "PRAGMA application_id", 0) != STORE_APPLICATION_ID) {
		snprintf(err, errlen, "'%s' is not a vigil session file", path);
		sqlite3_close(*db);
		*db = NULL;
		return -1;
	}
	return 0;
}

/* The maps: which ticks stay, and where each other tick's rows go. */
static int build_maps(sqlite3 *db, char *err, size_t errlen)
{
	return exec(
		db,
		"CREATE TEMP TABLE keep (seq INTEGER PRIMARY KEY);"
		"INSERT INTO temp.keep SELECT max(seq) FROM ticks GROUP BY t_ms / 60000;"
		"CREATE TEMP TABLE remap (old INTEGER PRIMARY KEY, new INTEGER NOT NULL);"
		"INSERT INTO temp.remap SELECT t.seq, (SELECT min(k.seq) FROM temp.keep k"
		" WHERE k.seq >= t.seq) FROM ticks t"
		" WHERE t.seq NOT IN (SELECT seq FROM temp.keep);",
		err, errlen);
}

static int move_on_change(sqlite3 *db, const char *t, const char *const key[3], char *err,
			  size_t errlen)
{
	char keycond[256] = "", sql[1024];
	size_t len = 0;

	for (int i = 0; i < 3 && key[i]; i++)
		len += (size_t)snprintf(keycond + len, sizeof(keycond) - len,
					"b.%s = %s.%s AND ", key[i], t, key[i]);
	/* a later row of the same key before the same kept tick wins */
	snprintf(sql, sizeof(sql),
		 "DELETE FROM %s WHERE " DROPPED(
			 "tick") " AND (SELECT min(b.tick) FROM %s b"
				 " WHERE %sb.tick > %s.tick) <= " NEW_TICK("%s.tick") ";",
		 t, t, keycond, t, t);
	if (exec(db, sql, err, errlen) < 0)
		return -1;
	if (!strcmp(t, "leak_verdicts") &&
	    exec(db,
		 "DELETE FROM leak_suspects WHERE tick NOT IN (SELECT tick FROM "
		 "leak_verdicts);"
		 "UPDATE leak_suspects SET tick = " NEW_TICK("tick") " WHERE " DROPPED(
			 "tick") ";",
		 err, errlen) < 0)
		return -1;
	snprintf(
		sql, sizeof(sql),
		"UPDATE %s SET tick = " NEW_TICK("%s.tick") " WHERE " DROPPED("tick") ";",
		t, t);
	return exec(db, sql, err, errlen);
}

/* Processes alive at no kept tick lived and ended inside one minute: at a
 * minute's resolution they are not there, and their identities (command
 * lines) would be most of a compacted file on a host that runs many short
 * commands. */
static int drop_between(sqlite3 *db, char *err, size_t errlen)
{
	return exec(
		db,
		"CREATE TEMP TABLE gone AS SELECT id FROM procs"
		" WHERE last_tick IS NOT NULL AND NOT EXISTS (SELECT 1 FROM temp.keep k"
		" WHERE k.seq BETWEEN procs.first_tick AND procs.last_tick);"
		"DELETE FROM proc_samples WHERE proc IN (SELECT id FROM temp.gone);"
		"DELETE FROM procs WHERE id IN (SELECT id FROM temp.gone);",
		err, errlen);
}

/*
 * Exits (schema 15) of one minute, command, user and outcome become one row
 * standing for n of them: the longest-lived one's, with the CPU, threads
 * summed and the peak the highest, so report's exits section (counts, CPU,
 * peak, longest life, failures by command) reads the same from it. On a
 * host that forks a lot, exits are most of a compacted file otherwise.
 */
/* clang-format off */
#define EXIT_GROUP "end_ms / 60000, comm, uid, exit_code, exit_signal, seen"
static const char merge_exits_sql[] =
	"CREATE TEMP TABLE exg AS SELECT end_ms / 60000 AS m, comm, uid,"
	" exit_code AS ec, exit_signal AS es, seen AS sn, sum(n) AS cnt,"
	" sum(utime_ns) AS u, sum(stime_ns) AS st,"
	" sum(coalesce(cpu_ns, utime_ns + stime_ns)) AS c, max(peak_rss) AS rss,"
	" sum(threads) AS th, max(core_dumped) AS cd"
	" FROM proc_exits GROUP BY " EXIT_GROUP " HAVING count(*) > 1;"
	"CREATE INDEX temp.exg_key ON exg (m, comm, uid, ec, es, sn);"
	/* one max() and no other min/max: id is the longest-lived row's */
	"CREATE TEMP TABLE exk (id INTEGER PRIMARY KEY);"
	"INSERT INTO temp.exk SELECT id FROM (SELECT id, max(end_ms - start_ms)"
	" FROM proc_exits GROUP BY " EXIT_GROUP " HAVING count(*) > 1);"
	"UPDATE proc_exits SET n = g.cnt, utime_ns = g.u, stime_ns = g.st,"
	" cpu_ns = g.c, peak_rss = g.rss, threads = g.th, core_dumped = g.cd"
	" FROM temp.exg g WHERE proc_exits.id IN (SELECT id FROM temp.exk)"
	" AND g.m = proc_exits.end_ms / 60000 AND g.comm = proc_exits.comm"
	" AND g.uid = proc_exits.uid AND g.ec = proc_exits.exit_code"
	" AND g.es = proc_exits.exit_signal AND g.sn = proc_exits.seen;"
	"DELETE FROM proc_exits WHERE id NOT IN (SELECT id FROM temp.exk)"
	" AND (" EXIT_GROUP ") IN (SELECT m, comm, uid, ec, es, sn FROM temp.exg);"
	"DROP TABLE temp.exg; DROP TABLE temp.exk;";
/* clang-format on */

static int merge_exits(sqlite3 *db, char *err, size_t errlen)
{
	if (scalar(db,
		   "SELECT count(*) FROM pragma_table_info('proc_exits')"
		   " WHERE name = 'n'",
		   0) == 0)
		return 0; /* before schema 15: left as they are */
	return exec(db, merge_exits_sql, err, errlen);
}

/*
 * Last: a process is first seen at the kept tick at or after its first
 * tick, and last seen at the last kept tick it was alive at (it had ended by
 * the next one), so samples moved past that go; then the ticks themselves.
 */
/* clang-format off */
static const char procs_and_ticks[] =
	"UPDATE procs SET first_tick = " NEW_TICK("procs.first_tick")
	" WHERE " DROPPED("first_tick") ";"
	"UPDATE procs SET last_tick = (SELECT max(k.seq) FROM temp.keep k"
	" WHERE k.seq <= procs.last_tick) WHERE " DROPPED("last_tick") ";"
	"DELETE FROM proc_samples WHERE tick > (SELECT last_tick FROM procs"
	" WHERE id = proc_samples.proc);"
	"DELETE FROM ticks WHERE " DROPPED("seq") ";"
	"DROP TABLE temp.remap; DROP TABLE temp.keep;";
/* clang-format on */

static int compact_rows(sqlite3 *db, char *err, size_t errlen)
{
	char sql[512];

	if (drop_between(db, err, errlen) < 0 || merge_exits(db, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(per_tick) / sizeof(per_tick[0]); i++) {
		if (!has_table(db, per_tick[i]))
			continue;
		snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE " DROPPED("tick") ";",
			 per_tick[i]);
		if (exec(db, sql, err, errlen) < 0)
			return -1;
	}
	for (size_t i = 0; i < sizeof(on_change) / sizeof(on_change[0]); i++)
		if (has_table(db, on_change[i].table) &&
		    move_on_change(db, on_change[i].table, on_change[i].key, err,
				   errlen) < 0)
			return -1;
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		if (!has_table(db, events[i]))
			continue;
		snprintf(sql, sizeof(sql),
			 "UPDATE %s SET tick = " NEW_TICK("%s.tick") " WHERE " DROPPED(
				 "tick") ";",
			 events[i], events[i]);
		if (exec(db, sql, err, errlen) < 0)
			return -1;
	}
	return exec(db, procs_and_ticks, err, errlen);
}

static int mark(sqlite3 *db, uint64_t before, uint64_t after, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	char msg[200];
	int rc;

	snprintf(msg, sizeof(msg),
		 "one tick per minute kept (%llu of %llu) with the per-minute rollups "
		 "of every metric; %lld processes that lived under a minute dropped",
		 (unsigned long long)after, (unsigned long long)before,
		 (long long)scalar(db, "SELECT count(*) FROM temp.gone", 0));
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO notices (tick, t_ms, kind, source, message)"
			       " SELECT seq, t_ms, ?1, 'daemon', ?2 FROM ticks"
			       " ORDER BY seq DESC LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_text(st, 1, COMPACT_NOTICE_KIND, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, msg, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

int store_compact(const char *path, struct compact_result *res, char *err, size_t errlen)
{
	struct compact_result r = {.bytes_before = file_bytes(path)};
	char why[512];
	sqlite3 *db;

	if (open_rw(path, &db, err, errlen) < 0)
		return -1;
	if (exec(db, "BEGIN IMMEDIATE", why, sizeof(why)) < 0)
		goto fail;
	if (scalar(db,
		   "SELECT count(*) FROM notices WHERE kind = '" COMPACT_NOTICE_KIND "'",
		   0) > 0 ||
	    (r.ticks_before = (uint64_t)scalar(db, "SELECT count(*) FROM ticks", 0)) ==
		    0) {
		exec(db, "ROLLBACK", why, sizeof(why));
		sqlite3_close(db);
		return 0;
	}
	if (build_maps(db, why, sizeof(why)) < 0 ||
	    compact_rows(db, why, sizeof(why)) < 0)
		goto fail;
	r.ticks_after = (uint64_t)scalar(db, "SELECT count(*) FROM ticks", 0);
	if (mark(db, r.ticks_before, r.ticks_after, why, sizeof(why)) < 0 ||
	    exec(db, "DROP TABLE temp.gone; COMMIT", why, sizeof(why)) < 0)
		goto fail;
	/* the space goes back to the file system only when it is rewritten; in
	 * 1 KiB pages, as every table and index takes at least one page and a
	 * compacted file has little in most of them (a third smaller) */
	if (exec(db, "PRAGMA journal_mode = DELETE; PRAGMA page_size = 1024; VACUUM;",
		 why, sizeof(why)) < 0)
		log_debug("compact: '%s': cannot vacuum: %s", path, why);
	sqlite3_close(db);
	r.bytes_after = file_bytes(path);
	if (res)
		*res = r;
	return 1;
fail:
	snprintf(err, errlen, "cannot compact '%s': %s", path, why);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	return -1;
}

int store_pack(const char *path, uint64_t *before, uint64_t *after, char *err,
	       size_t errlen)
{
	uint64_t b = file_bytes(path);
	char why[512];
	sqlite3 *db;

	if (open_rw(path, &db, err, errlen) < 0)
		return -1;
	if (scalar(db, "PRAGMA page_size", 0) == PACKED_PAGE_SIZE) {
		sqlite3_close(db);
		return 0;
	}
	if (exec(db, "PRAGMA journal_mode = DELETE; PRAGMA page_size = 1024; VACUUM;",
		 why, sizeof(why)) < 0) {
		snprintf(err, errlen, "cannot pack '%s': %s", path, why);
		sqlite3_close(db);
		return -1;
	}
	sqlite3_close(db);
	if (before)
		*before = b;
	if (after)
		*after = file_bytes(path);
	return 1;
}

int store_seal(const char *path, char *err, size_t errlen)
{
	char why[512];
	sqlite3 *db;
	int rc = 0;

	if (open_rw(path, &db, err, errlen) < 0)
		return -1;
	if (exec(db, "BEGIN IMMEDIATE", why, sizeof(why)) < 0)
		goto fail;
	if (scalar(db, "SELECT count(*) FROM sessions WHERE ended_ms IS NULL", 0) > 0) {
		if (exec(db,
			 "UPDATE sessions SET ended_ms = coalesce((SELECT max(t_ms) FROM "
			 "ticks), started_ms);"
			 "UPDATE procs SET last_tick = (SELECT max(seq) FROM ticks)"
			 " WHERE last_tick IS NULL;",
			 why, sizeof(why)) < 0)
			goto fail;
		rc = 1;
	}
	if (exec(db, "COMMIT", why, sizeof(why)) < 0)
		goto fail;
	/* the last connection's close checkpoints the -wal into the file */
	sqlite3_close(db);
	return rc;
fail:
	snprintf(err, errlen, "cannot seal '%s': %s", path, why);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	return -1;
}
