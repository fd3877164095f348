/* SPDX-License-Identifier: MIT */
/*
 * test_symbols: the ELF reader and the maps-based symboliser against the
 * truth of binutils: the function symbols `nm` lists for this test binary
 * must come back for addresses inside them, the build id must be the one
 * `readelf -n` prints; the PLT stubs objdump names "sym@plt" must have
 * those names; a stripped copy of this binary must name every address of a
 * function after the function's start; plus libc, the vdso, a JIT map, maps
 * text, and ELF images that lie about their own layout.
 */
#include <elf.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "collectors/ehframe.h"
#include "collectors/maps.h"
#include "collectors/symbols.h"
#include "core/xalloc.h"

struct nm_sym {
	uint64_t addr, size;
	char name[256];
};

static char exe[4096];

static int setup(void **state)
{
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	(void)state;
	if (n <= 0)
		return -1;
	exe[n] = '\0';
	return 0;
}

/* Function symbols with a size, as nm sees them. */
static size_t nm_functions(struct nm_sym **out)
{
	char cmd[4200], line[1024];
	struct nm_sym *v = NULL;
	size_t n = 0, cap = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "nm --defined-only -S '%s'", exe);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		unsigned long long a, s;
		char type, name[256];

		if (sscanf(line, "%llx %llx %c %255s", &a, &s, &type, name) != 4 ||
		    (type != 'T' && type != 't') || s == 0)
			continue;
		v = xgrow(v, &cap, n + 1, sizeof(*v));
		v[n].addr = a;
		v[n].size = s;
		snprintf(v[n].name, sizeof(v[n].name), "%s", name);
		n++;
	}
	pclose(p);
	*out = v;
	return n;
}

static uint64_t nm_addr(const struct nm_sym *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return v[i].addr;
	return 0;
}

/* Whether nm lists name at addr (static functions may share a name). */
static bool nm_has(const struct nm_sym *v, size_t n, const char *name, uint64_t addr)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].addr == addr && !strcmp(v[i].name, name))
			return true;
	return false;
}

/* Every sized function of this binary, looked up at its middle, at runtime
 * addresses (PIE: through the load bias), has nm's name or an alias of it. */
static void test_names_match_nm(void **state)
{
	struct nm_sym *v;
	size_t n = nm_functions(&v), checked = 0;
	char err[256], fn[512], mod[256];
	struct maps *m = maps_new(NULL, getpid(), err, sizeof(err));
	uint64_t bias;

	(void)state;
	assert_non_null(m);
	assert_true(n > 50);
	bias = (uint64_t)(uintptr_t)&test_names_match_nm -
	       nm_addr(v, n, "test_names_match_nm");
	for (size_t i = 0; i < n; i++) {
		uint64_t at = bias + v[i].addr + v[i].size / 2;

		assert_int_equal(maps_symbolize(m, at, fn, sizeof(fn), mod, sizeof(mod)),
				 0);
		if (!nm_has(v, n, fn, v[i].addr))
			fail_msg("0x%llx: got '%s', nm says '%s'",
				 (unsigned long long)v[i].addr, fn, v[i].name);
		assert_string_equal(mod, strrchr(exe, '/') + 1);
		checked++;
	}
	assert_int_equal(checked, n);
	maps_free(m);
	free(v);
}

/* readelf -n's build id of this test binary, into want. */
static void readelf_build_id(char want[128])
{
	char cmd[4200], line[512];
	FILE *p;

	want[0] = '\0';
	snprintf(cmd, sizeof(cmd), "readelf -n '%s'", exe);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p))
		if (sscanf(line, " Build ID: %127s", want) == 1)
			break;
	pclose(p);
}

static void test_build_id_matches_readelf(void **state)
{
	char err[256], want[128];
	struct elf_file *f;

	(void)state;
	readelf_build_id(want);
	assert_int_equal(elf_file_open(exe, NULL, &f, err, sizeof(err)), 0);
	assert_string_equal(f->build_id, want);
	assert_true(f->eh_frame_hdr_vaddr != 0);
	assert_true(f->nloads >= 2);
	elf_file_free(f);
}

