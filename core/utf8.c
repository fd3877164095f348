/* SPDX-License-Identifier: MIT */
/*
 * utf8: sequence validation after RFC 3629: the lead byte gives the length,
 * and the first continuation byte's range after E0, ED, F0 and F4 rules out
 * overlong forms, UTF-16 surrogates and code points above U+10FFFF.
 */
#include "core/utf8.h"

size_t utf8_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf; /* range of the first continuation */
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0; /* below: an overlong 3-byte form */
	else if (s[0] == 0xed)
		hi = 0x9f; /* above: a surrogate, U+D800..U+DFFF */
	else if (s[0] == 0xf0)
		lo = 0x90; /* below: an overlong 4-byte form */
	else if (s[0] == 0xf4)
		hi = 0x8f; /* above: beyond U+10FFFF */
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}
