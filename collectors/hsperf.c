/* SPDX-License-Identifier: MIT */
/*
 * hsperf: HotSpot performance data, read the way jstat reads it but without
 * a JVM: one read of the file, a bounds-checked walk over its entries, and a
 * handful of named counters picked out.
 *
 * Every offset in the file is untrusted: the walk works on 64-bit arithmetic
 * over a private copy, checks that each entry, its name and its data lie
 * inside both the entry and the copy, and gives up on the whole file at the
 * first entry that does not. Entries are read with memcpy (never through a
 * cast pointer), so alignment in the file does not matter either.
 */
#include "collectors/hsperf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/procfs.h"
#include "core/xalloc.h"

#define ERR(...) (errlen ? (void)snprintf(err, errlen, __VA_ARGS__) : (void)0)

static uint32_t get_u32(const unsigned char *p, bool big)
{
	if (big)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
		       p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static int64_t get_i64(const unsigned char *p, bool big)
{
	uint64_t hi = get_u32(big ? p : p + 4, big), lo = get_u32(big ? p + 4 : p, big);

	return (int64_t)(hi << 32 | lo);
}

void hsperf_release(struct hsperf *h)
{
	free(h->copy);
	free(h->entries);
	memset(h, 0, sizeof(*h));
}

/* Parses the entry at off; returns its length, or 0 when it is malformed. */
static uint64_t parse_entry(const struct hsperf *h, uint64_t off, struct hsperf_entry *e)
{
	const unsigned char *p = h->copy + off;
	uint64_t elen, name_off, vlen, data_off, dlen;
	const char *name;

	if (off + HSPERF_ENTRY_HEADER_SIZE > h->len)
		return 0;
	elen = get_u32(p, h->big_endian);
	name_off = get_u32(p + 4, h->big_endian);
	vlen = get_u32(p + 8, h->big_endian);
	data_off = get_u32(p + 16, h->big_endian);
	/* the sign bit set is a negative jint: out of bounds like any other */
	if (elen < HSPERF_ENTRY_HEADER_SIZE || elen > h->len - off)
		return 0;
	if (name_off < HSPERF_ENTRY_HEADER_SIZE || name_off >= elen)
		return 0;
	name = (const char *)p + name_off;
	if (!memchr(name, '\0', elen - name_off))
		return 0;
	memset(e, 0, sizeof(*e));
	e->name = name;
	e->type = (char)p[12];
	e->units = p[14];
	e->variability = p[15];
	if (vlen > UINT32_MAX / 2)
		return 0;
	e->vector_len = (uint32_t)vlen;
	if (e->type == 'J' && vlen == 0)
		dlen = 8;
	else if (vlen)
		dlen = vlen; /* 'B' byte strings; other vectors are skipped unread */
	else
		dlen = 0;
	if (data_off > elen || dlen > elen - data_off)
		return 0;
	if (e->type == 'J' && vlen == 0)
		e->value = get_i64(p + data_off, h->big_endian);
	else if (e->type == 'B' && vlen) {
		const char *t = (const char *)p + data_off;
		const char *nul = memchr(t, '\0', vlen);

		e->text = t;
		e->text_len = nul ? (size_t)(nul - t) : (size_t)vlen;
	}
	return elen;
}

int hsperf_parse(const void *data, size_t len, struct hsperf *out, char *err,
		 size_t errlen)
{
	struct hsperf h = {0};
	const unsigned char *p = data;
	uint64_t off, used, entry_off, nent;

	memset(out, 0, sizeof(*out));
	if (len < HSPERF_PROLOGUE_SIZE) {
		ERR("truncated prologue (%zu bytes)", len);
		return -1;
	}
	if (len > HSPERF_FILE_MAX) {
		ERR("file too large (%zu bytes)", len);
		return -1;
	}
	if (get_u32(p, true) != HSPERF_MAGIC) {
		ERR("bad magic 0x%08x", get_u32(p, true));
		return -1;
	}
	if (p[4] > 1) {
		ERR("bad byte order %u", p[4]);
		return -1;
	}
	h.big_endian = p[4] == 0;
	h.major = p[5];
	h.minor = p[6];
	h.accessible = p[7] != 0;
	if (h.major != 2) {
		ERR("unsupported version %d.%d", h.major, h.minor);
		return -1;
	}
	used = get_u32(p + 8, h.big_endian);
	entry_off = get_u32(p + 24, h.big_endian);
	nent = get_u32(p + 28, h.big_endian);
	/* "used" bounds the entries when the file is longer than what was written */
	if (used > len || used < HSPERF_PROLOGUE_SIZE)
		used = len;
	if (entry_off < HSPERF_PROLOGUE_SIZE || entry_off > used) {
		ERR("bad entry offset %llu", (unsigned long long)entry_off);
		return -1;
	}
	if (nent > (used - entry_off) / HSPERF_ENTRY_HEADER_SIZE) {
		ERR("bad entry count %llu", (unsigned long long)nent);
		return -1;
	}
	h.copy = xmalloc(len);
	memcpy(h.copy, data, len);
	h.len = (size_t)used;
	h.entries = xcalloc(nent ? (size_t)nent : 1, sizeof(*h.entries));
	off = entry_off;
	for (uint64_t i = 0; i < nent; i++) {
		uint64_t elen = parse_entry(&h, off, &h.entries[h.n]);

		if (!elen) {
			ERR("entry %llu out of bounds", (unsigned long long)i);
			hsperf_release(&h);
			return -1;
		}
		h.n++;
		off += elen;
	}
	h.len = len;
	*out = h;
	return 0;
}

const struct hsperf_entry *hsperf_find(const struct hsperf *h, const char *name)
{
	for (size_t i = 0; i < h->n; i++)
		if (!strcmp(h->entries[i].name, name))
			return &h->entries[i];
	return NULL;
}

int hsperf_long(const struct hsperf *h, const char *name, int64_t *out)
{
	const struct hsperf_entry *e = hsperf_find(h, name);

	if (!e || e->type != 'J' || e->vector_len)
		return -1;
	*out = e->value;
	return 0;
}

int hsperf_string(const struct hsperf *h, const char *name, char *buf, size_t cap)
{
	const struct hsperf_entry *e = hsperf_find(h, name);
	size_t n;

	if (!e || e->type != 'B' || !e->text || !cap)
		return -1;
	n = e->text_len < cap - 1 ? e->text_len : cap - 1;
	memcpy(buf, e->text, n);
	buf[n] = '\0';
	return 0;
}

/* A counter that must be a non-negative size or count. */
static int get_u64(const struct hsperf *h, const char *name, uint64_t *out)
{
	int64_t v;

	if (hsperf_long(h, name, &v) < 0 || v < 0)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

/* used summed over generation g's spaces, and the generation's capacity. */
static int generation(const struct hsperf *h, int g, uint64_t *used, uint64_t *cap)
{
	char name[96];
	uint64_t spaces, sum = 0;

	snprintf(name, sizeof(name), "sun.gc.generation.%d.spaces", g);
	if (get_u64(h, name, &spaces) < 0 || spaces == 0 || spaces > 64)
		return -1;
	for (uint64_t s = 0; s < spaces; s++) {
		uint64_t u;

		snprintf(name, sizeof(name), "sun.gc.generation.%d.space.%llu.used", g,
			 (unsigned long long)s);
		if (get_u64(h, name, &u) < 0 || u > UINT64_MAX - sum)
			return -1;
		sum += u;
	}
	snprintf(name, sizeof(name), "sun.gc.generation.%d.capacity", g);
	if (get_u64(h, name, cap) < 0)
		return -1;
	*used = sum;
	return 0;
}

/* Invocations and time (ms) of collector c. */
static int collector(const struct hsperf *h, int c, double hz, uint64_t *count,
		     double *ms)
{
	char name[64];
	uint64_t ticks;

	snprintf(name, sizeof(name), "sun.gc.collector.%d.invocations", c);
	if (get_u64(h, name, count) < 0)
		return -1;
	snprintf(name, sizeof(name), "sun.gc.collector.%d.time", c);
	if (get_u64(h, name, &ticks) < 0)
		return -1;
	*ms = (double)ticks * 1000.0 / hz;
	return 0;
}

int hsperf_to_jvm(const struct hsperf *h, struct jvm_sample *out)
{
	int64_t freq;
	double hz;

	if (generation(h, 1, &out->old_used, &out->old_capacity) < 0)
		return -1;
	out->have |= JVM_HAVE_OLD;
	if (!get_u64(h, "sun.gc.generation.1.maxCapacity", &out->old_max) &&
	    out->old_max > 0)
		out->have |= JVM_HAVE_OLD_MAX;
	if (!generation(h, 0, &out->young_used, &out->young_capacity))
		out->have |= JVM_HAVE_YOUNG;
	if (!get_u64(h, "sun.gc.metaspace.used", &out->meta_used) &&
	    !get_u64(h, "sun.gc.metaspace.capacity", &out->meta_capacity))
		out->have |= JVM_HAVE_META;
	if (hsperf_long(h, "sun.os.hrt.frequency", &freq) < 0 || freq <= 0)
		return 0;
	hz = (double)freq;
	if (!collector(h, 0, hz, &out->young_gcs, &out->young_gc_ms) &&
	    !collector(h, 1, hz, &out->full_gcs, &out->full_gc_ms))
		out->have |= JVM_HAVE_GC;
	if (!collector(h, 2, hz, &out->concurrent_gcs, &out->concurrent_gc_ms))
		out->have |= JVM_HAVE_CONCURRENT;
	hsperf_string(h, "sun.gc.collector.0.name", out->collector,
		      sizeof(out->collector));
	return 0;
}

void hsperf_mark_gc(const struct jvm_sample *prev, struct jvm_sample *cur)
{
	bool rose;

	cur->have &= ~(unsigned)JVM_HAVE_OLD_AFTER_GC;
	cur->old_after_gc = 0;
	if (!prev || !(prev->have & JVM_HAVE_GC) || !(cur->have & JVM_HAVE_GC) ||
	    !(cur->have & JVM_HAVE_OLD))
		return;
	rose = cur->young_gcs > prev->young_gcs || cur->full_gcs > prev->full_gcs;
	if ((prev->have & cur->have & JVM_HAVE_CONCURRENT) &&
	    cur->concurrent_gcs > prev->concurrent_gcs)
		rose = true;
	if (rose) {
		cur->have |= JVM_HAVE_OLD_AFTER_GC;
		cur->old_after_gc = cur->old_used;
	}
}

bool hsperf_cmdline_is_jvm(const char *cmdline, size_t len)
{
	static const char *const names[] = {"java", "javaw", "jsvc"};
	size_t i = 0, arg = 0;

	while (i < len) {
		const char *a = cmdline + i;
		const char *nul = memchr(a, '\0', len - i);
		size_t alen = nul ? (size_t)(nul - a) : len - i;

		if (arg == 0) {
			const char *base = a;

			for (size_t k = 0; k < alen; k++)
				if (a[k] == '/')
					base = a + k + 1;
			for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
				size_t nlen = strlen(names[k]);

				if ((size_t)(a + alen - base) == nlen &&
				    !memcmp(base, names[k], nlen))
					return true;
			}
		} else if ((alen >= 4 && !memcmp(a, "-XX:", 4)) ||
			   (alen == 4 && !memcmp(a, "-jar", 4))) {
			return true;
		}
		i += alen + 1;
		arg++;
	}
	return false;
}

/* ---- the collector ---- */

struct hsperf_collector {
	int pid;
	char *path;
	bool have_prev;
	struct jvm_sample prev;
	unsigned char *buf; /* HSPERF_FILE_MAX + 1 bytes, allocated on first read */
};

/* The last NSpid field and the effective uid from <pid>/status. */
static int status_ids(const char *root, int pid, long *nspid, long *euid)
{
	char rel[64], text[8192];
	const char *p;
	long rc;

	snprintf(rel, sizeof(rel), "%d/status", pid);
	rc = procfs_read(root, rel, text, sizeof(text));
	if (rc < 0)
		return (int)rc;
	*nspid = pid; /* kernels before 4.1 have no NSpid: no namespaces then */
	p = strstr(text, "\nNSpid:");
	if (p) {
		const char *q = p + 7;
		uint64_t v;

		while (procfs_next_u64(&q, &v) == 0)
			*nspid = (long)v;
	}
	p = strstr(text, "\nUid:");
	if (p) {
		const char *q = p + 5;
		uint64_t real, eff;

		if (procfs_next_u64(&q, &real) == 0 && procfs_next_u64(&q, &eff) == 0) {
			*euid = (long)eff;
			return 0;
		}
	}
	return -EBADMSG;
}

static bool is_file(const char *path)
{
	return access(path, R_OK) == 0;
}

/* Some <tmp>/hsperfdata_*\/<nspid> that exists, or NULL. Owned by the caller. */
static char *scan_tmp(const char *tmp, long nspid)
{
	DIR *d = opendir(tmp);
	struct dirent *de;
	char *found = NULL;

	if (!d)
		return NULL;
	while (!found && (de = readdir(d))) {
		char *path;

		if (strncmp(de->d_name, "hsperfdata_", 11))
			continue;
		path = xasprintf("%s/%s/%ld", tmp, de->d_name, nspid);
		if (is_file(path))
			found = path;
		else
			free(path);
	}
	closedir(d);
	return found;
}

int hsperf_collector_open(const char *proc_root, int pid, struct hsperf_collector **out,
			  char *err, size_t errlen)
{
	const char *root = proc_root ? proc_root : PROCFS_ROOT_DEFAULT;
	long nspid = 0, euid = -1;
	char *tmp, *path = NULL;
	struct passwd pw, *pwp = NULL;
	char pwbuf[1024];
	int rc;

	*out = NULL;
	if (pid <= 0) {
		ERR("invalid pid");
		return -EINVAL;
	}
	rc = status_ids(root, pid, &nspid, &euid);
	if (rc < 0) {
		ERR("status: %s", rc == -EBADMSG ? "unparsable" : strerror(-rc));
		return rc;
	}
	tmp = xasprintf("%s/%d/root/tmp", root, pid);
	if (!getpwuid_r((uid_t)euid, &pw, pwbuf, sizeof(pwbuf), &pwp) && pwp) {
		path = xasprintf("%s/hsperfdata_%s/%ld", tmp, pw.pw_name, nspid);
		if (!is_file(path)) {
			free(path);
			path = NULL;
		}
	}
	if (!path)
		path = scan_tmp(tmp, nspid);
	if (!path) {
		rc = errno == EACCES ? -EACCES : -ENOENT;
		ERR("no hsperfdata file for pid %d in '%s'", pid, tmp);
		free(tmp);
		return rc;
	}
	free(tmp);
	*out = xcalloc(1, sizeof(**out));
	(*out)->pid = pid;
	(*out)->path = path;
	return 0;
}

void hsperf_collector_free(struct hsperf_collector *c)
{
	if (!c)
		return;
	free(c->path);
	free(c->buf);
	free(c);
}

const char *hsperf_collector_path(const struct hsperf_collector *c)
{
	return c->path;
}

int hsperf_collector_read(struct hsperf_collector *c, int64_t t_ms,
			  struct jvm_sample *out, char *err, size_t errlen)
{
	struct hsperf h;
	size_t off = 0;
	int fd, rc;

	memset(out, 0, sizeof(*out));
	out->t_ms = t_ms;
	out->pid = c->pid;
	if (!c->buf)
		c->buf = xmalloc(HSPERF_FILE_MAX + 1);
	fd = open(c->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		ERR("cannot open '%s': %s", c->path, strerror(-rc));
		return rc;
	}
	while (off <= HSPERF_FILE_MAX) {
		ssize_t n = read(fd, c->buf + off, HSPERF_FILE_MAX + 1 - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			close(fd);
			ERR("cannot read '%s': %s", c->path, strerror(-rc));
			return rc;
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	if (hsperf_parse(c->buf, off, &h, err, errlen) < 0)
		return -1;
	rc = h.accessible ? hsperf_to_jvm(&h, out) : -1;
	hsperf_release(&h);
	if (rc < 0) {
		ERR("'%s': %s", c->path, "no heap counters");
		return -1;
	}
	hsperf_mark_gc(c->have_prev ? &c->prev : NULL, out);
	c->prev = *out;
	c->have_prev = true;
	return 0;
}
