/* SPDX-License-Identifier: MIT */
/*
 * heap: smaps_rollup and smaps of the target, the regions smaps is summed
 * into, the cadence that keeps reading them cheap, and the memory limit.
 *
 * smaps is streamed through a fixed buffer line by line into the incremental
 * parser, never slurped: at 60,000 VMAs it is tens of MiB. The parser keeps
 * one small record per VMA (the neighbours decide a VMA's kind), and
 * consecutive VMAs with the same key are summed before keys are sorted, so
 * the sort sees about one entry per region, not per VMA.
 */
#include "collectors/heap.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/procfs.h"
#include "core/xalloc.h"

#define ERR(...) (errlen ? (void)snprintf(err, errlen, __VA_ARGS__) : (void)0)
#define KEY_MAX 4200 /* "shmem:" + a path of up to PATH_MAX */
#define ROLLUP_BUF 4096
#define SMAPS_CHUNK (256u << 10)
#define LINE_MAX_LEN 8192 /* a longer line is cut; smaps lines are path + ~70 */

static int64_t thread_cpu_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) < 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static const char *root_or_default(const char *root)
{
	return root ? root : PROCFS_ROOT_DEFAULT;
}

/* ---- smaps_rollup ---- */

int heap_parse_rollup(const char *text, struct heap_rollup *out)
{
	struct heap_rollup r = *out;

	r.have = 0;
	if (procfs_kv_u64(text, "Rss", &r.rss) < 0 ||
	    procfs_kv_u64(text, "Pss", &r.pss) < 0 ||
	    procfs_kv_u64(text, "Private_Dirty", &r.private_dirty) < 0 ||
	    procfs_kv_u64(text, "Anonymous", &r.anonymous) < 0 ||
	    procfs_kv_u64(text, "Swap", &r.swap) < 0)
		return -1;
	r.lazyfree = r.pss_anon = r.swap_pss = 0;
	if (!procfs_kv_u64(text, "LazyFree", &r.lazyfree))
		r.have |= HEAP_ROLLUP_HAVE_LAZYFREE;
	if (!procfs_kv_u64(text, "Pss_Anon", &r.pss_anon))
		r.have |= HEAP_ROLLUP_HAVE_PSS_ANON;
	procfs_kv_u64(text, "SwapPss", &r.swap_pss);
	*out = r;
	return 0;
}

int heap_read_rollup(const char *proc_root, int pid, int64_t t_ms,
		     struct heap_rollup *out, char *err, size_t errlen)
{
	char rel[64], text[ROLLUP_BUF];
	int64_t t0 = thread_cpu_ns();
	long rc;

	snprintf(rel, sizeof(rel), "%d/smaps_rollup", pid);
	rc = procfs_read(root_or_default(proc_root), rel, text, sizeof(text));
	if (rc < 0) {
		ERR("smaps_rollup: %s", strerror((int)-rc));
		return (int)rc;
	}
	memset(out, 0, sizeof(*out));
	if (heap_parse_rollup(text, out) < 0) {
		ERR("smaps_rollup: unparsable");
		return -EBADMSG;
	}
	out->t_ms = t_ms;
	out->cost_ns = thread_cpu_ns() - t0;
	return 0;
}

/* ---- smaps: lines ---- */

void heap_smaps_init(struct heap_smaps *p)
{
	memset(p, 0, sizeof(*p));
}

void heap_smaps_release(struct heap_smaps *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->vmas[i].path);
	free(p->vmas);
	memset(p, 0, sizeof(*p));
}

/* Hex digits at s[*i..len): the value, or -1 for none or overflow. */
static int hex_at(const char *s, size_t len, size_t *i, uint64_t *out)
{
	uint64_t v = 0;
	size_t start = *i;

	while (*i < len && isxdigit((unsigned char)s[*i])) {
		int c = tolower((unsigned char)s[*i]);
		unsigned d = (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);

		if (v >> 60)
			return -1;
		v = v << 4 | d;
		(*i)++;
	}
	if (*i == start)
		return -1;
	*out = v;
	return 0;
}

