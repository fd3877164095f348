/* SPDX-License-Identifier: MIT */
/*
 * gcpipe: the child's output through a pipe, its GC trace lines parsed on
 * the way; see gcpipe.h. The reader polls with a short timeout so a stop
 * does not hang on a grandchild that keeps the pipe open.
 */
#include "cmd/gcpipe.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xalloc.h"

#define QUEUE_CAP 4096
#define LINE_MAX_BYTES 1024 /* longer lines are passed on, not parsed */
#define GO_MAGIC "\xff Go buildinf:"
#define SCAN_MAX (256u << 20)

struct gcpipe {
	int in_fd, out_fd;
	enum gc_runtime rt;
	pthread_t thread;
	pthread_mutex_t lock;
	bool stop;
	int64_t stop_deadline_polls;
	char line[LINE_MAX_BYTES];
	size_t len;
	bool overlong;
	struct gc_event q[QUEUE_CAP];
	size_t head, n;
	struct gcpipe_counts c;
};

/* Whether the file holds Go's build info magic (the .go.buildinfo section
 * starts with it); read in blocks, bounded. */
static bool is_go_binary(const char *path)
{
	static const char magic[] = GO_MAGIC;
	const size_t m = sizeof(magic) - 1;
	char buf[65536 + sizeof(magic)];
	size_t keep = 0, total = 0;
	bool found = false;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0)
		return false;
	if (read(fd, buf, 4) != 4 || memcmp(buf,
					    "\x7f"
					    "ELF",
					    4) != 0) {
		close(fd);
		return false;
	}
	while (!found && total < SCAN_MAX && (r = read(fd, buf + keep, 65536)) > 0) {
		size_t have = keep + (size_t)r;

		total += (size_t)r;
		found = memmem(buf, have, magic, m) != NULL;
		keep = have < m - 1 ? have : m - 1;
		memmove(buf, buf + have - keep, keep);
	}
	close(fd);
	return found;
}

enum gc_runtime gcpipe_detect(const char *argv0)
{
	const char *base = strrchr(argv0, '/');
	const char *path = getenv("PATH");
	enum gc_runtime rt = GC_RT_NONE;

	base = base ? base + 1 : argv0;
	if (!strcmp(base, "node") || !strcmp(base, "nodejs"))
		return GC_RT_NODE;
	if (strchr(argv0, '/'))
		return is_go_binary(argv0) ? GC_RT_GO : GC_RT_NONE;
	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		size_t n = strcspn(p, ":");
		char *full = xasprintf("%.*s/%s", (int)n, n ? p : ".", argv0);
		bool there = access(full, X_OK) == 0;

		if (there)
			rt = is_go_binary(full) ? GC_RT_GO : GC_RT_NONE;
		free(full);
		if (there)
			break; /* the one exec would run */
		p += n + (p[n] == ':');
	}
	return rt;
}

char **gcpipe_argv(enum gc_runtime rt, char *const cmd[])
{
	static char trace_gc[] = "--trace-gc";
	size_t n = 0, k = 0;
	char **argv;

	while (cmd[n])
		n++;
	argv = xcalloc(n + 2, sizeof(*argv));
	argv[k++] = cmd[0];
	if (rt == GC_RT_NODE)
		argv[k++] = trace_gc;
	for (size_t i = 1; i < n; i++)
		argv[k++] = cmd[i];
	return argv;
}

static const char *env_name(enum gc_runtime rt)
{
	return rt == GC_RT_GO ? "GODEBUG" : NULL; /* node: gcpipe_argv */
}

char *gcpipe_env_set(enum gc_runtime rt)
{
	const char *name = env_name(rt);
	const char *old = name ? getenv(name) : NULL;
	const char *add = "gctrace=1";
	char *val;

	if (!name)
		return NULL;
	val = old && *old ? xasprintf("%s,%s", old, add)
			  : xstrdup(add); /* GODEBUG: a,b */
	setenv(name, val, 1);
	free(val);
	return old ? xstrdup(old) : NULL;
}

void gcpipe_env_restore(enum gc_runtime rt, char *old)
{
	const char *name = env_name(rt);

	if (name && old)
		setenv(name, old, 1);
	else if (name)
		unsetenv(name);
	free(old);
}

