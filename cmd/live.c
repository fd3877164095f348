/* SPDX-License-Identifier: MIT */
/* live: the interactive console (issue 3); until it lands, say so plainly. */
#include "cmd/live.h"

#include "core/xalloc.h"

int cmd_live(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fatal("the live console is not in this build yet: use 'vigil record' and 'vigil report'");
}
