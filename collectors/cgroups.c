/* SPDX-License-Identifier: MIT */
/*
 * cgroups: the walk of the cgroup hierarchies and the reading of each
 * cgroup's files (see cgroups.h; the parsers are in cgroup_parse.c).
 *
 * Cost. A tick walks each hierarchy once (one getdents per cgroup, only
 * directories followed) and reads, per cgroup, only the files its row
 * needs: on v2 about 14, on a hybrid host about 15 over the v1 hierarchies
 * and the unified one. Every open is relative to a directory descriptor of
 * the hierarchy kept from _new, so the kernel resolves the cgroup's own
 * path, not /sys/fs/cgroup again. bench/cgcost measures it with 500 cgroups.
 */
#include "collectors/cgroups.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collectors/sysstat.h"
#include "core/xalloc.h"

enum hier_ctl {
	H_V2 = 1u << 0,	     /* the unified hierarchy of a v2 host: everything */
	H_UNIFIED = 1u << 1, /* a hybrid host's unified mount: pressure, cpu.stat */
	H_CPU = 1u << 2,
	H_CPUACCT = 1u << 3,
	H_MEMORY = 1u << 4,
	H_BLKIO = 1u << 5,
	H_PIDS = 1u << 6,
};

#define HIER_MAX 8
#define READ_CAP 8192
/* The tree is walked again every this many readings (and at once when a
 * kept file says its cgroup was removed): a new cgroup shows up within
 * that many ticks, and the ticks between cost no directory reads. */
#define RESCAN_TICKS 5

struct hier {
	int fd;	       /* O_PATH|O_DIRECTORY of the hierarchy's root */
	unsigned ctl;  /* H_*: what is read from it */
	char real[64]; /* realpath's last component, to share cpu,cpuacct */
};

/* A cgroup's usage at the last tick, to derive cpu_pct. */
struct prev_usage {
	char *path;
	uint64_t usage_ns;
};

/* A file of a cgroup kept open between ticks: read again with pread. */
struct open_file {
	unsigned char hier; /* index into h[] */
	const char *file;   /* the literal name ("cpu.stat") */
	int fd;		    /* -1: absent (not tried again before a rescan) */
};

/* A path found by the walk, the hierarchies (bit i: h[i]) that hold it, and
 * the files of it kept open. */
struct found {
	char *path;
	unsigned in;
	struct open_file *files; /* owned */
	size_t nfiles, files_cap;
	bool gone; /* a kept file said the cgroup was removed */
};

struct cgroup_collector {
	enum cgroup_layout layout;
	struct hier h[HIER_MAX];
	size_t nh;
	struct prev_usage *prev;
	size_t nprev;
	int64_t prev_ns;
	struct found *found;
	size_t nfound, found_cap;
	struct found *fresh; /* the walk's list before it is merged into found */
	size_t nfresh, fresh_cap;
	size_t open_fds, fd_budget; /* files kept open, and how many may be */
	unsigned ticks;		    /* readings since the last walk */
	bool rescan;		    /* walk at the next reading */
	char buf[READ_CAP];
};

static bool file_exists(int dfd, const char *rel)
{
	return faccessat(dfd, rel, F_OK, 0) == 0;
}

static void add_hier(struct cgroup_collector *c, int fd, unsigned ctl, const char *real)
{
	for (size_t i = 0; i < c->nh; i++) {
		if (real[0] && !strcmp(c->h[i].real, real)) {
			/* cpu and cpuacct linked to one cpu,cpuacct mount */
			c->h[i].ctl |= ctl;
			close(fd);
			return;
		}
	}
	if (c->nh == HIER_MAX) {
		close(fd);
		return;
	}
	c->h[c->nh].fd = fd;
	c->h[c->nh].ctl = ctl;
	snprintf(c->h[c->nh].real, sizeof(c->h[c->nh].real), "%s", real);
	c->nh++;
}

