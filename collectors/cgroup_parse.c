/* SPDX-License-Identifier: MIT */
/*
 * cgroup_parse: the text of cgroup files into struct cgroup_row (declared
 * in collectors/cgroups.h). Pure functions over text; the kernel's shapes
 * are in the comments of cgroups.h, the hostile ones in test_cgroups.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/cgroups.h"
#include "core/procfs.h"
#include "core/xalloc.h"

/* v1 writes "no limit" as LONG_MAX rounded down to a page; anything this
 * large is no limit in practice (heap.c draws the same line). */
#define HUGE_LIMIT (1ull << 62)

int cgroup_parse_key(const char *text, const char *key, uint64_t *out)
{
	size_t kl = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, kl) && (p[kl] == ' ' || p[kl] == '\t')) {
			const char *v = p + kl;

			while (*v == ' ' || *v == '\t')
				v++;
			return procfs_next_u64(&v, out);
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

int cgroup_parse_value(const char *text, uint64_t *out)
{
	const char *p = text;
	uint64_t v;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!strncmp(p, "max", 3) && (p[3] == '\0' || isspace((unsigned char)p[3]))) {
		*out = CGROUP_UNLIMITED;
		return 0;
	}
	if (!strncmp(p, "-1", 2) && (p[2] == '\0' || isspace((unsigned char)p[2]))) {
		*out = CGROUP_UNLIMITED;
		return 0;
	}
	if (procfs_next_u64(&p, &v) < 0 || (*p && !isspace((unsigned char)*p)))
		return -1;
	*out = v >= HUGE_LIMIT ? CGROUP_UNLIMITED : v;
	return 0;
}

int cgroup_parse_cpu_stat(const char *text, struct cgroup_row *r)
{
	uint64_t v;
	int found = 0;

	if (cgroup_parse_key(text, "usage_usec", &v) == 0) {
		r->cpu_usage_ns = v * 1000;
		r->have |= CGROUP_HAVE_CPU;
		found++;
	}
	if (cgroup_parse_key(text, "nr_periods", &r->nr_periods) == 0 &&
	    cgroup_parse_key(text, "nr_throttled", &r->nr_throttled) == 0) {
		if (cgroup_parse_key(text, "throttled_usec", &v) == 0)
			r->throttled_ns = v * 1000;
		else if (cgroup_parse_key(text, "throttled_time", &v) == 0)
			r->throttled_ns = v;
		else
			return found ? 0 : -1;
		r->have |= CGROUP_HAVE_THROTTLE;
		found++;
	}
	return found ? 0 : -1;
}

int cgroup_parse_cpu_max(const char *text, uint64_t *quota_us, uint64_t *period_us)
{
	const char *p = text;
	uint64_t q, per;

	while (*p == ' ')
		p++;
	if (!strncmp(p, "max ", 4)) {
		q = CGROUP_UNLIMITED;
		p += 4;
	} else if (procfs_next_u64(&p, &q) < 0) {
		return -1;
	}
	if (procfs_next_u64(&p, &per) < 0 || per == 0)
		return -1;
	*quota_us = q;
	*period_us = per;
	return 0;
}

/* "maj:min" at *p; advances past it and blanks. */
static int parse_dev(const char **p, unsigned *major, unsigned *minor)
{
	char *end;
	unsigned long a, b;

	if (!isdigit((unsigned char)**p))
		return -1;
	a = strtoul(*p, &end, 10);
	if (*end != ':' || !isdigit((unsigned char)end[1]) || a > 4095)
		return -1;
	b = strtoul(end + 1, &end, 10);
	if (b > (1ul << 20) || (*end && !isspace((unsigned char)*end)))
		return -1;
	while (*end == ' ' || *end == '\t')
		end++;
	*major = (unsigned)a;
	*minor = (unsigned)b;
	*p = end;
	return 0;
}

static struct cgroup_io *dev_of(struct cgroup_io **v, size_t *n, size_t *cap,
				unsigned major, unsigned minor)
{
	for (size_t i = 0; i < *n; i++) {
		if ((*v)[i].major == major && (*v)[i].minor == minor)
			return &(*v)[i];
	}
	*v = xgrow(*v, cap, *n + 1, sizeof(**v));
	memset(&(*v)[*n], 0, sizeof(**v));
	(*v)[*n].major = major;
	(*v)[*n].minor = minor;
	return &(*v)[(*n)++];
}

