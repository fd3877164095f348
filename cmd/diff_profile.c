/* SPDX-License-Identifier: MIT */
/*
 * diff_profile: see diff_profile.h. Picking a side's profile is a look at
 * query_profiles (newest first) and one query_profile_load; the output goes
 * through core/outfile (a temporary file put in place whole, or nothing), as
 * `vigil profile -o` and `vigil export -o` do.
 */
#include "cmd/diff_profile.h"

#include <errno.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/profdiff.h"
#include "cmd/cli.h"
#include "core/outfile.h"
#include "store/profiles.h"
#include "tui/profdiff_screen.h"
#include "tui/term.h"

#define LIMIT_DEFAULT 20

/* One side of "B:A": empty is 0, else a positive id ending at end. */
static int parse_id(const char *s, const char *end, int64_t *id)
{
	char *stop;
	long long v;

	if (s == end) {
		*id = 0;
		return 0;
	}
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &stop, 10);
	if (errno || stop != end || v <= 0)
		return -1;
	*id = v;
	return 0;
}

int diff_profile_parse_ids(const char *value, int64_t *before, int64_t *after)
{
	const char *colon = value ? strchr(value, ':') : NULL;

	if (!colon || strchr(colon + 1, ':'))
		return -1;
	if (parse_id(value, colon, before) < 0 ||
	    parse_id(colon + 1, colon + 1 + strlen(colon + 1), after) < 0)
		return -1;
	return 0;
}

int diff_profile_pick(struct store *s, int64_t id, int64_t from_ms, int64_t to_ms,
		      struct profile **out, char *err, size_t errlen)
{
	struct profile_meta *list;
	size_t n;
	int64_t want = id;

	*out = NULL;
	if (query_profiles(s, &list, &n) < 0) {
		snprintf(err, errlen, "cannot list profiles: %s", store_error(s));
		return -1;
	}
	for (size_t i = 0; i < n && want == 0; i++) {
		/* newest first: the first in the window is the newest there */
		if ((from_ms && list[i].started_ms < from_ms) ||
		    (to_ms && list[i].started_ms > to_ms))
			continue;
		want = list[i].id;
	}
	if (id > 0) {
		size_t i = 0;

		while (i < n && list[i].id != id)
			i++;
		if (i == n) {
			free(list);
			snprintf(err, errlen,
				 "no profile %lld in the session (ids: vigil "
				 "report FILE)",
				 (long long)id);
			return -1;
		}
	}
	free(list);
	if (want == 0)
		return 0;
	*out = query_profile_load(s, want, err, errlen);
	return *out ? 1 : -1;
}

static size_t limit_of(const struct diff_profile_opts *o)
{
	return o->limit ? o->limit : LIMIT_DEFAULT;
}

/* The differential in o's text format to f. 0, or -1 with errno. */
static int write_text(const struct profdiff *d, const struct diff_profile_opts *o,
		      FILE *f)
{
	switch (o->format) {
	case DIFF_PROFILE_FOLDED:
		return profdiff_write_folded(d, f, !o->raw);
	case DIFF_PROFILE_JSON:
		if (profdiff_write_json(d, f, limit_of(o), !o->raw) < 0)
			return -1;
		return fputc('\n', f) == EOF ? -1 : 0;
	default:
		return profdiff_write_table(d, f, limit_of(o));
	}
}

/* Writes to o->out through a temporary file. 0, or 1 after a message. */
static int write_file(const struct profdiff *d, const struct diff_profile_opts *o)
{
	struct outfile of;
	char err[512];
	FILE *f;

	if (outfile_begin(&of, o->out, o->force, err, sizeof(err)) < 0) {
		cli_warn("%s", err);
		return 1;
	}
	f = fdopen(of.fd, "w");
	if (!f) {
		cli_warn("cannot write '%s': %s", o->out, strerror(errno));
		outfile_abort(&of);
		return 1;
	}
	of.fd = -1; /* f owns it now */
	/* a differential is no more secret than the table on stdout */
	fchmod(fileno(f), 0644);
	if (write_text(d, o, f) < 0 || fflush(f) == EOF || fsync(fileno(f)) < 0) {
		cli_warn("cannot write '%s': %s", o->out, strerror(errno));
		fclose(f);
		outfile_abort(&of);
		return 1;
	}
	if (fclose(f) == EOF) {
		cli_warn("cannot write '%s': %s", o->out, strerror(errno));
		outfile_abort(&of);
		return 1;
	}
	if (outfile_commit(&of, err, sizeof(err)) < 0) {
		cli_warn("%s", err);
		return 1;
	}
	return 0;
}

/* The console, with the terminal's locale (UTF-8 or ASCII) and NO_COLOR
 * honoured here too, so a caller need only pass --ascii and --no-color. */
static int run_console(struct profdiff *d, const struct diff_profile_opts *o)
{
	const char *no_color = getenv("NO_COLOR");

	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C"); /* numbers stay "1.5", whatever the locale */
	return profdiff_screen_run(d, o->ascii || !term_locale_utf8(),
				   !o->no_color && !(no_color && *no_color));
}

int diff_profile_write(const struct profile *before, const struct profile *after,
		       const struct diff_profile_opts *o)
{
	struct profdiff *d;
	int rc = 0;

	if (o->format == DIFF_PROFILE_CONSOLE &&
	    (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		cli_warn("cannot show the console: stdin and stdout must be a terminal "
			 "(--format table, folded or json write text)");
		return 1;
	}
	d = profdiff_new(before, after);
	if (o->format == DIFF_PROFILE_CONSOLE) {
		rc = run_console(d, o);
	} else if (o->out) {
		rc = write_file(d, o);
	} else if (write_text(d, o, stdout) < 0 || fflush(stdout) == EOF) {
		if (errno != EPIPE) { /* the reader had enough (diff | head) */
			cli_warn("cannot write the differential profile: %s",
				 strerror(errno));
			rc = 1;
		}
	}
	profdiff_free(d);
	return rc;
}

int diff_profile_run(struct store *before, int64_t id_before, int64_t from_b,
		     int64_t to_b, struct store *after, int64_t id_after, int64_t from_a,
		     int64_t to_a, const struct diff_profile_opts *o)
{
	struct profile *pb = NULL, *pa = NULL;
	char err[512];
	int got, rc;

	got = diff_profile_pick(before, id_before, from_b, to_b, &pb, err, sizeof(err));
	if (got <= 0) {
		if (got == 0)
			cli_warn("no profile in BEFORE's window (vigil report FILE lists "
				 "profiles)");
		else
			cli_warn("cannot read BEFORE's profile: %s", err);
		return 1;
	}
	got = diff_profile_pick(after, id_after, from_a, to_a, &pa, err, sizeof(err));
	if (got <= 0) {
		if (got == 0)
			cli_warn("no profile in AFTER's window (vigil report FILE lists "
				 "profiles)");
		else
			cli_warn("cannot read AFTER's profile: %s", err);
		profile_free(pb);
		return 1;
	}
	rc = diff_profile_write(pb, pa, o);
	profile_free(pa);
	profile_free(pb);
	return rc;
}

int diff_profile_json(FILE *out, const struct profile *before,
		      const struct profile *after, const struct diff_profile_opts *o)
{
	struct profdiff *d = profdiff_new(before, after);
	int rc = profdiff_write_json(d, out, limit_of(o), !o->raw);

	profdiff_free(d);
	return rc;
}
