/* SPDX-License-Identifier: MIT */
/*
 * actions: exec and log actions for alert transitions.
 *
 * vigil has threads, so between fork and execve the child only makes
 * async-signal-safe calls: everything it needs (argv, envp, the stdin pipe
 * already holding the JSON, /dev/null) is prepared before fork. The JSON is a
 * few hundred bytes and goes into the pipe before the child exists, so the
 * parent never waits on a slow reader. execve errors reach the parent through
 * a close-on-exec pipe read at reap time (nothing in it: execve worked).
 */
#include "core/actions.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/json.h"
#include "core/outfile.h"
#include "core/xalloc.h"

extern char **environ;

#define ENV_PREFIX "VIGIL_ALERT_"

struct child {
	pid_t pid;
	int64_t start_ms;
	int err_fd; /* read end of the execve-errno pipe */
	bool killed;
	char *path; /* owned, for messages */
};

struct action_runner {
	int64_t limit_ms;
	size_t max_running;
	struct child *kids; /* owned, n entries */
	size_t n, cap;
};

/* ---- JSON ---- */

char *action_alert_json(const struct action_alert *a)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		fatal("out of memory");
	fprintf(f, "{\"t_ms\":%lld,\"rule\":", (long long)a->t_ms);
	json_string(f, a->rule ? a->rule : "");
	fputs(",\"name\":", f);
	json_string(f, a->name ? a->name : "");
	fputs(",\"metric\":", f);
	json_string(f, a->metric ? a->metric : "");
	fputs(",\"severity\":", f);
	json_string(f, a->severity ? a->severity : "");
	fputs(",\"state\":", f);
	json_string(f, a->state ? a->state : "");
	fputs(",\"from\":", f);
	json_string(f, a->from ? a->from : "");
	fputs(",\"value\":", f);
	json_number(f, a->value, 6);
	fputs(",\"word\":", f);
	if (a->word && *a->word)
		json_string(f, a->word);
	else
		fputs("null", f);
	fputs(",\"threshold\":", f);
	json_number(f, a->threshold, 6);
	fputs(",\"message\":", f);
	json_string(f, a->message ? a->message : "");
	fputc('}', f);
	if (fclose(f) || !buf)
		fatal("out of memory");
	return buf;
}

/* ---- log ---- */

static int write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

int action_log_append(const char *path, const struct action_alert *a, char *err,
		      size_t errlen)
{
	char *json = action_alert_json(a);
	char *line = xasprintf("%s\n", json);
	int fd, rc;

	free(json);
	fd = outfile_append(path, err, errlen);
	if (fd < 0) {
		free(line);
		return fd;
	}
	rc = write_all(fd, line, strlen(line));
	if (rc)
		snprintf(err, errlen, "cannot write alert log '%s': %s", path,
			 strerror(-rc));
	if (close(fd) && !rc) {
		rc = -errno;
		snprintf(err, errlen, "cannot write alert log '%s': %s", path,
			 strerror(-rc));
	}
	free(line);
	return rc;
}

/* ---- exec ---- */

struct action_runner *action_runner_new(int64_t limit_ms, size_t max_running)
{
	struct action_runner *r = xcalloc(1, sizeof(*r));

	r->limit_ms = limit_ms > 0 ? limit_ms : ACTION_LIMIT_MS_DEFAULT;
	r->max_running = max_running ? max_running : ACTION_RUNNING_MAX_DEFAULT;
	return r;
}

static void kill_group(pid_t pid)
{
	/* the group may not exist yet if the child has not run setpgid */
	if (kill(-pid, SIGKILL) < 0)
		kill(pid, SIGKILL);
}

static void child_drop(struct action_runner *r, size_t i)
{
	close(r->kids[i].err_fd);
	free(r->kids[i].path);
	r->kids[i] = r->kids[--r->n];
}

void action_runner_free(struct action_runner *r)
{
	if (!r)
		return;
	while (r->n) {
		int status;

		kill_group(r->kids[0].pid);
		while (waitpid(r->kids[0].pid, &status, 0) < 0 && errno == EINTR)
			;
		child_drop(r, 0);
	}
	free(r->kids);
	free(r);
}

