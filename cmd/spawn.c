/* SPDX-License-Identifier: MIT */
/* spawn: fork at a gate, exec on release, report exec errors, reap. */
#include "cmd/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* In the child: stdin from /dev/null, stdout and stderr into out_fd. */
static int redirect(int out_fd)
{
	int in = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (in < 0 || dup2(in, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
		return -1;
	return 0;
}

static void child_main(char *const argv[], int out_fd, int gate, int error_fd)
{
	sigset_t none;
	char go;
	int err;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (read(gate, &go, 1) != 1)
		_exit(127); /* the parent gave up before releasing us */
	close(gate);
	if (out_fd >= 0 && redirect(out_fd) < 0) {
		err = errno;
		if (write(error_fd, &err, sizeof(err)) < 0)
			_exit(127);
		_exit(127);
	}
	execvp(argv[0], argv);
	err = errno;
	if (write(error_fd, &err, sizeof(err)) < 0)
		_exit(127);
	_exit(127);
}

int spawn_start(char *const argv[], int out_fd, struct spawn *sp, char *err,
		size_t errlen)
{
	int gate[2], errp[2];

	memset(sp, 0, sizeof(*sp));
	sp->exit_code = -1;
	if (pipe2(gate, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "cannot run '%s': %s", argv[0], strerror(errno));
		return -1;
	}
	sp->pid = fork();
	if (sp->pid < 0) {
		snprintf(err, errlen, "cannot run '%s': %s", argv[0], strerror(errno));
		close(gate[0]), close(gate[1]), close(errp[0]), close(errp[1]);
		return -1;
	}
	if (sp->pid == 0) {
		close(gate[1]);
		close(errp[0]);
		child_main(argv, out_fd, gate[0], errp[1]);
	}
	close(gate[0]);
	close(errp[1]);
	sp->gate_fd = gate[1];
	sp->error_fd = errp[0];
	return 0;
}

static void fill_status(struct spawn *sp, int status)
{
	sp->reaped = true;
	if (WIFEXITED(status)) {
		sp->exit_code = WEXITSTATUS(status);
		sp->exit_signal = 0;
	} else if (WIFSIGNALED(status)) {
		sp->exit_code = -1;
		sp->exit_signal = WTERMSIG(status);
	}
}

int spawn_release(struct spawn *sp, char *err, size_t errlen)
{
	int child_errno = 0;
	ssize_t n;

	if (write(sp->gate_fd, "g", 1) != 1) {
		snprintf(err, errlen, "cannot start the command: %s", strerror(errno));
		return -1;
	}
	close(sp->gate_fd);
	sp->gate_fd = -1;
	do
		n = read(sp->error_fd, &child_errno, sizeof(child_errno));
	while (n < 0 && errno == EINTR);
	close(sp->error_fd);
	sp->error_fd = -1;
	if (n == (ssize_t)sizeof(child_errno)) {
		int status;

		if (waitpid(sp->pid, &status, 0) == sp->pid)
			fill_status(sp, status);
		snprintf(err, errlen, "%s", strerror(child_errno));
		return -1;
	}
	return 0;
}

bool spawn_poll(struct spawn *sp)
{
	int status;

	if (sp->reaped)
		return true;
	if (waitpid(sp->pid, &status, WNOHANG) == sp->pid) {
		fill_status(sp, status);
		return true;
	}
	return false;
}

void spawn_finish(struct spawn *sp, int grace_ms)
{
	struct timespec step = {0, 10 * 1000000};

	if (sp->pid <= 0 || spawn_poll(sp))
		return;
	if (sp->gate_fd >= 0) { /* never released: closing the gate ends it */
		close(sp->gate_fd);
		sp->gate_fd = -1;
	}
	kill(sp->pid, SIGTERM);
	for (int waited = 0; waited < grace_ms; waited += 10) {
		if (spawn_poll(sp))
			return;
		nanosleep(&step, NULL);
	}
	kill(sp->pid, SIGKILL);
	int status;
	if (waitpid(sp->pid, &status, 0) == sp->pid)
		fill_status(sp, status);
}
