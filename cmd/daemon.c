/* SPDX-License-Identifier: MIT */
#include "cmd/commands.h"
/*
 * daemon: `vigil daemon` — the always-on recorder. The same pipeline as
 * record (sampler -> frame -> alert rules -> writer), over a rotation of
 * hourly session files in one directory (store/rotation.h) instead of one
 * file, with the directory kept to its budget here: retention by age and
 * size (cmd/retention.h), compaction of old files to per-minute resolution
 * (store/compact.h), and shedding when the disk is full.
 *
 * Threads: as in record. Main takes SIGINT/SIGTERM (end the hour's file
 * cleanly, exit 0) and SIGHUP (reload the alert rules; a bad file keeps the
 * old ones) with sigtimedwait, so no handler ever runs, and between signals
 * does the upkeep: once a minute (or a period, if shorter) and whenever a
 * new file began. Upkeep never touches the file being written.
 *
 * What the daemon says goes to its log (DIR/daemon.log, or VIGIL_LOG);
 * shedding (files removed over budget or for a full disk, ticks dropped) is
 * also a notice of kind "shed" in the session, which report shows.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "cmd/daemon_dir.h"
#include "cmd/pipeline.h"
#include "cmd/retention.h"
#include "core/clock.h"
#include "core/duration.h"
#include "core/log.h"
#include "core/units.h"
#include "core/xalloc.h"
#include "store/compact.h"

#define DAEMON_RETAIN_BYTES ((uint64_t)4 << 30)
#define DAEMON_COMPACT_AGE_MS ((int64_t)2 * 24 * 3600 * 1000)
#define UPKEEP_MAX_MS 60000
#define WAIT_NS 1000000000LL
#define NOTICE_SOURCE "daemon"

enum { OPT_DIR = CLI_OPT_OWN, OPT_RETAIN_SIZE, OPT_RETAIN_AGE, OPT_COMPACT_AGE };

struct daemon_opts {
	const char *dir; /* NULL: the default */
	int64_t interval_ms;
	const char *alerts, *statsd;
	const char *listen, *web_config, *metrics_config; /* /metrics, or NULL */
	bool no_alerts;
	struct retention_caps caps;
	int64_t compact_age_ms; /* 0: never */
	int64_t period_ms;	/* an hour; VIGIL_DAEMON_PERIOD for tests */
};

struct daemon {
	struct daemon_opts o;
	struct daemon_dir dir;
	struct pipeline p;
	struct alerts *alerts;
	uint64_t seen_failed, seen_dropped;
	unsigned seen_files;
	int64_t next_upkeep_ns;
	int64_t compacted_upto; /* files starting before this are done */
	int64_t packed_upto;	/* likewise, store_pack */
	bool said_nothing_to_shed;
};

static int cmd_daemon(int argc, char **argv);

/* clang-format off */
static const struct cli_option daemon_options[] = {
	{OPT_DIR, 0, "dir", "DIR", "record into DIR (default: see below)"},
	CLI_PIPELINE_OPTIONS,
	CLI_SHARED_AS(CLI_OPT_STATSD, "ADDR", "StatsD listener (default: none)"),
	CLI_SHARED(CLI_OPT_LISTEN),
	CLI_SHARED(CLI_OPT_WEB_CONFIG),
	CLI_SHARED(CLI_OPT_METRICS_CONFIG),
	{OPT_RETAIN_SIZE, 0, "retain-size", "SIZE",
	 "remove the oldest files past SIZE (default 4GiB)"},
	{OPT_RETAIN_AGE, 0, "retain-age", "AGE",
	 "remove files older than AGE (default 14d)"},
	{OPT_COMPACT_AGE, 0, "compact-age", "AGE",
	 "keep a tick a minute past AGE (default 2d)"},
};
/* clang-format on */

const struct cli_command daemon_command = {
	.name = "daemon",
	.summary = "record the whole system continuously into hourly files in a "
		   "directory",
	.about = "DIR is /var/lib/vigil as root, else ~/.local/state/vigil/daemon "
		 "(under\n$XDG_STATE_HOME if set). One session file per hour, "
		 "HOST-YYYYMMDD-HH.vigil\n(UTC; .2, .3 ... when started again within "
		 "the hour), each readable on its\nown. A cap of 0 is no cap. SIGHUP "
		 "reloads the alert rules; SIGTERM or SIGINT\nends the hour's file "
		 "and exits 0. The log is DIR/daemon.log unless VIGIL_LOG\nis set.\n",
	.options = daemon_options,
	.noptions = sizeof(daemon_options) / sizeof(daemon_options[0]),
	.run = cmd_daemon,
};

static void parse_age(const char *opt, const char *value, int64_t *out)
{
	char why[128];

	if (value && retention_parse_age(value, out, why, sizeof(why)) < 0)
		usage_error("bad %s '%s': %s", opt, value, why);
}

