/* SPDX-License-Identifier: MIT */
/*
 * commands: vigil's subcommands, one const table of struct cli_command
 * (cmd/options.h), each defined beside its run function in cmd/NAME.c.
 * Plain `vigil` is the console (live_command).
 */
#ifndef VIGIL_CMD_COMMANDS_H
#define VIGIL_CMD_COMMANDS_H

#include <stdio.h>

#include "cmd/options.h"

/* The subcommand called name, or NULL. */
const struct cli_command *commands_find(const char *name);

/* The subcommands with their usage lines and summaries, for `vigil --help`. */
void commands_print_list(FILE *out);

#endif
