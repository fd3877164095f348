/* SPDX-License-Identifier: MIT */
/*
 * test_profdiff_view: the pure half of the differential profile screen,
 * profdiff_view_act: moving and zooming in the flame graph of the side
 * whose widths are shown, switching sides with a zoom on a frame the other
 * side never ran, and the Top table's toggles. (Drawing is checked on a
 * real terminal by tests/tui/test_profdiff_screen.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/profdiff.h"
#include "core/xalloc.h"
#include "views/profdiff_view.h"

static void add(struct profile *p, const char *folded, uint64_t n)
{
	uint32_t ids[16];
	size_t depth = 0;
	char *copy = xstrdup(folded), *save = NULL;

	for (char *tok = strtok_r(copy, ";", &save); tok;
	     tok = strtok_r(NULL, ";", &save))
		ids[depth++] = profile_frame_id(p, tok, "app");
	free(copy);
	for (size_t i = 0; i < depth / 2; i++) {
		uint32_t t = ids[i];

		ids[i] = ids[depth - 1 - i];
		ids[depth - 1 - i] = t;
	}
	profile_add_stack(p, 1, ids, depth, n);
}

/* before: main;a 60, main;gc 40; after: main;a 30, main;io;read 70 */
static struct profdiff *sample_diff(void)
{
	struct profile *b = profile_new(NULL), *a = profile_new(NULL);
	struct profdiff *d;

	add(b, "main;a", 60);
	add(b, "main;gc", 40);
	add(a, "main;a", 30);
	add(a, "main;io;read", 70);
	d = profdiff_new(b, a);
	profile_free(a);
	profile_free(b);
	return d;
}

static const char *sel_name(const struct profdiff *d, uint32_t node)
{
	return node == 0 ? "all" : profdiff_function(d, d->merged->nodes[node].frame);
}

/* Down goes to the heaviest callee of the side shown; Enter zooms, Backspace
 * zooms out one level, Esc to the whole graph, and Esc there does nothing. */
static void test_flame_moves(void **state)
{
	struct profdiff *d = sample_diff();
	struct profdiff_view_state st;

	(void)state;
	profdiff_view_state_init(&st);
	assert_true(profdiff_view_act(&st, d, PROFDIFF_ACT_DOWN, 24));
	assert_string_equal(sel_name(d, st.flame.flame_sel), "main");
	assert_true(profdiff_view_act(&st, d, PROFDIFF_ACT_DOWN, 24));
	assert_string_equal(sel_name(d, st.flame.flame_sel), "io"); /* 70 of after */
	assert_true(profdiff_view_act(&st, d, PROFDIFF_ACT_RIGHT, 24));
	assert_string_equal(sel_name(d, st.flame.flame_sel), "a");
	assert_true(profdiff_view_act(&st, d, PROFDIFF_ACT_LEFT, 24));
	assert_true(profdiff_view_act(&st, d, PROFDIFF_ACT_DOWN, 24));
	assert_string_equal(sel_name(d, st.flame.flame_sel), "read");
	assert_true(profdiff_view_act(&st, d, PROFDIFF_ACT_ENTER, 24));
	assert_string_equal(sel_name(d, st.flame.zoom), "read");
	assert_true(profdiff_view_act(&st, d, PROFDIFF_ACT_ZOOM_UP, 24));
	assert_string_equal(sel_name(d, st.flame.zoom), "io");
	assert_true(profdiff_view_act(&st, d, PROFDIFF_ACT_BACK, 24));
	assert_int_equal(st.flame.zoom, 0);
	assert_false(profdiff_view_act(&st, d, PROFDIFF_ACT_BACK, 24));
	profdiff_view_state_release(&st);
	profdiff_free(d);
}

/* Zoomed into a frame only the after side ran, the before side's widths
 * move zoom and selection up to the nearest frame it did run. */
static void test_widths_switch_side(void **state)
{
	struct profdiff *d = sample_diff();
	struct profdiff_view_state st;

	(void)state;
	profdiff_view_state_init(&st);
	profdiff_view_act(&st, d, PROFDIFF_ACT_DOWN, 24);
	profdiff_view_act(&st, d, PROFDIFF_ACT_DOWN, 24);
	profdiff_view_act(&st, d, PROFDIFF_ACT_DOWN, 24);
	profdiff_view_act(&st, d, PROFDIFF_ACT_ENTER, 24);
	assert_string_equal(sel_name(d, st.flame.zoom), "read");
	assert_true(profdiff_view_act(&st, d, PROFDIFF_ACT_TOGGLE_WIDTHS, 24));
	assert_true(st.widths_before);
	assert_true(profdiff_view_tree(d, &st) == d->tree_b);
	assert_string_equal(sel_name(d, st.flame.zoom), "main");
	assert_string_equal(sel_name(d, st.flame.flame_sel), "main");
	/* on the before side the heaviest callee of main is a (60) */
	profdiff_view_act(&st, d, PROFDIFF_ACT_DOWN, 24);
	assert_string_equal(sel_name(d, st.flame.flame_sel), "a");
	profdiff_view_state_release(&st);
	profdiff_free(d);
}

/* t shows the table and back; s switches the ranking and starts at the
 * top; the cursor stays within the functions. */
static void test_top_toggles(void **state)
{
	struct profdiff *d = sample_diff();
	struct profdiff_view_state st;

	(void)state;
	profdiff_view_state_init(&st);
	assert_int_equal(st.rank, PROFDIFF_BY_TOTAL);
	assert_true(profdiff_view_act(&st, d, PROFDIFF_ACT_TOGGLE_TOP, 24));
	assert_true(st.top);
	for (int i = 0; i < 20; i++)
		profdiff_view_act(&st, d, PROFDIFF_ACT_DOWN, 24);
	assert_int_equal(st.cur.sel, (long)d->nfns - 1);
	assert_true(profdiff_view_act(&st, d, PROFDIFF_ACT_RANK_NEXT, 24));
	assert_int_equal(st.rank, PROFDIFF_BY_SELF);
	assert_int_equal(st.cur.sel, 0);
	/* Enter does nothing in the table; Esc goes back to the graph */
	assert_false(profdiff_view_act(&st, d, PROFDIFF_ACT_ENTER, 24));
	assert_true(profdiff_view_act(&st, d, PROFDIFF_ACT_BACK, 24));
	assert_false(st.top);
	profdiff_view_state_release(&st);
	profdiff_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flame_moves),
		cmocka_unit_test(test_widths_switch_side),
		cmocka_unit_test(test_top_toggles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