/* A v1 controller's mount under root, when its marker file is there. */
static void find_v1(struct cgroup_collector *c, int rfd, const char *name,
		    const char *marker, unsigned ctl)
{
	char rel[128], real[PATH_MAX], *slash;
	int fd;

	snprintf(rel, sizeof(rel), "%s/%s", name, marker);
	if (!file_exists(rfd, rel))
		return;
	fd = openat(rfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	snprintf(rel, sizeof(rel), "/proc/self/fd/%d", fd);
	real[0] = '\0';
	if (realpath(rel, real) == NULL)
		snprintf(real, sizeof(real), "%s", name);
	slash = strrchr(real, '/');
	add_hier(c, fd, ctl, slash ? slash + 1 : real);
}

struct cgroup_collector *cgroup_collector_new(const char *root)
{
	struct cgroup_collector *c = xcalloc(1, sizeof(*c));
	int rfd =
		open(root ? root : CGROUP_ROOT_DEFAULT, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct rlimit rl;

	/* a quarter of what the process may open, and no more than 8192: the
	 * rest of vigil (the store, the target's threads, perf) keeps its
	 * room; files past the budget are opened and closed each tick */
	c->fd_budget = 256;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		c->fd_budget = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur / 4 > 8192
				       ? 8192
				       : (size_t)rl.rlim_cur / 4;
	c->rescan = true;
	if (rfd < 0)
		return c;
	if (file_exists(rfd, "cgroup.controllers")) {
		c->layout = CGROUP_LAYOUT_V2;
		add_hier(c, rfd, H_V2, "");
		return c;
	}
	find_v1(c, rfd, "cpu", "cpu.cfs_period_us", H_CPU);
	find_v1(c, rfd, "cpuacct", "cpuacct.usage", H_CPUACCT);
	find_v1(c, rfd, "cpu,cpuacct", "cpuacct.usage", H_CPU | H_CPUACCT);
	find_v1(c, rfd, "memory", "memory.usage_in_bytes", H_MEMORY);
	find_v1(c, rfd, "blkio", "blkio.throttle.io_service_bytes", H_BLKIO);
	find_v1(c, rfd, "pids", "cgroup.procs", H_PIDS);
	if (c->nh > 0) {
		c->layout = CGROUP_LAYOUT_V1;
		find_v1(c, rfd, "unified", "cgroup.controllers", H_UNIFIED);
	}
	close(rfd);
	return c;
}

/* Closes what f keeps open and frees it. */
static void found_drop(struct cgroup_collector *c, struct found *f)
{
	for (size_t k = 0; k < f->nfiles; k++) {
		if (f->files[k].fd >= 0) {
			close(f->files[k].fd);
			c->open_fds--;
		}
	}
	free(f->files);
	free(f->path);
	memset(f, 0, sizeof(*f));
}

void cgroup_collector_free(struct cgroup_collector *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nh; i++)
		close(c->h[i].fd);
	for (size_t i = 0; i < c->nprev; i++)
		free(c->prev[i].path);
	free(c->prev);
	for (size_t i = 0; i < c->nfound; i++)
		found_drop(c, &c->found[i]);
	free(c->found);
	free(c->fresh);
	free(c);
}

enum cgroup_layout cgroup_collector_layout(const struct cgroup_collector *c)
{
	return c->layout;
}

/* ---- the walk ---- */

static void found_add(struct cgroup_collector *c, const char *path, unsigned bit)
{
	c->fresh = xgrow(c->fresh, &c->fresh_cap, c->nfresh + 1, sizeof(*c->fresh));
	memset(&c->fresh[c->nfresh], 0, sizeof(*c->fresh));
	c->fresh[c->nfresh].path = xstrdup(path);
	c->fresh[c->nfresh].in = bit;
	c->nfresh++;
}

/* Every directory under dfd (path: its cgroup path, len bytes in a
 * PATH_MAX buffer) into c->found; closes dfd. */
static void walk(struct cgroup_collector *c, int dfd, char *path, size_t len,
		 unsigned bit)
{
	DIR *d = fdopendir(dfd);
	struct dirent *e;

	if (!d) {
		close(dfd);
		return;
	}
	while ((e = readdir(d)) != NULL && c->nfresh < CGROUP_MAX_ROWS * HIER_MAX) {
		size_t n = strlen(e->d_name);
		int sub;

		if (e->d_type != DT_DIR || e->d_name[0] == '.' || len + 1 + n >= PATH_MAX)
			continue;
		sub = openat(dirfd(d), e->d_name,
			     O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (sub < 0)
			continue; /* removed since readdir */
		path[len] = '/';
		memcpy(path + len + 1, e->d_name, n + 1);
		found_add(c, path, bit);
		walk(c, sub, path, len + 1 + n, bit);
		path[len] = '\0';
	}
	closedir(d);
}

static int found_cmp(const void *a, const void *b)
{
	return strcmp(((const struct found *)a)->path, ((const struct found *)b)->path);
}

/* c->fresh: every cgroup path of every hierarchy once, ascending. */
static void walk_fresh(struct cgroup_collector *c)
{
	char path[PATH_MAX];
	size_t w = 0;

	c->nfresh = 0;
	for (size_t i = 0; i < c->nh; i++) {
		int fd = openat(c->h[i].fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (fd < 0)
			continue;
		found_add(c, "/", 1u << i);
		path[0] = '\0';
		walk(c, fd, path, 0, 1u << i);
	}
	qsort(c->fresh, c->nfresh, sizeof(*c->fresh), found_cmp);
	for (size_t i = 0; i < c->nfresh; i++) {
		if (w > 0 && !strcmp(c->fresh[w - 1].path, c->fresh[i].path)) {
			c->fresh[w - 1].in |= c->fresh[i].in;
			free(c->fresh[i].path);
			continue;
		}
		c->fresh[w++] = c->fresh[i];
	}
	c->nfresh = w > CGROUP_MAX_ROWS ? CGROUP_MAX_ROWS : w;
	for (size_t i = c->nfresh; i < w; i++)
		free(c->fresh[i].path);
}

/*
 * Walks the tree and makes the result c->found, keeping the open files of
 * every cgroup that is still there in the same hierarchies (both lists are
 * in path order) and closing those of the rest.
 */
static void walk_all(struct cgroup_collector *c)
{
	size_t j = 0, cap;
	struct found *v;

	walk_fresh(c);
	for (size_t i = 0; i < c->nfresh; i++) {
		struct found *f = &c->fresh[i];
		int cmp = 1;

		while (j < c->nfound && (cmp = strcmp(c->found[j].path, f->path)) < 0)
			found_drop(c, &c->found[j++]);
		if (j < c->nfound && cmp == 0) {
			struct found *old = &c->found[j++];

			if (old->in == f->in && !old->gone) {
				free(f->path);
				*f = *old; /* takes its path and files over */
				memset(old, 0, sizeof(*old));
			} else {
				found_drop(c, old);
			}
		}
	}
	while (j < c->nfound)
		found_drop(c, &c->found[j++]);
	/* swap the lists: found is the walk's, fresh the old (emptied) one */
	v = c->found;
	cap = c->found_cap;
	c->found = c->fresh;
	c->found_cap = c->fresh_cap;
	c->nfound = c->nfresh;
	c->fresh = v;
	c->fresh_cap = cap;
	c->nfresh = 0;
}

/* ---- reading one cgroup ---- */

/* Reads fd from offset 0 into c->buf; the bytes read, or -1. */
static ssize_t read_all(struct cgroup_collector *c, int fd)
{
	size_t off = 0;
	ssize_t n;

	while (off < sizeof(c->buf) - 1 &&
	       (n = pread(fd, c->buf + off, sizeof(c->buf) - 1 - off, (off_t)off)) > 0) {
		off += (size_t)n;
		if (n < 512)
			break; /* a short read of a small file: that was all of it */
	}
	c->buf[off] = '\0';
	return n < 0 && off == 0 ? -1 : (ssize_t)off;
}

/* The kept file of hierarchy hi, or a new slot for it; NULL: over budget. */
static struct open_file *kept(struct cgroup_collector *c, struct found *f, size_t hi,
			      const char *file, bool *is_new)
{
	*is_new = false;
	for (size_t k = 0; k < f->nfiles; k++)
		if (f->files[k].hier == hi && f->files[k].file == file)
			return &f->files[k];
	if (c->open_fds >= c->fd_budget)
		return NULL;
	f->files = xgrow(f->files, &f->files_cap, f->nfiles + 1, sizeof(*f->files));
	f->files[f->nfiles] = (struct open_file){(unsigned char)hi, file, -1};
	*is_new = true;
	return &f->files[f->nfiles++];
}

/*
 * <cgroup>/<file> of hierarchy h into c->buf; false when unreadable. The
 * file stays open for the next tick (within the budget); a file that is
 * absent is not looked for again before the next walk.
 */
static bool rd(struct cgroup_collector *c, struct found *f, const struct hier *h,
	       const char *file)
{
	char rel[PATH_MAX];
	bool fresh_slot;
	struct open_file *o = kept(c, f, (size_t)(h - c->h), file, &fresh_slot);
	ssize_t n;
	int fd;

	if (o && !fresh_slot) {
		if (o->fd < 0)
			return false;
		n = read_all(c, o->fd);
		if (n < 0)
			f->gone = c->rescan = true; /* removed: walk again */
		return n > 0;
	}
	if (snprintf(rel, sizeof(rel), "%s%s%s", f->path + 1, f->path[1] ? "/" : "",
		     file) >= (int)sizeof(rel))
		return false;
	fd = openat(h->fd, rel, O_RDONLY | O_CLOEXEC);
	if (o)
		o->fd = fd;
	if (fd < 0)
		return false;
	n = read_all(c, fd);
	if (o)
		c->open_fds++;
	else
		close(fd);
	return n > 0;
}

static bool rd_value(struct cgroup_collector *c, struct found *f, const struct hier *h,
		     const char *file, uint64_t *out)
{
	return rd(c, f, h, file) && cgroup_parse_value(c->buf, out) == 0;
}

static void read_psi(struct cgroup_collector *c, struct found *f, const struct hier *h,
		     struct cgroup_row *r)
{
	static const char *const files[PSI_N] = {"cpu.pressure", "memory.pressure",
						 "io.pressure"};
	bool any = false;

	for (int i = 0; i < PSI_N; i++) {
		if (rd(c, f, h, files[i]) && sys_parse_psi(c->buf, &r->psi[i]) == 0)
			any = true;
	}
	if (any)
		r->have |= CGROUP_HAVE_PSI;
}

static void read_v2(struct cgroup_collector *c, struct found *f, const struct hier *h,
		    struct cgroup_row *r)
{
	if (rd(c, f, h, "cpu.stat"))
		cgroup_parse_cpu_stat(c->buf, r);
	if (rd(c, f, h, "cpu.max") &&
	    cgroup_parse_cpu_max(c->buf, &r->cpu_quota_us, &r->cpu_period_us) == 0)
		r->have |= CGROUP_HAVE_QUOTA;
	if (rd_value(c, f, h, "memory.current", &r->mem_current))
		r->have |= CGROUP_HAVE_MEM;
	if (rd_value(c, f, h, "memory.max", &r->mem_max) &&
	    rd_value(c, f, h, "memory.high", &r->mem_high))
		r->have |= CGROUP_HAVE_MEM_LIMIT;
	if (rd(c, f, h, "memory.events")) {
		if (cgroup_parse_key(c->buf, "oom", &r->oom) == 0)
			r->have |= CGROUP_HAVE_OOM;
		if (cgroup_parse_key(c->buf, "oom_kill", &r->oom_kill) == 0)
			r->have |= CGROUP_HAVE_OOM_KILL;
	}
	if (rd_value(c, f, h, "memory.swap.current", &r->swap_current) &&
	    rd_value(c, f, h, "memory.swap.max", &r->swap_max))
		r->have |= CGROUP_HAVE_SWAP;
	if (rd(c, f, h, "io.stat"))
		cgroup_parse_io(c->buf, 0, r);
	read_psi(c, f, h, r);
	if (rd_value(c, f, h, "pids.current", &r->pids_current) &&
	    rd_value(c, f, h, "pids.max", &r->pids_max))
		r->have |= CGROUP_HAVE_PIDS;
}

static void read_v1_memory(struct cgroup_collector *c, struct found *f,
			   const struct hier *h, struct cgroup_row *r)
{
	uint64_t sw, swlim;

	if (rd_value(c, f, h, "memory.usage_in_bytes", &r->mem_current))
		r->have |= CGROUP_HAVE_MEM;
	if (rd_value(c, f, h, "memory.limit_in_bytes", &r->mem_max)) {
		r->mem_high = CGROUP_UNLIMITED;
		r->have |= CGROUP_HAVE_MEM_LIMIT;
	}
	if (rd(c, f, h, "memory.oom_control") &&
	    cgroup_parse_key(c->buf, "oom_kill", &r->oom_kill) == 0)
		r->have |= CGROUP_HAVE_OOM_KILL;
	/* swap is memory+swap less memory, where swap accounting is on */
	if ((r->have & CGROUP_HAVE_MEM_LIMIT) &&
	    rd_value(c, f, h, "memory.memsw.usage_in_bytes", &sw) &&
	    rd_value(c, f, h, "memory.memsw.limit_in_bytes", &swlim)) {
		r->swap_current = sw > r->mem_current ? sw - r->mem_current : 0;
		r->swap_max = swlim == CGROUP_UNLIMITED || r->mem_max == CGROUP_UNLIMITED
				      ? CGROUP_UNLIMITED
			      : swlim > r->mem_max ? swlim - r->mem_max
						   : 0;
		r->have |= CGROUP_HAVE_SWAP;
	}
}

static void read_v1_cpu(struct cgroup_collector *c, struct found *f, const struct hier *h,
			struct cgroup_row *r)
{
	if (rd(c, f, h, "cpu.stat"))
		cgroup_parse_cpu_stat(c->buf, r);
	if (rd_value(c, f, h, "cpu.cfs_quota_us", &r->cpu_quota_us) &&
	    rd_value(c, f, h, "cpu.cfs_period_us", &r->cpu_period_us) &&
	    r->cpu_period_us > 0)
		r->have |= CGROUP_HAVE_QUOTA;
}

static void read_one(struct cgroup_collector *c, struct found *f, struct cgroup_row *r)
{
	memset(r, 0, sizeof(*r));
	r->path = xstrdup(f->path);
	r->cpu_pct = -1;
	for (size_t i = 0; i < c->nh; i++) {
		const struct hier *h = &c->h[i];

		if (!(f->in & (1u << i)))
			continue;
		if (h->ctl & H_V2)
			read_v2(c, f, h, r);
		if ((h->ctl & H_CPUACCT) &&
		    rd_value(c, f, h, "cpuacct.usage", &r->cpu_usage_ns))
			r->have |= CGROUP_HAVE_CPU;
		if (h->ctl & H_CPU)
			read_v1_cpu(c, f, h, r);
		if (h->ctl & H_MEMORY)
			read_v1_memory(c, f, h, r);
		if ((h->ctl & H_BLKIO) && rd(c, f, h, "blkio.throttle.io_service_bytes"))
			cgroup_parse_io(c->buf, 1, r);
		if ((h->ctl & H_PIDS) &&
		    rd_value(c, f, h, "pids.current", &r->pids_current) &&
		    rd_value(c, f, h, "pids.max", &r->pids_max))
			r->have |= CGROUP_HAVE_PIDS;
		if (h->ctl & H_UNIFIED) {
			read_psi(c, f, h, r);
			/* without cpuacct the unified cpu.stat still counts usage */
			if (!(r->have & CGROUP_HAVE_CPU) && rd(c, f, h, "cpu.stat"))
				cgroup_parse_cpu_stat(c->buf, r);
		}
	}
}

/* ---- CPU % against the previous tick ---- */

static void derive_cpu(struct cgroup_collector *c, struct cgroup_table *t, int64_t now_ns)
{
	double dt = (double)(now_ns - c->prev_ns) / 1e9;
	size_t j = 0;

	for (size_t i = 0; i < t->n && c->prev_ns > 0 && dt > 0; i++) {
		struct cgroup_row *r = &t->rows[i];
		int cmp = 1;

		while (j < c->nprev && (cmp = strcmp(c->prev[j].path, r->path)) < 0)
			j++;
		if (j < c->nprev && cmp == 0 && (r->have & CGROUP_HAVE_CPU) &&
		    r->cpu_usage_ns >= c->prev[j].usage_ns)
			r->cpu_pct = (double)(r->cpu_usage_ns - c->prev[j].usage_ns) /
				     1e9 / dt * 100.0;
	}
	for (size_t i = 0; i < c->nprev; i++)
		free(c->prev[i].path);
	c->prev = realloc(c->prev, (t->n ? t->n : 1) * sizeof(*c->prev));
	if (!c->prev)
		abort();
	c->nprev = 0;
	for (size_t i = 0; i < t->n; i++) {
		if (!(t->rows[i].have & CGROUP_HAVE_CPU))
			continue;
		c->prev[c->nprev].path = xstrdup(t->rows[i].path);
		c->prev[c->nprev].usage_ns = t->rows[i].cpu_usage_ns;
		c->nprev++;
	}
	c->prev_ns = now_ns;
}

size_t cgroup_collector_read(struct cgroup_collector *c, int64_t now_ns,
			     struct cgroup_table *out)
{
	out->layout = c->layout;
	out->n = 0;
	out->rows = NULL;
	if (c->layout == CGROUP_LAYOUT_NONE)
		return 0;
	if (c->rescan || ++c->ticks >= RESCAN_TICKS) {
		walk_all(c);
		c->ticks = 0;
		c->rescan = false;
	}
	out->rows = xcalloc(c->nfound ? c->nfound : 1, sizeof(*out->rows));
	for (size_t i = 0; i < c->nfound; i++) {
		read_one(c, &c->found[i], &out->rows[out->n]);
		if (out->rows[out->n].have == 0) {
			/* removed since the walk: nothing of it could be read */
			free(out->rows[out->n].path);
			free(out->rows[out->n].devs);
			continue;
		}
		out->n++;
	}
	derive_cpu(c, out, now_ns);
	return out->n;
}
