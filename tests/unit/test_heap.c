/* SPDX-License-Identifier: MIT */
/*
 * test_heap: the heap collector (collectors/heap.c) and the structs it fills
 * (core/heap_sample.c): smaps_rollup and smaps parsing against fixture trees
 * (tests/fixtures/proc-heap/), region classification rule by rule, keys that
 * hold while VMAs split, merge and grow (in fixtures and in this very
 * process), hostile text, the read cadence, and the memory limit lookup over
 * fixture cgroup trees (v1 hybrid and v2) and the real machine.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "collectors/heap.h"
#include "core/heap_sample.h"
#include "core/procfs.h"
#include "core/xalloc.h"

#define KIB 1024ull
#define MIB (1024ull * 1024ull)

/* "<srcdir>/tests/fixtures/proc-heap/<rel>", owned by the caller. */
static char *fixture(const char *rel)
{
	const char *src = getenv("VIGIL_SRCDIR");

	return xasprintf("%s/tests/fixtures/proc-heap/%s", src && *src ? src : ".", rel);
}

static char *fixture_text(const char *rel)
{
	char *root = fixture("");
	char *buf = xcalloc(1, 1 << 20);

	assert_true(procfs_read(root, rel, buf, 1 << 20) > 0);
	free(root);
	return buf;
}

static const struct heap_mapping *must_find(const struct heap_mapping_set *s,
					    const char *key)
{
	const struct heap_mapping *m = heap_mapping_set_find(s, key);

	if (!m)
		fail_msg("no region '%s'", key);
	return m;
}

/* ---- smaps_rollup ---- */

static void test_rollup_parse(void **state)
{
	char *text = fixture_text("normal/4242/smaps_rollup");
	struct heap_rollup r = {.t_ms = 7, .cost_ns = 9};

	(void)state;
	assert_int_equal(heap_parse_rollup(text, &r), 0);
	assert_int_equal(r.rss, 104856 * KIB);
	assert_int_equal(r.pss, 98765 * KIB);
	assert_int_equal(r.private_dirty, 90000 * KIB);
	assert_int_equal(r.anonymous, 88000 * KIB);
	assert_int_equal(r.lazyfree, 1024 * KIB);
	assert_int_equal(r.swap, 2048 * KIB);
	assert_int_equal(r.swap_pss, 2000 * KIB);
	assert_int_equal(r.pss_anon, 88000 * KIB);
	assert_int_equal(r.have, HEAP_ROLLUP_HAVE_LAZYFREE | HEAP_ROLLUP_HAVE_PSS_ANON);
	assert_int_equal(r.t_ms, 7); /* the parser leaves time and cost alone */
	assert_int_equal(r.cost_ns, 9);
	free(text);
}

static void test_rollup_optional_and_required(void **state)
{
	struct heap_rollup r = {0}, before;
	const char *old_kernel = "Rss: 10 kB\nPss: 9 kB\nPrivate_Dirty: 8 kB\n"
				 "Anonymous: 7 kB\nSwap: 1 kB\n";

	(void)state;
	assert_int_equal(heap_parse_rollup(old_kernel, &r), 0);
	assert_int_equal(r.have, 0);
	assert_int_equal(r.anonymous, 7 * KIB);
	assert_int_equal(r.lazyfree, 0);
	/* each required key missing in turn: -1 and *out untouched */
	const char *missing[] = {
		"Pss: 9 kB\nPrivate_Dirty: 8 kB\nAnonymous: 7 kB\nSwap: 1 kB\n",
		"Rss: 10 kB\nPrivate_Dirty: 8 kB\nAnonymous: 7 kB\nSwap: 1 kB\n",
		"Rss: 10 kB\nPss: 9 kB\nAnonymous: 7 kB\nSwap: 1 kB\n",
		"Rss: 10 kB\nPss: 9 kB\nPrivate_Dirty: 8 kB\nSwap: 1 kB\n",
		"Rss: 10 kB\nPss: 9 kB\nPrivate_Dirty: 8 kB\nAnonymous: 7 kB\n",
		"Rss: ten kB\nPss: 9 kB\nPrivate_Dirty: 8 kB\nAnonymous: 7 kB\nSwap: 1 "
		"kB\n",
		"",
	};
	for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
		before = r;
		assert_int_equal(heap_parse_rollup(missing[i], &r), -1);
		assert_memory_equal(&r, &before, sizeof(r));
	}
}

