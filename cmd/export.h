/* SPDX-License-Identifier: MIT */
/* export: a session's numbers, profiles and alerts for other tools (docs/export.md). */
#ifndef VIGIL_CMD_EXPORT_H
#define VIGIL_CMD_EXPORT_H

#include "cmd/options.h"

/* Its options, usage and run function (argv[0] is "export"). */
extern const struct cli_command export_command;

#endif
