/* SPDX-License-Identifier: MIT */
/* commands: the table of subcommands, for main and for `vigil --help`. */
#include "cmd/commands.h"

#include <string.h>

/* in the order `vigil --help` lists them */
static const struct cli_command *const commands[] = {
	&record_command, &daemon_command,  &replay_command, &report_command,
	&export_command, &profile_command, &diff_command,
};

const struct cli_command *commands_find(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(name, commands[i]->name))
			return commands[i];
	return NULL;
}

void commands_print_list(FILE *out)
{
	fputs("\ncommands ('vigil COMMAND --help' lists a command's options):\n", out);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  vigil %s [OPTIONS]%s%s\n        %s\n", commands[i]->name,
			commands[i]->operands ? " " : "",
			commands[i]->operands ? commands[i]->operands : "",
			commands[i]->summary);
}
