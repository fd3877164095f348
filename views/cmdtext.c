/* SPDX-License-Identifier: MIT */
/*
 * cmdtext: COMMAND column text. Words are split at spaces only (the command
 * line has its arguments joined by spaces), runs of spaces are kept, and a
 * word is shortened only to what follows its last '/', so the result is
 * never longer than the input.
 */
#include "views/cmdtext.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Appends n bytes of s to buf[*at], keeping room for the NUL. */
static void put(char *buf, size_t len, size_t *at, const char *s, size_t n)
{
	if (*at + 1 >= len)
		return;
	if (n > len - 1 - *at)
		n = len - 1 - *at;
	memcpy(buf + *at, s, n);
	*at += n;
}

static bool starts(const char *s, size_t n, const char *prefix)
{
	size_t p = strlen(prefix);

	return n >= p && !memcmp(s, prefix, p);
}

/* Where the kept part of a path [s, s + n) starts: after its last '/'. */
static const char *base_of(const char *s, size_t n)
{
	const char *slash = NULL;

	for (size_t i = 0; i < n; i++)
		if (s[i] == '/')
			slash = s + i;
	/* "dir/" names a directory: it has no shorter name */
	return slash && slash + 1 < s + n ? slash + 1 : s;
}

/* Whether an argument [s, s + n) reads as a path whose directory can go. */
static bool is_path(const char *s, size_t n)
{
	if (!starts(s, n, "/") && !starts(s, n, "./") && !starts(s, n, "../") &&
	    !starts(s, n, "~/"))
		return false;
	return !memchr(s, ':', n); /* a class path, a URL: every part counts */
}

/* One argument [s, s + n), shortened if it is a path (or --opt=path). */
static void put_arg(char *buf, size_t len, size_t *at, const char *s, size_t n)
{
	const char *eq = s[0] == '-' ? memchr(s, '=', n) : NULL;
	const char *v = eq ? eq + 1 : s;
	size_t vn = n - (size_t)(v - s);
	const char *b;

	if (!is_path(v, vn)) {
		put(buf, len, at, s, n);
		return;
	}
	b = base_of(v, vn);
	put(buf, len, at, s, (size_t)(v - s));
	put(buf, len, at, b, vn - (size_t)(b - v));
}

char *cmdtext_names(const char *s, char *buf, size_t len)
{
	size_t at = 0;
	bool first = true;

	if (!len)
		return buf;
	while (*s) {
		size_t n = strcspn(s, " ");

		if (!n) { /* a space: kept as it is */
			put(buf, len, &at, s, 1);
			s++;
			continue;
		}
		if (first) { /* the program: its name without its directory */
			const char *b = base_of(s, n);

			put(buf, len, &at, b, n - (size_t)(b - s));
			first = false;
		} else {
			put_arg(buf, len, &at, s, n);
		}
		s += n;
	}
	buf[at] = '\0';
	return buf;
}

const char *cmdtext_of(const struct proc_row *r, enum cmdtext_mode mode, char *buf,
		       size_t len)
{
	if (!r->cmdline || !r->cmdline[0]) { /* kernel threads, as ps shows them */
		if (len)
			snprintf(buf, len, "[%.*s]", (int)sizeof(r->comm), r->comm);
		return buf;
	}
	if (mode == CMDTEXT_FULL)
		return r->cmdline;
	return cmdtext_names(r->cmdline, buf, len);
}
