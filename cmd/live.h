/* SPDX-License-Identifier: MIT */
/* live: the interactive console, vigil's default command. */
#ifndef VIGIL_CMD_LIVE_H
#define VIGIL_CMD_LIVE_H

#include "cmd/options.h"

/* Its options, usage and run function (argv[0] is "vigil"). */
extern const struct cli_command live_command;

#endif