/* The mapping of this binary's code, as pprof's Mapping takes it: the
 * maps line's addresses and offset, the path, readelf's build id. */
static void test_region_of_own_code(void **state)
{
	uint64_t at = (uint64_t)(uintptr_t)&test_region_of_own_code;
	char err[256], want[128];
	struct maps *m = maps_new(NULL, getpid(), err, sizeof(err));
	struct maps_region r;

	(void)state;
	assert_non_null(m);
	readelf_build_id(want);
	assert_true(strlen(want) >= 16);
	assert_int_equal(maps_region(m, at, &r), 0);
	assert_true(r.start <= at && at < r.end);
	assert_true(r.pgoff % 4096 == 0);
	assert_string_equal(r.path, exe);
	assert_string_equal(r.build_id, want);
	maps_free(m);
}

/* A file offset and its virtual address are two views of one byte. */
static void test_offset_vaddr_round_trip(void **state)
{
	struct elf_file *f;
	char err[256];
	uint8_t a[16], b[16];

	(void)state;
	assert_int_equal(elf_file_open(exe, NULL, &f, err, sizeof(err)), 0);
	for (size_t i = 0; i < f->nloads; i++) {
		uint64_t vaddr, off;

		if (!f->loads[i].filesz)
			continue;
		assert_int_equal(elf_file_offset_to_vaddr(f, f->loads[i].offset, &vaddr),
				 0);
		assert_int_equal(vaddr, f->loads[i].vaddr);
		assert_int_equal(elf_file_vaddr_to_offset(f, vaddr, &off), 0);
		assert_int_equal(off, f->loads[i].offset);
		if (f->loads[i].filesz >= sizeof(a)) {
			assert_int_equal(elf_file_read_vaddr(f, vaddr, a, sizeof(a)), 0);
			memcpy(b, f->bytes + off, sizeof(b));
			assert_memory_equal(a, b, sizeof(a));
		}
	}
	assert_int_equal(elf_file_offset_to_vaddr(f, (uint64_t)f->size + 4096 * 16,
						  &(uint64_t){0}),
			 -1);
	elf_file_free(f);
}

