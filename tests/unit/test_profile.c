/* SPDX-License-Identifier: MIT */
/*
 * test_profile: the profile model (analysis/profile.c), its text forms
 * (analysis/profile_out.c) and the tree/flame shapes (analysis/flame.c).
 *
 * Profiles are built by hand from named stacks written root first
 * ("main;a;b"), so each test reads like the folded output it expects. The
 * speedscope file is checked by jq (a test dependency already): it must
 * parse, and its samples and weights must give back the stacks we put in.
 */
#include <errno.h>
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

#include "analysis/flame.h"
#include "analysis/profile.h"
#include "core/xalloc.h"

/*
 * Adds n samples of a stack written root first, "main;a;b", for tid; a
 * frame may say "name@module" to set its module. Returns the leaf node.
 */
static uint32_t add(struct profile *p, int tid, const char *folded, uint64_t n)
{
	uint32_t ids[64];
	size_t depth = 0;
	char *copy = xstrdup(folded), *save = NULL;

	for (char *tok = strtok_r(copy, ";", &save); tok;
	     tok = strtok_r(NULL, ";", &save)) {
		char *at = strchr(tok, '@');

		if (at)
			*at++ = '\0';
		assert_true(depth < 64);
		ids[depth++] = profile_frame_id(p, tok, at ? at : "app");
	}
	free(copy);
	/* the API takes innermost first, as an unwinder gives them */
	for (size_t i = 0; i < depth / 2; i++) {
		uint32_t t = ids[i];

		ids[i] = ids[depth - 1 - i];
		ids[depth - 1 - i] = t;
	}
	return profile_add_stack(p, tid, ids, depth, n);
}

static struct profile *new_profile(void)
{
	struct profile_meta m = {.pid = 4242, .mode = PROFILE_CPU, .hz = 99};

	strcpy(m.sampler, "perf");
	m.samples = 12345; /* must be ignored: samples is the sum of counts */
	return profile_new(&m);
}

/* What a writer produced, as a string the caller frees. */
static char *capture(int (*write)(const struct profile *, FILE *, int),
		     const struct profile *p, int arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(write(p, f, arg), 0);
	fclose(f);
	return buf;
}

static int write_folded(const struct profile *p, FILE *f, int tid)
{
	return profile_write_folded(p, f, tid);
}

static int write_table(const struct profile *p, FILE *f, int limit)
{
	return profile_write_table(p, f, (size_t)limit);
}

static int write_speedscope(const struct profile *p, FILE *f, int unused)
{
	(void)unused;
	return profile_write_speedscope(p, f);
}

static const struct profile_fn *find_fn(const struct profile *p,
					const struct profile_fn *fns, size_t n,
					const char *function)
{
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(p->frames[fns[i].frame].function, function))
			return &fns[i];
	}
	return NULL;
}

static void test_new_has_only_root(void **state)
{
	struct profile *p = new_profile();

	(void)state;
	assert_int_equal(p->nnodes, 1);
	assert_int_equal(p->nodes[0].parent, PROFILE_NONE);
	assert_int_equal(p->nodes[0].frame, PROFILE_NONE);
	assert_int_equal(p->nframes, 0);
	assert_int_equal(p->ncounts, 0);
	assert_int_equal(p->meta.samples, 0);
	assert_int_equal(p->meta.pid, 4242);
	assert_string_equal(p->meta.sampler, "perf");
	profile_free(p);
	profile_free(NULL);
}

static void test_frames_dedup(void **state)
{
	struct profile *p = new_profile();
	uint32_t a, b, c, d;

	(void)state;
	a = profile_frame_id(p, "main", "app");
	b = profile_frame_id(p, "main", "libc.so.6");
	c = profile_frame_id(p, "ab", "c");
	d = profile_frame_id(p, "a", "bc");
	assert_int_equal(a, 0);
	assert_int_equal(b, 1);
	assert_int_not_equal(c, d); /* the split between the strings matters */
	assert_int_equal(profile_frame_id(p, "main", "app"), a);
	assert_int_equal(profile_frame_id(p, "ab", "c"), c);
	assert_int_equal(p->nframes, 4);
	assert_string_equal(p->frames[b].module, "libc.so.6");
	profile_free(p);
}

