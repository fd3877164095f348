/* SPDX-License-Identifier: MIT */
/*
 * retention: pruning of the sessions vigil saved by itself (see retention.h
 * for the rules). retention_select decides; everything below the "file
 * system" line only gathers what it needs and carries the verdict out.
 *
 * The directory is read through one descriptor: fstatat with
 * AT_SYMLINK_NOFOLLOW and unlinkat, so a name swapped for a symlink between
 * listing and removal is never followed (unlink removes a link, not its
 * target), and anything that is not a regular file is skipped anyway.
 */
#include "cmd/retention.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/duration.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "store/rotation.h"
#include "store/store.h"

#define SESSION_SUFFIX ".vigil"
#define DAY_MS ((int64_t)24 * 3600 * 1000)
#define AGE_MAX_DAYS 100000

/* What SQLite, the store and the pipeline put beside a session file. */
static const char *const side_suffixes[] = {"-wal", "-shm", "-journal", ".log"};

/* ---- the decision ---- */

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* "-YYYYmmdd-HHMMSS" at the end of s[0..len), with something before it. */
static bool ends_with_stamp(const char *s, size_t len)
{
	const char *p;

	if (len < 17)
		return false;
	p = s + len - 16;
	return p[0] == '-' && digits(p + 1, 8) && p[9] == '-' && digits(p + 10, 6);
}

static bool protected(const struct retention_entry *e, const char *current)
{
	return e->in_use || (current && !strcmp(e->path, current));
}

/* The length of path without ".vigil" and a "-N" counter, and N (0 if none):
 * "h-20240101-000001-2.vigil" is (len of "h-20240101-000001", 2). */
static size_t stem(const char *path, int *counter)
{
	size_t len = strlen(path), d;

	*counter = 0;
	if (len >= 6 && !strcmp(path + len - 6, ".vigil"))
		len -= 6;
	for (d = len; d > 0 && isdigit((unsigned char)path[d - 1]); d--)
		;
	if (d > 0 && path[d - 1] == '-' && len - d >= 1 && len - d <= 2 &&
	    ends_with_stamp(path, d - 1)) {
		*counter = atoi(path + d);
		return d - 1;
	}
	return len;
}

/* Oldest first; equal times by name, which carries the start time, then by
 * the counter of sessions started in the same second. */
static int by_age(const void *a, const void *b)
{
	const struct retention_entry *x = *(const struct retention_entry *const *)a;
	const struct retention_entry *y = *(const struct retention_entry *const *)b;
	int xn, yn, c;
	size_t xl, yl;

	if (x->mtime_ms != y->mtime_ms)
		return x->mtime_ms < y->mtime_ms ? -1 : 1;
	xl = stem(x->path, &xn);
	yl = stem(y->path, &yn);
	c = strncmp(x->path, y->path, xl < yl ? xl : yl);
	if (c || xl != yl)
		return c ? c : (xl < yl ? -1 : 1);
	return xn != yn ? (xn < yn ? -1 : 1) : strcmp(x->path, y->path);
}

size_t retention_select(const struct retention_entry *v, size_t n, int64_t now_ms,
			const struct retention_caps *caps, const char *current,
			bool *doomed)
{
	const struct retention_entry **order;
	uint64_t total = 0;
	size_t chosen = 0, k = 0;

	for (size_t i = 0; i < n; i++) {
		doomed[i] = false;
		if (!protected(&v[i], current) && caps->max_age_ms > 0 &&
		    v[i].mtime_ms < now_ms - caps->max_age_ms) {
			doomed[i] = true;
			chosen++;
			continue;
		}
		total += v[i].bytes;
	}
	if (!caps->max_bytes || total <= caps->max_bytes)
		return chosen;
	order = xcalloc(n ? n : 1, sizeof(*order));
	for (size_t i = 0; i < n; i++)
		if (!doomed[i] && !protected(&v[i], current))
			order[k++] = &v[i];
	qsort(order, k, sizeof(*order), by_age);
	for (size_t i = 0; i < k && total > caps->max_bytes; i++) {
		doomed[order[i] - v] = true;
		total -= order[i]->bytes;
		chosen++;
	}
	free(order);
	return chosen;
}

/* ---- names and settings ---- */

bool retention_name_is_session(const char *name)
{
	size_t len = strlen(name), slen = strlen(SESSION_SUFFIX);
	size_t dash;

	if (len <= slen || strcmp(name + len - slen, SESSION_SUFFIX))
		return false;
	len -= slen;
	if (ends_with_stamp(name, len))
		return true;
	/* "-N": a second session in the same second, N in 1..99 */
	for (dash = len; dash > 0 && isdigit((unsigned char)name[dash - 1]); dash--)
		;
	if (dash == 0 || name[dash - 1] != '-' || len - dash < 1 || len - dash > 2 ||
	    name[dash] == '0')
		return false;
	return ends_with_stamp(name, dash - 1);
}

