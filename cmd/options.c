/* SPDX-License-Identifier: MIT */
/*
 * options: the shared flags (names, value parsing, help lines) and the one
 * parser and usage printer every subcommand's const table goes through.
 *
 * A table is resolved once per call into struct resolved entries (the
 * shared definition with the subcommand's overrides, then -h/--help), and
 * getopt_long's short and long option lists are built from those: a long
 * option returns OPT_LONG_BASE + its index, a short one its letter. The
 * optstring starts with ':' so a missing value is told apart from an
 * unknown option.
 */
#include "cmd/options.h"

#include <assert.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cli.h"

#define OPT_LONG_BASE 256 /* above every short option letter */
#define HELP_COLUMN 28	  /* where help lines start in the usage */
#define RESOLVED_MAX (CLI_OPT_MAX + 1)

struct resolved {
	int id;
	char short_name;
	const char *long_name;
	const char *arg;
	const char *help;
};

struct shared_option {
	char short_name;
	const char *long_name;
	const char *arg;
	const char *help;
};

/* clang-format off */
static const struct shared_option shared[CLI_OPT_OWN] = {
	[CLI_OPT_PID]       = {'p', "pid", "PID", "attach to a running process"},
	[CLI_OPT_OUTPUT]    = {'o', "output", "FILE",
			       "session file (default: new, in ~/.local/state/vigil)"},
	[CLI_OPT_INTERVAL]  = {'i', "interval", "INTERVAL",
			       "sampling interval (default 1s, minimum 100ms)"},
	[CLI_OPT_DURATION]  = {'d', "duration", "DURATION", "stop after DURATION"},
	[CLI_OPT_FORCE]     = {'f', "force", NULL,
			       "replace an existing -o file (a regular file only)"},
	[CLI_OPT_ALERTS]    = {0, "alerts", "FILE",
			       "rules after the built-in ones (default: the user's)"},
	[CLI_OPT_NO_ALERTS] = {0, "no-alerts", NULL, "evaluate no alert rules"},
	[CLI_OPT_STATSD]    = {0, "statsd", "ADDR",
			       "StatsD listener (default 127.0.0.1:8125; off: none)"},
	[CLI_OPT_FROM]      = {0, "from", "TIME",
			       "start of the window (default: the session's start)"},
	[CLI_OPT_TO]        = {0, "to", "TIME",
			       "end of the window (default: the session's end)"},
	[CLI_OPT_FORMAT]    = {0, "format", NULL, "output format"},
	[CLI_OPT_ASCII]     = {0, "ascii", NULL,
			       "ASCII graphs (automatic outside UTF-8 locales)"},
	[CLI_OPT_NO_COLOR]  = {0, "no-color", NULL, "no colours (also NO_COLOR=1)"},
	[CLI_OPT_NO_MOUSE]  = {0, "no-mouse", NULL,
			       "leave the mouse to the terminal (m toggles)"},
	[CLI_OPT_LISTEN]    = {0, "listen", "ADDR",
			       "serve /metrics for Prometheus (PORT: on 127.0.0.1)"},
	[CLI_OPT_WEB_CONFIG] = {0, "web-config", "FILE",
				"TLS and basic auth for --listen (exporter-toolkit)"},
	[CLI_OPT_METRICS_CONFIG] = {0, "metrics-config", "FILE",
				    "process groups, top N, buckets for --listen"},
	[CLI_OPT_GC_TRACE]  = {0, "gc-trace", NULL,
			       "GC events of a node or Go command (with -- CMD)"},
	[CLI_OPT_HELP]      = {'h', "help", NULL, "print this help"},
};
/* clang-format on */

/* The option as this subcommand shows it: shared definition, then overrides. */
static struct resolved resolve(const struct cli_option *o)
{
	struct resolved r = {o->id, o->short_name, o->long_name, o->arg, o->help};

