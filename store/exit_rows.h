/* SPDX-License-Identifier: MIT */
/*
 * exit_rows: processes that exited (proc_exits, schema 9) and the state of
 * exit accounting (exit_accounting), written by the writer inside each
 * frame's transaction and read back by report and export. A file before
 * schema 9 answers with no rows and "not recorded".
 */
#ifndef VIGIL_STORE_EXIT_ROWS_H
#define VIGIL_STORE_EXIT_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/proc_exit.h"
#include "store/store.h"

/* The state of exit accounting over a span, and its counts. */
struct exit_summary {
	bool recorded; /* the file has an exit_accounting row in the span */
	bool running;  /* the last row said on */
	bool cmdlines; /* the last row said command lines are captured */
	char why[PROC_EXIT_WHY_MAX];
	uint64_t lost, no_cmdline, bad; /* within the span (last - first) */
	uint64_t exits;			/* exits in the span (a row may be n) */
	uint64_t unseen;		/* of those, never in a tick's table */
	uint64_t failed;		/* of those, exit code != 0 or killed */
};

/*
 * The summary for end_ms in [t0, t1]. 0, or -1 (store_error). A file before
 * schema 9 gives recorded false and zero counts.
 */
int query_exit_summary(struct store *s, int64_t t0, int64_t t1, struct exit_summary *out);

/* Exits of one command name over a span. */
struct exit_group {
	char comm[PROC_EXIT_COMM_MAX];
	uint64_t n;
	uint64_t cpu_ns;   /* summed: exact when known, else user + system */
	uint64_t peak_rss; /* the largest, bytes */
	int64_t life_ms;   /* the longest */
	uint64_t failed;   /* exit code != 0 or killed */
};

enum exit_order { EXIT_BY_CPU, EXIT_BY_RSS, EXIT_BY_COUNT };

/*
 * Exits with end_ms in [t0, t1] grouped by command name, the top max by
 * order. *out is owned by the caller (free), NULL when none. 0 or -1.
 */
int query_exit_groups(struct store *s, int64_t t0, int64_t t1, enum exit_order order,
		      size_t max, struct exit_group **out, size_t *n);

/*
 * The exits with end_ms in [t0, t1] in the order they came, at most max (the
 * first max); a row of a compacted file stands for n of them (its n). *out is owned by
 * the caller: free each cmdline, then *out (proc_exit_rows_free). 0 or -1.
 */
int query_proc_exits(struct store *s, int64_t t0, int64_t t1, size_t max,
		     struct proc_exit **out, size_t *n);
void proc_exit_rows_free(struct proc_exit *v, size_t n);

#endif
