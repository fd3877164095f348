/* SPDX-License-Identifier: MIT */
/*
 * keymap: every key of the console in one const table: the keys, the screens
 * where they work, the action, and the help text (the help screen is drawn
 * from this table). Actions change app state and return REACT_* flags; they
 * never draw.
 */
#include "tui/keymap.h"

#include <curses.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "views/ptable.h"

#define KEY_ESC 27
#define CTRL(c) ((c) & 0x1f)

enum { ON_OVERVIEW = 1u << UI_OVERVIEW, ON_TARGET = 1u << UI_TARGET, ON_HELP = 1u << UI_HELP };
#define ON_ALL (ON_OVERVIEW | ON_TARGET | ON_HELP)

struct binding {
	int keys[5]; /* 0-terminated */
	unsigned screens;
	unsigned (*act)(struct app *a, int key);
	const char *keys_text;
	const char *help;
};

static unsigned act_quit(struct app *a, int key)
{
	(void)a, (void)key;
	return REACT_QUIT;
}

static unsigned act_help(struct app *a, int key)
{
	(void)key;
	if (a->screen == UI_HELP) {
		a->screen = a->back;
	} else {
		a->back = a->screen;
		a->screen = UI_HELP;
	}
	return REACT_LAYOUT;
}

static unsigned act_back(struct app *a, int key)
{
	(void)key;
	if (a->screen == UI_HELP) {
		a->screen = a->back;
		return REACT_LAYOUT;
	}
	if (a->screen == UI_TARGET) {
		a->screen = UI_OVERVIEW;
		return REACT_LAYOUT;
	}
	if (a->ov.filter[0]) { /* Esc on the overview clears the filter, as in htop */
		a->ov.filter[0] = '\0';
		return REACT_REBUILD | REACT_BODY | REACT_STATUS;
	}
	return REACT_NONE;
}

static unsigned act_attach(struct app *a, int key)
{
	char err[256];
	int pid;

	(void)key;
	if (!a->ov.list.n)
		return REACT_NONE;
	pid = a->ov.list.entries[a->ov.selected].row->pid;
	if (a->cur && a->cur->target && a->cur->target->pid == pid && a->cur->target->alive) {
		a->screen = UI_TARGET;
		return REACT_LAYOUT;
	}
	if (!a->cfg.attach || a->cfg.attach(a->cfg.ctx, pid, err, sizeof(err)) < 0) {
		app_message(a, true, "cannot attach to pid %d: %s", pid,
			    a->cfg.attach ? err : "not possible here");
		return REACT_STATUS;
	}
	frame_unref(a->target_last);
	a->target_last = NULL;
	a->model.target_last = NULL;
	a->tg.top = 0;
	a->screen = UI_TARGET;
	app_message(a, false, "attached to pid %d: first figures at the next tick", pid);
	return REACT_LAYOUT;
}

static unsigned act_filter(struct app *a, int key)
{
	(void)key;
	a->ov.filtering = true;
	return REACT_STATUS;
}

