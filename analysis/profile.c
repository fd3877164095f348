/* SPDX-License-Identifier: MIT */
/*
 * profile: building a deduplicated call tree, and the function ranking.
 *
 * Three open-addressing hash tables (power-of-two capacity, at most half
 * full, linear probing) make every lookup amortised O(1):
 * - frames: (function, module) -> frame id, keyed by a hash kept per frame so
 *   a probe compares strings only on a hash match;
 * - children: (parent, frame) -> node id;
 * - counts: (node, tid) -> index into counts[].
 * Slots hold id + 1 (0 = empty). Once a stack has been seen, adding it again
 * walks the tables and bumps one counter: no allocation.
 *
 * The writers (folded, speedscope, table) live in profile_out.c; they use
 * only the public fields.
 */
#include "analysis/profile.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/flame.h"
#include "core/xalloc.h"

struct hash_table {
	uint32_t *slots; /* id + 1, 0 = empty */
	size_t cap;	 /* power of two, or 0 before first use */
};

struct profile_index {
	struct hash_table frames, children, counts;
	uint64_t *frame_hash; /* per frame id */
	size_t frames_cap, nodes_cap, counts_cap, threads_cap, frame_hash_cap;
	size_t mappings_cap;
};

static uint64_t mix64(uint64_t x)
{
	/* splitmix64's finaliser: good avalanche for packed integer keys */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static uint64_t hash_str(uint64_t h, const char *s)
{
	/* FNV-1a, then the terminating NUL so ("ab","c") != ("a","bc") */
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	h ^= 0xff;
	h *= 0x100000001b3ULL;
	return h;
}

static uint64_t frame_key_hash(const char *function, const char *module)
{
	return mix64(hash_str(hash_str(0xcbf29ce484222325ULL, function), module));
}

static uint64_t node_key_hash(uint32_t parent, uint32_t frame)
{
	return mix64(((uint64_t)parent << 32) | frame);
}

static uint64_t count_key_hash(uint32_t node, int tid)
{
	return mix64(((uint64_t)node << 32) | (uint32_t)tid);
}

/* Inserts id (whose key hashes to h) into a slot known to be free of it. */
static void table_put(struct hash_table *t, uint64_t h, uint32_t id)
{
	size_t mask = t->cap - 1;
	size_t i = (size_t)h & mask;

	while (t->slots[i])
		i = (i + 1) & mask;
	t->slots[i] = id + 1;
}

/*
 * Makes room for one more entry (keeping the table at most half full) by
 * rehashing the existing ids first..n-1 with hash_of(p, id).
 */
static void table_reserve(struct hash_table *t, size_t first, size_t n,
			  const struct profile *p,
			  uint64_t (*hash_of)(const struct profile *, uint32_t))
{
	size_t cap = t->cap ? t->cap : 64;

	while ((n + 1) * 2 > cap)
		cap *= 2;
	if (cap == t->cap)
		return;
	free(t->slots);
	t->slots = xcalloc(cap, sizeof(*t->slots));
	t->cap = cap;
	for (size_t id = first; id < n; id++)
		table_put(t, hash_of(p, (uint32_t)id), (uint32_t)id);
}

static uint64_t frame_hash_of(const struct profile *p, uint32_t id)
{
	return p->index->frame_hash[id];
}

static uint64_t node_hash_of(const struct profile *p, uint32_t id)
{
	return node_key_hash(p->nodes[id].parent, p->nodes[id].frame);
}

static uint64_t count_hash_of(const struct profile *p, uint32_t id)
{
	return count_key_hash(p->counts[id].node, p->counts[id].tid);
}

const char *profile_mode_name(enum profile_mode m)
{
	static const char *const names[] = {"cpu", "wall", "alloc", "live"};

	return (unsigned)m < sizeof(names) / sizeof(names[0]) ? names[m] : "?";
}

struct profile *profile_new(const struct profile_meta *meta)
{
	struct profile *p = xcalloc(1, sizeof(*p));

	if (meta)
		p->meta = *meta;
	/* samples is derived from counts (the header's invariant) */
	p->meta.samples = 0;
	p->index = xcalloc(1, sizeof(*p->index));
	p->nodes = xgrow(NULL, &p->index->nodes_cap, 1, sizeof(*p->nodes));
	p->nodes[0].parent = PROFILE_NONE;
	p->nodes[0].frame = PROFILE_NONE;
	p->nnodes = 1;
	return p;
}

void profile_free(struct profile *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nframes; i++) {
		free(p->frames[i].function);
		free(p->frames[i].module);
	}
	free(p->frames);
	for (size_t i = 0; i < p->nmappings; i++) {
		free(p->mappings[i].file);
		free(p->mappings[i].build_id);
	}
	free(p->mappings);
	free(p->nodes);
	free(p->counts);
	free(p->threads);
	if (p->index) {
		free(p->index->frames.slots);
		free(p->index->children.slots);
		free(p->index->counts.slots);
		free(p->index->frame_hash);
		free(p->index);
	}
	free(p);
}

