/* SPDX-License-Identifier: MIT */
/*
 * mouse: what a click or the wheel does on each screen, as app state
 * changes with REACT_* flags (like tui/keymap's actions; nothing here
 * draws). The loop finds which window an event fell in and passes window
 * coordinates; a click on the F-key bar is a key press and goes to the
 * keymap directly.
 *
 * On the overview: a click on a column header sorts by it (again: the
 * other way round); a click on a row selects it, and a click on the
 * selected row opens it like Enter, so a double click on any row opens it
 * however far apart its two clicks arrive. The wheel moves the selection
 * (or scrolls) three rows on every screen with a list.
 */
#ifndef VIGIL_TUI_MOUSE_H
#define VIGIL_TUI_MOUSE_H

#include "tui/app.h"

/* Rows one wheel notch moves. */
#define MOUSE_WHEEL_ROWS 3

/* A click at (y, x) of the main panel's window. */
unsigned mouse_click_body(struct app *a, int y, int x);
/* The wheel: up (toward the top of the list) or down. */
unsigned mouse_wheel(struct app *a, bool up);

#endif
