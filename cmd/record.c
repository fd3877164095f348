/* SPDX-License-Identifier: MIT */
#include "cmd/commands.h"
/*
 * record: `vigil record` — sample without a terminal into a session file.
 *
 * Threads: the sampler ticks and publishes frames; the store writer commits
 * them; this (main) thread only waits for signals: SIGINT/SIGTERM/SIGHUP stop,
 * SIGCHLD reaps a command we started, SIGUSR1 is the sampler saying the target
 * is gone. All are blocked before any thread starts and taken with
 * sigtimedwait, so no handler ever runs. Between signals, main looks at the
 * writer's counters once a second, so failing writes (a full disk) are said
 * once while recording goes on, and counted in one line at the end (exit 1).
 *
 * Recording ends when -d elapses, on a signal, or when the target exits (as
 * perf record does); a command vigil started and that still runs then gets
 * SIGTERM so its exit status lands in the session.
 */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "cmd/pipeline.h"
#include "collectors/target_access.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/xalloc.h"

struct record_opts {
	int pid;
	char **cmd; /* argv after "--", or NULL */
	const char *out;
	int64_t interval_ms;
	int64_t duration_ms; /* 0: until stopped */
	bool force;
	const char *alerts; /* --alerts FILE, or NULL: the user's default */
	const char *statsd; /* --statsd ADDR|off, or NULL: the default */
	/* --listen, --web-config, --metrics-config, or NULL */
	const char *listen, *web_config, *metrics_config;
	bool no_alerts;
	bool gc_trace; /* --gc-trace */
};

/* How often main looks at the writer's counters while it waits. */
#define WRITER_POLL_NS 1000000000LL

struct recorder {
	pthread_t main_thread;
	atomic_bool target_gone;
	bool warned; /* said once that ticks cannot be written */
};

static int cmd_record(int argc, char **argv);

/* clang-format off */
static const struct cli_option record_options[] = {
	CLI_SHARED(CLI_OPT_PID),
	CLI_SHARED(CLI_OPT_OUTPUT),
	CLI_SHARED_AS(CLI_OPT_DURATION, NULL, "stop recording after DURATION"),
	CLI_SHARED(CLI_OPT_FORCE),
	CLI_PIPELINE_OPTIONS,
	CLI_SHARED(CLI_OPT_STATSD),
	CLI_SHARED(CLI_OPT_LISTEN),
	CLI_SHARED(CLI_OPT_WEB_CONFIG),
	CLI_SHARED(CLI_OPT_METRICS_CONFIG),
	CLI_SHARED(CLI_OPT_GC_TRACE),
};
/* clang-format on */

const struct cli_command record_command = {
	.name = "record",
	.operands = "[-- CMD ARGS...]",
	.summary = "sample without a terminal until -d ends, the target exits, or a "
		   "signal",
	.about = "SIGINT, SIGTERM or SIGHUP end the recording; a command started with "
		 "-- that\nstill runs then gets SIGTERM.\n",
	.options = record_options,
	.noptions = sizeof(record_options) / sizeof(record_options[0]),
	.flags = CLI_CMD_OPTIONS_FIRST,
	.run = cmd_record,
};

static void parse_opts(int argc, char **argv, struct record_opts *o)
{
	struct cli_args a;

	cli_parse(&record_command, argc, argv, &a);
	*o = (struct record_opts){
		.pid = a.pid,
		.out = a.value[CLI_OPT_OUTPUT],
		.interval_ms = a.interval_ms,
		.duration_ms = a.duration_ms,
		.force = cli_has(&a, CLI_OPT_FORCE),
		.alerts = a.value[CLI_OPT_ALERTS],
		.statsd = a.value[CLI_OPT_STATSD],
		.listen = a.value[CLI_OPT_LISTEN],
		.web_config = a.value[CLI_OPT_WEB_CONFIG],
		.metrics_config = a.value[CLI_OPT_METRICS_CONFIG],
		.gc_trace = cli_has(&a, CLI_OPT_GC_TRACE),
		.no_alerts = cli_has(&a, CLI_OPT_NO_ALERTS),
	};
	o->cmd = cli_command(argc, argv, a.operand);
	if (o->pid && o->cmd)
		usage_error("-p and -- CMD cannot be used together");
}

/* On the sampler thread: the first frame without a live target wakes main. */
static void on_frame(struct frame *f, void *ctx)
{
	struct recorder *r = ctx;

	/* an alert action that failed or was dropped: said as it happens */
	for (size_t i = 0; i < f->nnotices; i++)
		cli_warn("alert '%s': %s", f->notices[i].source, f->notices[i].message);
	if (f->target && !f->target->alive && !atomic_exchange(&r->target_gone, true))
		pthread_kill(r->main_thread, SIGUSR1);
}

/* The signals main takes with sigtimedwait (blocked in every thread). */
static void handled_signals(sigset_t *set)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGUSR1};

	sigemptyset(set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(set, sigs[i]);
}

