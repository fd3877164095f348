/* SPDX-License-Identifier: MIT */
/*
 * statements: the sqlite3 plumbing every file of the store room shares
 * (declared in store/statements.h): errors as text on the store, binding and
 * reading columns, preparing and stepping, the cache of statements readers
 * run every tick, read transactions, and store_read_rows, the one loop that
 * turns a result into an array.
 *
 * Nothing here knows a table. The cache exists because parsing the same SQL
 * again each tick was a fifth of the live console's CPU; everything else is
 * small enough that its only job is to say each thing once.
 */
#include "store/statements.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/xalloc.h"
#include "store/store-internal.h"

/* ---- errors ---- */

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

/* ---- stepping the writer's statements ---- */

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

/* ---- binding and reading columns ---- */

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

/* ---- read transactions ---- */

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

/* ---- preparing, the cache, reading rows ---- */

int store_prepare(struct store *s, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK) {
		*st = NULL;
		return store_fail_sql(s, "cannot query the session");
	}
	return 0;
}

int store_prepare_cached(struct store *s, const char *sql, sqlite3_stmt **st)
{
	struct stmt_cache *slot = NULL, *c;

	for (int i = 0; i < STORE_CACHE_N; i++) {
		c = &s->cache[i];
		if (c->sql && !c->busy && !strcmp(c->sql, sql)) {
			c->busy = true;
			c->used = ++s->cache_clock;
			*st = c->st;
			return 0;
		}
		/* a free slot, else the least recently used idle one */
		if (!c->busy &&
		    (!slot || (slot->sql && (!c->sql || c->used < slot->used))))
			slot = c;
	}
	if (store_prepare(s, sql, st) < 0)
		return -1;
	if (!slot)
		return 0; /* every slot busy: finished by finalizing */
	if (slot->sql) {
		sqlite3_finalize(slot->st);
		free(slot->sql);
	}
	slot->sql = xstrdup(sql);
	slot->st = *st;
	slot->busy = true;
	slot->used = ++s->cache_clock;
	return 0;
}

void store_finish(struct store *s, sqlite3_stmt *st)
{
	if (!st)
		return;
	for (int i = 0; i < STORE_CACHE_N; i++)
		if (s->cache[i].busy && s->cache[i].st == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			s->cache[i].busy = false;
			return;
		}
	sqlite3_finalize(st);
}

/* The loop of store_read_rows and store_read_rows_with: exactly one of
 * plain and fill is set. */
static int read_rows(struct store *s, sqlite3_stmt *st, void **out, size_t *n,
		     size_t size, void (*plain)(sqlite3_stmt *st, void *row),
		     int (*fill)(sqlite3_stmt *st, void *row, void *arg), void *arg,
		     void (*drop)(void *row))
{
	size_t cap = 0;
	bool began;
	int rc;

	*out = NULL;
	*n = 0;
	if (store_read_begin(s, &began) < 0) {
		store_finish(s, st);
		return -1;
	}
	while ((rc = store_step(s, st)) > 0) {
		void *row;

		*out = xgrow(*out, &cap, *n + 1, size);
		row = (char *)*out + *n * size;
		memset(row, 0, size);
		if (plain)
			plain(st, row);
		else if (fill(st, row, arg) < 0) {
			rc = -1;
			break;
		}
		(*n)++;
	}
	store_read_end(s, began);
	store_finish(s, st);
	if (rc < 0) {
		for (size_t i = 0; drop && i < *n; i++)
			drop((char *)*out + i * size);
		free(*out);
		*out = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

int store_read_rows(struct store *s, sqlite3_stmt *st, void **out, size_t *n, size_t size,
		    void (*fill)(sqlite3_stmt *st, void *row))
{
	return read_rows(s, st, out, n, size, fill, NULL, NULL, NULL);
}

int store_read_rows_with(struct store *s, sqlite3_stmt *st, void **out, size_t *n,
			 size_t size, int (*fill)(sqlite3_stmt *st, void *row, void *arg),
			 void *arg, void (*drop)(void *row))
{
	return read_rows(s, st, out, n, size, NULL, fill, arg, drop);
}

void store_cache_release(struct store *s)
{
	for (int i = 0; i < STORE_CACHE_N; i++) {
		sqlite3_finalize(s->cache[i].st);
		free(s->cache[i].sql);
		s->cache[i] = (struct stmt_cache){0};
	}
}

int store_step(struct store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return store_fail_sql(s, "cannot read the session");
}

void store_bind_named_int64(sqlite3_stmt *st, const char *name, int64_t v)
{
	int i = sqlite3_bind_parameter_index(st, name);

	if (i > 0)
		sqlite3_bind_int64(st, i, v);
}

void store_bind_named_double(sqlite3_stmt *st, const char *name, double v)
{
	int i = sqlite3_bind_parameter_index(st, name);

	if (i > 0)
		sqlite3_bind_double(st, i, v);
}