size_t action_runner_running(const struct action_runner *r)
{
	return r->n;
}

static void format_number(double v, char *buf, size_t len)
{
	if (isfinite(v))
		snprintf(buf, len, "%.15g", v);
	else
		buf[0] = '\0';
}

/* The caller's environment without VIGIL_ALERT_*, then ours. Owned, with strings. */
static char **build_env(const struct action_alert *a, const char *json)
{
	char value[64], threshold[64];
	const char *word = a->word ? a->word : "";
	size_t n = 0, k = 0;
	char **env;

	for (char **e = environ; e && *e; e++)
		n++;
	env = xcalloc(n + 13, sizeof(*env));
	for (char **e = environ; e && *e; e++)
		if (strncmp(*e, ENV_PREFIX, sizeof(ENV_PREFIX) - 1))
			env[k++] = xstrdup(*e);
	format_number(a->value, value, sizeof(value));
	format_number(a->threshold, threshold, sizeof(threshold));
#define S(x) ((x) ? (x) : "")
	env[k++] = xasprintf(ENV_PREFIX "RULE=%s", S(a->rule));
	env[k++] = xasprintf(ENV_PREFIX "NAME=%s", S(a->name));
	env[k++] = xasprintf(ENV_PREFIX "METRIC=%s", S(a->metric));
	env[k++] = xasprintf(ENV_PREFIX "SEVERITY=%s", S(a->severity));
	env[k++] = xasprintf(ENV_PREFIX "STATE=%s", S(a->state));
	env[k++] = xasprintf(ENV_PREFIX "FROM=%s", S(a->from));
	env[k++] = xasprintf(ENV_PREFIX "VALUE=%s", *word ? word : value);
	env[k++] = xasprintf(ENV_PREFIX "WORD=%s", word);
	env[k++] = xasprintf(ENV_PREFIX "THRESHOLD=%s", threshold);
	env[k++] = xasprintf(ENV_PREFIX "MESSAGE=%s", S(a->message));
	env[k++] = xasprintf(ENV_PREFIX "TIME_MS=%lld", (long long)a->t_ms);
	env[k++] = xasprintf(ENV_PREFIX "JSON=%s", json);
#undef S
	env[k] = NULL;
	return env;
}

static void free_env(char **env)
{
	for (char **e = env; *e; e++)
		free(*e);
	free(env);
}

