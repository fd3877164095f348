/* SPDX-License-Identifier: MIT */
/*
 * commands: vigil's subcommands, one const table of struct cli_command
 * (cmd/options.h), each defined beside its run function in cmd/NAME.c and
 * declared here, so the subcommands need no header each (like git's
 * builtin.h). Plain `vigil` is the console (live_command).
 */
#ifndef VIGIL_CMD_COMMANDS_H
#define VIGIL_CMD_COMMANDS_H

#include <stdio.h>

#include "cmd/options.h"

/* The interactive console, vigil's default command (cmd/live.c). */
extern const struct cli_command live_command;
/* The headless recorder (cmd/record.c). */
extern const struct cli_command record_command;
/* The always-on recorder (cmd/daemon.c). */
extern const struct cli_command daemon_command;
/* The console over a recorded session (cmd/replay.c). */
extern const struct cli_command replay_command;
/* The session summary (cmd/report.c). */
extern const struct cli_command report_command;
/* A session's numbers, profiles and alerts for other tools (cmd/export.c,
 * docs/export.md). */
extern const struct cli_command export_command;
/* The headless CPU profiler (cmd/profile.c). */
extern const struct cli_command profile_command;

/* What changed between two recordings (cmd/diff.c, docs/diff-json.md). */
extern const struct cli_command diff_command;

/* The subcommand called name, or NULL. */
const struct cli_command *commands_find(const char *name);

/* The subcommands with their usage lines and summaries, for `vigil --help`. */
void commands_print_list(FILE *out);

#endif
