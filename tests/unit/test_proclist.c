/* SPDX-License-Identifier: MIT */
/*
 * test_proclist: sorting, filtering and tree shaping of hand-built process
 * tables, down to the exact tree prefixes; hostile ppid links (cycles, self
 * parents, missing parents, duplicate pids) that must still list every row
 * exactly once; and 20,000-row tables checked for order, not for speed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "core/xalloc.h"
#include "views/cglist.h"
#include "views/proclist.h"

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))

struct row_spec {
	int pid, ppid;
	const char *comm, *user, *cmdline;
	double cpu_pct;
	uint64_t rss_bytes;
};

static void row_fill(struct proc_row *r, const struct row_spec *spec)
{
	memset(r, 0, sizeof(*r));
	r->pid = spec->pid;
	r->ppid = spec->ppid;
	r->cpu_pct = spec->cpu_pct;
	r->rss_bytes = spec->rss_bytes;
	snprintf(r->comm, sizeof(r->comm), "%s", spec->comm ? spec->comm : "x");
	snprintf(r->user, sizeof(r->user), "%s", spec->user ? spec->user : "root");
	r->cmdline = xstrdup(spec->cmdline ? spec->cmdline : "");
}

static void table_from(struct proc_table *t, const struct row_spec *specs, size_t n)
{
	t->n = n;
	t->rows = xcalloc(n, sizeof(*t->rows));
	for (size_t i = 0; i < n; i++)
		row_fill(&t->rows[i], &specs[i]);
}

static void build(struct proclist *l, const struct proc_table *t, enum proclist_sort sort,
		  bool descending, bool tree, const char *filter)
{
	struct proclist_opts o = {sort,		descending, tree, filter,
				  CMDTEXT_FULL, NULL,	    false};

	proclist_build(l, t, &o, false);
}

static void expect_pids(const struct proclist *l, const int *pids, size_t n)
{
	for (size_t i = 0; i < n && i < l->n; i++)
		if (l->entries[i].row->pid != pids[i])
			fail_msg("entry %zu: pid %d, expected %d", i,
				 l->entries[i].row->pid, pids[i]);
	assert_int_equal(l->n, n);
}

#define EXPECT_PIDS(l, ...)                                                              \
	do {                                                                             \
		const int want_[] = {__VA_ARGS__};                                       \
		expect_pids((l), want_, NROWS(want_));                                   \
	} while (0)

/* Every row of t appears in l exactly once. */
static void expect_each_row_once(const struct proclist *l, const struct proc_table *t)
{
	unsigned *seen = xcalloc(t->n, sizeof(*seen));

	assert_int_equal(l->n, t->n);
	for (size_t i = 0; i < l->n; i++) {
		const struct proc_row *r = l->entries[i].row;

		assert_true(r >= t->rows && r < t->rows + t->n);
		seen[r - t->rows]++;
	}
	for (size_t i = 0; i < t->n; i++)
		if (seen[i] != 1)
			fail_msg("row %zu (pid %d) listed %u times", i, t->rows[i].pid,
				 seen[i]);
	free(seen);
}

/* pid, ppid, comm, user, cmdline, cpu, rss */
static const struct row_spec sort_rows[] = {
	{1, 0, "init", "root", "/sbin/init splash", 0.0, 100},
	{2, 1, "Bash", "alice", "-bash", 5.0, 300},
	{3, 1, "awk", "bob", "awk -f /etc/Script.awk", 5.0, 200},
	{4, 1, "zsh", "alice", "zsh -l", -1.0, 300},
	{5, 1, "bash", "carol", "bash", 20.0, 50},
	{6, 1, "Cron", "root", "/usr/sbin/cron -f", 0.0, 300},
	{1234, 1, "sleep", "daemon", "sleep 60", 0.0, 10},
};

