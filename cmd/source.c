/* SPDX-License-Identifier: MIT */
/*
 * source: a command's session operand, a file or a directory read as one
 * timeline (cmd/source.h). The copy is removed at exit too, through an
 * atexit hook that knows the one copy this process holds.
 */
#include "cmd/source.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "core/log.h"
#include "core/when.h"
#include "core/xalloc.h"

static struct history_copy *live_copy; /* removed at exit if still there */

static void remove_at_exit(void)
{
	if (live_copy)
		history_copy_remove(live_copy);
}

/* The copy's names, written before the handler can run, for a signal that
 * ends the process (Ctrl-C on a long report): unlink and rmdir only, which
 * a handler may call. The console installs its own handlers over these and
 * ends through its normal path. */
static char doomed[5][4200];

static void remove_on_signal(int sig)
{
	for (size_t i = 1; i < 5; i++)
		unlink(doomed[i]);
	rmdir(doomed[0]);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void remove_on_signals(const struct history_copy *c)
{
	static const char *const side[] = {"", "-wal", "-shm", "-journal"};
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa = {.sa_handler = remove_on_signal};

	if (strlen(c->path) + 9 > sizeof(doomed[0]))
		return;
	snprintf(doomed[0], sizeof(doomed[0]), "%s", c->dir);
	for (size_t i = 0; i < 4; i++)
		snprintf(doomed[i + 1], sizeof(doomed[i + 1]), "%s%s", c->path, side[i]);
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* --from/--to over the directory's span, as report and export read them:
 * +DUR in --from after the start, in --to after --from; -DUR before the
 * end. Exits 2 when one is bad. */
static void resolve(struct source *src, const char **from, const char **to, int64_t *t0,
		    int64_t *t1)
{
	int64_t first, last;
	uint64_t ticks;
	struct when_ctx c;
	char why[256];

	segments_span(&src->sg, &first, &last, &ticks);
	c = (struct when_ctx){first, last, first, last};
	*t0 = first;
	*t1 = last;
	if (*from && when_parse(*from, &c, t0, why, sizeof(why)) < 0)
		usage_error("bad --from '%s': %s", *from, why);
	c.plus_ref_ms = *t0;
	if (*to && when_parse(*to, &c, t1, why, sizeof(why)) < 0)
		usage_error("bad --to '%s': %s", *to, why);
	if (*t0 > *t1)
		usage_error("--from '%s' is after --to '%s'", *from ? *from : "start",
			    *to ? *to : "end");
	snprintf(src->from, sizeof(src->from), "%" PRId64, *t0);
	snprintf(src->to, sizeof(src->to), "%" PRId64, *t1);
	if (*from)
		*from = src->from;
	if (*to)
		*to = src->to;
}

static void say_notes(const struct source *src)
{
	for (size_t i = 0; i < src->sg.nnotes; i++)
		fprintf(stderr, "vigil: '%s': skipped %s\n", src->sg.dir,
			src->sg.notes[i]);
}

void source_open(const char *operand, const char **from, const char **to,
		 struct source *src)
{
	char err[768];
	int64_t t0, t1;

	memset(src, 0, sizeof(*src));
	src->path = operand;
	if (!segments_is_dir(operand))
		return;
	src->dir = true;
	if (segments_scan(operand, &src->sg, err, sizeof(err)) < 0)
		fatal("%s", err);
	resolve(src, from, to, &t0, &t1);
	if (!live_copy)
		atexit(remove_at_exit);
	live_copy = &src->copy;
	if (history_copy(&src->sg, t0, t1, &src->copy, err, sizeof(err)) < 0) {
		say_notes(src);
		fatal("%s", err);
	}
	say_notes(src);
	remove_on_signals(&src->copy);
	src->path = src->copy.path;
}

bool source_open_history(const char *dir, int64_t window_ms, struct source *src,
			 char *err, size_t errlen)
{
	int64_t first, last;
	uint64_t ticks;

	memset(src, 0, sizeof(*src));
	if (!segments_is_dir(dir)) {
		snprintf(err, errlen, "no directory '%s'", dir);
		return false;
	}
	if (segments_scan(dir, &src->sg, err, errlen) < 0) {
		segments_release(&src->sg);
		return false;
	}
	segments_span(&src->sg, &first, &last, &ticks);
	if (!live_copy)
		atexit(remove_at_exit);
	live_copy = &src->copy;
	if (history_copy(&src->sg, last - window_ms, last, &src->copy, err, errlen) < 0) {
		live_copy = NULL;
		segments_release(&src->sg);
		return false;
	}
	for (size_t i = 0; i < src->sg.nnotes; i++)
		log_debug("history: '%s': skipped %s", dir, src->sg.notes[i]);
	src->dir = true;
	src->path = src->copy.path;
	return true;
}

void source_close(struct source *src)
{
	if (!src->dir)
		return;
	history_copy_remove(&src->copy);
	if (live_copy == &src->copy)
		live_copy = NULL;
	segments_release(&src->sg);
	src->dir = false;
}
