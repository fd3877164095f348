/* SPDX-License-Identifier: MIT */
/*
 * cgtarget: the cgroup target's reading (see cgtarget.h).
 *
 * Each tick: list the subtree's processes (sorted, without duplicates: a
 * v1 cgroup.procs may repeat a pid), read each one's stat, status and io
 * with the target collector's parsers, and fold them into the members
 * kept from the tick before, by (pid, start time). A member carries the
 * base its counters started from and its last reading; the sample's
 * counters are the members' (last - base) plus what the members that left
 * had counted. Everything is in locals until the walk is done, so a
 * removed cgroup leaves the last sample's members as they were.
 */
#include "collectors/cgtarget.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "collectors/cgroups.h"
#include "collectors/target.h"
#include "core/cgroup_name.h"
#include "core/procfs.h"
#include "core/xalloc.h"

#define CGT_CGROUP1_MAGIC 0x27e0eb
#define CGT_CGROUP2_MAGIC 0x63677270
#define CGT_DEPTH_MAX 32	/* cgroup trees are a few levels deep */
#define CGT_PIDS_MAX (1u << 20) /* a walk stops there */
#define CGT_BUF_CAP 16384	/* a process's status; see target.c */

/* The counters a member carries, as indices into its arrays. */
enum cgt_counter {
	K_UTIME,
	K_STIME,
	K_MINFLT,
	K_MAJFLT,
	K_VOL,
	K_INVOL,
	K_RCHAR,
	K_WCHAR,
	K_RBYTES,
	K_WBYTES,
	K_N
};

struct member {
	int pid;
	uint64_t start;
	uint64_t base[K_N], last[K_N];
};

struct cgtarget {
	char *proc_root;
	char path[256];		/* "/x/y" */
	int hfd;		/* the hierarchy whose cgroup.procs are read */
	bool started;		/* a reading was taken */
	bool gone;		/* latched: the cgroup was removed */
	uint64_t prev_ticks;	/* now_ticks of the reading before */
	struct member *members; /* ascending pid */
	size_t nmembers;
	uint64_t left[K_N]; /* what members that left had counted */
	uint64_t joined_n, left_n;
	int *pids; /* this tick's listing */
	size_t npids, pids_cap;
	char text[CGT_BUF_CAP];
};

/* The v1 hierarchy directories a path under the root may begin with. */
static const char *const v1_dirs[] = {
	"cpu",	      "cpuacct", "cpu,cpuacct", "cpuacct,cpu", "memory",
	"blkio",      "pids",	 "unified",	"systemd",     "cpuset",
	"devices",    "freezer", "net_cls",	"net_prio",    "net_cls,net_prio",
	"perf_event", "hugetlb", "rdma",	"misc",
};

/* Where the members are listed, in order of preference (v1). */
static const char *const v1_listing[] = {"memory", "cpuacct", "cpu,cpuacct",
					 "cpu",	   "pids",    "blkio"};

static bool is_v1_dir(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(v1_dirs) / sizeof(v1_dirs[0]); i++)
		if (strlen(v1_dirs[i]) == n && !strncmp(v1_dirs[i], s, n))
			return true;
	return false;
}

int cgtarget_normalize(const char *arg, const char *root, int v1, char *out, size_t cap)
{
	size_t rlen = strlen(root), used = 0;
	const char *p = arg;

	while (rlen > 1 && root[rlen - 1] == '/')
		rlen--;
	if (!strncmp(p, root, rlen) && (p[rlen] == '/' || !p[rlen])) {
		p += rlen;
		while (*p == '/')
			p++;
		if (v1) { /* <root>/memory/x: the hierarchy is not the path */
			size_t n = strcspn(p, "/");

			if (is_v1_dir(p, n))
				p += n;
		}
	}
	for (const char *c = p; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return -1;
	if (cap < 2)
		return -1;
	while (*p) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (!n)
			break;
		if (n == 2 && !strncmp(p, "..", 2))
			return -1;
		if (!(n == 1 && *p == '.')) {
			if (used + 1 + n + 1 > cap)
				return -1;
			out[used++] = '/';
			memcpy(out + used, p, n);
			used += n;
		}
		p += n;
	}
	if (!used)
		out[used++] = '/';
	out[used] = '\0';
	return 0;
}

/* Opens <hierarchy>/<rel> as a directory without following a link at any
 * step below the hierarchy; -errno. */