static void test_sort_keys(void **state)
{
	struct proc_table t;
	struct proclist l;

	(void)state;
	table_from(&t, sort_rows, NROWS(sort_rows));
	proclist_init(&l);
	/* unknown cpu (-1) counts as 0; ties go to the lower pid */
	build(&l, &t, PROCLIST_SORT_CPU, false, false, NULL);
	EXPECT_PIDS(&l, 1, 4, 6, 1234, 2, 3, 5);
	build(&l, &t, PROCLIST_SORT_CPU, true, false, NULL);
	EXPECT_PIDS(&l, 5, 2, 3, 1, 4, 6, 1234);

	build(&l, &t, PROCLIST_SORT_MEM, false, false, NULL);
	EXPECT_PIDS(&l, 1234, 5, 1, 3, 2, 4, 6);
	build(&l, &t, PROCLIST_SORT_MEM, true, false, NULL);
	EXPECT_PIDS(&l, 2, 4, 6, 3, 1, 5, 1234);

	build(&l, &t, PROCLIST_SORT_PID, false, false, NULL);
	EXPECT_PIDS(&l, 1, 2, 3, 4, 5, 6, 1234);
	build(&l, &t, PROCLIST_SORT_PID, true, false, NULL);
	EXPECT_PIDS(&l, 1234, 6, 5, 4, 3, 2, 1);

	/* by the command line as COMMAND shows it: '-' and '/' before letters */
	build(&l, &t, PROCLIST_SORT_NAME, false, false, NULL);
	EXPECT_PIDS(&l, 2, 1, 6, 3, 5, 1234, 4);
	build(&l, &t, PROCLIST_SORT_NAME, true, false, NULL);
	EXPECT_PIDS(&l, 4, 1234, 5, 3, 6, 1, 2);

	for (size_t i = 0; i < l.n; i++) {
		assert_int_equal(l.entries[i].depth, 0);
		assert_string_equal(l.entries[i].prefix, "");
		assert_true(l.entries[i].match);
	}
	proclist_release(&l);
	proc_table_release(&t);
}

/* NAME sorts by what COMMAND shows in either mode, case-insensitively. */
static void test_sort_by_shown_command(void **state)
{
	static const struct row_spec rows[] = {
		{1, 0, "init", "root", "/sbin/init splash", 0, 1},
		{2, 0, "kthreadd", "root", "", 0, 1},
		{7, 1, "python3.11", "app", "/usr/bin/python3.11 /srv/zeta/web.py", 0, 1},
		{8, 1, "python3.11", "app", "/usr/bin/python3.11 /srv/alpha/worker.py", 0,
		 1},
		{9, 1, "Bash", "alice", "Bash", 0, 1},
		{10, 1, "bash", "bob", "bash", 0, 1},
		{11, 1, "cron", "root", "/usr/sbin/cron -f", 0, 1},
	};
	struct proclist_opts o = {PROCLIST_SORT_NAME, false, false, NULL,
				  CMDTEXT_FULL,	      NULL,  false};
	struct proc_table t;
	struct proclist l;

	(void)state;
	table_from(&t, rows, NROWS(rows));
	proclist_init(&l);
	/* "/sbin", "/usr/bin/python3.11 /srv/a..", ".. /srv/z..", "/usr/sbin",
	 * "[kthreadd]" ('[' sorts before letters), then "Bash" and "bash" tie
	 * (pid decides) */
	proclist_build(&l, &t, &o, false);
	EXPECT_PIDS(&l, 1, 8, 7, 11, 2, 9, 10);
	/* program names: [kthreadd], bash, bash, cron, init, python3.11
	 * web.py before python3.11 worker.py */
	o.command = CMDTEXT_NAME;
	proclist_build(&l, &t, &o, false);
	EXPECT_PIDS(&l, 2, 9, 10, 11, 1, 7, 8);
	o.descending = true; /* the key flips, ties stay pid ascending */
	proclist_build(&l, &t, &o, false);
	EXPECT_PIDS(&l, 8, 7, 1, 11, 9, 10, 2);
	o.tree = true; /* siblings under init sorted the same way */
	o.descending = false;
	proclist_build(&l, &t, &o, false);
	EXPECT_PIDS(&l, 2, 1, 9, 10, 11, 7, 8);
	proclist_release(&l);
	proc_table_release(&t);
}

