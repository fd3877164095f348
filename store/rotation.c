/* SPDX-License-Identifier: MIT */
/*
 * rotation: see rotation.h. A name is taken when the file or any side file
 * of it exists, whoever made it: the next suffix is tried, so a file of an
 * earlier run (or anything else that happens to sit there) is never opened,
 * let alone overwritten.
 */
#include "store/rotation.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/log.h"
#include "core/xalloc.h"

struct rotation {
	char *dir;
	char host[128];
	int64_t period_ms;
	struct session_meta meta; /* of the current file */
	struct store *store;	  /* the current file */
	int64_t start_ms, end_ms; /* its period */
	pthread_mutex_t lock;	  /* guards path and files */
	char path[4096];
	unsigned files;
};

static void sanitise_host(const char *host, char *out, size_t len)
{
	size_t i = 0;

	for (; host && host[i] && i + 1 < len; i++) {
		unsigned char c = (unsigned char)host[i];

		out[i] = isalnum(c) || c == '.' || c == '_' || c == '-' ? (char)c : '_';
	}
	out[i] = '\0';
	if (!i)
		snprintf(out, len, "localhost");
}

static int64_t period_start(int64_t period_ms, int64_t t_ms)
{
	int64_t q = t_ms / period_ms;

	if (t_ms < 0 && q * period_ms != t_ms)
		q--;
	return q * period_ms;
}

static bool hourly(const struct rotation_config *c)
{
	return c->period_ms % ROTATION_HOUR_MS == 0;
}

char *rotation_name(const struct rotation_config *c, int64_t t_ms, int n, char *buf,
		    size_t len)
{
	time_t s = (time_t)(period_start(c->period_ms, t_ms) / 1000);
	char host[128], stamp[32], suffix[16] = "";
	struct tm tm;

	sanitise_host(c->host, host, sizeof(host));
	gmtime_r(&s, &tm);
	strftime(stamp, sizeof(stamp), hourly(c) ? "%Y%m%d-%H" : "%Y%m%d-%H%M%S", &tm);
	if (n >= 2)
		snprintf(suffix, sizeof(suffix), ".%d", n);
	snprintf(buf, len, "%s-%s%s.vigil", host, stamp, suffix);
	return buf;
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* "YYYYMMDD-HH" or "YYYYMMDD-HHMMSS" of length n at s, in UTC. */
static bool parse_stamp(const char *s, size_t n, int64_t *start_ms)
{
	struct tm tm = {0};
	time_t t;

	if ((n != 11 && n != 15) || !digits(s, 8) || s[8] != '-' || !digits(s + 9, n - 9))
		return false;
	tm.tm_year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
		     (s[3] - '0') - 1900;
	tm.tm_mon = (s[4] - '0') * 10 + (s[5] - '0') - 1;
	tm.tm_mday = (s[6] - '0') * 10 + (s[7] - '0');
	tm.tm_hour = (s[9] - '0') * 10 + (s[10] - '0');
	if (n == 15) {
		tm.tm_min = (s[11] - '0') * 10 + (s[12] - '0');
		tm.tm_sec = (s[13] - '0') * 10 + (s[14] - '0');
	}
	if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 59)
		return false;
	t = timegm(&tm);
	if (start_ms)
		*start_ms = (int64_t)t * 1000;
	return true;
}

bool rotation_name_parse(const char *host, const char *name, int64_t *start_ms)
{
	char h[128];
	size_t hl, len = strlen(name), stamp;
	const char *rest, *dot;

	sanitise_host(host, h, sizeof(h));
	hl = strlen(h);
	if (strncmp(name, h, hl) || name[hl] != '-' || len < hl + 7 ||
	    strcmp(name + len - 6, ".vigil"))
		return false;
	rest = name + hl + 1;
	len -= hl + 1 + 6; /* the stamp and the ".N", if any */
	dot = memchr(rest, '.', len);
	stamp = dot ? (size_t)(dot - rest) : len;
	if (dot) {
		size_t nd = len - stamp - 1;

		if (nd < 1 || nd > 3 || !digits(dot + 1, nd) || dot[1] == '0' ||
		    (nd == 1 && dot[1] == '1'))
			return false;
	}
	return parse_stamp(rest, stamp, start_ms);
}

static bool taken(const char *path)
{
	static const char *const sides[] = {"", "-wal", "-shm", "-journal"};
	struct stat st;
	char side[4200];

	for (size_t i = 0; i < sizeof(sides) / sizeof(sides[0]); i++) {
		snprintf(side, sizeof(side), "%s%s", path, sides[i]);
		if (lstat(side, &st) == 0 || errno != ENOENT)
			return true;
	}
	return false;
}

