/* SPDX-License-Identifier: MIT */
/*
 * test_ptable: the process table drawn into a real curses window (newterm
 * on temporary files) and read back, so that where a click lands agrees
 * with what is drawn there: each header name sorts by its own column, the
 * row under a line is the row drawn on it, and an F-key bar entry is hit
 * over its key and label. Also the COMMAND column: its mode and how far it
 * is scrolled.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <curses.h>

#include "core/xalloc.h"
#include "views/bars.h"
#include "views/draw.h"
#include "views/ptable.h"

static SCREEN *scr;
static FILE *term_out, *term_in;

static int setup(void **state)
{
	(void)state;
	if (!setlocale(LC_ALL, "C.UTF-8"))
		return -1;
	term_out = tmpfile();
	term_in = tmpfile();
	if (!term_out || !term_in)
		return -1;
	scr = newterm("xterm-256color", term_out, term_in);
	if (!scr)
		return -1;
	draw_palette_init(false);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	endwin();
	delscreen(scr);
	fclose(term_out);
	fclose(term_in);
	return 0;
}

/* Line y of w as text (ASCII: the table draws nothing else here). */
static const char *line_of(WINDOW *w, int y)
{
	static char buf[512];
	int n = getmaxx(w);

	for (int x = 0; x < n; x++)
		buf[x] = (char)(mvwinch(w, y, x) & A_CHARTEXT);
	buf[n] = '\0';
	return buf;
}

struct table {
	struct frame f;
	struct ui_model m;
	struct overview_state st;
};

/* n processes, pid 100 + i, with the command lines given (cycled). */
static void table_init(struct table *t, size_t n, const char *const *cmds, size_t ncmds)
{
	memset(t, 0, sizeof(*t));
	t->f.sys.mem_total = 1u << 30;
	t->f.procs.n = n;
	t->f.procs.rows = xcalloc(n, sizeof(struct proc_row));
	for (size_t i = 0; i < n; i++) {
		struct proc_row *r = &t->f.procs.rows[i];

		r->pid = 100 + (int)i;
		r->state = 'S';
		r->threads = 1;
		snprintf(r->user, sizeof(r->user), "%s", "root");
		snprintf(r->comm, sizeof(r->comm), "%s", "c");
		r->cmdline = xstrdup(cmds[i % ncmds]);
	}
	t->m.cur = &t->f;
	t->st.opts.sort = PROCLIST_SORT_PID;
	proclist_init(&t->st.list);
	proclist_build(&t->st.list, &t->f.procs, &t->st.opts, true);
}

static void table_release(struct table *t)
{
	proclist_release(&t->st.list);
	proc_table_release(&t->f.procs);
}

static void test_header_clicks_sort_their_column(void **state)
{
	static const struct {
		const char *name;
		int sort;
	} want[] = {
		{"PID", PROCLIST_SORT_PID},
		{"USER", -1},
		{" S ", -1},
		{"NI", -1},
		{"THR", -1},
		{"CPU%", PROCLIST_SORT_CPU},
		{"MEM%", PROCLIST_SORT_MEM},
		{"RSS", PROCLIST_SORT_MEM},
		{"TIME+", -1},
		{"COMMAND", PROCLIST_SORT_NAME},
	};
	const char *const cmds[] = {"sleep 1"};
	WINDOW *w = newwin(5, 80, 0, 0);
	struct table t;
	const char *head;

	(void)state;
	table_init(&t, 1, cmds, 1);
	ptable_draw(w, &t.m, &t.st);
	head = line_of(w, 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const char *at = strstr(head, want[i].name);
		int x0, x1;

		assert_non_null(at);
		x0 = (int)(at - head) + (want[i].name[0] == ' ');
		x1 = x0 + (int)strlen(want[i].name) - 1 - 2 * (want[i].name[0] == ' ');
		/* every cell of the name, and the blank just before it */
		for (int x = x0 - 1; x <= x1; x++)
			if (x >= 0 && ptable_sort_at(x) != want[i].sort)
				fail_msg("x %d in '%s': sort %d, expected %d", x,
					 want[i].name, ptable_sort_at(x), want[i].sort);
	}
	assert_int_equal(ptable_sort_at(-1), -1);
	assert_int_equal(ptable_sort_at(200), PROCLIST_SORT_NAME); /* the rest */
	/* the command text starts where the header says COMMAND */
	assert_int_equal((int)(strstr(head, "COMMAND") - head), PTABLE_COMMAND_X);
	assert_memory_equal(line_of(w, 1) + PTABLE_COMMAND_X, "sleep 1", 7);
	/* the values sit under their names: the pid ends where PID does */
	assert_memory_equal(line_of(w, 1), "    100", 7);
	table_release(&t);
	delwin(w);
}