static void skip_blanks(const char *s, size_t len, size_t *i)
{
	while (*i < len && (s[*i] == ' ' || s[*i] == '\t'))
		(*i)++;
}

/* A header line: "start-end perms offset dev inode [path]". 0, or -1. */
static int parse_header(const char *s, size_t len, struct heap_vma *v)
{
	size_t i = 0, p;
	uint64_t major, minor;

	memset(v, 0, sizeof(*v));
	if (hex_at(s, len, &i, &v->start) < 0 || i >= len || s[i++] != '-' ||
	    hex_at(s, len, &i, &v->end) < 0 || v->end < v->start || i >= len ||
	    s[i++] != ' ')
		return -1;
	if (i + 4 > len)
		return -1;
	memcpy(v->perms, s + i, 4);
	for (int k = 0; k < 4; k++)
		if (!strchr("rwxps-", v->perms[k]))
			return -1;
	i += 4;
	skip_blanks(s, len, &i);
	if (hex_at(s, len, &i, &v->offset) < 0)
		return -1;
	skip_blanks(s, len, &i);
	if (hex_at(s, len, &i, &major) < 0 || i >= len || s[i++] != ':' ||
	    hex_at(s, len, &i, &minor) < 0)
		return -1;
	skip_blanks(s, len, &i);
	p = i;
	while (i < len && isdigit((unsigned char)s[i])) {
		if (v->inode > (UINT64_MAX - 9) / 10)
			return -1;
		v->inode = v->inode * 10 + (uint64_t)(s[i++] - '0');
	}
	if (i == p || (i < len && s[i] != ' ' && s[i] != '\t'))
		return -1;
	skip_blanks(s, len, &i);
	if (i < len) {
		v->path = xmalloc(len - i + 1);
		memcpy(v->path, s + i, len - i);
		v->path[len - i] = '\0';
	}
	return 0;
}

/* "Key:   123 kB" -> bytes into the field that key names; 0, or -1. */
static int parse_field(const char *s, size_t len, struct heap_vma *v)
{
	static const struct {
		const char *key;
		size_t off;
	} fields[] = {
		{"Size", offsetof(struct heap_vma, size)},
		{"Rss", offsetof(struct heap_vma, rss)},
		{"Pss", offsetof(struct heap_vma, pss)},
		{"Anonymous", offsetof(struct heap_vma, anon)},
		{"Swap", offsetof(struct heap_vma, swap)},
	};
	const char *colon = memchr(s, ':', len);
	size_t klen, i;
	uint64_t val = 0;

	if (!colon || colon == s)
		return -1;
	klen = (size_t)(colon - s);
	for (size_t k = 0; k < klen; k++)
		if (!isalnum((unsigned char)s[k]) && s[k] != '_')
			return -1;
	for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
		if (strlen(fields[f].key) != klen || memcmp(fields[f].key, s, klen))
			continue;
		i = klen + 1;
		skip_blanks(s, len, &i);
		if (i >= len || !isdigit((unsigned char)s[i]))
			return -1;
		while (i < len && isdigit((unsigned char)s[i])) {
			if (val > (UINT64_MAX / 1024 - 9) / 10)
				return -1;
			val = val * 10 + (uint64_t)(s[i++] - '0');
		}
		skip_blanks(s, len, &i);
		if (len - i >= 2 && !memcmp(s + i, "kB", 2))
			val *= 1024;
		memcpy((char *)v + fields[f].off, &val, sizeof(val));
		return 0;
	}
	return 0; /* a field we do not keep (VmFlags, Referenced, ...) */
}

/* Whether s[0..len) starts like a header: hex digits then '-'. */
static bool looks_like_header(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && isxdigit((unsigned char)s[i]))
		i++;
	return i > 0 && i < len && s[i] == '-';
}

