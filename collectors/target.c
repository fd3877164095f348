/* SPDX-License-Identifier: MIT */
/*
 * target: the attached-target collector — one process, every file of it that
 * says something about CPU, memory, I/O, descriptors and threads.
 *
 * Identity is (pid, start_ticks), never the pid alone: <pid>/stat is read
 * before the other files and again after them, and a sample is only filled
 * while both readings show the start time recorded at attach. Anything else
 * empties the sample, so values read from a process that took over the pid
 * never leave this file. Once the target exited or was replaced the verdict
 * is latched in the collector.
 *
 * The parsers trust nothing: numbers go through procfs_next_u64 (which refuses
 * overflow), every stat field must end at a blank or the end of the line, and
 * results are assembled in locals and copied out only once the whole text made
 * sense. The collector's buffers (file text, the task/ listing) are kept for
 * its lifetime; the threads array is the one per-tick allocation.
 */
#include "collectors/target.h"

#include "collectors/latency.h"
#include "collectors/target_access.h"
#include "collectors/tasks.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/procfs.h"
#include "core/xalloc.h"

/* status is ~1.5 KiB; even 4096-CPU masks keep it far below this */
#define TARGET_BUF_CAP 16384
/* "<pid>/task/<tid>/stat" with two ints, with room to spare */
#define REL_MAX 64
/* starttime, the last stat field read (1-based, as in proc(5)) */
#define STAT_LAST 22
#define STAT_BLKIO 42 /* delayacct_blkio_ticks */
/* threads whose detail is read per tick, on average (see take_detail) */
#define TARGET_DETAIL_THREADS 500
/* stat fields that must not be negative: minflt majflt utime stime threads start */
#define STAT_UNSIGNED                                                                    \
	((1u << 10) | (1u << 12) | (1u << 14) | (1u << 15) | (1u << 20) | (1u << 22))

struct target_collector {
	char *root;
	int pid;
	uint64_t start_ticks;
	const char *gone;	   /* NULL while attached; why it ended, once it did */
	unsigned denied;	   /* TARGET_ACCESS_* refused, checked at attach */
	char *fd_dir;		   /* "<root>/<pid>/fd" */
	char *cgroup_root;	   /* cgroup file system, for the cgroup's PSI */
	struct task_files *tasks;  /* task/ and its threads' kept files */
	struct thread_sample *all; /* this tick's reading of every thread */
	size_t all_cap;
	size_t detail_wait;	   /* ticks until the next thread detail */
	char text[TARGET_BUF_CAP]; /* the file being parsed */
};

/* What the collector takes from one stat line (process or thread). */
struct stat_line {
	uint64_t pid;
	char comm[FRAME_COMM_MAX];
	char state;
	uint64_t minflt, majflt, utime, stime, num_threads, start_ticks;
	uint64_t blkio_ticks; /* field 42 when present (2.6.18+), else 0 */
};

/* Appends a reason to s->why (see why_append). */
#define why_add(s, ...) why_append((s)->why, sizeof((s)->why), __VA_ARGS__)

/*
 * Parses the numeric stat field at *p into *out. Returns 0, 1 for a negative
 * value (only the signed fields hold one; *out is then 0), or -1 for anything
 * that is not a whole number ending at a blank or the end of the line.
 */
static int stat_field(const char **p, uint64_t *out)
{
	const char *s = *p;
	int64_t neg;
	int rc = 0;

	if (*s == '-') {
		/* procfs_next_i64 would take "- 5" for -5 */
		if (!isdigit((unsigned char)s[1]) || procfs_next_i64(&s, &neg) < 0)
			return -1;
		*out = 0;
		rc = 1;
	} else if (procfs_next_u64(&s, out) < 0) {
		return -1;
	}
	if (isdigit((unsigned char)s[-1]) && *s != '\n' && *s != '\0')
		return -1;
	*p = s;
	return rc;
}

