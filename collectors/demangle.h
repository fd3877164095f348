/* SPDX-License-Identifier: MIT */
/*
 * demangle: C++ and Rust symbol names as people read them, through
 * libiberty's cplus_demangle (the demangler binutils, gdb and perf use) in
 * its automatic style: Itanium C++ ABI names (`_ZN2ns5Klass6methodEi` ->
 * `ns::Klass::method(int)`), Rust legacy names (`_ZN...17h<hash>E`, the hash
 * dropped) and Rust v0 names (`_R...`). A "@plt" suffix (collectors/plt.h)
 * is kept: `_Znwm@plt` -> `operator new(unsigned long)@plt`.
 *
 * Anything that is not a mangled name (C symbols, JIT names) is copied as it
 * is. Thread-safe: libiberty's demangler keeps no state.
 */
#ifndef VIGIL_COLLECTORS_DEMANGLE_H
#define VIGIL_COLLECTORS_DEMANGLE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Writes the readable form of name into out (cut to outlen - 1 bytes).
 * Returns true when name was mangled and has been demangled, false when it
 * was copied as it is.
 */
bool demangle(const char *name, char *out, size_t outlen);

#endif
