/* SPDX-License-Identifier: MIT */
/* syscalls: see syscalls.h. */
#include "core/syscalls.h"

#include <stddef.h>
#include <sys/syscall.h>

#define SC(name)                                                                         \
	{                                                                                \
		SYS_##name, #name                                                        \
	}

static const struct {
	int nr;
	const char *name;
} known[] = {
	SC(read),
	SC(write),
	SC(openat),
	SC(close),
	SC(pread64),
	SC(pwrite64),
	SC(readv),
	SC(writev),
	SC(fsync),
	SC(fdatasync),
	SC(sync_file_range),
	SC(flock),
	SC(ppoll),
	SC(pselect6),
	SC(epoll_pwait),
	SC(futex),
	SC(nanosleep),
	SC(clock_nanosleep),
	SC(sched_yield),
	SC(accept4),
	SC(recvfrom),
	SC(recvmsg),
	SC(recvmmsg),
	SC(sendto),
	SC(sendmsg),
	SC(connect),
	SC(wait4),
	SC(waitid),
	SC(rt_sigsuspend),
	SC(rt_sigtimedwait),
	SC(io_getevents),
	SC(io_uring_enter),
	SC(semtimedop),
	SC(msgrcv),
	SC(mmap),
	SC(munmap),
	SC(madvise),
	SC(brk),
	SC(exit_group),
	SC(getrandom),
	SC(clone),
	SC(execve),
	SC(ioctl),
	SC(splice),
#ifdef SYS_poll
	SC(poll),
	SC(select),
	SC(epoll_wait),
	SC(accept),
	SC(pause),
	SC(open),
#endif
};

const char *syscall_name(int nr)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (known[i].nr == nr)
			return known[i].name;
	return NULL;
}