static void test_rollup_read(void **state)
{
	char *root = fixture("normal");
	struct heap_rollup r;
	char err[128] = "";

	(void)state;
	assert_int_equal(heap_read_rollup(root, 4242, 1234, &r, err, sizeof(err)), 0);
	assert_int_equal(r.t_ms, 1234);
	assert_true(r.cost_ns >= 0);
	assert_int_equal(r.anonymous, 88000 * KIB);
	assert_int_equal(heap_read_rollup(root, 999999, 0, &r, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "smaps_rollup"));
	free(root);
	/* the real file of this process */
	assert_int_equal(heap_read_rollup(NULL, getpid(), 1, &r, err, sizeof(err)), 0);
	assert_true(r.rss > 0 && r.pss > 0 && r.anonymous > 0);
	assert_true(r.pss <= r.rss);
}

/* ---- smaps ---- */

static void test_smaps_regions(void **state)
{
	char *text = fixture_text("normal/4242/smaps");
	struct heap_mapping_set s = {.t_ms = 5};
	const struct heap_mapping *m;

	(void)state;
	assert_int_equal(heap_parse_smaps(text, &s), 0);
	assert_int_equal(s.t_ms, 5);
	assert_int_equal(s.nvmas, 24);
	/* sorted and unique */
	for (size_t i = 1; i < s.n; i++)
		assert_true(strcmp(s.maps[i - 1].key, s.maps[i].key) < 0);

	m = must_find(&s, "file:/usr/bin/app");
	assert_int_equal(m->kind, HEAP_KIND_FILE);
	assert_int_equal(m->vmas, 4);
	assert_int_equal(m->size, 36 * KIB);
	assert_int_equal(m->rss, 36 * KIB);
	assert_int_equal(m->anon, 4 * KIB); /* the written data page */
	assert_string_equal(m->name, "/usr/bin/app");

	m = must_find(&s, "heap");
	assert_int_equal(m->kind, HEAP_KIND_HEAP);
	assert_int_equal(m->size, 2 * MIB);
	assert_int_equal(m->anon, 1536 * KIB);
	assert_string_equal(m->name, "[heap]");

	/* the glibc arena: rw part and PROT_NONE tail are one run, keyed by its end */
	m = must_find(&s, "anon:7f0004000000");
	assert_int_equal(m->kind, HEAP_KIND_ANON);
	assert_int_equal(m->vmas, 2);
	assert_int_equal(m->size, 64 * MIB);
	assert_int_equal(m->anon, 3 * MIB);
	assert_int_equal(m->swap, 256 * KIB);
	assert_string_equal(m->name, "[anon]");

	/* guard + stack, keyed by the stack's top */
	m = must_find(&s, "stack:7f1000801000");
	assert_int_equal(m->kind, HEAP_KIND_STACK);
	assert_int_equal(m->vmas, 2);
	assert_int_equal(m->size, 8 * MIB + 4 * KIB);
	assert_string_equal(m->name, "[thread stack]");

	/* two adjacent anonymous VMAs of different permissions: one run */
	m = must_find(&s, "anon:7f1000b00000");
	assert_int_equal(m->vmas, 2);
	assert_int_equal(m->anon, 1088 * KIB);

	m = must_find(&s, "file:/usr/lib/x86_64-linux-gnu/libc.so.6");
	assert_int_equal(m->vmas, 5);
	assert_int_equal(m->pss, (20 + 100 + 25 + 16 + 8) * KIB);
	/* libc's bss: anonymous, its own run */
	m = must_find(&s, "anon:7f2000228000");
	assert_int_equal(m->anon, 20 * KIB);

	m = must_find(&s, "shmem:/dev/shm/ring");
	assert_int_equal(m->kind, HEAP_KIND_SHMEM);
	assert_int_equal(m->pss, 512 * KIB);
	m = must_find(&s, "anon:[anon:jit cache]");
	assert_int_equal(m->kind, HEAP_KIND_ANON);
	m = must_find(&s, "file:/var/data/old db (deleted)");
	assert_int_equal(m->kind, HEAP_KIND_FILE);
	assert_int_equal(must_find(&s, "stack")->kind, HEAP_KIND_STACK);
	assert_int_equal(must_find(&s, "other:[vvar]")->kind, HEAP_KIND_OTHER);
	assert_int_equal(must_find(&s, "other:[vdso]")->kind, HEAP_KIND_OTHER);
	assert_int_equal(must_find(&s, "other:[vsyscall]")->kind, HEAP_KIND_OTHER);
	assert_int_equal(s.n, 14);

	/* per-kind totals add up to the regions */
	{
		uint64_t rss[HEAP_KIND_N] = {0}, anon[HEAP_KIND_N] = {0};

		for (size_t i = 0; i < s.n; i++) {
			rss[s.maps[i].kind] += s.maps[i].rss;
			anon[s.maps[i].kind] += s.maps[i].anon;
		}
		for (int k = 0; k < HEAP_KIND_N; k++) {
			assert_int_equal(s.total[k][0], rss[k]);
			assert_int_equal(s.total[k][1], anon[k]);
		}
		assert_int_equal(s.total[HEAP_KIND_ANON][1],
				 (3072 + 1088 + 20 + 512) * KIB);
	}
	assert_null(heap_mapping_set_find(&s, "anon:0"));
	heap_mapping_set_release(&s);
	assert_int_equal(s.n, 0);
	assert_null(s.maps);
	free(text);
}

