/* SPDX-License-Identifier: MIT */
/* procfs: bounded reads of /proc files and the small parsers they all share. */
#include "core/procfs.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

long procfs_read(const char *root, const char *rel, char *buf, size_t cap)
{
	char path[4096];
	size_t off = 0;
	int fd;

	if (cap == 0)
		return -EINVAL;
	buf[0] = '\0';
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", root, rel) >= sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (off < cap - 1) {
		ssize_t n = read(fd, buf + off, cap - 1 - off);

		if (n < 0) {
			int err = errno;

			if (err == EINTR)
				continue;
			close(fd);
			buf[0] = '\0';
			return -err;
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	buf[off] = '\0';
	return (long)off;
}

void procfs_keep_whole_lines(char *buf)
{
	char *nl = strrchr(buf, '\n');

	if (nl)
		nl[1] = '\0';
	else
		buf[0] = '\0';
}

int procfs_next_u64(const char **p, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!isdigit((unsigned char)*s))
		return -1;
	while (isdigit((unsigned char)*s)) {
		unsigned d = (unsigned)(*s++ - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	while (*s == ' ' || *s == '\t')
		s++;
	*out = v;
	*p = s;
	return 0;
}

int procfs_next_i64(const char **p, int64_t *out)
{
	const char *s = *p;
	uint64_t v;
	bool neg = false;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '-') {
		neg = true;
		s++;
		if (!isdigit((unsigned char)*s)) /* "- 5" is not -5 */
			return -1;
	}
	if (procfs_next_u64(&s, &v) < 0 || v > (uint64_t)INT64_MAX)
		return -1;
	*out = neg ? -(int64_t)v : (int64_t)v;
	*p = s;
	return 0;
}

int procfs_kv_u64(const char *text, const char *key, uint64_t *out)
{
	size_t klen = strlen(key);
	const char *line = text;

	while (line && *line) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			const char *p = line + klen + 1;
			uint64_t v;

			if (procfs_next_u64(&p, &v) < 0)
				return -1;
			if (!strncmp(p, "kB", 2)) {
				if (v > UINT64_MAX / 1024)
					return -1;
				v *= 1024;
			}
			*out = v;
			return 0;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return -1;
}

const char *procfs_stat_split(const char *text, char *comm, size_t comm_cap)
{
	const char *open = strchr(text, '(');
	const char *close = strrchr(text, ')');
	size_t n;

	if (!open || !close || close < open || close[1] != ' ')
		return NULL;
	n = (size_t)(close - open - 1);
	if (comm_cap) {
		if (n >= comm_cap)
			n = comm_cap - 1;
		memcpy(comm, open + 1, n);
		comm[n] = '\0';
	}
	return close + 2;
}

long procfs_clk_tck(void)
{
	static long tck;

	if (!tck) {
		tck = sysconf(_SC_CLK_TCK);
		if (tck <= 0)
			tck = 100;
	}
	return tck;
}

long procfs_page_size(void)
{
	static long page;

	if (!page) {
		page = sysconf(_SC_PAGESIZE);
		if (page <= 0)
			page = 4096;
	}
	return page;
}

int64_t procfs_boot_ms(const char *root)
{
	char path[4096], *line = NULL;
	size_t cap = 0;
	long long btime = 0;
	FILE *f;

	/* Streamed, not one bounded read: btime follows the "intr" line, which
	 * runs to hundreds of KiB on large machines. */
	snprintf(path, sizeof(path), "%s/stat", root);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (getline(&line, &cap, f) > 0)
		if (sscanf(line, "btime %lld", &btime) == 1)
			break;
	free(line);
	fclose(f);
	return btime > 0 ? (int64_t)btime * 1000 : 0;
}
