/* SPDX-License-Identifier: MIT */
/*
 * alloc_probes: the uprobe PMU's numbers from sysfs, the allocator symbols
 * of each executable mapping, one entry and one return event per function
 * (see alloc_probes.h).
 */
#include "collectors/alloc_probes.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/maps.h"
#include "collectors/symbols.h"
#include "core/procfs.h"
#include "core/xalloc.h"

#define UPROBE_SYSFS "/sys/bus/event_source/devices/uprobe"
#define MAPS_TEXT_MAX (4u << 20)

static const struct {
	const char *name;
	enum alloc_fn fn;
} names[] = {
	{"malloc", ALLOC_MALLOC},
	{"__libc_malloc", ALLOC_MALLOC},
	{"calloc", ALLOC_CALLOC},
	{"__libc_calloc", ALLOC_CALLOC},
	{"realloc", ALLOC_REALLOC},
	{"__libc_realloc", ALLOC_REALLOC},
	{"free", ALLOC_FREE},
	{"cfree", ALLOC_FREE},
	{"__libc_free", ALLOC_FREE},
	{"memalign", ALLOC_MEMALIGN},
	{"aligned_alloc", ALLOC_MEMALIGN},
	{"__libc_memalign", ALLOC_MEMALIGN},
	{"posix_memalign", ALLOC_POSIX_MEMALIGN},
};

/* The uprobe PMU's type and its retprobe bit ("config:N"). */
static int uprobe_pmu(uint32_t *type, int *retbit)
{
	char text[64];
	int bit;

	if (procfs_read(UPROBE_SYSFS, "type", text, sizeof(text)) <= 0)
		return -ENOENT;
	*type = (uint32_t)strtoul(text, NULL, 10);
	if (procfs_read(UPROBE_SYSFS, "format/retprobe", text, sizeof(text)) <= 0 ||
	    sscanf(text, "config:%d", &bit) != 1 || bit < 0 || bit > 63)
		return -ENOENT;
	*retbit = bit;
	return 0;
}

static int fn_of(const char *name)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i].name, name))
			return (int)names[i].fn;
	return -1;
}

static void add_event(struct alloc_probes *p, uint32_t type, const char *path,
		      uint64_t off, uint64_t config, uint32_t stack, int tag)
{
	struct perf_sampler_event *e = &p->ev[p->n++];

	memset(e, 0, sizeof(*e));
	e->type = type;
	e->config = config;
	e->config1 = (uint64_t)(uintptr_t)path;
	e->config2 = off;
	e->stack_size = stack;
	e->tag = tag;
}

/* Probes the allocator functions of one module; false when it has none or
 * there is no room left. */
static bool probe_module(struct alloc_probes *p, const char *path, uint32_t type,
			 int retbit, size_t stack_size, bool live)
{
	uint64_t off[ALLOC_NFN];
	bool found[ALLOC_NFN] = {false}, any = false;
	struct elf_file *f;
	char err[256];
	size_t need = 0;

	if (p->npaths == ALLOC_MODULES_MAX ||
	    elf_file_open(path, NULL, &f, err, sizeof(err)))
		return false;
	elf_file_nsyms(f);
	for (size_t i = 0; i < f->nsyms; i++) {
		int fn = f->syms[i].name ? fn_of(f->syms[i].name) : -1;

		if (fn < 0 || found[fn] || !f->syms[i].addr ||
		    (!live && fn == ALLOC_FREE) ||
		    elf_file_vaddr_to_offset(f, f->syms[i].addr, &off[fn]) < 0)
			continue;
		found[fn] = any = true;
		need += fn == ALLOC_FREE || !live ? 1 : 2;
	}
	elf_file_free(f);
	if (!any || p->n + need > PERF_SAMPLER_EVENTS_MAX)
		return false;
	p->paths[p->npaths] = xstrdup(path);
	/* malloc last: the sampler closes its events first (see
	 * perf_sampler_free), so the busiest breakpoint goes first */
	for (int fn = ALLOC_NFN - 1; fn >= 0; fn--) {
		if (!found[fn])
			continue;
		add_event(p, type, p->paths[p->npaths], off[fn], 0,
			  fn == ALLOC_FREE ? 0 : (uint32_t)stack_size,
			  ALLOC_TAG(fn, false));
		if (fn != ALLOC_FREE && live)
			add_event(p, type, p->paths[p->npaths], off[fn], 1ull << retbit,
				  0, ALLOC_TAG(fn, true));
	}
	p->npaths++;
	return true;
}

static void note_module(struct alloc_probes *p, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t len = strlen(p->modules);

	snprintf(p->modules + len, sizeof(p->modules) - len, "%s%s", len ? ", " : "",
		 base ? base + 1 : path);
}

int alloc_probes_find(const char *proc_root, int pid, size_t stack_size, bool live,
		      struct alloc_probes *out, char *err, size_t errlen)
{
	const char *root = proc_root ? proc_root : PROCFS_ROOT_DEFAULT;
	char rel[64], *text = xmalloc(MAPS_TEXT_MAX);
	struct map_entry *v = NULL;
	size_t n = 0;
	uint32_t type;
	int retbit;
	long len;

	memset(out, 0, sizeof(*out));
	if (uprobe_pmu(&type, &retbit) < 0) {
		free(text);
		snprintf(err, errlen, "no uprobe PMU in " UPROBE_SYSFS);
		return -ENOENT;
	}
	snprintf(rel, sizeof(rel), "%d/maps", pid);
	len = procfs_read(root, rel, text, MAPS_TEXT_MAX);
	if (len <= 0) {
		free(text);
		snprintf(err, errlen, "cannot read the maps of %d: no such process", pid);
		return -ESRCH;
	}
	n = maps_parse(text, &v);
	free(text);
	for (size_t i = 0; i < n; i++) {
		char path[4200];
		bool seen = false;

		if (v[i].perms[2] != 'x' || v[i].path[0] != '/' || v[i].deleted)
			continue;
		for (size_t k = 0; k < i; k++)
			seen |= v[k].perms[2] == 'x' && !strcmp(v[k].path, v[i].path);
		snprintf(path, sizeof(path), "%s/%d/root%s", root, pid, v[i].path);
		if (!seen && probe_module(out, path, type, retbit, stack_size, live))
			note_module(out, v[i].path);
	}
	maps_entries_free(v, n);
	if (!out->n) {
		snprintf(err, errlen, "no malloc found in the mappings of %d", pid);
		return -ENOENT;
	}
	return 0;
}

void alloc_probes_order(struct alloc_probes *p, const uint64_t calls[ALLOC_NFN])
{
	/* insertion sort: a few dozen events, and it keeps ties in place */
	for (size_t i = 1; i < p->n; i++) {
		struct perf_sampler_event e = p->ev[i];
		uint64_t c = calls[ALLOC_TAG_FN(e.tag)];
		size_t j = i;

		while (j > 0 && calls[ALLOC_TAG_FN(p->ev[j - 1].tag)] > c) {
			p->ev[j] = p->ev[j - 1];
			j--;
		}
		p->ev[j] = e;
	}
}

void alloc_probes_release(struct alloc_probes *p)
{
	for (size_t i = 0; i < p->npaths; i++)
		free(p->paths[i]);
	p->npaths = 0;
	p->n = 0;
}
