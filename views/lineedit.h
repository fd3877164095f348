/* SPDX-License-Identifier: MIT */
/*
 * lineedit: the text of a prompt, its cursor, and the readline edits on
 * them. Every prompt of the console (filter, jump to a time, profile) keeps
 * its line in one of these: tui/prompt maps the keys to line_edit_*, and
 * views/bars draws the line from line_edit_view_start on. Like
 * views/listcursor it is pure logic: no curses, no allocation, no locale
 * state of its own (display widths are libc's wcwidth under the current
 * locale, as put_text draws them).
 *
 * Invariant: text is NUL-terminated, len = strlen(text) < LINE_EDIT_MAX, and
 * 0 <= cursor <= len sits on a character boundary: never inside a UTF-8
 * sequence. Every function keeps it; moves and deletions go by whole
 * characters (an invalid byte counts as one character).
 */
#ifndef VIGIL_VIEWS_LINEEDIT_H
#define VIGIL_VIEWS_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>

#define LINE_EDIT_MAX 128 /* bytes, with the NUL */

struct line_edit {
	char text[LINE_EDIT_MAX];
	size_t len;    /* bytes of text */
	size_t cursor; /* byte offset: the next character inserts here */
};

/* The edits, named after readline's commands; tui/prompt says which keys. */
enum line_edit_op {
	LINE_EDIT_LEFT,	      /* one character back (Left, Ctrl-B) */
	LINE_EDIT_RIGHT,      /* one character forward (Right, Ctrl-F) */
	LINE_EDIT_HOME,	      /* to the start (Home, Ctrl-A) */
	LINE_EDIT_END,	      /* to the end (End, Ctrl-E) */
	LINE_EDIT_BACKSPACE,  /* delete the character before the cursor */
	LINE_EDIT_DELETE,     /* delete the character under the cursor (Delete, Ctrl-D) */
	LINE_EDIT_KILL_START, /* delete from the start to the cursor (Ctrl-U) */
	LINE_EDIT_KILL_END,   /* delete from the cursor to the end (Ctrl-K) */
	/* delete back over blanks, then over the word before them, to the
	 * previous blank (Ctrl-W, readline's unix-word-rubout) */
	LINE_EDIT_KILL_WORD,
};

/* Sets the line to text (NULL: empty), cut at the last whole character
 * that fits, with the cursor at its end. */
void line_edit_set(struct line_edit *e, const char *text);

/*
 * Inserts the n bytes at s (whole UTF-8 characters) at the cursor and moves
 * the cursor past them. Returns false, the line unchanged, when they do not
 * fit (or n is 0).
 */
bool line_edit_insert(struct line_edit *e, const char *s, size_t n);

/* Applies op. Returns true when the text or the cursor changed. */
bool line_edit_apply(struct line_edit *e, enum line_edit_op op);

/*
 * Where to start drawing the line in a field cols columns wide so that the
 * cursor, and a cell for it at the end, are in view: 0 while everything up
 * to the cursor fits, else the first character boundary from which it
 * does (the cursor then sits on the field's last column). A byte offset
 * into text.
 */
size_t line_edit_view_start(const struct line_edit *e, int cols);

/* Columns the bytes [from, to) of text take on screen (put_text's count:
 * wide characters two, each unprintable character one). */
int line_edit_width(const struct line_edit *e, size_t from, size_t to);

#endif
