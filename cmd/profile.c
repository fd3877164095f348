/* SPDX-License-Identifier: MIT */
#include "cmd/commands.h"
/*
 * profile: `vigil profile -p PID` — capture one profile of a running process
 * without a terminal and write it as a table, folded stacks, speedscope
 * JSON or gzipped pprof.
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

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/pprof.h"
#include "analysis/profile.h"
#include "cmd/cli.h"
#include "cmd/retention.h"
#include "collectors/profiler.h"
#include "core/outfile.h"
#include "core/xalloc.h"

#define TABLE_LIMIT 40
#define WAIT_NS 100000000L

enum out_format { OUT_TABLE, OUT_FOLDED, OUT_JSON, OUT_PPROF };

struct profile_opts {
	int pid;
	struct profiler_opts p;
	enum out_format format;
	const char *out;
	bool force; /* --force: -o may replace a regular file */
};

static int cmd_profile(int argc, char **argv);

enum {
	PROFILE_OPT_FREQ = CLI_OPT_OWN,
	PROFILE_OPT_MODE,
	PROFILE_OPT_ALLOC_RATE,
	PROFILE_OPT_ALLOC_DUTY,
	PROFILE_OPT_WALL_METHOD
};

/* clang-format off */
static const struct cli_option profile_options[] = {
	CLI_SHARED_AS(CLI_OPT_PID, NULL, "the process to sample (required)"),
	CLI_SHARED_AS(CLI_OPT_DURATION, NULL, "how long to sample (default 5s)"),
	{PROFILE_OPT_FREQ, 'F', "freq", "HZ", "samples per second (default 99, up to "
	 "999)"},
	{PROFILE_OPT_MODE, 0, "mode", "cpu|wall|alloc|live", "on-CPU (default), "
	 "+off-CPU, bytes allocated or left"},
	{PROFILE_OPT_ALLOC_RATE, 0, "alloc-rate", "BYTES", "alloc/live: a sample "
	 "per BYTES (default 512K)"},
	{PROFILE_OPT_ALLOC_DUTY, 0, "alloc-duty", "PCT", "alloc: probes on PCT% "
	 "of the time (3; 100: always)"},
	{PROFILE_OPT_WALL_METHOD, 0, "wall-method", "perf|ptrace", "wall: context "
	 "switches (default) or ptrace"},
	/* in the order of enum out_format */
	CLI_SHARED_AS(CLI_OPT_FORMAT, "table|folded|json|pprof",
		      "default table; folded stacks; speedscope JSON; pprof"),
	CLI_SHARED_AS(CLI_OPT_OUTPUT, NULL, "write to FILE (created 0600) instead of "
		      "stdout"),
	CLI_SHARED(CLI_OPT_FORCE),
};
/* clang-format on */

