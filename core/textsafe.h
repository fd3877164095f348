/* SPDX-License-Identifier: MIT */
/*
 * textsafe: what of a name may reach a terminal as it is. Process names,
 * command lines, mapping paths, StatsD metric names and function names are
 * bytes chosen by someone else; printed raw, "\x1b]0;...\x07" retitles the
 * operator's terminal and "\n" forges a line.
 *
 * One decision (text_char) says which characters are printable: valid UTF-8
 * (RFC 3629, no overlong forms or surrogates) that is not a control
 * character: not C0 (U+0000..U+001F, tab and newline included), not DEL
 * (U+007F), not C1 (U+0080..U+009F). Everything else is unprintable: the
 * control character, or each byte that does not start a valid sequence.
 *
 * Two ways to show the unprintable, one per kind of output:
 * - text (report, profile tables, folded stacks, error messages): escaped,
 *   reversibly: '\' becomes "\\", newline, CR and tab "\n" "\r" "\t", and
 *   every other unprintable byte "\xHH" (lower-case hex). A C1 character
 *   encoded in UTF-8 shows its two bytes: U+009B is "\xc2\x9b".
 * - the console (views/draw.c put_text): one '?' per unprintable character,
 *   so a name keeps its width in narrow columns.
 */
#ifndef VIGIL_CORE_TEXTSAFE_H
#define VIGIL_CORE_TEXTSAFE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The longest escaped form of n bytes, with its NUL: every byte as "\xHH". */
#define TEXT_ESCAPED_MAX(n) (4 * (n) + 1)

/*
 * Classifies the character at s: returns its length in bytes (0 only at the
 * terminating NUL) and sets *printable. An unprintable valid character (C1)
 * has its UTF-8 length; an invalid byte has length 1.
 */
size_t text_char(const char *s, bool *printable);

/*
 * Writes s escaped (see above) into dst, which holds at least
 * TEXT_ESCAPED_MAX(strlen(s)) bytes, NUL-terminated. Bytes listed in also
 * (ASCII, may be NULL) are escaped as "\xHH" too: ';' for folded stacks.
 * Returns the length written.
 */
size_t text_escape(char *dst, const char *s, const char *also);

/* s escaped, in a new string the caller frees. */
char *text_escape_dup(const char *s);

/* Writes s escaped to out. */
void text_write(FILE *out, const char *s);

/*
 * Writes s escaped to out in at most width columns (a printable character
 * is one column, an escape its length; an escape is never split). When s
 * does not fit, what fits in width - 3 is followed by "...". Returns the
 * columns written.
 */
size_t text_write_cut(FILE *out, const char *s, size_t width);

/* Formats like vfprintf, then writes the whole message escaped. */
void text_vfprintf(FILE *out, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#endif
