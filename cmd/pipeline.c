/* SPDX-License-Identifier: MIT */
/*
 * pipeline: start and stop of session + writer + sampler + started command.
 * See pipeline.h for the order of things and why.
 */
#include "cmd/pipeline.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "analysis/openmetrics.h"
#include "cmd/cli.h"
#include "cmd/gcpipe.h"
#include "cmd/retention.h"
#include "collectors/cgtarget.h"
#include "collectors/sampler.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/outfile.h"
#include "core/procfs.h"
#include "collectors/profiler.h"
#include "collectors/statsd_listener.h"
#include "core/xalloc.h"
#include "store/store.h"

#define WRITER_QUEUE_CAP 64

struct profiler *pipeline_profiler_start(struct pipeline *p, int pid,
					 const struct profiler_opts *o, char *err,
					 size_t errlen)
{
	(void)p; /* every profile of a pipeline starts here, whoever asks */
	return profiler_start(pid, o, err, errlen);
}

/*
 * Sampler thread: an alert with action=profile:DUR fired. One capture at a
 * time; another alert's request meanwhile is logged and skipped.
 */
static void on_alert_profile(void *ctx, int64_t ms, const char *rule)
{
	struct pipeline *p = ctx;
	struct profiler_opts o = {.mode = PROFILE_CPU, .hz = 99, .duration_ms = ms};
	char err[256];

	if (p->autoprofile || !p->tick_target) {
		log_debug("alert '%s': no profile: %s", rule,
			  p->autoprofile ? "a capture is running" : "no target");
		return;
	}
	p->autoprofile = pipeline_profiler_start(p, p->tick_target, &o, err, sizeof(err));
	if (!p->autoprofile)
		log_debug("alert '%s': no profile: %s", rule, err);
	snprintf(p->autoprofile_rule, sizeof(p->autoprofile_rule), "%s", rule);
}

/* Sampler thread, every tick: a finished alert profile goes to the writer. */
static void reap_autoprofile(struct pipeline *p, bool now)
{
	if (!p->autoprofile || (!now && !profiler_done(p->autoprofile)))
		return;
	if (now)
		profiler_cancel(p->autoprofile);
	store_writer_push_profile(p->writer, profiler_finish(p->autoprofile),
				  p->autoprofile_rule);
	p->autoprofile = NULL;
}

void pipeline_read_smaps(struct pipeline *p)
{
	if (p->sampler)
		sampler_request_smaps(p->sampler);
}

void pipeline_record_action(struct pipeline *p, const struct proc_action *a)
{
	if (p->writer)
		store_writer_push_action(p->writer, a);
}

void pipeline_save_profile(struct pipeline *p, struct profile *prof)
{
	store_writer_push_profile(p->writer, prof, NULL);
}

void pipeline_notice(struct pipeline *p, const char *kind, const char *source,
		     const char *message)
{
	struct notice *n;

	pthread_mutex_lock(&p->notice_lock);
	n = &p->notices[p->nnotices < PIPELINE_NOTICES_MAX ? p->nnotices++
							   : PIPELINE_NOTICES_MAX - 1];
	n->t_ms = clock_wall_ms();
	snprintf(n->kind, sizeof(n->kind), "%s", kind);
	snprintf(n->source, sizeof(n->source), "%s", source);
	snprintf(n->message, sizeof(n->message), "%s", message);
	pthread_mutex_unlock(&p->notice_lock);
}

char *pipeline_path(struct pipeline *p, char *buf, size_t len)
{
	if (p->rotation)
		return rotation_path(p->rotation, buf, len);
	snprintf(buf, len, "%s", p->path ? p->path : "");
	return buf;
}

/* Sampler thread: the command's own notices join the frame's. */
static void take_notices(struct pipeline *p, struct frame *f)
{
	pthread_mutex_lock(&p->notice_lock);
	if (p->nnotices) {
		f->notices = xrealloc(f->notices,
				      (f->nnotices + p->nnotices) * sizeof(*f->notices));
		/* at the frame's time: a reader asks for notices by the span of
		 * the ticks, and this may have been noticed just before the first */
		for (size_t i = 0; i < p->nnotices; i++) {
			f->notices[f->nnotices + i] = p->notices[i];
			f->notices[f->nnotices + i].t_ms = f->t_ms;
		}
		f->nnotices += p->nnotices;
		p->nnotices = 0;
	}
	pthread_mutex_unlock(&p->notice_lock);
}

/*
 * The collections the child traced since the last tick: the lowest heap
 * after a major one is this tick's floor for the leak verdict.
 */
