/* SPDX-License-Identifier: MIT */
/* record: the headless recorder subcommand. */
#ifndef VIGIL_CMD_RECORD_H
#define VIGIL_CMD_RECORD_H

#include "cmd/options.h"

/* Its options, usage and run function (argv[0] is "record"). */
extern const struct cli_command record_command;

#endif
