/* SPDX-License-Identifier: MIT */
/*
 * lineedit: see lineedit.h. Character boundaries are core/textsafe's
 * (text_char), the same steps put_text draws by, so the cursor never
 * lands inside a character the screen shows as one cell.
 */
#include "views/lineedit.h"

#include <string.h>
#include <wchar.h>

#include "core/textsafe.h"

/* The offset of the character after the one at i (i < len). */
static size_t next_char(const struct line_edit *e, size_t i)
{
	bool printable;
	size_t n = text_char(e->text + i, &printable);

	return i + (n ? n : 1);
}

/* The offset of the character before i (i > 0): the last boundary below i. */
static size_t prev_char(const struct line_edit *e, size_t i)
{
	size_t at = 0, last = 0;

	while (at < i) {
		last = at;
		at = next_char(e, at);
	}
	return last;
}

/* Columns of the one character at i: what put_text draws for it. */
static int char_width(const struct line_edit *e, size_t i)
{
	bool printable;
	size_t n = text_char(e->text + i, &printable);
	mbstate_t st;
	wchar_t wc;
	int w;

	if (!printable)
		return 1;
	memset(&st, 0, sizeof(st));
	if (mbrtowc(&wc, e->text + i, n, &st) != n || (w = wcwidth(wc)) < 0)
		return 1;
	return w;
}

int line_edit_width(const struct line_edit *e, size_t from, size_t to)
{
	int w = 0;

	for (size_t i = from; i < to && i < e->len; i = next_char(e, i))
		w += char_width(e, i);
	return w;
}

void line_edit_set(struct line_edit *e, const char *text)
{
	size_t n = 0;

	memset(e, 0, sizeof(*e));
	/* whole characters of text while they fit (a NUL ends text_char) */
	while (text && text[n]) {
		bool printable;
		size_t k = text_char(text + n, &printable);

		if (n + k >= LINE_EDIT_MAX)
			break;
		n += k;
	}
	if (n)
		memcpy(e->text, text, n);
	e->text[n] = '\0';
	e->len = e->cursor = n;
}

bool line_edit_insert(struct line_edit *e, const char *s, size_t n)
{
	if (!n || e->len + n >= LINE_EDIT_MAX)
		return false;
	memmove(e->text + e->cursor + n, e->text + e->cursor, e->len - e->cursor + 1);
	memcpy(e->text + e->cursor, s, n);
	e->len += n;
	e->cursor += n;
	return true;
}

/* Deletes [from, to) and leaves the cursor at from. */
static bool cut(struct line_edit *e, size_t from, size_t to)
{
	if (from >= to)
		return false;
	memmove(e->text + from, e->text + to, e->len - to + 1);
	e->len -= to - from;
	e->cursor = from;
	return true;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The start of the word before the cursor, blanks after it included. */
static size_t word_start(const struct line_edit *e)
{
	size_t i = e->cursor;

	while (i > 0 && blank(e->text[i - 1]))
		i--;
	while (i > 0 && !blank(e->text[i - 1]))
		i--;
	return i; /* a blank is one byte: i is a boundary */
}

bool line_edit_apply(struct line_edit *e, enum line_edit_op op)
{
	size_t before = e->cursor;

	switch (op) {
	case LINE_EDIT_LEFT:
		if (e->cursor > 0)
			e->cursor = prev_char(e, e->cursor);
		break;
	case LINE_EDIT_RIGHT:
		if (e->cursor < e->len)
			e->cursor = next_char(e, e->cursor);
		break;
	case LINE_EDIT_HOME:
		e->cursor = 0;
		break;
	case LINE_EDIT_END:
		e->cursor = e->len;
		break;
	case LINE_EDIT_BACKSPACE:
		return e->cursor > 0 && cut(e, prev_char(e, e->cursor), e->cursor);
	case LINE_EDIT_DELETE:
		return e->cursor < e->len && cut(e, e->cursor, next_char(e, e->cursor));
	case LINE_EDIT_KILL_START:
		return cut(e, 0, e->cursor);
	case LINE_EDIT_KILL_END:
		return cut(e, e->cursor, e->len);
	case LINE_EDIT_KILL_WORD:
		return cut(e, word_start(e), e->cursor);
	}
	return e->cursor != before;
}

size_t line_edit_view_start(const struct line_edit *e, int cols)
{
	/* the cursor's own cell: the character under it, or one at the end */
	int need = e->cursor < e->len ? char_width(e, e->cursor) : 1;
	size_t start = 0;

	if (cols < 1)
		return e->cursor;
	while (start < e->cursor && line_edit_width(e, start, e->cursor) + need > cols)
		start = next_char(e, start);
	return start;
}