/*
 * The first time the writer fails a tick (disk full, file too large, I/O
 * error), say so once: the recording goes on, and the summary at the end
 * counts what was lost.
 */
static void check_writer(struct recorder *r, struct pipeline *p)
{
	struct store_writer_stats st;

	if (r->warned)
		return;
	store_writer_stats(p->writer, &st);
	if (!st.failed)
		return;
	r->warned = true;
	cli_warn("cannot write to session '%s': %s (still recording, ticks are lost)",
		 p->path, st.last_error);
}

/* Waits for the end of the recording; returns why it ended, for the log. */
static const char *wait_for_end(const struct record_opts *o, struct recorder *r,
				struct pipeline *p)
{
	int64_t deadline =
		o->duration_ms ? clock_mono_ns() + o->duration_ms * 1000000 : 0;
	sigset_t set;

	handled_signals(&set);
	for (;;) {
		int64_t wait = WRITER_POLL_NS;
		struct timespec ts;
		int sig;

		check_writer(r, p);
		if (deadline) {
			int64_t left = deadline - clock_mono_ns();

			if (left <= 0)
				return "duration reached";
			if (left < wait)
				wait = left;
		}
		ts.tv_sec = wait / 1000000000;
		ts.tv_nsec = wait % 1000000000;
		sig = sigtimedwait(&set, NULL, &ts);
		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP)
			return "signal";
		if (sig == SIGCHLD)
			pipeline_poll_child(p);
		if (sig == SIGUSR1)
			return "target exited";
	}
}

/* After the recording: the alert actions that failed or were dropped, in
 * total (the last ones may have come after the last tick was written). */
static void report_actions(struct alerts *a)
{
	struct action_counts c;

	if (!a)
		return;
	alerts_stop_actions(a);
	alerts_action_counts(a, &c);
	if (c.failed || c.dropped)
		fprintf(stderr,
			"vigil: alert actions: %llu run, %llu failed, %llu dropped\n",
			(unsigned long long)c.run, (unsigned long long)c.failed,
			(unsigned long long)c.dropped);
}

static void block_signals(void)
{
	sigset_t set;

	handled_signals(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

static int cmd_record(int argc, char **argv)
{
	struct record_opts o;
	struct recorder r;
	struct pipeline p;
	struct store_writer_stats stats;
	struct alerts *alerts;
	char err[768];
	int rc = 0;

	parse_opts(argc, argv, &o);
	alerts = o.no_alerts ? NULL : alerts_load_or_exit(o.alerts, NULL, 0);
	/* before any thread exists, so every thread inherits the mask */
	block_signals();
	r.main_thread = pthread_self();
	atomic_init(&r.target_gone, false);
	r.warned = false;
	struct pipeline_opts po = {
		.pid = o.pid,
		.cmd = o.cmd,
		.out = o.out,
		.force = o.force,
		.interval_ms = o.interval_ms,
		.on_frame = on_frame,
		.ctx = &r,
		.alerts = alerts,
		.statsd = o.statsd,
		.listen = o.listen,
		.web_config = o.web_config,
		.metrics_config = o.metrics_config,
		.gc_trace = o.gc_trace,
	};
	rc = pipeline_start(&p, &po, err, sizeof(err));
	if (rc == PIPELINE_USAGE)
		usage_error("%s", err);
	if (rc < 0)
		fatal("%s", err);
	if (!o.out)
		fprintf(stderr, "recording to '%s'\n", p.path);
	if (pipeline_metrics_url(&p))
		fprintf(stderr, "serving metrics at %s\n", pipeline_metrics_url(&p));
	if (p.warning[0])
		cli_warn("%s", p.warning);
	if (p.metrics_warning[0])
		cli_warn("%s", p.metrics_warning);
	if (p.meta.target_pid &&
	    target_access_describe(NULL, p.meta.target_pid, TARGET_ACCESS_STDERR, err,
				   sizeof(err)))
		cli_warn("%s", err);
	log_debug("recording ends: %s", wait_for_end(&o, &r, &p));
	if (pipeline_stop(&p, &stats, err, sizeof(err)) < 0) {
		rc = 1;
		/* when ticks failed, closing failed for the same reason: the
		 * summary below is the one line worth reading */
		if (stats.failed)
			log_debug("record: %s", err);
		else
			cli_warn("%s", err);
	}
	report_actions(alerts);
	alerts_free(alerts);
	if (stats.failed || stats.dropped) {
		cli_warn("%llu ticks not written (%llu dropped, %llu failed): %s",
			 (unsigned long long)(stats.failed + stats.dropped),
			 (unsigned long long)stats.dropped,
			 (unsigned long long)stats.failed,
			 stats.last_error[0] ? stats.last_error
					     : "the disk was too slow");
		if (stats.failed)
			rc = 1;
	}
	return rc;
}