/*
 * The same process later: brk heap grown, the arena grown by mprotect (the
 * rw/--- boundary moved) and a new mapping merged into it from below (the
 * VMA's start moved), a run grown downward, a libc VMA split in two. Every
 * region keeps its key; the growth lands in the right one.
 */
static void test_smaps_keys_survive_split_merge_growth(void **state)
{
	char *a_text = fixture_text("normal/4242/smaps");
	char *b_text = fixture_text("grown/4242/smaps");
	struct heap_mapping_set a = {0}, b = {0};

	(void)state;
	assert_int_equal(heap_parse_smaps(a_text, &a), 0);
	assert_int_equal(heap_parse_smaps(b_text, &b), 0);
	assert_int_equal(a.n, b.n);
	for (size_t i = 0; i < a.n; i++) {
		assert_string_equal(a.maps[i].key, b.maps[i].key);
		assert_int_equal(a.maps[i].kind, b.maps[i].kind);
	}
	assert_int_equal(must_find(&b, "heap")->anon - must_find(&a, "heap")->anon,
			 1024 * KIB);
	assert_int_equal(must_find(&b, "anon:7f0004000000")->anon, 20480 * KIB);
	assert_int_equal(must_find(&b, "anon:7f0004000000")->size, 80 * MIB);
	assert_int_equal(must_find(&b, "anon:7f1000b00000")->anon, 1600 * KIB);
	assert_int_equal(must_find(&b, "file:/usr/lib/x86_64-linux-gnu/libc.so.6")->vmas,
			 6);
	assert_int_equal(must_find(&b, "file:/usr/lib/x86_64-linux-gnu/libc.so.6")->size,
			 must_find(&a, "file:/usr/lib/x86_64-linux-gnu/libc.so.6")->size);
	heap_mapping_set_release(&a);
	heap_mapping_set_release(&b);
	free(a_text);
	free(b_text);
}

static struct heap_vma vma(uint64_t start, uint64_t end, const char *perms, char *path)
{
	struct heap_vma v = {.start = start, .end = end, .path = path};

	memcpy(v.perms, perms, 4);
	return v;
}

