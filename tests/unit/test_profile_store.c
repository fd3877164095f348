/* SPDX-License-Identifier: MIT */
/*
 * test_profile_store: profiles in a session file (store/profiles.c). A
 * profile written and loaded back is the same profile (meta, frames, tree,
 * counts per thread, thread names, file mappings and where each frame was
 * seen, and so the same folded text); a session from before mappings were
 * kept loads without them; the list
 * is newest first; a failed write leaves nothing; a read-only session
 * refuses writes; rows damaged behind the store's back are refused as a
 * corrupt profile, never crash or load half a tree.
 *
 * Each test works in its own temp file under /tmp and removes it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/profile.h"
#include "core/xalloc.h"
#include "store/profiles.h"
#include "store/store.h"

#define T0 1700000000000LL

struct session_file {
	char path[64];
};

static void session_file_init(struct session_file *t)
{
	int fd;

	snprintf(t->path, sizeof(t->path), "/tmp/vigil-test-profile-store-XXXXXX");
	fd = mkstemp(t->path);
	assert_true(fd >= 0);
	close(fd);
	unlink(t->path);
}

static void session_file_remove(struct session_file *t)
{
	char p[96];

	unlink(t->path);
	snprintf(p, sizeof(p), "%s-wal", t->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", t->path);
	unlink(p);
}

static struct store *create(struct session_file *t)
{
	struct store *s;
	char err[256];

	session_file_init(t);
	if (store_create(t->path, false, &s, err, sizeof(err)) < 0)
		fail_msg("store_create: %s", err);
	return s;
}

static struct store *open_ro(const struct session_file *t)
{
	struct store *s;
	char err[256];

	if (store_open(t->path, &s, err, sizeof(err)) < 0)
		fail_msg("store_open: %s", err);
	return s;
}

/* Adds n samples of a stack written root first, "main;a;b". */
static void add(struct profile *p, int tid, const char *folded, uint64_t n)
{
	uint32_t ids[32];
	size_t depth = 0;
	char *copy = xstrdup(folded), *save = NULL;

	for (char *tok = strtok_r(copy, ";", &save); tok;
	     tok = strtok_r(NULL, ";", &save)) {
		ids[depth] = profile_frame_id(p, tok, depth ? "libapp.so" : "app");
		depth++;
	}
	free(copy);
	for (size_t i = 0; i < depth / 2; i++) {
		uint32_t x = ids[i];

		ids[i] = ids[depth - 1 - i];
		ids[depth - 1 - i] = x;
	}
	profile_add_stack(p, tid, ids, depth, n);
}

/* The stacks' frames in two file mappings, one above INT64_MAX (stored
 * as a signed integer); the quoted frame stays unplaced. */
static void place(struct profile *p)
{
	uint32_t exe =
		profile_mapping_id(p, 0x5600000a1000, 0x5600000a5000, 0x1000, "/srv/app",
				   "0123456789abcdef0123456789abcdef01234567");
	uint32_t lib = profile_mapping_id(p, 0xffffffffff600000, 0xffffffffff601000, 0,
					  "/opt/lib/libapp.so", "");

	for (uint32_t f = 0; f < p->nframes; f++) {
		if (!strcmp(p->frames[f].module, "app"))
			profile_frame_place(p, f, exe, 0x5600000a1000 + 16 * f);
		else if (!strcmp(p->frames[f].module, "libapp.so"))
			profile_frame_place(p, f, lib, 0xffffffffff600000 + 16 * f);
	}
}

static struct profile *sample_profile(int64_t started_ms, enum profile_mode mode)
{
	struct profile_meta m = {
		.pid = 777,
		.mode = mode,
		.hz = 199,
		.started_ms = started_ms,
		.duration_ms = 5000,
		.lost = 4,
		.partial = true,
	};
	struct profile *p;

