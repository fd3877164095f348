/* SPDX-License-Identifier: MIT */
/*
 * test_alloc_probes: the order of the allocator probes (alloc_probes_order).
 * The sampler closes the last event first, and a breakpoint stays until the
 * last event on it is closed, so the busiest function must come last. (The
 * finding of the probes needs the uprobe PMU and a live process: that is
 * test_alloc's.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "collectors/alloc_probes.h"

/* Events as alloc_probes_find lists them for one module in alloc mode:
 * posix_memalign, memalign, realloc, calloc, malloc (malloc last). */
static void fill(struct alloc_probes *p)
{
	static const enum alloc_fn fns[] = {ALLOC_POSIX_MEMALIGN, ALLOC_MEMALIGN,
					    ALLOC_REALLOC, ALLOC_CALLOC, ALLOC_MALLOC};

	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		p->ev[i].tag = ALLOC_TAG(fns[i], false);
		p->ev[i].config2 = 0x1000 * (i + 1); /* travels with its event */
	}
	p->n = sizeof(fns) / sizeof(fns[0]);
}

static enum alloc_fn fn_at(const struct alloc_probes *p, size_t i)
{
	return ALLOC_TAG_FN(p->ev[i].tag);
}

static void test_busiest_last(void **state)
{
	struct alloc_probes p;
	uint64_t calls[ALLOC_NFN] = {0};

	(void)state;
	fill(&p);
	calls[ALLOC_CALLOC] = 90000;
	calls[ALLOC_MALLOC] = 400;
	calls[ALLOC_REALLOC] = 7;
	alloc_probes_order(&p, calls);
	assert_int_equal(p.n, 5);
	assert_int_equal(fn_at(&p, 4), ALLOC_CALLOC);
	assert_int_equal(fn_at(&p, 3), ALLOC_MALLOC);
	assert_int_equal(fn_at(&p, 2), ALLOC_REALLOC);
	/* the uncalled keep their order, first */
	assert_int_equal(fn_at(&p, 0), ALLOC_POSIX_MEMALIGN);
	assert_int_equal(fn_at(&p, 1), ALLOC_MEMALIGN);
	/* each event moved whole */
	assert_true(p.ev[4].config2 == 0x4000);
	assert_true(p.ev[3].config2 == 0x5000);
}

/* Nothing seen yet: find's order (malloc last) stays. */
static void test_no_calls_keeps_order(void **state)
{
	struct alloc_probes p;
	uint64_t calls[ALLOC_NFN] = {0};

	(void)state;
	fill(&p);
	alloc_probes_order(&p, calls);
	assert_int_equal(fn_at(&p, 0), ALLOC_POSIX_MEMALIGN);
	assert_int_equal(fn_at(&p, 3), ALLOC_CALLOC);
	assert_int_equal(fn_at(&p, 4), ALLOC_MALLOC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_busiest_last),
		cmocka_unit_test(test_no_calls_keeps_order),
	};

	return cmocka_run_group_tests_name("alloc_probes", tests, NULL, NULL);
}
