/* SPDX-License-Identifier: MIT */
/*
 * test_demangle: known mangled names and what c++filt (binutils) prints for
 * them: Itanium C++, Rust legacy and Rust v0 (as perf and rustfilt print
 * them: c++filt asks for verbose output, which adds the legacy hash and the
 * v0 crate disambiguator), PLT stubs of either; names that are not mangled
 * pass through as they are.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "collectors/demangle.h"

struct known {
	const char *mangled, *readable;
};

static void test_known_names(void **state)
{
	static const struct known k[] = {
		{"_ZN2ns5Klass6methodEi", "ns::Klass::method(int)"},
		{"_ZN2v88internal4Heap7CollectEi", "v8::internal::Heap::Collect(int)"},
		{"_ZNSt6vectorIiSaIiEE9push_backERKi",
		 "std::vector<int, std::allocator<int> >::push_back(int const&)"},
		{"_Z3fooi.cold", "foo(int) [clone .cold]"},
		{"_ZL6helperv", "helper()"},
		/* Rust legacy: the 17h<hash>E tail is not part of the name */
		{"_ZN4core3fmt5write17h0123456789abcdefE", "core::fmt::write"},
		{"_ZN3std2rt10lang_start17h5b5e6e2a4c8d9f01E", "std::rt::lang_start"},
		/* Rust v0 */
		{"_RNvNtCs1cm8ZV8z2xM_4core3fmt5write", "core::fmt::write"},
		{"_RNvCs15kBYyAo9fc_7mycrate4main", "mycrate::main"},
		/* PLT stubs keep their suffix */
		{"_Znwm@plt", "operator new(unsigned long)@plt"},
		{"_ZdlPv@plt", "operator delete(void*)@plt"},
	};
	char out[512];

	(void)state;
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		assert_true(demangle(k[i].mangled, out, sizeof(out)));
		assert_string_equal(out, k[i].readable);
	}
}

static void test_plain_names_pass_through(void **state)
{
	static const char *const plain[] = {
		"main",
		"puts@plt",
		"memcpy",
		"_start",
		"_Z",
		"_ZZZ not a name",
		"_R",
		"*ABS*+0x9f550@plt",
		"LazyCompile:~hot app.js:1",
		"",
	};
	char out[512];

	(void)state;
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		assert_false(demangle(plain[i], out, sizeof(out)));
		assert_string_equal(out, plain[i]);
	}
}

/* A small buffer gets a cut name, never an overflow. */
static void test_cut_to_fit(void **state)
{
	char out[8];

	(void)state;
	assert_true(demangle("_ZN2ns5Klass6methodEi", out, sizeof(out)));
	assert_string_equal(out, "ns::Kla");
	assert_false(demangle("a_rather_long_c_name", out, sizeof(out)));
	assert_string_equal(out, "a_rathe");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_names),
		cmocka_unit_test(test_plain_names_pass_through),
		cmocka_unit_test(test_cut_to_fit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
