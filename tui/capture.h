/* SPDX-License-Identifier: MIT */
/*
 * capture: CPU profiles in the console. Live: `p` on the target screen starts
 * a capture of the target through the profile hooks cmd/ gives the console
 * (5 s at 99 Hz by default, `P` asks), the status line shows its progress,
 * Esc cancels and keeps what was taken, and the result opens in the profile
 * screen (the model's profile) and is stored in the session. Replay: `p` lists the
 * session's profiles and Enter opens one.
 *
 * The profiler runs on a thread cmd/ started; this polls it through the
 * hooks from the main loop, so nothing here blocks on it except the final
 * finish. The keys of the profile screens are in tui/keymap's table.
 */
#ifndef VIGIL_TUI_CAPTURE_H
#define VIGIL_TUI_CAPTURE_H

#include <stdbool.h>

#include "tui/app.h"

/* Starts a capture of the target: "5s 99 cpu"-like spec (all optional). */
unsigned capture_start(struct app *a, const char *spec);
/* Each loop iteration: progress, and the result once done. Reaction flags. */
unsigned capture_poll(struct app *a);
/* True while a capture runs (Esc then cancels it). */
bool capture_running(const struct app *a);
unsigned capture_cancel(struct app *a);
/* Stops a running capture; the profiles shown are the model's (released
 * with it). */
void capture_release(struct app *a);

/* Replay: the session's profiles; Enter opens the selected one. */
unsigned capture_open_list(struct app *a);
unsigned capture_open_selected(struct app *a);

/* An action of the profile screen (keymap's table says which key). */
unsigned capture_act(struct app *a, enum profile_action act);
/* Up/Down/PgUp/PgDn/Home/End on the list of profiles: delta rows. */
unsigned capture_list_move(struct app *a, long delta);
/* Esc on the list of profiles. */
unsigned capture_list_back(struct app *a);

#endif