static void test_filter_fields(void **state)
{
	struct proc_table t;
	struct proclist l;

	(void)state;
	table_from(&t, sort_rows, NROWS(sort_rows));
	proclist_init(&l);
	build(&l, &t, PROCLIST_SORT_PID, false, false, "BASH"); /* comm + cmdline */
	EXPECT_PIDS(&l, 2, 5);
	build(&l, &t, PROCLIST_SORT_PID, false, false, "script"); /* cmdline */
	EXPECT_PIDS(&l, 3);
	build(&l, &t, PROCLIST_SORT_PID, false, false, "AlIcE"); /* user */
	EXPECT_PIDS(&l, 2, 4);
	build(&l, &t, PROCLIST_SORT_PID, false, false, "23"); /* decimal pid */
	EXPECT_PIDS(&l, 1234);
	build(&l, &t, PROCLIST_SORT_PID, true, false, "sbin"); /* sorted too */
	EXPECT_PIDS(&l, 6, 1);
	build(&l, &t, PROCLIST_SORT_PID, false, false, "no such thing");
	assert_int_equal(l.n, 0);
	build(&l, &t, PROCLIST_SORT_PID, false, false, "");
	assert_int_equal(l.n, t.n);
	build(&l, &t, PROCLIST_SORT_PID, false, false, NULL);
	assert_int_equal(l.n, t.n);
	proclist_release(&l);
	proc_table_release(&t);
}

static void test_matches(void **state)
{
	struct proc_row r;
	const struct row_spec spec = {
		4711, 1, "Postgres", "pgUser", "postgres: WAL writer", 1.0, 1};

	(void)state;
	row_fill(&r, &spec);
	assert_true(proclist_matches(&r, NULL));
	assert_true(proclist_matches(&r, ""));
	assert_true(proclist_matches(&r, "postGRES"));
	assert_true(proclist_matches(&r, "wal WRITER"));
	assert_true(proclist_matches(&r, "pguser"));
	assert_true(proclist_matches(&r, "4711"));
	assert_true(proclist_matches(&r, "71"));
	assert_false(proclist_matches(&r, "4712"));
	assert_false(proclist_matches(&r, "postgres: wal writer, more"));
	assert_false(proclist_matches(&r, "redis"));
	free(r.cmdline);
	r.cmdline = NULL; /* a row without a cmdline still matches the rest */
	assert_true(proclist_matches(&r, "gres"));
	assert_false(proclist_matches(&r, "writer"));
}

/*
 * 1 init
 * ├─ 2 sshd
 * │  ├─ 10 sshd
 * │  │  └─ 11 bash
 * │  └─ 12 sshd
 * └─ 3 cron
 *    └─ 13 sh
 * 50 kthreadd
 * └─ 51 kworker
 */
static const struct row_spec tree_rows[] = {
	{1, 0, "init", "root", "/sbin/init", 0, 1},
	{2, 1, "sshd", "root", "sshd: listener", 1.0, 1},
	{3, 1, "cron", "root", "cron", 9.0, 1},
	{10, 2, "sshd", "root", "sshd: alice", 0.5, 1},
	{11, 10, "bash", "alice", "-bash", 0, 1},
	{12, 2, "sshd", "root", "sshd: bob", 5.0, 1},
	{13, 3, "sh", "root", "sh -c backup", 0, 1},
	{50, 0, "kthreadd", "root", "", 30.0, 1},
	{51, 50, "kworker/0:1", "root", "", 0, 1},
};

static void expect_tree(const struct proclist *l, const int *pids, const int *depths,
			const char *const *prefixes, size_t n)
{
	expect_pids(l, pids, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(l->entries[i].depth, depths[i]);
		assert_string_equal(l->entries[i].prefix, prefixes[i]);
	}
}

