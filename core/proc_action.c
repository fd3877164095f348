/* SPDX-License-Identifier: MIT */
/*
 * proc_action: kill and renice by identity (see proc_action.h). The identity
 * check and the syscall are one call, so no caller can send without the
 * check; the record is filled on every path, so no caller can forget to say
 * what happened.
 */
#include "core/proc_action.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/procfs.h"

static const struct proc_signal signals[] = {
	{SIGTERM, "TERM", "terminate (ask to exit)"},
	{SIGKILL, "KILL", "kill (cannot be caught)"},
	{SIGHUP, "HUP", "hang up (many daemons reload)"},
	{SIGINT, "INT", "interrupt (as Ctrl-C)"},
	{SIGQUIT, "QUIT", "quit (and dump core)"},
	{SIGUSR1, "USR1", "user signal 1"},
	{SIGUSR2, "USR2", "user signal 2"},
	{SIGSTOP, "STOP", "stop (cannot be caught)"},
	{SIGCONT, "CONT", "continue a stopped process"},
};

const struct proc_signal *proc_action_signals(size_t *n)
{
	*n = sizeof(signals) / sizeof(signals[0]);
	return signals;
}

static const char *signal_name(int sig)
{
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (signals[i].number == sig)
			return signals[i].name;
	return NULL;
}

void proc_action_init(struct proc_action *a, int pid, uint64_t start_ticks,
		      const char *comm)
{
	memset(a, 0, sizeof(*a));
	a->pid = pid;
	a->start_ticks = start_ticks;
	snprintf(a->comm, sizeof(a->comm), "%s", comm ? comm : "");
}

/* Fields 19 (nice) and 22 (starttime) of a stat line; -1 if it is not one. */
static int parse_stat(const char *text, int64_t *nice, uint64_t *start)
{
	char comm[FRAME_COMM_MAX];
	const char *p = procfs_stat_split(text, comm, sizeof(comm));
	int64_t v = 0;

	if (!p || !*p)
		return -1;
	p++; /* the state letter */
	for (int field = 4; field <= 22; field++) {
		if (procfs_next_i64(&p, &v) < 0)
			return -1;
		if (field == 19)
			*nice = v;
	}
	*start = (uint64_t)v;
	return 0;
}

int proc_action_identity(const char *root, const struct proc_action *a, int *nice)
{
	char rel[32], buf[1024];
	int64_t n = 0;
	uint64_t start = 0;
	long rc;

	if (a->pid <= 0)
		return -ESRCH;
	snprintf(rel, sizeof(rel), "%d/stat", a->pid);
	rc = procfs_read(root, rel, buf, sizeof(buf));
	if (rc == -ENOENT || rc == -ESRCH)
		return -ESRCH;
	if (rc < 0)
		return (int)rc;
	if (parse_stat(buf, &n, &start) < 0)
		return -EIO;
	if (start != a->start_ticks)
		return -ESTALE;
	if (nice)
		*nice = (int)n;
	return 0;
}

/* Fills the outcome of the attempt: rc 0 is success. Returns rc. */
static int settle(struct proc_action *a, int rc)
{
	a->ok = rc == 0;
	if (rc == 0)
		snprintf(a->result, sizeof(a->result), "ok");
	else if (rc == -ESTALE)
		snprintf(a->result, sizeof(a->result),
			 "pid %d is another process now: nothing sent", a->pid);
	else
		snprintf(a->result, sizeof(a->result), "%s", strerror(-rc));
	return rc;
}

/*
 * Checks the identity and sends sig without a window for pid reuse: the
 * pidfd is taken first, so it holds the process the check then reads (if the
 * pid was reused in between, the check sees the newcomer's start time and
 * nothing is sent). A kernel without pidfds (before 5.3) gets a plain kill
 * after the check.
 */
static int send_checked(const char *root, const struct proc_action *a, int sig)
{
	int fd = a->pid > 0 ? pidfd_open(a->pid, 0) : -1, rc;

	if (fd < 0 && errno != ENOSYS)
		return a->pid > 0 ? -errno : -ESRCH;
	rc = proc_action_identity(root, a, NULL);
	if (rc == 0 &&
	    (fd >= 0 ? pidfd_send_signal(fd, sig, NULL, 0) : kill(a->pid, sig)) < 0)
		rc = -errno;
	if (fd >= 0)
		close(fd);
	return rc;
}

int proc_action_signal(const char *root, struct proc_action *a, int sig)
{
	const char *name = signal_name(sig);
	int rc;

	a->t_ms = clock_wall_ms();
	snprintf(a->what, sizeof(a->what), "signal");
	if (name)
		snprintf(a->detail, sizeof(a->detail), "SIG%s", name);
	else
		snprintf(a->detail, sizeof(a->detail), "signal %d", sig);
	rc = send_checked(root, a, sig);
	return settle(a, rc);
}

/* The other threads of pid, best effort: a thread may end meanwhile. */
static void renice_threads(const char *root, int pid, int nice)
{
	char path[4200];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%d/task", root, pid);
	if (!(d = opendir(path)))
		return;
	while ((e = readdir(d))) {
		int tid = atoi(e->d_name);

		if (tid > 0 && tid != pid)
			setpriority(PRIO_PROCESS, (id_t)tid, nice);
	}
	closedir(d);
}

int proc_action_renice(const char *root, struct proc_action *a, int delta)
{
	int rc, nice = 0, to;

	a->t_ms = clock_wall_ms();
	snprintf(a->what, sizeof(a->what), "renice");
	rc = proc_action_identity(root, a, &nice);
	to = nice + delta < -20 ? -20 : nice + delta > 19 ? 19 : nice + delta;
	if (rc == 0)
		snprintf(a->detail, sizeof(a->detail), "nice %d -> %d", nice, to);
	else
		snprintf(a->detail, sizeof(a->detail), "nice %+d", delta);
	if (rc == 0 && to == nice) {
		snprintf(a->result, sizeof(a->result), "already at nice %d", nice);
		a->ok = false;
		return -ERANGE;
	}
	if (rc == 0 && setpriority(PRIO_PROCESS, (id_t)a->pid, to) < 0)
		rc = -errno;
	if (rc == 0)
		renice_threads(root, a->pid, to);
	return settle(a, rc);
}

void proc_action_describe(const struct proc_action *a, char *out, size_t cap)
{
	bool sig = !strcmp(a->what, "signal");

	if (a->ok && sig)
		snprintf(out, cap, "sent %s to %d %s", a->detail, a->pid, a->comm);
	else if (a->ok)
		snprintf(out, cap, "%s %d %s: %s", a->what, a->pid, a->comm, a->detail);
	else
		snprintf(out, cap, "%s %d: %s", sig ? "kill" : a->what, a->pid,
			 a->result);
}