static void take_gc_events(struct pipeline *p, struct frame *f)
{
	struct gc_event ev[256];
	size_t n, cap = 0;
	double floor = -1;

	while ((n = gcpipe_take(p->gc, ev, sizeof(ev) / sizeof(ev[0]))) > 0)
		for (size_t i = 0; i < n; i++) {
			struct gc_record *r;

			if (ev[i].major && (floor < 0 || ev[i].after_bytes < floor))
				floor = ev[i].after_bytes;
			if (!f->target)
				continue; /* rows are the target's */
			f->gcs = xgrow(f->gcs, &cap, f->ngcs + 1, sizeof(*f->gcs));
			r = &f->gcs[f->ngcs++];
			snprintf(r->runtime, sizeof(r->runtime), "%s",
				 gctrace_runtime_name(ev[i].runtime));
			snprintf(r->kind, sizeof(r->kind), "%s", ev[i].kind);
			r->major = ev[i].major;
			r->runtime_ms = ev[i].t_ms;
			r->pause_ms = ev[i].pause_ms;
			r->before_bytes = ev[i].before_bytes;
			r->after_bytes = ev[i].after_bytes;
		}
	if (floor >= 0)
		leakwatch_gc_floor(p->leak, f->t_ms, floor,
				   gcpipe_runtime(p->gc) == GC_RT_GO ? "go gc"
								     : "node gc");
}

static void pipeline_publish(struct frame *f, void *ctx)
{
	struct pipeline *p = ctx;

	reap_autoprofile(p, false);
	/* a cgroup target's profile is its busiest process's */
	p->tick_target = !f->target || !f->target->alive ? 0
			 : f->target->is_cgroup		 ? f->target->lead_pid
							 : f->target->pid;
	/* before anyone else sees it: verdicts and transitions are part of it */
	if (p->gc)
		take_gc_events(p, f);
	leakwatch_feed(p->leak, f);
	if (p->alerts)
		alerts_eval(p->alerts, f, p->prev, p->meta.clk_tck);
	take_notices(p, f); /* after the alerts': they replace the list */
	store_writer_push(p->writer, f);
	if (p->metrics) {
		struct store_writer_stats st;

		metrics_update(p->metrics, f);
		store_writer_stats(p->writer, &st);
		metrics_update_recorder(
			p->metrics,
			&(struct metrics_recorder){st.written, st.dropped, st.failed});
	}
	if (p->on_frame)
		p->on_frame(f, p->ctx);
	frame_unref(p->prev);
	p->prev = f; /* our reference moves to prev */
}

/*
 * -c: the cgroup must be there before anything is created, and the session
 * names it as the cgroup table does ("/system.slice/x"), however the user
 * wrote it.
 */
static int check_cgroup(struct pipeline *p, const struct pipeline_opts *o, char *err,
			size_t errlen)
{
	struct cgtarget *c;
	char why[128];

	if (!o->cgroup)
		return 0;
	if (cgtarget_open(NULL, NULL, o->cgroup, &c, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "cannot attach to cgroup '%s': %s", o->cgroup, why);
		return -1;
	}
	snprintf(p->cgroup, sizeof(p->cgroup), "%s", cgtarget_path(c));
	cgtarget_free(c);
	return 0;
}

static void fill_meta(struct session_meta *m, const struct pipeline_opts *o, int pid,
		      const char *cgroup)
{
	struct utsname un;

	memset(m, 0, sizeof(*m));
	snprintf(m->version, sizeof(m->version), "%s", VIGIL_VERSION);
	gethostname(m->host, sizeof(m->host) - 1);
	if (uname(&un) == 0)
		snprintf(m->kernel, sizeof(m->kernel), "%s", un.release);
	m->started_ms = clock_wall_ms();
	m->interval_ms = o->interval_ms;
	m->ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	m->clk_tck = procfs_clk_tck();
	m->page_size = procfs_page_size();
	m->boot_ms = procfs_boot_ms(PROCFS_ROOT_DEFAULT);
	m->mem_total = (uint64_t)sysconf(_SC_PHYS_PAGES) * (uint64_t)m->page_size;
	m->target_pid = pid;
	m->target_exit_code = -1;
	if (o->cgroup)
		snprintf(m->target_cgroup, sizeof(m->target_cgroup), "%s", cgroup);
	for (char **a = o->cmd; a && *a; a++) {
		size_t len = strlen(m->target_cmd);

		snprintf(m->target_cmd + len, sizeof(m->target_cmd) - len, "%s%s",
			 len ? " " : "", *a);
	}
}