void heap_smaps_line(struct heap_smaps *p, const char *line, size_t len)
{
	struct heap_vma v;

	if (len && line[len - 1] == '\n')
		len--;
	if (!len)
		return;
	if (looks_like_header(line, len)) {
		if (parse_header(line, len, &v) < 0) {
			p->bad_lines++;
			return;
		}
		p->vmas = xgrow(p->vmas, &p->cap, p->n + 1, sizeof(*p->vmas));
		p->vmas[p->n++] = v;
		return;
	}
	if (!p->n || parse_field(line, len, &p->vmas[p->n - 1]) < 0)
		p->bad_lines++;
}

/* ---- smaps: classification ---- */

static bool is_anon(const struct heap_vma *v)
{
	return !v->path;
}

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* g is a PROT_NONE guard directly below the writable stack s. */
static bool guard_and_stack(const struct heap_vma *g, const struct heap_vma *s)
{
	return g && s && is_anon(g) && is_anon(s) && !strcmp(g->perms, "---p") &&
	       g->end - g->start <= HEAP_GUARD_MAX && g->end == s->start &&
	       s->perms[0] == 'r' && s->perms[1] == 'w' && s->perms[3] == 'p' &&
	       s->end - s->start >= HEAP_STACK_MIN && s->start % HEAP_ARENA_ALIGN != 0;
}

static bool is_shmem_path(const char *path)
{
	return starts_with(path, "/dev/shm/") || starts_with(path, "/SYSV") ||
	       starts_with(path, "/memfd:") || starts_with(path, "/dev/zero");
}

enum heap_kind heap_classify(const struct heap_vma *prev, const struct heap_vma *vma,
			     const struct heap_vma *next, uint64_t run_end, char *key,
			     size_t cap)
{
	const char *path = vma->path;

	if (path && !strcmp(path, "[heap]")) {
		snprintf(key, cap, "heap");
		return HEAP_KIND_HEAP;
	}
	if (path && !strcmp(path, "[stack]")) {
		snprintf(key, cap, "stack");
		return HEAP_KIND_STACK;
	}
	if (path && starts_with(path, "[stack:")) {
		snprintf(key, cap, "stack:%s", path);
		return HEAP_KIND_STACK;
	}
	if (path && starts_with(path, "[anon:")) {
		snprintf(key, cap, "anon:%s", path);
		return HEAP_KIND_ANON;
	}
	if (path && starts_with(path, "[anon_shmem:")) {
		snprintf(key, cap, "shmem:%s", path);
		return HEAP_KIND_SHMEM;
	}
	if (path && path[0] == '[') {
		snprintf(key, cap, "other:%s", path);
		return HEAP_KIND_OTHER;
	}
	if (path && is_shmem_path(path)) {
		snprintf(key, cap, "shmem:%s", path);
		return HEAP_KIND_SHMEM;
	}
	if (path) { /* a shared mapping of a regular file is still a file */
		snprintf(key, cap, "file:%s", path);
		return HEAP_KIND_FILE;
	}
	if (guard_and_stack(vma, next)) {
		snprintf(key, cap, "stack:%" PRIx64, next->end);
		return HEAP_KIND_STACK;
	}
	if (guard_and_stack(prev, vma)) {
		snprintf(key, cap, "stack:%" PRIx64, vma->end);
		return HEAP_KIND_STACK;
	}
	snprintf(key, cap, "anon:%" PRIx64, run_end);
	return HEAP_KIND_ANON;
}

static const char *region_name(enum heap_kind kind, const struct heap_vma *v)
{
	if (v->path)
		return v->path;
	return kind == HEAP_KIND_STACK ? "[thread stack]" : "[anon]";
}

/* The kind heap_classify gives v without its key (for building runs). */
static bool plain_anon(const struct heap_smaps *p, size_t i)
{
	const struct heap_vma *v = &p->vmas[i];
	const struct heap_vma *prev = i ? &p->vmas[i - 1] : NULL;
	const struct heap_vma *next = i + 1 < p->n ? &p->vmas[i + 1] : NULL;

	return is_anon(v) && !guard_and_stack(v, next) && !guard_and_stack(prev, v);
}

