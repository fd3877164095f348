/* SPDX-License-Identifier: MIT */
/*
 * sysstat: the system collector — CPU, memory, load and pressure, read from an
 * injectable proc root and parsed by hand.
 *
 * The parsers trust nothing: every number goes through procfs_next_u64 (which
 * refuses overflow) or parse_decimal (bounded), every token must end at a
 * blank or the end of its line, and results are assembled in locals and only
 * copied out once the whole text made sense. Files cut short by a full buffer
 * are trimmed to their last complete line before parsing, so a half-written
 * number is never mistaken for a whole one.
 */
#include "collectors/sysstat.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/iostat.h"
#include "collectors/schedstat.h"
#include "core/procfs.h"
#include "core/xalloc.h"

#define STAT_BUF_MIN (64u * 1024u)
/* meminfo is ~1.5 KiB even with every hugepage size; loadavg and PSI < 256 B */
#define SMALL_BUF 16384
/* "12345678901234.5": loads and PSI averages are small; more digits is junk */
#define DECIMAL_INT_DIGITS 15
#define DECIMAL_FRAC_DIGITS 9

struct sys_collector {
	char *root;
	char *stat_buf; /* grows from STAT_BUF_MIN to SYS_STAT_BUF_MAX, kept */
	size_t stat_cap;
	char *dev_buf; /* diskstats, net/dev and schedstat, grown the same way */
	size_t dev_cap;
	char small[SMALL_BUF];
};

static const char *const psi_files[PSI_N] = {
	[PSI_CPU] = "pressure/cpu",
	[PSI_MEMORY] = "pressure/memory",
	[PSI_IO] = "pressure/io",
};

/* Appends a reason to s->why (see why_append). */
#define why_add(s, ...) why_append((s)->why, sizeof((s)->why), __VA_ARGS__)

static bool at_eol(const char *p)
{
	return *p == '\n' || *p == '\0';
}

static const char *next_line(const char *p)
{
	const char *nl = strchr(p, '\n');

	return nl ? nl + 1 : p + strlen(p);
}

/* True when line starts with word followed by a blank. */
static bool starts_word(const char *line, const char *word)
{
	size_t n = strlen(word);

	return !strncmp(line, word, n) && (line[n] == ' ' || line[n] == '\t');
}

/*
 * Parses "123" or "123.45" at *p (after blanks), advancing past it. The token
 * must end at a blank or the end of the line. Returns 0 or -1.
 */
static int parse_decimal(const char **p, double *out)
{
	const char *s = *p;
	double ip = 0, frac = 0, scale = 1;
	int ndig = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (++ndig > DECIMAL_INT_DIGITS)
			return -1;
		ip = ip * 10 + (*s - '0');
	}
	if (!ndig)
		return -1;
	if (*s == '.') {
		int nfrac = 0;

		for (s++; *s >= '0' && *s <= '9'; s++) {
			if (++nfrac > DECIMAL_FRAC_DIGITS)
				continue;
			frac = frac * 10 + (*s - '0');
			scale *= 10;
		}
		if (!nfrac)
			return -1;
	}
	if (*s != ' ' && *s != '\t' && !at_eol(s))
		return -1;
	*out = ip + frac / scale;
	*p = s;
	return 0;
}

/*
 * Parses the columns of a cpu line. The first four are required, missing
 * later ones stay 0, and anything past steal (guest, guest_nice, whatever a
 * future kernel adds) must still be numbers but is not kept.
 */
static int parse_cpu_columns(const char *p, struct cpu_times *t)
{
	uint64_t *col[] = {&t->user,   &t->nice, &t->system,  &t->idle,
			   &t->iowait, &t->irq,	 &t->softirq, &t->steal};
	size_t n = 0;

	memset(t, 0, sizeof(*t));
	while (!at_eol(p)) {
		uint64_t v;

		if (procfs_next_u64(&p, &v) < 0)
			return -1;
		if (n < sizeof(col) / sizeof(col[0]))
			*col[n] = v;
		n++;
	}
	return n >= 4 ? 0 : -1;
}

/*
 * Parses a line starting with "cpu": *cpu is -1 for the aggregate line, else
 * the N of "cpuN". Returns 0 or -1.
 */