	strcpy(m.sampler, "ptrace");
	strcpy(m.why, "target exited; perf_event_open: Permission denied");
	p = profile_new(&m);
	add(p, 777, "main;work;hash", 30);
	add(p, 777, "main;work", 5);
	add(p, 778, "main;work;hash", 10);
	add(p, 778, "start_thread;io_loop;read", 20);
	profile_frame_id(p, "with 'quote' and \"dq\"", "");
	place(p);
	profile_set_thread(p, 777, "server");
	profile_set_thread(p, 778, "io worker");
	return p;
}

static char *folded(const struct profile *p, int tid)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_int_equal(profile_write_folded(p, f, tid), 0);
	fclose(f);
	return buf;
}

static uint64_t count_of(const struct profile *p, uint32_t node, int tid)
{
	for (size_t i = 0; i < p->ncounts; i++) {
		if (p->counts[i].node == node && p->counts[i].tid == tid)
			return p->counts[i].n;
	}
	return 0;
}

static void assert_same_profile(const struct profile *a, const struct profile *b)
{
	char *fa, *fb;

	assert_int_equal(a->meta.id, b->meta.id);
	assert_int_equal(a->meta.pid, b->meta.pid);
	assert_int_equal(a->meta.mode, b->meta.mode);
	assert_int_equal(a->meta.hz, b->meta.hz);
	assert_int_equal(a->meta.started_ms, b->meta.started_ms);
	assert_int_equal(a->meta.duration_ms, b->meta.duration_ms);
	assert_int_equal(a->meta.samples, b->meta.samples);
	assert_int_equal(a->meta.lost, b->meta.lost);
	assert_int_equal(a->meta.partial, b->meta.partial);
	assert_string_equal(a->meta.sampler, b->meta.sampler);
	assert_string_equal(a->meta.why, b->meta.why);
	assert_int_equal(a->nframes, b->nframes);
	for (size_t i = 0; i < a->nframes; i++) {
		assert_string_equal(a->frames[i].function, b->frames[i].function);
		assert_string_equal(a->frames[i].module, b->frames[i].module);
		assert_int_equal(a->frames[i].mapping, b->frames[i].mapping);
		assert_int_equal(a->frames[i].address, b->frames[i].address);
	}
	assert_int_equal(a->nmappings, b->nmappings);
	for (size_t i = 0; i < a->nmappings; i++) {
		assert_int_equal(a->mappings[i].start, b->mappings[i].start);
		assert_int_equal(a->mappings[i].limit, b->mappings[i].limit);
		assert_int_equal(a->mappings[i].offset, b->mappings[i].offset);
		assert_string_equal(a->mappings[i].file, b->mappings[i].file);
		assert_string_equal(a->mappings[i].build_id, b->mappings[i].build_id);
	}
	assert_int_equal(a->nnodes, b->nnodes);
	for (size_t i = 0; i < a->nnodes; i++) {
		assert_int_equal(a->nodes[i].parent, b->nodes[i].parent);
		assert_int_equal(a->nodes[i].frame, b->nodes[i].frame);
	}
	assert_int_equal(a->ncounts, b->ncounts);
	for (size_t i = 0; i < a->ncounts; i++)
		assert_int_equal(count_of(b, a->counts[i].node, a->counts[i].tid),
				 a->counts[i].n);
	assert_int_equal(a->nthreads, b->nthreads);
	for (size_t i = 0; i < a->nthreads; i++) {
		assert_int_equal(a->threads[i].tid, b->threads[i].tid);
		assert_string_equal(a->threads[i].comm, b->threads[i].comm);
	}
	fa = folded(a, 0);
	fb = folded(b, 0);
	assert_string_equal(fa, fb);
	free(fa);
	free(fb);
}

