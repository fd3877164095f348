/* SPDX-License-Identifier: MIT */
/*
 * gaps: the rule of store/gaps.h in C, its SQL twin (STORE_CONTINUES_SQL in
 * store/store-internal.h, for the window passes of series), and the gaps of
 * a window listed. tests/unit/test_gaps.c holds the two to the same answer.
 */
#include "store/gaps.h"

#include <stdlib.h>

#include "store/store-internal.h"

bool ticks_continue(int64_t interval_ms, int64_t pseq, int64_t pt_ms, int64_t seq,
		    int64_t t_ms)
{
	int64_t frames = seq - pseq, cap = 2 * interval_ms, limit;

	if (frames < 1 || interval_ms <= 0)
		return false;
	if (cap < GAPS_MAX_MS)
		cap = GAPS_MAX_MS;
	/* 2 * frames * interval, without overflow for absurd seqs */
	limit = frames > cap / (2 * interval_ms) ? cap : 2 * frames * interval_ms;
	return t_ms - pt_ms <= limit + GAPS_SLACK_MS;
}

int64_t store_session_interval(struct store *s)
{
	sqlite3_stmt *st;
	int64_t iv = 1000;

	if (sqlite3_prepare_v2(s->db, "SELECT interval_ms FROM sessions LIMIT 1", -1, &st,
			       NULL) != SQLITE_OK)
		return iv;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0)
		iv = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return iv;
}

static void read_gap(sqlite3_stmt *st, void *row)
{
	struct tick_gap *g = row;

	g->before_ms = sqlite3_column_int64(st, 0);
	g->after_ms = sqlite3_column_int64(st, 1);
}

int query_gaps(struct store *s, int64_t t0, int64_t t1, struct tick_gap **out, size_t *n)
{
	sqlite3_stmt *st;

	*out = NULL;
	*n = 0;
	if (t1 < t0)
		return 0;
	if (store_prepare_cached(
		    s,
		    "WITH k AS (SELECT seq, t_ms, LAG(seq) OVER w AS ps,"
		    " LAG(t_ms) OVER w AS pt FROM ticks"
		    " WHERE t_ms BETWEEN coalesce((SELECT max(t_ms) FROM ticks"
		    " WHERE t_ms <= :t0), :t0) AND :t1 WINDOW w AS (ORDER BY seq))"
		    " SELECT pt, t_ms FROM k WHERE ps IS NOT NULL"
		    " AND NOT " STORE_CONTINUES_SQL("seq", "t_ms", "ps",
						    "pt") " ORDER BY seq",
		    &st) < 0)
		return -1;
	store_bind_named_int64(st, ":t0", t0);
	store_bind_named_int64(st, ":t1", t1);
	store_bind_named_int64(st, ":interval", store_session_interval(s));
	return store_read_rows(s, st, (void **)out, n, sizeof(**out), read_gap);
}

bool query_ticks_continue(struct store *s, int64_t pseq, int64_t pt_ms, int64_t seq,
			  int64_t t_ms)
{
	return ticks_continue(store_session_interval(s), pseq, pt_ms, seq, t_ms);
}