static int cmp_key(const void *a, const void *b)
{
	const struct heap_mapping *x = a, *y = b;

	return strcmp(x->key, y->key);
}

static void add_vma(struct heap_mapping *m, const struct heap_vma *v)
{
	m->vmas++;
	m->size += v->end - v->start;
	m->rss += v->rss;
	m->anon += v->anon;
	m->swap += v->swap;
	m->pss += v->pss;
}

int heap_smaps_finish(struct heap_smaps *p, struct heap_mapping_set *out)
{
	struct heap_mapping *maps = NULL;
	size_t n = 0, cap = 0, w;
	char *key = xmalloc(KEY_MAX);
	int64_t t_ms = out->t_ms, cost_ns = out->cost_ns;

	heap_mapping_set_release(out);
	out->t_ms = t_ms;
	out->cost_ns = cost_ns;
	if (!p->n) {
		free(key);
		heap_smaps_release(p);
		return -1;
	}
	for (size_t i = 0; i < p->n;) {
		const struct heap_vma *v = &p->vmas[i];
		uint64_t run_end = v->end;
		size_t j = i + 1;
		enum heap_kind kind;

		/* a run: adjacent plain anonymous VMAs, keyed by the top one's end */
		if (plain_anon(p, i))
			while (j < p->n && p->vmas[j].start == p->vmas[j - 1].end &&
			       plain_anon(p, j))
				run_end = p->vmas[j++].end;
		else
			j = i + 1;
		kind = heap_classify(i ? &p->vmas[i - 1] : NULL, v,
				     i + 1 < p->n ? &p->vmas[i + 1] : NULL, run_end, key,
				     KEY_MAX);
		if (n && !strcmp(maps[n - 1].key, key)) {
			/* the same region as the VMA before (a library's pieces) */
		} else {
			maps = xgrow(maps, &cap, n + 1, sizeof(*maps));
			memset(&maps[n], 0, sizeof(maps[n]));
			maps[n].key = xstrdup(key);
			maps[n].name = xstrdup(region_name(kind, v));
			maps[n].kind = kind;
			n++;
		}
		for (size_t k = i; k < j; k++) {
			add_vma(&maps[n - 1], &p->vmas[k]);
			out->total[kind][0] += p->vmas[k].rss;
			out->total[kind][1] += p->vmas[k].anon;
		}
		out->nvmas += j - i;
		i = j;
	}
	free(key);
	qsort(maps, n, sizeof(*maps), cmp_key);
	/* the same key apart in the address space (a file mapped twice) */
	w = 0;
	for (size_t i = 0; i < n; i++) {
		if (w && !strcmp(maps[w - 1].key, maps[i].key)) {
			struct heap_mapping *m = &maps[w - 1];

			m->vmas += maps[i].vmas;
			m->size += maps[i].size;
			m->rss += maps[i].rss;
			m->anon += maps[i].anon;
			m->swap += maps[i].swap;
			m->pss += maps[i].pss;
			free(maps[i].key);
			free(maps[i].name);
		} else {
			maps[w++] = maps[i];
		}
	}
	out->maps = maps;
	out->n = w;
	heap_smaps_release(p);
	return 0;
}

int heap_parse_smaps(const char *text, struct heap_mapping_set *out)
{
	struct heap_smaps p;
	const char *line = text;

	heap_smaps_init(&p);
	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		heap_smaps_line(&p, line, len);
		line += len + (nl ? 1 : 0);
	}
	return heap_smaps_finish(&p, out);
}

int heap_read_smaps(const char *proc_root, int pid, int64_t t_ms,
		    struct heap_mapping_set *out, char *err, size_t errlen)
{
	char path[4096];
	char *buf;
	size_t have = 0;
	bool cut = false; /* skipping the rest of an overlong line */
	struct heap_smaps p;
	int64_t t0 = thread_cpu_ns();
	int fd, rc;

