/* SPDX-License-Identifier: MIT */
/*
 * sql: what the store tests use to look at a session file behind the store's
 * back, over a plain sqlite3 connection of their own: the raw rows are the
 * ground truth the API is checked against. Header-only (static inline) and
 * included after <cmocka.h>.
 */
#ifndef VIGIL_TESTS_SQL_H
#define VIGIL_TESTS_SQL_H

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/frame.h"
#include "store/store.h"

/* One integer from a query that returns one row. */
static inline int64_t sql_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
			 SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* Runs statements that return nothing (to damage or age a file on purpose). */
static inline void sql_exec(const char *path, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_close(db);
}

/*
 * A new session file under a fresh name ("/tmp/vigil-test-TAG-XXXXXX" into
 * path, cap bytes) with its sessions row begun at t0 (1 s interval): the
 * writer store the caller closes, or NULL when any step failed.
 */
static inline struct store *sql_session_new(char *path, size_t cap, const char *tag,
					    int64_t t0, long clk_tck)
{
	struct session_meta m = {.clk_tck = clk_tck, .interval_ms = 1000};
	struct store *s;
	char err[512];
	int fd;

	snprintf(path, cap, "/tmp/vigil-test-%s-XXXXXX", tag);
	fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	close(fd);
	if (store_create(path, true, &s, err, sizeof(err)) < 0) {
		print_message("store_create: %s\n", err);
		return NULL;
	}
	snprintf(m.version, sizeof(m.version), "test");
	m.started_ms = t0;
	m.target_exit_code = -1;
	if (store_session_begin(s, &m) < 0) {
		store_close(s);
		return NULL;
	}
	return s;
}

#endif
