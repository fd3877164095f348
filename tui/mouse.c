/* SPDX-License-Identifier: MIT */
/*
 * mouse: clicks and the wheel, turned into the same state changes as keys.
 * Where a key already does the job (Enter, I, the arrows) the key is
 * dispatched, so a click and its key can never come to differ.
 */
#include "tui/mouse.h"

#include <curses.h>

#include "tui/keymap.h"
#include "views/ptable.h"

static unsigned click_header(struct app *a, int x)
{
	int s = ptable_sort_at(x);

	if (s < 0) {
		app_message(
			a, false, "%s",
			"sorts by PID, CPU%, MEM%, RSS or COMMAND: click one of those");
		return REACT_STATUS;
	}
	if ((enum proclist_sort)s == a->ov.opts.sort)
		return keymap_dispatch(a, 'I', true); /* again: the other way round */
	a->ov.opts.sort = (enum proclist_sort)s;
	a->ov.opts.descending = proclist_sort_descending(a->ov.opts.sort);
	return REACT_REBUILD | REACT_BODY | REACT_STATUS;
}

unsigned mouse_click_body(struct app *a, int y, int x)
{
	long row;

	if (a->screen != UI_OVERVIEW)
		return REACT_NONE;
	if (y == 0)
		return click_header(a, x);
	row = ptable_row_at(&a->ov, a->body_height, y);
	if (row < 0)
		return REACT_NONE;
	if (row == a->ov.cur.sel)
		return keymap_dispatch(a, '\r', true);
	a->ov.cur.sel = row; /* on screen, so it stays in view */
	a->ov.selected_pid = a->ov.list.entries[row].row->pid;
	return REACT_BODY;
}

unsigned mouse_wheel(struct app *a, bool up)
{
	unsigned r = REACT_NONE;

	if (a->screen == UI_HELP) /* any key leaves help: the wheel should not */
		return REACT_NONE;
	for (int i = 0; i < MOUSE_WHEEL_ROWS; i++)
		r |= keymap_dispatch(a, up ? KEY_UP : KEY_DOWN, false);
	return r;
}