	snprintf(path, sizeof(path), "%s/%d/smaps", root_or_default(proc_root), pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		ERR("smaps: %s", strerror(-rc));
		return rc;
	}
	buf = xmalloc(SMAPS_CHUNK);
	heap_smaps_init(&p);
	for (;;) {
		ssize_t got = read(fd, buf + have, SMAPS_CHUNK - have);
		size_t start = 0, end;

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = -errno;
			ERR("smaps: %s", strerror(-rc));
			goto fail;
		}
		if (got == 0)
			break;
		end = have + (size_t)got;
		for (size_t i = have; i < end; i++) {
			if (buf[i] != '\n')
				continue;
			if (!cut)
				heap_smaps_line(&p, buf + start, i - start);
			cut = false;
			start = i + 1;
		}
		have = end - start;
		memmove(buf, buf + start, have);
		if (have >= LINE_MAX_LEN) { /* no newline in sight: drop that line */
			if (!cut)
				heap_smaps_line(&p, buf, have);
			cut = true;
			have = 0;
		}
	}
	if (have && !cut)
		heap_smaps_line(&p, buf, have);
	close(fd);
	free(buf);
	out->t_ms = t_ms;
	if (heap_smaps_finish(&p, out) < 0) {
		ERR("smaps: no mappings");
		return -ENOENT; /* a zombie or a kernel thread has no memory map */
	}
	out->cost_ns = thread_cpu_ns() - t0;
	return 0;
fail:
	close(fd);
	free(buf);
	heap_smaps_release(&p);
	return rc;
}

/* ---- cadence ---- */

void heap_cadence_init(struct heap_cadence *c, int64_t period_ms)
{
	memset(c, 0, sizeof(*c));
	c->period_ms = period_ms > 0 ? period_ms : 1;
}

int64_t heap_cadence_interval_ms(const struct heap_cadence *c)
{
	int64_t by_cost = c->cost_ns / 1000000 * HEAP_COST_FACTOR +
			  (c->cost_ns % 1000000) * HEAP_COST_FACTOR / 1000000;

	/* rounded up: never a hair sooner than the cost allows */
	if ((c->cost_ns % 1000000) * HEAP_COST_FACTOR % 1000000)
		by_cost++;
	return by_cost > c->period_ms ? by_cost : c->period_ms;
}

bool heap_cadence_due(const struct heap_cadence *c, int64_t now_ms)
{
	return !c->ran || now_ms >= c->next_ms;
}

void heap_cadence_done(struct heap_cadence *c, int64_t started_ms, int64_t cost_ns)
{
	c->ran = true;
	c->last_ms = started_ms;
	c->cost_ns = cost_ns > 0 ? cost_ns : 0;
	c->next_ms = started_ms + heap_cadence_interval_ms(c);
}

void heap_cadence_request(struct heap_cadence *c, int64_t now_ms)
{
	int64_t by_cost;

	if (!c->ran)
		return; /* already due */
	by_cost = c->last_ms + heap_cadence_interval_ms(&(struct heap_cadence){
				       .period_ms = 0, .cost_ns = c->cost_ns});
	c->next_ms = by_cost > now_ms ? by_cost : now_ms;
}

/* ---- memory limit ---- */

const char *heap_limit_source_name(enum heap_limit_source s)
{
	switch (s) {
	case HEAP_LIMIT_CGROUP1:
		return "cgroup1";
	case HEAP_LIMIT_CGROUP2:
		return "cgroup2";
	case HEAP_LIMIT_MEMTOTAL:
		return "memtotal";
	case HEAP_LIMIT_NONE:
		break;
	}
	return "none";
}

/* v1 reports "no limit" as PAGE_COUNTER_MAX pages, 0x7ffffffffffff000 on x86-64. */
#define CGROUP_UNLIMITED (1ull << 62)