static void undo(struct pipeline *p)
{
	pipeline_stop_sampling(p);
	if (p->has_child)
		spawn_finish(&p->child, 0);
	gcpipe_stop(p->gc, 0);
	p->gc = NULL;
	store_writer_stop(p->writer);
	p->writer = NULL;
	rotation_discard(p->rotation);
	p->rotation = NULL;
	store_discard(p->store); /* we created it: a failed start leaves nothing */
	p->store = NULL;
	free(p->path);
	p->path = NULL;
}

static int open_session(struct pipeline *p, const struct pipeline_opts *o, char *err,
			size_t errlen)
{
	if (o->out)
		p->path = xstrdup(o->out);
	else if (!(p->path = cli_default_session_path(err, errlen)))
		return -1;
	if (store_create(p->path, o->force, &p->store, err, errlen) < 0) {
		free(p->path);
		p->path = NULL;
		return -1;
	}
	store_skip_processes(p->store, o->skip_processes);
	return 0;
}

/*
 * A session in the default location: prune the older ones beside it. Runs
 * once the start succeeded, so a failed start deletes nothing, and before
 * curses owns the terminal, so a bad setting can still be said on stderr.
 */
static void prune_saved_sessions(const char *path)
{
	struct retention_caps caps;
	char warn[768];
	size_t removed;

	retention_caps_from_env(&caps, warn, sizeof(warn));
	for (char *line = warn, *next; *line; line = next) {
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		cli_warn("%s", line);
	}
	removed = retention_prune(path, &caps);
	if (removed)
		log_debug("retention: removed %zu old sessions", removed);
}

/*
 * Where a started command's output goes while the console owns the terminal:
 * SESSION.log beside the session (a new file; an existing one only with
 * --force, and only a regular file), or nowhere for a scratch session.
 * Returns the descriptor or -1 with err.
 */
static int open_command_log(const struct pipeline *p, const struct pipeline_opts *o,
			    char *err, size_t errlen)
{
	char *log;
	int fd;

	if (o->temporary) {
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			snprintf(err, errlen, "cannot open /dev/null: %s",
				 strerror(errno));
		return fd;
	}
	log = xasprintf("%s.log", p->path);
	fd = outfile_create(log, o->force, err, errlen);
	free(log);
	return fd < 0 ? -1 : fd;
}

/*
 * Binds the StatsD listener, before the session exists, so a refused
 * --statsd leaves nothing behind. An explicit address that cannot be parsed
 * or bound is a usage error; the default one only a warning (another vigil
 * may hold it). A listener any other host can reach is said once.
 */
static int start_statsd(struct pipeline *p, const char *addr, char *err, size_t errlen)
{
	char why[256], where[64];

	if (addr && !strcmp(addr, "off"))
		return 0;
	if (statsd_start(addr ? addr : STATSD_DEFAULT_ADDR, STATSD_MAX_METRICS,
			 &p->statsd, why, sizeof(why)) < 0) {
		p->statsd = NULL;
		if (addr) {
			snprintf(err, errlen, "--statsd '%s': %s", addr, why);
			return PIPELINE_USAGE;
		}
		snprintf(p->warning, sizeof(p->warning),
			 "warning: no StatsD listener on %s: %s", STATSD_DEFAULT_ADDR,
			 why);
		return 0;
	}
	if (!statsd_addr_is_loopback(statsd_bound(p->statsd))) {
		statsd_addr_format(statsd_bound(p->statsd), where, sizeof(where));
		snprintf(p->warning, sizeof(p->warning),
			 "warning: StatsD listener on %s accepts packets from any host "
			 "that can reach this one",
			 where);
	}
	return 0;
}

/* The server's thread: the figures of the last frame, in the asked format. */
static int render_metrics(void *ctx, bool openmetrics, char **body, size_t *len)
{
	struct pipeline *p = ctx;

	return metrics_render(
		p->metrics, openmetrics ? METRICS_OPENMETRICS : METRICS_TEXT, body, len);
}

/*
 * --listen and --web-config: reads the web config and starts the /metrics
 * server, before anything else exists, so a refusal leaves nothing behind.
 * An unreadable or refused web config and an address that cannot be parsed
 * are usage errors; an address that cannot be bound is a runtime error.
 */