static int stat_line_parse(const char *text, struct stat_line *sl)
{
	uint64_t field[STAT_LAST + 1];
	const char *p = text;
	struct stat_line got;

	if (procfs_next_u64(&p, &got.pid) < 0 || *p != '(' || got.pid > INT_MAX)
		return -1;
	p = procfs_stat_split(text, got.comm, sizeof(got.comm));
	if (!p || !isgraph((unsigned char)p[0]) || p[1] != ' ')
		return -1;
	got.state = p[0];
	p += 2;
	for (int n = 4; n <= STAT_LAST; n++) {
		int rc = stat_field(&p, &field[n]);

		if (rc < 0 || (rc > 0 && (STAT_UNSIGNED & (1u << n))))
			return -1;
	}
	if (field[20] > INT_MAX)
		return -1;
	got.minflt = field[10];
	got.majflt = field[12];
	got.utime = field[14];
	got.stime = field[15];
	got.num_threads = field[20];
	got.start_ticks = field[22];
	/* Fields past 22 are optional to this parser: skip to 42 if there. */
	got.blkio_ticks = 0;
	for (int n = STAT_LAST + 1; n <= STAT_BLKIO && *p; n++) {
		uint64_t v;

		if (stat_field(&p, &v) < 0)
			break;
		if (n == STAT_BLKIO)
			got.blkio_ticks = v;
	}
	*sl = got;
	return 0;
}

int target_parse_stat(const char *text, struct target_sample *out, uint64_t *start_ticks)
{
	struct stat_line sl;

	if (stat_line_parse(text, &sl) < 0)
		return -1;
	memcpy(out->comm, sl.comm, sizeof(out->comm));
	out->state = sl.state;
	out->minflt = sl.minflt;
	out->majflt = sl.majflt;
	out->utime = sl.utime;
	out->stime = sl.stime;
	out->num_threads = (int)sl.num_threads;
	if (start_ticks)
		*start_ticks = sl.start_ticks;
	return 0;
}

int target_parse_thread_stat(const char *text, struct thread_sample *out)
{
	struct stat_line sl;

	if (stat_line_parse(text, &sl) < 0)
		return -1;
	out->tid = (int)sl.pid;
	out->state = sl.state;
	out->utime = sl.utime;
	out->stime = sl.stime;
	out->blkio_ticks = sl.blkio_ticks;
	memcpy(out->comm, sl.comm, sizeof(out->comm));
	return 0;
}

enum status_key {
	SK_VM_SIZE,
	SK_VM_RSS,
	SK_RSS_ANON,
	SK_RSS_FILE,
	SK_RSS_SHMEM,
	SK_VM_SWAP,
	SK_VM_HWM,
	SK_VM_DATA,
	SK_VOL_CTXSW, /* from here on required */
	SK_INVOL_CTXSW,
	SK_N
};

static const char *const status_keys[SK_N] = {
	[SK_VM_SIZE] = "VmSize",
	[SK_VM_RSS] = "VmRSS",
	[SK_RSS_ANON] = "RssAnon",
	[SK_RSS_FILE] = "RssFile",
	[SK_RSS_SHMEM] = "RssShmem",
	[SK_VM_SWAP] = "VmSwap",
	[SK_VM_HWM] = "VmHWM",
	[SK_VM_DATA] = "VmData",
	[SK_VOL_CTXSW] = "voluntary_ctxt_switches",
	[SK_INVOL_CTXSW] = "nonvoluntary_ctxt_switches",
};

