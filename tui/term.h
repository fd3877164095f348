/* SPDX-License-Identifier: MIT */
/*
 * term: the terminal's lifetime and the signals that reach the main loop.
 *
 * term_start puts the terminal into curses mode (alternate screen, no echo,
 * cbreak, keypad, no cursor) and registers term_stop with fatal(), so the
 * terminal is restored however vigil ends. Signal handlers only set flags and
 * write one byte to the wake pipe; the loop polls that pipe with stdin.
 */
#ifndef VIGIL_TUI_TERM_H
#define VIGIL_TUI_TERM_H

#include <stdbool.h>

enum term_event {
	TERM_EV_QUIT = 1u << 0,	 /* SIGINT, SIGTERM, SIGHUP */
	TERM_EV_CHILD = 1u << 1, /* SIGCHLD */
	TERM_EV_WAKE = 1u << 2,	 /* term_wake(): a new frame */
};

/* True when the locale's charset is UTF-8 (call after setlocale). */
bool term_locale_utf8(void);
/* Enters curses mode; color is used only if the terminal has colours. */
void term_start(bool color);
/*
 * Asks the terminal for mouse clicks (button 1 released) and the wheel, or
 * stops asking (the terminal selects text again). The xterm protocol, which
 * tmux, screen and SSH carry; curses decodes it into KEY_MOUSE.
 */
void term_mouse(bool on);
/* Leaves curses mode; safe to call twice and from fatal(). */
void term_stop(void);
/* The wake pipe's read end, for poll(). */
int term_wake_fd(void);
/* Async-signal-safe and thread-safe: wakes the loop. */
void term_wake(void);
/* Drains the wake pipe; returns the TERM_EV_* bits seen since the last call. */
unsigned term_take_events(void);

#endif
