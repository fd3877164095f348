/* SPDX-License-Identifier: MIT */
/*
 * iostat: /proc/diskstats and /proc/net/dev parsed by hand.
 *
 * Each parser makes two passes over the text: the first counts lines (room
 * for the array), the second parses every line into it, and the array is
 * handed out only once the whole text made sense. Names are copied only
 * when they fit, never cut: a cut name could merge two devices.
 */
#include "collectors/iostat.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/procfs.h"
#include "core/xalloc.h"

#define DISK_MIN_COUNTERS 11 /* reads .. weighted ms, every kernel since 2.6 */
#define DISK_OLD_PART_COUNTERS 4
#define DISK_MAX_COUNTERS 32 /* 17 today; room for columns to come */
#define NET_COUNTERS 16

static const char *next_line(const char *p)
{
	const char *nl = strchr(p, '\n');

	return nl ? nl + 1 : p + strlen(p);
}

static bool at_eol(const char *p)
{
	return *p == '\n' || *p == '\0';
}

static size_t count_lines(const char *text)
{
	size_t n = 0;

	for (const char *line = text; *line; line = next_line(line))
		n++;
	return n;
}

static const char *skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* Copies the token [p, end) into name when it fits; 0 or -1. */
static int copy_name(const char *p, const char *end, char name[FRAME_DEV_MAX])
{
	size_t len = (size_t)(end - p);

	if (len == 0 || len >= FRAME_DEV_MAX)
		return -1;
	memcpy(name, p, len);
	name[len] = '\0';
	return 0;
}

/* Numbers up to the end of the line into v (at most max); their count or -1. */
static int parse_counters(const char *p, uint64_t *v, int max)
{
	int n = 0;

	p = skip_blanks(p);
	while (!at_eol(p)) {
		uint64_t x;

		if (n == max || procfs_next_u64(&p, &x) < 0 || x > (uint64_t)INT64_MAX)
			return -1;
		v[n++] = x;
	}
	return n;
}

bool iostat_is_partition_of(const char *name, const char *disk)
{
	size_t dl = strlen(disk);
	const char *p = name + dl;

	if (dl == 0 || strncmp(name, disk, dl))
		return false;
	if (disk[dl - 1] >= '0' && disk[dl - 1] <= '9') {
		if (*p != 'p')
			return false;
		p++;
	}
	if (!*p)
		return false;
	return strspn(p, "0123456789") == strlen(p);
}

static bool is_stacked(const char *name)
{
	static const char *const prefixes[] = {"dm-", "md",   "loop",
					       "ram", "zram", "drbd"};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/*
 * One diskstats line into *d. Returns 1 for a whole device, 0 for a line to
 * skip (an old-style partition), -1 when malformed.
 */
static int parse_disk_line(const char *line, struct disk_stat *d)
{
	const char *p = line, *name;
	uint64_t major, minor, v[DISK_MAX_COUNTERS];
	int n;

	if (procfs_next_u64(&p, &major) < 0 || procfs_next_u64(&p, &minor) < 0)
		return -1;
	name = p;
	while (*p && *p != ' ' && *p != '\t' && *p != '\n')
		p++;
	memset(d, 0, sizeof(*d));
	if (copy_name(name, p, d->name) < 0)
		return -1;
	n = parse_counters(p, v, DISK_MAX_COUNTERS);
	if (n == DISK_OLD_PART_COUNTERS)
		return 0;
	if (n < DISK_MIN_COUNTERS)
		return -1;
	d->reads = v[0];
	d->read_sectors = v[2];
	d->read_ms = v[3];
	d->writes = v[4];
	d->write_sectors = v[6];
	d->write_ms = v[7];
	d->io_ms = v[9];
	d->major = (unsigned)major;
	d->minor = (unsigned)minor;
	d->stacked = is_stacked(d->name);
	return 1;
}

/* Whether d is a partition of one of the n devices before it. */
static bool partition_of_any(const struct disk_stat *all, size_t n,
			     const struct disk_stat *d)
{
	for (size_t i = 0; i < n; i++)
		if (iostat_is_partition_of(d->name, all[i].name))
			return true;
	return false;
}

int iostat_parse_diskstats(const char *text, struct disk_stat **out, size_t *n)
{
	size_t room = count_lines(text), all = 0, kept = 0;
	struct disk_stat *v = room ? xmalloc(room * sizeof(*v)) : NULL;
	bool *keep = room ? xcalloc(room, sizeof(*keep)) : NULL;

	for (const char *line = text; *line; line = next_line(line)) {
		int rc = parse_disk_line(line, &v[all]);

		if (rc < 0) {
			free(keep);
			free(v);
			return -1;
		}
		if (rc == 0)
			continue;
		/* partitions are judged against every device, idle or not */
		keep[all] = !partition_of_any(v, all, &v[all]) &&
			    (v[all].reads || v[all].writes || v[all].io_ms);
		all++;
	}
	for (size_t i = 0; i < all; i++)
		if (keep[i])
			v[kept++] = v[i];
	free(keep);
	if (!kept) {
		free(v);
		v = NULL;
	}
	*out = v;
	*n = kept;
	return 0;
}

/* One "name: counters" line into *s; 0 or -1. */
static int parse_net_line(const char *line, struct net_stat *s)
{
	const char *p = skip_blanks(line), *colon = strchr(p, ':');
	const char *nl = strchr(p, '\n');
	uint64_t v[NET_COUNTERS];

	if (!colon || (nl && colon > nl))
		return -1;
	memset(s, 0, sizeof(*s));
	if (copy_name(p, colon, s->name) < 0 || strpbrk(s->name, " \t"))
		return -1;
	if (parse_counters(colon + 1, v, NET_COUNTERS) != NET_COUNTERS)
		return -1;
	s->rx_bytes = v[0];
	s->rx_packets = v[1];
	s->rx_errs = v[2];
	s->rx_drop = v[3];
	s->tx_bytes = v[8];
	s->tx_packets = v[9];
	s->tx_errs = v[10];
	s->tx_drop = v[11];
	s->loopback = !strcmp(s->name, "lo");
	return 0;
}

int iostat_parse_netdev(const char *text, struct net_stat **out, size_t *n)
{
	size_t room = count_lines(text), kept = 0;
	struct net_stat *v = room ? xmalloc(room * sizeof(*v)) : NULL;
	const char *line = text;

	/* the two header lines ("Inter-|   Receive ...", " face |bytes ...") */
	for (int i = 0; i < 2; i++) {
		const char *bar = strchr(line, '|'), *nl = next_line(line);

		if (!*line || !bar || bar >= nl) {
			free(v);
			return -1;
		}
		line = nl;
	}
	for (; *line; line = next_line(line)) {
		if (parse_net_line(line, &v[kept]) < 0) {
			free(v);
			return -1;
		}
		if (v[kept].rx_packets || v[kept].tx_packets || v[kept].rx_bytes ||
		    v[kept].tx_bytes)
			kept++;
	}
	if (!kept) {
		free(v);
		v = NULL;
	}
	*out = v;
	*n = kept;
	return 0;
}
