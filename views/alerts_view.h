/* SPDX-License-Identifier: MIT */
/*
 * alerts_view: the alerts screen (key a). Every rule that has left the
 * inactive state, firing first, the selected one in full (message wrapped,
 * the processes a system-wide alert named), then the newest transitions with
 * flaps folded, as they were at the time shown (live: now; replay: the
 * cursor).
 */
#ifndef VIGIL_VIEWS_ALERTS_VIEW_H
#define VIGIL_VIEWS_ALERTS_VIEW_H

#include <curses.h>

#include "views/model.h"

/* Draws the screen into w, st->cur clamped to the list (st unchanged). */
void alerts_draw(WINDOW *w, const struct ui_model *m, const struct alerts_state *st);
/* Rows of the alert list in a window of this height (for the list cursor). */
int alerts_list_rows(int window_rows);

/* 1 while the alert state s ("firing", "acked", ...) needs attention. */
int alerts_state_active(const char *s);

#endif