static void test_stacks_dedup(void **state)
{
	struct profile *p = new_profile();
	uint32_t leaf, again, other;
	size_t nodes;

	(void)state;
	leaf = add(p, 10, "main;a;b", 3);
	nodes = p->nnodes;
	assert_int_equal(nodes, 4); /* root, main, a, b */
	again = add(p, 10, "main;a;b", 2);
	assert_int_equal(again, leaf);
	assert_int_equal(p->nnodes, nodes);
	assert_int_equal(p->ncounts, 1);
	assert_int_equal(p->counts[0].n, 5);
	/* a shared prefix reuses nodes: only c is new */
	other = add(p, 10, "main;a;c", 1);
	assert_int_equal(p->nnodes, nodes + 1);
	assert_int_equal(p->nodes[other].parent, p->nodes[leaf].parent);
	/* another thread: same node, its own count */
	assert_int_equal(add(p, 11, "main;a;b", 7), leaf);
	assert_int_equal(p->ncounts, 3);
	assert_int_equal(p->meta.samples, 3 + 2 + 1 + 7);
	/* depth 0 is ignored */
	assert_int_equal(profile_add_stack(p, 10, NULL, 0, 5), 0);
	assert_int_equal(p->meta.samples, 13);
	/* the invariants of profile.h */
	for (size_t i = 1; i < p->nnodes; i++)
		assert_true(p->nodes[i].parent < i);
	for (size_t i = 0; i < p->ncounts; i++)
		assert_true(p->counts[i].node > 0);
	profile_free(p);
}

/* A clone has the same ids, counts, threads, mappings and meta, and lives
 * on its own. */
static void test_clone(void **state)
{
	struct profile *p = new_profile(), *c;
	uint32_t m;
	char *a, *b;

	(void)state;
	add(p, 10, "main;a;b", 3);
	add(p, 11, "main;a;c", 2);
	add(p, 10, "main;d", 1);
	profile_set_thread(p, 10, "worker");
	p->meta.partial = true;
	m = profile_mapping_id(p, 0x1000, 0x2000, 0x3000, "/bin/app", "abcd");
	assert_int_equal(profile_mapping_id(p, 0x1000, 0x2000, 0x3000, "/bin/app", NULL),
			 m);
	assert_int_equal(profile_mapping_id(p, 0x1000, 0x2000, 0, "/bin/app", NULL), 1);
	profile_frame_place(p, 1, m, 0x1010);
	profile_frame_place(p, 1, 1, 0x1020); /* the first place stays */
	c = profile_clone(p);
	assert_int_equal(c->nmappings, 2);
	assert_string_equal(c->mappings[0].file, "/bin/app");
	assert_string_equal(c->mappings[0].build_id, "abcd");
	assert_string_equal(c->mappings[1].build_id, "");
	assert_int_equal(c->mappings[0].offset, 0x3000);
	assert_int_equal(c->frames[1].mapping, m);
	assert_int_equal(c->frames[1].address, 0x1010);
	assert_int_equal(c->frames[0].mapping, PROFILE_NONE);
	assert_int_equal(c->frames[0].address, 0);
	assert_int_equal(c->nframes, p->nframes);
	assert_int_equal(c->nnodes, p->nnodes);
	assert_int_equal(c->ncounts, p->ncounts);
	assert_int_equal(c->nthreads, p->nthreads);
	assert_int_equal(c->meta.samples, 6);
	assert_true(c->meta.partial);
	for (size_t i = 1; i < p->nnodes; i++) {
		assert_int_equal(c->nodes[i].parent, p->nodes[i].parent);
		assert_int_equal(c->nodes[i].frame, p->nodes[i].frame);
	}
	a = capture(write_folded, p, 0);
	profile_free(p); /* the clone owns its strings */
	b = capture(write_folded, c, 0);
	assert_string_equal(a, b);
	assert_string_equal(c->threads[0].comm, "worker");
	free(a);
	free(b);
	profile_free(c);
}

