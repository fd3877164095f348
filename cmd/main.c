/* SPDX-License-Identifier: MIT */
/*
 * main: the entry point. Picks the subcommand from the const table in
 * cmd/commands.c and hands over argv; owns nothing else. Without a
 * subcommand vigil is the live console, whose options include --help and
 * --version.
 */
#include <signal.h>
#include <stdio.h>

#include "cmd/cli.h"
#include "cmd/commands.h"

int main(int argc, char **argv)
{
	/* A closed pipe (vigil report | head) is an ordinary end, not a crash. */
	signal(SIGPIPE, SIG_IGN);
	cli_log_from_env(NULL);
	if (argc > 1 && argv[1][0] != '-') {
		const struct cli_command *cmd = commands_find(argv[1]);

		if (!cmd)
			usage_error("unknown command '%s'", argv[1]);
		return cmd->run(argc - 1, argv + 1);
	}
	return live_command.run(argc, argv);
}
