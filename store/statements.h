/* SPDX-License-Identifier: MIT */
/*
 * statements: the sqlite3 plumbing of the store room, for the files in
 * store/ only (through store/store-internal.h; tests of the room may look).
 * Nothing here knows a table.
 *
 * Invariants:
 * - A failing helper has set the store's error text (store_error) and
 *   returns -1; library code never prints, the text is logged (-v).
 * - A statement from store_prepare or store_prepare_cached is given back
 *   with store_finish, which finalizes the one and returns the other to the
 *   cache; store_read_rows does that itself.
 * - Read transactions nest: inside an open transaction (the writer's frame,
 *   a caller's snapshot) store_read_begin does nothing, so a call that reads
 *   several statements sees one snapshot either way.
 * - uint64_t values are stored as the int64_t with the same bits; NULL
 *   columns read as 0.
 */
#ifndef VIGIL_STORE_STATEMENTS_H
#define VIGIL_STORE_STATEMENTS_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* Sets s->err from a format, logs it, and returns -1. */
int store_fail(struct store *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Sets s->err to "<what>: <sqlite reason>" (a corrupt file says so) and
 * returns -1. */
int store_fail_sql(struct store *s, const char *what);
/* "file is corrupt: ..." for SQLITE_CORRUPT/NOTADB, else sqlite3_errmsg. */
const char *store_sql_reason(sqlite3 *db, char *buf, size_t len);

/* Steps a statement that returns no rows; 0 or store_fail_sql(what). */
int store_exec_stmt(struct store *s, sqlite3_stmt *st, const char *what);
/* Steps an upsert ending in RETURNING id to its end (the row is only final
 * then) with the id in *id; 0, or -1 with what as the error. st is reset. */
int store_exec_returning_id(struct store *s, sqlite3_stmt *st, const char *what,
			    int64_t *id);

/* Binding and reading helpers; NULL columns read as 0. */
void store_bind_u64(sqlite3_stmt *st, int i, uint64_t v);
void store_bind_u64_if(sqlite3_stmt *st, int i, uint64_t v, bool have);
void store_bind_double_if(sqlite3_stmt *st, int i, double v, bool have);
void store_bind_char(sqlite3_stmt *st, int i, char c);
/* Binds at most max bytes of text (a fixed array may lack its NUL); NULL
 * binds "". */
void store_bind_text(sqlite3_stmt *st, int i, const char *text, size_t max);
uint64_t store_column_u64(sqlite3_stmt *st, int i);
char store_column_char(sqlite3_stmt *st, int i);
/* Copies a text column into buf (always terminated, truncated to fit). */
void store_column_text(sqlite3_stmt *st, int i, char *buf, size_t len);
/* Binds v to the named parameter (":t0") when the statement has it. */
void store_bind_named_int64(sqlite3_stmt *st, const char *name, int64_t v);
void store_bind_named_double(sqlite3_stmt *st, const char *name, double v);

/* Prepares sql on s (a failure is store_fail_sql); steps st: 1 for a row, 0
 * when done, -1 (store_error) on failure. */
int store_prepare(struct store *s, const char *sql, sqlite3_stmt **st);
int store_step(struct store *s, sqlite3_stmt *st);
/*
 * store_prepare for the queries a reader runs every tick: parsing the SQL
 * again each time was a fifth of the live console's CPU. The statement comes
 * from a cache of STORE_CACHE_N keyed by the SQL text (prepared on first use;
 * the least recently used is finalized to make room; a statement already
 * handed out is prepared anew) and must be given back with store_finish,
 * never sqlite3_finalize.
 */
int store_prepare_cached(struct store *s, const char *sql, sqlite3_stmt **st);
/* Gives back a statement from store_prepare_cached (reset, bindings cleared)
 * or finalizes one from store_prepare. NULL is ignored. */
void store_finish(struct store *s, sqlite3_stmt *st);
/*
 * Steps st inside a read transaction and appends each row to *out, an array
 * of elements of `size` bytes grown as needed, through fill (each element
 * zeroed before); *n counts them.
 * st is given back (store_finish) either way. 0, or -1 with *out freed and
 * NULL and *n 0.
 */
int store_read_rows(struct store *s, sqlite3_stmt *st, void **out, size_t *n, size_t size,
		    void (*fill)(sqlite3_stmt *st, void *row));
/*
 * store_read_rows for rows that need more than the statement to be filled:
 * fill gets arg and may refuse a row (-1, after store_fail, leaving nothing
 * allocated in it), which ends the read as a failure. drop, unless NULL,
 * frees what fill allocated inside one row; on failure it runs on every row
 * already read before *out is freed.
 */
int store_read_rows_with(struct store *s, sqlite3_stmt *st, void **out, size_t *n,
			 size_t size, int (*fill)(sqlite3_stmt *st, void *row, void *arg),
			 void *arg, void (*drop)(void *row));
/* Finalizes every cached statement (before the connection closes). */
void store_cache_release(struct store *s);

/* Read transactions, so a multi-statement read sees one snapshot while
 * another process writes. Nest-safe: inside an open transaction they do
 * nothing. read_begin returns 0 or -1; read_end must follow a 0 with the
 * same value of *began. */
int store_read_begin(struct store *s, bool *began);
void store_read_end(struct store *s, bool began);

#endif
