/* SPDX-License-Identifier: MIT */
/*
 * cgroup_view: the cgroup screen (key o): every cgroup as a tree with its
 * CPU, memory against its limit, IO, pressure and throttling at the time
 * shown, sorted by the column chosen, and the selected one in full below.
 * Live and replay alike: it draws the model's frame and the one before.
 */
#ifndef VIGIL_VIEWS_CGROUP_VIEW_H
#define VIGIL_VIEWS_CGROUP_VIEW_H

#include <curses.h>

#include "views/model.h"

/* Draws the screen into w; st is not changed (its cursor clamped in a copy). */
void cgroup_view_draw(WINDOW *w, const struct ui_model *m,
		      const struct cgroups_state *st);
/* Rows of the list in a window of this height (for the list cursor). */
int cgroup_view_rows(int window_rows);
/* The list the screen shows for m and st (built as the view builds it), for
 * key handlers that act on the selected row; release with cglist_release. */
void cgroup_view_list(const struct ui_model *m, const struct cgroups_state *st,
		      struct cglist *out);

#endif