/* Whether a line of text starts with "key:" (procfs_kv_u64 cannot tell). */
static bool has_key(const char *text, const char *key)
{
	size_t klen = strlen(key);
	const char *line = text;

	while (line) {
		if (!strncmp(line, key, klen) && line[klen] == ':')
			return true;
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return false;
}

int target_parse_status(const char *text, struct target_sample *out)
{
	uint64_t v[SK_N];

	for (int i = 0; i < SK_N; i++) {
		if (!procfs_kv_u64(text, status_keys[i], &v[i]))
			continue;
		/* no Vm* lines: no memory map (zombie, kernel thread); junk is junk */
		if (i >= SK_VOL_CTXSW || has_key(text, status_keys[i]))
			return -1;
		v[i] = 0;
	}
	out->vm_size = v[SK_VM_SIZE];
	out->vm_rss = v[SK_VM_RSS];
	out->rss_anon = v[SK_RSS_ANON];
	out->rss_file = v[SK_RSS_FILE];
	out->rss_shmem = v[SK_RSS_SHMEM];
	out->vm_swap = v[SK_VM_SWAP];
	out->vm_hwm = v[SK_VM_HWM];
	out->vm_data = v[SK_VM_DATA];
	out->vol_ctxsw = v[SK_VOL_CTXSW];
	out->invol_ctxsw = v[SK_INVOL_CTXSW];
	return 0;
}

int target_parse_io(const char *text, struct target_sample *out)
{
	uint64_t rchar, wchar, read_bytes, write_bytes;

	if (procfs_kv_u64(text, "rchar", &rchar) < 0 ||
	    procfs_kv_u64(text, "wchar", &wchar) < 0 ||
	    procfs_kv_u64(text, "read_bytes", &read_bytes) < 0 ||
	    procfs_kv_u64(text, "write_bytes", &write_bytes) < 0)
		return -1;
	out->rchar = rchar;
	out->wchar = wchar;
	out->read_bytes = read_bytes;
	out->write_bytes = write_bytes;
	return 0;
}

/*
 * Reads <root>/<rel> into c->text. Returns the byte count, -errno, or -EBADMSG
 * when a stat line does not parse or names another pid than want (checked
 * when sl is given).
 */
static long read_stat(struct target_collector *c, const char *rel, int want,
		      struct stat_line *sl)
{
	long n = procfs_read(c->root, rel, c->text, sizeof(c->text));

	if (n < 0)
		return n;
	if (stat_line_parse(c->text, sl) < 0 || sl->pid != (uint64_t)want)
		return -EBADMSG;
	return n;
}

static long read_own_stat(struct target_collector *c, struct stat_line *sl)
{
	char rel[REL_MAX];

	snprintf(rel, sizeof(rel), "%d/stat", c->pid);
	return read_stat(c, rel, c->pid, sl);
}

/* A sample of the attached process that carries no values yet. */
static void sample_reset(const struct target_collector *c, struct target_sample *out)
{
	target_sample_release(out);
	memset(out, 0, sizeof(*out));
	out->pid = c->pid;
	out->start_ticks = c->start_ticks;
	out->alive = true;
	out->exit_code = -1;
	out->exit_signal = 0;
}

/*
 * Checks that <pid>/stat still shows the attached process and returns true,
 * with its stat in *sl. Otherwise empties *out, says why, latches an exit or
 * a reuse in c, and returns false.
 */
static bool identity_holds(struct target_collector *c, struct target_sample *out,
			   struct stat_line *sl)
{
	long rc = read_own_stat(c, sl);

	if (rc == -ENOENT || rc == -ESRCH)
		c->gone = "process exited";
	else if (rc >= 0 && sl->start_ticks != c->start_ticks)
		c->gone = "pid reused by another process";
	else if (rc >= 0)
		return true;
	sample_reset(c, out);
	if (c->gone) {
		out->alive = false;
		why_add(out, "%s", c->gone);
	} else if (rc == -EBADMSG) {
		why_add(out, "stat: unparsable");
	} else {
		why_add(out, "stat: %s", strerror((int)-rc));
	}
	return false;
}

/* The text files after stat: each fills its part of a sample or says why not. */
static const struct target_file {
	const char *name;
	unsigned have;
	int (*parse)(const char *text, struct target_sample *out);
} target_files[] = {
	{"status", TARGET_HAVE_STATUS, target_parse_status},
	{"io", TARGET_HAVE_IO, target_parse_io},
};

static void read_text_file(struct target_collector *c, const struct target_file *f,
			   struct target_sample *out)
{
	char rel[REL_MAX];
	long n;

	snprintf(rel, sizeof(rel), "%d/%s", c->pid, f->name);
	n = procfs_read(c->root, rel, c->text, sizeof(c->text));
	if (n < 0) {
		why_add(out, "%s: %s", f->name, strerror((int)-n));
		return;
	}
	if ((size_t)n == sizeof(c->text) - 1) {
		procfs_keep_whole_lines(c->text);
		why_add(out, "%s: truncated at %zu bytes", f->name, strlen(c->text));
	}
	if (f->parse(c->text, out) < 0) {
		why_add(out, "%s: unparsable", f->name);
		return;
	}
	out->have |= f->have;
}

static bool is_dot(const char *name)
{
	return !strcmp(name, ".") || !strcmp(name, "..");
}

static void count_fds(struct target_collector *c, struct target_sample *out)
{
	DIR *dir = opendir(c->fd_dir);
	struct dirent *de;
	int n = 0, err;

	if (!dir) {
		why_add(out, "fd: %s", strerror(errno));
		return;
	}
	for (;;) {
		errno = 0;
		de = readdir(dir);
		if (!de)
			break;
		if (!is_dot(de->d_name))
			n++;
	}
	err = errno;
	closedir(dir);
	if (err) {
		why_add(out, "fd: %s", strerror(err));
		return;
	}
	out->fds = n;
	out->have |= TARGET_HAVE_FDS;
}

/*
 * Reads the i-th listed thread's stat and schedstat into *t. Returns 0, 1
 * when the thread is gone, or -errno (-EBADMSG: unparsable).
 */
static long read_thread(struct target_collector *c, size_t i, int tid,
			struct thread_sample *t)
{
	struct stat_line sl;
	long rc = task_files_read(c->tasks, i, TASK_STAT, c->text, sizeof(c->text));

	if (rc == -ENOENT || rc == -ESRCH)
		return 1;
	if (rc < 0)
		return rc;
	if (stat_line_parse(c->text, &sl) < 0 || sl.pid != (uint64_t)tid)
		return -EBADMSG;
	t->tid = tid;
	t->state = sl.state;
	t->utime = sl.utime;
	t->stime = sl.stime;
	t->blkio_ticks = sl.blkio_ticks;
	memcpy(t->comm, sl.comm, sizeof(t->comm));
	t->wchan[0] = '\0';
	t->syscall = -2;
	latency_read_sched(c->tasks, i, t, c->text, sizeof(c->text));
	return 0;
}

/* The process's latency figures are its threads' summed. */
static void sum_threads(struct target_sample *out, const struct thread_sample *th,
			size_t n)
{
	bool all = n > 0;

	for (size_t i = 0; i < n; i++) {
		const struct thread_sample *t = &th[i];

		out->blkio_ticks += t->blkio_ticks;
		all = all && t->have_sched;
		out->run_ns += t->run_ns;
		out->run_delay_ns += t->run_delay_ns;
		out->slices += t->slices;
	}
	if (all)
		out->have |= TARGET_HAVE_SCHED;
	else
		out->run_ns = out->run_delay_ns = out->slices = 0;
}

/*
 * The thread detail (the threads array, with wchan and syscall): every tick
 * for up to TARGET_DETAIL_THREADS threads, every ceil(n / that) ticks for n
 * threads, so its cost per tick stays flat however many threads there are.
 */
static void take_detail(struct target_collector *c, struct target_sample *out, size_t n)
{
	if (c->detail_wait > 0) {
		c->detail_wait--;
		return;
	}
	for (size_t i = 0; i < n; i++)
		latency_read_where(c->tasks, &c->all[i], c->text, sizeof(c->text));
	if (n > 0) {
		out->threads = xmalloc(n * sizeof(*out->threads));
		memcpy(out->threads, c->all, n * sizeof(*out->threads));
	}
	out->nthreads = n;
	c->detail_wait = n > 0 ? (n - 1) / TARGET_DETAIL_THREADS : 0;
}

/* Every thread's stat and schedstat (for the sums), and the detail when due. */
static void read_threads(struct target_collector *c, struct target_sample *out)
{
	const int *tids;
	long n = task_files_list(c->tasks, &tids), rc = 0;
	size_t k = 0;

	if (n < 0) {
		why_add(out, "task: %s", strerror((int)-n));
		return;
	}
	c->all = xgrow(c->all, &c->all_cap, (size_t)n + 1, sizeof(*c->all));
	for (long i = 0; i < n; i++) {
		rc = read_thread(c, (size_t)i, tids[i], &c->all[k]);
		if (rc < 0) {
			why_add(out, "task/%d/stat: %s", tids[i],
				rc == -EBADMSG ? "unparsable" : strerror((int)-rc));
			return;
		}
		if (rc == 0)
			k++;
	}
	out->have |= TARGET_HAVE_THREADS;
	sum_threads(out, c->all, k);
	take_detail(c, out, k);
}

void target_collector_read(struct target_collector *c, struct target_sample *out)
{
	struct stat_line sl;

	sample_reset(c, out);
	if (c->gone) {
		out->alive = false;
		why_add(out, "%s", c->gone);
		return;
	}
	if (!identity_holds(c, out, &sl))
		return;
	memcpy(out->comm, sl.comm, sizeof(out->comm));
	out->state = sl.state;
	out->minflt = sl.minflt;
	out->majflt = sl.majflt;
	out->utime = sl.utime;
	out->stime = sl.stime;
	out->num_threads = (int)sl.num_threads;
	out->have |= TARGET_HAVE_STAT;
	out->denied = c->denied;

	for (size_t i = 0; i < sizeof(target_files) / sizeof(target_files[0]); i++)
		read_text_file(c, &target_files[i], out);
	count_fds(c, out);
	read_threads(c, out);
	latency_read_process(c->root, c->cgroup_root, c->pid, out, c->text,
			     sizeof(c->text));

	/* the pid may have changed hands while the files above were read */
	identity_holds(c, out, &sl);
}

static int open_error(long rc, char *err, size_t errlen)
{
	const char *why;

	switch (rc) {
	case -ESRCH:
	case -ENOENT:
		rc = -ENOENT;
		why = "no such process";
		break;
	case -EACCES:
		why = "permission denied";
		break;
	case -EINVAL:
		why = "invalid pid";
		break;
	case -EBADMSG:
		why = "stat: unparsable";
		break;
	default:
		why = strerror((int)-rc);
		break;
	}
	if (err && errlen)
		snprintf(err, errlen, "%s", why);
	return (int)rc;
}

int target_collector_open(const char *proc_root, int pid, struct target_collector **out,
			  char *err, size_t errlen)
{
	struct target_collector *c;
	struct stat_line sl;
	long rc;

	*out = NULL;
	if (pid <= 0)
		return open_error(-EINVAL, err, errlen);
	if (!proc_root)
		proc_root = PROCFS_ROOT_DEFAULT;
	c = xcalloc(1, sizeof(*c));
	c->root = xstrdup(proc_root);
	c->pid = pid;
	rc = read_own_stat(c, &sl);
	if (rc < 0) {
		target_collector_free(c);
		return open_error(rc, err, errlen);
	}
	c->start_ticks = sl.start_ticks;
	c->denied = target_access_check(proc_root, pid, NULL);
	c->fd_dir = xasprintf("%s/%d/fd", proc_root, pid);
	c->tasks = task_files_new(proc_root, pid);
	/* a fixture proc tree brings its own cgroup tree, or none */
	if (!strcmp(proc_root, PROCFS_ROOT_DEFAULT))
		c->cgroup_root = xstrdup(LATENCY_CGROUP_ROOT_DEFAULT);
	*out = c;
	return 0;
}

void target_collector_free(struct target_collector *c)
{
	if (!c)
		return;
	free(c->root);
	free(c->fd_dir);
	task_files_free(c->tasks);
	free(c->cgroup_root);
	free(c->all);
	free(c);
}

void target_collector_set_cgroup_root(struct target_collector *c, const char *cgroup_root)
{
	free(c->cgroup_root);
	c->cgroup_root = cgroup_root ? xstrdup(cgroup_root) : NULL;
}

int target_collector_pid(const struct target_collector *c)
{
	return c->pid;
}

uint64_t target_collector_start_ticks(const struct target_collector *c)
{
	return c->start_ticks;
}