static void test_node_id_and_counts(void **state)
{
	struct profile *p = new_profile();
	uint32_t f = profile_frame_id(p, "main", ""), g = profile_frame_id(p, "g", "");
	uint32_t n1 = profile_node_id(p, 0, f), n2 = profile_node_id(p, n1, g);

	(void)state;
	assert_int_equal(profile_node_id(p, 0, f), n1);
	assert_int_equal(profile_node_id(p, n1, g), n2);
	assert_int_not_equal(profile_node_id(p, 0, g),
			     n2); /* g under root is another node */
	profile_add_count(p, n2, 5, 4);
	profile_add_count(p, n2, 5, 6);
	profile_add_count(p, n1, 5, 1);
	assert_int_equal(p->ncounts, 2);
	assert_int_equal(p->counts[0].n, 10);
	assert_int_equal(p->meta.samples, 11);
	profile_free(p);
}

/* A duty-cycled allocation profile is scaled at its end: every count,
 * rounded, and samples with them; later counts still merge. */
static void test_scale_counts(void **state)
{
	struct profile *p = new_profile();
	uint32_t f = profile_frame_id(p, "main", ""), g = profile_frame_id(p, "g", "");
	uint32_t n1 = profile_node_id(p, 0, f), n2 = profile_node_id(p, n1, g);

	(void)state;
	profile_add_count(p, n2, 5, 1000);
	profile_add_count(p, n1, 5, 3);
	profile_add_count(p, n1, 6, 1);
	profile_scale_counts(p, 33.3);
	assert_int_equal(p->ncounts, 3);
	assert_int_equal(p->counts[0].n, 33300);
	assert_int_equal(p->counts[1].n, 100); /* 99.9 rounded */
	assert_int_equal(p->counts[2].n, 33);
	assert_int_equal(p->meta.samples, 33433);
	profile_add_count(p, n1, 6, 7);
	assert_int_equal(p->ncounts, 3);
	assert_int_equal(p->counts[2].n, 40);
	assert_int_equal(p->meta.samples, 33440);
	profile_free(p);
}

/* Thousands of distinct frames, nodes and counts: the tables grow and every
 * earlier id is still found. */
static void test_growth(void **state)
{
	struct profile *p = new_profile();
	char name[32];
	uint32_t ids[3000], leaves[3000];

	(void)state;
	for (int i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "fn%d", i);
		ids[i] = profile_frame_id(p, name, "m");
		assert_int_equal(ids[i], i);
	}
	for (int i = 0; i < 3000; i++) {
		uint32_t stack[2] = {ids[i], ids[(i * 7) % 3000]};

		leaves[i] = profile_add_stack(p, i % 5 + 1, stack, 2, 1);
	}
	for (int i = 0; i < 3000; i++) {
		uint32_t stack[2] = {ids[i], ids[(i * 7) % 3000]};

		snprintf(name, sizeof(name), "fn%d", i);
		assert_int_equal(profile_frame_id(p, name, "m"), ids[i]);
		assert_int_equal(profile_add_stack(p, i % 5 + 1, stack, 2, 1), leaves[i]);
	}
	assert_int_equal(p->nframes, 3000);
	assert_int_equal(p->ncounts, 3000);
	assert_int_equal(p->meta.samples, 6000);
	for (size_t i = 0; i < p->ncounts; i++)
		assert_int_equal(p->counts[i].n, 2);
	profile_free(p);
}

static void test_threads(void **state)
{
	struct profile *p = new_profile();

	(void)state;
	profile_set_thread(p, 10, "worker");
	profile_set_thread(p, 11, "io");
	profile_set_thread(p, 10, "renamed");
	assert_int_equal(p->nthreads, 2);
	assert_int_equal(p->threads[0].tid, 10);
	assert_string_equal(p->threads[0].comm, "renamed");
	assert_string_equal(p->threads[1].comm, "io");
	profile_free(p);
}

/*
 * main;a;a;b 3 (a recursive), main;a 2, main;c 5: a is on 5 stacks' worth
 * of samples, not 8; main is on all 10 and never innermost.
 */
static struct profile *recursive_profile(void)
{
	struct profile *p = new_profile();

	add(p, 10, "main;a;a;b", 3);
	add(p, 10, "main;a", 2);
	add(p, 11, "main;c", 5);
	return p;
}

