/* SPDX-License-Identifier: MIT */
/*
 * timekeys: the console's keys of time, as actions of tui/keymap.c's table:
 * the jump prompt (j), live `b` into the daemon's history, stepping and
 * playing a replay (t T Home End Space [ ]) and the graphs' zoom (+ -).
 * Like every action they change app state and return REACT_* flags; they
 * never draw.
 */
#ifndef VIGIL_TUI_TIMEKEYS_H
#define VIGIL_TUI_TIMEKEYS_H

#include "tui/app.h"

/* The jump prompt: a time to go to. */
unsigned timekeys_jump(struct app *a, int key, int arg);

/* Live `b`: into the daemon's history, then the jump prompt. */
unsigned timekeys_past(struct app *a, int key, int arg);

/* Replay's cursor: t T Home g End G (End leaves the daemon's history for
 * the present), Space plays or pauses, [ ] change the speed. */
unsigned timekeys_time(struct app *a, int key, int arg);

/* + = zoom the graphs in, - out, within app_zoom_levels(). */
unsigned timekeys_zoom(struct app *a, int key, int arg);

#endif