const struct cli_command profile_command = {
	.name = "profile",
	.operands = NULL,
	.summary = "sample a process's call stacks (-p PID; default 5s at 99 Hz, a "
		   "table)",
	.about = "SIGINT stops early and keeps what was taken.\n",
	.options = profile_options,
	.noptions = sizeof(profile_options) / sizeof(profile_options[0]),
	.flags = CLI_CMD_OPTIONS_FIRST,
	.run = cmd_profile,
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

static enum profile_mode parse_mode(const char *value)
{
	if (!strcmp(value, "cpu"))
		return PROFILE_CPU;
	if (!strcmp(value, "wall"))
		return PROFILE_WALL;
	if (!strcmp(value, "alloc"))
		return PROFILE_ALLOC;
	if (!strcmp(value, "live"))
		return PROFILE_LIVE;
	usage_error("bad mode '%s': expected cpu, wall, alloc or live", value);
}

static uint64_t parse_rate(const char *value)
{
	char why[128];
	uint64_t n;

	if (retention_parse_size(value, &n, why, sizeof(why)) < 0 || n < 1 || n > INT_MAX)
		usage_error("bad rate '%s' for --alloc-rate: expected 1 to %d bytes "
			    "(K, M, G suffixes)",
			    value, INT_MAX);
	return n;
}

static int parse_duty(const char *value)
{
	char *end;
	long pct;

	errno = 0;
	pct = strtol(value, &end, 10);
	if (errno || end == value || (*end && strcmp(end, "%")) || pct < 1 || pct > 100)
		usage_error("bad duty '%s' for --alloc-duty: expected 1 to 100 (percent)",
			    value);
	return (int)pct;
}

static enum profiler_method parse_method(const char *value)
{
	if (!strcmp(value, "perf"))
		return PROFILER_PERF;
	if (!strcmp(value, "ptrace"))
		return PROFILER_PTRACE;
	usage_error("bad wall method '%s': expected perf or ptrace", value);
}

static void parse_opts(int argc, char **argv, struct profile_opts *o)
{
	struct cli_args a;

	cli_parse(&profile_command, argc, argv, &a);
	memset(o, 0, sizeof(*o));
	o->pid = a.pid;
	o->p.mode = cli_has(&a, PROFILE_OPT_MODE) ? parse_mode(a.value[PROFILE_OPT_MODE])
						  : PROFILE_CPU;
	if (cli_has(&a, PROFILE_OPT_WALL_METHOD)) {
		if (o->p.mode != PROFILE_WALL)
			usage_error("--wall-method needs --mode wall");
		o->p.method = parse_method(a.value[PROFILE_OPT_WALL_METHOD]);
	}
	o->p.hz = cli_has(&a, PROFILE_OPT_FREQ) ? parse_hz(a.value[PROFILE_OPT_FREQ])
						: PROFILER_HZ_DEFAULT;
	if (cli_has(&a, PROFILE_OPT_ALLOC_RATE)) {
		if (!PROFILE_BYTES(o->p.mode))
			usage_error("--alloc-rate needs --mode alloc or live");
		o->p.alloc_rate = parse_rate(a.value[PROFILE_OPT_ALLOC_RATE]);
	}
	if (cli_has(&a, PROFILE_OPT_ALLOC_DUTY)) {
		/* live must see every free of a sampled block: always on */
		if (o->p.mode != PROFILE_ALLOC)
			usage_error("--alloc-duty needs --mode alloc");
		o->p.alloc_duty = parse_duty(a.value[PROFILE_OPT_ALLOC_DUTY]);
	}
	o->p.duration_ms = cli_has(&a, CLI_OPT_DURATION) ? a.duration_ms
							 : PROFILER_DURATION_DEFAULT_MS;
	o->format = a.format < 0 ? OUT_TABLE : (enum out_format)a.format;
	o->out = a.value[CLI_OPT_OUTPUT];
	o->force = cli_has(&a, CLI_OPT_FORCE);
	if (a.operand < argc)
		usage_error("unexpected argument '%s'", argv[a.operand]);
	if (!o->pid)
		usage_error("profile needs -p PID");
	if (o->format == OUT_PPROF && !o->out && isatty(STDOUT_FILENO))
		usage_error("--format pprof is binary: give -o FILE or a pipe, not a "
			    "terminal");
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
	case OUT_PPROF:
		return pprof_write(prof, out);
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

static int cmd_profile(int argc, char **argv)
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
	if (prof->meta.mode == PROFILE_WALL) /* which of two rather different samplers */
		cli_warn("wall profile of %d by %s: %s", o.pid,
			 strcmp(prof->meta.sampler, "perf")
				 ? "ptrace (threads stopped per sample)"
				 : "perf_event (context switches)",
			 prof->meta.why);
	/* --alloc-duty: its account (a partial profile says it below) */
	if (prof->meta.active > 0 && prof->meta.active < 1 && !prof->meta.partial)
		cli_warn("alloc profile of %d: %s", o.pid, prof->meta.why);
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
