/* SPDX-License-Identifier: MIT */
/*
 * duration: the command line's way of writing time spans.
 *
 * Grammar: one or more <digits>[.<digits>]<unit> groups, unit one of ms, s, m,
 * h (e.g. "250ms", "5s", "1m30s", "1.5h"). A bare number means seconds, as in
 * top -d. Results are whole milliseconds; zero, negative, overflowing or
 * trailing-garbage input is rejected.
 */
#ifndef VIGIL_CORE_DURATION_H
#define VIGIL_CORE_DURATION_H

#include <stddef.h>
#include <stdint.h>

/* Parses s into *ms. Returns 0, or -1 with a reason ("unknown unit 'x'") in why. */
int duration_parse(const char *s, int64_t *ms, char *why, size_t whylen);
/* Formats ms as the shortest exact form ("250ms", "5s", "1m30s") into buf. */
const char *duration_format(int64_t ms, char *buf, size_t len);

#endif
