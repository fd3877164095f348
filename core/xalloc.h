/* SPDX-License-Identifier: MIT */
/*
 * xalloc: allocation that cannot fail, and fatal() for the unrecoverable.
 *
 * Out of memory is the one error vigil does not try to survive: every x*()
 * function either returns usable memory or calls fatal(), which runs the
 * registered cleanup hook (the TUI restores the terminal there) and exits 1.
 */
#ifndef VIGIL_CORE_XALLOC_H
#define VIGIL_CORE_XALLOC_H

#include <stddef.h>

/* Returns memory the caller owns and frees with free(). Never NULL. */
void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
/* Grows *ptr (nmemb elements of size) so that it holds at least want elements. */
void *xgrow(void *ptr, size_t *cap, size_t want, size_t size);
char *xstrdup(const char *s);
/* printf into a new string the caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Called by fatal() before it prints; the TUI puts the terminal back here. */
void fatal_set_hook(void (*hook)(void));
/* Prints "vigil: <message>" to stderr and exits 1. */
_Noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