static void test_classify_rules(void **state)
{
	char key[256];
	char heap[] = "[heap]", stack[] = "[stack]", tstack[] = "[stack:77]",
	     named[] = "[anon:buf]", ashm[] = "[anon_shmem:q]", vdso[] = "[vdso]",
	     shm[] = "/dev/shm/x", sysv[] = "/SYSV00000000 (deleted)",
	     memfd[] = "/memfd:j", zero[] = "/dev/zero (deleted)", lib[] = "/lib/x.so";
	struct heap_vma v, g, s;

	(void)state;
	v = vma(0x1000, 0x2000, "rw-p", heap);
	assert_int_equal(heap_classify(NULL, &v, NULL, 0, key, sizeof(key)),
			 HEAP_KIND_HEAP);
	assert_string_equal(key, "heap");
	v.path = stack;
	assert_int_equal(heap_classify(NULL, &v, NULL, 0, key, sizeof(key)),
			 HEAP_KIND_STACK);
	assert_string_equal(key, "stack");
	v.path = tstack;
	assert_int_equal(heap_classify(NULL, &v, NULL, 0, key, sizeof(key)),
			 HEAP_KIND_STACK);
	assert_string_equal(key, "stack:[stack:77]");
	v.path = named;
	assert_int_equal(heap_classify(NULL, &v, NULL, 0, key, sizeof(key)),
			 HEAP_KIND_ANON);
	assert_string_equal(key, "anon:[anon:buf]");
	v.path = ashm;
	assert_int_equal(heap_classify(NULL, &v, NULL, 0, key, sizeof(key)),
			 HEAP_KIND_SHMEM);
	v.path = vdso;
	assert_int_equal(heap_classify(NULL, &v, NULL, 0, key, sizeof(key)),
			 HEAP_KIND_OTHER);
	assert_string_equal(key, "other:[vdso]");
	char *shmem_paths[] = {shm, sysv, memfd, zero};
	for (size_t i = 0; i < 4; i++) {
		v = vma(0x1000, 0x2000, "rw-s", shmem_paths[i]);
		assert_int_equal(heap_classify(NULL, &v, NULL, 0, key, sizeof(key)),
				 HEAP_KIND_SHMEM);
	}
	v = vma(0x1000, 0x2000, "rw-s", lib); /* a shared file mapping is a file */
	assert_int_equal(heap_classify(NULL, &v, NULL, 0, key, sizeof(key)),
			 HEAP_KIND_FILE);
	assert_string_equal(key, "file:/lib/x.so");

	/* guard + stack, from both sides */
	g = vma(0x7f0000100000, 0x7f0000101000, "---p", NULL);
	s = vma(0x7f0000101000, 0x7f0000901000, "rw-p", NULL);
	assert_int_equal(heap_classify(NULL, &g, &s, 0, key, sizeof(key)),
			 HEAP_KIND_STACK);
	assert_string_equal(key, "stack:7f0000901000");
	assert_int_equal(heap_classify(&g, &s, NULL, 0, key, sizeof(key)),
			 HEAP_KIND_STACK);
	assert_string_equal(key, "stack:7f0000901000");
	/* not a guard: too big, not adjacent, not PROT_NONE */
	g.start = g.end - 2 * MIB;
	assert_int_equal(heap_classify(&g, &s, NULL, 0x7f0000901000, key, sizeof(key)),
			 HEAP_KIND_ANON);
	assert_string_equal(key, "anon:7f0000901000");
	g = vma(0x7f0000100000, 0x7f0000100800, "---p", NULL);
	assert_int_equal(heap_classify(&g, &s, NULL, 1, key, sizeof(key)),
			 HEAP_KIND_ANON);
	g = vma(0x7f0000100000, 0x7f0000101000, "r--p", NULL);
	assert_int_equal(heap_classify(&g, &s, NULL, 1, key, sizeof(key)),
			 HEAP_KIND_ANON);
	/* a stack too small for a thread */
	g = vma(0x7f0000100000, 0x7f0000101000, "---p", NULL);
	s = vma(0x7f0000101000, 0x7f0000102000, "rw-p", NULL);
	assert_int_equal(heap_classify(&g, &s, NULL, 1, key, sizeof(key)),
			 HEAP_KIND_ANON);
	/* an arena whose writable part starts on 64 MiB is not a stack */
	g = vma(0x7f0003fff000, 0x7f0004000000, "---p", NULL);
	s = vma(0x7f0004000000, 0x7f0004100000, "rw-p", NULL);
	assert_int_equal(heap_classify(&g, &s, NULL, 0x7f0008000000, key, sizeof(key)),
			 HEAP_KIND_ANON);
	assert_string_equal(key, "anon:7f0008000000");
	/* a key longer than the buffer is cut, not overflowed */
	v = vma(0x1000, 0x2000, "r--p", lib);
	assert_int_equal(heap_classify(NULL, &v, NULL, 0, key, 8), HEAP_KIND_FILE);
	assert_string_equal(key, "file:/l");
}