	assert(o->id >= 0 && o->id < CLI_OPT_MAX);
	if (o->id < CLI_OPT_OWN) {
		const struct shared_option *s = &shared[o->id];

		r.short_name = s->short_name;
		r.long_name = s->long_name;
		r.arg = o->arg ? o->arg : s->arg;
		r.help = o->help ? o->help : s->help;
	}
	assert(r.long_name && r.help);
	assert(o->id != CLI_OPT_FORMAT || r.arg); /* its choices */
	return r;
}

/* cmd's options and then -h/--help, into out; returns how many. */
static size_t resolve_all(const struct cli_command *cmd, struct resolved *out)
{
	static const struct cli_option help = CLI_SHARED(CLI_OPT_HELP);
	size_t n = 0;

	assert(cmd->noptions < RESOLVED_MAX);
	for (size_t i = 0; i < cmd->noptions; i++)
		out[n++] = resolve(&cmd->options[i]);
	out[n++] = resolve(&help);
	return n;
}

/* "record" or "the console", for messages. */
static const char *command_name(const struct cli_command *cmd)
{
	return cmd->name ? cmd->name : "vigil";
}

/* --format's value: its index among the '|'-separated choices. */
static int parse_choice(const struct cli_command *cmd, const struct resolved *o,
			const char *value)
{
	const char *p = o->arg;
	size_t len = strlen(value);
	char expected[128] = "";
	int index = 0;

	for (;;) {
		size_t n = strcspn(p, "|");

		if (n == len && !strncmp(p, value, n))
			return index;
		snprintf(expected + strlen(expected), sizeof(expected) - strlen(expected),
			 "%s%.*s",
			 !index ? ""
			 : p[n] ? ", "
				: " or ",
			 (int)n, p);
		if (!p[n])
			break;
		p += n + 1;
		index++;
	}
	usage_error("unknown format '%s' for %s: expected %s", value, command_name(cmd),
		    expected);
}

/* Records one option and checks a shared option's value. */
static void take(const struct cli_command *cmd, const struct resolved *o,
		 const char *value, struct cli_args *a)
{
	a->value[o->id] = value ? value : "";
	if (o->id >= CLI_OPT_OWN) {
		size_t *n = &a->nrepeated[o->id - CLI_OPT_OWN];

		if (*n == CLI_REPEAT_MAX)
			usage_error("option '--%s' given more than %d times",
				    o->long_name, CLI_REPEAT_MAX);
		a->repeated[o->id - CLI_OPT_OWN][(*n)++] = a->value[o->id];
	}
	switch (o->id) {
	case CLI_OPT_PID:
		a->pid = cli_pid(value);
		break;
	case CLI_OPT_INTERVAL:
		a->interval_ms = cli_interval(value);
		break;
	case CLI_OPT_DURATION:
		a->duration_ms = cli_duration("-d", value);
		break;
	case CLI_OPT_STATSD:
		cli_statsd(value);
		break;
	case CLI_OPT_LISTEN:
		cli_listen(value);
		break;
	case CLI_OPT_FORMAT:
		a->format = parse_choice(cmd, o, value);
		break;
	case CLI_OPT_HELP:
		cli_print_usage(cmd, stdout);
		exit(fflush(stdout) == 0 ? 0 : 1);
	default:
		break;
	}
}

/* The option getopt stopped at, as the user wrote it ("-p", "--from"). */
static void name_of_failed(const struct resolved *opts, char **argv, char *buf,
			   size_t len)
{
	if (optopt >= OPT_LONG_BASE)
		snprintf(buf, len, "--%s", opts[optopt - OPT_LONG_BASE].long_name);
	else if (optopt)
		snprintf(buf, len, "-%c", optopt);
	else /* an unknown long option: getopt has stepped past it */
		snprintf(buf, len, "%.*s", (int)strcspn(argv[optind - 1], "="),
			 argv[optind - 1]);
}

/* "--f" when it begins more than one long name: those names, else "". */
static void ambiguous(const char *name, const struct resolved *opts, size_t n, char *buf,
		      size_t len)
{
	size_t plen = strlen(name) - 2, used = 0;
	int matches = 0;

	buf[0] = '\0';
	if (strncmp(name, "--", 2) || !plen)
		return;
	for (size_t i = 0; i < n && used < len; i++)
		if (!strncmp(opts[i].long_name, name + 2, plen))
			used += (size_t)snprintf(buf + used, len - used, "%s--%s",
						 matches++ ? ", " : "",
						 opts[i].long_name);
	if (matches < 2)
		buf[0] = '\0';
}