uint32_t profile_frame_id(struct profile *p, const char *function, const char *module)
{
	struct profile_index *ix = p->index;
	uint64_t h;
	size_t mask, i;
	uint32_t id;

	if (!function)
		function = "";
	if (!module)
		module = "";
	h = frame_key_hash(function, module);
	if (ix->frames.cap) {
		mask = ix->frames.cap - 1;
		for (i = (size_t)h & mask; ix->frames.slots[i]; i = (i + 1) & mask) {
			id = ix->frames.slots[i] - 1;
			if (ix->frame_hash[id] == h &&
			    !strcmp(p->frames[id].function, function) &&
			    !strcmp(p->frames[id].module, module))
				return id;
		}
	}
	if (p->nframes >= PROFILE_NONE - 1)
		fatal("profile: too many frames");
	id = (uint32_t)p->nframes;
	p->frames = xgrow(p->frames, &ix->frames_cap, p->nframes + 1, sizeof(*p->frames));
	ix->frame_hash = xgrow(ix->frame_hash, &ix->frame_hash_cap, p->nframes + 1,
			       sizeof(*ix->frame_hash));
	p->frames[id].function = xstrdup(function);
	p->frames[id].module = xstrdup(module);
	p->frames[id].mapping = PROFILE_NONE;
	p->frames[id].address = 0;
	ix->frame_hash[id] = h;
	table_reserve(&ix->frames, 0, p->nframes, p, frame_hash_of);
	table_put(&ix->frames, h, id);
	p->nframes++;
	return id;
}

/* A profile has a few dozen mappings (one per library), looked up once per
 * new frame: a linear search is enough. */
uint32_t profile_mapping_id(struct profile *p, uint64_t start, uint64_t limit,
			    uint64_t offset, const char *file, const char *build_id)
{
	struct profile_mapping *n;

	if (!file)
		file = "";
	for (size_t i = 0; i < p->nmappings; i++) {
		const struct profile_mapping *o = &p->mappings[i];

		if (o->start == start && o->limit == limit && o->offset == offset &&
		    !strcmp(o->file, file))
			return (uint32_t)i;
	}
	if (p->nmappings >= PROFILE_NONE - 1)
		fatal("profile: too many mappings");
	p->mappings = xgrow(p->mappings, &p->index->mappings_cap, p->nmappings + 1,
			    sizeof(*p->mappings));
	n = &p->mappings[p->nmappings];
	n->start = start;
	n->limit = limit;
	n->offset = offset;
	n->file = xstrdup(file);
	n->build_id = xstrdup(build_id ? build_id : "");
	return (uint32_t)p->nmappings++;
}

void profile_frame_place(struct profile *p, uint32_t frame, uint32_t mapping,
			 uint64_t address)
{
	assert(frame < p->nframes && mapping < p->nmappings);
	if (p->frames[frame].mapping != PROFILE_NONE)
		return;
	p->frames[frame].mapping = mapping;
	p->frames[frame].address = address;
}

uint32_t profile_node_id(struct profile *p, uint32_t parent, uint32_t frame)
{
	struct profile_index *ix = p->index;
	uint64_t h = node_key_hash(parent, frame);
	size_t mask, i;
	uint32_t id;

	assert(parent < p->nnodes && frame < p->nframes);
	if (ix->children.cap) {
		mask = ix->children.cap - 1;
		for (i = (size_t)h & mask; ix->children.slots[i]; i = (i + 1) & mask) {
			id = ix->children.slots[i] - 1;
			if (p->nodes[id].parent == parent && p->nodes[id].frame == frame)
				return id;
		}
	}
	if (p->nnodes >= PROFILE_NONE - 1)
		fatal("profile: too many call-tree nodes");
	id = (uint32_t)p->nnodes;
	p->nodes = xgrow(p->nodes, &ix->nodes_cap, p->nnodes + 1, sizeof(*p->nodes));
	p->nodes[id].parent = parent;
	p->nodes[id].frame = frame;
	/* from 1: the root is nobody's child */
	table_reserve(&ix->children, 1, p->nnodes, p, node_hash_of);
	table_put(&ix->children, h, id);
	p->nnodes++;
	return id;
}

void profile_scale_counts(struct profile *p, double factor)
{
	assert(factor > 0);
	p->meta.samples = 0;
	for (size_t i = 0; i < p->ncounts; i++) {
		p->counts[i].n = (uint64_t)llround((double)p->counts[i].n * factor);
		p->meta.samples += p->counts[i].n;
	}
}

void profile_add_count(struct profile *p, uint32_t node, int tid, uint64_t n)
{
	struct profile_index *ix = p->index;
	uint64_t h = count_key_hash(node, tid);
	size_t mask, i;
	uint32_t id;

	assert(node > 0 && node < p->nnodes);
	if (ix->counts.cap) {
		mask = ix->counts.cap - 1;
		for (i = (size_t)h & mask; ix->counts.slots[i]; i = (i + 1) & mask) {
			id = ix->counts.slots[i] - 1;
			if (p->counts[id].node == node && p->counts[id].tid == tid) {
				p->counts[id].n += n;
				p->meta.samples += n;
				return;
			}
		}
	}
	if (p->ncounts >= PROFILE_NONE - 1)
		fatal("profile: too many sample counts");
	id = (uint32_t)p->ncounts;
	p->counts = xgrow(p->counts, &ix->counts_cap, p->ncounts + 1, sizeof(*p->counts));
	p->counts[id].node = node;
	p->counts[id].tid = tid;
	p->counts[id].n = n;
	table_reserve(&ix->counts, 0, p->ncounts, p, count_hash_of);
	table_put(&ix->counts, h, id);
	p->ncounts++;
	p->meta.samples += n;
}