/* Creates the file for t_ms under the first free name; its session row too. */
static struct store *create_for(struct rotation *r, int64_t t_ms, char *path,
				size_t pathlen, char *err, size_t errlen)
{
	struct rotation_config c = {
		.dir = r->dir, .host = r->host, .period_ms = r->period_ms};
	struct store *s;
	char name[256];

	for (int n = 1; n <= ROTATION_SUFFIX_MAX; n++) {
		snprintf(path, pathlen, "%s/%s", r->dir,
			 rotation_name(&c, t_ms, n, name, sizeof(name)));
		if (taken(path))
			continue;
		if (store_create(path, false, &s, err, errlen) < 0)
			return NULL;
		r->meta.started_ms = t_ms;
		r->meta.ended_ms = 0;
		if (store_session_begin(s, &r->meta) < 0) {
			snprintf(err, errlen, "cannot write session '%s': %s", path,
				 store_error(s));
			store_discard(s);
			return NULL;
		}
		return s;
	}
	snprintf(err, errlen, "no free name for '%s' in '%s' (%d taken)",
		 rotation_name(&c, t_ms, 1, name, sizeof(name)), r->dir,
		 ROTATION_SUFFIX_MAX);
	return NULL;
}

static void make_current(struct rotation *r, struct store *s, const char *path,
			 int64_t t_ms)
{
	r->store = s;
	r->start_ms = period_start(r->period_ms, t_ms);
	r->end_ms = r->start_ms + r->period_ms;
	pthread_mutex_lock(&r->lock);
	snprintf(r->path, sizeof(r->path), "%s", path);
	r->files++;
	pthread_mutex_unlock(&r->lock);
	log_debug("rotation: recording into '%s'", path);
}

struct rotation *rotation_open(const struct rotation_config *c,
			       const struct session_meta *m, char *err, size_t errlen)
{
	struct rotation *r = xcalloc(1, sizeof(*r));
	char path[4096];
	struct store *s;

	r->dir = xstrdup(c->dir);
	snprintf(r->host, sizeof(r->host), "%s", c->host ? c->host : "");
	r->period_ms = c->period_ms > 0 ? c->period_ms : ROTATION_HOUR_MS;
	r->meta = *m;
	pthread_mutex_init(&r->lock, NULL);
	s = create_for(r, m->started_ms, path, sizeof(path), err, errlen);
	if (!s) {
		pthread_mutex_destroy(&r->lock);
		free(r->dir);
		free(r);
		return NULL;
	}
	make_current(r, s, path, m->started_ms);
	return r;
}

bool rotation_due(const struct rotation *r, int64_t t_ms)
{
	return t_ms < r->start_ms || t_ms >= r->end_ms;
}

/* Ends the current file's session at ended_ms and closes it. */
static int end_current(struct rotation *r, int64_t ended_ms, char *err, size_t errlen)
{
	int rc = 0;

	r->meta.ended_ms = ended_ms;
	if (store_session_end(r->store, &r->meta) < 0) {
		snprintf(err, errlen, "cannot finish session '%s': %s", r->path,
			 store_error(r->store));
		rc = -1;
	}
	store_close(r->store);
	r->store = NULL;
	return rc;
}

int rotation_next(struct rotation *r, int64_t t_ms, int64_t last_ms, char *err,
		  size_t errlen)
{
	struct session_meta keep = r->meta;
	char path[4096], why[4608];
	struct store *s = create_for(r, t_ms, path, sizeof(path), err, errlen);

	if (!s) {
		r->meta = keep;
		return -1;
	}
	/* the new file exists: only now is the old one ended */
	r->meta = keep;
	if (end_current(r, last_ms ? last_ms : t_ms, why, sizeof(why)) < 0)
		log_debug("rotation: %s", why);
	r->meta.started_ms = t_ms;
	r->meta.ended_ms = 0;
	make_current(r, s, path, t_ms);
	return 0;
}

struct store *rotation_store(struct rotation *r)
{
	return r->store;
}

char *rotation_path(struct rotation *r, char *buf, size_t len)
{
	pthread_mutex_lock(&r->lock);
	snprintf(buf, len, "%s", r->path);
	pthread_mutex_unlock(&r->lock);
	return buf;
}

unsigned rotation_files(struct rotation *r)
{
	unsigned n;

	pthread_mutex_lock(&r->lock);
	n = r->files;
	pthread_mutex_unlock(&r->lock);
	return n;
}

static void rotation_free(struct rotation *r)
{
	pthread_mutex_destroy(&r->lock);
	free(r->dir);
	free(r);
}

int rotation_close(struct rotation *r, const struct session_meta *m, char *err,
		   size_t errlen)
{
	int rc;

	r->meta.target_exit_code = m->target_exit_code;
	r->meta.target_exit_signal = m->target_exit_signal;
	rc = end_current(r, m->ended_ms, err, errlen);
	rotation_free(r);
	return rc;
}

void rotation_discard(struct rotation *r)
{
	if (!r)
		return;
	if (r->files == 1)
		store_discard(r->store);
	else
		store_close(r->store);
	rotation_free(r);
}
