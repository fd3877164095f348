/* SPDX-License-Identifier: MIT */
/*
 * json: the primitives the report and export writers need. Strings are
 * escaped per RFC 8259 (control characters, DEL and C1 as \u00XX, so the
 * file is also safe to cat to a terminal; each byte that is not valid UTF-8,
 * overlong forms and surrogates included, is replaced by U+FFFD so the output
 * always parses); non-finite numbers become null.
 */
#ifndef VIGIL_CORE_JSON_H
#define VIGIL_CORE_JSON_H

#include <stdio.h>

void json_string(FILE *out, const char *s);
/* Writes v with up to `decimals` decimals, or null when v is NaN or infinite. */
void json_number(FILE *out, double v, int decimals);
/* "key": v, as json_string and json_number write them. */
void json_key_number(FILE *out, const char *key, double v, int decimals);

#endif
