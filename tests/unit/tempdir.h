/* SPDX-License-Identifier: MIT */
/*
 * tempdir: the scratch directory a unit test makes its files, FIFOs and
 * nodes in (never /dev or a system path), and its removal with everything
 * in it, links never followed. Header-only (static inline), included after
 * <cmocka.h>.
 */
#ifndef VIGIL_TESTS_TEMPDIR_H
#define VIGIL_TESTS_TEMPDIR_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

static inline int tempdir_rm_entry(const char *path, const struct stat *st, int flag,
				   struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Makes "/tmp/vigil-TAG-XXXXXX" into dir (cap bytes); fails the test if it
 * cannot. */
static inline void tempdir_make(char *dir, size_t cap, const char *tag)
{
	snprintf(dir, cap, "/tmp/vigil-%s-XXXXXX", tag);
	assert_non_null(mkdtemp(dir));
}

/* Removes dir and all below it; a symlink inside is removed, not followed. */
static inline void tempdir_remove(const char *dir)
{
	nftw(dir, tempdir_rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

#endif