static void test_top_self_total_recursion(void **state)
{
	struct profile *p = recursive_profile();
	size_t n;
	struct profile_fn *fns = profile_top(p, 0, &n);

	(void)state;
	assert_int_equal(n, 4);
	/* sorted by self, then total */
	assert_string_equal(p->frames[fns[0].frame].function, "c");
	assert_string_equal(p->frames[fns[1].frame].function, "b");
	assert_string_equal(p->frames[fns[2].frame].function, "a");
	assert_string_equal(p->frames[fns[3].frame].function, "main");
	assert_int_equal(find_fn(p, fns, n, "c")->self, 5);
	assert_int_equal(find_fn(p, fns, n, "c")->total, 5);
	assert_int_equal(find_fn(p, fns, n, "b")->self, 3);
	assert_int_equal(find_fn(p, fns, n, "b")->total, 3);
	assert_int_equal(find_fn(p, fns, n, "a")->self, 2);
	assert_int_equal(find_fn(p, fns, n, "a")->total, 5);
	assert_int_equal(find_fn(p, fns, n, "main")->self, 0);
	assert_int_equal(find_fn(p, fns, n, "main")->total, 10);
	free(fns);

	/* one thread: c (tid 11 only) is not seen at all */
	fns = profile_top(p, 10, &n);
	assert_int_equal(n, 3);
	assert_null(find_fn(p, fns, n, "c"));
	assert_int_equal(find_fn(p, fns, n, "main")->total, 5);
	assert_int_equal(find_fn(p, fns, n, "a")->total, 5);
	free(fns);
	profile_free(p);
}

/* Recursion through another function (a;b;a) still counts a once. */
static void test_top_mutual_recursion(void **state)
{
	struct profile *p = new_profile();
	size_t n;
	struct profile_fn *fns;

	(void)state;
	add(p, 1, "a;b;a;b;a", 4);
	add(p, 1, "a;b", 1);
	fns = profile_top(p, 0, &n);
	assert_int_equal(n, 2);
	assert_int_equal(find_fn(p, fns, n, "a")->total, 5);
	assert_int_equal(find_fn(p, fns, n, "a")->self, 4);
	assert_int_equal(find_fn(p, fns, n, "b")->total, 5);
	assert_int_equal(find_fn(p, fns, n, "b")->self, 1);
	free(fns);
	profile_free(p);
}

static void test_folded_exact(void **state)
{
	struct profile *p = recursive_profile();
	char *s;

	(void)state;
	s = capture(write_folded, p, 0);
	assert_string_equal(s, "main;a 2\n"
			       "main;a;a;b 3\n"
			       "main;c 5\n");
	free(s);
	s = capture(write_folded, p, 11);
	assert_string_equal(s, "main;c 5\n");
	free(s);
	s = capture(write_folded, p, 99);
	assert_string_equal(s, "");
	free(s);
	profile_free(p);
}

/* A stack the unwinder could not finish gets [truncated] as its root, in the
 * tree and so in every output, never a root function of its own. */
static void test_truncated_stack_root(void **state)
{
	struct profile *p = new_profile();
	uint32_t frames[3], node;
	struct profile_fn *fns;
	const struct profile_fn *f;
	size_t n, depth = 0;
	char *s;

	(void)state;
	add(p, 1, "main;a;b", 1);
	/* innermost first: b called by a, the copy ended there */
	frames[depth++] = profile_frame_id(p, "b", "app");
	frames[depth++] = profile_frame_id(p, "a", "app");
	depth = profile_mark_truncated(p, frames, depth);
	assert_int_equal(depth, 3);
	node = profile_add_stack(p, 1, frames, depth, 2);
	while (p->nodes[node].parent != 0)
		node = p->nodes[node].parent;
	assert_string_equal(p->frames[p->nodes[node].frame].function, PROFILE_TRUNCATED);
	s = capture(write_folded, p, 0);
	assert_string_equal(s, "[truncated];a;b 2\n"
			       "main;a;b 1\n");
	free(s);
	fns = profile_top(p, 0, &n);
	f = find_fn(p, fns, n, PROFILE_TRUNCATED);
	assert_non_null(f);
	assert_int_equal(f->self, 0);
	assert_int_equal(f->total, 2);
	free(fns);
	s = capture(write_speedscope, p, 0);
	assert_non_null(strstr(s, "\"name\":\"[truncated]\""));
	free(s);
	profile_free(p);
}