static void test_tree_shape(void **state)
{
	static const int pids[] = {1, 2, 10, 11, 12, 3, 13, 50, 51};
	static const int depths[] = {0, 1, 2, 3, 2, 1, 2, 0, 1};
	static const char *const utf8[] = {
		"", "├─ ", "│  ├─ ", "│  │  └─ ", "│  └─ ", "└─ ", "   └─ ", "", "└─ ",
	};
	static const char *const ascii[] = {
		"", "|- ", "|  |- ", "|  |  `- ", "|  `- ", "`- ", "   `- ", "", "`- ",
	};
	struct proclist_opts o = {PROCLIST_SORT_PID, false, true, NULL,
				  CMDTEXT_FULL,	     NULL,  false};
	struct proc_table t;
	struct proclist l;

	(void)state;
	table_from(&t, tree_rows, NROWS(tree_rows));
	proclist_init(&l);
	proclist_build(&l, &t, &o, false);
	expect_tree(&l, pids, depths, utf8, NROWS(pids));
	for (size_t i = 0; i < l.n; i++)
		assert_true(l.entries[i].match);
	proclist_build(&l, &t, &o, true);
	expect_tree(&l, pids, depths, ascii, NROWS(pids));
	proclist_release(&l);
	proc_table_release(&t);
}

static void test_tree_sorted_siblings(void **state)
{
	static const int pids[] = {50, 51, 1, 3, 13, 2, 12, 10, 11};
	static const int depths[] = {0, 1, 0, 1, 2, 1, 2, 2, 3};
	static const char *const utf8[] = {
		"", "└─ ", "", "├─ ", "│  └─ ", "└─ ", "   ├─ ", "   └─ ", "      └─ ",
	};
	static const int by_name[] = {1, 3, 13, 2, 10, 11, 12, 50, 51};
	struct proc_table t;
	struct proclist l;

	(void)state;
	table_from(&t, tree_rows, NROWS(tree_rows));
	proclist_init(&l);
	/* roots and every sibling group by cpu, busiest first */
	build(&l, &t, PROCLIST_SORT_CPU, true, true, NULL);
	expect_tree(&l, pids, depths, utf8, NROWS(pids));
	/* by name: cron < sshd; the two sshd children tie and keep pid order */
	build(&l, &t, PROCLIST_SORT_NAME, false, true, NULL);
	expect_pids(&l, by_name, NROWS(by_name));
	proclist_release(&l);
	proc_table_release(&t);
}

static void test_tree_filter_keeps_ancestors(void **state)
{
	static const int pids[] = {1, 2, 10, 11};
	static const int depths[] = {0, 1, 2, 3};
	static const char *const utf8[] = {"", "└─ ", "   └─ ", "      └─ "};
	static const bool match[] = {false, false, false, true};
	static const int sshd[] = {1, 2, 10, 12};
	static const char *const sshd_prefix[] = {"", "└─ ", "   ├─ ", "   └─ "};
	static const int sshd_depths[] = {0, 1, 2, 2};
	struct proc_table t;
	struct proclist l;

	(void)state;
	table_from(&t, tree_rows, NROWS(tree_rows));
	proclist_init(&l);
	/* "BASH" matches 11 only; its path 1 -> 2 -> 10 stays, drawn as last */
	build(&l, &t, PROCLIST_SORT_PID, false, true, "BASH");
	expect_tree(&l, pids, depths, utf8, NROWS(pids));
	for (size_t i = 0; i < l.n; i++)
		assert_int_equal(l.entries[i].match, match[i]);

	/* matches nest: 2 is both a match and 10's parent; 11 is not shown */
	build(&l, &t, PROCLIST_SORT_PID, false, true, "sshd");
	expect_tree(&l, sshd, sshd_depths, sshd_prefix, NROWS(sshd));
	assert_false(l.entries[0].match);
	assert_true(l.entries[1].match && l.entries[2].match && l.entries[3].match);

	build(&l, &t, PROCLIST_SORT_PID, false, true, "kworker");
	EXPECT_PIDS(&l, 50, 51);
	build(&l, &t, PROCLIST_SORT_PID, false, true, "nothing at all");
	assert_int_equal(l.n, 0);
	proclist_release(&l);
	proc_table_release(&t);
}