static int unit_shift(char c)
{
	switch (c) {
	case 'k':
	case 'K':
		return 10;
	case 'm':
	case 'M':
		return 20;
	case 'g':
	case 'G':
		return 30;
	case 't':
	case 'T':
		return 40;
	default:
		return -1;
	}
}

int retention_parse_size(const char *s, uint64_t *out, char *why, size_t whylen)
{
	size_t n = s ? strspn(s, "0123456789") : 0;
	const char *unit;
	char number[32];
	double v;
	int shift = 0;

	if (!n) {
		snprintf(why, whylen, "expected a size like 500MiB or 2GiB");
		return -1;
	}
	if (s[n] == '.') {
		size_t f = strspn(s + n + 1, "0123456789");

		if (!f) {
			snprintf(why, whylen, "expected digits after '.'");
			return -1;
		}
		n += 1 + f;
	}
	if (n >= sizeof(number)) {
		snprintf(why, whylen, "too large");
		return -1;
	}
	memcpy(number, s, n);
	number[n] = '\0';
	unit = s + n;
	if (*unit && unit_shift(*unit) >= 0)
		shift = unit_shift(*unit++);
	if (*unit && strcasecmp(unit, "b") && (!shift || strcasecmp(unit, "ib"))) {
		snprintf(why, whylen, "unknown unit '%s' (use K, M, G or T)", s + n);
		return -1;
	}
	v = strtod(number, NULL) * (double)((uint64_t)1 << shift);
	if (v >= 9.2e18) {
		snprintf(why, whylen, "too large");
		return -1;
	}
	*out = (uint64_t)v;
	return 0;
}

int retention_parse_age(const char *s, int64_t *out_ms, char *why, size_t whylen)
{
	size_t n = s ? strspn(s, "0123456789") : 0;
	int64_t ms = 0, rest;

	if (s && !strcmp(s, "0")) {
		*out_ms = 0;
		return 0;
	}
	if (!s || !*s || isdigit((unsigned char)s[strlen(s) - 1])) {
		snprintf(why, whylen, "expected an age like 14d or 36h");
		return -1;
	}
	if (n && s[n] == 'd') {
		if (n > 6 || atol(s) > AGE_MAX_DAYS) {
			snprintf(why, whylen, "too long");
			return -1;
		}
		ms = atol(s) * DAY_MS;
		s += n + 1;
	}
	if (*s) {
		if (duration_parse(s, &rest, why, whylen) < 0)
			return -1;
		ms += rest;
	}
	if (ms <= 0) {
		snprintf(why, whylen, "an age of zero keeps nothing (0 means no cap)");
		return -1;
	}
	*out_ms = ms;
	return 0;
}

static void warn_append(char *warn, size_t warnlen, const char *var, const char *value,
			const char *why, const char *fallback)
{
	size_t len = strlen(warn);

	snprintf(warn + len, warnlen - len, "%sbad %s '%s': %s (using %s)",
		 len ? "\n" : "", var, value, why, fallback);
}

void retention_caps_from_env(struct retention_caps *caps, char *warn, size_t warnlen)
{
	const char *size = getenv("VIGIL_RETAIN_SIZE");
	const char *age = getenv("VIGIL_RETAIN_AGE");
	char why[128];

	caps->max_bytes = RETENTION_DEFAULT_BYTES;
	caps->max_age_ms = RETENTION_DEFAULT_AGE_MS;
	warn[0] = '\0';
	if (size && *size &&
	    retention_parse_size(size, &caps->max_bytes, why, sizeof(why)) < 0)
		warn_append(warn, warnlen, "VIGIL_RETAIN_SIZE", size, why, "1GiB");
	if (age && *age &&
	    retention_parse_age(age, &caps->max_age_ms, why, sizeof(why)) < 0)
		warn_append(warn, warnlen, "VIGIL_RETAIN_AGE", age, why, "14d");
}

/* ---- the file system ---- */

static int64_t mtime_ms(const struct stat *st)
{
	return (int64_t)st->st_mtim.tv_sec * 1000 + st->st_mtim.tv_nsec / 1000000;
}

/* A regular file of ours, never through a symlink. */
static bool stat_ours(int dfd, const char *name, struct stat *st)
{
	return fstatat(dfd, name, st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st->st_mode) &&
	       st->st_uid == geteuid();
}

/*
 * Fills e for the session file name in dfd; false if it is not ours. With
 * host, the names are the daemon's (store/rotation.h) and the start of the
 * period in the name is the file's age: compaction rewrites old files, and
 * must not make them young again.
 */
