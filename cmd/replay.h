/* SPDX-License-Identifier: MIT */
/* replay: the console over a recorded session. */
#ifndef VIGIL_CMD_REPLAY_H
#define VIGIL_CMD_REPLAY_H

/* `vigil replay FILE [--ascii] [--no-color]`; argv[0] is "replay". */
int cmd_replay(int argc, char **argv);

#endif
