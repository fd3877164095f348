/* SPDX-License-Identifier: MIT */
/*
 * alert_rows: the alert transitions of a session, as rows of
 * alert_events. The writer stores the transitions a frame carries in the
 * frame's own transaction; readers (console, replay, report, export) ask for
 * them by time, so a replay shows alerts exactly as they were. The notices
 * (alert actions that failed or were dropped) live here too.
 */
#ifndef VIGIL_STORE_ALERT_ROWS_H
#define VIGIL_STORE_ALERT_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "core/frame.h"
#include "store/store.h"

/*
 * Transitions with t0 <= t_ms <= t1 in the order they happened, at most max
 * (the newest max when there are more), each with the processes it named
 * (top_by, top; none in a file before schema 8). *out is owned by the
 * caller (free), NULL when there are none. 0, or -1 (store_error). A file
 * from before alerts existed has none.
 */
int query_alert_events(struct store *s, int64_t t0, int64_t t1, size_t max,
		       struct alert_event **out, size_t *n);

/*
 * Every rule's latest transition at or before t_ms, one per rule, by rule
 * name: what each alert's state was at that moment. A pending, firing or
 * acknowledged one carries the processes of its rule's latest transition
 * that named any (an acknowledgement shows what the firing named). Same
 * ownership.
 */
int query_alert_states_at(struct store *s, int64_t t_ms, struct alert_event **out,
			  size_t *n);

/*
 * The notices (failed or dropped alert actions) with t0 <= t_ms <= t1 in
 * order, at most max (the newest). *out owned by the caller (free), NULL
 * when none. 0, or -1 (store_error). Files before schema 4 have none.
 */
int query_notices(struct store *s, int64_t t0, int64_t t1, size_t max,
		  struct notice **out, size_t *n);

/* Writer: links profile to rule's latest firing. 0 or -1 (store_error). */
int store_link_alert_profile(struct store *s, const char *rule, int64_t profile);

#endif
