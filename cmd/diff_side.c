/* SPDX-License-Identifier: MIT */
/* diff_side: a side of `vigil diff` from its argument, a file or a daemon's
 * directory (see diff_side.h). */
#include "cmd/diff_side.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/source.h"
#include "core/when.h"
#include "core/xalloc.h"
#include "store/frames.h"
#include "store/store.h"

void diff_side_release(struct diff_side *d)
{
	store_close(d->st);
	source_close(&d->dir);
	free(d->path);
	free(d->from);
	free(d->to);
	memset(d, 0, sizeof(*d));
}

/* "x@FROM..TO" into path, from and to (NULL when empty); 0 or -1. */
static int split(const char *spec, struct diff_side *d, char *err, size_t errlen)
{
	const char *at = strrchr(spec, '@'), *dots;
	struct stat sb;

	if (!at || stat(spec, &sb) == 0) {
		d->path = xstrdup(spec);
		return 0;
	}
	dots = strstr(at + 1, "..");
	if (!dots) {
		snprintf(err, errlen,
			 "bad window '%s': expected FILE@FROM..TO or "
			 "DIR@FROM..TO",
			 spec);
		return -1;
	}
	d->path = xasprintf("%.*s", (int)(at - spec), spec);
	if (dots > at + 1)
		d->from = xasprintf("%.*s", (int)(dots - at - 1), at + 1);
	if (dots[2])
		d->to = xstrdup(dots + 2);
	return 0;
}

/* The window from FROM..TO over the session's span [first, last]. */
static int window(struct diff_side *d, const char *spec, int64_t first, int64_t last,
		  char *err, size_t errlen)
{
	struct when_ctx c = {first, last, first, last};
	char why[256];

	d->t0 = first;
	d->t1 = last;
	if (d->from && when_parse(d->from, &c, &d->t0, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "bad window '%s': FROM '%s': %s", spec, d->from,
			 why);
		return -1;
	}
	c.plus_ref_ms = d->t0;
	if (d->to && when_parse(d->to, &c, &d->t1, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "bad window '%s': TO '%s': %s", spec, d->to, why);
		return -1;
	}
	if (d->t0 > d->t1) {
		snprintf(err, errlen, "bad window '%s': FROM is after TO", spec);
		return -1;
	}
	return 0;
}

/* A window with no tick in it has nothing to compare: said, not compared. */
static bool window_has_ticks(struct diff_side *d, const char *spec, char *err,
			     size_t errlen)
{
	int64_t t;
	size_t n = 0;

	if (query_tick_times(d->st, d->t0, d->t1, &t, 1, &n) == 0 && n)
		return true;
	snprintf(err, errlen, "bad window '%s': no ticks in it", spec);
	return false;
}

/* A directory's window, copied: t0..t1 resolved over the whole directory.
 * 0, or DIFF_SIDE_* with the reason in err. */
static int open_dir(struct diff_side *d, const char *spec, char *err, size_t errlen)
{
	char why[256];
	int rc = source_open_dir(d->path, d->from, d->to, &d->dir, why, sizeof(why));

	switch (rc) {
	case 0:
		break;
	case SOURCE_BAD_FROM:
		snprintf(err, errlen, "bad window '%s': FROM '%s': %s", spec, d->from,
			 why);
		return DIFF_SIDE_USAGE;
	case SOURCE_BAD_TO:
		snprintf(err, errlen, "bad window '%s': TO '%s': %s", spec, d->to, why);
		return DIFF_SIDE_USAGE;
	case SOURCE_BAD_ORDER:
		snprintf(err, errlen, "bad window '%s': FROM is after TO", spec);
		return DIFF_SIDE_USAGE;
	default:
		snprintf(err, errlen, "%s", why);
		return DIFF_SIDE_RUNTIME;
	}
	d->t0 = d->dir.t0_ms;
	d->t1 = d->dir.t1_ms;
	return 0;
}

/* The store of the file, or of a directory's copy, and its sessions row.
 * first..last: the span of its ticks. */
static int open_store(struct diff_side *d, int64_t *first, int64_t *last, char *err,
		      size_t errlen)
{
	const char *file = d->dir.dir ? d->dir.path : d->path;
	uint64_t ticks;

	if (store_open(file, &d->st, err, errlen) < 0)
		return DIFF_SIDE_RUNTIME;
	if (query_session(d->st, &d->meta) < 0 ||
	    query_span(d->st, first, last, &ticks) < 0) {
		snprintf(err, errlen, "cannot read '%s': %s", d->path,
			 store_error(d->st));
		return DIFF_SIDE_RUNTIME;
	}
	if (!ticks) {
		snprintf(err, errlen, "cannot compare '%s': it has no ticks", d->path);
		return DIFF_SIDE_RUNTIME;
	}
	return 0;
}

int diff_side_open(const char *spec, struct diff_side *out, char *err, size_t errlen)
{
	int64_t first, last;
	int rc;

	memset(out, 0, sizeof(*out));
	if (split(spec, out, err, errlen) < 0) {
		diff_side_release(out);
		return DIFF_SIDE_USAGE;
	}
	if (segments_is_dir(out->path) && (rc = open_dir(out, spec, err, errlen)) < 0) {
		diff_side_release(out);
		return rc;
	}
	rc = open_store(out, &first, &last, err, errlen);
	if (rc == 0 && !out->dir.dir && window(out, spec, first, last, err, errlen) < 0)
		rc = DIFF_SIDE_USAGE;
	if (rc == 0 && !window_has_ticks(out, spec, err, errlen))
		rc = DIFF_SIDE_USAGE;
	if (rc < 0) {
		diff_side_release(out);
		return rc;
	}
	out->interval_ms = out->meta.interval_ms > 0 ? out->meta.interval_ms : 1000;
	return 0;
}
