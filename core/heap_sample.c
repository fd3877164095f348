/* SPDX-License-Identifier: MIT */
/*
 * heap_sample: lifecycle of the heap-detail structs a frame carries. Needs nothing
 * outside core/ (libc and xalloc), so any room can hold one.
 */
#include "core/heap_sample.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

const char *heap_kind_name(enum heap_kind kind)
{
	static const char *const names[HEAP_KIND_N] = {
		[HEAP_KIND_HEAP] = "heap",   [HEAP_KIND_ANON] = "anon",
		[HEAP_KIND_STACK] = "stack", [HEAP_KIND_FILE] = "file",
		[HEAP_KIND_SHMEM] = "shmem", [HEAP_KIND_OTHER] = "other",
	};

	if ((unsigned)kind >= HEAP_KIND_N)
		return "?";
	return names[kind];
}

void heap_mapping_set_release(struct heap_mapping_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->maps[i].key);
		free(s->maps[i].name);
	}
	free(s->maps);
	memset(s, 0, sizeof(*s));
}

struct heap_mapping_set *heap_mapping_set_new(void)
{
	return xcalloc(1, sizeof(struct heap_mapping_set));
}

void heap_mapping_set_free(struct heap_mapping_set *s)
{
	if (!s)
		return;
	heap_mapping_set_release(s);
	free(s);
}

const struct heap_mapping *heap_mapping_set_find(const struct heap_mapping_set *s,
						 const char *key)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->maps[mid].key, key);

		if (!c)
			return &s->maps[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