static void test_folded_merges_and_sanitises(void **state)
{
	struct profile *p = new_profile();
	char *s;

	(void)state;
	/* the same names from two modules print the same: one line */
	add(p, 1, "main;lib@liba.so", 2);
	add(p, 1, "main;lib@libb.so", 3);
	add(p, 2, "main;lib@liba.so", 1);
	/* separators inside names cannot split a frame or a line */
	profile_add_stack(p, 1, (uint32_t[]){profile_frame_id(p, "x;y\nz", "")}, 1, 1);
	profile_add_stack(p, 1, (uint32_t[]){profile_frame_id(p, "operator new", "")}, 1,
			  4);
	/* nor can a terminal escape reach the terminal the file is shown on
	 * (frames leaf first) */
	profile_add_stack(p, 1,
			  (uint32_t[]){profile_frame_id(p,
							"\xc2\x9b"
							"2J\xff",
							""),
				       profile_frame_id(p, "\x1b]0;t\x07\\", "")},
			  2, 7);
	s = capture(write_folded, p, 0);
	assert_string_equal(s, "\\x1b]0\\x3bt\\x07\\\\;\\xc2\\x9b2J\\xff 7\n"
			       "main;lib 6\n"
			       "operator new 4\n"
			       "x\\x3by\\nz 1\n");
	free(s);
	profile_free(p);
}

static void test_table(void **state)
{
	struct profile *p = recursive_profile();
	char *s;

	(void)state;
	s = capture(write_table, p, 2);
	assert_string_equal(s, "  SELF%  TOTAL%      SELF     TOTAL  FUNCTION\n"
			       "  50.0%   50.0%         5         5  c (app)\n"
			       "  30.0%   30.0%         3         3  b (app)\n");
	free(s);
	s = capture(write_table, p, 0);
	assert_non_null(strstr(s, "   0.0%  100.0%         0        10  main (app)\n"));
	free(s);
	profile_free(p);
}

static void test_table_escapes_names(void **state)
{
	struct profile *p = new_profile();
	char *s;

	(void)state;
	profile_add_stack(
		p, 1,
		(uint32_t[]){profile_frame_id(p, "f\x1b[2J;\n\xc3\xa9", "m\x9b.so")}, 1,
		1);
	s = capture(write_table, p, 0);
	assert_string_equal(s, "  SELF%  TOTAL%      SELF     TOTAL  FUNCTION\n"
			       " 100.0%  100.0%         1         1  "
			       "f\\x1b[2J;\\n\xc3\xa9 (m\\x9b.so)\n");
	free(s);
	profile_free(p);
}

/* Runs a shell command with text on stdin; returns its stdout (caller frees). */
static char *run_on(const char *text, const char *shell)
{
	char path[] = "/tmp/vigil-test-profile-XXXXXX";
	int fd = mkstemp(path);
	char *cmd, *out = NULL;
	size_t len = 0;
	FILE *pipe, *mem = open_memstream(&out, &len);
	int c;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	cmd = xasprintf("(%s) < %s", shell, path);
	pipe = popen(cmd, "r");
	assert_non_null(pipe);
	while ((c = fgetc(pipe)) != EOF)
		fputc(c, mem);
	assert_int_equal(pclose(pipe), 0);
	fclose(mem);
	unlink(path);
	free(cmd);
	return out;
}

static void test_speedscope_round_trip(void **state)
{
	struct profile *p = recursive_profile();
	char *json, *back;

	(void)state;
	profile_set_thread(p, 10, "worker");
	json = capture(write_speedscope, p, 0);
	/* the fixed parts of the format */
	back = run_on(json,
		      "jq -r '[.[\"$schema\"], (.profiles | length), "
		      "(.profiles[] | .type, .unit, .name, .startValue, .endValue)] "
		      "| join(\" \")'");
	assert_string_equal(back, "https://www.speedscope.app/file-format-schema.json 2 "
				  "sampled none worker (tid 10) 0 5 "
				  "sampled none tid 11 0 5\n");
	free(back);
	/* samples x weights give back every stack with its count */
	back = run_on(json,
		      "jq -r '.shared.frames as $f | .profiles[] | .name as $t "
		      "| [.samples, .weights] | transpose[] "
		      "| \"\\($t)|\\([.[0][] | $f[.].name] | join(\";\")) \\(.[1])\"' "
		      "| LC_ALL=C sort");
	assert_string_equal(back, "tid 11|main;c 5\n"
				  "worker (tid 10)|main;a 2\n"
				  "worker (tid 10)|main;a;a;b 3\n");
	free(back);
	free(json);
	profile_free(p);
}