/* The rest of a v2 io.stat line: "rbytes=1 wbytes=2 rios=3 wios=4 ...". */
static int parse_v2_fields(const char *p, const char *eol, struct cgroup_io *d)
{
	static const char *const keys[] = {"rbytes=", "wbytes=", "rios=", "wios="};
	uint64_t *dst[] = {&d->rbytes, &d->wbytes, &d->rios, &d->wios};

	while (p < eol) {
		const char *eq = memchr(p, '=', (size_t)(eol - p));
		const char *sp;
		uint64_t v;

		if (!eq)
			return -1;
		sp = eq + 1;
		if (procfs_next_u64(&sp, &v) < 0)
			return -1;
		for (size_t k = 0; k < 4; k++) {
			if ((size_t)(eq + 1 - p) == strlen(keys[k]) &&
			    !strncmp(p, keys[k], strlen(keys[k])))
				*dst[k] = v;
		}
		p = sp;
		while (p < eol && (*p == ' ' || *p == '\t'))
			p++;
	}
	return 0;
}

/* The rest of a v1 line: "Read 4096" (other operations ignored). */
static int parse_v1_fields(const char *p, struct cgroup_io *d)
{
	uint64_t v;
	const char *q = strchr(p, ' ');

	if (!q)
		return -1;
	q++;
	if (procfs_next_u64(&q, &v) < 0)
		return -1;
	if (!strncmp(p, "Read ", 5))
		d->rbytes = v;
	else if (!strncmp(p, "Write ", 6))
		d->wbytes = v;
	return 0;
}

int cgroup_parse_io(const char *text, int v1, struct cgroup_row *r)
{
	struct cgroup_io *v = NULL;
	size_t n = 0, cap = 0;
	const char *p = text;

	while (*p) {
		const char *eol = strchr(p, '\n');
		unsigned major, minor;

		if (!eol)
			eol = p + strlen(p);
		if (eol == p || (v1 && !strncmp(p, "Total ", 6))) {
			/* blank, or v1's grand total */
		} else if (parse_dev(&p, &major, &minor) < 0 ||
			   (v1 ? parse_v1_fields(p, dev_of(&v, &n, &cap, major, minor))
			       : parse_v2_fields(p, eol,
						 dev_of(&v, &n, &cap, major, minor))) <
				   0) {
			free(v);
			return -1;
		}
		p = *eol ? eol + 1 : eol;
	}
	free(r->devs);
	r->devs = v;
	r->ndevs = n;
	r->io_rbytes = r->io_wbytes = r->io_rios = r->io_wios = 0;
	for (size_t i = 0; i < n; i++) {
		r->io_rbytes += v[i].rbytes;
		r->io_wbytes += v[i].wbytes;
		r->io_rios += v[i].rios;
		r->io_wios += v[i].wios;
	}
	r->have |= CGROUP_HAVE_IO | (v1 ? 0 : CGROUP_HAVE_IO_OPS);
	return 0;
}

/* Whether a comma-separated controller list names one read here ("" is
 * the v2 line). */
static bool ours(const char *list, size_t n)
{
	static const char *const names[] = {"cpu", "cpuacct", "memory", "blkio", "pids"};

	if (n == 0)
		return true;
	while (n > 0) {
		size_t k = 0;

		while (k < n && list[k] != ',')
			k++;
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			if (k == strlen(names[i]) && !strncmp(list, names[i], k))
				return true;
		}
		list += k;
		n -= k;
		if (n > 0) {
			list++;
			n--;
		}
	}
	return false;
}

int cgroup_parse_proc_cgroup(const char *text, char *path, size_t cap)
{
	const char *p = text, *best = NULL;
	size_t best_len = 0;

	while (*p) {
		const char *eol = strchr(p, '\n'), *c1, *c2;

		if (!eol)
			eol = p + strlen(p);
		c1 = memchr(p, ':', (size_t)(eol - p));
		c2 = c1 ? memchr(c1 + 1, ':', (size_t)(eol - c1 - 1)) : NULL;
		if (c2 && c2[1] == '/' && ours(c1 + 1, (size_t)(c2 - c1 - 1)) &&
		    (!best || (size_t)(eol - c2 - 1) > best_len)) {
			best = c2 + 1;
			best_len = (size_t)(eol - best);
		}
		p = *eol ? eol + 1 : eol;
	}
	if (!best || cap == 0)
		return -1;
	snprintf(path, cap, "%.*s", (int)best_len, best);
	return 0;
}
