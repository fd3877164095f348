/* SPDX-License-Identifier: MIT */
/*
 * alert_rows: writing a frame's alert transitions and notices, and reading
 * them back (declared in store/alert_rows.h).
 */
#include "store/alert_rows.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/store-internal.h"

#define ALERT_COLUMNS "t_ms, rule, severity, state, value, word, message, profile, id"
/* the columns of read_event; files before v8 have no top_by */
#define ALERT_SELECT(s)                                                                  \
	(store_has(s, STORE_SINCE_ALERT_TOP) ? "SELECT " ALERT_COLUMNS ", top_by"        \
					     : "SELECT " ALERT_COLUMNS ", NULL")

static int write_top(struct store *s, const struct alert_event *e, int64_t event)
{
	for (size_t k = 0; k < e->ntop && k < ALERT_TOP_MAX; k++) {
		sqlite3_stmt *st = store_stmt(s, STMT_ALERT_TOP);

		sqlite3_bind_int64(st, 1, event);
		sqlite3_bind_int64(st, 2, (int64_t)k);
		sqlite3_bind_int(st, 3, e->top[k].pid);
		store_bind_text(st, 4, e->top[k].comm, sizeof(e->top[k].comm));
		sqlite3_bind_double(st, 5, e->top[k].value);
		if (store_exec_stmt(s, st, "cannot write an alert's processes") < 0)
			return -1;
	}
	return 0;
}

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
		if (e->top_by[0])
			store_bind_text(st, 10, e->top_by, sizeof(e->top_by));
		if (store_exec_stmt(s, st, "cannot write an alert event") < 0 ||
		    (e->top_by[0] &&
		     write_top(s, e, sqlite3_last_insert_rowid(s->db)) < 0))
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

/* The processes event names, into e (top_by already read). 0 or -1. */
static int read_top(struct store *s, int64_t event, struct alert_event *e)
{
	sqlite3_stmt *st;
	int rc;

	if (store_prepare_cached(s,
				 "SELECT pid, comm, value FROM alert_top WHERE event = ?1"
				 " ORDER BY rank",
				 &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, event);
	while ((rc = store_step(s, st)) == 1 && e->ntop < ALERT_TOP_MAX) {
		struct alert_top *t = &e->top[e->ntop++];

		t->pid = sqlite3_column_int(st, 0);
		store_column_text(st, 1, t->comm, sizeof(t->comm));
		t->value = sqlite3_column_double(st, 2);
	}
	store_finish(s, st);
	return rc < 0 ? -1 : 0;
}

static int read_event(sqlite3_stmt *st, void *row, void *arg)
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
	store_column_text(st, 9, e->top_by, sizeof(e->top_by));
	return e->top_by[0] ? read_top(arg, sqlite3_column_int64(st, 8), e) : 0;
}

/* Runs a prepared select of ALERT_SELECT rows into a fresh array. */
static int read_events(struct store *s, sqlite3_stmt *st, struct alert_event **out,
		       size_t *n)
{
	return store_read_rows_with(s, st, (void **)out, n, sizeof(**out), read_event, s,
				    NULL);
}

int query_alert_events(struct store *s, int64_t t0, int64_t t1, size_t max,
		       struct alert_event **out, size_t *n)
{
	sqlite3_stmt *st;
	char sql[512];

	*out = NULL;
	*n = 0;
	if (!store_has(s, STORE_SINCE_ALERTS))
		return 0;
	/* the newest max, handed out oldest first */
	snprintf(sql, sizeof(sql),
		 "SELECT * FROM (%s FROM alert_events"
		 " WHERE t_ms BETWEEN ?1 AND ?2 ORDER BY t_ms DESC, id DESC"
		 " LIMIT ?3) ORDER BY t_ms, id",
		 ALERT_SELECT(s));
	if (store_prepare_cached(s, sql, &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, t0);
	sqlite3_bind_int64(st, 2, t1);
	sqlite3_bind_int64(st, 3, (int64_t)max);
	return read_events(s, st, out, n);
}

/*
 * An active alert's processes: those of its rule's latest event that named
 * any, at or before t_ms (an acknowledgement names none of its own: it
 * shows what the firing named). 0 or -1.
 */
static int states_top(struct store *s, int64_t t_ms, struct alert_event *e)
{
	sqlite3_stmt *st;
	int64_t event = 0;
	int rc;

	if (e->top_by[0] || !store_has(s, STORE_SINCE_ALERT_TOP) ||
	    (strcmp(e->state, "firing") && strcmp(e->state, "acked") &&
	     strcmp(e->state, "pending")))
		return 0;
	if (store_prepare_cached(s,
				 "SELECT id, top_by FROM alert_events WHERE rule = ?1"
				 " AND t_ms <= ?2 AND top_by IS NOT NULL"
				 " ORDER BY id DESC LIMIT 1",
				 &st) < 0)
		return -1;
	sqlite3_bind_text(st, 1, e->rule, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, t_ms);
	rc = store_step(s, st);
	if (rc == 1) {
		event = sqlite3_column_int64(st, 0);
		store_column_text(st, 1, e->top_by, sizeof(e->top_by));
	}
	store_finish(s, st);
	if (rc < 0)
		return -1;
	return event ? read_top(s, event, e) : 0;
}

int query_alert_states_at(struct store *s, int64_t t_ms, struct alert_event **out,
			  size_t *n)
{
	sqlite3_stmt *st;
	char sql[512];

	*out = NULL;
	*n = 0;
	if (!store_has(s, STORE_SINCE_ALERTS))
		return 0;
	snprintf(sql, sizeof(sql),
		 "%s FROM alert_events WHERE id IN"
		 " (SELECT max(id) FROM alert_events WHERE t_ms <= ?1"
		 " GROUP BY rule) ORDER BY rule",
		 ALERT_SELECT(s));
	if (store_prepare_cached(s, sql, &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, t_ms);
	if (read_events(s, st, out, n) < 0)
		return -1;
	for (size_t i = 0; i < *n; i++) {
		if (states_top(s, t_ms, &(*out)[i]) < 0) {
			free(*out);
			*out = NULL;
			*n = 0;
			return -1;
		}
	}
	return 0;
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
