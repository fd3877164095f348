/* SPDX-License-Identifier: MIT */
/*
 * proctable: the process table from /proc/PID/stat, each kept open
 * (collectors/tasks.h over the processes), and what a tick derives from the
 * one before: CPU % and which identities are new, whose cmdlines are read.
 *
 * Invariants: rows come out sorted by pid (the listing is sorted); a process
 * that ends between the listing and its read is left out of the tick; the
 * collector's private copy of the previous table is never shared with
 * frames. User names are looked up once per uid (NSS may be slow) and kept.
 */
#include "collectors/proctable.h"

#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/cgroups.h"
#include "collectors/tasks.h"
#include "core/procfs.h"
#include "core/rates.h"
#include "core/xalloc.h"

#define STAT_TEXT_MAX 1024
#define STAT_LAST_FIELD 24 /* rss */

struct user_name {
	unsigned uid;
	char name[32];
};

struct proc_collector {
	char *proc_root;
	struct task_files *files; /* every <root>/<pid>/stat, kept open */
	struct proc_table prev;
	int64_t prev_ns;
	int64_t boot_ms;
	long clk_tck, page_size;
	struct user_name *users; /* uid -> name, as looked up */
	size_t nusers, users_cap;
};

struct proc_collector *proc_collector_new(const char *proc_root, char *err, size_t errlen)
{
	struct proc_collector *c = xcalloc(1, sizeof(*c));
	const int *pids;
	long n;

	c->proc_root = xstrdup(proc_root);
	c->files = task_files_new_procs(proc_root);
	n = task_files_list(c->files, &pids);
	if (n < 0) {
		snprintf(err, errlen, "cannot read the process table in '%s': %s",
			 proc_root, strerror((int)-n));
		proc_collector_free(c);
		return NULL;
	}
	c->boot_ms = procfs_boot_ms(proc_root);
	c->clk_tck = procfs_clk_tck();
	c->page_size = procfs_page_size();
	return c;
}

void proc_collector_free(struct proc_collector *c)
{
	if (!c)
		return;
	task_files_free(c->files);
	proc_table_release(&c->prev);
	free(c->users);
	free(c->proc_root);
	free(c);
}

char *proc_cmdline_join(char *buf, size_t len)
{
	while (len && (buf[len - 1] == '\0' || buf[len - 1] == ' '))
		len--;
	for (size_t i = 0; i < len; i++)
		if (buf[i] == '\0' || buf[i] == '\n' || buf[i] == '\t')
			buf[i] = ' ';
	buf[len] = '\0';
	return buf;
}

static char *read_cmdline(const char *root, int pid)
{
	char rel[32], buf[4096];
	long n;

	snprintf(rel, sizeof(rel), "%d/cmdline", pid);
	n = procfs_read(root, rel, buf, sizeof(buf));
	if (n <= 0)
		return xstrdup("");
	return xstrdup(proc_cmdline_join(buf, (size_t)n));
}

/* The process's cgroup (cgroups.h names it); NULL when unreadable. */
static char *read_cgroup(const char *root, int pid)
{
	char rel[32], buf[2048], path[1024];

	snprintf(rel, sizeof(rel), "%d/cgroup", pid);
	if (procfs_read(root, rel, buf, sizeof(buf)) <= 0 ||
	    cgroup_parse_proc_cgroup(buf, path, sizeof(path)) < 0)
		return NULL;
	return xstrdup(path);
}

int proc_stat_parse(const char *text, struct proc_row *r)
{
	const char *p = procfs_stat_split(text, r->comm, sizeof(r->comm));
	long long f[STAT_LAST_FIELD + 1];

	if (!p || !isgraph((unsigned char)p[0]) || p[1] != ' ')
		return -1;
	r->state = p[0];
	p += 2;
	for (int n = 4; n <= STAT_LAST_FIELD; n++) {
		char *end;

		errno = 0;
		f[n] = strtoll(p, &end, 10);
		if (end == p || errno || (*end != ' ' && (*end || n < STAT_LAST_FIELD)))
			return -1;
		p = *end ? end + 1 : end;
	}
	r->ppid = (int)f[4];
	r->nice = (int)f[19];
	r->threads = (int)f[20];
	r->cpu_ticks = (uint64_t)f[14] + (uint64_t)f[15];
	r->start_ticks = (uint64_t)f[22];
	r->vsz_bytes = (uint64_t)f[23];
	r->rss_bytes = f[24] > 0 ? (uint64_t)f[24] : 0; /* pages; the caller scales */
	return 0;
}

/* The user name of uid: looked up once, then remembered; the number when
 * there is none. */
