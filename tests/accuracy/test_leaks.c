/* SPDX-License-Identifier: MIT */
/*
 * test_leaks: the leak verdict against real programs and real garbage
 * collectors. Six targets are recorded side by side for 80 s at a 200 ms
 * interval with the analysis's windows shortened (VIGIL_LEAK) so a verdict
 * comes within the run: a C program leaking through malloc while it churns,
 * the same churn without the leak, a Node.js program retaining a little every
 * tick among V8 garbage and one with a bounded live set, and a Java program
 * leaking under a small -Xmx and one that does not. Every leaking one must
 * end as a leak suspect and none of the others; the JVMs are judged by their
 * old generation after each collection (source "jvm").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>

#include "core/xalloc.h"
#include "../integration/harness.h"

#define RECORD_FOR "80s"

static char dir[64];

struct target {
	const char *name;
	const char *argv[8]; /* after "--"; "@" is replaced by the fixtures dir */
	bool leaks;
	const char *source;
	const char *region; /* the kind of region a leaker's top mapping suspect is */
	pid_t recorder;
	char session[128];
};

static struct target targets[] = {
	{.name = "c-leak",
	 .argv = {"@/leaker", "1048576", "200"},
	 .leaks = true,
	 .source = "rss",
	 .region = "heap"}, /* malloc's small blocks come from the brk heap */
	{.name = "c-churn", .argv = {"@/churner", "1048576", "200"}, .source = "rss"},
	{.name = "node-leak",
	 .argv = {"node", "--max-old-space-size=24", "@src/leak.js"},
	 .leaks = true,
	 .source = "rss",
	 .region = "anon"}, /* V8's old space: anonymous reservations */
	{.name = "node-bounded",
	 .argv = {"node", "--max-old-space-size=24", "@src/bounded.js"},
	 .source = "rss"},
	{.name = "java-leak",
	 .argv = {"java", "-Xmx24m", "@src/Leak.java"},
	 .leaks = true,
	 .source = "jvm"},
	{.name = "java-noleak",
	 .argv = {"java", "-Xmx24m", "@src/NoLeak.java"},
	 .source = "jvm"},
};

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s", temp_dir());
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* "@/x" is a built fixture, "@src/x" a fixture's source (scripts). */
static char *resolve(const char *arg)
{
	const char *src = getenv("VIGIL_SRCDIR");

	if (!strncmp(arg, "@src/", 5))
		return xasprintf("%s/tests/fixtures/%s", src && *src ? src : ".",
				 arg + 5);
	if (arg[0] == '@')
		return strdup(fixture_path(arg + 2)); /* its buffer is reused */
	return strdup(arg);
}

static pid_t start_recorder(struct target *t)
{
	static const char *const fixed[] = {"record", "-i",	     "200ms",
					    "-d",     RECORD_FOR,    "--statsd",
					    "off",    "--no-alerts", "-o"};
	char *args[24];
	int n = 0;
	pid_t pid;

	snprintf(t->session, sizeof(t->session), "%s/%s.vigil", dir, t->name);
	args[n++] = strdup(vigil_bin());
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		args[n++] = strdup(fixed[i]);
	args[n++] = strdup(t->session);
	args[n++] = strdup("--");
	for (int i = 0; t->argv[i]; i++)
		args[n++] = resolve(t->argv[i]);
	args[n] = NULL;
	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		dup2(devnull, 1);
		dup2(devnull, 2);
		setenv("VIGIL_LEAK", "every=5s,window=5s,span=30s,smaps=2s", 1);
		execv(args[0], args);
		_exit(127);
	}
	for (int i = 0; i < n; i++)
		free(args[i]);
	return pid;
}

static void test_leakers_and_only_leakers_are_suspects(void **state)
{
	size_t n = sizeof(targets) / sizeof(targets[0]);
	char buf[64], filter[64], regions[256];
	struct run_result r;
	int status, wrong = 0;

	(void)state;
	for (size_t i = 0; i < n; i++)
		targets[i].recorder = start_recorder(&targets[i]);
	for (size_t i = 0; i < n; i++) {
		assert_true(targets[i].recorder > 0);
		waitpid(targets[i].recorder, &status, 0);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	for (size_t i = 0; i < n; i++) {
		const struct target *t = &targets[i];
		bool suspect;

		run_vigil(&r, "report", t->session, "--json");
		assert_int_equal(r.status, 0);
		jq(r.out, ".memory.verdict", buf, sizeof(buf));
		suspect = !strcmp(buf, "leak-suspect");
		jq(r.out, ".memory.source", filter, sizeof(filter));
		jq(r.out,
		   "[.memory.suspects[] | select(.kind == \"mapping\") | .region] | "
		   "join(\",\")",
		   regions, sizeof(regions));
		print_message("%-13s %-17s source %s, %.0f MiB/h; regions [%s]\n", t->name,
			      buf, filter,
			      jq_num(r.out, ".memory.rate_bytes_per_hour") / 1048576.0,
			      regions);
		if (suspect != t->leaks || strcmp(filter, t->source) != 0)
			wrong++;
		/* the region that leaks ranks first among the mappings, and a
		 * program that does not leak has no region raised either */
		if (t->region && strncmp(regions, t->region, strlen(t->region)) != 0)
			wrong++;
		if (!t->leaks && regions[0])
			wrong++;
		if (suspect) { /* the process is named first among the suspects */
			jq(r.out, ".memory.suspects[0].kind", buf, sizeof(buf));
			assert_string_equal(buf, "process");
		}
	}
	assert_int_equal(wrong, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_leakers_and_only_leakers_are_suspects, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