static bool gather(int dfd, const char *dir, const char *name, const char *current_name,
		   const char *host, struct retention_entry *e)
{
	struct stat st;
	bool current = !strcmp(name, current_name);
	int64_t start_ms = 0;
	pid_t holder;

	if (host ? !rotation_name_parse(host, name, &start_ms)
		 : !retention_name_is_session(name))
		return false;
	if (!stat_ours(dfd, name, &st))
		return false;
	e->path = xasprintf("%s/%s", dir, name);
	e->bytes = (uint64_t)st.st_size;
	e->mtime_ms = mtime_ms(&st);
	for (size_t i = 0; i < sizeof(side_suffixes) / sizeof(side_suffixes[0]); i++) {
		char *side = xasprintf("%s%s", name, side_suffixes[i]);

		if (stat_ours(dfd, side, &st)) {
			e->bytes += (uint64_t)st.st_size;
			if (mtime_ms(&st) > e->mtime_ms)
				e->mtime_ms = mtime_ms(&st);
		}
		free(side);
	}
	if (host)
		e->mtime_ms = start_ms;
	e->in_use = !current && store_session_in_use(e->path, &holder);
	return true;
}

/* Side files first: a session interrupted half-way keeps its main file, so it
 * is still listed (and removed) next time. */
static bool remove_session(int dfd, const char *name)
{
	struct stat st;
	bool ok = true;

	for (size_t i = 0; i < sizeof(side_suffixes) / sizeof(side_suffixes[0]); i++) {
		char *side = xasprintf("%s%s", name, side_suffixes[i]);

		if (stat_ours(dfd, side, &st) && unlinkat(dfd, side, 0) < 0 &&
		    errno != ENOENT) {
			log_debug("retention: cannot remove '%s': %s", side,
				  strerror(errno));
			ok = false;
		}
		free(side);
	}
	if (unlinkat(dfd, name, 0) < 0) {
		log_debug("retention: cannot remove '%s': %s", name, strerror(errno));
		return false;
	}
	return ok;
}

static size_t list_sessions(DIR *d, const char *dir, const char *current_name,
			    const char *host, struct retention_entry **out)
{
	struct retention_entry *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;

	while ((de = readdir(d))) {
		v = xgrow(v, &cap, n + 1, sizeof(*v));
		if (gather(dirfd(d), dir, de->d_name, current_name, host, &v[n]))
			n++;
	}
	*out = v;
	return n;
}

/*
 * Prunes dir to caps (shed: removes the oldest one instead) and fills res;
 * current_name (no directory) is never removed.
 */
static size_t prune_dir(const char *dir, const char *current_name, const char *host,
			const struct retention_caps *caps, bool shed,
			struct retention_result *res)
{
	struct retention_caps c = *caps;
	struct retention_entry *v = NULL;
	size_t n, removed = 0;
	int64_t now = clock_wall_ms();
	uint64_t total = 0;
	bool *doomed;
	char *cur;
	DIR *d = opendir(*dir ? dir : "/");

	if (!d) {
		log_debug("retention: cannot read '%s': %s", dir, strerror(errno));
		return 0;
	}
	n = list_sessions(d, dir, current_name, host, &v);
	for (size_t i = 0; i < n; i++)
		total += v[i].bytes;
	if (shed) /* a cap one byte under the total takes the oldest file */
		c = (struct retention_caps){.max_bytes = total > 1 ? total - 1 : 1};
	doomed = xcalloc(n ? n : 1, sizeof(*doomed));
	cur = xasprintf("%s/%s", dir, current_name);
	retention_select(v, n, now, &c, cur, doomed);
	free(cur);
	for (size_t i = 0; i < n; i++) {
		const char *name = strrchr(v[i].path, '/') + 1;

		if (doomed[i]) {
			log_debug("retention: removing '%s' (%llu bytes)", v[i].path,
				  (unsigned long long)v[i].bytes);
			if (remove_session(dirfd(d), name)) {
				removed++;
				if (res && c.max_age_ms > 0 &&
				    v[i].mtime_ms < now - c.max_age_ms)
					res->by_age++;
				else if (res)
					res->by_size++;
				if (res)
					res->bytes += v[i].bytes;
			}
		}
		free(v[i].path);
	}
	closedir(d);
	free(doomed);
	free(v);
	return removed;
}

size_t retention_prune(const char *current, const struct retention_caps *caps)
{
	const char *slash = strrchr(current, '/');
	char *dir =
		slash ? xasprintf("%.*s", (int)(slash - current), current) : xstrdup(".");
	size_t removed =
		prune_dir(dir, slash ? slash + 1 : current, NULL, caps, false, NULL);

	free(dir);
	return removed;
}

size_t retention_prune_daemon(const char *dir, const char *host, const char *current,
			      const struct retention_caps *caps, bool shed,
			      struct retention_result *res)
{
	const char *slash = current ? strrchr(current, '/') : NULL;

	if (res)
		*res = (struct retention_result){0};
	return prune_dir(dir,
			 slash	   ? slash + 1
			 : current ? current
				   : "",
			 host, caps, shed, res);
}