static void test_hostile_cycles(void **state)
{
	static const struct row_spec rows[] = {
		{1, 0, "init", 0, 0, 0, 0},
		{5, 7, "a", 0, 0, 0, 0}, /* 5 -> 7 -> 6 -> 5 */
		{6, 5, "b", 0, 0, 0, 0},
		{7, 6, "c", 0, 0, 0, 0},
		{8, 6, "d", 0, 0, 0, 0},    /* hangs off the cycle */
		{9, 9, "self", 0, 0, 0, 0}, /* its own parent */
		{20, 999, "orphan", 0, 0, 0, 0},
		{21, 20, "e", 0, 0, 0, 0},
		{30, 31, "f", 0, 0, 0, 0}, /* two-cycle */
		{31, 30, "g", 0, 0, 0, 0},
	};
	static const int pids[] = {1, 5, 6, 7, 8, 9, 20, 21, 30, 31};
	static const int depths[] = {0, 0, 1, 2, 2, 0, 0, 1, 0, 1};
	static const char *const utf8[] = {
		"", "", "└─ ", "   ├─ ", "   └─ ", "", "", "└─ ", "", "└─ ",
	};
	struct proc_table t;
	struct proclist l;

	(void)state;
	table_from(&t, rows, NROWS(rows));
	proclist_init(&l);
	/* each cycle is cut at its lowest pid, which becomes a root */
	build(&l, &t, PROCLIST_SORT_PID, false, true, NULL);
	expect_tree(&l, pids, depths, utf8, NROWS(pids));
	expect_each_row_once(&l, &t);

	/* a match inside a cycle keeps the whole cycle as its path */
	build(&l, &t, PROCLIST_SORT_PID, false, true, "c");
	EXPECT_PIDS(&l, 5, 6, 7);
	assert_false(l.entries[0].match);
	assert_false(l.entries[1].match);
	assert_true(l.entries[2].match);
	for (int s = 0; s < PROCLIST_SORT_N; s++) {
		build(&l, &t, (enum proclist_sort)s, true, true, NULL);
		expect_each_row_once(&l, &t);
	}
	proclist_release(&l);
	proc_table_release(&t);
}

static void test_hostile_duplicates(void **state)
{
	/* not in pid order either; ppid 4 resolves to the first pid 4 (a) */
	static const struct row_spec rows[] = {
		{4, 0, "a", 0, 0, 0, 0}, {4, 4, "b", 0, 0, 0, 0}, {2, 4, "c", 0, 0, 0, 0},
		{4, 2, "d", 0, 0, 0, 0}, {7, 7, "e", 0, 0, 0, 0}, {7, 7, "f", 0, 0, 0, 0},
	};
	static const char *const tree_order[] = {"a", "c", "d", "b", "e", "f"};
	static const char *const flat_order[] = {"c", "a", "b", "d", "e", "f"};
	struct proc_table t;
	struct proclist l;

	(void)state;
	table_from(&t, rows, NROWS(rows));
	proclist_init(&l);
	build(&l, &t, PROCLIST_SORT_PID, false, true, NULL);
	expect_each_row_once(&l, &t);
	for (size_t i = 0; i < l.n; i++)
		assert_string_equal(l.entries[i].row->comm, tree_order[i]);
	assert_string_equal(l.entries[2].prefix, "│  └─ ");
	assert_string_equal(l.entries[5].prefix, "└─ ");

	/* duplicates tie on pid too and keep their table order */
	build(&l, &t, PROCLIST_SORT_PID, false, false, NULL);
	expect_each_row_once(&l, &t);
	for (size_t i = 0; i < l.n; i++)
		assert_string_equal(l.entries[i].row->comm, flat_order[i]);
	assert_int_equal(proclist_find(&l, 4), 1);
	proclist_release(&l);
	proc_table_release(&t);
}

/* A ring of n: pid i has ppid i + 1, and pid n has ppid 1. */
static void table_ring(struct proc_table *t, int n)
{
	t->n = (size_t)n;
	t->rows = xcalloc(t->n, sizeof(*t->rows));
	for (int i = 0; i < n; i++) {
		struct row_spec spec = {i + 1, i + 1 == n ? 1 : i + 2, "ring", 0, 0, 0,
					0};

		row_fill(&t->rows[i], &spec);
	}
}

