/* SPDX-License-Identifier: MIT */
/*
 * test_heap_rows: smaps readings and leak suspects through a session file.
 * Regions keep one row (id) across readings, the latest reading at a time is
 * listed largest anon + swap first, a region's history comes back in time
 * order, and the suspects read back are those of the verdict in force (none
 * when that verdict raised none, even if an earlier one did).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/frame.h"
#include "core/xalloc.h"
#include "store/heap_rows.h"
#include "store/store.h"

#define T0 1700000000000LL
#define MIB (1024ull * 1024)

static char path[64];

static struct frame *frame_at(uint64_t seq)
{
	struct frame *f = frame_new();
	struct target_sample *t = xcalloc(1, sizeof(*t));

	f->seq = seq;
	f->t_ms = T0 + 1000 * (int64_t)seq;
	t->pid = 4242;
	t->start_ticks = 777;
	t->alive = true;
	t->exit_code = -1;
	snprintf(t->comm, sizeof(t->comm), "leaker");
	f->target = t;
	return f;
}

/* Regions in ascending key order: {key, kind, anon MiB}. */
struct region_spec {
	const char *key, *name;
	enum heap_kind kind;
	uint64_t anon_mib;
};

static void add_mappings(struct frame *f, const struct region_spec *r, size_t n)
{
	struct heap_mapping_set *set = heap_mapping_set_new();

	set->t_ms = f->t_ms;
	set->cost_ns = 1234567;
	set->nvmas = 10 * n;
	set->n = n;
	set->maps = xcalloc(n, sizeof(*set->maps));
	for (size_t i = 0; i < n; i++) {
		struct heap_mapping *m = &set->maps[i];

		m->key = xstrdup(r[i].key);
		m->name = xstrdup(r[i].name);
		m->kind = r[i].kind;
		m->vmas = 10;
		m->anon = r[i].anon_mib * MIB;
		m->rss = m->anon + MIB;
		m->size = 2 * m->rss;
		m->pss = m->rss;
		m->swap = 4096;
	}
	f->mappings = set;
}

static void add_verdict(struct frame *f, const char *state, bool suspects)
{
	f->leak = xcalloc(1, sizeof(*f->leak));
	snprintf(f->leak->source, sizeof(f->leak->source), "rss");
	snprintf(f->leak->state, sizeof(f->leak->state), "%s", state);
	f->leak->time_to_limit_s = -1;
	if (!suspects)
		return;
	f->nsuspects = 2;
	f->suspects = xcalloc(2, sizeof(*f->suspects));
	snprintf(f->suspects[0].kind, sizeof(f->suspects[0].kind), "process");
	snprintf(f->suspects[0].name, sizeof(f->suspects[0].name), "leaker");
	f->suspects[0].rate_bytes_per_hour = 3600.0 * MIB;
	f->suspects[0].size_bytes = 40 * MIB;
	f->suspects[0].since_ms = T0 + 500;
	snprintf(f->suspects[1].kind, sizeof(f->suspects[1].kind), "mapping");
	snprintf(f->suspects[1].region, sizeof(f->suspects[1].region), "heap");
	snprintf(f->suspects[1].key, sizeof(f->suspects[1].key), "heap");
	snprintf(f->suspects[1].name, sizeof(f->suspects[1].name), "[heap]");
	f->suspects[1].rate_bytes_per_hour = 3500.0 * MIB;
	f->suspects[1].size_bytes = 7 * MIB;
}

static struct store *session(void)
{
	static const struct region_spec first[] = {
		{"anon:7f00", "[anon]", HEAP_KIND_ANON, 10},
		{"file:/lib/libc.so.6", "/lib/libc.so.6", HEAP_KIND_FILE, 1},
		{"heap", "[heap]", HEAP_KIND_HEAP, 5},
	};
	static const struct region_spec second[] = {
		{"anon:7e00", "[anon]", HEAP_KIND_ANON, 2},
		{"anon:7f00", "[anon]", HEAP_KIND_ANON, 10},
		{"file:/lib/libc.so.6", "/lib/libc.so.6", HEAP_KIND_FILE, 1},
		{"heap", "[heap]", HEAP_KIND_HEAP, 7},
	};
	struct store *s = NULL;
	struct frame *f[5];
	char err[256];
	int fd;

