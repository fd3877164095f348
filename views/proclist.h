/* SPDX-License-Identifier: MIT */
/*
 * proclist: the model behind the overview's process table: which rows of a
 * proc_table are shown, in what order, at what tree depth and with which tree
 * glyphs. Pure: no curses; the table view draws proclist entries as it likes.
 *
 * Invariants:
 * - Order is total and deterministic: the sort key, then pid ascending, then
 *   position in the table (only duplicate pids in hostile data get that far).
 * - Tree mode shows every kept row exactly once whatever the ppid links say:
 *   self-parents and parents absent from the table make roots, and a ppid
 *   cycle is cut at its lowest pid, which becomes a root.
 * - Building is O(n log n) and reuses the entries buffer; entries borrow rows
 *   from the table, so the table must outlive every use of the list.
 */
#ifndef VIGIL_VIEWS_PROCLIST_H
#define VIGIL_VIEWS_PROCLIST_H

#include <stdbool.h>
#include <stddef.h>

#include "core/frame.h"
#include "views/cmdtext.h"

enum proclist_sort {
	PROCLIST_SORT_CPU, /* cpu_pct; unknown (< 0) sorts as 0 */
	PROCLIST_SORT_MEM, /* rss_bytes */
	PROCLIST_SORT_PID,
	PROCLIST_SORT_NAME, /* the COMMAND text as shown (views/cmdtext for
			     * opts.command), ASCII case-insensitive */
	PROCLIST_SORT_N
};

struct proclist_opts {
	enum proclist_sort sort;
	bool descending; /* flips the sort key only; ties stay pid ascending */
	bool tree;
	const char *filter;	   /* borrowed; NULL or "" = every row */
	enum cmdtext_mode command; /* what COMMAND shows, and NAME sorts by */
	/* borrowed; NULL or "": every row, else only processes in this
	 * cgroup or below it (the cgroup screen's Enter) */
	const char *cgroup;
	bool show_cgroup; /* the CGROUP column is shown (O) */
};

/*
 * Tree prefixes stop growing after this many ancestor columns; deeper rows
 * keep their true depth but share the indentation of this level.
 */
#define PROCLIST_PREFIX_LEVELS 11

struct proclist_entry {
	const struct proc_row *row; /* borrowed from the table */
	int depth;		    /* 0 for roots and in flat mode */
	/*
	 * Tree drawing prefix, NUL-terminated: "" for depth 0, else one
	 * column per ancestor below the root ("│  " or "   ") and the row's
	 * own connector ("├─ " or "└─ "); ASCII uses "|  ", "|- ", "`- ".
	 */
	char prefix[64];
	bool match; /* false for ancestors kept only to show a match's path */
};

struct proclist {
	size_t n, cap;
	struct proclist_entry *entries; /* owned; n used, cap allocated */
};

/* An empty list; nothing is allocated until the first build. */
void proclist_init(struct proclist *l);
/* Frees the entries; l is empty again and may be built anew. */
void proclist_release(struct proclist *l);

/*
 * Rebuilds l from t (borrowed; must outlive l's use) according to o. ascii
 * selects the tree glyphs. Flat mode lists matching rows sorted; tree mode
 * lists them depth-first under their parents with siblings sorted, plus the
 * ancestors of every match (match = false) so the path stays visible.
 */
void proclist_build(struct proclist *l, const struct proc_table *t,
		    const struct proclist_opts *o, bool ascii);

/* Index of the first entry showing pid, or -1: keeps the selection on the
 * same process across rebuilds. */
long proclist_find(const struct proclist *l, int pid);

/* Whether sort s puts the largest first unless inverted: the busiest and
 * biggest first, ids and names in reading order. */
bool proclist_sort_descending(enum proclist_sort s);

/*
 * Whether filter occurs, ASCII case-insensitively, in r's comm, cmdline,
 * user or decimal pid. A NULL or empty filter matches every row.
 */
bool proclist_matches(const struct proc_row *r, const char *filter);

#endif
