/* SPDX-License-Identifier: MIT */
/*
 * profdiff_screen: the console of `vigil diff --format console`: one screen,
 * the differential flame graph and its Top table (views/profdiff_view), with
 * its own small loop. Keys come from one const table here (the view's key
 * row names them); q, F10, SIGINT, SIGTERM and SIGHUP quit. Main thread only; nothing is
 * drawn from a signal handler (tui/term's wake pipe).
 */
#ifndef VIGIL_TUI_PROFDIFF_SCREEN_H
#define VIGIL_TUI_PROFDIFF_SCREEN_H

#include <stdbool.h>

#include "analysis/profdiff.h"

/*
 * Shows d until the user quits. ascii: ASCII only (the caller resolved
 * --ascii and the locale); color: colours (resolved --no-color, NO_COLOR).
 * Re-ranks d->fns when the user changes the ranking. The terminal is put
 * back before it returns (and by fatal()). Returns 0.
 */
int profdiff_screen_run(struct profdiff *d, bool ascii, bool color);

#endif
