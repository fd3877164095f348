/* SPDX-License-Identifier: MIT */
/*
 * maps: a process's mappings tied to module images (see maps.h). Parsing the
 * maps text is separate from reading it. Module images live in a cache owned
 * by the struct maps, keyed by build id and by "path inode", and outlive any
 * one reading of the maps file.
 */
#include "collectors/maps.h"

#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collectors/demangle.h"
#include "collectors/ehframe.h"
#include "core/procfs.h"
#include "core/xalloc.h"

/* A process with tens of thousands of mappings (JVMs) still fits. */
#define MAPS_CAP (8u << 20)
#define VDSO_MAX (1u << 20)
#define DELETED " (deleted)"

struct module_slot {
	char *key;	      /* "path inode", or "[vdso]" */
	struct elf_file *elf; /* NULL: could not be opened */
	bool owned;	      /* else shared with the slot of the same build id */
};

struct jit_sym {
	uint64_t start, size;
	char *name;
};

struct maps {
	char *root;
	int pid;
	struct map_entry *v;
	size_t n;
	unsigned generation;
	bool may_refresh;
	char *text; /* MAPS_CAP bytes, the last reading */

	struct module_slot *mods;
	size_t nmods, mods_cap;
	size_t unreadable;

	struct jit_sym *jit;
	size_t njit;
	struct timespec jit_mtime;
	off_t jit_size;
	bool jit_loaded;
};

static int parse_line(const char *line, struct map_entry *e)
{
	unsigned long long start, end, off, inode;
	char perms[5];
	int pos = 0;
	const char *path;
	size_t len;

	if (sscanf(line, "%llx-%llx %4s %llx %*x:%*x %llu%n", &start, &end, perms, &off,
		   &inode, &pos) != 5 ||
	    pos == 0 || end <= start)
		return -1;
	memset(e, 0, sizeof(*e));
	e->start = start;
	e->end = end;
	e->pgoff = off;
	e->inode = inode;
	memcpy(e->perms, perms, sizeof(perms));
	path = line + pos;
	while (*path == ' ' || *path == '\t')
		path++;
	len = strcspn(path, "\n");
	if (len >= strlen(DELETED) &&
	    !strncmp(path + len - strlen(DELETED), DELETED, strlen(DELETED))) {
		e->deleted = true;
		len -= strlen(DELETED);
	}
	e->path = xmalloc(len + 1);
	memcpy(e->path, path, len);
	e->path[len] = '\0';
	return 0;
}

size_t maps_parse(const char *text, struct map_entry **out)
{
	size_t n = 0, cap = 0;
	struct map_entry *v = NULL;

	for (const char *line = text; line && *line;) {
		struct map_entry e;

		if (parse_line(line, &e) == 0) {
			/* the kernel lists mappings in order; anything else is dropped */
			if (n && e.start < v[n - 1].end) {
				free(e.path);
			} else {
				v = xgrow(v, &cap, n + 1, sizeof(*v));
				v[n++] = e;
			}
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	*out = v;
	return n;
}

void maps_entries_free(struct map_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}

static long read_maps(struct maps *m)
{
	char rel[64];
	long r;

	snprintf(rel, sizeof(rel), "%d/maps", m->pid);
	r = procfs_read(m->root, rel, m->text, MAPS_CAP);
	if (r >= 0 && (size_t)r == MAPS_CAP - 1)
		procfs_keep_whole_lines(m->text);
	return r;
}

static bool same_entries(const struct map_entry *a, size_t na, const struct map_entry *b,
			 size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (a[i].start != b[i].start || a[i].end != b[i].end ||
		    a[i].pgoff != b[i].pgoff || a[i].inode != b[i].inode ||
		    strcmp(a[i].path, b[i].path))
			return false;
	return true;
}

int maps_refresh(struct maps *m)
{
	struct map_entry *v;
	size_t n;
	long r = read_maps(m);

	if (r < 0)
		return (int)r;
	if (r == 0) /* a zombie has no mappings: keep what we knew */
		return -ESRCH;
	n = maps_parse(m->text, &v);
	if (same_entries(m->v, m->n, v, n)) {
		maps_entries_free(v, n);
		return 0;
	}
	maps_entries_free(m->v, m->n);
	m->v = v;
	m->n = n;
	m->generation++;
	return 0;
}

struct maps *maps_new(const char *proc_root, int pid, char *err, size_t errlen)
{
	struct maps *m = xcalloc(1, sizeof(*m));
	int rc;

	m->root = xstrdup(proc_root ? proc_root : PROCFS_ROOT_DEFAULT);
	m->pid = pid;
	m->text = xmalloc(MAPS_CAP);
	rc = maps_refresh(m);
	if (rc < 0) {
		snprintf(err, errlen, "cannot read maps of %d: %s", pid,
			 rc == -ESRCH ? "process exited" : strerror(-rc));
		maps_free(m);
		return NULL;
	}
	return m;
}

void maps_free(struct maps *m)
{
	if (!m)
		return;
	maps_entries_free(m->v, m->n);
	for (size_t i = 0; i < m->nmods; i++) {
		free(m->mods[i].key);
		if (m->mods[i].owned)
			elf_file_free(m->mods[i].elf);
	}
	free(m->mods);
	for (size_t i = 0; i < m->njit; i++)
		free(m->jit[i].name);
	free(m->jit);
	free(m->text);
	free(m->root);
	free(m);
}

unsigned maps_generation(const struct maps *m)
{
	return m->generation;
}

void maps_allow_refresh(struct maps *m)
{
	m->may_refresh = true;
}

static struct map_entry *search(struct maps *m, uint64_t addr)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->v[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < m->n && m->v[lo].start <= addr)
		return &m->v[lo];
	return NULL;
}

struct map_entry *maps_find(struct maps *m, uint64_t addr)
{
	struct map_entry *e = search(m, addr);

	if (!e && m->may_refresh) {
		m->may_refresh = false;
		if (maps_refresh(m) == 0)
			e = search(m, addr);
	}
	return e;
}

static struct module_slot *slot_add(struct maps *m, const char *key, struct elf_file *f)
{
	struct module_slot *s;

	m->mods = xgrow(m->mods, &m->mods_cap, m->nmods + 1, sizeof(*m->mods));
	s = &m->mods[m->nmods++];
	s->key = xstrdup(key);
	s->elf = f;
	s->owned = true;
	if (!f)
		m->unreadable++;
	return s;
}

static struct module_slot *slot_find(struct maps *m, const char *key)
{
	for (size_t i = 0; i < m->nmods; i++)
		if (!strcmp(m->mods[i].key, key))
			return &m->mods[i];
	return NULL;
}

/* This process's vdso image: the kernel maps one image into every process. */
static struct elf_file *own_vdso(void)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)getauxval(AT_SYSINFO_EHDR);
	struct elf_file *f;
	char err[128];
	uint64_t size;

	if (!eh || memcmp(eh, ELFMAG, SELFMAG))
		return NULL;
	size = eh->e_shoff + (uint64_t)eh->e_shnum * eh->e_shentsize;
	if (size < sizeof(*eh) || size > VDSO_MAX)
		return NULL;
	if (elf_file_from_bytes(eh, size, "[vdso]", &f, err, sizeof(err)) < 0)
		return NULL;
	return f;
}