/* The limit in <dir>/<file>: 0 and *out, 1 for none ("max"), -1 unreadable. */
static int read_limit(const char *dir, const char *file, uint64_t *out)
{
	char text[64];
	const char *p = text;
	long rc = procfs_read(dir, file, text, sizeof(text));

	if (rc <= 0)
		return -1;
	if (!strncmp(text, "max", 3))
		return 1;
	if (procfs_next_u64(&p, out) < 0 || (*p && *p != '\n'))
		return -1;
	return *out >= CGROUP_UNLIMITED ? 1 : 0;
}

/*
 * The smallest limit in <base><path> and its ancestors up to <base>. Missing
 * directories are skipped: inside a cgroup namespace the path may name a
 * directory the mount does not show. 0 with *out, or 1 when nothing limits.
 */
static int walk_limits(const char *base, const char *path, const char *file,
		       uint64_t *out)
{
	char *dir = xasprintf("%s%s", base, path);
	size_t blen = strlen(base);
	bool found = false;

	for (;;) {
		uint64_t v;
		char *slash;

		if (!read_limit(dir, file, &v) && (!found || v < *out)) {
			*out = v;
			found = true;
		}
		if (strlen(dir) <= blen)
			break;
		slash = strrchr(dir + blen, '/');
		if (!slash)
			break;
		*slash = '\0';
	}
	free(dir);
	return found ? 0 : 1;
}

int heap_memory_limit(const char *proc_root, const char *cgroup_root, int pid,
		      uint64_t *limit, enum heap_limit_source *source, char *err,
		      size_t errlen)
{
	const char *root = root_or_default(proc_root);
	const char *cg = cgroup_root ? cgroup_root : "/sys/fs/cgroup";
	char text[4096], rel[64], *v1 = NULL, *v2 = NULL, *line;
	uint64_t total = 0, cglimit = 0;
	enum heap_limit_source cgsrc = HEAP_LIMIT_NONE;
	long rc;

	*limit = 0;
	*source = HEAP_LIMIT_NONE;
	snprintf(rel, sizeof(rel), "%d/cgroup", pid);
	if (procfs_read(root, rel, text, sizeof(text)) > 0) {
		for (line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
			char *c1 = strchr(line, ':'),
			     *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
			char *ctl;

			if (!c2 || c2[1] != '/' || strstr(c2, "/.."))
				continue;
			*c2 = '\0';
			ctl = c1 + 1;
			if (!*ctl && !strcmp(line, "0:")) {
				v2 = c2 + 1;
				continue;
			}
			for (char *tok = ctl; tok;) {
				char *comma = strchr(tok, ',');
				size_t n = comma ? (size_t)(comma - tok) : strlen(tok);

				if (n == 6 && !memcmp(tok, "memory", 6))
					v1 = c2 + 1;
				tok = comma ? comma + 1 : NULL;
			}
		}
		if (v1) {
			char *base = xasprintf("%s/memory", cg);

			if (!walk_limits(base, strcmp(v1, "/") ? v1 : "",
					 "memory.limit_in_bytes", &cglimit))
				cgsrc = HEAP_LIMIT_CGROUP1;
			free(base);
		} else if (v2) {
			if (!walk_limits(cg, strcmp(v2, "/") ? v2 : "", "memory.max",
					 &cglimit))
				cgsrc = HEAP_LIMIT_CGROUP2;
		}
	}
	rc = procfs_read(root, "meminfo", text, sizeof(text));
	if (rc < 0 || procfs_kv_u64(text, "MemTotal", &total) < 0 || !total) {
		if (cgsrc != HEAP_LIMIT_NONE) {
			*limit = cglimit;
			*source = cgsrc;
			return 0;
		}
		ERR("meminfo: %s", rc < 0 ? strerror((int)-rc) : "no MemTotal");
		return rc < 0 ? (int)rc : -EBADMSG;
	}
	if (cgsrc != HEAP_LIMIT_NONE && cglimit < total) {
		*limit = cglimit;
		*source = cgsrc;
	} else {
		*limit = total;
		*source = HEAP_LIMIT_MEMTOTAL;
	}
	return 0;
}
