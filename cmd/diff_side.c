/* SPDX-License-Identifier: MIT */
/* diff_side: a side of `vigil diff` from its argument (see diff_side.h). */
#include "cmd/diff_side.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/when.h"
#include "core/xalloc.h"
#include "store/frames.h"
#include "store/store.h"

void diff_side_release(struct diff_side *d)
{
	store_close(d->st);
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
		snprintf(err, errlen, "bad window '%s': expected FILE@FROM..TO", spec);
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

int diff_side_open(const char *spec, struct diff_side *out, char *err, size_t errlen)
{
	int64_t first, last;
	uint64_t ticks;
	struct stat sb;

	memset(out, 0, sizeof(*out));
	if (split(spec, out, err, errlen) < 0) {
		diff_side_release(out);
		return DIFF_SIDE_USAGE;
	}
	/* a daemon's directory will be opened here as one timeline */
	if (stat(out->path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen,
			 "cannot open '%s': a directory (daemon directories are not "
			 "readable by diff yet; give a session file)",
			 out->path);
		diff_side_release(out);
		return DIFF_SIDE_RUNTIME;
	}
	if (store_open(out->path, &out->st, err, errlen) < 0) {
		diff_side_release(out);
		return DIFF_SIDE_RUNTIME;
	}
	if (query_session(out->st, &out->meta) < 0 ||
	    query_span(out->st, &first, &last, &ticks) < 0) {
		snprintf(err, errlen, "cannot read '%s': %s", out->path,
			 store_error(out->st));
		diff_side_release(out);
		return DIFF_SIDE_RUNTIME;
	}
	if (!ticks) {
		snprintf(err, errlen, "cannot compare '%s': it has no ticks", out->path);
		diff_side_release(out);
		return DIFF_SIDE_RUNTIME;
	}
	if (window(out, spec, first, last, err, errlen) < 0 ||
	    !window_has_ticks(out, spec, err, errlen)) {
		diff_side_release(out);
		return DIFF_SIDE_USAGE;
	}
	out->interval_ms = out->meta.interval_ms > 0 ? out->meta.interval_ms : 1000;
	return 0;
}
