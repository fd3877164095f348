/* SPDX-License-Identifier: MIT */
/*
 * live: `vigil [-i INTERVAL] [-p PID | -- CMD...]` — the console. Wires the
 * same pipeline as record (session file, writer, sampler, started command)
 * to the tui, which gets every frame the sampler publishes and reads its
 * history back from the session file.
 *
 * Without -o the session is saved under $XDG_STATE_HOME/vigil/; with
 * --no-record it is a scratch file removed on exit. A command started with
 * `--` writes its output to <session>.log, since the console owns the
 * terminal.
 */

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "cmd/commands.h"
#include "cmd/history_dir.h"
#include "cmd/pipeline.h"
#include "cmd/source.h"
#include "collectors/target_access.h"
#include "core/clock.h"
#include "core/duration.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "tui/term.h"
#include "tui/tui.h"

struct live_opts {
	int pid;
	const char *cgroup; /* -c CGROUP, or NULL */
	char **cmd;
	const char *out;
	int64_t interval_ms;
	bool force, no_record, ascii, no_color, no_mouse, bell, no_alerts;
	bool gc_trace; /* --gc-trace */
	const char *alerts, *statsd, *listen, *web_config, *metrics_config;
	const char *history; /* the daemon's directory; NULL: the default */
	bool no_history;
};

struct live {
	struct pipeline p;
	struct tui *tui;
	struct alerts *alerts;
};

static int cmd_live(int argc, char **argv);

enum {
	LIVE_OPT_NO_RECORD = CLI_OPT_OWN,
	LIVE_OPT_BELL,
	LIVE_OPT_VERSION,
	LIVE_OPT_HISTORY,
	LIVE_OPT_NO_HISTORY
};

/* clang-format off */
static const struct cli_option live_options[] = {
	CLI_SHARED(CLI_OPT_PID),
	CLI_SHARED(CLI_OPT_CGROUP),
	CLI_SHARED(CLI_OPT_INTERVAL),
	CLI_SHARED(CLI_OPT_OUTPUT),
	CLI_SHARED_AS(CLI_OPT_FORCE, NULL, "replace an existing -o file and its "
		      "FILE.log"),
	{LIVE_OPT_NO_RECORD, 0, "no-record", NULL,
	 "keep the session in a scratch file, removed on exit"},
	CLI_SHARED(CLI_OPT_ASCII),
	CLI_SHARED(CLI_OPT_NO_COLOR),
	CLI_SHARED(CLI_OPT_NO_MOUSE),
	{LIVE_OPT_BELL, 0, "bell", NULL, "ring the bell when an alert fires"},
	CLI_SHARED(CLI_OPT_ALERTS),
	CLI_SHARED(CLI_OPT_NO_ALERTS),
	CLI_SHARED(CLI_OPT_STATSD),
	CLI_SHARED(CLI_OPT_LISTEN),
	CLI_SHARED(CLI_OPT_WEB_CONFIG),
	CLI_SHARED(CLI_OPT_METRICS_CONFIG),
	CLI_SHARED(CLI_OPT_GC_TRACE),
	{LIVE_OPT_VERSION, 'V', "version", NULL, "print the version"},
	{LIVE_OPT_HISTORY, 0, "history", "DIR",
	 "open with vigil daemon's history in DIR"},
	{LIVE_OPT_NO_HISTORY, 0, "no-history", NULL,
	 "open without the daemon's history"},
};
/* clang-format on */

const struct cli_command live_command = {
	.name = NULL,
	.operands = "[-- CMD ARGS...]",
	.summary = "The console: watch a Linux server and one process (-p PID, or a "
		   "command it\nstarts) or cgroup (-c), and record everything to a "
		   "SQLite session.",
	.about = "Durations: 250ms, 5s, 2m, 1h, 1m30s. VIGIL_LOG=FILE writes a debug "
		 "log.\nExit status: 0 ok, 1 failure, 2 usage error.\n",
	.options = live_options,
	.noptions = sizeof(live_options) / sizeof(live_options[0]),
	.flags = CLI_CMD_OPTIONS_FIRST,
	.run = cmd_live,
	.more_help = commands_print_list,
};