static int open_below(int hfd, const char *rel)
{
	char part[256];
	int fd = dup(hfd);

	if (fd < 0)
		return -errno;
	for (const char *p = rel; *p;) {
		size_t n = strcspn(p, "/");
		int next;

		if (n == 0 || n >= sizeof(part)) {
			p += n ? n : 1;
			continue;
		}
		memcpy(part, p, n);
		part[n] = '\0';
		next = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		if (next < 0)
			return -errno;
		fd = next;
		p += n;
	}
	return fd;
}

/* The hierarchy directory to list members from; -errno. */
static int open_hierarchy(const char *root, int v1, const char *rel)
{
	int fd;

	for (size_t i = 0; v1 && i < sizeof(v1_listing) / sizeof(v1_listing[0]); i++) {
		char *dir = xasprintf("%s/%s", root, v1_listing[i]);
		int cg;

		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		free(dir);
		if (fd < 0)
			continue;
		cg = open_below(fd, rel);
		if (cg >= 0) {
			close(cg);
			return fd;
		}
		close(fd);
	}
	if (v1)
		return -ENOENT;
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static bool on_cgroupfs(int fd)
{
	struct statfs sf;

	return fstatfs(fd, &sf) == 0 &&
	       (sf.f_type == CGT_CGROUP1_MAGIC || sf.f_type == CGT_CGROUP2_MAGIC);
}

int cgtarget_open(const char *proc_root, const char *cgroup_root, const char *arg,
		  struct cgtarget **out, char *err, size_t errlen)
{
	struct cgroup_collector *probe;
	struct cgtarget *c;
	enum cgroup_layout layout;
	int v1, cg;

	*out = NULL;
	if (!cgroup_root)
		cgroup_root = CGROUP_ROOT_DEFAULT;
	probe = cgroup_collector_new(cgroup_root);
	layout = cgroup_collector_layout(probe);
	cgroup_collector_free(probe);
	v1 = layout == CGROUP_LAYOUT_V1;
	c = xcalloc(1, sizeof(*c));
	c->hfd = -1;
	if (cgtarget_normalize(arg, cgroup_root, v1, c->path, sizeof(c->path)) < 0) {
		snprintf(err, errlen, "bad cgroup path");
		goto fail;
	}
	if (layout == CGROUP_LAYOUT_NONE ||
	    (c->hfd = open_hierarchy(cgroup_root, v1, c->path + 1)) < 0) {
		snprintf(err, errlen, "no such cgroup");
		goto fail;
	}
	if (!strcmp(cgroup_root, CGROUP_ROOT_DEFAULT) && !on_cgroupfs(c->hfd)) {
		snprintf(err, errlen, "not a cgroup file system");
		goto fail;
	}
	cg = open_below(c->hfd, c->path + 1);
	if (cg < 0) {
		snprintf(err, errlen, "no such cgroup");
		goto fail;
	}
	close(cg);
	c->proc_root = xstrdup(proc_root ? proc_root : PROCFS_ROOT_DEFAULT);
	*out = c;
	return 0;
fail:
	cgtarget_free(c);
	return -1;
}

void cgtarget_free(struct cgtarget *c)
{
	if (!c)
		return;
	if (c->hfd >= 0)
		close(c->hfd);
	free(c->proc_root);
	free(c->members);
	free(c->pids);
	free(c);
}

const char *cgtarget_path(const struct cgtarget *c)
{
	return c->path;
}

uint64_t cgtarget_boot_ticks(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_BOOTTIME, &ts) < 0)
		return 0;
	return (uint64_t)ts.tv_sec * (uint64_t)procfs_clk_tck() +
	       (uint64_t)ts.tv_nsec * (uint64_t)procfs_clk_tck() / 1000000000u;
}

/* Appends the pids of dirfd's cgroup.procs. */
static void read_procs(struct cgtarget *c, int dirfd)
{
	int fd = openat(dirfd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
	FILE *f;
	long v;

	if (fd < 0)
		return;
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return;
	}
	while (c->npids < CGT_PIDS_MAX && fscanf(f, "%ld", &v) == 1) {
		if (v <= 0 || v > INT_MAX)
			continue;
		c->pids = xgrow(c->pids, &c->pids_cap, c->npids + 1, sizeof(*c->pids));
		c->pids[c->npids++] = (int)v;
	}
	fclose(f);
}