static const char *user_of(struct proc_collector *c, unsigned uid)
{
	struct passwd pw, *found = NULL;
	char buf[1024];
	struct user_name *u;

	for (size_t i = 0; i < c->nusers; i++)
		if (c->users[i].uid == uid)
			return c->users[i].name;
	c->users = xgrow(c->users, &c->users_cap, c->nusers + 1, sizeof(*c->users));
	u = &c->users[c->nusers++];
	u->uid = uid;
	if (getpwuid_r((uid_t)uid, &pw, buf, sizeof(buf), &found) == 0 && found)
		snprintf(u->name, sizeof(u->name), "%s", pw.pw_name);
	else
		snprintf(u->name, sizeof(u->name), "%u", uid);
	return u->name;
}

/* The i-th listed process into r; -1 when it ended meanwhile or its stat
 * makes no sense. */
static int read_row(struct proc_collector *c, size_t i, int pid, struct proc_row *r)
{
	char text[STAT_TEXT_MAX];
	unsigned uid;

	memset(r, 0, sizeof(*r));
	if (task_files_read(c->files, i, TASK_STAT, text, sizeof(text)) <= 0 ||
	    proc_stat_parse(text, r) < 0 || task_files_owner(c->files, i, &uid) < 0)
		return -1;
	r->pid = pid;
	r->uid = uid;
	snprintf(r->user, sizeof(r->user), "%s", user_of(c, uid));
	r->start_ms =
		c->boot_ms + (int64_t)(r->start_ticks * 1000 / (uint64_t)c->clk_tck);
	r->rss_bytes *= (uint64_t)c->page_size;
	r->cpu_pct = -1;
	return 0;
}

/* Carries the cmdline over from the previous tick when the identity and its
 * comm are unchanged; reads it otherwise (new process, or it exec'd). */
static void attach_cmdlines(struct proc_collector *c, struct proc_table *t)
{
	size_t j = 0;

	for (size_t i = 0; i < t->n; i++) {
		struct proc_row *r = &t->rows[i];

		while (j < c->prev.n && c->prev.rows[j].pid < r->pid)
			j++;
		if (j < c->prev.n && c->prev.rows[j].pid == r->pid &&
		    c->prev.rows[j].start_ticks == r->start_ticks &&
		    !strcmp(c->prev.rows[j].comm, r->comm)) {
			r->cmdline = xstrdup(c->prev.rows[j].cmdline);
			r->cgroup = c->prev.rows[j].cgroup
					    ? xstrdup(c->prev.rows[j].cgroup)
					    : NULL;
		} else {
			r->cmdline = read_cmdline(c->proc_root, r->pid);
			r->cgroup = read_cgroup(c->proc_root, r->pid);
		}
	}
}

void proc_table_derive_cpu(struct proc_table *cur, const struct proc_table *prev,
			   int64_t dt_ns, long clk_tck)
{
	size_t j = 0;

	for (size_t i = 0; i < cur->n; i++) {
		struct proc_row *r = &cur->rows[i];

		r->cpu_pct = -1;
		while (j < prev->n && prev->rows[j].pid < r->pid)
			j++;
		if (j >= prev->n || prev->rows[j].pid != r->pid ||
		    prev->rows[j].start_ticks != r->start_ticks)
			continue;
		r->cpu_pct = rate_core_pct(r->cpu_ticks, prev->rows[j].cpu_ticks, clk_tck,
					   (double)dt_ns / 1e9);
	}
}

static void copy_table(struct proc_table *dst, const struct proc_table *src)
{
	proc_table_release(dst);
	dst->n = src->n;
	dst->rows = xmalloc(src->n * sizeof(*dst->rows));
	memcpy(dst->rows, src->rows, src->n * sizeof(*dst->rows));
	for (size_t i = 0; i < src->n; i++) {
		dst->rows[i].cmdline = xstrdup(src->rows[i].cmdline);
		if (src->rows[i].cgroup)
			dst->rows[i].cgroup = xstrdup(src->rows[i].cgroup);
	}
}

int proc_collector_read(struct proc_collector *c, int64_t now_ns, struct proc_table *out)
{
	const int *pids;
	long n = task_files_list(c->files, &pids);

	out->n = 0;
	out->rows = NULL;
	if (n < 0)
		return -1;
	out->rows = xmalloc((size_t)(n > 0 ? n : 1) * sizeof(*out->rows));
	for (size_t i = 0; i < (size_t)n; i++)
		if (read_row(c, i, pids[i], &out->rows[out->n]) == 0)
			out->n++;
	attach_cmdlines(c, out);
	if (c->prev_ns)
		proc_table_derive_cpu(out, &c->prev, now_ns - c->prev_ns, c->clk_tck);
	copy_table(&c->prev, out);
	c->prev_ns = now_ns;
	return 0;
}
