/* SPDX-License-Identifier: MIT */
/*
 * scrape: what the /metrics tests share (test_listen, test_prometheus): a
 * `vigil record --listen` in the background whose stderr goes to a file (it
 * says where it serves), and curl as the HTTP client a script would use.
 * Header-only, after harness.h. Waits are bounded polls, never timings.
 */
#ifndef VIGIL_TESTS_SCRAPE_H
#define VIGIL_TESTS_SCRAPE_H

#include "harness.h"

/* Starts `vigil ARGS...` (NULL-terminated) with stderr into errpath. */
static inline pid_t vigil_start_logged(const char *errpath, const char *const args[])
{
	pid_t pid = fork();

	if (pid == 0) {
		char *argv[64];
		int n = 0, devnull = open("/dev/null", O_WRONLY),
		    err = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		argv[n++] = strdup(vigil_bin());
		for (int i = 0; args[i] && n < 63; i++)
			argv[n++] = strdup(args[i]);
		argv[n] = NULL;
		dup2(devnull, 1);
		dup2(err, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* Whole file into buf (cut to cap, NUL-ended); "" when unreadable. */
static inline const char *slurp(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, cap - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

/*
 * Polls errpath for "serving metrics at URL" (up to 30 s) and copies URL
 * into url. Returns 0, or -1 when vigil ended or never said it.
 */
static inline int wait_metrics_url(pid_t pid, const char *errpath, char *url, size_t cap)
{
	char text[4096];

	for (int i = 0; i < 600; i++) {
		const char *at =
			strstr(slurp(errpath, text, sizeof(text)), "serving metrics at ");

		if (at) {
			at += strlen("serving metrics at ");
			snprintf(url, cap, "%.*s", (int)strcspn(at, "\n"), at);
			return 0;
		}
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return -1;
		sleep_ms(50);
	}
	return -1;
}

/* The answer of one curl run: HTTP status (0: no answer), content type. */
struct curl_answer {
	int status;
	int exit;
	char type[128];
};

/*
 * Runs `curl -s -o BODY -w ... OPTS URL` (OPTS: more curl options, shell
 * words, may be ""); the body goes to body_path unless it is NULL.
 */
static inline struct curl_answer curl(const char *opts, const char *url,
				      const char *body_path)
{
	struct curl_answer a = {0};
	char cmd[2048], line[256] = "";
	FILE *p;
	int rc;

	snprintf(cmd, sizeof(cmd),
		 "curl -s --max-time 30 -o '%s' -w '%%{http_code}|%%{content_type}' %s "
		 "'%s'",
		 body_path ? body_path : "/dev/null", opts, url);
	p = popen(cmd, "r");
	if (!p)
		return a;
	if (!fgets(line, sizeof(line), p))
		line[0] = '\0';
	rc = pclose(p);
	a.exit = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
	a.status = atoi(line);
	if (strchr(line, '|'))
		snprintf(a.type, sizeof(a.type), "%s", strchr(line, '|') + 1);
	return a;
}

/*
 * `promtool check metrics < path`: 0 when it finds nothing, or only its lint
 * of node_exporter's own camelCase names (node_memory_MemTotal_bytes: vigil
 * keeps node_exporter's names); else its status, its complaints in out.
 */
static inline int promtool_check(const char *path, char *out, size_t cap)
{
	char cmd[512], copy[8192];
	FILE *p;
	size_t n;
	int rc;

	snprintf(cmd, sizeof(cmd), "promtool check metrics < '%s' 2>&1", path);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = fread(out, 1, cap - 1, p);
	out[n] = '\0';
	rc = pclose(p);
	rc = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
	if (rc != 3)
		return rc;
	snprintf(copy, sizeof(copy), "%s", out);
	for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n"))
		if (strncmp(line, "node_memory_", 12) ||
		    !strstr(line, "'snake_case' not 'camelCase'"))
			return 3;
	return 0;
}

/*
 * An OpenMetrics body through Prometheus' own OpenMetrics parser: promtool's
 * backfill (`tsdb create-blocks-from openmetrics`), which wants a timestamp
 * on every sample (one is added into path.stamped) and refuses what it
 * cannot parse, a missing "# EOF" too. Its exit status; its output in out.
 */
static inline int promtool_openmetrics(const char *path, char *out, size_t cap)
{
	char cmd[1024];
	FILE *p;
	size_t n;
	int rc;

	snprintf(cmd, sizeof(cmd),
		 "sed '/^#/!s/$/ 1700000000/' '%s' >'%s.stamped' && "
		 "promtool tsdb create-blocks-from openmetrics '%s.stamped' '%s.blocks' "
		 "2>&1",
		 path, path, path, path);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = fread(out, 1, cap - 1, p);
	out[n] = '\0';
	rc = pclose(p);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Ends a vigil started here (SIGINT) and returns its exit status. */
static inline int vigil_end(pid_t pid)
{
	int status;

	kill(pid, SIGINT);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

#endif
