/* SPDX-License-Identifier: MIT */
/*
 * cglist: the model behind the cgroup screen: the cgroups of a frame as a
 * tree (each under its parent path), siblings sorted by the chosen column,
 * with the rates derived against the frame before (IO bytes per second,
 * the share of quota periods throttled). Pure: no curses.
 *
 * Invariants:
 * - Every row of the table is listed exactly once; a cgroup whose parent is
 *   not in the table (a v1 hierarchy holds a path the others do not) is a
 *   root of its own.
 * - Order is total: the sort key, then the path.
 * - Entries borrow rows from the tables, which must outlive the list.
 */
#ifndef VIGIL_VIEWS_CGLIST_H
#define VIGIL_VIEWS_CGLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/frame.h"

enum cglist_sort {
	CGLIST_SORT_CPU,
	CGLIST_SORT_MEM,
	CGLIST_SORT_IO,
	CGLIST_SORT_PSI,
	CGLIST_SORT_THROTTLE,
	CGLIST_SORT_NAME,
	CGLIST_SORT_N
};

struct cglist_entry {
	const struct cgroup_row *row; /* borrowed */
	int depth;		      /* 0 for roots */
	const char *name;	      /* borrowed: the path's last component, "/" */
	double io_bps;		      /* read + written per second; < 0 unknown */
	double throttled_pct;	      /* of the periods since the frame before; < 0 */
	double psi;		      /* the highest some avg10 of cpu, memory, io; < 0 */
};

struct cglist {
	size_t n;
	struct cglist_entry *entries; /* owned */
};

/*
 * Builds l (empty on entry, released with cglist_release) from cur, with
 * rates against prev (NULL: none) over dt_ms. Heaviest first for every key
 * but the name.
 */
void cglist_build(struct cglist *l, const struct cgroup_table *cur,
		  const struct cgroup_table *prev, int64_t dt_ms, enum cglist_sort sort);
void cglist_release(struct cglist *l);

/* "CPU" "MEM" "IO" "PSI" "THR" "NAME". Static. */
const char *cglist_sort_name(enum cglist_sort s);

/* Whether process cgroup path pc lies in cgroup path cg (itself or below). */
bool cglist_contains(const char *cg, const char *pc);

#endif
