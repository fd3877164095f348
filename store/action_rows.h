/* SPDX-License-Identifier: MIT */
/*
 * action_rows: what the operator did to processes from the console, as rows
 * of proc_actions (schema 7). The writer thread stores each record it is
 * handed (store/writer.h), between frames, in its own statement; readers
 * (report, replay) ask for them by time.
 */
#ifndef VIGIL_STORE_ACTION_ROWS_H
#define VIGIL_STORE_ACTION_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "core/proc_action.h"
#include "store/store.h"

/* Writer only: stores a (one INSERT, its own transaction). 0 or -1
 * (store_error). */
int store_write_proc_action(struct store *s, const struct proc_action *a);

/*
 * The actions with t0 <= t_ms <= t1 in the order they were done, at most max
 * (the newest max). *out is owned by the caller (free), NULL when none. 0,
 * or -1 (store_error). A file before schema 7 has none.
 */
int query_proc_actions(struct store *s, int64_t t0, int64_t t1, size_t max,
		       struct proc_action **out, size_t *n);

#endif
