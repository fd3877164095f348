/* SPDX-License-Identifier: MIT */
/*
 * pipeline: the running machinery every sampling command shares (record and
 * the live console): the session file, its writer thread, the sampler thread,
 * and the command vigil may have started.
 *
 *   sampler --frame--> pipeline_publish --> alert rules (transitions join it)
 *                                       \-> store writer (its own reference)
 *                                       \-> /metrics figures (with --listen)
 *                                       \-> the command's consumer (optional)
 *
 * Startup is all-or-nothing: on failure every piece started so far is undone
 * and a session file vigil created is removed, so a failed start leaves
 * nothing behind. The StatsD listener is bound before the session file is
 * created: an explicit --statsd that cannot be parsed or bound fails the
 * start (a usage error), the default address taken is only a warning, and
 * so is a listener other hosts can reach. The /metrics server (--listen)
 * starts before both: a web config that cannot be read, or an address that
 * cannot be parsed, is a usage error, one that cannot be bound a runtime
 * error, and one other hosts can reach a warning. Its thread renders the
 * figures metrics_update keeps from each published frame; the sampler
 * never waits on it. A session in the default location
 * (no out) prunes the older saved sessions beside it once the start succeeded
 * (cmd/retention.h); a bad VIGIL_RETAIN_* setting is the one thing said on stderr here.
 * Shutdown stops the sampler first, then ends a command vigil started (so its exit status
 * is stored), then drains the writer.
 */
#ifndef VIGIL_CMD_PIPELINE_H
#define VIGIL_CMD_PIPELINE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "cmd/alerts.h"
#include "cmd/leakwatch.h"
#include "cmd/metrics_http.h"
#include "cmd/spawn.h"
#include "collectors/profiler.h"
#include "core/frame.h"
#include "core/webconfig.h"
#include "store/rotation.h"
#include "store/writer.h"

struct metrics;

struct pipeline_opts {
	int pid; /* attach to this process, or 0 */
	const char
		*cgroup; /* -c: attach to this cgroup (collectors/cgtarget.h), or NULL */
	char **cmd;	 /* start this command and attach to it, or NULL */
	bool gc_trace;	 /* --gc-trace: the command's GC trace (cmd/gcpipe.h) */
	bool cmd_quiet;	 /* the command's output goes to <session>.log, not the tty */
	const char *out; /* session path; NULL: the default location */
	bool force;	 /* replace an existing out */
	bool temporary;	 /* the session is scratch: removed at pipeline_stop */
	int64_t interval_ms;
	/* Called on the sampler thread for every frame; borrows it (frame_ref to
	 * keep it). May be NULL. */
	void (*on_frame)(struct frame *f, void *ctx);
	void *ctx;
	struct alerts *alerts; /* evaluated on every frame; borrowed; may be NULL */
	/* StatsD listener address ("127.0.0.1:8125", "[::1]:9125", "8125"),
	 * NULL for the default, "off" for none */
	const char *statsd;
	/* --listen ADDR:PORT: serve /metrics there (cmd/metrics_http.h), or
	 * NULL for no server */
	const char *listen;
	/* --web-config FILE: TLS and basic auth for it (core/webconfig.h), or
	 * NULL */
	const char *web_config;
	/* --metrics-config FILE: process groups, top N, buckets of /metrics
	 * (analysis/openmetrics.h), or NULL for the defaults */
	const char *metrics_config;
	/* vigil daemon records the whole system: the session keeps what only
	 * this run has (target, profiles, actions, alerts), not the process
	 * table (store_skip_processes), and exit accounting reads no command
	 * lines (the daemon's files have them) */
	bool skip_processes;
	/* Record into a new file each period in a directory (the daemon's;
	 * store/rotation.h) instead of one session file: out, force and
	 * temporary are then unused, and nothing is pruned here. Borrowed
	 * during pipeline_start only. */
	const struct rotation_config *rotate;
};

/* Notices of the command itself (a daemon shedding data), waiting for the
 * next frame. */
#define PIPELINE_NOTICES_MAX 16

