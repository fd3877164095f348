/* SPDX-License-Identifier: MIT */
/*
 * alert_fold: see alert_fold.h. One pass: each pending or inactive
 * transition looks back for its rule's newest row and joins it when that row
 * is still an open run; rows are then ordered by their newest transition.
 * The look-back is linear in the rows; the lists folded here (a screen's
 * recent transitions, a report's) are thousands at most.
 */
#include "analysis/alert_fold.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static bool flappy(const struct alert_event *e)
{
	return !strcmp(e->state, "pending") || !strcmp(e->state, "inactive");
}

static int by_last(const void *a, const void *b)
{
	const struct alert_fold *x = a, *y = b;

	return x->last < y->last ? -1 : x->last > y->last;
}

size_t alert_fold(const struct alert_event *ev, size_t n, struct alert_fold *out)
{
	size_t rows = 0;
	bool sorted = true;

	for (size_t i = 0; i < n; i++) {
		const struct alert_event *e = &ev[i];
		struct alert_fold *run = NULL;

		if (flappy(e)) {
			/* the rule's newest row: an open run when flappy too */
			for (size_t k = rows; k > 0; k--) {
				if (strcmp(ev[out[k - 1].last].rule, e->rule) != 0)
					continue;
				if (flappy(&ev[out[k - 1].last]))
					run = &out[k - 1];
				break;
			}
		}
		if (run) {
			sorted = sorted && run == &out[rows - 1];
			run->last = i;
			run->n++;
			run->flaps += !strcmp(e->state, "pending");
			continue;
		}
		out[rows++] = (struct alert_fold){
			.first = i,
			.last = i,
			.n = 1,
			.flaps = !strcmp(e->state, "pending"),
		};
	}
	if (!sorted)
		qsort(out, rows, sizeof(*out), by_last);
	return rows;
}