static void test_rows_under_lines(void **state)
{
	const char *const cmds[] = {"a"};
	WINDOW *w = newwin(4, 80, 0, 0); /* the header and 3 rows */
	struct table t;

	(void)state;
	table_init(&t, 5, cmds, 1);
	t.st.cur = (struct list_cursor){.sel = 3, .top = 2};
	ptable_draw(w, &t.m, &t.st);
	assert_int_equal(ptable_row_at(&t.st, 4, 0), -1); /* the header */
	for (int y = 1; y <= 3; y++) {
		long row = ptable_row_at(&t.st, 4, y);
		char pid[16];

		assert_int_equal(row, 2 + y - 1);
		snprintf(pid, sizeof(pid), "%7d", t.st.list.entries[row].row->pid);
		assert_memory_equal(line_of(w, y), pid, 7);
	}
	assert_int_equal(ptable_row_at(&t.st, 4, 4), -1); /* below the window */
	/* a short list leaves blank lines: no row there */
	t.st.cur = (struct list_cursor){0, 0};
	assert_int_equal(ptable_row_at(&t.st, 10, 5), 4);
	assert_int_equal(ptable_row_at(&t.st, 10, 6), -1);
	table_release(&t);
	delwin(w);
}

static void test_command_modes_and_scroll(void **state)
{
	const char *const cmds[] = {
		"/opt/a-rather-long-interpreter-directory/bin/python3.11 "
		"/srv/app/alpha.py",
		"/opt/a-rather-long-interpreter-directory/bin/python3.11 "
		"/srv/app/beta.py",
	};
	WINDOW *w = newwin(3, 80, 0, 0);
	struct table t;
	char a[32], b[32];

	(void)state;
	table_init(&t, 2, cmds, 2);
	ptable_draw(w, &t.m, &t.st);
	/* 21 columns of full command line: the two read the same */
	snprintf(a, sizeof(a), "%s", line_of(w, 1) + PTABLE_COMMAND_X);
	snprintf(b, sizeof(b), "%s", line_of(w, 2) + PTABLE_COMMAND_X);
	assert_string_equal(a, b);
	assert_int_equal(ptable_command_width(&t.st), (int)strlen(cmds[0]));
	/* program names: they do not */
	t.st.opts.command = CMDTEXT_NAME;
	ptable_draw(w, &t.m, &t.st);
	assert_memory_equal(line_of(w, 1) + PTABLE_COMMAND_X, "python3.11 alpha.py", 19);
	assert_memory_equal(line_of(w, 2) + PTABLE_COMMAND_X, "python3.11 beta.py ", 19);
	assert_int_equal(ptable_command_width(&t.st), (int)strlen("python3.11 alpha.py"));
	/* scrolled: the text from that column on, and the header says so */
	t.st.hscroll = 11;
	ptable_draw(w, &t.m, &t.st);
	assert_memory_equal(line_of(w, 1) + PTABLE_COMMAND_X, "alpha.py ", 9);
	assert_non_null(strstr(line_of(w, 0), "COMMAND (+11)"));
	table_release(&t);
	delwin(w);
}

static void test_fkey_bar_hits(void **state)
{
	static const struct fkey keys[] = {{"F1", "Help   "},
					   {"t/T", "Step "},
					   {"Enter", "Attach "},
					   {"F10", "Quit"}};
	WINDOW *w = newwin(1, 80, 0, 0);
	const char *bar;
	bool is_char;

	(void)state;
	fkeys_draw(w, keys, 4);
	bar = line_of(w, 0);
	for (size_t i = 0; i < 4; i++) {
		int x0 = (int)(strstr(bar, keys[i].key) - bar);
		int x1 = (int)(strstr(bar, keys[i].label) - bar) +
			 (int)strlen(keys[i].label) - 1;

		assert_int_equal(fkeys_at(keys, 4, x0), (long)i);
		assert_int_equal(fkeys_at(keys, 4, x1), (long)i);
	}
	assert_int_equal(fkeys_at(keys, 4, (int)strlen(bar) - 1), -1); /* padding */
	assert_int_equal(fkeys_at(keys, 4, -1), -1);
	assert_int_equal(fkey_code("F1", &is_char), KEY_F(1));
	assert_false(is_char);
	assert_int_equal(fkey_code("F10", &is_char), KEY_F(10));
	assert_int_equal(fkey_code("Enter", &is_char), '\r');
	assert_true(is_char);
	assert_int_equal(fkey_code("Esc", &is_char), 27);
	assert_int_equal(fkey_code("t/T", &is_char), 't');
	assert_int_equal(fkey_code("Tab", &is_char), '\t');
	delwin(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_clicks_sort_their_column),
		cmocka_unit_test(test_rows_under_lines),
		cmocka_unit_test(test_command_modes_and_scroll),
		cmocka_unit_test(test_fkey_bar_hits),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
