/* SPDX-License-Identifier: MIT */
/*
 * limited: what test_safety and test_corrupt share to run vigil under a
 * time limit (and a file-size limit) with sanitizer exit codes that cannot
 * be taken for vigil's own 0/1/2. Header-only, after harness.h.
 */
#ifndef VIGIL_TESTS_LIMITED_H
#define VIGIL_TESTS_LIMITED_H

#include "harness.h"

#define CHILD_TIMEOUT_S 20

/* Appends opt to the sanitizer options variable name inherited by children. */
static inline void add_option(const char *name, const char *opt)
{
	const char *old = getenv(name);
	char buf[1024];

	snprintf(buf, sizeof(buf), "%s%s%s", old && *old ? old : "",
		 old && *old ? ":" : "", opt);
	setenv(name, buf, 1);
}

/* run_vigil_limited with the test's time limit and, unless 0, a limit on
 * file size. */
static inline void run_child(struct run_result *r, unsigned long long fsize,
			     const char *const args[])
{
	const struct run_limits lim = {.timeout_s = CHILD_TIMEOUT_S, .fsize = fsize};

	run_vigil_limited(r, &lim, args);
}

#define run(r, fsize, ...)                                                               \
	do {                                                                             \
		const char *const args_[] = {__VA_ARGS__, NULL};                         \
		run_child((r), (fsize), args_);                                          \
	} while (0)

#endif