static void test_deep_ring_prefix_capped(void **state)
{
	char deepest[64] = "";
	struct proc_table t;
	struct proclist l;

	(void)state;
	/* cut at pid 1, the ring becomes one chain 1, 1000, 999, ..., 2 */
	table_ring(&t, 1000);
	proclist_init(&l);
	build(&l, &t, PROCLIST_SORT_PID, false, true, NULL);
	expect_each_row_once(&l, &t);
	assert_int_equal(l.entries[0].row->pid, 1);
	assert_int_equal(l.entries[1].row->pid, 1000);
	assert_int_equal(l.entries[999].row->pid, 2);
	for (size_t i = 0; i < l.n; i++)
		assert_int_equal(l.entries[i].depth, (int)i);
	assert_string_equal(l.entries[3].prefix, "      └─ ");
	for (int i = 0; i < PROCLIST_PREFIX_LEVELS; i++)
		strcat(deepest, "   ");
	strcat(deepest, "└─ ");
	assert_string_equal(l.entries[PROCLIST_PREFIX_LEVELS + 1].prefix, deepest);
	assert_string_equal(l.entries[PROCLIST_PREFIX_LEVELS + 2].prefix, deepest);
	assert_string_equal(l.entries[999].prefix, deepest);
	proclist_release(&l);
	proc_table_release(&t);
}

static void test_prefix_cap_widest(void **state)
{
	enum { DEPTH = PROCLIST_PREFIX_LEVELS + 4 };
	struct row_spec specs[2 * DEPTH];
	char widest[64] = "";
	struct proc_table t;
	struct proclist l;

	(void)state;
	/* a chain where every row also has a later sibling: all "│  " columns */
	for (int i = 0; i < DEPTH; i++) {
		struct row_spec chain = {i + 1, i, "chain", 0, 0, 0, 0};
		struct row_spec leaf = {1000 + i + 1, i, "leaf", 0, 0, 0, 0};

		specs[i] = chain;
		specs[DEPTH + i] = leaf;
	}
	table_from(&t, specs, NROWS(specs));
	proclist_init(&l);
	build(&l, &t, PROCLIST_SORT_PID, false, true, NULL);
	expect_each_row_once(&l, &t);
	for (int i = 0; i < PROCLIST_PREFIX_LEVELS; i++)
		strcat(widest, "│  ");
	strcat(widest, "├─ ");
	assert_int_equal(l.entries[DEPTH - 1].row->pid, DEPTH);
	assert_string_equal(l.entries[DEPTH - 1].prefix, widest);
	assert_true(strlen(widest) < sizeof(l.entries[0].prefix));
	proclist_release(&l);
	proc_table_release(&t);
}

static uint32_t lcg(uint32_t *seed)
{
	*seed = *seed * 1664525u + 1013904223u;
	return *seed >> 8;
}

static void table_big(struct proc_table *t, size_t n, bool random_parents)
{
	uint32_t seed = 42;

	t->n = n;
	t->rows = xcalloc(n, sizeof(*t->rows));
	for (size_t i = 0; i < n; i++) {
		struct proc_row *r = &t->rows[i];
		uint32_t roll = lcg(&seed);

		r->pid = (int)i + 1;
		r->ppid = random_parents ? (int)(lcg(&seed) % (n + 1)) : r->pid / 3;
		r->cpu_pct = roll % 5 ? (double)(roll % 400) / 4 : -1;
		r->rss_bytes = (uint64_t)(lcg(&seed) % 1000) << 12;
		snprintf(r->comm, sizeof(r->comm), "%c%cproc", 'a' + (char)(roll % 26),
			 'A' + (char)(lcg(&seed) % 26));
		r->cmdline = xstrdup("");
	}
}

/* The order proclist promises, rebuilt from the outside for checking. */
static int expect_cmp(const struct proc_row *a, const struct proc_row *b,
		      enum proclist_sort sort, bool descending)
{
	double ca = a->cpu_pct < 0 ? 0 : a->cpu_pct, cb = b->cpu_pct < 0 ? 0 : b->cpu_pct;
	int d = 0;