	snprintf(path, sizeof(path), "/tmp/vigil-test-heaprows-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	if (store_create(path, false, &s, err, sizeof(err)) < 0)
		fail_msg("store_create: %s", err);
	for (uint64_t k = 0; k < 5; k++)
		f[k] = frame_at(k);
	add_mappings(f[1], first, 3);
	add_mappings(f[2], second, 4);
	add_verdict(f[3], "leak-suspect", true);
	add_verdict(f[4], "stable", false);
	for (int k = 0; k < 5; k++) {
		if (store_write_frame(s, f[k]) < 0)
			fail_msg("store_write_frame %d: %s", k, store_error(s));
		frame_unref(f[k]);
	}
	return s;
}

static void done(struct store *s)
{
	char p[80];

	store_close(s);
	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

static void test_mappings_at(void **state)
{
	struct store *s = session();
	struct mapping_row rows[8], again[8];
	int64_t read_ms = 0;
	uint64_t nvmas = 0;

	(void)state;
	/* before the first reading */
	assert_int_equal(query_mappings_at(s, T0 + 500, rows, 8, &read_ms, &nvmas), 0);
	/* the first reading, largest first */
	assert_int_equal(query_mappings_at(s, T0 + 1500, rows, 8, &read_ms, &nvmas), 3);
	assert_int_equal(read_ms, T0 + 1000);
	assert_int_equal(nvmas, 30);
	assert_string_equal(rows[0].key, "anon:7f00");
	assert_string_equal(rows[1].key, "heap");
	assert_string_equal(rows[1].kind, "heap");
	assert_string_equal(rows[1].name, "[heap]");
	assert_int_equal(rows[1].anon, 5 * MIB);
	assert_int_equal(rows[1].rss, 6 * MIB);
	assert_int_equal(rows[1].size, 12 * MIB);
	assert_int_equal(rows[1].swap, 4096);
	assert_string_equal(rows[2].kind, "file");
	/* the second: a new region, the same ids for the old ones; cap holds */
	assert_int_equal(query_mappings_at(s, T0 + 9000, again, 2, NULL, NULL), 2);
	assert_string_equal(again[0].key, "anon:7f00");
	assert_int_equal(again[0].mapping_id, rows[0].mapping_id);
	assert_string_equal(again[1].key, "heap");
	assert_int_equal(again[1].mapping_id, rows[1].mapping_id);
	assert_int_equal(again[1].anon, 7 * MIB);
	assert_int_equal(query_mappings_at(s, T0 + 9000, again, 8, NULL, NULL), 4);
	done(s);
}

static void test_mapping_history(void **state)
{
	struct store *s = session();
	struct mapping_row rows[8];
	struct mapping_point *pts;
	size_t n;

	(void)state;
	assert_int_equal(query_mappings_at(s, T0 + 9000, rows, 8, NULL, NULL), 4);
	assert_string_equal(rows[1].key, "heap");
	assert_int_equal(
		query_mapping_history(s, rows[1].mapping_id, T0, T0 + 9000, &pts, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(pts[0].t_ms, T0 + 1000);
	assert_int_equal(pts[0].anon, 5 * MIB);
	assert_int_equal(pts[1].t_ms, T0 + 2000);
	assert_int_equal(pts[1].anon, 7 * MIB);
	assert_int_equal(pts[1].pss, 8 * MIB);
	free(pts);
	/* the window is honoured, the new region has one reading */
	assert_int_equal(query_mapping_history(s, rows[1].mapping_id, T0 + 1500,
					       T0 + 9000, &pts, &n),
			 0);
	assert_int_equal(n, 1);
	free(pts);
	assert_string_equal(rows[2].key, "anon:7e00");
	assert_int_equal(
		query_mapping_history(s, rows[2].mapping_id, T0, T0 + 9000, &pts, &n), 0);
	assert_int_equal(n, 1);
	free(pts);
	/* an id that is not there */
	assert_int_equal(query_mapping_history(s, 999999, T0, T0 + 9000, &pts, &n), 0);
	assert_int_equal(n, 0);
	assert_null(pts);
	done(s);
}

static void test_suspects_of_the_verdict_in_force(void **state)
{
	struct store *s = session();
	struct heap_suspect sus[HEAP_SUSPECTS_MAX];
	struct mapping_row rows[8];

	(void)state;
	assert_int_equal(query_mappings_at(s, T0 + 9000, rows, 8, NULL, NULL), 4);
	/* before any verdict */
	assert_int_equal(query_leak_suspects_at(s, T0 + 2500, sus, HEAP_SUSPECTS_MAX), 0);
	/* the leak-suspect verdict: the process first, then its region */
	assert_int_equal(query_leak_suspects_at(s, T0 + 3500, sus, HEAP_SUSPECTS_MAX), 2);
	assert_string_equal(sus[0].kind, "process");
	assert_string_equal(sus[0].name, "leaker");
	assert_int_equal(sus[0].mapping_id, 0);
	assert_int_equal(sus[0].since_ms, T0 + 500);
	assert_true(sus[0].rate_bytes_per_hour == 3600.0 * MIB);
	assert_int_equal(sus[0].size_bytes, 40 * MIB);
	assert_string_equal(sus[1].kind, "mapping");
	assert_string_equal(sus[1].region, "heap");
	assert_string_equal(sus[1].key, "heap");
	assert_string_equal(sus[1].name, "[heap]");
	assert_int_equal(sus[1].mapping_id, rows[1].mapping_id);
	assert_int_equal(sus[1].since_ms, 0);
	/* cap */
	assert_int_equal(query_leak_suspects_at(s, T0 + 3500, sus, 1), 1);
	assert_string_equal(sus[0].kind, "process");
	/* the next verdict raised none: none are in force */
	assert_int_equal(query_leak_suspects_at(s, T0 + 4500, sus, HEAP_SUSPECTS_MAX), 0);
	done(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mappings_at),
		cmocka_unit_test(test_mapping_history),
		cmocka_unit_test(test_suspects_of_the_verdict_in_force),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