uint32_t profile_add_stack(struct profile *p, int tid, const uint32_t *frames,
			   size_t depth, uint64_t n)
{
	uint32_t node = 0;

	if (depth == 0)
		return 0;
	/* the unwinder gives innermost first; the tree is root first */
	for (size_t i = depth; i-- > 0;)
		node = profile_node_id(p, node, frames[i]);
	profile_add_count(p, node, tid, n);
	return node;
}

size_t profile_mark_truncated(struct profile *p, uint32_t *frames, size_t depth)
{
	frames[depth] = profile_frame_id(p, PROFILE_TRUNCATED, "");
	return depth + 1;
}

void profile_set_thread(struct profile *p, int tid, const char *comm)
{
	struct profile_thread *t = NULL;

	for (size_t i = 0; i < p->nthreads; i++) {
		if (p->threads[i].tid == tid) {
			t = &p->threads[i];
			break;
		}
	}
	if (!t) {
		p->threads = xgrow(p->threads, &p->index->threads_cap, p->nthreads + 1,
				   sizeof(*p->threads));
		t = &p->threads[p->nthreads++];
		t->tid = tid;
	}
	snprintf(t->comm, sizeof(t->comm), "%s", comm ? comm : "");
}

static int cmp_fn(const void *a, const void *b)
{
	const struct profile_fn *x = a, *y = b;

	if (x->self != y->self)
		return x->self > y->self ? -1 : 1;
	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	return x->frame < y->frame ? -1 : x->frame > y->frame;
}

struct profile_fn *profile_top(const struct profile *p, int tid, size_t *n)
{
	struct flame_tree *t = flame_tree_new(p, tid);
	struct profile_fn *fns = xcalloc(p->nframes ? p->nframes : 1, sizeof(*fns));
	uint32_t *on_stack = xcalloc(p->nframes ? p->nframes : 1, sizeof(*on_stack));
	struct {
		uint32_t node;
		uint32_t next; /* index of the next child to visit */
	} *stack = xcalloc(p->nnodes, sizeof(*stack));
	size_t depth = 0, m = 0;

	for (size_t f = 0; f < p->nframes; f++)
		fns[f].frame = (uint32_t)f;
	for (size_t i = 1; i < p->nnodes; i++)
		fns[p->nodes[i].frame].self += t->self[i];
	/*
	 * Depth first with a count of each frame on the current path: a node
	 * adds its subtree to its function's total only when the function is
	 * not already on the path, so recursion counts each stack once.
	 */
	stack[depth++].node = 0;
	while (depth > 0) {
		uint32_t node = stack[depth - 1].node;
		size_t nk;
		const uint32_t *kids = flame_tree_children(t, node, &nk);

		if (stack[depth - 1].next < nk) {
			uint32_t kid = kids[stack[depth - 1].next++];
			uint32_t f = p->nodes[kid].frame;

			if (on_stack[f]++ == 0)
				fns[f].total += t->total[kid];
			stack[depth].node = kid;
			stack[depth].next = 0;
			depth++;
			continue;
		}
		if (node != 0)
			on_stack[p->nodes[node].frame]--;
		depth--;
	}
	for (size_t f = 0; f < p->nframes; f++) {
		if (fns[f].total)
			fns[m++] = fns[f];
	}
	qsort(fns, m, sizeof(*fns), cmp_fn);
	free(stack);
	free(on_stack);
	flame_tree_free(t);
	*n = m;
	return fns;
}

struct profile *profile_clone(const struct profile *p)
{
	struct profile *c = profile_new(&p->meta);

	/* ids are dense and parents come first, so re-adding in order gives the
	 * same ids */
	for (size_t i = 0; i < p->nmappings; i++) {
		const struct profile_mapping *m = &p->mappings[i];

		profile_mapping_id(c, m->start, m->limit, m->offset, m->file,
				   m->build_id);
	}
	for (size_t i = 0; i < p->nframes; i++) {
		profile_frame_id(c, p->frames[i].function, p->frames[i].module);
		c->frames[i].mapping = p->frames[i].mapping;
		c->frames[i].address = p->frames[i].address;
	}
	for (size_t i = 1; i < p->nnodes; i++)
		profile_node_id(c, p->nodes[i].parent, p->nodes[i].frame);
	for (size_t i = 0; i < p->ncounts; i++)
		profile_add_count(c, p->counts[i].node, p->counts[i].tid, p->counts[i].n);
	for (size_t i = 0; i < p->nthreads; i++)
		profile_set_thread(c, p->threads[i].tid, p->threads[i].comm);
	c->meta = p->meta;
	return c;
}