static void test_speedscope_escapes_names(void **state)
{
	struct profile *p = new_profile();
	char *json, *back;
	uint32_t f[2];

	(void)state;
	f[0] = profile_frame_id(p, "say \"hi\"\\n\n\x01", "mod\"ule");
	f[1] = profile_frame_id(p, "bad \xff utf8", "");
	profile_add_stack(p, 3, f, 2, 1);
	json = capture(write_speedscope, p, 0);
	back = run_on(json, "jq -c '.shared.frames'");
	assert_string_equal(
		back, "[{\"name\":\"say \\\"hi\\\"\\\\n\\n\\u0001\","
		      "\"file\":\"mod\\\"ule\"},{\"name\":\"bad \xef\xbf\xbd utf8\"}]\n");
	free(back);
	free(json);
	profile_free(p);
}

static void test_write_errors(void **state)
{
	struct profile *p = recursive_profile();
	FILE *full = fopen("/dev/full", "w");

	(void)state;
	if (!full)
		skip();
	setvbuf(full, NULL, _IOFBF, 16);
	errno = 0;
	assert_int_equal(profile_write_folded(p, full, 0), -1);
	assert_int_equal(errno, ENOSPC);
	clearerr(full);
	assert_int_equal(profile_write_speedscope(p, full), -1);
	clearerr(full);
	assert_int_equal(profile_write_table(p, full, 0), -1);
	fclose(full);
	profile_free(p);
}

static const char *node_name(const struct profile *p, uint32_t node)
{
	return node == 0 ? "(root)" : p->frames[p->nodes[node].frame].function;
}

static void test_tree_totals_and_children(void **state)
{
	struct profile *p = recursive_profile();
	struct flame_tree *t = flame_tree_new(p, 0);
	const uint32_t *kids;
	size_t n;
	uint32_t main_node, a_node;

	(void)state;
	assert_int_equal(t->total[0], 10);
	kids = flame_tree_children(t, 0, &n);
	assert_int_equal(n, 1);
	main_node = kids[0];
	assert_string_equal(node_name(p, main_node), "main");
	kids = flame_tree_children(t, main_node, &n);
	assert_int_equal(n, 2);
	/* heaviest first; ties broken by name */
	assert_string_equal(node_name(p, kids[0]), "a");
	assert_string_equal(node_name(p, kids[1]), "c");
	a_node = kids[0];
	assert_int_equal(t->total[a_node], 5);
	assert_int_equal(t->self[a_node], 2);
	assert_int_equal(flame_tree_depth(t, a_node), 2);
	assert_int_equal(flame_tree_depth(t, 0), 0);
	flame_tree_free(t);

	/* thread 10 does not see c at all */
	t = flame_tree_new(p, 10);
	assert_int_equal(t->total[0], 5);
	kids = flame_tree_children(t, main_node, &n);
	assert_int_equal(n, 1);
	assert_string_equal(node_name(p, kids[0]), "a");
	flame_tree_free(t);
	profile_free(p);
}

/* root 10: a 5, b 3, c 2 (all under the root), d 1 of a's 5 under a. */
static struct profile *flat_profile(void)
{
	struct profile *p = new_profile();

	add(p, 1, "a", 4);
	add(p, 1, "a;d", 1);
	add(p, 1, "b", 3);
	add(p, 1, "c", 2);
	return p;
}

static const struct flame_box *box_of(const struct profile *p, const struct flame_box *b,
				      size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(node_name(p, b[i].node), name))
			return &b[i];
	}
	return NULL;
}