/* The rotation period: an hour, or VIGIL_DAEMON_PERIOD (a testing knob). */
static int64_t period_from_env(void)
{
	const char *v = getenv("VIGIL_DAEMON_PERIOD");
	int64_t ms;
	char why[128];

	if (!v || !*v)
		return ROTATION_HOUR_MS;
	if (duration_parse(v, &ms, why, sizeof(why)) < 0 || ms < 1000)
		usage_error("bad VIGIL_DAEMON_PERIOD '%s': %s", v,
			    ms < 1000 ? "at least 1s" : why);
	return ms;
}

static void parse_opts(int argc, char **argv, struct daemon_opts *o)
{
	struct cli_args a;
	char why[128];

	cli_parse(&daemon_command, argc, argv, &a);
	if (a.operand < argc)
		usage_error("unexpected argument '%s'", argv[a.operand]);
	*o = (struct daemon_opts){
		.dir = a.value[OPT_DIR],
		.interval_ms = a.interval_ms,
		.alerts = a.value[CLI_OPT_ALERTS],
		.statsd = a.value[CLI_OPT_STATSD],
		.listen = a.value[CLI_OPT_LISTEN],
		.web_config = a.value[CLI_OPT_WEB_CONFIG],
		.metrics_config = a.value[CLI_OPT_METRICS_CONFIG],
		.no_alerts = cli_has(&a, CLI_OPT_NO_ALERTS),
		.caps = {DAEMON_RETAIN_BYTES, RETENTION_DEFAULT_AGE_MS},
		.compact_age_ms = DAEMON_COMPACT_AGE_MS,
	};
	if (o->dir && !*o->dir)
		usage_error("--dir needs a directory");
	if (a.value[OPT_RETAIN_SIZE] &&
	    retention_parse_size(a.value[OPT_RETAIN_SIZE], &o->caps.max_bytes, why,
				 sizeof(why)) < 0)
		usage_error("bad --retain-size '%s': %s", a.value[OPT_RETAIN_SIZE], why);
	parse_age("--retain-age", a.value[OPT_RETAIN_AGE], &o->caps.max_age_ms);
	parse_age("--compact-age", a.value[OPT_COMPACT_AGE], &o->compact_age_ms);
	o->period_ms = period_from_env();
}