static void test_round_trip(void **state)
{
	struct session_file t;
	struct store *s = create(&t);
	struct profile *p = sample_profile(T0, PROFILE_WALL), *back;
	char err[256] = "";
	char sql[128];

	(void)state;
	assert_int_equal(store_write_profile(s, p, err, sizeof(err)), 0);
	assert_true(p->meta.id > 0);
	store_close(s);

	/* the rows behind the API: each stack once, the root implicit */
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM profile_nodes WHERE profile = %lld",
		 (long long)p->meta.id);
	assert_int_equal(sql_int(t.path, sql), p->nnodes - 1);
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM profile_frames"),
			 p->nframes);
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM profile_counts"), 4);
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM profile_threads"), 2);
	assert_int_equal(sql_int(t.path, "SELECT samples FROM profiles"), 65);
	assert_int_equal(sql_int(t.path, "SELECT mode = 'wall' FROM profiles"), 1);
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM profile_mappings"), 2);
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM profile_frame_places"),
			 p->nframes - 1);
	assert_int_equal(p->frames[p->nframes - 1].mapping, PROFILE_NONE);

	s = open_ro(&t);
	back = query_profile_load(s, p->meta.id, err, sizeof(err));
	if (!back)
		fail_msg("load: %s", err);
	assert_same_profile(p, back);
	/* thread filters survive too */
	{
		char *fa = folded(p, 778), *fb = folded(back, 778);

		assert_string_equal(fa, fb);
		free(fa);
		free(fb);
	}
	profile_free(back);
	store_close(s);
	profile_free(p);
	session_file_remove(&t);
}