static void parse_opts(int argc, char **argv, struct live_opts *o)
{
	struct cli_args a;

	cli_parse(&live_command, argc, argv, &a);
	if (cli_has(&a, LIVE_OPT_VERSION)) {
		printf("vigil %s\n", VIGIL_VERSION);
		exit(fflush(stdout) == 0 ? 0 : 1);
	}
	*o = (struct live_opts){
		.pid = a.pid,
		.cgroup = a.value[CLI_OPT_CGROUP],
		.out = a.value[CLI_OPT_OUTPUT],
		.interval_ms = a.interval_ms,
		.force = cli_has(&a, CLI_OPT_FORCE),
		.no_record = cli_has(&a, LIVE_OPT_NO_RECORD),
		.ascii = cli_has(&a, CLI_OPT_ASCII),
		.no_color = cli_has(&a, CLI_OPT_NO_COLOR),
		.no_mouse = cli_has(&a, CLI_OPT_NO_MOUSE),
		.bell = cli_has(&a, LIVE_OPT_BELL),
		.no_alerts = cli_has(&a, CLI_OPT_NO_ALERTS),
		.alerts = a.value[CLI_OPT_ALERTS],
		.statsd = a.value[CLI_OPT_STATSD],
		.listen = a.value[CLI_OPT_LISTEN],
		.web_config = a.value[CLI_OPT_WEB_CONFIG],
		.metrics_config = a.value[CLI_OPT_METRICS_CONFIG],
		.history = a.value[LIVE_OPT_HISTORY],
		.no_history = cli_has(&a, LIVE_OPT_NO_HISTORY),
		.gc_trace = cli_has(&a, CLI_OPT_GC_TRACE),
	};
	if (o->history && o->no_history)
		usage_error("--history and --no-history cannot be used together");
	o->cmd = cli_command(argc, argv, a.operand);
	if (o->pid && o->cmd)
		usage_error("-p and -- CMD cannot be used together");
	if (o->cgroup && (o->pid || o->cmd))
		usage_error("-c and %s cannot be used together",
			    o->pid ? "-p" : "-- CMD");
	if (o->cgroup && !*o->cgroup)
		usage_error("-c needs a cgroup");
	if (o->no_record && o->out)
		usage_error("--no-record and -o cannot be used together");
}

static void on_frame(struct frame *f, void *ctx)
{
	struct live *l = ctx;

	tui_post_frame(l->tui, f);
}

static int hook_attach(void *ctx, int pid, char *err, size_t errlen)
{
	if (pipeline_attach(&((struct live *)ctx)->p, pid, err, errlen) < 0)
		return -1;
	/* attached, with holes: the status line says which */
	target_access_describe(NULL, pid, TARGET_ACCESS_STATUS, err, errlen);
	return 0;
}

static void hook_poll_child(void *ctx)
{
	pipeline_poll_child(&((struct live *)ctx)->p);
}

static void hook_ack(void *ctx, const char *rule)
{
	struct live *l = ctx;

	if (l->alerts)
		alerts_ack(l->alerts, rule);
}

static void hook_read_smaps(void *ctx)
{
	pipeline_read_smaps(&((struct live *)ctx)->p);
}

static void hook_record_action(void *ctx, const struct proc_action *a)
{
	pipeline_record_action(&((struct live *)ctx)->p, a);
}

static void hook_save_profile(void *ctx, struct profile *p)
{
	pipeline_save_profile(&((struct live *)ctx)->p, p);
}

/* A capture the console asked for (tui.h's profile hooks). */
struct tui_capture {
	struct profiler *pr;
	struct profiler_opts o;
	int pid;
};

/* "DURATION [HZ] [cpu|wall|alloc|live]", all optional: "10s 999 wall".
 * -1 with why. */
