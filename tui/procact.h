/* SPDX-License-Identifier: MIT */
/*
 * procact: the console's actions on a process, htop's: k/F9 a signal (menu,
 * then a y/N question naming pid and name), F7/F8 renice by one (the same
 * question), s strace and l/L lsof with the terminal lent to them. The
 * process is the selected row of the process table, or the target on the
 * target screen. Signals and renice go through core/proc_action, which
 * checks the pid still is the process shown; every action done is handed to
 * cfg.record_action for the session. Replay does none of them.
 */
#ifndef VIGIL_TUI_PROCACT_H
#define VIGIL_TUI_PROCACT_H

#include <stdbool.h>

#include "tui/app.h"

/* k, F9: opens the signal menu. REACT_* flags. */
unsigned procact_signal_menu(struct app *a);
/* F7 (delta -1), F8 (+1): asks whether to renice. */
unsigned procact_renice(struct app *a, int delta);
/* s, l, L: runs "tool -p PID" (strace, lsof) in the terminal. */
unsigned procact_inspect(struct app *a, const char *tool);
/* While a->act.stage is not ACT_NONE, every key comes here. */
unsigned procact_key(struct app *a, int key, bool is_char);

#endif
