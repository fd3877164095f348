/* SPDX-License-Identifier: MIT */
/*
 * promcheck: what the /metrics tests check a body with. Prometheus' own
 * parsers run as subprocesses (promtool check metrics for the text format;
 * promtool's OpenMetrics backfill reader, which wants a timestamp on every
 * sample, so one is added) and om_structure checks what OpenMetrics asks
 * beyond the grammar. Header-only (static inline), included after
 * <cmocka.h> and tempdir.h.
 */
#ifndef VIGIL_TESTS_PROMCHECK_H
#define VIGIL_TESTS_PROMCHECK_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "core/xalloc.h"


/* Fails unless body holds line as a whole line. */
static inline void has_line(const char *body, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = body; (p = strstr(p, line)); p++)
		if ((p == body || p[-1] == '\n') && p[n] == '\n')
			return;
	fprintf(stderr, "--- body:\n%s--- end\n", body);
	fail_msg("missing line: %s", line);
}

static inline void lacks(const char *body, const char *text)
{
	if (strstr(body, text))
		fail_msg("unexpected: %s", text);
}


static inline bool have_promtool(void)
{
	return system("command -v promtool >/dev/null 2>&1") == 0;
}

/* Runs a shell command, its output into out (cap bytes); returns its exit status. */
static inline int run(const char *cmd, char *out, size_t cap)
{
	FILE *p = popen(cmd, "r");
	size_t n;
	int st;

	assert_non_null(p);
	n = fread(out, 1, cap - 1, p);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static inline void write_file(const char *path, const char *body)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(body, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/*
 * promtool check metrics on a text body: no parse error (status 1), and
 * its lint (status 3) only for node_exporter's own camelCase names
 * (node_memory_MemTotal_bytes: vigil keeps node_exporter's names).
 */
static inline void promtool_text_lint(const char *body, bool lint)
{
	char dir[64], path[128], cmd[512], out[8192];
	int rc;

	tempdir_make(dir, sizeof(dir), "om");
	snprintf(path, sizeof(path), "%s/metrics.prom", dir);
	write_file(path, body);
	snprintf(cmd, sizeof(cmd), "promtool check metrics < '%s' 2>&1", path);
	rc = run(cmd, out, sizeof(out));
	tempdir_remove(dir);
	if (rc == 3 && !lint)
		return; /* parsed; StatsD clients choose their own names */
	if (rc == 3) {
		for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n"))
			if (strncmp(line, "node_memory_", 12) ||
			    !strstr(line, "'snake_case' not 'camelCase'"))
				fail_msg("promtool: %s", line);
		return;
	}
	if (rc != 0)
		fail_msg("promtool check metrics: status %d: %s", rc, out);
}

static inline void promtool_text(const char *body)
{
	promtool_text_lint(body, true);
}

/*
 * OpenMetrics through Prometheus' OpenMetrics parser: promtool's backfill
 * reads OpenMetrics (it wants a timestamp on every sample, so one is added)
 * and refuses what it cannot parse (and a missing "# EOF").
 */
static inline void promtool_openmetrics(const char *body)
{
	char dir[64], path[128], cmd[512], out[8192];
	size_t n = strlen(body);
	char *stamped = xmalloc(n * 2 + 64), *w = stamped;
	int rc;

	for (const char *line = body; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);

		memcpy(w, line, len);
		w += len;
		if (line[0] != '#')
			w += sprintf(w, " 1700000000");
		*w++ = '\n';
		line += len + (end != NULL);
	}
	*w = '\0';
	tempdir_make(dir, sizeof(dir), "om");
	snprintf(path, sizeof(path), "%s/metrics.om", dir);
	write_file(path, stamped);
	free(stamped);
	snprintf(cmd, sizeof(cmd),
		 "promtool tsdb create-blocks-from openmetrics '%s' '%s/blocks' 2>&1",
		 path, dir);
	rc = run(cmd, out, sizeof(out));
	tempdir_remove(dir);
	if (rc != 0)
		fail_msg("promtool openmetrics: status %d: %s", rc, out);
}

/* The name part of a sample line (up to '{' or ' '), into out. */
static inline void sample_name(const char *line, char *out, size_t cap)
{
	size_t n = strcspn(line, "{ ");

	assert_true(n < cap);
	memcpy(out, line, n);
	out[n] = '\0';
}

/*
 * What OpenMetrics asks beyond the grammar promtool checks: every family has
 * HELP and TYPE once, UNIT is its name's suffix, samples follow their family
 * with the suffixes of its type, a state set's samples carry its own name as
 * a label with value 0 or 1, a histogram's +Inf bucket equals its count, and
 * "# EOF" ends it.
 */
static inline void om_structure(const char *body)
{
	char *copy = xstrdup(body), *save = NULL, fam[256] = "", type[32] = "";
	char(*seen)[256] = xcalloc(256, sizeof(*seen));
	size_t nseen = 0, nlines = 0;
	bool eof = false, has_help = false;
	double inf = -1;

	for (char *line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), nlines++) {
		char name[256], what[16], arg[256];

		assert_false(eof); /* nothing after # EOF */
		if (!strcmp(line, "# EOF")) {
			eof = true;
			continue;
		}
		if (line[0] == '#') {
			assert_int_equal(
				sscanf(line, "# %15s %255s %255s", what, name, arg), 3);
			if (!strcmp(what, "HELP")) {
				for (size_t i = 0; i < nseen; i++)
					if (!strcmp(seen[i], name))
						fail_msg("family %s twice", name);
				assert_true(nseen < 256);
				snprintf(seen[nseen++], 256, "%s", name);
				snprintf(fam, sizeof(fam), "%s", name);
				has_help = true;
				type[0] = '\0';
			} else if (!strcmp(what, "TYPE")) {
				assert_true(has_help);
				assert_string_equal(name, fam);
				snprintf(type, sizeof(type), "%s", arg);
			} else {
				size_t nl = strlen(name), ul = strlen(arg);

				assert_string_equal(what, "UNIT");
				assert_string_equal(name, fam);
				assert_true(nl > ul && !strcmp(name + nl - ul, arg) &&
					    name[nl - ul - 1] == '_');
			}
			continue;
		}
		assert_true(type[0]); /* a sample belongs to a typed family */
		sample_name(line, name, sizeof(name));
		assert_int_equal(strncmp(name, fam, strlen(fam)), 0);
		snprintf(arg, sizeof(arg), "%s", name + strlen(fam));
		if (!strcmp(type, "counter")) {
			assert_string_equal(arg, "_total");
		} else if (!strcmp(type, "histogram")) {
			double v = strtod(strrchr(line, ' ') + 1, NULL);

			if (strstr(line, "le=\"+Inf\""))
				inf = v;
			if (!strcmp(arg, "_count")) {
				assert_true(inf == v); /* +Inf came first and agrees */
				inf = -1;
			}
			assert_true(!strcmp(arg, "_bucket") || !strcmp(arg, "_count") ||
				    !strcmp(arg, "_sum"));
		} else if (!strcmp(type, "stateset")) {
			char label[300];

			assert_string_equal(arg, "");
			snprintf(label, sizeof(label), "%s=\"", fam);
			assert_non_null(strstr(line, label));
			assert_true(!strcmp(strrchr(line, ' '), " 0") ||
				    !strcmp(strrchr(line, ' '), " 1"));
		} else if (!strcmp(type, "info")) {
			assert_string_equal(arg, "_info");
			assert_string_equal(strrchr(line, ' '), " 1");
		} else {
			assert_string_equal(type, "gauge");
			assert_string_equal(arg, "");
		}
	}
	assert_true(eof);
	assert_true(nlines > 0);
	free(seen);
	free(copy);
}

#endif