/* Writes all of buf to fd; gives up on an error (the log is best effort,
 * the child must not block on a full pipe). */
static void pass_on(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		buf += w;
		n -= (size_t)w;
	}
}

static void line_done(struct gcpipe *g)
{
	struct gc_event ev;
	int rc = g->overlong ? 0 : gctrace_parse(g->line, g->len, &ev);

	pthread_mutex_lock(&g->lock);
	g->c.lines++;
	if (rc < 0)
		g->c.unparsed++;
	else if (rc > 0 && g->n == QUEUE_CAP)
		g->c.dropped++;
	else if (rc > 0) {
		g->q[(g->head + g->n) % QUEUE_CAP] = ev;
		g->n++;
		g->c.events++;
	}
	pthread_mutex_unlock(&g->lock);
	g->len = 0;
	g->overlong = false;
}

/* Splits what was read into lines; a partial line waits for the next read. */
static void split(struct gcpipe *g, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			line_done(g);
			continue;
		}
		if (g->len < sizeof(g->line))
			g->line[g->len++] = buf[i];
		else
			g->overlong = true;
	}
}

static bool stopping(struct gcpipe *g)
{
	bool s;

	pthread_mutex_lock(&g->lock);
	s = g->stop && g->stop_deadline_polls-- <= 0;
	pthread_mutex_unlock(&g->lock);
	return s;
}

static void *reader(void *arg)
{
	struct gcpipe *g = arg;
	char buf[8192];

	for (;;) {
		struct pollfd pfd = {.fd = g->in_fd, .events = POLLIN};
		int pr = poll(&pfd, 1, 50);
		ssize_t r;

		if (pr < 0 && errno != EINTR)
			break;
		if (pr <= 0) {
			if (stopping(g))
				break;
			continue;
		}
		r = read(g->in_fd, buf, sizeof(buf));
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			break; /* EOF: every writer is gone */
		pass_on(g->out_fd, buf, (size_t)r);
		split(g, buf, (size_t)r);
	}
	if (g->len)
		line_done(g); /* a last line without its newline */
	return NULL;
}

struct gcpipe *gcpipe_start(int out_fd, enum gc_runtime rt, int *child_fd, char *err,
			    size_t errlen)
{
	struct gcpipe *g = xcalloc(1, sizeof(*g));
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "cannot make a pipe: %s", strerror(errno));
		free(g);
		return NULL;
	}
	g->in_fd = fds[0];
	g->out_fd = fcntl(out_fd, F_DUPFD_CLOEXEC, 3);
	g->rt = rt;
	pthread_mutex_init(&g->lock, NULL);
	if (g->out_fd < 0 || pthread_create(&g->thread, NULL, reader, g) != 0) {
		snprintf(err, errlen, "cannot start the output reader: %s",
			 strerror(errno ? errno : EAGAIN));
		close(fds[0]);
		close(fds[1]);
		if (g->out_fd >= 0)
			close(g->out_fd);
		pthread_mutex_destroy(&g->lock);
		free(g);
		return NULL;
	}
	*child_fd = fds[1];
	return g;
}

size_t gcpipe_take(struct gcpipe *g, struct gc_event *ev, size_t cap)
{
	size_t k = 0;

	pthread_mutex_lock(&g->lock);
	for (; k < cap && g->n; k++, g->n--) {
		ev[k] = g->q[g->head];
		g->head = (g->head + 1) % QUEUE_CAP;
	}
	pthread_mutex_unlock(&g->lock);
	return k;
}

void gcpipe_counts(struct gcpipe *g, struct gcpipe_counts *c)
{
	pthread_mutex_lock(&g->lock);
	*c = g->c;
	pthread_mutex_unlock(&g->lock);
}

enum gc_runtime gcpipe_runtime(const struct gcpipe *g)
{
	return g->rt;
}

void gcpipe_stop(struct gcpipe *g, int grace_ms)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	g->stop = true;
	g->stop_deadline_polls = grace_ms / 50;
	pthread_mutex_unlock(&g->lock);
	pthread_join(g->thread, NULL);
	close(g->in_fd);
	close(g->out_fd);
	pthread_mutex_destroy(&g->lock);
	free(g);
}