static int start_metrics(struct pipeline *p, const struct pipeline_opts *o, char *err,
			 size_t errlen)
{
	struct metrics_http_config cfg = {o->listen, NULL, render_metrics, p};
	struct metrics_config *mc = NULL;
	char why[512];
	int rc;

	if ((o->web_config || o->metrics_config) && !o->listen) {
		snprintf(err, errlen, "--%s needs --listen",
			 o->web_config ? "web-config" : "metrics-config");
		return PIPELINE_USAGE;
	}
	if (!o->listen)
		return 0;
	if (o->metrics_config &&
	    metrics_config_load(o->metrics_config, &mc, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "--metrics-config: %s", why);
		return PIPELINE_USAGE;
	}
	if (o->web_config) {
		if (webconfig_load(o->web_config, &p->web, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "--web-config '%s': %s", o->web_config,
				 why);
			metrics_config_free(mc);
			return PIPELINE_USAGE;
		}
		cfg.web = &p->web;
	}
	p->metrics = metrics_new(mc); /* copies the config */
	metrics_config_free(mc);
	rc = metrics_http_start(&cfg, &p->http, why, sizeof(why));
	if (rc < 0) {
		snprintf(err, errlen, "--listen '%s': %s", o->listen, why);
		return rc == -EINVAL ? PIPELINE_USAGE : -1;
	}
	if (!metrics_http_is_loopback(p->http))
		snprintf(p->metrics_warning, sizeof(p->metrics_warning),
			 "warning: %s can be scraped by any host that can reach this "
			 "one%s",
			 metrics_http_url(p->http),
			 p->web.tls && p->web.nusers ? ""
			 : p->web.tls		     ? " (TLS, no basic auth)"
			 : p->web.nusers	     ? " (basic auth without TLS)"
						     : " (no TLS, no basic auth)");
	return 0;
}

const char *pipeline_metrics_url(const struct pipeline *p)
{
	return p->http ? metrics_http_url(p->http) : NULL;
}

/* Exit accounting runs unless VIGIL_EXITS=off (the bench compares). */
static bool exits_wanted(void)
{
	const char *v = getenv("VIGIL_EXITS");

	return !v || strcmp(v, "off") != 0;
}

/* The session's first row and the writer thread: over one file, or over
 * the first file of a rotation (whose path p->path then copies). */
static int start_writer(struct pipeline *p, const struct pipeline_opts *o, char *err,
			size_t errlen)
{
	char path[4096];

	if (o->rotate) {
		p->rotation = rotation_open(o->rotate, &p->meta, err, errlen);
		if (!p->rotation)
			return -1;
		p->path = xstrdup(rotation_path(p->rotation, path, sizeof(path)));
		p->writer = store_writer_start_rotating(p->rotation, WRITER_QUEUE_CAP);
		return 0;
	}
	if (store_session_begin(p->store, &p->meta) < 0) {
		snprintf(err, errlen, "cannot write session '%s': %s", p->path,
			 store_error(p->store));
		return -1;
	}
	p->writer = store_writer_start(p->store, WRITER_QUEUE_CAP);
	return 0;
}

/*
 * --gc-trace: the child's output goes through a reader that parses its GC
 * trace on the way to out (the session's .log, or vigil's stdout), with the
 * runtime's trace variable set for it alone. A command that is neither Node
 * nor Go runs as without the option, with a warning.
 */
static int spawn_traced(struct pipeline *p, const struct pipeline_opts *o, int out,
			char *err, size_t errlen)
{
	enum gc_runtime rt = gcpipe_detect(o->cmd[0]);
	int child_fd;
	char *old, **argv;
	int rc;

	if (rt == GC_RT_NONE) {
		snprintf(p->warning, sizeof(p->warning),
			 "warning: --gc-trace: '%.200s' is neither node nor a Go binary, "
			 "no GC events",
			 o->cmd[0]);
		return spawn_start(o->cmd, out, &p->child, err, errlen);
	}
	p->gc = gcpipe_start(out >= 0 ? out : STDOUT_FILENO, rt, &child_fd, err, errlen);
	if (!p->gc)
		return -1;
	old = gcpipe_env_set(rt);
	argv = gcpipe_argv(rt, o->cmd);
	rc = spawn_start(argv, child_fd, &p->child, err, errlen);
	free(argv);
	gcpipe_env_restore(rt, old);
	close(child_fd);
	return rc;
}

