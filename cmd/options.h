/* SPDX-License-Identifier: MIT */
/*
 * options: the command line of every subcommand, from const tables (like
 * tmux's cmd-*.c entries). A subcommand is a struct cli_command: its name,
 * what follows its options, a line for `vigil --help`, and its options.
 *
 * An option is either shared or the subcommand's own. The shared ones
 * (CLI_OPT_PID .. CLI_OPT_NO_COLOR) have their names, value name, help line
 * and value parsing here, once; a subcommand lists the ones it accepts and
 * may give a shared option its own help line or value name. Its own options
 * (CLI_OPT_OWN + n) carry their names and help line in its table, and the
 * subcommand checks their values after cli_parse. One table drives
 * getopt_long, the usage of `vigil SUB --help` and the error messages, so
 * there is no second list of options anywhere.
 *
 * Every subcommand accepts -h/--help (it is not listed in the tables):
 * prints the usage on stdout, exits 0. Errors are usage errors (exit 2,
 * "Try 'vigil SUB --help'."): "option '-p' needs a value", "option
 * '--force' takes no value", "option '--f' is ambiguous: --from, ...",
 * "unknown option '--x' for record", and the shared values' own ("bad pid
 * 'x': expected a positive number"). Long names may be abbreviated.
 */
#ifndef VIGIL_CMD_OPTIONS_H
#define VIGIL_CMD_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum cli_opt {
	CLI_OPT_PID,	    /* -p PID: cli_args.pid */
	CLI_OPT_OUTPUT,	    /* -o FILE */
	CLI_OPT_INTERVAL,   /* -i INTERVAL: cli_args.interval_ms (>= 100ms) */
	CLI_OPT_DURATION,   /* -d DURATION: cli_args.duration_ms */
	CLI_OPT_FORCE,	    /* -f, --force */
	CLI_OPT_ALERTS,	    /* --alerts FILE */
	CLI_OPT_NO_ALERTS,  /* --no-alerts */
	CLI_OPT_STATSD,	    /* --statsd ADDR|off, checked by cli_statsd */
	CLI_OPT_FROM,	    /* --from TIME (when_parse needs the session: unchecked) */
	CLI_OPT_TO,	    /* --to TIME */
	CLI_OPT_FORMAT,	    /* --format A|B|C: cli_args.format, index of the value */
	CLI_OPT_ASCII,	    /* --ascii */
	CLI_OPT_NO_COLOR,   /* --no-color */
	CLI_OPT_NO_MOUSE,   /* --no-mouse */
	CLI_OPT_LISTEN,	    /* --listen ADDR:PORT, checked by cli_listen */
	CLI_OPT_WEB_CONFIG, /* --web-config FILE (read by pipeline_start) */
	CLI_OPT_METRICS_CONFIG, /* --metrics-config FILE (read by pipeline_start) */
	CLI_OPT_GC_TRACE,	/* --gc-trace (cmd/gcpipe.h) */
	CLI_OPT_HELP,		/* -h, --help: implicit in every subcommand */
	CLI_OPT_OWN,		/* a subcommand's own options: CLI_OPT_OWN + n */
	CLI_OPT_MAX = CLI_OPT_OWN + 8,
};

/*
 * One option a subcommand accepts. For a shared option only id is needed;
 * arg and help, when set, replace its value name and help line (CLI_OPT_FORMAT
 * must set arg: its choices, "csv|json|folded"). An own option sets all but
 * short_name (0: none).
 */
struct cli_option {
	int id;
	char short_name;
	const char *long_name;
	const char *arg; /* value name in the usage; NULL: takes no value */
	const char *help;
};

#define CLI_SHARED(id_)                                                                  \
	{                                                                                \
		.id = (id_)                                                              \
	}
#define CLI_SHARED_AS(id_, arg_, help_)                                                  \
	{                                                                                \
		.id = (id_), .arg = (arg_), .help = (help_)                              \
	}

/*
 * The options of the sampling pipeline (cmd/pipeline.h) that every command
 * recording the system takes alike (record, daemon): one list, so an option
 * added to the pipeline is added to both here. --statsd is each one's own
 * line: its default differs (the daemon listens only when asked).
 */
#define CLI_PIPELINE_OPTIONS                                                             \
	CLI_SHARED(CLI_OPT_INTERVAL), CLI_SHARED(CLI_OPT_ALERTS),                        \
		CLI_SHARED(CLI_OPT_NO_ALERTS)

/* Options stop at the first operand (getopt's "+"), so that a command after
 * "--" keeps its own; otherwise options and operands may mix. */
#define CLI_CMD_OPTIONS_FIRST 0x1

struct cli_command {
	const char *name;     /* "record"; NULL: the console (plain `vigil`) */
	const char *operands; /* after "[OPTIONS]" in the usage line, or NULL */
	const char *summary;  /* one line for `vigil --help` */
	const char *about;    /* paragraph after the options, or NULL */
	const struct cli_option *options;
	size_t noptions;
	unsigned flags; /* CLI_CMD_* */
	int (*run)(int argc, char **argv);
	void (*more_help)(FILE *out); /* printed after the summary, or NULL */
};

/* How many times one own option may be given (see cli_args.repeated). */
#define CLI_REPEAT_MAX 32

/* What cli_parse found. value[id] is the option's value ("" for a flag) or
 * NULL when it was not given; the last one given counts. An own option that
 * may be given several times (`diff --fail-if`) has every value, in order,
 * in repeated[id - CLI_OPT_OWN][0 .. nrepeated[...]); more than
 * CLI_REPEAT_MAX is a usage error. */
struct cli_args {
	const char *value[CLI_OPT_MAX];
	const char *repeated[CLI_OPT_MAX - CLI_OPT_OWN][CLI_REPEAT_MAX];
	size_t nrepeated[CLI_OPT_MAX - CLI_OPT_OWN];
	int pid;	     /* 0: no -p */
	int64_t interval_ms; /* INTERVAL_DEFAULT_MS without -i */
	int64_t duration_ms; /* 0 without -d */
	int format;	     /* index into --format's choices, -1: not given */
	int operand;	     /* argv index of the first operand */
};

/*
 * Parses argv (argv[0] is the subcommand's name, or "vigil") against cmd's
 * table into a. Exits 0 after printing the usage for -h/--help, 2 on a usage
 * error. Afterwards usage errors point at cmd's help.
 */
void cli_parse(const struct cli_command *cmd, int argc, char **argv, struct cli_args *a);

static inline bool cli_has(const struct cli_args *a, int id)
{
	return a->value[id] != NULL;
}

/* Prints `vigil SUB --help`: the usage line, the options, the about text. */
void cli_print_usage(const struct cli_command *cmd, FILE *out);

#endif