static int parse_cpu_line(const char *line, int *cpu, struct cpu_times *t)
{
	const char *p = line + 3;
	size_t ndig = strspn(p, "0123456789");
	uint64_t n;

	if (p[ndig] != ' ' && p[ndig] != '\t')
		return -1;
	if (!ndig) {
		*cpu = -1;
	} else {
		if (procfs_next_u64(&p, &n) < 0 || n > (uint64_t)INT32_MAX)
			return -1;
		*cpu = (int)n;
	}
	return parse_cpu_columns(p, t);
}

/*
 * "key N" lines of /proc/stat. Returns 1 if line is that key and N parsed
 * (and is at most max), 0 if line is another key, -1 if N is malformed.
 */
static int stat_scalar(const char *line, const char *key, uint64_t max, uint64_t *out)
{
	size_t n = strlen(key);
	const char *p = line + n;
	uint64_t v;

	/* a bare "ctxt" is that key with its value missing, not another key */
	if (strncmp(line, key, n) || (!starts_word(line, key) && !at_eol(p)))
		return 0;
	if (procfs_next_u64(&p, &v) < 0 || !at_eol(p) || v > max)
		return -1;
	*out = v;
	return 1;
}

/* The "key N" lines of /proc/stat that sys_sample keeps. */
enum stat_key { SK_CTXT, SK_BTIME, SK_PROCESSES, SK_RUNNING, SK_BLOCKED, SK_N };

static const struct {
	const char *key;
	uint64_t max;
} stat_keys[SK_N] = {
	[SK_CTXT] = {"ctxt", UINT64_MAX},
	[SK_BTIME] = {"btime", INT64_MAX},
	[SK_PROCESSES] = {"processes", UINT64_MAX},
	[SK_RUNNING] = {"procs_running", UINT32_MAX},
	[SK_BLOCKED] = {"procs_blocked", UINT32_MAX},
};

/* Returns 0 for a line that is none of ours or parsed, -1 if malformed. */
static int parse_stat_scalars(const char *line, uint64_t vals[SK_N])
{
	for (size_t k = 0; k < SK_N; k++) {
		int rc = stat_scalar(line, stat_keys[k].key, stat_keys[k].max, &vals[k]);

		if (rc)
			return rc < 0 ? -1 : 0;
	}
	return 0;
}

static size_t count_core_lines(const char *text)
{
	size_t n = 0;

	for (const char *line = text; *line; line = next_line(line))
		if (!strncmp(line, "cpu", 3) && line[3] >= '0' && line[3] <= '9')
			n++;
	return n;
}

/* Fills cores (room for every cpuN line) and the rest; 0 or -1. */
static int parse_stat_lines(const char *text, struct cpu_times *total,
			    struct core_times *cores, size_t *ncores, uint64_t vals[SK_N])
{
	bool have_total = false;

	for (const char *line = text; *line; line = next_line(line)) {
		struct cpu_times t;
		int cpu;

		if (strncmp(line, "cpu", 3)) {
			if (parse_stat_scalars(line, vals) < 0)
				return -1;
			continue;
		}
		if (parse_cpu_line(line, &cpu, &t) < 0)
			return -1;
		if (cpu < 0) {
			if (have_total)
				return -1;
			have_total = true;
			*total = t;
			continue;
		}
		if (*ncores && cores[*ncores - 1].cpu >= cpu)
			return -1; /* the kernel prints cores ascending, once */
		cores[*ncores].cpu = cpu;
		cores[*ncores].t = t;
		(*ncores)++;
	}
	return have_total ? 0 : -1;
}

int sys_parse_stat(const char *text, struct sys_sample *out)
{
	size_t room = count_core_lines(text), n = 0;
	struct core_times *cores = room ? xmalloc(room * sizeof(*cores)) : NULL;
	uint64_t vals[SK_N] = {0};
	struct cpu_times total;

	if (parse_stat_lines(text, &total, cores, &n, vals) < 0) {
		free(cores);
		return -1;
	}
	out->cpu = total;
	out->ncores = n;
	out->cores = cores;
	out->ctxt = vals[SK_CTXT];
	out->boot_time_s = (int64_t)vals[SK_BTIME];
	out->forks = vals[SK_PROCESSES];
	out->procs_running = (uint32_t)vals[SK_RUNNING];
	out->procs_blocked = (uint32_t)vals[SK_BLOCKED];
	return 0;
}

/* True when some line of text starts with "key:". */
static bool has_key(const char *text, const char *key)
{
	size_t n = strlen(key);

	for (const char *line = text; *line; line = next_line(line))
		if (!strncmp(line, key, n) && line[n] == ':')
			return true;
	return false;
}

