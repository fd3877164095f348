/* SPDX-License-Identifier: MIT */
/*
 * profdiff_screen: see profdiff_screen.h. One draw per loop iteration, after
 * every key read so far has been applied; poll() sleeps on the terminal and
 * the wake pipe (signals), so an idle screen costs nothing.
 */
#include "tui/profdiff_screen.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <string.h>

#include "core/xalloc.h"
#include "tui/term.h"
#include "views/profdiff_view.h"

#define KEY_QUIT (-2)

/* clang-format off */
static const struct binding {
	int key;
	int action; /* enum profdiff_action, or KEY_QUIT */
} bindings[] = {
	{'q', KEY_QUIT}, {'Q', KEY_QUIT}, {KEY_F(10), KEY_QUIT},
	{KEY_UP, PROFDIFF_ACT_UP}, {'k', PROFDIFF_ACT_UP},
	{KEY_DOWN, PROFDIFF_ACT_DOWN}, {'j', PROFDIFF_ACT_DOWN},
	{KEY_LEFT, PROFDIFF_ACT_LEFT}, {'h', PROFDIFF_ACT_LEFT},
	{KEY_RIGHT, PROFDIFF_ACT_RIGHT}, {'l', PROFDIFF_ACT_RIGHT},
	{KEY_PPAGE, PROFDIFF_ACT_PAGE_UP}, {KEY_NPAGE, PROFDIFF_ACT_PAGE_DOWN},
	{KEY_HOME, PROFDIFF_ACT_HOME},
	{'\r', PROFDIFF_ACT_ENTER}, {'\n', PROFDIFF_ACT_ENTER},
	{KEY_ENTER, PROFDIFF_ACT_ENTER},
	{KEY_BACKSPACE, PROFDIFF_ACT_ZOOM_UP}, {127, PROFDIFF_ACT_ZOOM_UP},
	{8, PROFDIFF_ACT_ZOOM_UP},
	{27, PROFDIFF_ACT_BACK},
	{'t', PROFDIFF_ACT_TOGGLE_TOP}, {'\t', PROFDIFF_ACT_TOGGLE_TOP},
	{'w', PROFDIFF_ACT_TOGGLE_WIDTHS},
	{'s', PROFDIFF_ACT_RANK_NEXT},
};
/* clang-format on */

/* The binding of key, or NULL. */
static const struct binding *lookup(int key)
{
	for (size_t i = 0; i < sizeof(bindings) / sizeof(bindings[0]); i++) {
		if (bindings[i].key == key)
			return &bindings[i];
	}
	return NULL;
}

/* Applies every key waiting; false once one quits. *dirty is set when the
 * screen must be drawn again. */
static bool read_keys(struct profdiff *d, struct profdiff_view_state *st, bool *dirty)
{
	int key;

	while ((key = getch()) != ERR) {
		const struct binding *b;
		enum profdiff_rank rank = st->rank;

		if (key == KEY_RESIZE) {
			*dirty = true;
			continue;
		}
		b = lookup(key);
		if (!b)
			continue;
		if (b->action == KEY_QUIT)
			return false;
		if (profdiff_view_act(st, d, (enum profdiff_action)b->action, LINES))
			*dirty = true;
		if (st->rank != rank)
			profdiff_rank(d, st->rank);
	}
	return true;
}

int profdiff_screen_run(struct profdiff *d, bool ascii, bool color)
{
	struct profdiff_view_state st;
	struct pollfd fds[2];
	bool running = true, dirty = true;

	profdiff_view_state_init(&st);
	profdiff_rank(d, st.rank);
	term_start(color);
	color = color && has_colors();
	fds[0] = (struct pollfd){.fd = 0, .events = POLLIN};
	fds[1] = (struct pollfd){.fd = term_wake_fd(), .events = POLLIN};
	while (running) {
		if (dirty) {
			profdiff_view_draw(stdscr, d, &st, ascii, color);
			wnoutrefresh(stdscr);
			doupdate();
			dirty = false;
		}
		if (poll(fds, 2, -1) < 0 && errno != EINTR)
			fatal("poll failed: %s", strerror(errno));
		if (term_take_events() & TERM_EV_QUIT)
			break;
		running = read_keys(d, &st, &dirty);
	}
	term_stop();
	profdiff_view_state_release(&st);
	return 0;
}
