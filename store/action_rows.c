/* SPDX-License-Identifier: MIT */
/*
 * action_rows: proc_actions rows, written and read (store/action_rows.h).
 */
#include "store/action_rows.h"

#include <sqlite3.h>
#include <string.h>

#include "store/store-internal.h"

int store_write_proc_action(struct store *s, const struct proc_action *a)
{
	sqlite3_stmt *st = store_stmt(s, STMT_PROC_ACTION);

	sqlite3_bind_int64(st, 1, a->t_ms);
	store_bind_text(st, 2, a->what, sizeof(a->what));
	store_bind_text(st, 3, a->detail, sizeof(a->detail));
	sqlite3_bind_int(st, 4, a->pid);
	store_bind_u64(st, 5, a->start_ticks);
	store_bind_text(st, 6, a->comm, sizeof(a->comm));
	sqlite3_bind_int(st, 7, a->ok);
	store_bind_text(st, 8, a->result, sizeof(a->result));
	return store_exec_stmt(s, st, "cannot write an operator action");
}

static void read_action(sqlite3_stmt *st, void *row)
{
	struct proc_action *a = row;

	a->t_ms = sqlite3_column_int64(st, 0);
	store_column_text(st, 1, a->what, sizeof(a->what));
	store_column_text(st, 2, a->detail, sizeof(a->detail));
	a->pid = sqlite3_column_int(st, 3);
	a->start_ticks = store_column_u64(st, 4);
	store_column_text(st, 5, a->comm, sizeof(a->comm));
	a->ok = sqlite3_column_int(st, 6) != 0;
	store_column_text(st, 7, a->result, sizeof(a->result));
}

int query_proc_actions(struct store *s, int64_t t0, int64_t t1, size_t max,
		       struct proc_action **out, size_t *n)
{
	sqlite3_stmt *st;

	*out = NULL;
	*n = 0;
	if (!store_has(s, STORE_SINCE_PROC_ACTIONS))
		return 0;
	/* the newest max, handed out oldest first */
	if (store_prepare_cached(
		    s,
		    "SELECT t_ms, what, detail, pid, start_ticks, comm, ok, result FROM ("
		    " SELECT * FROM proc_actions WHERE t_ms BETWEEN ?1 AND ?2"
		    " ORDER BY id DESC LIMIT ?3) ORDER BY id",
		    &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, t0);
	sqlite3_bind_int64(st, 2, t1);
	sqlite3_bind_int64(st, 3, max > INT64_MAX ? INT64_MAX : (int64_t)max);
	return store_read_rows(s, st, (void **)out, n, sizeof(**out), read_action);
}
