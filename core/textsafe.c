/* SPDX-License-Identifier: MIT */
/*
 * textsafe: the printable test and the text escape (contract in textsafe.h).
 * The escape is a pure byte -> text mapping, so it is reversible and the
 * same name always prints the same.
 */
#include "core/textsafe.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "core/xalloc.h"

size_t text_char(const char *s, bool *printable)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	*printable = false;
	if (!p[0])
		return 0;
	if (p[0] < 0x20 || p[0] == 0x7f)
		return 1;
	n = utf8_len(p);
	if (!n)
		return 1;
	/* C1 is U+0080..U+009F: 0xc2 0x80 .. 0xc2 0x9f */
	*printable = !(n == 2 && p[0] == 0xc2 && p[1] < 0xa0);
	return n;
}

/* The escape of one unprintable byte (or of '\'), NUL-terminated, in out[5]. */
static size_t escape_byte(unsigned char c, char out[5])
{
	static const char hex[] = "0123456789abcdef";

	out[0] = '\\';
	switch (c) {
	case '\\':
		out[1] = '\\';
		break;
	case '\n':
		out[1] = 'n';
		break;
	case '\r':
		out[1] = 'r';
		break;
	case '\t':
		out[1] = 't';
		break;
	default:
		out[1] = 'x';
		out[2] = hex[c >> 4];
		out[3] = hex[c & 0xf];
		out[4] = '\0';
		return 4;
	}
	out[2] = '\0';
	return 2;
}

/*
 * The next piece of s: either a printable character (returned as a pointer
 * into s, *len bytes) or one escaped byte (copied into esc). Returns the
 * bytes of s consumed, 0 at the end.
 */
static size_t next_piece(const char *s, const char *also, char esc[5], const char **piece,
			 size_t *len)
{
	bool ok;
	size_t n = text_char(s, &ok);
	unsigned char c = (unsigned char)s[0];

	if (!n)
		return 0;
	if (ok && c != '\\' && !(c < 0x80 && also && strchr(also, c))) {
		*piece = s;
		*len = n;
		return n;
	}
	*len = escape_byte(c, esc);
	*piece = esc;
	return 1; /* a C1 character's second byte is escaped on the next call */
}

size_t text_escape(char *dst, const char *s, const char *also)
{
	size_t out = 0, used, len;
	const char *piece;
	char esc[5];

	while ((used = next_piece(s, also, esc, &piece, &len)) > 0) {
		memcpy(dst + out, piece, len);
		out += len;
		s += used;
	}
	dst[out] = '\0';
	return out;
}

char *text_escape_dup(const char *s)
{
	char *d = xmalloc(TEXT_ESCAPED_MAX(strlen(s)));

	text_escape(d, s, NULL);
	return d;
}

void text_write(FILE *out, const char *s)
{
	size_t used, len;
	const char *piece;
	char esc[5];

	while ((used = next_piece(s, NULL, esc, &piece, &len)) > 0) {
		fwrite(piece, 1, len, out);
		s += used;
	}
}

/* Columns s takes escaped: a printable character is one, an escape its length. */
static size_t columns(const char *s)
{
	size_t cols = 0, used, len;
	const char *piece;
	char esc[5];

	while ((used = next_piece(s, NULL, esc, &piece, &len)) > 0) {
		cols += piece == esc ? len : 1;
		s += used;
	}
	return cols;
}

size_t text_write_cut(FILE *out, const char *s, size_t width)
{
	size_t shown = 0, used, len, room = width;
	bool cut = columns(s) > width;
	const char *piece;
	char esc[5];

	if (cut)
		room = width >= 3 ? width - 3 : 0;
	while ((used = next_piece(s, NULL, esc, &piece, &len)) > 0) {
		size_t cols = piece == esc ? len : 1;

		if (shown + cols > room)
			break;
		fwrite(piece, 1, len, out);
		shown += cols;
		s += used;
	}
	if (cut && width >= 3) {
		fputs("...", out);
		shown += 3;
	}
	return shown;
}

void text_vfprintf(FILE *out, const char *fmt, va_list ap)
{
	char small[512], *msg = small;
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n < 0) {
		va_end(again);
		return;
	}
	if ((size_t)n >= sizeof(small)) {
		/* plain malloc: fatal() comes here, and out of memory it makes do
		 * with the message cut at sizeof(small) */
		char *big = malloc((size_t)n + 1);

		if (big && vsnprintf(big, (size_t)n + 1, fmt, again) >= 0)
			msg = big;
		else
			free(big);
	}
	va_end(again);
	text_write(out, msg);
	if (msg != small)
		free(msg);
}
