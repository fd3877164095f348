/* SPDX-License-Identifier: MIT */
/* cli: option values, the default session location, and usage errors. */
#include "cmd/cli.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "collectors/statsd_listener.h"
#include "core/duration.h"
#include "core/log.h"
#include "core/textsafe.h"
#include "core/xalloc.h"

/* The subcommand whose help a usage error points at; NULL: vigil's. */
static const char *help_command;

void cli_set_command(const char *name)
{
	help_command = name;
}

void usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("vigil: ", stderr);
	va_start(ap, fmt);
	text_vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'vigil%s%s --help'.\n", help_command ? " " : "",
		help_command ? help_command : "");
	exit(EXIT_USAGE);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("vigil: ", stderr);
	va_start(ap, fmt);
	text_vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int64_t cli_duration(const char *opt, const char *value)
{
	char why[128];
	int64_t ms;

	if (duration_parse(value, &ms, why, sizeof(why)) < 0)
		usage_error("bad duration '%s' for %s: %s", value, opt, why);
	return ms;
}

int64_t cli_interval(const char *value)
{
	int64_t ms = cli_duration("-i", value);

	if (ms < INTERVAL_MIN_MS)
		usage_error("interval '%s' is too short: the minimum is %dms", value,
			    INTERVAL_MIN_MS);
	return ms;
}

int cli_pid(const char *value)
{
	char *end;
	long pid;

	errno = 0;
	pid = strtol(value, &end, 10);
	if (errno || end == value || *end || pid <= 0 || pid > INT_MAX)
		usage_error("bad pid '%s': expected a positive number", value);
	return (int)pid;
}

const char *cli_statsd(const char *value)
{
	struct statsd_addr a;
	char why[160];

	if (strcmp(value, "off") && statsd_addr_parse(value, &a, why, sizeof(why)) < 0)
		usage_error("--statsd '%s': %s", value, why);
	return value;
}

const char *cli_listen(const char *value)
{
	struct statsd_addr a;
	char why[160];

	if (statsd_addr_parse(value, &a, why, sizeof(why)) < 0)
		usage_error("--listen '%s': %s", value, why);
	return value;
}

char **cli_command(int argc, char **argv, int first)
{
	bool dashdash = first > 1 && !strcmp(argv[first - 1], "--");

	if (first < argc && !dashdash)
		usage_error("unexpected argument '%s' (a command goes after '--')",
			    argv[first]);
	if (first >= argc && dashdash)
		usage_error("no command after '--'");
	return first < argc ? &argv[first] : NULL;
}

int cli_mkdirs(char *path, mode_t mode)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, mode) < 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	if (mkdir(path, mode) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

char *cli_default_session_path(char *err, size_t errlen)
{
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	char host[64] = "host", stamp[32];
	char *dir, *path = NULL;
	time_t now = time(NULL);
	struct tm tm;

	if (state && *state == '/')
		dir = xasprintf("%s/vigil", state);
	else if (home && *home)
		dir = xasprintf("%s/.local/state/vigil", home);
	else {
		snprintf(err, errlen,
			 "cannot choose a session directory: HOME is not set (use -o)");
		return NULL;
	}
	if (cli_mkdirs(dir, 0700) < 0) {
		snprintf(err, errlen, "cannot create '%s': %s", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	gethostname(host, sizeof(host) - 1);
	host[strcspn(host, "./")] = '\0';
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	for (int n = 0; n < 100; n++) {
		free(path);
		path = n ? xasprintf("%s/%s-%s-%d.vigil", dir, host, stamp, n)
			 : xasprintf("%s/%s-%s.vigil", dir, host, stamp);
		if (access(path, F_OK) < 0)
			break;
	}
	free(dir);
	return path;
}

void cli_log_from_env(const char *path_or_null)
{
	const char *path = path_or_null ? path_or_null : getenv("VIGIL_LOG");

	char err[512];

	if (path && *path && log_open(path, err, sizeof(err)) < 0)
		cli_warn("debug log: %s", err);
}