static void test_smaps_hostile(void **state)
{
	struct heap_mapping_set s = {0};
	struct heap_smaps p;
	const char *texts[] = {
		"",
		"\n\n\n",
		"garbage\nmore garbage\n",
		"Size: 4 kB\nRss: 4 kB\n",		/* fields with no header */
		"1000-2000 rw-p\n",			/* header cut short */
		"2000-1000 rw-p 00000000 00:00 0\n",	/* end before start */
		"1000-2000 rwzp 00000000 00:00 0\n",	/* bad perms */
		"1000-2000 rw-p 00000000 00:00 x\n",	/* bad inode */
		"fffffffffffffffff-1 rw-p 0 00:00 0\n", /* overflow */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		assert_int_equal(heap_parse_smaps(texts[i], &s), -1);
		assert_int_equal(s.n, 0);
	}
	/* a good VMA among bad lines: kept, with the bad lines counted */
	heap_smaps_init(&p);
	heap_smaps_line(&p, "junk", 4);
	heap_smaps_line(&p, "1000-3000 rw-p 00000000 00:00 0", 31);
	heap_smaps_line(&p, "Rss: 99999999999999999999 kB", 28); /* overflow */
	heap_smaps_line(&p, "Anonymous:     8 kB", 19);
	heap_smaps_line(&p, "Rss: 8", 6); /* no unit: bytes as written */
	heap_smaps_line(&p, "VmFlags: rd wr", 14);
	heap_smaps_line(&p, "Weird Key: 1", 12);
	assert_int_equal(p.bad_lines, 3);
	assert_int_equal(heap_smaps_finish(&p, &s), 0);
	assert_int_equal(p.n, 0); /* emptied */
	assert_int_equal(s.n, 1);
	assert_string_equal(s.maps[0].key, "anon:3000");
	assert_int_equal(s.maps[0].anon, 8 * KIB);
	assert_int_equal(s.maps[0].rss, 8);
	assert_int_equal(s.maps[0].size, 0x2000);
	heap_mapping_set_release(&s);
}

static void test_smaps_truncated_everywhere(void **state)
{
	char *text = fixture_text("normal/4242/smaps");
	size_t len = strlen(text);

	(void)state;
	/* every prefix (a process exiting mid-read) parses or fails cleanly */
	for (size_t cut = 0; cut <= len; cut += 7) {
		struct heap_mapping_set s = {0};
		char saved = text[cut];
		int rc;

		text[cut] = '\0';
		rc = heap_parse_smaps(text, &s);
		text[cut] = saved;
		if (rc == 0)
			assert_true(s.n >= 1 && s.nvmas >= 1);
		else
			assert_int_equal(s.n, 0);
		heap_mapping_set_release(&s);
	}
	free(text);
}

static void test_smaps_read_fixture(void **state)
{
	char *root = fixture("normal");
	struct heap_mapping_set *s = heap_mapping_set_new();
	char err[128] = "";

	(void)state;
	assert_int_equal(heap_read_smaps(root, 4242, 99, s, err, sizeof(err)), 0);
	assert_int_equal(s->t_ms, 99);
	assert_int_equal(s->nvmas, 24);
	assert_int_equal(s->n, 14);
	assert_true(s->cost_ns >= 0);
	assert_int_equal(heap_read_smaps(root, 999999, 0, s, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "smaps"));
	heap_mapping_set_free(s);
	heap_mapping_set_free(NULL);
	free(root);
}

static void *park(void *arg)
{
	pthread_barrier_t *b = arg;

	pthread_barrier_wait(b); /* started */
	pthread_barrier_wait(b); /* released */
	return NULL;
}

/* This process: its thread's stack is found, and an arena-like reservation
 * that grows by mprotect keeps its key while its anonymous bytes rise. */
