/* SPDX-License-Identifier: MIT */
/*
 * cli: what every subcommand shares: usage errors (exit 2), runtime errors
 * (exit 1), option values (durations, pids), where sessions live by default,
 * and the debug log switch. Which options a subcommand takes, and their
 * help, is cmd/options.h's.
 */
#ifndef VIGIL_CMD_CLI_H
#define VIGIL_CMD_CLI_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define EXIT_USAGE 2
/* A soak build may lower the floor (bench/soak.sh: -DINTERVAL_MIN_MS=40). */
#ifndef INTERVAL_MIN_MS
#define INTERVAL_MIN_MS 100
#endif
#define INTERVAL_DEFAULT_MS 1000

/*
 * Prints "vigil: <message>" and "Try 'vigil --help'." (or 'vigil SUB --help'
 * after cli_set_command) to stderr, exits 2.
 * Like cli_warn and fatal(), the message is escaped (core/textsafe.h): it
 * may quote an argument, a process name or a command line.
 */
_Noreturn void usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Which subcommand's help usage errors point at (NULL: vigil's). */
void cli_set_command(const char *name);

/* Prints "vigil: <message>" to stderr, the message escaped, and goes on. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parses a duration option value or exits 2 naming the option. */
int64_t cli_duration(const char *opt, const char *value);
/* Parses an interval (>= INTERVAL_MIN_MS) or exits 2. */
int64_t cli_interval(const char *value);
/* Parses a positive pid or exits 2. */
int cli_pid(const char *value);
/*
 * Checks --statsd's value: "off" or an address statsd_addr_parse takes;
 * anything else exits 2 ("--statsd 'x': why"). Returns value. Whether it can
 * be bound is pipeline_start's to find out.
 */
const char *cli_statsd(const char *value);
/*
 * Checks --listen's value: an address statsd_addr_parse takes ("9464" is
 * 127.0.0.1:9464); anything else exits 2 ("--listen 'x': why").
 */
const char *cli_listen(const char *value);

/*
 * What follows the options: with "--" before it, the command to start
 * (&argv[optind]); NULL when nothing follows. Anything else, or "--" with
 * nothing after it, is a usage error (exit 2).
 */
char **cli_command(int argc, char **argv, int optind);

/*
 * Builds the default path of a new session file under $XDG_STATE_HOME/vigil/
 * (else ~/.local/state/vigil/), creating the directory 0700. Returns a string
 * the caller frees, or NULL with a reason in err.
 */
char *cli_default_session_path(char *err, size_t errlen);

/* mkdir -p: each missing component of path (restored on return) with
 * mode. Returns 0 or -1 with errno. */
int cli_mkdirs(char *path, mode_t mode);

/* Opens the debug log when VIGIL_LOG names a file (or -v asked for it). */
void cli_log_from_env(const char *path_or_null);

#endif