static _Noreturn void option_error(const struct cli_command *cmd, int c,
				   const struct resolved *opts, size_t n, char **argv)
{
	char name[128], candidates[256];

	name_of_failed(opts, argv, name, sizeof(name));
	if (c == ':')
		usage_error("option '%s' needs a value", name);
	if (optopt >= OPT_LONG_BASE) /* known: only "--flag=value" gets here */
		usage_error("option '%s' takes no value", name);
	ambiguous(name, opts, n, candidates, sizeof(candidates));
	if (candidates[0])
		usage_error("option '%s' is ambiguous: %s", name, candidates);
	if (cmd->name)
		usage_error("unknown option '%s' for %s", name, cmd->name);
	usage_error("unknown option '%s'", name);
}

void cli_parse(const struct cli_command *cmd, int argc, char **argv, struct cli_args *a)
{
	struct resolved opts[RESOLVED_MAX];
	struct option longopts[RESOLVED_MAX + 1];
	char shortopts[3 + 2 * RESOLVED_MAX + 1], *s = shortopts;
	size_t n = resolve_all(cmd, opts);
	int c;

	memset(a, 0, sizeof(*a));
	a->interval_ms = INTERVAL_DEFAULT_MS;
	a->format = -1;
	cli_set_command(cmd->name);
	if (cmd->flags & CLI_CMD_OPTIONS_FIRST)
		*s++ = '+';
	*s++ = ':';
	for (size_t i = 0; i < n; i++) {
		longopts[i] = (struct option){
			opts[i].long_name, opts[i].arg ? required_argument : no_argument,
			NULL, OPT_LONG_BASE + (int)i};
		if (opts[i].short_name) {
			*s++ = opts[i].short_name;
			if (opts[i].arg)
				*s++ = ':';
		}
	}
	*s = '\0';
	longopts[n] = (struct option){NULL, 0, NULL, 0};
	optind = 0; /* a full reset, "+" included */
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		size_t i = 0;

		if (c >= OPT_LONG_BASE)
			i = (size_t)(c - OPT_LONG_BASE);
		else
			while (i < n && opts[i].short_name != c)
				i++;
		if (c == ':' || c == '?' || i == n)
			option_error(cmd, c, opts, n, argv);
		take(cmd, &opts[i], optarg, a);
	}
	a->operand = optind;
}

/* "  -p, --pid PID" or "      --force", padded to the help column. */
static void print_option(FILE *out, const struct resolved *o)
{
	char head[96];
	int len;

	if (o->short_name)
		len = snprintf(head, sizeof(head), "  -%c, --%s", o->short_name,
			       o->long_name);
	else
		len = snprintf(head, sizeof(head), "      --%s", o->long_name);
	if (o->arg)
		len += snprintf(head + len, sizeof(head) - (size_t)len, " %s", o->arg);
	if (len + 2 > HELP_COLUMN)
		fprintf(out, "%s\n%*s%s\n", head, HELP_COLUMN, "", o->help);
	else
		fprintf(out, "%-*s%s\n", HELP_COLUMN, head, o->help);
}

void cli_print_usage(const struct cli_command *cmd, FILE *out)
{
	struct resolved opts[RESOLVED_MAX];
	size_t n = resolve_all(cmd, opts);

	fprintf(out, "usage: vigil%s%s [OPTIONS]%s%s\n", cmd->name ? " " : "",
		cmd->name ? cmd->name : "", cmd->operands ? " " : "",
		cmd->operands ? cmd->operands : "");
	fprintf(out, "\n%s\n", cmd->summary);
	if (cmd->more_help)
		cmd->more_help(out);
	fputs("\noptions:\n", out);
	for (size_t i = 0; i < n; i++)
		print_option(out, &opts[i]);
	if (cmd->about)
		fprintf(out, "\n%s", cmd->about);
}
