/* SPDX-License-Identifier: MIT */
/*
 * utf8: the one UTF-8 check everyone who prints names from /proc needs
 * (command lines are arbitrary bytes).
 */
#ifndef VIGIL_CORE_UTF8_H
#define VIGIL_CORE_UTF8_H

#include <stddef.h>

/*
 * Length of the valid UTF-8 sequence starting at s (1 for ASCII, 2-4 for a
 * well-formed multi-byte character), or 0 for an invalid, truncated or
 * overlong one, a surrogate or a code point above U+10FFFF. Stops at a NUL,
 * never reads past it. Says nothing about printability: core/textsafe does.
 */
size_t utf8_len(const unsigned char *s);

#endif