	if (sort == PROCLIST_SORT_CPU)
		d = (ca > cb) - (ca < cb);
	else if (sort == PROCLIST_SORT_MEM)
		d = (a->rss_bytes > b->rss_bytes) - (a->rss_bytes < b->rss_bytes);
	else if (sort == PROCLIST_SORT_NAME)
		d = strcasecmp(a->comm, b->comm);
	else
		d = (a->pid > b->pid) - (a->pid < b->pid);
	if (d)
		return descending ? -d : d;
	return (a->pid > b->pid) - (a->pid < b->pid);
}

/* Parents come right before their subtrees; siblings are in order. */
static void check_tree_order(const struct proclist *l, enum proclist_sort sort,
			     bool descending)
{
	size_t *at_depth = xcalloc(l->n + 1, sizeof(*at_depth)); /* entry index + 1 */

	for (size_t i = 0; i < l->n; i++) {
		const struct proclist_entry *e = &l->entries[i];
		size_t d = (size_t)e->depth, prev = at_depth[d];

		assert_true(i == 0 || d <= (size_t)l->entries[i - 1].depth + 1);
		if (d)
			assert_int_equal(l->entries[at_depth[d - 1] - 1].row->pid,
					 e->row->ppid);
		/* a previous sibling: same depth, seen after the current parent */
		if (prev && (d == 0 || prev > at_depth[d - 1]))
			assert_true(expect_cmp(l->entries[prev - 1].row, e->row, sort,
					       descending) < 0);
		at_depth[d] = i + 1;
	}
	free(at_depth);
}

static void test_big_tables(void **state)
{
	struct proc_table t, chaos;
	struct proclist l;

	(void)state;
	table_big(&t, 20000, false);
	table_big(&chaos, 20000, true);
	proclist_init(&l);
	for (int s = 0; s < PROCLIST_SORT_N; s++) {
		for (int desc = 0; desc < 2; desc++) {
			build(&l, &t, (enum proclist_sort)s, desc, false, NULL);
			expect_each_row_once(&l, &t);
			for (size_t i = 1; i < l.n; i++)
				assert_true(expect_cmp(l.entries[i - 1].row,
						       l.entries[i].row,
						       (enum proclist_sort)s, desc) < 0);
			build(&l, &t, (enum proclist_sort)s, desc, true, NULL);
			expect_each_row_once(&l, &t);
			check_tree_order(&l, (enum proclist_sort)s, desc);
			/* random ppids: cycles everywhere, still each row once */
			build(&l, &chaos, (enum proclist_sort)s, desc, true, NULL);
			expect_each_row_once(&l, &chaos);
		}
	}
	build(&l, &t, PROCLIST_SORT_CPU, true, true, "aB");
	assert_true(l.n > 0 && l.n < t.n);
	check_tree_order(&l, PROCLIST_SORT_CPU, true);
	proclist_release(&l);
	proc_table_release(&t);
	proc_table_release(&chaos);
}

static void test_deep_chain(void **state)
{
	struct proc_table t;
	struct proclist l;

	(void)state;
	/* 20,000 deep: the walk must not recurse on the C stack */
	t.n = 20000;
	t.rows = xcalloc(t.n, sizeof(*t.rows));
	for (size_t i = 0; i < t.n; i++) {
		struct row_spec spec = {(int)i + 1, (int)i, "deep", 0, 0, 0, 0};

		row_fill(&t.rows[i], &spec);
	}
	proclist_init(&l);
	build(&l, &t, PROCLIST_SORT_MEM, true, true, "20000");
	assert_int_equal(l.n, t.n);
	assert_int_equal(l.entries[l.n - 1].depth, 19999);
	assert_true(l.entries[l.n - 1].match);
	assert_false(l.entries[l.n - 2].match);
	proclist_release(&l);
	proc_table_release(&t);
}

