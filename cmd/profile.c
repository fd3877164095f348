/* SPDX-License-Identifier: MIT */
/*
 * profile: `vigil profile -p PID` — capture one profile of a running process
 * without a terminal and write it as a table, folded stacks or speedscope
 * JSON.
 *
 * The capture runs on the profiler's thread; this (main) thread only waits
 * for signals: SIGINT/SIGTERM/SIGHUP cancel the capture, which still ends in
 * a (partial) profile that is written like a whole one. The signals are
 * blocked before the profiler thread starts and taken with sigtimedwait, so
 * no handler ever runs. An output file appears whole or not at all: it is
 * written to a temporary file beside it (core/outfile) and put in place at
 * the end; an existing one is replaced only with --force, and only when it is
 * a regular file, which is checked before the capture starts.
 */
#include "cmd/profile.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/profile.h"
#include "cmd/cli.h"
#include "collectors/profiler.h"
#include "core/outfile.h"
#include "core/xalloc.h"

#define TABLE_LIMIT 40
#define WAIT_NS 100000000L

enum out_format { OUT_TABLE, OUT_FOLDED, OUT_JSON };

struct profile_opts {
	int pid;
	struct profiler_opts p;
	enum out_format format;
	const char *out;
	bool force; /* --force: -o may replace a regular file */
};

static int parse_hz(const char *value)
{
	char *end;
	long hz;

	errno = 0;
	hz = strtol(value, &end, 10);
	if (errno || end == value || *end || hz < 1 || hz > PROFILER_HZ_MAX)
		usage_error("bad frequency '%s' for -F: expected 1 to %d", value,
			    PROFILER_HZ_MAX);
	return (int)hz;
}

static void parse_opts(int argc, char **argv, struct profile_opts *o)
{
	static const struct option longopts[] = {
		{"pid", required_argument, NULL, 'p'},
		{"duration", required_argument, NULL, 'd'},
		{"freq", required_argument, NULL, 'F'},
		{"mode", required_argument, NULL, 'm'},
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{"force", no_argument, NULL, 'W'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->p.mode = PROFILE_CPU;
	o->p.hz = PROFILER_HZ_DEFAULT;
	o->p.duration_ms = PROFILER_DURATION_DEFAULT_MS;
	o->format = OUT_TABLE;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+p:d:F:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			o->pid = cli_pid(optarg);
			break;
		case 'd':
			o->p.duration_ms = cli_duration("-d", optarg);
			break;
		case 'F':
			o->p.hz = parse_hz(optarg);
			break;
		case 'm':
			if (!strcmp(optarg, "cpu"))
				o->p.mode = PROFILE_CPU;
			else if (!strcmp(optarg, "wall"))
				o->p.mode = PROFILE_WALL;
			else
				usage_error("bad mode '%s': expected cpu or wall",
					    optarg);
			break;
		case 'f':
			if (!strcmp(optarg, "table"))
				o->format = OUT_TABLE;
			else if (!strcmp(optarg, "folded"))
				o->format = OUT_FOLDED;
			else if (!strcmp(optarg, "json"))
				o->format = OUT_JSON;
			else
				usage_error(
					"bad format '%s': expected folded, table or json",
					optarg);
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'W':
			o->force = true;
			break;
		case 'h':
			cli_print_help(stdout);
			exit(0);
		case ':':
			usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			usage_error("unknown option '%s' for profile", argv[optind - 1]);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (!o->pid)
		usage_error("profile needs -p PID");
}

static void handled_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

/* One event descriptor per thread and CPU: a busy server needs many. */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int write_profile(const struct profile *prof, enum out_format format, FILE *out)
{
	switch (format) {
	case OUT_FOLDED:
		return profile_write_folded(prof, out, 0);
	case OUT_JSON:
		return profile_write_speedscope(prof, out);
	default:
		return profile_write_table(prof, out, TABLE_LIMIT);
	}
}

/* Writes the profile into out (begun before the capture) and puts it in
 * place. 0, or -1 with err; out is released either way. */
static int write_output(const struct profile *prof, enum out_format format,
			struct outfile *out, char *err, size_t errlen)
{
	FILE *f = fdopen(out->fd, "w");

	if (!f) {
		snprintf(err, errlen, "cannot write '%s': %s", out->path,
			 strerror(errno));
		outfile_abort(out);
		return -1;
	}
	out->fd = -1; /* f owns it now */
	/* a profile is no more secret than the table on stdout */
	fchmod(fileno(f), 0644);
	if (write_profile(prof, format, f) < 0 || fflush(f) == EOF ||
	    fsync(fileno(f)) < 0) {
		snprintf(err, errlen, "cannot write '%s': %s", out->path,
			 strerror(errno));
		fclose(f);
		outfile_abort(out);
		return -1;
	}
	if (fclose(f) == EOF) {
		snprintf(err, errlen, "cannot write '%s': %s", out->path,
			 strerror(errno));
		outfile_abort(out);
		return -1;
	}
	return outfile_commit(out, err, errlen) < 0 ? -1 : 0;
}

int cmd_profile(int argc, char **argv)
{
	struct profile_opts o;
	struct profiler *pr;
	struct profile *prof;
	struct outfile out;
	sigset_t set;
	char err[512];
	int rc = 0;

	parse_opts(argc, argv, &o);
	/* before the capture: a path that will be refused is said at once */
	if (o.out && outfile_begin(&out, o.out, o.force, err, sizeof(err)) < 0)
		fatal("%s", err);
	handled_signals(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	raise_fd_limit();
	pr = profiler_start(o.pid, &o.p, err, sizeof(err));
	if (!pr) {
		if (o.out)
			outfile_abort(&out);
		fatal("cannot profile %d: %s", o.pid, err);
	}
	while (!profiler_done(pr)) {
		struct timespec ts = {0, WAIT_NS};
		int sig = sigtimedwait(&set, NULL, &ts);

		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP)
			profiler_cancel(pr);
	}
	prof = profiler_finish(pr);
	if (prof->meta.partial)
		cli_warn("partial profile of %d: %s", o.pid, prof->meta.why);
	else if (prof->meta.samples == 0) /* an answer, not a failure: exit 0 */
		cli_warn("profile of %d: %s", o.pid, prof->meta.why);
	if (o.out) {
		if (write_output(prof, o.format, &out, err, sizeof(err)) < 0) {
			cli_warn("%s", err);
			rc = 1;
		}
	} else if (write_profile(prof, o.format, stdout) < 0 || fflush(stdout) == EOF) {
		cli_warn("cannot write the profile: %s", strerror(errno));
		rc = 1;
	}
	profile_free(prof);
	return rc;
}
