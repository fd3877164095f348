/* SPDX-License-Identifier: MIT */
/*
 * prompt: see prompt.h. The line is app's (a->line, views/lineedit); this
 * file maps keys to its edits and says what each prompt does with it.
 */
#include "tui/prompt.h"

#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "core/when.h"
#include "tui/capture.h"

#define KEY_ESC 27
#define CTRL(c) ((c)&0x1f)

/* Enter on the "Jump to" prompt: parse the time and move there. */
static unsigned jump_enter(struct app *a, const char *text)
{
	struct when_ctx c = {.first_ms = a->rp.first_ms,
			     .last_ms = a->rp.last_ms,
			     .plus_ref_ms = a->rp.cursor_ms,
			     .minus_ref_ms = a->rp.cursor_ms};
	char why[128];
	int64_t t;

	if (!text[0]) /* no default time: an empty jump goes nowhere */
		return REACT_STATUS;
	if (when_parse(text, &c, &t, why, sizeof(why)) < 0) {
		app_message(a, true, "cannot jump to '%s': %s", text, why);
		return REACT_STATUS;
	}
	if (t < a->rp.first_ms || t > a->rp.last_ms)
		app_message(a, false, "'%s' is outside the recording: showing its %s",
			    text, t < a->rp.first_ms ? "start" : "end");
	return app_replay_moved(a, replay_jump(&a->rp, t));
}

/* Enter on the "Profile" prompt: empty takes the defaults the hint shows. */
static unsigned profile_enter(struct app *a, const char *text)
{
	return capture_start(a, text[0] ? text : NULL);
}

/* Enter on M's question: a live capture traps every allocator call (it
 * cannot be duty-cycled: it must see every free), so it starts on y only. */
static unsigned live_enter(struct app *a, const char *text)
{
	if (text[0] == 'y' || text[0] == 'Y')
		return capture_start(a, "live");
	app_message(a, false, "no live capture");
	return REACT_STATUS;
}

/* Enter on the filter: it is in force already (typing applied it). */
static unsigned filter_enter(struct app *a, const char *text)
{
	(void)a, (void)text;
	return REACT_STATUS;
}

struct prompt_def {
	const char *label;
	const char *hint; /* dim in the empty line */
	unsigned (*enter)(struct app *a, const char *text);
};

static const struct prompt_def prompts[] = {
	[PROMPT_FILTER] = {"Filter: ", "process name, command line, user or pid",
			   filter_enter},
	[PROMPT_JUMP] = {"Jump to: ", "e.g. 03:12, 03:12:30, -5m, +30s, start, end",
			 jump_enter},
	/* the hint is what the profile hook does with no spec */
	[PROMPT_PROFILE] = {"Profile (DURATION [HZ] [cpu|wall]): ", "5s 99 cpu",
			    profile_enter},
	[PROMPT_LIVE] = {"5s of traps on every malloc/free (busy allocators 100x "
			 "slower). Start? ",
			 "y Enter", live_enter},
};

/* The keys that edit the line; is_char as keymap_dispatch. */
static const struct {
	int key;
	bool is_char;
	enum line_edit_op op;
} edit_keys[] = {
	{KEY_LEFT, false, LINE_EDIT_LEFT},
	{CTRL('b'), true, LINE_EDIT_LEFT},
	{KEY_RIGHT, false, LINE_EDIT_RIGHT},
	{CTRL('f'), true, LINE_EDIT_RIGHT},
	{KEY_HOME, false, LINE_EDIT_HOME},
	{CTRL('a'), true, LINE_EDIT_HOME},
	{KEY_END, false, LINE_EDIT_END},
	{CTRL('e'), true, LINE_EDIT_END},
	{KEY_BACKSPACE, false, LINE_EDIT_BACKSPACE},
	{127, true, LINE_EDIT_BACKSPACE},
	{CTRL('h'), true, LINE_EDIT_BACKSPACE},
	{KEY_DC, false, LINE_EDIT_DELETE},
	{CTRL('d'), true, LINE_EDIT_DELETE},
	{CTRL('u'), true, LINE_EDIT_KILL_START},
	{CTRL('k'), true, LINE_EDIT_KILL_END},
	{CTRL('w'), true, LINE_EDIT_KILL_WORD},
};

unsigned prompt_open(struct app *a, enum prompt_kind kind)
{
	a->prompt = kind;
	line_edit_set(&a->line, kind == PROMPT_FILTER ? a->ov.filter : NULL);
	if (kind == PROMPT_FILTER)
		snprintf(a->filter_before, sizeof(a->filter_before), "%s", a->ov.filter);
	return REACT_STATUS;
}

/* The filter follows the line as it is typed. */
static unsigned set_filter(struct app *a, const char *text)
{
	snprintf(a->ov.filter, sizeof(a->ov.filter), "%s", text);
	return REACT_REBUILD | REACT_BODY | REACT_STATUS;
}

/* The line changed (grew: a character was typed). */
static unsigned edited(struct app *a, bool grew)
{
	if (a->prompt != PROMPT_FILTER)
		return REACT_STATUS;
	if (grew) { /* a narrower list starts from its top */
		a->ov.cur = (struct list_cursor){0, 0};
		a->ov.selected_pid = 0;
	}
	return set_filter(a, a->line.text);
}

unsigned prompt_key(struct app *a, int key, bool is_char)
{
	enum prompt_kind kind = a->prompt;
	char mb[MB_LEN_MAX];
	int n;

	if (!is_char && key == KEY_ENTER)
		key = '\r', is_char = true;
	for (size_t i = 0; i < sizeof(edit_keys) / sizeof(edit_keys[0]); i++)
		if (edit_keys[i].key == key && edit_keys[i].is_char == is_char)
			return line_edit_apply(&a->line, edit_keys[i].op)
				       ? edited(a, false)
				       : REACT_NONE;
	if (!is_char)
		return REACT_NONE;
	if (key == KEY_ESC) {
		a->prompt = PROMPT_NONE;
		return kind == PROMPT_FILTER ? set_filter(a, a->filter_before)
					     : REACT_STATUS;
	}
	if (key == '\r' || key == '\n') {
		a->prompt = PROMPT_NONE;
		return prompts[kind].enter(a, a->line.text) | REACT_STATUS;
	}
	if (!iswprint((wint_t)key) || (n = wctomb(mb, (wchar_t)key)) <= 0 ||
	    !line_edit_insert(&a->line, mb, (size_t)n))
		return REACT_NONE;
	return edited(a, true);
}

void prompt_show(struct app *a)
{
	bool open = a->prompt != PROMPT_NONE;

	if (a->act.stage == ACT_CONFIRM) { /* "send SIGTERM to 1234 x? y/N " */
		a->model.prompt_label = a->act.question;
		a->model.prompt_hint = NULL;
		a->model.prompt_line = NULL;
		return;
	}
	a->model.prompt_label = open ? prompts[a->prompt].label : NULL;
	a->model.prompt_hint = open ? prompts[a->prompt].hint : NULL;
	a->model.prompt_line = open ? &a->line : NULL;
}
