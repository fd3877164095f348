/* SPDX-License-Identifier: MIT */
/*
 * source: a command's session operand, a file or a directory read as one
 * timeline (cmd/source.h). The copies are removed at exit too, through an
 * atexit hook and signal handlers that know the copies this process holds.
 */
#include "cmd/source.h"

#include <inttypes.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "core/log.h"
#include "core/when.h"
#include "core/xalloc.h"

/*
 * The copies this process holds now, one slot each (diff opens two sides at
 * once). A slot's names are written before it is armed and it is disarmed
 * before they are cleared, so the handler, which may run between any two
 * statements, reads only whole names of armed slots.
 */
static struct history_copy *live_copy[SOURCE_COPIES]; /* removed at exit */

static void remove_at_exit(void)
{
	for (size_t k = 0; k < SOURCE_COPIES; k++)
		if (live_copy[k])
			history_copy_remove(live_copy[k]);
}

/* A free slot for c (registering the exit hook once), or -1 when every
 * slot is taken. */
static int take_slot(struct history_copy *c)
{
	static bool hooked;

	if (!hooked) {
		atexit(remove_at_exit);
		hooked = true;
	}
	for (int k = 0; k < SOURCE_COPIES; k++)
		if (!live_copy[k]) {
			live_copy[k] = c;
			return k;
		}
	return -1;
}

/* The copies' names, for a signal that ends the process (Ctrl-C on a long
 * report): unlink and rmdir only, which a handler may call. The console
 * installs its own handlers over these and ends through its normal path. */
static char doomed[SOURCE_COPIES][5][4200];
static volatile sig_atomic_t armed[SOURCE_COPIES];

static void remove_on_signal(int sig)
{
	for (size_t k = 0; k < SOURCE_COPIES; k++) {
		if (!armed[k])
			continue;
		for (size_t i = 1; i < 5; i++)
			unlink(doomed[k][i]);
		rmdir(doomed[k][0]);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void remove_on_signals(int slot, const struct history_copy *c)
{
	static const char *const side[] = {"", "-wal", "-shm", "-journal"};
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa = {.sa_handler = remove_on_signal};

	if (strlen(c->path) + 9 > sizeof(doomed[0][0]))
		return;
	armed[slot] = 0;
	atomic_signal_fence(memory_order_seq_cst); /* the flag before the names */
	snprintf(doomed[slot][0], sizeof(doomed[0][0]), "%s", c->dir);
	for (size_t i = 0; i < 4; i++)
		snprintf(doomed[slot][i + 1], sizeof(doomed[0][0]), "%s%s", c->path,
			 side[i]);
	atomic_signal_fence(memory_order_seq_cst); /* the names before the flag */
	armed[slot] = 1;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* Forgets the slot of c: disarmed first, then free for another copy. */
static void drop_slot(const struct history_copy *c)
{
	for (size_t k = 0; k < SOURCE_COPIES; k++)
		if (live_copy[k] == c) {
			armed[k] = 0;
			atomic_signal_fence(memory_order_seq_cst);
			live_copy[k] = NULL;
		}
}

/* from/to over the directory's span, as report and export read them: +DUR
 * in FROM after the start, in TO after FROM; -DUR before the end. 0, or
 * SOURCE_BAD_* with when_parse's reason in err. */
static int resolve(struct source *src, const char *from, const char *to, char *err,
		   size_t errlen)
{
	int64_t first, last;
	uint64_t ticks;
	struct when_ctx c;

	segments_span(&src->sg, &first, &last, &ticks);
	c = (struct when_ctx){first, last, first, last};
	src->t0_ms = first;
	src->t1_ms = last;
	if (from && when_parse(from, &c, &src->t0_ms, err, errlen) < 0)
		return SOURCE_BAD_FROM;
	c.plus_ref_ms = src->t0_ms;
	if (to && when_parse(to, &c, &src->t1_ms, err, errlen) < 0)
		return SOURCE_BAD_TO;
	if (src->t0_ms > src->t1_ms) {
		snprintf(err, errlen, "FROM is after TO");
		return SOURCE_BAD_ORDER;
	}
	snprintf(src->from, sizeof(src->from), "%" PRId64, src->t0_ms);
	snprintf(src->to, sizeof(src->to), "%" PRId64, src->t1_ms);
	return 0;
}

void source_say_notes(const struct source *src)
{
	for (size_t i = 0; i < src->sg.nnotes; i++)
		fprintf(stderr, "vigil: '%s': skipped %s\n", src->sg.dir,
			src->sg.notes[i]);
}

int source_open_dir(const char *dir, const char *from, const char *to, struct source *src,
		    char *err, size_t errlen)
{
	int slot, rc;

	memset(src, 0, sizeof(*src));
	src->path = dir;
	src->dir = true;
	if (segments_scan(dir, &src->sg, err, errlen) < 0) {
		segments_release(&src->sg); /* its first note is in err */
		return SOURCE_RUNTIME;
	}
	rc = resolve(src, from, to, err, errlen);
	if (rc < 0)
		return rc;
	slot = take_slot(&src->copy);
	if (slot < 0) {
		snprintf(err, errlen,
			 "cannot read '%s': more than %d directories at once", dir,
			 SOURCE_COPIES);
		return SOURCE_RUNTIME;
	}
	if (history_copy(&src->sg, src->t0_ms, src->t1_ms, &src->copy, err, errlen) < 0)
		return SOURCE_RUNTIME;
	remove_on_signals(slot, &src->copy);
	src->path = src->copy.path;
	return 0;
}

void source_open(const char *operand, const char **from, const char **to,
		 struct source *src)
{
	char err[768];
	int rc;

	memset(src, 0, sizeof(*src));
	src->path = operand;
	if (!segments_is_dir(operand))
		return;
	rc = source_open_dir(operand, *from, *to, src, err, sizeof(err));
	if (rc == SOURCE_BAD_FROM)
		usage_error("bad --from '%s': %s", *from, err);
	if (rc == SOURCE_BAD_TO)
		usage_error("bad --to '%s': %s", *to, err);
	if (rc == SOURCE_BAD_ORDER)
		usage_error("--from '%s' is after --to '%s'", *from ? *from : "start",
			    *to ? *to : "end");
	source_say_notes(src);
	if (rc < 0)
		fatal("%s", err);
	if (*from)
		*from = src->from;
	if (*to)
		*to = src->to;
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
	if (take_slot(&src->copy) < 0 ||
	    history_copy(&src->sg, last - window_ms, last, &src->copy, err, errlen) < 0) {
		drop_slot(&src->copy);
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
	sigset_t ends, was;

	/* a signal in between would find the slot armed with names already
	 * gone, or the copy there and the slot disarmed: it waits */
	sigemptyset(&ends);
	sigaddset(&ends, SIGINT);
	sigaddset(&ends, SIGTERM);
	sigaddset(&ends, SIGHUP);
	sigprocmask(SIG_BLOCK, &ends, &was);
	history_copy_remove(&src->copy);
	drop_slot(&src->copy);
	sigprocmask(SIG_SETMASK, &was, NULL);
	segments_release(&src->sg);
	src->dir = false;
}
