/* SPDX-License-Identifier: MIT */
/* report: the session summary subcommand. */
#ifndef VIGIL_CMD_REPORT_H
#define VIGIL_CMD_REPORT_H

#include "cmd/options.h"

/* Its options, usage and run function (argv[0] is "report"). */
extern const struct cli_command report_command;

#endif
