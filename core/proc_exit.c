/* SPDX-License-Identifier: MIT */
/* proc_exit: see proc_exit.h. */
#include "core/proc_exit.h"

#include <stdlib.h>

void proc_exits_free(struct proc_exits *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->n; i++)
		free(e->rows[i].cmdline);
	free(e->rows);
	free(e);
}

void proc_exit_set_status(struct proc_exit *x, uint32_t status)
{
	if (status & 0x7f) {
		x->exit_code = -1;
		x->exit_signal = (int)(status & 0x7f);
		x->core_dumped = status & 0x80;
	} else {
		x->exit_code = (int)((status >> 8) & 0xff);
		x->exit_signal = 0;
		x->core_dumped = false;
	}
}
