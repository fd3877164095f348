/* SPDX-License-Identifier: MIT */
/*
 * test_statements: the store room's sqlite3 plumbing (store/statements.h).
 *
 * The reader's cache of prepared statements: the same SQL gets the same
 * statement back once it was finished (reset, bindings cleared); a statement
 * still in use is never handed out twice; more SQL texts than slots evict
 * the least recently used; statements from store_prepare are finalized by
 * store_finish; closing the store finalizes the cache (ASan's leak check in
 * make test sees what is left).
 *
 * store_read_rows: every row becomes one zeroed element, in order, past the
 * first growth of the array; a fill that refuses a row ends the read with
 * nothing handed out and what the earlier rows owned dropped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store-internal.h"
#include "store/store.h"

static char path[64];

static struct store *fresh(void)
{
	struct store *s = NULL;
	char err[256];
	int fd;

	snprintf(path, sizeof(path), "/tmp/vigil-test-cache-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	if (store_create(path, false, &s, err, sizeof(err)) < 0)
		fail_msg("store_create: %s", err);
	return s;
}

static void done(struct store *s)
{
	char p[80];

	store_close(s);
	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

static void test_reuse_and_busy(void **state)
{
	struct store *s = fresh();
	sqlite3_stmt *a, *b, *c;

	(void)state;
	assert_int_equal(store_prepare_cached(s, "SELECT ?1 + 1", &a), 0);
	sqlite3_bind_int(a, 1, 41);
	assert_int_equal(sqlite3_step(a), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(a, 0), 42);
	/* still in use: a second user gets a statement of its own */
	assert_int_equal(store_prepare_cached(s, "SELECT ?1 + 1", &b), 0);
	assert_ptr_not_equal(a, b);
	store_finish(s, b);
	store_finish(s, a);
	/* finished: the same statement again, reset with its bindings cleared */
	assert_int_equal(store_prepare_cached(s, "SELECT ?1 + 1", &c), 0);
	assert_true(c == a || c == b);
	assert_int_equal(sqlite3_step(c), SQLITE_ROW);
	assert_int_equal(sqlite3_column_type(c, 0), SQLITE_NULL); /* NULL + 1 */
	store_finish(s, c);
	/* bad SQL fails and hands nothing out */
	assert_int_equal(store_prepare_cached(s, "SELEC nonsense", &c), -1);
	assert_null(c);
	store_finish(s, NULL);
	done(s);
}

static void test_eviction(void **state)
{
	struct store *s = fresh();
	sqlite3_stmt *first, *st;
	char sql[64];

	(void)state;
	assert_int_equal(store_prepare_cached(s, "SELECT 0", &first), 0);
	store_finish(s, first);
	/* STORE_CACHE_N more texts: the first one is the least recently used */
	for (int i = 1; i <= STORE_CACHE_N; i++) {
		snprintf(sql, sizeof(sql), "SELECT %d", i);
		assert_int_equal(store_prepare_cached(s, sql, &st), 0);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(st, 0), i);
		store_finish(s, st);
	}
	/* the most recent ones are still there, and answer */
	assert_int_equal(store_prepare_cached(s, "SELECT 32", &st), 0);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 32);
	store_finish(s, st);
	/* the evicted one is prepared anew and answers too */
	assert_int_equal(store_prepare_cached(s, "SELECT 0", &st), 0);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0);
	store_finish(s, st);
	/* an uncached statement is finalized by store_finish */
	assert_int_equal(store_prepare(s, "SELECT 7", &st), 0);
	store_finish(s, st);
	done(s);
}

/* 1..40: more rows than the array's first allocation holds */
static const char forty_sql[] = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL"
				" SELECT x + 1 FROM c WHERE x < 40) SELECT x FROM c";

struct numbered {
	int x;
	int untouched; /* never set by a fill */
	char *label;   /* owned */
};

static void fill_plain(sqlite3_stmt *st, void *row)
{
	((struct numbered *)row)->x = sqlite3_column_int(st, 0);
}

static void test_read_rows(void **state)
{
	struct store *s = fresh();
	struct numbered *rows;
	sqlite3_stmt *st;
	size_t n;

	(void)state;
	assert_int_equal(store_prepare(s, forty_sql, &st), 0);
	assert_int_equal(
		store_read_rows(s, st, (void **)&rows, &n, sizeof(*rows), fill_plain), 0);
	assert_int_equal(n, 40);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(rows[i].x, (int)i + 1);
		assert_int_equal(rows[i].untouched, 0);
		assert_null(rows[i].label);
	}
	free(rows);
	/* no rows: NULL and 0 */
	assert_int_equal(store_prepare_cached(s, "SELECT 1 WHERE 0", &st), 0);
	assert_int_equal(
		store_read_rows(s, st, (void **)&rows, &n, sizeof(*rows), fill_plain), 0);
	assert_null(rows);
	assert_int_equal(n, 0);
	done(s);
}

/* Refuses row number *refuse (1-based); labels every row it takes. */
static int fill_labelled(sqlite3_stmt *st, void *row, void *arg)
{
	struct numbered *r = row;
	int x = sqlite3_column_int(st, 0);
	char label[16];

	if (x == *(int *)arg)
		return -1;
	snprintf(label, sizeof(label), "row %d", x);
	r->x = x;
	r->label = strdup(label);
	return 0;
}

static int dropped;

static void drop_labelled(void *row)
{
	free(((struct numbered *)row)->label);
	dropped++;
}

static void test_read_rows_with(void **state)
{
	struct store *s = fresh();
	struct numbered *rows;
	sqlite3_stmt *st;
	int refuse = 0; /* no row is 0: all taken */
	size_t n;

	(void)state;
	assert_int_equal(store_prepare(s, forty_sql, &st), 0);
	assert_int_equal(store_read_rows_with(s, st, (void **)&rows, &n, sizeof(*rows),
					      fill_labelled, &refuse, drop_labelled),
			 0);
	assert_int_equal(n, 40);
	assert_string_equal(rows[39].label, "row 40");
	for (size_t i = 0; i < n; i++)
		drop_labelled(&rows[i]);
	free(rows);
	/* row 30 refused: nothing handed out, the 29 before it dropped */
	refuse = 30;
	dropped = 0;
	assert_int_equal(store_prepare_cached(s, forty_sql, &st), 0);
	assert_int_equal(store_read_rows_with(s, st, (void **)&rows, &n, sizeof(*rows),
					      fill_labelled, &refuse, drop_labelled),
			 -1);
	assert_null(rows);
	assert_int_equal(n, 0);
	assert_int_equal(dropped, 29);
	/* the statement went back to the cache: the same SQL is handed out again */
	assert_int_equal(store_prepare_cached(s, forty_sql, &st), 0);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 1);
	store_finish(s, st);
	done(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reuse_and_busy),
		cmocka_unit_test(test_eviction),
		cmocka_unit_test(test_read_rows),
		cmocka_unit_test(test_read_rows_with),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
