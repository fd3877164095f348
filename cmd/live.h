/* SPDX-License-Identifier: MIT */
/* live: the interactive console, vigil's default command. */
#ifndef VIGIL_CMD_LIVE_H
#define VIGIL_CMD_LIVE_H

/* `vigil [-i INTERVAL] [-p PID | -- CMD...]`. Returns the exit status. */
int cmd_live(int argc, char **argv);

#endif
