/* SPDX-License-Identifier: MIT */
/* report: the session summary subcommand. */
#ifndef VIGIL_CMD_REPORT_H
#define VIGIL_CMD_REPORT_H

/* `vigil report FILE [--json]`; argv[0] is "report". Returns the exit status. */
int cmd_report(int argc, char **argv);

#endif