/* The target's own vdso, from its memory: used when we have none ourselves. */
static struct elf_file *target_vdso(struct maps *m, const struct map_entry *e)
{
	char path[4200], err[128];
	struct elf_file *f = NULL;
	size_t len = e->end - e->start;
	void *buf;
	int fd;

	if (len > VDSO_MAX)
		return NULL;
	snprintf(path, sizeof(path), "%s/%d/mem", m->root, m->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	buf = xmalloc(len);
	if (pread(fd, buf, len, (off_t)e->start) == (ssize_t)len)
		elf_file_from_bytes(buf, len, "[vdso]", &f, err, sizeof(err));
	free(buf);
	close(fd);
	return f;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* Opens the file of e as the target sees it; NULL when it cannot be read. */
static struct elf_file *open_module(struct maps *m, const struct map_entry *e)
{
	char path[4200], err[256];
	struct elf_file *f = NULL;
	struct stat st;
	int fd = -1;

	if (!e->deleted) {
		snprintf(path, sizeof(path), "%s/%d/root%s", m->root, m->pid, e->path);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		/* the path may name another file now (replaced by an upgrade) */
		if (fd >= 0 && (fstat(fd, &st) < 0 || (uint64_t)st.st_ino != e->inode)) {
			close(fd);
			fd = -1;
		}
	}
	if (fd < 0) {
		snprintf(path, sizeof(path), "%s/%d/map_files/%" PRIx64 "-%" PRIx64,
			 m->root, m->pid, e->start, e->end);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0)
		return NULL;
	if (elf_file_open_fd(fd, e->path, &f, err, sizeof(err)) < 0)
		f = NULL;
	close(fd);
	if (f) {
		char sysroot[128], dir[4096];
		const char *slash = strrchr(e->path, '/');

		snprintf(sysroot, sizeof(sysroot), "%s/%d/root", m->root, m->pid);
		snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - e->path) : 0,
			 e->path);
		elf_file_find_debug(f, sysroot, dir);
	}
	return f;
}

struct elf_file *maps_module(struct maps *m, struct map_entry *e)
{
	char key[4200];
	struct module_slot *s;
	struct elf_file *f;
	uint64_t vaddr;

