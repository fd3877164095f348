/* SPDX-License-Identifier: MIT */
/*
 * shellout: curses steps aside while another program has the terminal.
 *
 * vigil has threads (sampler, writer), so the child only makes
 * async-signal-safe calls between fork and execve: restoring three signal
 * dispositions (an ignored signal stays ignored across execve) and the exec.
 * The sampler and the writer go on meanwhile; frames that arrive wait in the
 * console's mailbox. Children are waited for by pid, never waitpid(-1).
 */
#include "tui/shellout.h"

#include <curses.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

bool shellout_find(const char *name, char *out, size_t cap)
{
	const char *path = getenv("PATH"), *p, *end;
	struct stat st;

	if (!path || strchr(name, '/'))
		return false;
	for (p = path; *p; p = *end ? end + 1 : end) {
		size_t len;

		end = p + strcspn(p, ":");
		len = (size_t)(end - p);
		if (!len || *p != '/')
			continue; /* relative: never, as root */
		if ((size_t)snprintf(out, cap, "%.*s/%s", (int)len, p, name) >= cap)
			continue;
		if (stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
			return true;
	}
	return false;
}

/* Waits for Enter (or the end of input) on the terminal, in its own mode. */
static void wait_enter(void)
{
	char c;

	tcflush(0, TCIFLUSH); /* what was typed while the program ran */
	fputs("\n-- press Enter to return to vigil --", stdout);
	fflush(stdout);
	for (;;) {
		ssize_t n = read(0, &c, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || c == '\n' || c == '\r')
			break;
	}
}

static void describe(int status, char *result, size_t cap)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		snprintf(result, cap, "cannot run: exit status 127");
	else if (WIFEXITED(status))
		snprintf(result, cap, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(result, cap, "ended by SIG%s",
			 sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status))
							: "?");
	else
		snprintf(result, cap, "ended");
}

int shellout_run(char *const argv[], const char *banner, char *result, size_t cap)
{
	struct sigaction ign = {.sa_handler = SIG_IGN}, old_int, old_quit;
	int status = 0, rc = 0;
	pid_t pid;

	def_prog_mode();
	endwin();
	printf("%s\n", banner);
	fflush(stdout);
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0) {
		snprintf(result, cap, "cannot run: %s", strerror(errno));
		rc = -1;
	} else {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		describe(status, result, cap);
		printf("\n%s: %s", argv[0], result);
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	wait_enter();
	reset_prog_mode();
	flushinp();
	return rc;
}