static void test_flame_layout_widths(void **state)
{
	struct profile *p = flat_profile();
	struct flame_tree *t = flame_tree_new(p, 0);
	struct flame_box *b;
	size_t n;

	(void)state;
	b = flame_layout(t, 0, 20, 10, &n);
	assert_int_equal(n, 5);
	/* parents before children, root first at full width on row 0 */
	assert_int_equal(b[0].node, 0);
	assert_int_equal(b[0].row, 0);
	assert_int_equal(b[0].x, 0);
	assert_int_equal(b[0].w, 20);
	assert_int_equal(box_of(p, b, n, "a")->x, 0);
	assert_int_equal(box_of(p, b, n, "a")->w, 10);
	assert_int_equal(box_of(p, b, n, "a")->row, 1);
	assert_int_equal(box_of(p, b, n, "d")->x, 0);
	assert_int_equal(box_of(p, b, n, "d")->w, 2);
	assert_int_equal(box_of(p, b, n, "d")->row, 2);
	assert_int_equal(box_of(p, b, n, "b")->x, 10);
	assert_int_equal(box_of(p, b, n, "b")->w, 6);
	assert_int_equal(box_of(p, b, n, "c")->x, 16);
	assert_int_equal(box_of(p, b, n, "c")->w, 4);
	free(b);

	/* 3 cells: edges round down (a 1.5 -> [0,1), b to 2.4 -> [1,2), c [2,3)),
	 * siblings still tile the parent, d (0.3 cells) is dropped */
	b = flame_layout(t, 0, 3, 10, &n);
	assert_int_equal(n, 4);
	assert_null(box_of(p, b, n, "d"));
	assert_int_equal(box_of(p, b, n, "a")->w, 1);
	assert_int_equal(box_of(p, b, n, "b")->x, 1);
	assert_int_equal(box_of(p, b, n, "b")->w, 1);
	assert_int_equal(box_of(p, b, n, "c")->x, 2);
	assert_int_equal(box_of(p, b, n, "c")->w, 1);
	free(b);

	/* rows cut depth: only the root and its children */
	b = flame_layout(t, 0, 20, 2, &n);
	assert_int_equal(n, 4);
	assert_null(box_of(p, b, n, "d"));
	free(b);

	/* nothing to draw */
	assert_null(flame_layout(t, 0, 0, 10, &n));
	assert_int_equal(n, 0);
	assert_null(flame_layout(t, 9999, 20, 10, &n));
	flame_tree_free(t);
	profile_free(p);
}

static void test_flame_zoom(void **state)
{
	struct profile *p = flat_profile();
	struct flame_tree *t = flame_tree_new(p, 0);
	struct flame_box *b, *zb;
	size_t n, zn;
	uint32_t a;

	(void)state;
	b = flame_layout(t, 0, 20, 10, &n);
	a = box_of(p, b, n, "a")->node;
	zb = flame_layout(t, a, 20, 10, &zn);
	assert_int_equal(zn, 2);
	assert_int_equal(zb[0].node, a);
	assert_int_equal(zb[0].row, 0);
	assert_int_equal(zb[0].w, 20);
	assert_string_equal(node_name(p, zb[1].node), "d");
	assert_int_equal(zb[1].row, 1);
	assert_int_equal(zb[1].w, 4); /* 1 of 5 */
	free(zb);
	free(b);
	flame_tree_free(t);
	profile_free(p);
}

static void test_flame_colour(void **state)
{
	(void)state;
	/* FNV-1a 32 of "main" is 0xea90e208 on every machine and run */
	assert_int_equal(flame_colour("main", UINT32_MAX), 0xea90e208u % UINT32_MAX);
	assert_int_equal(flame_colour("main", 8), 0xea90e208u % 8);
	assert_int_equal(flame_colour("main", 6), flame_colour("main", 6));
	assert_true(flame_colour("anything", 6) < 6);
	assert_int_equal(flame_colour("", 7), 2166136261u % 7);
	assert_int_equal(flame_colour("x", 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_has_only_root),
		cmocka_unit_test(test_frames_dedup),
		cmocka_unit_test(test_stacks_dedup),
		cmocka_unit_test(test_node_id_and_counts),
		cmocka_unit_test(test_scale_counts),
		cmocka_unit_test(test_clone),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_top_self_total_recursion),
		cmocka_unit_test(test_top_mutual_recursion),
		cmocka_unit_test(test_folded_exact),
		cmocka_unit_test(test_folded_merges_and_sanitises),
		cmocka_unit_test(test_table_escapes_names),
		cmocka_unit_test(test_truncated_stack_root),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_speedscope_round_trip),
		cmocka_unit_test(test_speedscope_escapes_names),
		cmocka_unit_test(test_write_errors),
		cmocka_unit_test(test_tree_totals_and_children),
		cmocka_unit_test(test_flame_layout_widths),
		cmocka_unit_test(test_flame_zoom),
		cmocka_unit_test(test_flame_colour),
	};

	return cmocka_run_group_tests_name("profile", tests, NULL, NULL);
}
