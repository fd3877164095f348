/* SPDX-License-Identifier: MIT */
/*
 * segments: listing a directory of session files as one timeline's
 * segments (store/segments.h).
 *
 * The directory is read with readdir and each name is looked at with
 * fstatat(AT_SYMLINK_NOFOLLOW) before anything opens it; the file is then
 * opened by store_open_nofollow, which refuses a link that replaced it in
 * between. Each file is open only while its session row and span are read,
 * so a directory of 14 days x 24 files costs 336 short opens, never 336
 * descriptors or connections at once.
 */
#include "store/segments.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/xalloc.h"
#include "store/frames.h"
#include "store/store-internal.h"
#include "store/store.h"

#define SEGMENT_SUFFIX ".vigil"

bool segments_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

void segments_note(struct segments *sg, const char *name, const char *why)
{
	sg->notes = xrealloc(sg->notes, (sg->nnotes + 1) * sizeof(*sg->notes));
	sg->notes[sg->nnotes++] = xasprintf("'%s': %s", name, why);
}

static bool is_segment_name(const char *name)
{
	size_t n = strlen(name), k = strlen(SEGMENT_SUFFIX);

	return name[0] != '.' && n > k && !strcmp(name + n - k, SEGMENT_SUFFIX);
}

/* A file compacted to its rollups has no ticks: its span is its minutes. */
static int rollup_span(struct store *s, struct segment *seg)
{
	sqlite3_stmt *st;
	int rc;

	if (!store_has(s, STORE_SINCE_ROLLUPS))
		return 0;
	if (store_prepare(s, "SELECT min(minute), max(minute) FROM rollups", &st) < 0)
		return -1;
	rc = store_step(s, st);
	if (rc == 1 && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		seg->first_ms = sqlite3_column_int64(st, 0) * STORE_MINUTE_MS;
		seg->last_ms = sqlite3_column_int64(st, 1) * STORE_MINUTE_MS;
	}
	store_finish(s, st);
	return rc < 0 ? -1 : 0;
}

/* Opens path and fills seg and *host from it; -1 with why. */
static int inspect(const char *path, struct segment *seg, char *host, size_t hostlen,
		   char *why, size_t whylen)
{
	struct session_meta m;
	struct store *s;
	char err[512];

	if (store_open_nofollow(path, &s, err, sizeof(err)) < 0) {
		/* "cannot open session 'PATH': REASON": the reason is enough */
		const char *r = strstr(err, "': ");

		snprintf(why, whylen, "%s", r ? r + 3 : err);
		return -1;
	}
	if (query_session(s, &m) < 0 ||
	    query_span(s, &seg->first_ms, &seg->last_ms, &seg->ticks) < 0 ||
	    (!seg->ticks && rollup_span(s, seg) < 0)) {
		snprintf(why, whylen, "%s", store_error(s));
		store_close(s);
		return -1;
	}
	store_close(s);
	seg->started_ms = m.started_ms;
	seg->live = m.ended_ms == 0;
	if (!seg->ticks && !seg->first_ms) {
		snprintf(why, whylen, "no ticks yet");
		return -1;
	}
	snprintf(host, hostlen, "%s", m.host);
	return 0;
}

struct candidate {
	struct segment seg;
	char host[256];
};

static int by_start(const void *a, const void *b)
{
	const struct segment *x = &((const struct candidate *)a)->seg;
	const struct segment *y = &((const struct candidate *)b)->seg;

	if (x->started_ms != y->started_ms)
		return x->started_ms < y->started_ms ? -1 : 1;
	if (x->first_ms != y->first_ms)
		return x->first_ms < y->first_ms ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Reads every *.vigil regular file of dir into *cands. */
static int collect(struct segments *sg, DIR *d, struct candidate **cands, size_t *n)
{
	struct dirent *e;
	size_t cap = 0;

	while ((e = readdir(d))) {
		struct candidate c = {0};
		struct stat st;
		char why[600];

		if (!is_segment_name(e->d_name))
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			segments_note(sg, e->d_name, strerror(errno));
			continue;
		}
		if (!S_ISREG(st.st_mode)) {
			segments_note(sg, e->d_name,
				      S_ISLNK(st.st_mode)
					      ? "a symbolic link, not followed"
					      : "not a regular file");
			continue;
		}
		c.seg.path = xasprintf("%s/%s", sg->dir, e->d_name);
		c.seg.name = c.seg.path + strlen(sg->dir) + 1;
		if (inspect(c.seg.path, &c.seg, c.host, sizeof(c.host), why,
			    sizeof(why)) < 0) {
			segments_note(sg, e->d_name, why);
			free(c.seg.path);
			continue;
		}
		*cands = xgrow(*cands, &cap, *n + 1, sizeof(**cands));
		(*cands)[(*n)++] = c;
	}
	return 0;
}

/* Keeps, in start order, the segments of the first one's host whose data
 * begins after the previous kept one's ends. */
static void keep(struct segments *sg, struct candidate *c, size_t n)
{
	char why[512];

	if (n)
		qsort(c, n, sizeof(*c), by_start);
	sg->v = xcalloc(n ? n : 1, sizeof(*sg->v));
	for (size_t i = 0; i < n; i++) {
		const struct segment *prev = sg->n ? &sg->v[sg->n - 1] : NULL;

		if (prev && strcmp(c[i].host, c[0].host)) {
			snprintf(why, sizeof(why),
				 "recorded on another host ('%s', not '%s')", c[i].host,
				 c[0].host);
		} else if (prev && c[i].seg.first_ms < prev->last_ms) {
			snprintf(why, sizeof(why), "overlaps '%s' in time", prev->name);
		} else {
			sg->v[sg->n++] = c[i].seg;
			continue;
		}
		segments_note(sg, c[i].seg.name, why);
		free(c[i].seg.path);
	}
}

int segments_scan(const char *dir, struct segments *out, char *err, size_t errlen)
{
	struct candidate *cands = NULL;
	size_t n = 0;
	DIR *d;

	memset(out, 0, sizeof(*out));
	out->dir = xstrdup(dir);
	d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "cannot open directory '%s': %s", dir,
			 strerror(errno));
		return -1;
	}
	collect(out, d, &cands, &n);
	closedir(d);
	keep(out, cands, n);
	free(cands);
	if (out->n)
		return 0;
	if (out->nnotes)
		snprintf(err, errlen, "no readable vigil session files in '%s' (%s)", dir,
			 out->notes[0]);
	else
		snprintf(err, errlen, "no vigil session files in '%s'", dir);
	return -1;
}

void segments_release(struct segments *sg)
{
	for (size_t i = 0; i < sg->n; i++)
		free(sg->v[i].path);
	for (size_t i = 0; i < sg->nnotes; i++)
		free(sg->notes[i]);
	free(sg->v);
	free(sg->notes);
	free(sg->dir);
	memset(sg, 0, sizeof(*sg));
}

void segments_span(const struct segments *sg, int64_t *first_ms, int64_t *last_ms,
		   uint64_t *ticks)
{
	*first_ms = sg->n ? sg->v[0].first_ms : 0;
	*last_ms = sg->n ? sg->v[sg->n - 1].last_ms : 0;
	*ticks = 0;
	for (size_t i = 0; i < sg->n; i++)
		*ticks += sg->v[i].ticks;
}
