/* SPDX-License-Identifier: MIT */
/* record: the headless recorder subcommand. */
#ifndef VIGIL_CMD_RECORD_H
#define VIGIL_CMD_RECORD_H

/* `vigil record ...`; argv[0] is "record". Returns the exit status. */
int cmd_record(int argc, char **argv);

#endif