int sys_parse_meminfo(const char *text, struct sys_sample *out)
{
	uint64_t total, mfree, avail, buffers, cached, stotal, sfree;

	if (procfs_kv_u64(text, "MemTotal", &total) < 0 ||
	    procfs_kv_u64(text, "MemFree", &mfree) < 0 ||
	    procfs_kv_u64(text, "Buffers", &buffers) < 0 ||
	    procfs_kv_u64(text, "Cached", &cached) < 0 ||
	    procfs_kv_u64(text, "SwapTotal", &stotal) < 0 ||
	    procfs_kv_u64(text, "SwapFree", &sfree) < 0)
		return -1;
	if (has_key(text, "MemAvailable")) {
		if (procfs_kv_u64(text, "MemAvailable", &avail) < 0)
			return -1;
	} else {
		/* pre-3.14 estimate; saturate rather than wrap */
		avail = mfree + buffers;
		avail = avail < mfree ? UINT64_MAX : avail;
		avail = avail + cached < avail ? UINT64_MAX : avail + cached;
	}
	out->mem_total = total;
	out->mem_free = mfree;
	out->mem_available = avail;
	out->buffers = buffers;
	out->cached = cached;
	out->swap_total = stotal;
	out->swap_free = sfree;
	return 0;
}

int sys_parse_loadavg(const char *text, struct sys_sample *out)
{
	const char *p = text;
	double load[3];

	for (int i = 0; i < 3; i++)
		if (parse_decimal(&p, &load[i]) < 0)
			return -1;
	out->load1 = load[0];
	out->load5 = load[1];
	out->load15 = load[2];
	return 0;
}

/* Parses "avg10=A avg60=B avg300=C total=T" at p up to the end of the line. */
static int parse_psi_fields(const char *p, struct psi_line *out)
{
	static const char *const avg_keys[] = {"avg10=", "avg60=", "avg300="};
	double *avgs[] = {&out->avg10, &out->avg60, &out->avg300};

	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(avg_keys[i]);

		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, avg_keys[i], n))
			return -1;
		p += n;
		if (parse_decimal(&p, avgs[i]) < 0)
			return -1;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, "total=", 6))
		return -1;
	p += 6;
	if (*p < '0' || *p > '9' || procfs_next_u64(&p, &out->total_us) < 0)
		return -1;
	return at_eol(p) ? 0 : -1;
}

int sys_parse_psi(const char *text, struct psi *out)
{
	struct psi res = {.present = true};
	const char *line = text;

	if (!starts_word(line, "some") || parse_psi_fields(line + 4, &res.some) < 0)
		return -1;
	line = next_line(line);
	if (*line) {
		if (!starts_word(line, "full") ||
		    parse_psi_fields(line + 4, &res.full) < 0)
			return -1;
		res.has_full = true;
		line = next_line(line);
	}
	if (*line)
		return -1;
	*out = res;
	return 0;
}

struct sys_collector *sys_collector_new(const char *proc_root)
{
	struct sys_collector *c = xcalloc(1, sizeof(*c));

	c->root = xstrdup(proc_root);
	c->stat_cap = STAT_BUF_MIN;
	c->stat_buf = xmalloc(c->stat_cap);
	c->dev_cap = STAT_BUF_MIN;
	c->dev_buf = xmalloc(c->dev_cap);
	return c;
}

void sys_collector_free(struct sys_collector *c)
{
	if (!c)
		return;
	free(c->stat_buf);
	free(c->dev_buf);
	free(c->root);
	free(c);
}

/*
 * Turns what procfs_read returned into text ready to parse, noting failures
 * and truncation in out->why. Returns 0 with the text in buf, or -1.
 */
static int finish_read(long n, const char *rel, char *buf, size_t cap,
		       struct sys_sample *out)
{
	if (n < 0) {
		why_add(out, "%s: %s", rel, strerror((int)-n));
		return -1;
	}
	if ((size_t)n == cap - 1) {
		procfs_keep_whole_lines(buf);
		why_add(out, "%s: truncated at %zu bytes", rel, strlen(buf));
	}
	return 0;
}

/*
 * Reads rel into *buf, growing it (once, kept) while the file fills it, up
 * to SYS_STAT_BUF_MAX. Returns 0 with whole lines in *buf, or -1 (noted,
 * except a missing file when optional).
 */