/* Said in the log and, as a notice, in the session (report shows it). */
static void shed_notice(struct daemon *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void shed_notice(struct daemon *d, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_debug("daemon: shed: %s", msg);
	pipeline_notice(&d->p, "shed", NOTICE_SOURCE, msg);
}

/* A regular file of ours named as the daemon names them; its period start. */
static bool own_session(struct daemon *d, int dfd, const char *name, int64_t *start)
{
	struct stat st;

	return rotation_name_parse(d->dir.host, name, start) &&
	       fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
	       st.st_uid == geteuid();
}

/* Sessions a killed daemon left without an end (they still have a -wal). */
static void seal_crashed(struct daemon *d)
{
	DIR *dir = opendir(d->dir.path);
	struct dirent *de;
	struct stat st;
	char err[512];
	int64_t start;

	if (!dir)
		return;
	while ((de = readdir(dir))) {
		char *wal = xasprintf("%s-wal", de->d_name);
		char *path = xasprintf("%s/%s", d->dir.path, de->d_name);

		if (own_session(d, dirfd(dir), de->d_name, &start) &&
		    fstatat(dirfd(dir), wal, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode)) {
			int rc = store_seal(path, err, sizeof(err));

			if (rc < 0)
				log_debug("daemon: %s", err);
			else if (rc > 0)
				log_debug("daemon: '%s' had no end (killed?): sealed at "
					  "its last tick",
					  path);
		}
		free(wal);
		free(path);
	}
	closedir(dir);
}

/*
 * Files whose period ended more than --compact-age ago keep only minutes.
 * Each file is opened once: afterwards only files of later periods are
 * looked at, unless one failed (then it is tried again next time).
 */
static void compact_old(struct daemon *d, const char *current)
{
	int64_t now = clock_wall_ms(), start, done = d->compacted_upto;
	int64_t failed = INT64_MAX;
	struct compact_result r;
	struct dirent *de;
	char err[512];
	DIR *dir;

	if (!d->o.compact_age_ms || !(dir = opendir(d->dir.path)))
		return;
	while ((de = readdir(dir))) {
		char *path;
		int rc;

		if (!own_session(d, dirfd(dir), de->d_name, &start) ||
		    start < d->compacted_upto ||
		    start + d->o.period_ms > now - d->o.compact_age_ms)
			continue;
		path = xasprintf("%s/%s", d->dir.path, de->d_name);
		rc = strcmp(path, current) ? store_compact(path, &r, err, sizeof(err))
					   : 0;
		if (rc < 0) {
			log_debug("daemon: %s", err);
			if (start < failed)
				failed = start;
		} else if (start + 1 > done) {
			done = start + 1;
		}
		if (rc > 0)
			log_debug("daemon: compacted '%s': %llu of %llu ticks kept, "
				  "%llu -> %llu bytes",
				  path, (unsigned long long)r.ticks_after,
				  (unsigned long long)r.ticks_before,
				  (unsigned long long)r.bytes_before,
				  (unsigned long long)r.bytes_after);
		free(path);
	}
	closedir(dir);
	d->compacted_upto = done < failed ? done : failed;
}

/*
 * Files whose period has ended are rewritten in small pages once
 * (store_pack): about a sixth of the two days kept at full resolution.
 * Tracked as compact_old does.
 */
static void pack_ended(struct daemon *d, const char *current)
{
	int64_t now = clock_wall_ms(), start, done = d->packed_upto;
	int64_t failed = INT64_MAX;
	uint64_t before, after;
	struct dirent *de;
	char err[512];
	DIR *dir;

	if (!(dir = opendir(d->dir.path)))
		return;
	while ((de = readdir(dir))) {
		char *path;
		int rc;

		if (!own_session(d, dirfd(dir), de->d_name, &start) ||
		    start < d->packed_upto || start + d->o.period_ms > now)
			continue;
		path = xasprintf("%s/%s", d->dir.path, de->d_name);
		rc = strcmp(path, current)
			     ? store_pack(path, &before, &after, err, sizeof(err))
			     : 0;
		if (rc < 0) {
			log_debug("daemon: %s", err);
			if (start < failed)
				failed = start;
		} else if (start + 1 > done && strcmp(path, current)) {
			done = start + 1;
		}
		if (rc > 0)
			log_debug("daemon: packed '%s': %llu -> %llu bytes", path,
				  (unsigned long long)before, (unsigned long long)after);
		free(path);
	}
	closedir(dir);
	d->packed_upto = done < failed ? done : failed;
}

static void upkeep(struct daemon *d)
{
	struct retention_result res;
	char current[4096], size[32];

	pipeline_path(&d->p, current, sizeof(current));
	retention_prune_daemon(d->dir.path, d->dir.host, current, &d->o.caps, false,
			       &res);
	if (res.by_age)
		log_debug("daemon: removed %zu files older than the age cap", res.by_age);
	if (res.by_size) {
		units_bytes(d->o.caps.max_bytes, size, sizeof(size));
		shed_notice(d, "removed the %zu oldest files to stay under the %s budget",
			    res.by_size, size);
	}
	compact_old(d, current);
	pack_ended(d, current);
	daemon_dir_cap_log(&d->dir);
}

/*
 * Between signals: what the writer counted since the last look. A full disk
 * sheds the oldest file so the newest ticks still fit; ticks the writer
 * dropped (the disk slower than the interval) are said.
 */
static void check_writer(struct daemon *d)
{
	struct store_writer_stats st;
	struct retention_result res;
	char current[4096], size[32];

	store_writer_stats(d->p.writer, &st);
	if (st.dropped > d->seen_dropped)
		shed_notice(d, "%llu ticks dropped: the disk is slower than the interval",
			    (unsigned long long)(st.dropped - d->seen_dropped));
	d->seen_dropped = st.dropped;
	if (st.failed <= d->seen_failed)
		return;
	log_debug("daemon: %llu ticks not written: %s",
		  (unsigned long long)(st.failed - d->seen_failed), st.last_error);
	d->seen_failed = st.failed;
	if (!strstr(st.last_error, "full"))
		return;
	pipeline_path(&d->p, current, sizeof(current));
	if (retention_prune_daemon(d->dir.path, d->dir.host, current, &d->o.caps, true,
				   &res)) {
		units_bytes((double)res.bytes, size, sizeof(size));
		shed_notice(d,
			    "disk full: removed the oldest file (%s) to keep recording",
			    size);
		d->said_nothing_to_shed = false;
	} else if (!d->said_nothing_to_shed) {
		log_debug("daemon: disk full and no older file left to remove: ticks "
			  "are lost until there is room");
		d->said_nothing_to_shed = true;
	}
}

static void reload_rules(struct daemon *d)
{
	char note[128] = "", err[768];

	if (!d->alerts) {
		log_debug("daemon: SIGHUP: no alert rules to reload (--no-alerts)");
		return;
	}
	if (alerts_reload(d->alerts, d->o.alerts, note, sizeof(note), err, sizeof(err)) <
	    0) {
		log_debug("daemon: SIGHUP: alert rules not reloaded, the old ones stay: "
			  "%s",
			  err);
		cli_warn("alert rules not reloaded, the old ones stay: %s", err);
		return;
	}
	log_debug("daemon: SIGHUP: alert rules reloaded: %s", note);
}

static void handled_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

/* Until SIGTERM or SIGINT: signals, the writer's counters and the upkeep. */
static int run(struct daemon *d)
{
	int64_t every = d->o.period_ms < UPKEEP_MAX_MS ? d->o.period_ms : UPKEEP_MAX_MS;
	struct timespec ts = {.tv_sec = WAIT_NS / 1000000000, .tv_nsec = 0};
	sigset_t set;

	handled_signals(&set);
	for (;;) {
		int sig = sigtimedwait(&set, NULL, &ts);
		unsigned files = rotation_files(d->p.rotation);

		if (sig == SIGINT || sig == SIGTERM)
			return sig;
		if (sig == SIGHUP)
			reload_rules(d);
		check_writer(d);
		if (files != d->seen_files || clock_mono_ns() >= d->next_upkeep_ns) {
			d->seen_files = files;
			upkeep(d);
			d->next_upkeep_ns = clock_mono_ns() + every * 1000000;
		}
	}
}

/*
 * Every process's stat stays open between ticks (collectors/proctable.h)
 * within a share of the soft descriptor limit; systemd's soft default of
 * 1,024 would leave a busy server's table to be reopened each tick.
 */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* The directory, its lock and log, and what a killed daemon left there. */
static void open_dir(struct daemon *d)
{
	char err[768], warn[512];
	char *path = d->o.dir ? xstrdup(d->o.dir) : daemon_dir_default(err, sizeof(err));

	if (!path)
		fatal("daemon: %s", err);
	if (daemon_dir_open(&d->dir, path, warn, sizeof(warn), err, sizeof(err)) < 0)
		fatal("daemon: %s", err);
	free(path);
	if (warn[0])
		cli_warn("daemon: %s", warn);
	if (daemon_dir_open_log(&d->dir, err, sizeof(err)) < 0)
		cli_warn("daemon: log: %s", err);
	log_debug("daemon: pid %d starts in '%s'", (int)getpid(), d->dir.path);
	seal_crashed(d);
}

static int cmd_daemon(int argc, char **argv)
{
	struct daemon d = {0};
	struct store_writer_stats stats;
	struct rotation_config rc;
	sigset_t set;
	char err[768];
	int sig, status = 0;

	parse_opts(argc, argv, &d.o);
	/* before any thread exists (the alert actions' too), so every thread
	 * inherits the mask and a signal can only end the daemon through run */
	handled_signals(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	d.alerts = d.o.no_alerts ? NULL : alerts_load_or_exit(d.o.alerts, NULL, 0);
	open_dir(&d);
	raise_fd_limit();
	rc = (struct rotation_config){d.dir.path, d.dir.host, d.o.period_ms};
	struct pipeline_opts po = {
		.interval_ms = d.o.interval_ms,
		.alerts = d.alerts,
		/* a service holding the StatsD port by default would take it
		 * from every console started later: only when asked */
		.statsd = d.o.statsd ? d.o.statsd : "off",
		.rotate = &rc,
		.listen = d.o.listen,
		.web_config = d.o.web_config,
		.metrics_config = d.o.metrics_config,
	};
	if ((status = pipeline_start(&d.p, &po, err, sizeof(err))) == PIPELINE_USAGE)
		usage_error("%s", err);
	if (status < 0)
		fatal("daemon: %s", err);
	if (d.p.warning[0])
		cli_warn("%s", d.p.warning);
	if (d.p.metrics_warning[0])
		cli_warn("%s", d.p.metrics_warning);
	if (pipeline_metrics_url(&d.p))
		fprintf(stderr, "serving metrics at %s\n", pipeline_metrics_url(&d.p));
	fprintf(stderr, "recording to '%s' (pid %d)\n", d.dir.path, (int)getpid());
	d.seen_files = rotation_files(d.p.rotation);
	upkeep(&d);
	d.next_upkeep_ns = clock_mono_ns();
	sig = run(&d);
	log_debug("daemon: %s: stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	status = 0;
	if (pipeline_stop(&d.p, &stats, err, sizeof(err)) < 0) {
		log_debug("daemon: %s", err);
		cli_warn("daemon: %s", err);
		status = 1;
	}
	if (d.alerts)
		alerts_stop_actions(d.alerts);
	alerts_free(d.alerts);
	log_debug("daemon: stopped: %llu ticks written, %llu dropped, %llu failed",
		  (unsigned long long)stats.written, (unsigned long long)stats.dropped,
		  (unsigned long long)stats.failed);
	daemon_dir_release(&d.dir);
	log_close();
	return status;
}