static int parse_spec(const char *spec, struct profiler_opts *o, char *err, size_t len)
{
	char buf[128], why[128], *tok, *save = NULL;
	int n = 0;

	*o = (struct profiler_opts){.mode = PROFILE_CPU,
				    .hz = 99,
				    .duration_ms = PROFILER_DURATION_DEFAULT_MS,
				    .method = PROFILER_AUTO};
	snprintf(buf, sizeof(buf), "%s", spec ? spec : "");
	for (tok = strtok_r(buf, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		char *end;
		long hz;

		if (!strcmp(tok, "cpu") || !strcmp(tok, "wall")) {
			o->mode = tok[0] == 'w' ? PROFILE_WALL : PROFILE_CPU;
			continue;
		}
		if (!strcmp(tok, "alloc") || !strcmp(tok, "live")) {
			o->mode = tok[0] == 'a' ? PROFILE_ALLOC : PROFILE_LIVE;
			continue;
		}
		if (n++ == 0) {
			if (duration_parse(tok, &o->duration_ms, why, sizeof(why)) < 0 ||
			    o->duration_ms <= 0) {
				snprintf(err, len, "cannot read duration '%s'", tok);
				return -1;
			}
			continue;
		}
		hz = strtol(tok, &end, 10);
		if (*end || end == tok || hz < 1 || hz > PROFILER_HZ_MAX || n > 2) {
			snprintf(err, len,
				 "cannot read '%s': want DURATION [HZ 1..%d] "
				 "[cpu|wall|alloc|live]",
				 tok, PROFILER_HZ_MAX);
			return -1;
		}
		o->hz = (int)hz;
	}
	return 0;
}

static struct tui_capture *hook_profile_start(void *ctx, int pid, const char *spec,
					      char *err, size_t errlen)
{
	struct tui_capture *c = xcalloc(1, sizeof(*c));
	char why[256];

	if (parse_spec(spec, &c->o, err, errlen) < 0) {
		free(c);
		return NULL;
	}
	c->pr = pipeline_profiler_start(&((struct live *)ctx)->p, pid, &c->o, why,
					sizeof(why));
	if (!c->pr) {
		snprintf(err, errlen, "cannot profile pid %d: %s", pid, why);
		free(c);
		return NULL;
	}
	c->pid = pid;
	return c;
}

static void hook_profile_progress(void *ctx, struct tui_capture *c,
				  struct tui_capture_progress *out)
{
	struct profiler_progress pr;

	(void)ctx;
	profiler_progress(c->pr, &pr);
	*out = (struct tui_capture_progress){
		.pid = c->pid,
		.hz = PROFILE_BYTES(c->o.mode) ? 0 : c->o.hz,
		.duration_ms = c->o.duration_ms,
		.elapsed_ms = pr.elapsed_ms,
		.samples = pr.samples,
		.lost = pr.lost,
		.done = profiler_done(c->pr),
	};
	snprintf(out->sampler, sizeof(out->sampler), "%s", pr.sampler);
}

static void hook_profile_cancel(void *ctx, struct tui_capture *c)
{
	(void)ctx;
	profiler_cancel(c->pr);
}

static struct profile *hook_profile_finish(void *ctx, struct tui_capture *c)
{
	struct profile *p = profiler_finish(c->pr); /* joins; a cancel is implied */

	(void)ctx;
	free(c);
	return p;
}

static void hook_writer_stats(void *ctx, uint64_t *dropped, uint64_t *failed)
{
	struct store_writer_stats st;

	store_writer_stats(((struct live *)ctx)->p.writer, &st);
	*dropped = st.dropped;
	*failed = st.failed;
}

/* The history the console opens with: the last hour (copying a day of a
 * busy server takes seconds, README), enough for the graphs up to 1h. */
#define LIVE_HISTORY_MS (3600 * 1000LL)

/*
 * The daemon's directory: its last day copied for the console's graphs
 * (hist->path, or none), and whether a daemon records there now, in which
 * case this session leaves the process table to it.
 */
static void open_history(const struct live_opts *o, struct source *hist,
			 bool *daemon_records)
{
	char *dir = o->no_history ? NULL
		    : o->history  ? xstrdup(o->history)
				  : history_dir_default();
	char err[768];
	pid_t pid;

	memset(hist, 0, sizeof(*hist));
	*daemon_records = false;
	if (!dir)
		return;
	*daemon_records = history_dir_recording(dir, &pid);
	if (!source_open_history(dir, LIVE_HISTORY_MS, hist, err, sizeof(err))) {
		log_debug("history: %s", err);
		if (o->history) /* asked for by name: say why not */
			fprintf(stderr, "vigil: no history: %s\n", err);
	}
	log_debug("history: '%s'%s", dir,
		  *daemon_records ? ", a daemon records there" : "");
	free(dir);
}

/* A scratch session path for --no-record, unique to this process. */
static char *scratch_path(void)
{
	const char *dir = getenv("TMPDIR");

	return xasprintf("%s/vigil-live-%d.vigil", dir && *dir ? dir : "/tmp",
			 (int)getpid());
}

static int cmd_live(int argc, char **argv)
{
	int64_t start_ns = clock_mono_ns();
	struct live_opts o;
	struct live l = {.tui = NULL};
	struct source hist;
	bool daemon_records;
	char *scratch = NULL, err[768], alert_note[160] = "";
	const char *no_color = getenv("NO_COLOR");
	int rc;

	parse_opts(argc, argv, &o);
	l.alerts = o.no_alerts ? NULL
			       : alerts_load_or_exit(o.alerts, alert_note,
						     sizeof(alert_note));
	if (!isatty(0) || !isatty(1))
		fatal("the live console needs a terminal: use 'vigil record' for a "
		      "headless run");
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C"); /* numbers stay "1.5", whatever the locale */
	open_history(&o, &hist, &daemon_records);
	struct tui_config cfg = {
		.history_path = hist.dir ? hist.path : NULL,
		.recording = !o.no_record,
		.ascii = o.ascii || !term_locale_utf8(),
		.color = !o.no_color && !(no_color && *no_color),
		.mouse = !o.no_mouse,
		.start_on_target = o.pid || o.cmd || o.cgroup,
		.target_started = o.cmd != NULL,
		.interval_ms = o.interval_ms,
		.start_ns = start_ns,
		.attach = hook_attach,
		.poll_child = hook_poll_child,
		.writer_stats = hook_writer_stats,
		.ack = l.alerts ? hook_ack : NULL,
		.save_profile = hook_save_profile,
		.profile = {hook_profile_start, hook_profile_progress,
			    hook_profile_cancel, hook_profile_finish},
		.read_smaps = hook_read_smaps,
		.record_action = hook_record_action,
		.bell = o.bell,
		/* rejected rules were said on stderr, hidden behind the screen now */
		.startup_message = strstr(alert_note, "rejected") ? alert_note : NULL,
		.ctx = &l,
	};
	if (o.no_record)
		scratch = scratch_path();
	struct pipeline_opts po = {
		.pid = o.pid,
		.cgroup = o.cgroup,
		.cmd = o.cmd,
		.cmd_quiet = true,
		.out = o.no_record ? scratch : o.out,
		.force = o.force || o.no_record,
		.temporary = o.no_record,
		.interval_ms = o.interval_ms,
		.on_frame = on_frame,
		.ctx = &l,
		.alerts = l.alerts,
		.statsd = o.statsd,
		.listen = o.listen,
		.web_config = o.web_config,
		.metrics_config = o.metrics_config,
		.skip_processes = daemon_records,
		.gc_trace = o.gc_trace,
	};
	l.tui = tui_new(&cfg);
	rc = pipeline_start(&l.p, &po, err, sizeof(err));
	if (rc < 0) {
		tui_free(l.tui);
		free(scratch);
		if (rc == PIPELINE_USAGE)
			usage_error("%s", err);
		fatal("%s", err);
	}
	tui_set_session(l.tui, l.p.path, &l.p.meta);
	if (l.p.warning[0]) {
		/* on stderr too: it stays on the terminal once the console ends */
		fprintf(stderr, "vigil: %s\n", l.p.warning);
		tui_note(l.tui, l.p.warning);
	}
	if (l.p.metrics_warning[0]) {
		fprintf(stderr, "vigil: %s\n", l.p.metrics_warning);
		tui_note(l.tui, l.p.metrics_warning);
	}
	if (l.p.meta.target_pid &&
	    target_access_describe(NULL, l.p.meta.target_pid, TARGET_ACCESS_STDERR, err,
				   sizeof(err))) {
		fprintf(stderr, "vigil: %s\n", err);
		/* the status line has one message: this one matters more */
		target_access_describe(NULL, l.p.meta.target_pid, TARGET_ACCESS_STATUS,
				       err, sizeof(err));
		tui_note(l.tui, err);
	}
	tui_run(l.tui);
	if (!o.no_record)
		fprintf(stderr, "session saved to '%s'\n", l.p.path);
	/* the tui's reader closes before the writer, so the writer's close is
	 * the last and folds the WAL back into the file */
	pipeline_stop_sampling(&l.p);
	tui_free(l.tui);
	rc = pipeline_stop(&l.p, NULL, err, sizeof(err));
	alerts_free(l.alerts);
	free(scratch);
	source_close(&hist);
	if (rc < 0)
		fatal("%s", err);
	return 0;
}
