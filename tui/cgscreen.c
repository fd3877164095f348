/* SPDX-License-Identifier: MIT */
/*
 * cgscreen: the cgroup screen's actions (see cgscreen.h). The list the
 * cursor moves over is built the way the view builds it
 * (cgroup_view_list), so the row Enter acts on is the row shown.
 */
#include "tui/cgscreen.h"

#include <curses.h>
#include <stdio.h>

#include "views/cgroup_view.h"

unsigned cgscreen_toggle(struct app *a, int key, int arg)
{
	(void)key, (void)arg;
	if (a->screen == UI_CGROUPS) {
		a->screen = UI_OVERVIEW;
		return REACT_LAYOUT;
	}
	a->screen = UI_CGROUPS;
	if (!a->model.cur || a->model.cur->cgroups.n == 0)
		app_message(a, true, "no cgroups were read%s",
			    a->replaying ? " in this recording" : " here");
	return REACT_LAYOUT | REACT_STATUS;
}

unsigned cgscreen_enter(struct app *a, int key, int arg)
{
	struct cglist l;
	long sel = a->cg.cur.sel;

	(void)key, (void)arg;
	cgroup_view_list(&a->model, &a->cg, &l);
	if (sel < 0 || sel >= (long)l.n) {
		cglist_release(&l);
		return REACT_NONE;
	}
	snprintf(a->ov.cgroup, sizeof(a->ov.cgroup), "%s", l.entries[sel].row->path);
	cglist_release(&l);
	a->screen = UI_OVERVIEW;
	a->ov.cur = (struct list_cursor){0, 0};
	a->ov.selected_pid = 0;
	app_message(a, false, "processes in %s (Esc: all of them)", a->ov.cgroup);
	return REACT_LAYOUT | REACT_REBUILD | REACT_STATUS;
}

unsigned cgscreen_sort(struct app *a, int key, int arg)
{
	(void)arg;
	switch (key) {
	case 'P':
		a->cg.sort = CGLIST_SORT_CPU;
		break;
	case 'M':
		a->cg.sort = CGLIST_SORT_MEM;
		break;
	case 'I':
		a->cg.sort = CGLIST_SORT_NAME;
		break;
	default: /* F6 */
		a->cg.sort = (a->cg.sort + 1) % CGLIST_SORT_N;
		break;
	}
	a->cg.cur = (struct list_cursor){0, 0};
	return REACT_BODY;
}

unsigned cgscreen_move(struct app *a, long step)
{
	long visible = cgroup_view_rows(a->body_height);
	long n = a->model.cur ? (long)a->model.cur->cgroups.n : 0;

	list_cursor_move(&a->cg.cur, step, n, visible);
	return REACT_BODY;
}

unsigned cgscreen_column(struct app *a, int key, int arg)
{
	(void)key, (void)arg;
	a->ov.opts.show_cgroup = !a->ov.opts.show_cgroup;
	return REACT_REBUILD | REACT_BODY | REACT_STATUS;
}
