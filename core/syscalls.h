/* SPDX-License-Identifier: MIT */
/*
 * syscalls: names of the system calls a thread is most often found blocked
 * in (/proc/PID/task/TID/syscall gives only the number). Numbers come from
 * <sys/syscall.h>, so the table is right for the architecture vigil is
 * built for; a number it does not know is shown as a number.
 */
#ifndef VIGIL_CORE_SYSCALLS_H
#define VIGIL_CORE_SYSCALLS_H

/* The name of syscall nr, or NULL when the table does not have it. */
const char *syscall_name(int nr);

#endif
