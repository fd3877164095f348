/* SPDX-License-Identifier: MIT */
/* profile: the headless CPU profiler subcommand. */
#ifndef VIGIL_CMD_PROFILE_H
#define VIGIL_CMD_PROFILE_H

#include "cmd/options.h"

/* Its options, usage and run function (argv[0] is "profile"). */
extern const struct cli_command profile_command;

#endif
