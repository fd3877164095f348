/* SPDX-License-Identifier: MIT */
/*
 * alert_rows: writing a frame's alert transitions and notices, and reading
 * them back (declared in store/alert_rows.h).
 */
#include "store/alert_rows.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/store-internal.h"

#define ALERT_SELECT "SELECT t_ms, rule, severity, state, value, word, message, profile"

int store_write_alerts(struct store *s, const struct frame *f)
{
	for (size_t i = 0; i < f->nalerts; i++) {
		const struct alert_event *e = &f->alerts[i];
		sqlite3_stmt *st = store_stmt(s, STMT_ALERT);

		store_bind_u64(st, 1, f->seq);
		sqlite3_bind_int64(st, 2, e->t_ms);
		store_bind_text(st, 3, e->rule, sizeof(e->rule));
		store_bind_text(st, 4, e->severity, sizeof(e->severity));
		store_bind_text(st, 5, e->state, sizeof(e->state));
		store_bind_double_if(st, 6, e->value, e->has_value);
		if (e->word[0])
			store_bind_text(st, 7, e->word, sizeof(e->word));
		store_bind_text(st, 8, e->message, sizeof(e->message));
		if (e->profile_id > 0)
			sqlite3_bind_int64(st, 9, e->profile_id);
		if (store_exec_stmt(s, st, "cannot write an alert event") < 0)
			return -1;
	}
	return 0;
}

int store_write_notices(struct store *s, const struct frame *f)
{
	for (size_t i = 0; i < f->nnotices; i++) {
		const struct notice *n = &f->notices[i];
		sqlite3_stmt *st = store_stmt(s, STMT_NOTICE);

		store_bind_u64(st, 1, f->seq);
		sqlite3_bind_int64(st, 2, n->t_ms);
		store_bind_text(st, 3, n->kind, sizeof(n->kind));
		store_bind_text(st, 4, n->source, sizeof(n->source));
		store_bind_text(st, 5, n->message, sizeof(n->message));
		if (store_exec_stmt(s, st, "cannot write a notice") < 0)
			return -1;
	}
	return 0;
}

static void read_notice(sqlite3_stmt *st, void *row)
{
	struct notice *n = row;

	memset(n, 0, sizeof(*n));
	n->t_ms = sqlite3_column_int64(st, 0);
	store_column_text(st, 1, n->kind, sizeof(n->kind));
	store_column_text(st, 2, n->source, sizeof(n->source));
	store_column_text(st, 3, n->message, sizeof(n->message));
}

int query_notices(struct store *s, int64_t t0, int64_t t1, size_t max,
		  struct notice **out, size_t *n)
{
	sqlite3_stmt *st;

	*out = NULL;
	*n = 0;
	if (!store_has(s, STORE_SINCE_NOTICES))
		return 0;
	/* the newest max, handed out oldest first */
	if (store_prepare_cached(
		    s,
		    "SELECT t_ms, kind, source, message FROM ("
		    " SELECT id, t_ms, kind, source, message FROM notices"
		    " WHERE t_ms BETWEEN ?1 AND ?2 ORDER BY id DESC LIMIT ?3)"
		    " ORDER BY id",
		    &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, t0);
	sqlite3_bind_int64(st, 2, t1);
	sqlite3_bind_int64(st, 3, max > INT64_MAX ? INT64_MAX : (int64_t)max);
	return store_read_rows(s, st, (void **)out, n, sizeof(**out), read_notice);
}

static void read_event(sqlite3_stmt *st, void *row)
{
	struct alert_event *e = row;

	memset(e, 0, sizeof(*e));
	e->t_ms = sqlite3_column_int64(st, 0);
	store_column_text(st, 1, e->rule, sizeof(e->rule));
	store_column_text(st, 2, e->severity, sizeof(e->severity));
	store_column_text(st, 3, e->state, sizeof(e->state));
	e->has_value = sqlite3_column_type(st, 4) != SQLITE_NULL;
	e->value = sqlite3_column_double(st, 4);
	store_column_text(st, 5, e->word, sizeof(e->word));
	store_column_text(st, 6, e->message, sizeof(e->message));
	e->profile_id = sqlite3_column_int64(st, 7);
}

/* Runs a prepared select of ALERT_SELECT rows into a fresh array. */
static int read_events(struct store *s, sqlite3_stmt *st, struct alert_event **out,
		       size_t *n)
{
	return store_read_rows(s, st, (void **)out, n, sizeof(**out), read_event);
}

int query_alert_events(struct store *s, int64_t t0, int64_t t1, size_t max,
		       struct alert_event **out, size_t *n)
{
	sqlite3_stmt *st;

	*out = NULL;
	*n = 0;
	if (!store_has(s, STORE_SINCE_ALERTS))
		return 0;
	/* the newest max, handed out oldest first */
	if (store_prepare_cached(
		    s,
		    "SELECT * FROM (" ALERT_SELECT ", id FROM alert_events"
		    " WHERE t_ms BETWEEN ?1 AND ?2 ORDER BY t_ms DESC, id DESC"
		    " LIMIT ?3) ORDER BY t_ms, id",
		    &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, t0);
	sqlite3_bind_int64(st, 2, t1);
	sqlite3_bind_int64(st, 3, (int64_t)max);
	return read_events(s, st, out, n);
}

int query_alert_states_at(struct store *s, int64_t t_ms, struct alert_event **out,
			  size_t *n)
{
	sqlite3_stmt *st;

	*out = NULL;
	*n = 0;
	if (!store_has(s, STORE_SINCE_ALERTS))
		return 0;
	if (store_prepare_cached(s,
				 ALERT_SELECT
				 " FROM alert_events WHERE id IN"
				 " (SELECT max(id) FROM alert_events WHERE t_ms <= ?1"
				 " GROUP BY rule) ORDER BY rule",
				 &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, t_ms);
	return read_events(s, st, out, n);
}

int store_link_alert_profile(struct store *s, const char *rule, int64_t profile)
{
	sqlite3_stmt *st;
	int rc;

	if (store_prepare(s,
			  "UPDATE alert_events SET profile = ?1 WHERE id ="
			  " (SELECT max(id) FROM alert_events WHERE rule = ?2 AND state "
			  "= 'firing')",
			  &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, profile);
	sqlite3_bind_text(st, 2, rule, -1, SQLITE_STATIC);
	rc = store_step(s, st);
	sqlite3_finalize(st);
	return rc < 0 ? -1 : 0;
}
