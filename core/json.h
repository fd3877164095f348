/* SPDX-License-Identifier: MIT */
/*
 * json: the primitives the report and export writers need. Strings are
 * escaped per RFC 8259 (control characters as \u00XX; invalid UTF-8 bytes are
 * replaced by U+FFFD so the output always parses); non-finite numbers become
 * null.
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
