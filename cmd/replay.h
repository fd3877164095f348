/* SPDX-License-Identifier: MIT */
/* replay: the console over a recorded session. */
#ifndef VIGIL_CMD_REPLAY_H
#define VIGIL_CMD_REPLAY_H

#include "cmd/options.h"

/* Its options, usage and run function (argv[0] is "replay"). */
extern const struct cli_command replay_command;

#endif