	if (e->tried)
		return e->elf;
	e->tried = true;
	if (!strcmp(e->path, "[vdso]")) {
		snprintf(key, sizeof(key), "[vdso]");
	} else if (e->path[0] == '/') {
		snprintf(key, sizeof(key), "%s %" PRIu64, e->path, e->inode);
	} else {
		return NULL;
	}
	s = slot_find(m, key);
	if (!s) {
		f = strcmp(key, "[vdso]") ? open_module(m, e) : own_vdso();
		if (!f && !strcmp(key, "[vdso]"))
			f = target_vdso(m, e);
		/* one image per build id: a second path to the same library */
		for (size_t i = 0; f && f->build_id[0] && i < m->nmods; i++)
			if (m->mods[i].elf &&
			    !strcmp(m->mods[i].elf->build_id, f->build_id)) {
				elf_file_free(f);
				f = NULL;
				s = slot_add(m, key, m->mods[i].elf);
				s->owned = false;
				break;
			}
		if (!s)
			s = slot_add(m, key, f);
	}
	e->elf = s->elf;
	if (e->elf && elf_file_offset_to_vaddr(e->elf, e->pgoff, &vaddr) == 0)
		e->bias = e->start - vaddr;
	else
		e->elf = NULL;
	return e->elf;
}

int maps_read(struct maps *m, uint64_t addr, void *buf, size_t len)
{
	struct map_entry *e = search(m, addr);
	struct elf_file *f;

	if (!e || !(f = maps_module(m, e)))
		return -1;
	return elf_file_read_vaddr(f, addr - e->bias, buf, len);
}

static int cmp_jit(const void *a, const void *b)
{
	const struct jit_sym *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* (Re)loads /tmp/perf-<pid>.map when it changed since the last look. */
static void load_jit(struct maps *m)
{
	char path[64], line[1024];
	struct stat st;
	size_t cap = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "/tmp/perf-%d.map", m->pid);
	if (stat(path, &st) < 0)
		return;
	if (m->jit_loaded && st.st_size == m->jit_size &&
	    st.st_mtim.tv_sec == m->jit_mtime.tv_sec &&
	    st.st_mtim.tv_nsec == m->jit_mtime.tv_nsec)
		return;
	fp = fopen(path, "re");
	if (!fp)
		return;
	for (size_t i = 0; i < m->njit; i++)
		free(m->jit[i].name);
	m->njit = 0;
	cap = 0;
	free(m->jit);
	m->jit = NULL;
	while (fgets(line, sizeof(line), fp)) {
		unsigned long long start, size;
		int pos = 0;

		if (sscanf(line, "%llx %llx %n", &start, &size, &pos) != 2 || !pos)
			continue;
		line[strcspn(line, "\n")] = '\0';
		m->jit = xgrow(m->jit, &cap, m->njit + 1, sizeof(*m->jit));
		m->jit[m->njit].start = start;
		m->jit[m->njit].size = size;
		m->jit[m->njit].name = xstrdup(line + pos);
		m->njit++;
	}
	fclose(fp);
	qsort(m->jit, m->njit, sizeof(*m->jit), cmp_jit);
	m->jit_loaded = true;
	m->jit_size = st.st_size;
	m->jit_mtime = st.st_mtim;
}

static const struct jit_sym *find_jit(struct maps *m, uint64_t addr)
{
	size_t lo = 0, hi;

	load_jit(m);
	hi = m->njit;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->jit[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && addr - m->jit[lo - 1].start < m->jit[lo - 1].size)
		return &m->jit[lo - 1];
	return NULL;
}

int maps_symbolize(struct maps *m, uint64_t addr, char *fn, size_t fnlen, char *mod,
		   size_t modlen)
{
	struct map_entry *e = maps_find(m, addr);
	const struct jit_sym *j;
	struct elf_file *f;
	const struct elf_sym *s;

	if (!e || !(e->path[0] == '/' || !strcmp(e->path, "[vdso]"))) {
		if ((j = find_jit(m, addr))) {
			snprintf(fn, fnlen, "%s", j->name);
			snprintf(mod, modlen, "[jit]");
			return 0;
		}
		snprintf(fn, fnlen, "[unknown]+0x%" PRIx64, addr);
		snprintf(mod, modlen, "%s", e ? e->path : "");
		return e ? 1 : -1;
	}
	snprintf(mod, modlen, "%s", base_name(e->path));
	f = maps_module(m, e);
	if (!f) {
		/* no image: the offset in the file is what addr2line would want */
		snprintf(fn, fnlen, "%s+0x%" PRIx64, mod, addr - e->start + e->pgoff);
		return 1;
	}
	s = elf_file_lookup(f, addr - e->bias);
	if (!s) {
		/* one row per function, not per address: the FDE's start */
		uint64_t start, end, at = addr - e->bias;

		if (ehframe_function(f, at, &start, &end) == 0)
			at = start;
		snprintf(fn, fnlen, "%s+0x%" PRIx64, mod, at);
		return 1;
	}
	demangle(s->name, fn, fnlen);
	return 0;
}

int maps_region(struct maps *m, uint64_t addr, struct maps_region *out)
{
	struct map_entry *e = maps_find(m, addr);
	struct elf_file *f;

	if (!e || !(e->path[0] == '/' || !strcmp(e->path, "[vdso]")))
		return -1;
	f = maps_module(m, e);
	out->start = e->start;
	out->end = e->end;
	out->pgoff = e->pgoff;
	out->path = e->path;
	out->build_id = f ? f->build_id : "";
	return 0;
}

void maps_counts(const struct maps *m, size_t *modules, size_t *unreadable)
{
	*modules = m->nmods;
	*unreadable = m->unreadable;
}