int pipeline_start(struct pipeline *p, const struct pipeline_opts *o, char *err,
		   size_t errlen)
{
	struct sampler_config cfg = {
		.proc_root = PROCFS_ROOT_DEFAULT,
		.interval_ms = o->interval_ms,
		.publish = pipeline_publish,
		.ctx = p,
		.exits = exits_wanted(),
		.exits_no_cmdlines = o->skip_processes,
	};
	char why[256];
	int rc;

	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->notice_lock, NULL);
	p->temporary = o->temporary;
	p->on_frame = o->on_frame;
	p->ctx = o->ctx;
	p->alerts = o->alerts;
	p->leak = leakwatch_new();
	if (p->alerts)
		alerts_on_profile(p->alerts, on_alert_profile, p);
	rc = check_cgroup(p, o, err, errlen);
	if (rc == 0)
		rc = start_metrics(p, o, err, errlen);
	if (rc == 0)
		rc = start_statsd(p, o->statsd, err, errlen);
	if (rc < 0 || (!o->rotate && open_session(p, o, err, errlen) < 0)) {
		pipeline_stop_sampling(p); /* listeners, server, leak analysis */
		pthread_mutex_destroy(&p->notice_lock);
		return rc < 0 ? rc : -1;
	}
	if (o->cmd) {
		int out = o->cmd_quiet ? open_command_log(p, o, err, errlen) : -1;

		if (o->cmd_quiet && out < 0)
			goto fail;
		rc = o->gc_trace ? spawn_traced(p, o, out, err, errlen)
				 : spawn_start(o->cmd, out, &p->child, err, errlen);
		if (out >= 0)
			close(out);
		if (rc < 0)
			goto fail;
		p->has_child = true;
	}
	cfg.target_pid = p->has_child ? p->child.pid : o->pid;
	cfg.target_cgroup = o->cgroup ? p->cgroup : NULL;
	cfg.statsd = p->statsd;
	cfg.smaps_period_ms = leakwatch_smaps_period_ms(p->leak);
	fill_meta(&p->meta, o, cfg.target_pid, p->cgroup);
	if (start_writer(p, o, err, errlen) < 0)
		goto fail;
	if (sampler_start(&cfg, &p->sampler, why, sizeof(why)) < 0) {
		if (cfg.target_pid && !p->has_child)
			snprintf(err, errlen, "cannot attach to pid %d: %s",
				 cfg.target_pid, why);
		else if (o->cgroup)
			snprintf(err, errlen, "cannot attach to cgroup '%s': %s",
				 o->cgroup, why);
		else
			snprintf(err, errlen, "cannot start sampling: %s", why);
		goto fail;
	}
	if (p->has_child && spawn_release(&p->child, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "cannot run '%s': %s", o->cmd[0], why);
		goto fail;
	}
	if (!o->out && !o->temporary && !o->rotate)
		prune_saved_sessions(p->path);
	return 0;
fail:
	undo(p);
	pthread_mutex_destroy(&p->notice_lock);
	return -1;
}

bool pipeline_poll_child(struct pipeline *p)
{
	if (!p->has_child || !spawn_poll(&p->child))
		return false;
	sampler_target_exited(p->sampler, p->child.exit_code, p->child.exit_signal);
	return true;
}

int pipeline_attach(struct pipeline *p, int pid, char *err, size_t errlen)
{
	if (sampler_attach(p->sampler, pid, err, errlen) < 0)
		return -1;
	p->meta.target_pid = pid;
	return 0;
}

void pipeline_stop_sampling(struct pipeline *p)
{
	sampler_stop(p->sampler);
	p->sampler = NULL;
	if (p->writer)
		reap_autoprofile(p, true); /* keeps what a cut-short capture took */
	frame_unref(p->prev);
	p->prev = NULL;
	statsd_stop(p->statsd); /* after the sampler: it takes from the listener */
	p->statsd = NULL;
	metrics_http_stop(p->http); /* before the figures it renders */
	p->http = NULL;
	metrics_free(p->metrics);
	p->metrics = NULL;
	webconfig_release(&p->web);
	leakwatch_free(p->leak);
	p->leak = NULL;
}

int pipeline_stop(struct pipeline *p, struct store_writer_stats *stats, char *err,
		  size_t errlen)
{
	int rc = 0;

	pipeline_stop_sampling(p);
	if (p->has_child) {
		spawn_finish(&p->child, 2000);
		gcpipe_stop(p->gc, 1000); /* after the child: its last lines */
		p->gc = NULL;
		p->meta.target_exit_code = p->child.exit_code;
		p->meta.target_exit_signal = p->child.exit_signal;
	}
	store_writer_finish(p->writer, stats);
	p->writer = NULL;
	p->meta.ended_ms = clock_wall_ms();
	pthread_mutex_destroy(&p->notice_lock);
	if (p->rotation) {
		rc = rotation_close(p->rotation, &p->meta, err, errlen);
		p->rotation = NULL;
		free(p->path);
		p->path = NULL;
		return rc;
	}
	if (store_session_end(p->store, &p->meta) < 0) {
		snprintf(err, errlen, "cannot finish session '%s': %s", p->path,
			 store_error(p->store));
		rc = -1;
	}
	if (p->temporary)
		store_discard(p->store);
	else
		store_close(p->store);
	p->store = NULL;
	free(p->path);
	p->path = NULL;
	return rc;
}
