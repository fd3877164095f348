/* SPDX-License-Identifier: MIT */
/*
 * main: the entry point. Picks the subcommand from a const table and hands
 * over argv; owns nothing else. Without a subcommand vigil is the live
 * console.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cli.h"
#include "cmd/export.h"
#include "cmd/live.h"
#include "cmd/profile.h"
#include "cmd/record.h"
#include "cmd/replay.h"
#include "cmd/report.h"

struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
};

/* clang-format off */
static const struct subcommand subcommands[] = {
	{"export", cmd_export},
	{"profile", cmd_profile},
	{"record", cmd_record},
	{"replay", cmd_replay},
	{"report", cmd_report},
};
/* clang-format on */

int main(int argc, char **argv)
{
	/* A closed pipe (vigil report | head) is an ordinary end, not a crash. */
	signal(SIGPIPE, SIG_IGN);
	cli_log_from_env(NULL);
	if (argc > 1) {
		if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
			printf("vigil %s\n", VIGIL_VERSION);
			return 0;
		}
		if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
			cli_print_help(stdout);
			return 0;
		}
		for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
			if (!strcmp(argv[1], subcommands[i].name))
				return subcommands[i].run(argc - 1, argv + 1);
		if (argv[1][0] != '-')
			usage_error("unknown command '%s'", argv[1]);
	}
	return cmd_live(argc, argv);
}
