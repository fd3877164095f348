/* SPDX-License-Identifier: MIT */
/* profile: the headless CPU profiler subcommand. */
#ifndef VIGIL_CMD_PROFILE_H
#define VIGIL_CMD_PROFILE_H

/* `vigil profile ...`; argv[0] is "profile". Returns the exit status. */
int cmd_profile(int argc, char **argv);

#endif
