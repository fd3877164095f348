/* SPDX-License-Identifier: MIT */
/*
 * test_unwind: the remote DWARF unwinder on a stack whose shape is known:
 * this very process. A chain of noinline functions captures its registers
 * and copies the top of its stack, exactly what a perf sample carries; the
 * unwinder, reading only that copy and the module files through the maps
 * of /proc/self, must name the chain back to the test function.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "collectors/maps.h"
#include "collectors/unwind.h"

#define barrier() __asm__ volatile("" ::: "memory")
#define COPY_MAX 16384

static struct unwind_regs regs;
static uint8_t stack_copy[COPY_MAX];
static size_t stack_len;
static struct maps *self_maps;

/* A plain copy: a stack holds the sanitizer's red zones, which are ours to
 * read here as they are the kernel's when it copies a sample. */
__attribute__((no_sanitize_address)) static void copy_stack(uint8_t *to, uintptr_t from,
							    size_t len)
{
	const volatile uint8_t *p = (const volatile uint8_t *)from;

	for (size_t i = 0; i < len; i++)
		to[i] = p[i];
}

/* Registers and the stack from here up, as the kernel would copy them. */
__attribute__((noinline)) static void capture(void)
{
	uint64_t *r = regs.r;
	struct map_entry *e;

	__asm__ volatile("movq %%rbx, 8(%0)\n\t"
			 "movq %%rbp, 48(%0)\n\t"
			 "movq %%rsp, 56(%0)\n\t"
			 "leaq 0(%%rip), %%rax\n\t"
			 "movq %%rax, 64(%0)\n\t"
			 "movq %%r12, 104(%0)\n\t"
			 "movq %%r13, 112(%0)\n\t"
			 "movq %%r14, 120(%0)\n\t"
			 "movq %%r15, 128(%0)\n\t"
			 :
			 : "r"(r)
			 : "rax", "memory");
	e = maps_find(self_maps, r[UNWIND_SP]);
	assert_non_null(e);
	stack_len = e->end - r[UNWIND_SP];
	if (stack_len > COPY_MAX)
		stack_len = COPY_MAX;
	copy_stack(stack_copy, (uintptr_t)r[UNWIND_SP], stack_len);
	barrier();
}

__attribute__((noinline)) static void middle_fn(void)
{
	capture();
	barrier();
}

__attribute__((noinline)) static void outer_fn(void)
{
	middle_fn();
	barrier();
}

static int setup(void **state)
{
	char err[256];

	(void)state;
	self_maps = maps_new(NULL, getpid(), err, sizeof(err));
	return self_maps ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	maps_free(self_maps);
	return 0;
}

static void name_of(uint64_t ip, char *fn, size_t len)
{
	char mod[256];

	assert_true(maps_symbolize(self_maps, ip, fn, len, mod, sizeof(mod)) >= 0);
}

static void test_unwinds_own_chain(void **state)
{
	struct unwinder *u = unwinder_new(self_maps);
	uint64_t ips[UNWIND_DEPTH_MAX];
	char fn[512];
	bool truncated;
	size_t n;

	(void)state;
	assert_non_null(u);
	outer_fn();
	barrier();
	assert_true(stack_len > 64);
	n = unwinder_unwind(u, &regs, stack_copy, stack_len, ips, UNWIND_DEPTH_MAX,
			    &truncated);
	assert_true(n >= 4);
	/* _start ends the chain: the whole stack was there */
	assert_false(truncated);
	name_of(ips[0], fn, sizeof(fn));
	assert_string_equal(fn, "capture");
	name_of(ips[1] - 1, fn, sizeof(fn));
	assert_string_equal(fn, "middle_fn");
	name_of(ips[2] - 1, fn, sizeof(fn));
	assert_string_equal(fn, "outer_fn");
	name_of(ips[3] - 1, fn, sizeof(fn));
	assert_string_equal(fn, "test_unwinds_own_chain");
	/* and on through cmocka to main */
	for (size_t i = 4; i < n; i++) {
		name_of(ips[i] - 1, fn, sizeof(fn));
		if (!strcmp(fn, "main"))
			break;
		assert_true(i + 1 < n);
	}
	/* the second time comes from libunwind's cache: the same answer */
	assert_int_equal(unwinder_unwind(u, &regs, stack_copy, stack_len, ips,
					 UNWIND_DEPTH_MAX, &truncated),
			 n);
	unwinder_free(u);
}

/* Without the stack bytes the return address is unknown: only the pc, and
 * a stack that goes on beyond it. */
static void test_no_stack_gives_pc_only(void **state)
{
	struct unwinder *u = unwinder_new(self_maps);
	uint64_t ips[8];
	bool truncated;

	(void)state;
	outer_fn();
	assert_int_equal(unwinder_unwind(u, &regs, stack_copy, 0, ips, 8, &truncated), 1);
	assert_int_equal(ips[0], regs.r[UNWIND_IP]);
	assert_true(truncated);
	unwinder_free(u);
}

/* A copy cut below the test function's frame (as perf's copy limit cuts a
 * deep stack): the frames inside it come back, and the stack is marked as
 * going on. */
static void test_cut_copy_is_truncated(void **state)
{
	struct unwinder *u = unwinder_new(self_maps);
	uint64_t ips[UNWIND_DEPTH_MAX], full[UNWIND_DEPTH_MAX];
	bool truncated;
	size_t n, all;

	(void)state;
	outer_fn();
	all = unwinder_unwind(u, &regs, stack_copy, stack_len, full, UNWIND_DEPTH_MAX,
			      &truncated);
	assert_false(truncated);
	for (size_t len = 8; len < 512 && len < stack_len; len += 8) {
		n = unwinder_unwind(u, &regs, stack_copy, len, ips, UNWIND_DEPTH_MAX,
				    &truncated);
		assert_true(n >= 1 && n < all);
		assert_memory_equal(ips, full, n * sizeof(ips[0]));
		assert_true(truncated);
	}
	unwinder_free(u);
}

/* A pc in no mapping: no table for it, no crash. (libunwind may still walk
 * on by the frame-pointer chain when the build keeps frame pointers.) */
static void test_wild_pc(void **state)
{
	struct unwinder *u = unwinder_new(self_maps);
	struct unwind_regs r;
	uint64_t ips[8];
	size_t n;

	(void)state;
	outer_fn();
	r = regs;
	r.r[UNWIND_IP] = 0x10;
	n = unwinder_unwind(u, &r, stack_copy, stack_len, ips, 8, &(bool){false});
	assert_true(n >= 1 && n <= 8);
	assert_int_equal(ips[0], 0x10);
	assert_true(unwinder_refused(u) >= 1);
	unwinder_free(u);
}

/* max bounds the depth; the frames left out make the stack truncated. */
static void test_depth_limit(void **state)
{
	struct unwinder *u = unwinder_new(self_maps);
	uint64_t ips[2];
	bool truncated;

	(void)state;
	outer_fn();
	assert_int_equal(
		unwinder_unwind(u, &regs, stack_copy, stack_len, ips, 2, &truncated), 2);
	assert_true(truncated);
	unwinder_free(u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unwinds_own_chain),
		cmocka_unit_test(test_no_stack_gives_pc_only),
		cmocka_unit_test(test_cut_copy_is_truncated),
		cmocka_unit_test(test_wild_pc),
		cmocka_unit_test(test_depth_limit),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