static int read_grown(struct sys_collector *c, const char *rel, char **buf, size_t *cap,
		      bool optional, struct sys_sample *out)
{
	long n;

	for (;;) {
		n = procfs_read(c->root, rel, *buf, *cap);
		if (n < 0 || (size_t)n < *cap - 1 || *cap >= SYS_STAT_BUF_MAX)
			break;
		*cap *= 2;
		if (*cap > SYS_STAT_BUF_MAX)
			*cap = SYS_STAT_BUF_MAX;
		*buf = xrealloc(*buf, *cap);
	}
	if (optional && n == -ENOENT)
		return -1;
	return finish_read(n, rel, *buf, *cap, out);
}

static void read_stat(struct sys_collector *c, struct sys_sample *out)
{
	if (read_grown(c, "stat", &c->stat_buf, &c->stat_cap, false, out) < 0)
		return;
	if (sys_parse_stat(c->stat_buf, out) < 0) {
		why_add(out, "stat: unparsable");
		return;
	}
	out->have |= SYS_HAVE_STAT;
}

/*
 * diskstats and net/dev. A file that is not there means a kernel without a
 * block layer or network (or a proc tree without them), like missing PSI:
 * nothing to note.
 */
static void read_devices(struct sys_collector *c, struct sys_sample *out)
{
	if (read_grown(c, "diskstats", &c->dev_buf, &c->dev_cap, true, out) == 0) {
		if (iostat_parse_diskstats(c->dev_buf, &out->disks, &out->ndisks) < 0)
			why_add(out, "diskstats: unparsable");
		else
			out->have |= SYS_HAVE_DISKSTATS;
	}
	if (read_grown(c, "net/dev", &c->dev_buf, &c->dev_cap, true, out) == 0) {
		if (iostat_parse_netdev(c->dev_buf, &out->nets, &out->nnets) < 0)
			why_add(out, "net/dev: unparsable");
		else
			out->have |= SYS_HAVE_NETDEV;
	}
}

/*
 * schedstat: missing on kernels built without CONFIG_SCHEDSTATS, which is
 * normal and noted nowhere. It holds a few lines per domain per CPU, so it
 * grows with the machine like /proc/stat does.
 */
static void read_sched(struct sys_collector *c, struct sys_sample *out)
{
	if (read_grown(c, "schedstat", &c->dev_buf, &c->dev_cap, true, out) < 0)
		return;
	if (schedstat_parse(c->dev_buf, &out->sched, &out->nsched) < 0)
		why_add(out, "schedstat: unparsable");
	else
		out->have |= SYS_HAVE_SCHEDSTAT;
}

/* meminfo and loadavg: read into the small buffer, parse, set the bit. */
static void read_small(struct sys_collector *c, const char *rel,
		       int (*parse)(const char *, struct sys_sample *), unsigned bit,
		       struct sys_sample *out)
{
	long n = procfs_read(c->root, rel, c->small, sizeof(c->small));

	if (finish_read(n, rel, c->small, sizeof(c->small), out) < 0)
		return;
	if (parse(c->small, out) < 0) {
		why_add(out, "%s: unparsable", rel);
		return;
	}
	out->have |= bit;
}

/*
 * PSI files missing altogether mean no PSI on this kernel, which is normal;
 * one missing while others are there is worth a word.
 */
static void read_psi(struct sys_collector *c, struct sys_sample *out)
{
	long rc[PSI_N];
	bool bad[PSI_N] = {false};
	bool any_found = false;

	for (int i = 0; i < PSI_N; i++) {
		rc[i] = procfs_read(c->root, psi_files[i], c->small, sizeof(c->small));
		if (rc[i] != -ENOENT)
			any_found = true;
		if (rc[i] < 0)
			continue;
		/* no real PSI file comes near filling the buffer */
		bad[i] = (size_t)rc[i] == sizeof(c->small) - 1 ||
			 sys_parse_psi(c->small, &out->psi[i]) < 0;
	}
	for (int i = 0; i < PSI_N && any_found; i++) {
		if (bad[i])
			why_add(out, "%s: unparsable", psi_files[i]);
		else if (rc[i] < 0)
			why_add(out, "%s: %s", psi_files[i], strerror((int)-rc[i]));
	}
}

void sys_collector_read(struct sys_collector *c, struct sys_sample *out)
{
	memset(out, 0, sizeof(*out));
	read_stat(c, out);
	read_small(c, "meminfo", sys_parse_meminfo, SYS_HAVE_MEMINFO, out);
	read_small(c, "loadavg", sys_parse_loadavg, SYS_HAVE_LOADAVG, out);
	read_psi(c, out);
	read_devices(c, out);
	read_sched(c, out);
}