struct pipeline {
	char *path;
	bool temporary;
	struct store *store;
	struct store_writer *writer;
	struct sampler *sampler;
	struct spawn child;
	bool has_child;
	struct session_meta meta;
	void (*on_frame)(struct frame *f, void *ctx);
	void *ctx;
	struct alerts *alerts;
	struct frame *prev; /* sampler thread: the frame before, for rates */
	struct statsd *statsd;
	struct leakwatch *leak;	      /* sampler thread: the leak analysis */
	struct gcpipe *gc;	      /* with gc_trace: the child's output reader */
	struct profiler *autoprofile; /* sampler thread: an alert's profile: action */
	char autoprofile_rule[160];
	int tick_target;  /* sampler thread: the live target of this tick, or 0 */
	char cgroup[256]; /* -c: the target cgroup's path ("/x/y"), else "" */
	/* said once after start: "warning: ..." (the StatsD port is taken, or
	 * the listener is reachable from other hosts) */
	char warning[320];
	struct metrics *metrics;     /* with listen: updated by the sampler */
	struct metrics_http *http;   /* with listen: the server */
	struct webconfig web;	     /* with web_config: what it said */
	char metrics_warning[160];   /* "warning: ..." the server is reachable
				      * from other hosts without TLS and auth */
	struct rotation *rotation;   /* with opts.rotate: the files; else NULL */
	pthread_mutex_t notice_lock; /* guards the two below */
	struct notice notices[PIPELINE_NOTICES_MAX];
	size_t nnotices;
};

/* pipeline_start's return for a usage error (exit 2), such as a bad --statsd */
#define PIPELINE_USAGE (-2)

/*
 * Creates the session, starts the writer and the sampler, releases the
 * command, and (default location only) prunes older saved sessions; a bad
 * VIGIL_RETAIN_* value prints a warning line to stderr. Returns 0, or -1
 * (runtime) or PIPELINE_USAGE (nothing was created) with a complete one-line
 * message in err (the caller prefixes "vigil: ").
 */
int pipeline_start(struct pipeline *p, const struct pipeline_opts *o, char *err,
		   size_t errlen);
/* "http://127.0.0.1:9464/metrics" while serving (--listen), else NULL. */
const char *pipeline_metrics_url(const struct pipeline *p);
/* Reaps the started command if it exited and tells the sampler; true if gone. */
bool pipeline_poll_child(struct pipeline *p);
/*
 * Attaches the sampler to another process from the next tick on (0 detaches).
 * Returns 0 or -1 with err ("no such process").
 */
int pipeline_attach(struct pipeline *p, int pid, char *err, size_t errlen);
/*
 * Any thread: starts a profiler thread on pid (collectors/profiler.h; end
 * it with profiler_finish). The one place a pipeline starts profiles: for
 * an alert's profile: action and for the live console's `p`. NULL with err.
 */
struct profiler *pipeline_profiler_start(struct pipeline *p, int pid,
					 const struct profiler_opts *o, char *err,
					 size_t errlen);
/* Any thread: stores a finished profile in the session (taken over). */
void pipeline_save_profile(struct pipeline *p, struct profile *prof);
/* Any thread: stores an operator's action (a copy) in the session, through
 * the writer thread. */
void pipeline_record_action(struct pipeline *p, const struct proc_action *a);
/*
 * Any thread: a notice (kind, e.g. "shed"; source, e.g. "daemon"; message)
 * joins the next frame's notices, so the session and report show it. Beyond
 * PIPELINE_NOTICES_MAX waiting, the newest replaces the last one waiting.
 */
void pipeline_notice(struct pipeline *p, const char *kind, const char *source,
		     const char *message);
/*
 * Any thread: the session file being written now (the current one of a
 * rotation), into buf. Returns buf.
 */
char *pipeline_path(struct pipeline *p, char *buf, size_t len);
/* Asks for a smaps reading of the target now (any thread). */
void pipeline_read_smaps(struct pipeline *p);

/* Stops the sampler (no frame is published after it returns); idempotent. */
void pipeline_stop_sampling(struct pipeline *p);
/*
 * Stops everything, records the end of the session, and closes the file.
 * *stats (unless NULL) gets the writer's final counters. Returns 0, or -1
 * with err when the session could not be closed properly.
 */
int pipeline_stop(struct pipeline *p, struct store_writer_stats *stats, char *err,
		  size_t errlen);

#endif