static long clamp(long v, long lo, long hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static unsigned act_move(struct app *a, int key)
{
	long page = a->body_rows > 2 ? a->body_rows - 1 : 1;
	long *pos = a->screen == UI_TARGET ? &a->tg.top : &a->ov.selected;
	long last = a->screen == UI_TARGET ? (a->cur && a->cur->target
						      ? (long)a->cur->target->nthreads - 1
						      : 0)
					   : (long)a->ov.list.n - 1;

	switch (key) {
	case KEY_UP: case 'k': *pos -= 1; break;
	case KEY_DOWN: case 'j': *pos += 1; break;
	case KEY_PPAGE: *pos -= page; break;
	case KEY_NPAGE: *pos += page; break;
	case KEY_HOME: *pos = 0; break;
	case KEY_END: *pos = last; break;
	default: return REACT_NONE;
	}
	*pos = clamp(*pos, 0, last > 0 ? last : 0);
	if (a->screen == UI_OVERVIEW && a->ov.list.n)
		a->ov.selected_pid = a->ov.list.entries[a->ov.selected].row->pid;
	return REACT_BODY;
}

static void set_sort(struct app *a, enum proclist_sort s)
{
	a->ov.opts.sort = s;
	/* the busiest and biggest first; ids and names in reading order */
	a->ov.opts.descending = s == PROCLIST_SORT_CPU || s == PROCLIST_SORT_MEM;
}

static unsigned act_sort(struct app *a, int key)
{
	switch (key) {
	case 'P': set_sort(a, PROCLIST_SORT_CPU); break;
	case 'M': set_sort(a, PROCLIST_SORT_MEM); break;
	case 'N': set_sort(a, PROCLIST_SORT_PID); break;
	case 'C': set_sort(a, PROCLIST_SORT_NAME); break;
	case 'I': a->ov.opts.descending = !a->ov.opts.descending; break;
	default: set_sort(a, (a->ov.opts.sort + 1) % PROCLIST_SORT_N); break; /* F6 */
	}
	return REACT_REBUILD | REACT_BODY | REACT_STATUS;
}

static unsigned act_tree(struct app *a, int key)
{
	(void)key;
	a->ov.opts.tree = !a->ov.opts.tree;
	return REACT_REBUILD | REACT_BODY | REACT_STATUS;
}

static const struct binding bindings[] = {
	{ { 'q', KEY_F(10), 0 }, ON_ALL, act_quit, "q F10", "quit" },
	{ { 'h', '?', KEY_F(1), 0 }, ON_ALL, act_help, "h ? F1", "this help (again: back)" },
	{ { KEY_ESC, 0 }, ON_ALL, act_back, "Esc", "back; on the overview: clear the filter" },
	{ { '\r', '\n', KEY_ENTER, 0 }, ON_OVERVIEW, act_attach, "Enter",
	  "attach to the selected process and show it" },
	{ { '/', KEY_F(4), KEY_F(3), 0 }, ON_OVERVIEW, act_filter, "/ F3 F4",
	  "filter by name, command line, user or pid (Enter keeps, Esc clears)" },
	{ { KEY_UP, KEY_DOWN, 'k', 'j', 0 }, ON_OVERVIEW | ON_TARGET, act_move, "Up Down j k",
	  "move the selection (target screen: scroll threads)" },
	{ { KEY_PPAGE, KEY_NPAGE, KEY_HOME, KEY_END, 0 }, ON_OVERVIEW | ON_TARGET, act_move,
	  "PgUp PgDn Home End", "page, first, last" },
	{ { 'P', 'M', 'N', 'C', 0 }, ON_OVERVIEW, act_sort, "P M N C",
	  "sort by CPU, memory, pid, command name" },
	{ { KEY_F(6), 'I', 0 }, ON_OVERVIEW, act_sort, "F6 I", "next sort column; invert order" },
	{ { 't', KEY_F(5), 0 }, ON_OVERVIEW, act_tree, "t F5", "process tree on/off" },
};

/* Drops the last whole UTF-8 character of s. */
static void drop_last_char(char *s)
{
	size_t len = strlen(s);

	while (len > 0 && (s[len - 1] & 0xc0) == 0x80)
		len--;
	if (len > 0)
		len--;
	s[len] = '\0';
}

/* Line editing of the filter: every key goes here while it is open. */
static unsigned filter_key(struct app *a, int key, bool is_char)
{
	const unsigned changed = REACT_REBUILD | REACT_BODY | REACT_STATUS;
	size_t len = strlen(a->ov.filter);
	char mb[MB_LEN_MAX];
	int n;

	if (!is_char && key == KEY_ENTER)
		key = '\r', is_char = true;
	if ((!is_char && key == KEY_BACKSPACE) || (is_char && (key == 127 || key == CTRL('h')))) {
		drop_last_char(a->ov.filter);
		return changed;
	}
	if (!is_char)
		return REACT_NONE;
	if (key == KEY_ESC) {
		a->ov.filter[0] = '\0';
		a->ov.filtering = false;
		return changed;
	}
	if (key == '\r' || key == '\n') {
		a->ov.filtering = false;
		return REACT_STATUS;
	}
	if (!iswprint((wint_t)key) || (n = wctomb(mb, (wchar_t)key)) <= 0 ||
	    len + (size_t)n >= sizeof(a->ov.filter))
		return REACT_NONE;
	memcpy(a->ov.filter + len, mb, (size_t)n);
	a->ov.filter[len + (size_t)n] = '\0';
	a->ov.selected = 0;
	a->ov.selected_pid = 0;
	return changed;
}

unsigned keymap_dispatch(struct app *a, int key, bool is_char)
{
	if (a->ov.filtering && a->screen == UI_OVERVIEW)
		return filter_key(a, key, is_char);
	for (size_t i = 0; i < sizeof(bindings) / sizeof(bindings[0]); i++) {
		const struct binding *b = &bindings[i];

		if (!(b->screens & (1u << a->screen)))
			continue;
		for (const int *k = b->keys; *k; k++)
			if (*k == key && (is_char == (*k < KEY_MIN)))
				return b->act(a, key);
	}
	/* on the help screen any other key goes back, like less's q */
	if (a->screen == UI_HELP)
		return act_help(a, key);
	return REACT_NONE;
}

size_t keymap_help(struct help_line *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < sizeof(bindings) / sizeof(bindings[0]) && n < max; i++)
		out[n++] = (struct help_line){ bindings[i].keys_text, bindings[i].help };
	return n;
}