/* In the child: only async-signal-safe calls from here to execve. */
static _Noreturn void child_run(char *const argv[], char **env, int in_fd, int null_fd,
				int err_fd)
{
	sigset_t none;
	int e;

	setpgid(0, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	if (dup2(in_fd, 0) < 0 || dup2(null_fd, 1) < 0 || dup2(null_fd, 2) < 0)
		goto fail;
	if (err_fd != 3) {
		if (dup3(err_fd, 3, O_CLOEXEC) < 0)
			goto fail;
		err_fd = 3;
	}
	close_range(4, ~0u, 0); /* fds other threads opened without O_CLOEXEC */
	execve(argv[0], argv, env);
fail:
	e = errno;
	if (write(err_fd, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

int action_runner_exec(struct action_runner *r, char *const argv[],
		       const struct action_alert *a, int64_t now_ms, char *err,
		       size_t errlen)
{
	int in[2] = {-1, -1}, ep[2] = {-1, -1}, null_fd = -1, rc = 0;
	char *json, *line, **env;
	pid_t pid;

	if (!argv || !argv[0] || argv[0][0] != '/') {
		snprintf(err, errlen, "cannot run '%s': not an absolute path",
			 argv && argv[0] ? argv[0] : "");
		return -EINVAL;
	}
	if (access(argv[0], X_OK) < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot run '%s': %s", argv[0], strerror(-rc));
		return rc;
	}
	if (r->n >= r->max_running) {
		snprintf(err, errlen, "cannot run '%s': %zu actions still running",
			 argv[0], r->n);
		return -EAGAIN;
	}

	json = action_alert_json(a);
	line = xasprintf("%s\n", json);
	env = build_env(a, json);
	free(json);

	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(ep, O_CLOEXEC | O_NONBLOCK) < 0 ||
	    (null_fd = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot run '%s': %s", argv[0], strerror(-rc));
		goto out;
	}
	/* the pipe holds 64 KiB: a transition's JSON fits and nobody waits */
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	rc = write_all(in[1], line, strlen(line));
	close(in[1]);
	in[1] = -1;
	if (rc) {
		snprintf(err, errlen, "cannot run '%s': alert too large for stdin: %s",
			 argv[0], strerror(-rc));
		goto out;
	}

	pid = fork();
	if (pid < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot run '%s': fork: %s", argv[0],
			 strerror(-rc));
		goto out;
	}
	if (pid == 0)
		child_run(argv, env, in[0], null_fd, ep[1]);

	setpgid(pid, pid); /* also here, so kill(-pid) works at once; EACCES after exec */
	r->kids = xgrow(r->kids, &r->cap, r->n + 1, sizeof(*r->kids));
	r->kids[r->n++] = (struct child){
		.pid = pid,
		.start_ms = now_ms,
		.err_fd = ep[0],
		.path = xstrdup(argv[0]),
	};
	ep[0] = -1;
	rc = pid;
out:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (ep[i] >= 0)
			close(ep[i]);
	}
	if (null_fd >= 0)
		close(null_fd);
	free(line);
	free_env(env);
	return rc;
}

static void describe_end(struct action_runner *r, const struct child *c, int status,
			 struct action_result *res)
{
	int e = 0;

	memset(res, 0, sizeof(*res));
	res->pid = c->pid;
	if (read(c->err_fd, &e, sizeof(e)) == (ssize_t)sizeof(e)) {
		snprintf(res->message, sizeof(res->message),
			 "exec '%s': cannot execute: %s", c->path, strerror(e));
	} else if (WIFEXITED(status)) {
		res->ok = WEXITSTATUS(status) == 0;
		if (res->ok)
			snprintf(res->message, sizeof(res->message), "exec '%s': done",
				 c->path);
		else
			snprintf(res->message, sizeof(res->message),
				 "exec '%s': exited with status %d", c->path,
				 WEXITSTATUS(status));
	} else if (WIFSIGNALED(status) && c->killed) {
		res->timed_out = true;
		snprintf(res->message, sizeof(res->message),
			 "exec '%s': killed after the %lldms time limit", c->path,
			 (long long)r->limit_ms);
	} else if (WIFSIGNALED(status)) {
		snprintf(res->message, sizeof(res->message),
			 "exec '%s': killed by signal %d (%s)", c->path, WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	} else {
		snprintf(res->message, sizeof(res->message),
			 "exec '%s': ended (status 0x%x)", c->path, (unsigned)status);
	}
}

size_t action_runner_poll(struct action_runner *r, int64_t now_ms,
			  struct action_result *out, size_t cap)
{
	size_t got = 0, i = 0;

	while (i < r->n) {
		struct child *c = &r->kids[i];
		int status = 0;
		pid_t w = 0;

		if (got < cap) {
			w = waitpid(c->pid, &status, WNOHANG);
			if (w < 0 && errno == EINTR)
				w = 0;
		}
		if (w == c->pid) {
			describe_end(r, c, status, &out[got++]);
			child_drop(r, i);
			continue; /* slot i now holds another child */
		}
		if (w < 0) {
			memset(&out[got], 0, sizeof(out[got]));
			out[got].pid = c->pid;
			snprintf(out[got].message, sizeof(out[got].message),
				 "exec '%s': lost (reaped elsewhere: %s)", c->path,
				 strerror(errno));
			got++;
			child_drop(r, i);
			continue;
		}
		if (!c->killed && now_ms - c->start_ms >= r->limit_ms) {
			kill_group(c->pid);
			c->killed = true;
		}
		i++;
	}
	return got;
}