static void test_find_and_reuse(void **state)
{
	struct proc_table t, empty = {0, NULL};
	struct proclist_entry *first;
	struct proclist l;
	size_t cap;

	(void)state;
	table_from(&t, sort_rows, NROWS(sort_rows));
	proclist_init(&l);
	assert_int_equal(proclist_find(&l, 1), -1);
	build(&l, &t, PROCLIST_SORT_PID, false, false, NULL);
	assert_int_equal(proclist_find(&l, 1), 0);
	assert_int_equal(proclist_find(&l, 1234), 6);
	assert_int_equal(proclist_find(&l, 999), -1);
	first = l.entries;
	cap = l.cap;
	/* the selection follows the process through a resort */
	build(&l, &t, PROCLIST_SORT_PID, true, false, NULL);
	assert_int_equal(proclist_find(&l, 1), 6);
	assert_int_equal(proclist_find(&l, 1234), 0);
	build(&l, &t, PROCLIST_SORT_CPU, true, true, "bash");
	EXPECT_PIDS(&l, 1, 5, 2); /* busier sibling first */
	assert_int_equal(proclist_find(&l, 5), 1);
	assert_int_equal(proclist_find(&l, 2), 2);
	assert_int_equal(proclist_find(&l, 3), -1);
	assert_ptr_equal(l.entries, first); /* the buffer is reused */
	assert_int_equal(l.cap, cap);

	build(&l, &empty, PROCLIST_SORT_CPU, true, true, NULL);
	assert_int_equal(l.n, 0);
	assert_int_equal(proclist_find(&l, 1), -1);
	proclist_release(&l);
	assert_null(l.entries);
	assert_int_equal(l.n + l.cap, 0);
	proc_table_release(&t);
}

/* The cgroup screen's Enter: a cgroup's processes and those below it, not
 * a sibling whose name only starts the same; in tree mode with the parents
 * that lead to them. */
static void test_cgroup_filter(void **state)
{
	static const struct row_spec specs[] = {
		{1, 0, "init", NULL, NULL, 0, 1},   {2, 1, "nginx", NULL, NULL, 0, 1},
		{3, 2, "worker", NULL, NULL, 0, 1}, {4, 1, "nginx2", NULL, NULL, 0, 1},
		{5, 1, "lost", NULL, NULL, 0, 1},
	};
	static const char *const cgroups[] = {"/", "/a.slice/nginx.service",
					      "/a.slice/nginx.service/worker",
					      "/a.slice/nginx.service2", NULL};
	struct proclist_opts o = {
		PROCLIST_SORT_PID,	  false, false, NULL, CMDTEXT_FULL,
		"/a.slice/nginx.service", false};
	struct proc_table t;
	struct proclist l;

	(void)state;
	table_from(&t, specs, 5);
	for (size_t i = 0; i < 5; i++)
		t.rows[i].cgroup = cgroups[i] ? xstrdup(cgroups[i]) : NULL;
	proclist_init(&l);
	proclist_build(&l, &t, &o, false);
	EXPECT_PIDS(&l, 2, 3);
	o.tree = true; /* init leads to them: kept, dimmed */
	proclist_build(&l, &t, &o, false);
	EXPECT_PIDS(&l, 1, 2, 3);
	assert_false(l.entries[0].match);
	o.cgroup = "/";
	o.tree = false;
	proclist_build(&l, &t, &o, false);
	assert_int_equal(l.n, 4); /* everything whose cgroup is known */
	o.filter = "worker";
	o.cgroup = "/a.slice";
	proclist_build(&l, &t, &o, false);
	EXPECT_PIDS(&l, 3);
	assert_false(cglist_contains("/a", "/ab"));
	assert_true(cglist_contains("/a", "/a/b"));
	assert_false(cglist_contains("/a", NULL));
	proclist_release(&l);
	proc_table_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sort_keys),
		cmocka_unit_test(test_sort_by_shown_command),
		cmocka_unit_test(test_filter_fields),
		cmocka_unit_test(test_matches),
		cmocka_unit_test(test_tree_shape),
		cmocka_unit_test(test_tree_sorted_siblings),
		cmocka_unit_test(test_tree_filter_keeps_ancestors),
		cmocka_unit_test(test_hostile_cycles),
		cmocka_unit_test(test_hostile_duplicates),
		cmocka_unit_test(test_deep_ring_prefix_capped),
		cmocka_unit_test(test_prefix_cap_widest),
		cmocka_unit_test(test_big_tables),
		cmocka_unit_test(test_deep_chain),
		cmocka_unit_test(test_find_and_reuse),
		cmocka_unit_test(test_cgroup_filter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
