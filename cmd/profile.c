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
 * written to a temporary file beside it and renamed into place.
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
#include "core/xalloc.h"

#define TABLE_LIMIT 40
#define WAIT_NS 100000000L

enum out_format { OUT_TABLE, OUT_FOLDED, OUT_JSON };

struct profile_opts {
	int pid;
	struct profiler_opts p;
	enum out_format format;
	const char *out;
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

/* Writes to path through "<path>.XXXXXX" and rename(2). 0, or -1 with err. */
static int write_atomically(const struct profile *prof, enum out_format format,
			    const char *path, char *err, size_t errlen)
{
	char *tmp = xasprintf("%s.XXXXXX", path);
	int fd = mkstemp(tmp), rc = -1;
	FILE *f;

	if (fd < 0) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	f = fdopen(fd, "w");
	if (!f) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		close(fd);
		goto out;
	}
	if (write_profile(prof, format, f) < 0 || fflush(f) == EOF || fsync(fd) < 0) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		fclose(f);
		goto out;
	}
	/* mkstemp made it 0600; a profile is no more secret than the table on stdout */
	fchmod(fd, 0644);
	if (fclose(f) == EOF) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	if (rename(tmp, path) < 0) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

int cmd_profile(int argc, char **argv)
{
	struct profile_opts o;
	struct profiler *pr;
	struct profile *prof;
	sigset_t set;
	char err[512];
	int rc = 0;

	parse_opts(argc, argv, &o);
	handled_signals(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	raise_fd_limit();
	pr = profiler_start(o.pid, &o.p, err, sizeof(err));
	if (!pr)
		fatal("cannot profile %d: %s", o.pid, err);
	while (!profiler_done(pr)) {
		struct timespec ts = {0, WAIT_NS};
		int sig = sigtimedwait(&set, NULL, &ts);

		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP)
			profiler_cancel(pr);
	}
	prof = profiler_finish(pr);
	if (prof->meta.partial)
		fprintf(stderr, "vigil: partial profile of %d: %s\n", o.pid,
			prof->meta.why);
	else if (prof->meta.samples == 0) /* an answer, not a failure: exit 0 */
		fprintf(stderr, "vigil: profile of %d: %s\n", o.pid, prof->meta.why);
	if (o.out) {
		if (write_atomically(prof, o.format, o.out, err, sizeof(err)) < 0) {
			fprintf(stderr, "vigil: %s\n", err);
			rc = 1;
		}
	} else if (write_profile(prof, o.format, stdout) < 0 || fflush(stdout) == EOF) {
		fprintf(stderr, "vigil: cannot write the profile: %s\n", strerror(errno));
		rc = 1;
	}
	profile_free(prof);
	return rc;
}
