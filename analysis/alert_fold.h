/* SPDX-License-Identifier: MIT */
/*
 * alert_fold: a list of alert transitions an operator can read. A rule whose
 * value hovers at its threshold goes pending and back to inactive every few
 * ticks; each move is a transition (and a row in the session, which stays
 * as it is), but listed one per line they push everything else off the
 * screen. Folded, a run of such moves is one row: how many times the rule
 * went pending, the first and the last of them, and where it stands.
 *
 * Rules:
 * - Transitions into "pending" and "inactive" of one rule fold together
 *   while nothing else happens to that rule; other rules' transitions in
 *   between do not break the run. Any other transition of the rule
 *   (firing, resolved, acked) is a row of its own and ends the run: the
 *   next pending starts a new one.
 * - A row sits where its newest transition is: rows come out ordered by
 *   their last transition, oldest first, as the transitions came in.
 * - A row of one transition is that transition, unfolded (flaps 0 or 1).
 *
 * Pure: indexes into the caller's array, no allocation, no clock.
 */
#ifndef VIGIL_ANALYSIS_ALERT_FOLD_H
#define VIGIL_ANALYSIS_ALERT_FOLD_H

#include <stddef.h>

#include "core/frame.h"

struct alert_fold {
	size_t first, last; /* indexes of its oldest and newest transitions */
	size_t n;	    /* transitions folded into the row */
	size_t flaps;	    /* of them, the moves into pending */
};

/*
 * Folds ev[0..n) (oldest first) into out, which has room for n rows (no
 * more are ever needed). Returns the number of rows.
 */
size_t alert_fold(const struct alert_event *ev, size_t n, struct alert_fold *out);

/* Whether a row is a folded run of flaps (more than one transition). */
static inline int alert_fold_is_flap(const struct alert_fold *f)
{
	return f->n > 1;
}

#endif