/* The processes of the cgroup at dirfd and of every cgroup below it. */
static void walk(struct cgtarget *c, int dirfd, int depth)
{
	int dup_fd;
	DIR *d;
	struct dirent *de;

	read_procs(c, dirfd);
	if (depth >= CGT_DEPTH_MAX || (dup_fd = dup(dirfd)) < 0)
		return;
	d = fdopendir(dup_fd);
	if (!d) {
		close(dup_fd);
		return;
	}
	while ((de = readdir(d))) {
		int sub;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		sub = openat(dirfd, de->d_name,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			continue; /* removed meanwhile */
		walk(c, sub, depth + 1);
		close(sub);
	}
	closedir(d);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Lists this tick's pids into c->pids, sorted, unique. -errno when the
 * cgroup itself cannot be opened. */
static int list_pids(struct cgtarget *c)
{
	int fd = open_below(c->hfd, c->path + 1);
	size_t k = 0;

	c->npids = 0;
	if (fd < 0)
		return fd;
	walk(c, fd, 0);
	close(fd);
	qsort(c->pids, c->npids, sizeof(*c->pids), cmp_int);
	for (size_t i = 0; i < c->npids; i++)
		if (!k || c->pids[k - 1] != c->pids[i])
			c->pids[k++] = c->pids[i];
	c->npids = k;
	return 0;
}

/* One process's reading; false when it is gone or not a process now. */
static bool read_one(struct cgtarget *c, int pid, struct target_sample *p, bool *io)
{
	char rel[48];
	uint64_t start;

	memset(p, 0, sizeof(*p));
	snprintf(rel, sizeof(rel), "%d/stat", pid);
	if (procfs_read(c->proc_root, rel, c->text, sizeof(c->text)) < 0 ||
	    target_parse_stat(c->text, p, &start) < 0)
		return false;
	p->start_ticks = start;
	p->pid = pid;
	snprintf(rel, sizeof(rel), "%d/status", pid);
	if (procfs_read(c->proc_root, rel, c->text, sizeof(c->text)) < 0 ||
	    target_parse_status(c->text, p) < 0)
		return false;
	snprintf(rel, sizeof(rel), "%d/io", pid);
	*io = procfs_read(c->proc_root, rel, c->text, sizeof(c->text)) >= 0 &&
	      target_parse_io(c->text, p) == 0;
	return true;
}

static void counters_of(const struct target_sample *p, bool io, uint64_t *v,
			const uint64_t *keep)
{
	v[K_UTIME] = p->utime;
	v[K_STIME] = p->stime;
	v[K_MINFLT] = p->minflt;
	v[K_MAJFLT] = p->majflt;
	v[K_VOL] = p->vol_ctxsw;
	v[K_INVOL] = p->invol_ctxsw;
	/* io unreadable this tick: its last reading stands */
	v[K_RCHAR] = io ? p->rchar : keep[K_RCHAR];
	v[K_WCHAR] = io ? p->wchar : keep[K_WCHAR];
	v[K_RBYTES] = io ? p->read_bytes : keep[K_RBYTES];
	v[K_WBYTES] = io ? p->write_bytes : keep[K_WBYTES];
}

static const struct member *find_member(const struct cgtarget *c, int pid)
{
	size_t lo = 0, hi = c->nmembers;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->members[mid].pid == pid)
			return &c->members[mid];
		if (c->members[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void add_gauges(struct target_sample *out, const struct target_sample *p)
{
	out->vm_size += p->vm_size;
	out->vm_rss += p->vm_rss;
	out->rss_anon += p->rss_anon;
	out->rss_file += p->rss_file;
	out->rss_shmem += p->rss_shmem;
	out->vm_swap += p->vm_swap;
	out->vm_hwm += p->vm_hwm;
	out->vm_data += p->vm_data;
	out->num_threads += p->num_threads;
}

/* The member for a process read now: the one kept (same start), or new. */
static struct member take_member(struct cgtarget *c, const struct target_sample *p,
				 bool io)
{
	const struct member *old = find_member(c, p->pid);
	struct member m = {.pid = p->pid, .start = p->start_ticks};
	uint64_t zero[K_N] = {0};

	if (old && old->start == p->start_ticks) {
		m = *old;
		counters_of(p, io, m.last, old->last);
		return m;
	}
	counters_of(p, io, m.last, zero);
	/* forked since the reading before: everything it did was in here */
	if (c->started && p->start_ticks >= c->prev_ticks)
		memset(m.base, 0, sizeof(m.base));
	else
		memcpy(m.base, m.last, sizeof(m.base));
	if (c->started)
		c->joined_n++;
	return m;
}

/* The members of the tick before that are not in now[]: what they counted
 * stays counted. */
static void settle_left(struct cgtarget *c, const struct member *now, size_t n)
{
	size_t j = 0;

	for (size_t i = 0; i < c->nmembers; i++) {
		const struct member *m = &c->members[i];

		while (j < n && now[j].pid < m->pid)
			j++;
		if (j < n && now[j].pid == m->pid && now[j].start == m->start)
			continue;
		for (int k = 0; k < K_N; k++)
			c->left[k] +=
				m->last[k] >= m->base[k] ? m->last[k] - m->base[k] : 0;
		c->left_n++;
	}
}

static void fill_counters(struct target_sample *out, const uint64_t *v)
{
	out->utime = v[K_UTIME];
	out->stime = v[K_STIME];
	out->minflt = v[K_MINFLT];
	out->majflt = v[K_MAJFLT];
	out->vol_ctxsw = v[K_VOL];
	out->invol_ctxsw = v[K_INVOL];
	out->rchar = v[K_RCHAR];
	out->wchar = v[K_WCHAR];
	out->read_bytes = v[K_RBYTES];
	out->write_bytes = v[K_WBYTES];
}

static void sample_reset(const struct cgtarget *c, struct target_sample *out)
{
	struct cgroup_ident id;

	target_sample_release(out);
	memset(out, 0, sizeof(*out));
	out->alive = true;
	out->exit_code = -1;
	out->delayacct = -1;
	out->is_cgroup = true;
	snprintf(out->cgroup, sizeof(out->cgroup), "%s", c->path);
	cgroup_identify(c->path, &id);
	snprintf(out->comm, sizeof(out->comm), "%.*s", (int)sizeof(out->comm) - 1,
		 id.name);
	out->procs_joined = c->joined_n;
	out->procs_left = c->left_n;
}

/* Reads every listed process and folds them into the members and *out. */
static void read_members(struct cgtarget *c, struct target_sample *out)
{
	struct member *now = xmalloc((c->npids + 1) * sizeof(*now));
	uint64_t sum[K_N], best = 0;
	size_t n = 0, denied = 0;
	bool have_best = false;

	memset(sum, 0, sizeof(sum));
	for (size_t i = 0; i < c->npids; i++) {
		struct target_sample p;
		const struct member *old;
		uint64_t cpu;
		bool io;

		if (!read_one(c, c->pids[i], &p, &io))
			continue; /* gone since the listing */
		denied += !io;
		old = find_member(c, p.pid);
		now[n] = take_member(c, &p, io);
		/* the CPU it counted since the reading before (at the first,
		 * all it ever used) */
		cpu = now[n].last[K_UTIME] + now[n].last[K_STIME];
		if (!c->started)
			;
		else if (old && old->start == p.start_ticks)
			cpu -= old->last[K_UTIME] + old->last[K_STIME];
		else
			cpu -= now[n].base[K_UTIME] + now[n].base[K_STIME];
		for (int k = 0; k < K_N; k++)
			sum[k] += now[n].last[k] - now[n].base[k];
		add_gauges(out, &p);
		if (!have_best || cpu > best) {
			best = cpu;
			have_best = true;
			out->lead_pid = p.pid;
			out->state = p.state;
		}
		n++;
	}
	settle_left(c, now, n);
	for (int k = 0; k < K_N; k++) /* the ones that left this tick too */
		sum[k] += c->left[k];
	free(c->members);
	c->members = now;
	c->nmembers = n;
	fill_counters(out, sum);
	out->nprocs = (int)n;
	out->procs_joined = c->joined_n;
	out->procs_left = c->left_n;
	out->have |= TARGET_HAVE_STAT | TARGET_HAVE_STATUS;
	if (!denied)
		out->have |= TARGET_HAVE_IO;
	else
		why_append(out->why, sizeof(out->why), "io: unreadable for %zu of %zu",
			   denied, n);
	if (!n)
		out->state = 'S';
}

void cgtarget_read(struct cgtarget *c, uint64_t now_ticks, struct target_sample *out)
{
	int rc;

	sample_reset(c, out);
	if (!c->gone) {
		rc = list_pids(c);
		if (rc == -ENOENT || rc == -ENODEV)
			c->gone = true;
		else if (rc < 0) {
			why_append(out->why, sizeof(out->why), "cgroup: %s",
				   strerror(-rc));
			return;
		}
	}
	if (c->gone) {
		out->alive = false;
		why_append(out->why, sizeof(out->why), "cgroup removed");
		return;
	}
	read_members(c, out);
	c->started = true;
	c->prev_ticks = now_ticks;
}