static void test_smaps_read_self(void **state)
{
	struct heap_mapping_set a = {0}, b = {0};
	char err[128] = "", key[64];
	pthread_barrier_t bar;
	pthread_attr_t attr;
	pthread_t th;
	void *stack_addr;
	size_t stack_size, page = (size_t)procfs_page_size();
	const struct heap_mapping *m;
	char *res;
	bool found = false;

	(void)state;
	pthread_barrier_init(&bar, NULL, 2);
	pthread_attr_init(&attr);
	assert_int_equal(pthread_attr_setstacksize(&attr, 512 * KIB), 0);
	assert_int_equal(pthread_create(&th, &attr, park, &bar), 0);
	pthread_attr_destroy(&attr);
	pthread_barrier_wait(&bar);
	assert_int_equal(pthread_getattr_np(th, &attr), 0);
	assert_int_equal(pthread_attr_getstack(&attr, &stack_addr, &stack_size), 0);
	pthread_attr_destroy(&attr);

	/* a 64-page reservation, the first 4 writable and touched */
	res = mmap(NULL, 64 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(res != MAP_FAILED);
	assert_int_equal(mprotect(res, 4 * page, PROT_READ | PROT_WRITE), 0);
	memset(res, 1, 4 * page);

	assert_int_equal(heap_read_smaps(NULL, getpid(), 1, &a, err, sizeof(err)), 0);
	assert_true(a.nvmas > 10);
	snprintf(key, sizeof(key), "stack:%" PRIxPTR, (uintptr_t)stack_addr + stack_size);
	m = must_find(&a, key);
	assert_int_equal(m->kind, HEAP_KIND_STACK);
	assert_true(m->size >= stack_size);
	assert_non_null(heap_mapping_set_find(&a, "stack"));

	/* grow it like an arena: the boundary moves up, 16 more pages resident */
	assert_int_equal(mprotect(res, 20 * page, PROT_READ | PROT_WRITE), 0);
	memset(res, 2, 20 * page);
	assert_int_equal(heap_read_smaps(NULL, getpid(), 2, &b, err, sizeof(err)), 0);
	for (size_t i = 0; i < b.n; i++) {
		const struct heap_mapping *before;

		if (b.maps[i].kind != HEAP_KIND_ANON)
			continue;
		before = heap_mapping_set_find(&a, b.maps[i].key);
		if (before && b.maps[i].anon >= before->anon + 16 * page &&
		    b.maps[i].size == before->size)
			found = true;
	}
	assert_true(found);

	pthread_barrier_wait(&bar);
	pthread_join(th, NULL);
	pthread_barrier_destroy(&bar);
	munmap(res, 64 * page);
	heap_mapping_set_release(&a);
	heap_mapping_set_release(&b);
}

static void test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(heap_kind_name(HEAP_KIND_HEAP), "heap");
	assert_string_equal(heap_kind_name(HEAP_KIND_ANON), "anon");
	assert_string_equal(heap_kind_name(HEAP_KIND_STACK), "stack");
	assert_string_equal(heap_kind_name(HEAP_KIND_FILE), "file");
	assert_string_equal(heap_kind_name(HEAP_KIND_SHMEM), "shmem");
	assert_string_equal(heap_kind_name(HEAP_KIND_OTHER), "other");
	assert_string_equal(heap_kind_name(HEAP_KIND_N), "?");
}

/* ---- cadence ---- */

static void test_cadence(void **state)
{
	struct heap_cadence c;

	(void)state;
	heap_cadence_init(&c, 10000);
	assert_true(heap_cadence_due(&c, 0)); /* the first reading is due at once */
	heap_cadence_done(&c, 1000, 5000000); /* 5 ms: 500 ms by cost, the period wins */
	assert_int_equal(heap_cadence_interval_ms(&c), 10000);
	assert_false(heap_cadence_due(&c, 10999));
	assert_true(heap_cadence_due(&c, 11000));
	heap_cadence_done(&c, 11000, 250000000); /* 250 ms: 25 s by cost */
	assert_int_equal(heap_cadence_interval_ms(&c), 25000);
	assert_false(heap_cadence_due(&c, 35999));
	assert_true(heap_cadence_due(&c, 36000));
	heap_cadence_done(&c, 36000, 100000001); /* a hair over 100 ms: rounded up */
	assert_int_equal(heap_cadence_interval_ms(&c), 10001);

	/* on demand: sooner than the period, never sooner than the cost allows */
	heap_cadence_done(&c, 50000, 50000000); /* 50 ms: 5 s */
	heap_cadence_request(&c, 51000);
	assert_false(heap_cadence_due(&c, 54999));
	assert_true(heap_cadence_due(&c, 55000));
	heap_cadence_request(&c, 58000);
	assert_true(heap_cadence_due(&c, 58000));
	heap_cadence_done(&c, 58000, 0);
	heap_cadence_request(&c, 58001);
	assert_true(heap_cadence_due(&c, 58001));
	/* a period of 0 is taken as 1 ms; a negative cost as none */
	heap_cadence_init(&c, 0);
	heap_cadence_done(&c, 0, -5);
	assert_int_equal(heap_cadence_interval_ms(&c), 1);
	assert_true(heap_cadence_due(&c, 1));
}

/* ---- memory limit ---- */

