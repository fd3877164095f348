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

void usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("vigil: ", stderr);
	va_start(ap, fmt);
	text_vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'vigil --help'.\n", stderr);
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
		usage_error("interval '%s' is too short: the minimum is 100ms", value);
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

/* mkdir -p with mode for each missing component. */
static int mkdirs(char *path, mode_t mode)
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
	if (mkdirs(dir, 0700) < 0) {
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

void cli_print_help(FILE *out)
{
	fputs("usage: vigil [-i INTERVAL] [-o FILE | --no-record] [--ascii] "
	      "[--no-color]\n"
	      "             [-p PID | -- CMD ARGS...]                   live console\n"
	      "       vigil record [-p PID | -- CMD...] [-o FILE] [-i INTERVAL] [-d "
	      "DURATION] [--force]\n"
	      "       vigil replay FILE [--ascii] [--no-color]\n"
	      "       vigil report FILE [--json] [--from T] [--to T]\n"
	      "       vigil export FILE --metrics [--from T] [--to T] [--format "
	      "csv|json] [-o OUT]\n"
	      "       vigil export FILE --profile ID [--format folded|json] | --alerts\n"
	      "       vigil profile -p PID [-d DURATION] [-F HZ] [--mode cpu|wall]\n"
	      "                     [--format folded|table|json] [-o FILE]\n"
	      "\n"
	      "Watch a Linux server and one process; record everything to a SQLite "
	      "session.\n"
	      "\n"
	      "commands:\n"
	      "  record   sample without a terminal until -d ends, the target exits, or "
	      "SIGINT/SIGTERM\n"
	      "  replay   the console over a session file, with a time cursor\n"
	      "  report   summarise a session file (--json: the schema in "
	      "docs/report-json.md)\n"
	      "  export   metrics per tick, a profile or alerts (docs/export.md)\n"
	      "  profile  sample a process's call stacks (default 5s at 99 Hz, a table "
	      "on stdout)\n"
	      "\n"
	      "options:\n"
	      "  -p PID          attach to a running process\n"
	      "  -- CMD ARGS     start CMD and attach to it\n"
	      "  -i INTERVAL     sampling interval (default 1s, minimum 100ms)\n"
	      "  -d DURATION     stop recording after DURATION\n"
	      "  -o FILE         session file (default: "
	      "$XDG_STATE_HOME/vigil/HOST-DATE.vigil)\n"
	      "  --force         overwrite an existing -o FILE\n"
	      "  --no-record     console: keep the session in a scratch file, removed on "
	      "exit\n"
	      "  --ascii         console: ASCII graphs (automatic outside UTF-8 "
	      "locales)\n"
	      "  --no-color      console: no colours (also NO_COLOR=1)\n"
	      "  --bell          console: ring the bell when an alert fires\n"
	      "  --alerts FILE   alert rules after the built-in ones (default: the "
	      "user's)\n"
	      "  --no-alerts     evaluate no alert rules\n"
	      "  --statsd ADDR   StatsD listener (default 127.0.0.1:8125; off: none)\n"
	      "  VIGIL_LOG=FILE  write a debug log to FILE\n"
	      "  -h, --help      this help\n"
	      "  -V, --version   print the version\n"
	      "\n"
	      "Durations: 250ms, 5s, 2m, 1h, 1m30s. Exit status: 0 ok, 1 failure, 2 "
	      "usage error.\n",
	      out);
}