static void test_list_newest_first(void **state)
{
	struct session_file t;
	struct store *s = create(&t);
	struct profile *older = sample_profile(T0, PROFILE_CPU);
	struct profile *newer = sample_profile(T0 + 60000, PROFILE_WALL);
	struct profile *empty = sample_profile(T0 + 30000, PROFILE_CPU);
	struct profile_meta *list;
	size_t n;
	char err[256];

	(void)state;
	/* written out of time order on purpose */
	assert_int_equal(store_write_profile(s, newer, err, sizeof(err)), 0);
	assert_int_equal(store_write_profile(s, older, err, sizeof(err)), 0);
	assert_int_equal(store_write_profile(s, empty, err, sizeof(err)), 0);
	assert_int_not_equal(older->meta.id, newer->meta.id);
	store_close(s);

	s = open_ro(&t);
	assert_int_equal(query_profiles(s, &list, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(list[0].id, newer->meta.id);
	assert_int_equal(list[1].id, empty->meta.id);
	assert_int_equal(list[2].id, older->meta.id);
	assert_int_equal(list[0].started_ms, T0 + 60000);
	assert_int_equal(list[0].mode, PROFILE_WALL);
	assert_int_equal(list[2].mode, PROFILE_CPU);
	assert_int_equal(list[0].samples, 65);
	assert_int_equal(list[0].lost, 4);
	assert_true(list[0].partial);
	assert_int_equal(list[0].hz, 199);
	assert_string_equal(list[0].sampler, "ptrace");
	assert_string_equal(list[0].why,
			    "target exited; perf_event_open: Permission denied");
	free(list);
	store_close(s);
	profile_free(older);
	profile_free(newer);
	profile_free(empty);
	session_file_remove(&t);
}

static void test_empty_session_and_missing_id(void **state)
{
	struct session_file t;
	struct store *s = create(&t);
	struct profile_meta *list = (void *)&list;
	size_t n = 99;
	char err[256] = "";

	(void)state;
	assert_int_equal(query_profiles(s, &list, &n), 0);
	assert_int_equal(n, 0);
	assert_null(list);
	assert_null(query_profile_load(s, 42, err, sizeof(err)));
	assert_string_equal(err, "no profile 42 in this session");
	store_close(s);
	session_file_remove(&t);
}

static void test_read_only_refuses_write(void **state)
{
	struct session_file t;
	struct store *s = create(&t);
	struct profile *p = sample_profile(T0, PROFILE_CPU);
	char err[256] = "";

	(void)state;
	store_close(s);
	s = open_ro(&t);
	assert_int_equal(store_write_profile(s, p, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot write profile: the session is open read-only");
	assert_int_equal(p->meta.id, 0);
	store_close(s);
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM profiles"), 0);
	profile_free(p);
	session_file_remove(&t);
}

/* A write that fails halfway (a trigger refuses the counts) leaves no row of
 * the profile behind, and the store goes on working. */
static void test_failed_write_leaves_nothing(void **state)
{
	struct session_file t;
	struct store *s = create(&t);
	struct profile *p = sample_profile(T0, PROFILE_CPU);
	char err[256] = "";
	int64_t id = -1;

	(void)state;
	sql_exec(t.path, "CREATE TRIGGER no_counts BEFORE INSERT ON profile_counts"
			 " BEGIN SELECT RAISE(ABORT, 'refused by test'); END");
	assert_int_equal(store_write_profile_const(s, p, &id, err, sizeof(err)), -1);
	assert_int_equal(id, 0);
	assert_non_null(strstr(err, "cannot write profile"));
	assert_non_null(strstr(err, "refused by test"));
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM profiles"), 0);
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM profile_frames"), 0);
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM profile_nodes"), 0);

	sql_exec(t.path, "DROP TRIGGER no_counts");
	assert_int_equal(store_write_profile(s, p, err, sizeof(err)), 0);
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM profiles"), 1);
	store_close(s);
	profile_free(p);
	session_file_remove(&t);
}

/* Damage applied to a stored profile, and what the loader must say. */
static const struct {
	const char *sql, *why;
} damage[] = {
	{"UPDATE profile_nodes SET parent = id + 1 WHERE id = 2", "before its parent"},
	{"UPDATE profile_nodes SET frame = 999 WHERE id = 1", "unknown frame"},
	{"DELETE FROM profile_nodes WHERE id = 2", "node ids"},
	{"UPDATE profile_nodes SET parent = 0, frame = (SELECT frame FROM profile_nodes"
	 " WHERE id = 1) WHERE id = 2",
	 "node is stored twice"},
	{"DELETE FROM profile_frames WHERE id = 0", "frame ids"},
	{"UPDATE profile_frames SET function = 'main', module = 'app' WHERE id = 1",
	 "frame is stored twice"},
	{"UPDATE profile_counts SET node = 9999 WHERE tid = 778 AND n = 20",
	 "unknown node"},
	{"UPDATE profile_counts SET node = 0 WHERE tid = 778 AND n = 20", "unknown node"},
	{"UPDATE profile_counts SET n = -5", "out of range"},
	{"UPDATE profile_counts SET tid = 1 << 40 WHERE tid = 778 AND n = 20",
	 "out of range"},
	{"UPDATE profile_threads SET tid = -(1 << 40) WHERE tid = 777", "out of range"},
	{"UPDATE profiles SET mode = 'bogus'", "unknown mode 'bogus'"},
	{"UPDATE profiles SET hz = -1", "out of range"},
	{"DELETE FROM profile_mappings WHERE id = 0", "mapping ids"},
	{"UPDATE profile_mappings SET memory_limit = memory_start", "ends before"},
	{"UPDATE profile_mappings SET (memory_start, memory_limit, file_offset, file) ="
	 " (SELECT memory_start, memory_limit, file_offset, file FROM profile_mappings"
	 " WHERE id = 0) WHERE id = 1",
	 "mapping is stored twice"},
	{"UPDATE profile_frame_places SET mapping = 7 WHERE frame = 0",
	 "unknown mapping"},
	{"UPDATE profile_frame_places SET frame = 999 WHERE frame = 0", "unknown frame"},
	{"UPDATE profile_frame_places SET address = 5 WHERE frame = 0", "outside"},
};

static void test_corrupt_rows_refused(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(damage) / sizeof(damage[0]); i++) {
		struct session_file t;
		struct store *s = create(&t);
		struct profile *p = sample_profile(T0, PROFILE_CPU);
		char err[256] = "", want[64];

		assert_int_equal(store_write_profile(s, p, err, sizeof(err)), 0);
		store_close(s);
		sql_exec(t.path, damage[i].sql);
		s = open_ro(&t);
		if (query_profile_load(s, p->meta.id, err, sizeof(err)))
			fail_msg("damage %zu (%s) was loaded", i, damage[i].sql);
		snprintf(want, sizeof(want),
			 "profile %lld is corrupt: ", (long long)p->meta.id);
		if (strncmp(err, want, strlen(want)) || !strstr(err, damage[i].why))
			fail_msg("damage %zu: '%s', expected '%s...%s'", i, err, want,
				 damage[i].why);
		store_close(s);
		profile_free(p);
		session_file_remove(&t);
	}
}

/*
 * A session from before schema v12 (its two tables gone, its version set
 * back): the profile loads whole, with no mappings and no frame placed,
 * which the pprof export writes as it did before.
 */
static void test_before_mappings(void **state)
{
	struct session_file t;
	struct store *s = create(&t);
	struct profile *p = sample_profile(T0, PROFILE_CPU), *back;
	char err[256] = "";

	(void)state;
	assert_true(p->nmappings > 0);
	assert_int_equal(store_write_profile(s, p, err, sizeof(err)), 0);
	store_close(s);
	sql_exec(t.path, "DROP TABLE profile_frame_places; DROP TABLE profile_mappings;"
			 " PRAGMA user_version = 11");
	s = open_ro(&t);
	back = query_profile_load(s, p->meta.id, err, sizeof(err));
	if (!back)
		fail_msg("load: %s", err);
	assert_int_equal(back->nmappings, 0);
	assert_int_equal(back->nframes, p->nframes);
	for (size_t i = 0; i < back->nframes; i++) {
		assert_int_equal(back->frames[i].mapping, PROFILE_NONE);
		assert_int_equal(back->frames[i].address, 0);
	}
	profile_free(back);
	store_close(s);
	profile_free(p);
	session_file_remove(&t);
}

/*
 * v16: a duty-cycled allocation profile keeps the share of its capture its
 * probes were on, in the list and the loaded profile alike; a CPU profile
 * has none (0); a file from before v16 loads with 0; a share out of
 * (0, 1] is a corrupt profile.
 */
static void test_probes_on(void **state)
{
	struct session_file t;
	struct store *s = create(&t);
	struct profile *a = sample_profile(T0, PROFILE_ALLOC);
	struct profile *c = sample_profile(T0 + 1000, PROFILE_CPU), *back;
	struct profile_meta *list;
	size_t n;
	char err[256] = "";

	(void)state;
	a->meta.active = 0.0325;
	assert_int_equal(store_write_profile(s, a, err, sizeof(err)), 0);
	assert_int_equal(store_write_profile(s, c, err, sizeof(err)), 0);
	store_close(s);
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM profile_duty"), 1);

	s = open_ro(&t);
	assert_int_equal(query_profiles(s, &list, &n), 0);
	assert_int_equal(n, 2);
	assert_true(list[0].active == 0);      /* the CPU one, newer */
	assert_true(list[1].active == 0.0325); /* the alloc one */
	free(list);
	back = query_profile_load(s, a->meta.id, err, sizeof(err));
	if (!back)
		fail_msg("load: %s", err);
	assert_true(back->meta.active == 0.0325);
	profile_free(back);
	store_close(s);

	sql_exec(t.path, "UPDATE profile_duty SET active = 1.5");
	s = open_ro(&t);
	assert_null(query_profile_load(s, a->meta.id, err, sizeof(err)));
	assert_non_null(strstr(err, "is corrupt: probes on 1.5 of it"));
	store_close(s);

	sql_exec(t.path, "DROP TABLE profile_duty; PRAGMA user_version = 15");
	s = open_ro(&t);
	back = query_profile_load(s, a->meta.id, err, sizeof(err));
	if (!back)
		fail_msg("load before v16: %s", err);
	assert_true(back->meta.active == 0);
	profile_free(back);
	store_close(s);
	profile_free(a);
	profile_free(c);
	session_file_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_list_newest_first),
		cmocka_unit_test(test_empty_session_and_missing_id),
		cmocka_unit_test(test_read_only_refuses_write),
		cmocka_unit_test(test_failed_write_leaves_nothing),
		cmocka_unit_test(test_corrupt_rows_refused),
		cmocka_unit_test(test_before_mappings),
		cmocka_unit_test(test_probes_on),
	};

	return cmocka_run_group_tests_name("profile_store", tests, NULL, NULL);
}