/* libc (a shared object at its own bias) and the vdso are named too. */
static void test_libc_and_vdso(void **state)
{
	char err[256], fn[512], mod[256], line[512];
	struct maps *m = maps_new(NULL, getpid(), err, sizeof(err));
	unsigned long long lo = 0, hi = 0;
	FILE *f;

	(void)state;
	assert_non_null(m);
	/* libc's code, wherever it is mapped (sanitizers intercept the
	 * functions a test could take the address of) */
	f = fopen("/proc/self/maps", "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "r-xp") && strstr(line, "/libc.so.6"))
			sscanf(line, "%llx-%llx", &lo, &hi);
	fclose(f);
	assert_true(lo && hi > lo);
	assert_int_equal(
		maps_symbolize(m, lo + (hi - lo) / 2, fn, sizeof(fn), mod, sizeof(mod)),
		0);
	assert_string_equal(mod, "libc.so.6");
	lo = hi = 0;

	f = fopen("/proc/self/maps", "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "[vdso]"))
			sscanf(line, "%llx-%llx", &lo, &hi);
	fclose(f);
	assert_true(lo && hi > lo);
	assert_true(maps_symbolize(m, lo + 1, fn, sizeof(fn), mod, sizeof(mod)) >= 0);
	assert_string_equal(mod, "[vdso]");
	maps_free(m);
}

/* JIT code: named from /tmp/perf-PID.map, re-read when it changes. */
static void test_perf_map(void **state)
{
	char path[64], err[256], fn[512], mod[256];
	void *code = mmap(NULL, 8192, PROT_READ | PROT_WRITE | PROT_EXEC,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t at = (uint64_t)(uintptr_t)code;
	struct maps *m;
	FILE *f;

	(void)state;
	assert_true(code != MAP_FAILED);
	snprintf(path, sizeof(path), "/tmp/perf-%d.map", (int)getpid());
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%llx 100 LazyCompile:~hot app.js:1\n", (unsigned long long)at);
	fprintf(f, "garbage line\n");
	fclose(f);
	m = maps_new(NULL, getpid(), err, sizeof(err));
	assert_non_null(m);
	assert_int_equal(maps_symbolize(m, at + 0x10, fn, sizeof(fn), mod, sizeof(mod)),
			 0);
	assert_string_equal(fn, "LazyCompile:~hot app.js:1");
	assert_string_equal(mod, "[jit]");
	/* anonymous memory is no file mapping */
	assert_int_equal(maps_region(m, at + 0x10, &(struct maps_region){0}), -1);
	/* past the symbol's size: unknown */
	assert_int_equal(maps_symbolize(m, at + 0x200, fn, sizeof(fn), mod, sizeof(mod)),
			 1);
	unlink(path);
	maps_free(m);
	munmap(code, 8192);
}

static void test_maps_parse(void **state)
{
	const char *text =
		"55d0c0a00000-55d0c0a01000 r--p 00000000 fd:01 1234   /usr/bin/x\n"
		"55d0c0a01000-55d0c0a05000 r-xp 00001000 fd:01 1234   /usr/bin/x\n"
		"not a maps line\n"
		"7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \n"
		"7f0000002000-7f0000001000 r-xp 00000000 00:00 0   /backwards\n"
		"7f0000003000-7f0000004000 r-xp 00002000 fd:01 99  /tmp/lib y.so "
		"(deleted)\n"
		"7fff00000000-7fff00002000 r-xp 00000000 00:00 0   [vdso]";
	struct map_entry *v;
	size_t n = maps_parse(text, &v);

	(void)state;
	assert_int_equal(n, 5);
	assert_int_equal(v[1].start, 0x55d0c0a01000ull);
	assert_int_equal(v[1].pgoff, 0x1000);
	assert_int_equal(v[1].inode, 1234);
	assert_string_equal(v[1].perms, "r-xp");
	assert_string_equal(v[1].path, "/usr/bin/x");
	assert_string_equal(v[2].path, "");
	assert_string_equal(v[3].path, "/tmp/lib y.so");
	assert_true(v[3].deleted);
	assert_false(v[1].deleted);
	assert_string_equal(v[4].path, "[vdso]");
	maps_entries_free(v, n);
}

struct plt_stub {
	uint64_t addr;
	char name[256];
};

/* The PLT stubs objdump names in file, "<sym@plt>" labels of its PLT sections. */
static size_t objdump_plt(const char *file, struct plt_stub **out)
{
	char cmd[4300], line[1024];
	struct plt_stub *v = NULL;
	size_t n = 0, cap = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 "objdump -d -j .plt -j .plt.sec -j .plt.got '%s' 2>/dev/null", file);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		unsigned long long a;
		char name[256];

		size_t len;

		/* "<puts@plt>", "<*ABS*+0x9f550@plt>"; not "<puts@plt-0x10>" */
		if (sscanf(line, "%llx <%255[^>]>:", &a, name) != 2 ||
		    (len = strlen(name)) < 5 || strcmp(name + len - 4, "@plt"))
			continue;
		v = xgrow(v, &cap, n + 1, sizeof(*v));
		v[n].addr = a;
		snprintf(v[n].name, sizeof(v[n].name), "%s", name);
		n++;
	}
	pclose(p);
	*out = v;
	return n;
}

/* Every stub objdump names in this binary has that name here, inside it too,
 * and the unsized `_init` before .plt names none of it. */
static void test_plt_stubs_named_like_objdump(void **state)
{
	struct plt_stub *v;
	size_t n = objdump_plt(exe, &v);
	struct elf_section plt;
	struct elf_file *f;
	char err[256];

	(void)state;
	/* this test calls printf, malloc, popen...: libc through the PLT */
	assert_true(n >= 10);
	assert_int_equal(elf_file_open(exe, NULL, &f, err, sizeof(err)), 0);
	for (size_t i = 0; i < n; i++) {
		const struct elf_sym *s = elf_file_lookup(f, v[i].addr);

		if (!s || strcmp(s->name, v[i].name))
			fail_msg("0x%llx: got '%s', objdump says '%s'",
				 (unsigned long long)v[i].addr, s ? s->name : "(none)",
				 v[i].name);
		s = elf_file_lookup(f, v[i].addr + 6);
		assert_non_null(s);
		assert_string_equal(s->name, v[i].name);
	}
	/* PLT0, the resolver's trampoline, is no one's: not `_init` */
	assert_int_equal(elf_file_find_section(f, ".plt", &plt), 0);
	for (uint64_t at = plt.addr; at < plt.addr + 16; at += 4) {
		const struct elf_sym *s = elf_file_lookup(f, at);

		assert_true(!s || strcmp(s->name, "_init"));
	}
	elf_file_free(f);
	free(v);
}

/* libc's own stubs, IRELATIVE ones (objdump: "*ABS*+0x...@plt") included,
 * are named after the function they reach. */
static void test_libc_plt(void **state)
{
	const char *libc = "/lib/x86_64-linux-gnu/libc.so.6";
	struct plt_stub *v;
	size_t n = objdump_plt(libc, &v), abs_named = 0;
	struct elf_file *f;
	char err[256];

	(void)state;
	assert_true(n > 10);
	assert_int_equal(elf_file_open(libc, NULL, &f, err, sizeof(err)), 0);
	for (size_t i = 0; i < n; i++) {
		const struct elf_sym *s = elf_file_lookup(f, v[i].addr + 1);
		size_t len;

		assert_non_null(s);
		len = strlen(s->name);
		assert_true(len > 4 && !strcmp(s->name + len - 4, "@plt"));
		if (strncmp(v[i].name, "*ABS*", 5))
			assert_string_equal(s->name, v[i].name);
		else if (strncmp(s->name, "*ABS*", 5))
			abs_named++;
	}
	/* glibc's internal ifunc calls (memcpy, strlen...) go through them */
	assert_true(abs_named > 0);
	elf_file_free(f);
	free(v);
}

/* A stripped copy of this binary: no symbol names its functions any more,
 * but every address inside one of them has that function's start from
 * .eh_frame, so a profile gets one row per function. */
static void test_stripped_grouped_by_fde(void **state)
{
	char dir[] = "/tmp/vigil-test-XXXXXX", path[4200], cmd[8600], err[256];
	struct nm_sym *v;
	size_t n = nm_functions(&v), checked = 0;
	struct elf_file *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/stripped", dir);
	snprintf(cmd, sizeof(cmd), "strip -o '%s' '%s'", path, exe);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(elf_file_open(path, NULL, &f, err, sizeof(err)), 0);
	for (size_t i = 0; i < n; i++) {
		uint64_t start, end;

		/* this file's own functions: compiled here, with FDEs */
		if (strncmp(v[i].name, "test_", 5) || v[i].size < 16)
			continue;
		assert_null(elf_file_lookup(f, v[i].addr + v[i].size / 2));
		for (uint64_t at = v[i].addr; at < v[i].addr + v[i].size; at += 7) {
			assert_int_equal(ehframe_function(f, at, &start, &end), 0);
			assert_int_equal(start, v[i].addr);
			assert_true(end >= v[i].addr + v[i].size);
		}
		checked++;
	}
	assert_true(checked >= 8);
	/* no FDE covers the ELF header */
	assert_int_equal(ehframe_function(f, 0, &(uint64_t){0}, &(uint64_t){0}), -1);
	elf_file_free(f);
	free(v);
	unlink(path);
	rmdir(dir);
}

/* Images that lie: every refusal is an error or an empty table, not a crash. */
static void test_hostile_images(void **state)
{
	struct elf_file *f, *g;
	char err[256];
	uint8_t *copy;
	Elf64_Ehdr *eh;

	(void)state;
	assert_int_equal(elf_file_from_bytes("hello", 5, "x", &f, err, sizeof(err)), -1);
	assert_null(f);
	assert_non_null(strstr(err, "not an ELF file"));
	assert_true(elf_file_open("/nonexistent/x", NULL, &f, err, sizeof(err)) < 0);
	assert_int_equal(elf_file_open(exe, NULL, &g, err, sizeof(err)), 0);

	/* only the ELF header: no program or section headers inside */
	assert_int_equal(elf_file_from_bytes(g->bytes, sizeof(Elf64_Ehdr), "cut", &f, err,
					     sizeof(err)),
			 0);
	assert_int_equal(f->nloads, 0);
	assert_null(elf_file_lookup(f, 0x1000));
	elf_file_free(f);

	/* section headers said to be far away, and absurd counts */
	copy = xmalloc(g->size);
	memcpy(copy, g->bytes, g->size);
	eh = (Elf64_Ehdr *)(void *)copy;
	eh->e_shoff = UINT64_MAX - 100;
	eh->e_phnum = 0xffff;
	assert_int_equal(elf_file_from_bytes(copy, g->size, "liar", &f, err, sizeof(err)),
			 0);
	assert_int_equal(elf_file_nsyms(f), 0);
	elf_file_free(f);

	/* string table offsets past the end */
	memcpy(copy, g->bytes, g->size);
	eh = (Elf64_Ehdr *)(void *)copy;
	for (unsigned i = 0; i < eh->e_shnum; i++) {
		Elf64_Shdr *sh = (Elf64_Shdr *)(void *)(copy + eh->e_shoff +
							i * sizeof(Elf64_Shdr));

		if (sh->sh_type == SHT_STRTAB)
			sh->sh_offset = g->size - 2;
	}
	assert_int_equal(
		elf_file_from_bytes(copy, g->size, "liar2", &f, err, sizeof(err)), 0);
	assert_int_equal(elf_file_nsyms(f), 0);
	elf_file_free(f);

	/* another machine */
	memcpy(copy, g->bytes, g->size);
	((Elf64_Ehdr *)(void *)copy)->e_machine = EM_AARCH64;
	assert_int_equal(elf_file_from_bytes(copy, g->size, "arm", &f, err, sizeof(err)),
			 -1);
	free(copy);
	elf_file_free(g);
}

/* A debug file is found through the build-id directory when installed. */
static void test_debug_file_by_build_id(void **state)
{
	struct elf_file *f;
	char err[256], path[4200];
	const char *libc = "/lib/x86_64-linux-gnu/libc.so.6";

	(void)state;
	assert_int_equal(elf_file_open(libc, NULL, &f, err, sizeof(err)), 0);
	assert_true(strlen(f->build_id) == 40);
	snprintf(path, sizeof(path), "/usr/lib/debug/.build-id/%.2s/%s.debug",
		 f->build_id, f->build_id + 2);
	if (access(path, R_OK) == 0) {
		assert_true(elf_file_find_debug(f, "", "/lib/x86_64-linux-gnu"));
		assert_non_null(f->debug);
		/* the debug file knows the local symbols the library lost */
		assert_true(elf_file_nsyms(f) > 3000);
	} else {
		/* libc6-dbg not installed: .dynsym only, still a fair number */
		assert_false(elf_file_find_debug(f, "", "/lib/x86_64-linux-gnu"));
		assert_true(elf_file_nsyms(f) > 1000);
	}
	elf_file_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_match_nm),
		cmocka_unit_test(test_build_id_matches_readelf),
		cmocka_unit_test(test_region_of_own_code),
		cmocka_unit_test(test_offset_vaddr_round_trip),
		cmocka_unit_test(test_libc_and_vdso),
		cmocka_unit_test(test_perf_map),
		cmocka_unit_test(test_maps_parse),
		cmocka_unit_test(test_hostile_images),
		cmocka_unit_test(test_debug_file_by_build_id),
		cmocka_unit_test(test_plt_stubs_named_like_objdump),
		cmocka_unit_test(test_libc_plt),
		cmocka_unit_test(test_stripped_grouped_by_fde),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