static void limit_case(int pid, const char *cg, int rc_want, uint64_t want,
		       enum heap_limit_source src_want)
{
	char *root = fixture("normal"), *cgroot = fixture(cg);
	uint64_t limit = 1;
	enum heap_limit_source src = HEAP_LIMIT_CGROUP2;
	char err[128] = "";

	assert_int_equal(
		heap_memory_limit(root, cgroot, pid, &limit, &src, err, sizeof(err)),
		rc_want);
	assert_int_equal(limit, want);
	assert_int_equal(src, src_want);
	free(root);
	free(cgroot);
}

static void test_memory_limit(void **state)
{
	const uint64_t memtotal = 16384000 * KIB;

	(void)state;
	/* v1 (hybrid): the parent's 1 GiB is below the leaf's 2 GiB */
	limit_case(4242, "sys-v1", 0, 1024 * MIB, HEAP_LIMIT_CGROUP1);
	/* v1 unlimited everywhere: MemTotal */
	limit_case(4444, "sys-v1", 0, memtotal, HEAP_LIMIT_MEMTOTAL);
	/* a path the mount does not show: its ancestors still count */
	limit_case(4545, "sys-v1", 0, memtotal, HEAP_LIMIT_MEMTOTAL);
	/* v2 only: "max" at the leaf, 512 MiB above */
	limit_case(4343, "sys-v2", 0, 512 * MIB, HEAP_LIMIT_CGROUP2);
	/* v1 memory named but the v2 tree given: nothing readable, MemTotal */
	limit_case(4242, "sys-v2", 0, memtotal, HEAP_LIMIT_MEMTOTAL);
	/* no cgroup file at all */
	limit_case(999999, "sys-v1", 0, memtotal, HEAP_LIMIT_MEMTOTAL);
	assert_string_equal(heap_limit_source_name(HEAP_LIMIT_CGROUP1), "cgroup1");
	assert_string_equal(heap_limit_source_name(HEAP_LIMIT_CGROUP2), "cgroup2");
	assert_string_equal(heap_limit_source_name(HEAP_LIMIT_MEMTOTAL), "memtotal");
	assert_string_equal(heap_limit_source_name(HEAP_LIMIT_NONE), "none");
}

static void test_memory_limit_no_meminfo(void **state)
{
	char *root = fixture("grown"), *cg = fixture("sys-v1");
	uint64_t limit = 7;
	enum heap_limit_source src = HEAP_LIMIT_CGROUP1;
	char err[128] = "";

	(void)state;
	assert_int_equal(
		heap_memory_limit(root, cg, 4242, &limit, &src, err, sizeof(err)),
		-ENOENT);
	assert_int_equal(limit, 0);
	assert_int_equal(src, HEAP_LIMIT_NONE);
	assert_non_null(strstr(err, "meminfo"));
	free(root);
	free(cg);
}

static void test_memory_limit_real(void **state)
{
	char text[4096], err[128] = "";
	uint64_t limit = 0, total = 0;
	enum heap_limit_source src = HEAP_LIMIT_NONE;

	(void)state;
	assert_true(procfs_read("/proc", "meminfo", text, sizeof(text)) > 0);
	assert_int_equal(procfs_kv_u64(text, "MemTotal", &total), 0);
	assert_int_equal(
		heap_memory_limit(NULL, NULL, getpid(), &limit, &src, err, sizeof(err)),
		0);
	assert_true(limit > 0 && limit <= total);
	assert_true(src != HEAP_LIMIT_NONE);
	if (src == HEAP_LIMIT_MEMTOTAL)
		assert_int_equal(limit, total);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rollup_parse),
		cmocka_unit_test(test_rollup_optional_and_required),
		cmocka_unit_test(test_rollup_read),
		cmocka_unit_test(test_smaps_regions),
		cmocka_unit_test(test_smaps_keys_survive_split_merge_growth),
		cmocka_unit_test(test_classify_rules),
		cmocka_unit_test(test_smaps_hostile),
		cmocka_unit_test(test_smaps_truncated_everywhere),
		cmocka_unit_test(test_smaps_read_fixture),
		cmocka_unit_test(test_smaps_read_self),
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_cadence),
		cmocka_unit_test(test_memory_limit),
		cmocka_unit_test(test_memory_limit_no_meminfo),
		cmocka_unit_test(test_memory_limit_real),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
