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
 *
 * With VIGIL_ACCURACY=long (make accuracy-long) it is the same test at
 * vigil's default settings (1 s interval, no VIGIL_LEAK) for 330 s, on nine
 * programs: the six above with the runtimes' own heap sizing (no small
 * --max-old-space-size for Node, whose leak is 256 KiB/s; -Xmx64m so the
 * Java leak outlasts the run), a Node.js cache that fills over about five
 * minutes (a bounded live set that warms up slowly), and a CPython program
 * with and without a leak.
 * A leak suspect must also carry at least the analysis's minimum confidence.
 * VIGIL_LEAKS_KEEP=DIR records into DIR and keeps the sessions (series for
 * tests/fixtures/series/ are taken from them).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>

#include "analysis/leak.h"
#include "core/xalloc.h"
#include "../integration/harness.h"

static char dir[4096];
static bool keep; /* VIGIL_LEAKS_KEEP: the sessions stay in its directory */

struct target {
	const char *name;
	const char *argv[8]; /* after "--"; "@" is replaced by the fixtures dir */
	bool leaks;
	const char *source;
	const char *region; /* the kind of region a leaker's top mapping suspect is */
	pid_t recorder;
	char session[4352];
};

static struct target short_targets[] = {
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
	/* the ring turned over at 2 MiB/s: a young collection every few
	 * seconds even on a loaded machine, so each 5 s window has a floor */
	{.name = "java-leak",
	 .argv = {"java", "-Xmx24m", "@src/Leak.java", "65536", "2097152"},
	 .leaks = true,
	 .source = "jvm"},
	{.name = "java-noleak",
	 .argv = {"java", "-Xmx24m", "@src/NoLeak.java", "2097152"},
	 .source = "jvm"},
};

/* At the defaults: the runtimes size their heaps as they would in production. */
static struct target long_targets[] = {
	{.name = "c-leak",
	 .argv = {"@/leaker", "65536", "200"},
	 .leaks = true,
	 .source = "rss",
	 .region = "heap"},
	{.name = "c-churn", .argv = {"@/churner", "65536", "200"}, .source = "rss"},
	/* 256 KiB/s: at 64 KiB/s V8's own heap sizing (major collections a
	 * minute or two apart) hides the leak for longer than the run */
	{.name = "node-leak",
	 .argv = {"node", "@src/leak.js", "262144"},
	 .leaks = true,
	 .source = "rss",
	 .region = "anon"},
	{.name = "node-bounded", .argv = {"node", "@src/bounded.js"}, .source = "rss"},
	{.name = "node-warmup", .argv = {"node", "@src/warmup.js"}, .source = "rss"},
	{.name = "java-leak",
	 .argv = {"java", "-Xmx64m", "@src/Leak.java"},
	 .leaks = true,
	 .source = "jvm"},
	{.name = "java-noleak",
	 .argv = {"java", "-Xmx64m", "@src/NoLeak.java"},
	 .source = "jvm"},
	{.name = "py-leak",
	 .argv = {"python3", "@src/leak.py"},
	 .leaks = true,
	 .source = "rss"},
	{.name = "py-noleak", .argv = {"python3", "@src/noleak.py"}, .source = "rss"},
};

/* How the programs are recorded: shortened windows for `make test`, or the defaults. */
struct mode {
	const char *interval, *record_for, *leak_env; /* NULL: the default */
	struct target *targets;
	size_t n;
};

static const struct mode short_mode = {
	"200ms", "80s", "every=5s,window=5s,span=30s,smaps=2s", short_targets,
	sizeof(short_targets) / sizeof(short_targets[0])};
static const struct mode long_mode = {NULL, "330s", NULL, long_targets,
				      sizeof(long_targets) / sizeof(long_targets[0])};
static const struct mode *mode = &short_mode;

static int setup(void **state)
{
	const char *k = getenv("VIGIL_LEAKS_KEEP");

	(void)state;
	keep = k && *k;
	if (keep && mkdir(k, 0700) < 0 && errno != EEXIST)
		return -1;
	snprintf(dir, sizeof(dir), "%s", keep ? k : temp_dir());
	return 0;
}

static int teardown(void **state)
{
	char cmd[4200];

	(void)state;
	if (keep)
		return 0;
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
	static const char *const fixed[] = {"--statsd", "off", "--no-alerts", "-o"};
	char *args[24];
	int n = 0;
	pid_t pid;

	snprintf(t->session, sizeof(t->session), "%s/%s.vigil", dir, t->name);
	remove_session(t->session); /* a kept directory may hold an earlier run's */
	args[n++] = strdup(vigil_bin());
	args[n++] = strdup("record");
	args[n++] = strdup("-d");
	args[n++] = strdup(mode->record_for);
	if (mode->interval) {
		args[n++] = strdup("-i");
		args[n++] = strdup(mode->interval);
	}
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
		char log[4400];

		/* the debug log says why each verdict was reached (printed
		 * when one is wrong) */
		snprintf(log, sizeof(log), "%s/%s.log", dir, t->name);
		setenv("VIGIL_LOG", log, 1);
		if (mode->leak_env)
			setenv("VIGIL_LEAK", mode->leak_env, 1);
		else
			unsetenv("VIGIL_LEAK");
		execv(args[0], args);
		_exit(127);
	}
	for (int i = 0; i < n; i++)
		free(args[i]);
	return pid;
}

/* The verdicts the recorder's debug log gives, and why: the last few. */
static void print_verdicts(const struct target *t)
{
	char path[4400], line[512], last[4][512] = {{0}};
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "%s/%s.log", dir, t->name);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "leak: "))
			snprintf(last[n++ % 4], sizeof(last[0]), "%s", line);
	fclose(f);
	for (int i = n > 4 ? n - 4 : 0; i < n; i++)
		print_message("    %s", last[i % 4]);
}

/*
 * The verdict of one recorded program: one line for the results, and the
 * number of things wrong with it (with the verdicts' reasons when any).
 */
static int check(const struct target *t, double min_confidence)
{
	char buf[64], filter[64], regions[256];
	struct run_result r;
	bool suspect;
	double conf;
	int wrong = 0;

	run_vigil(&r, "report", t->session, "--json");
	assert_int_equal(r.status, 0);
	jq(r.out, ".memory.verdict", buf, sizeof(buf));
	suspect = !strcmp(buf, "leak-suspect");
	jq(r.out, ".memory.source", filter, sizeof(filter));
	jq(r.out,
	   "[.memory.suspects[] | select(.kind == \"mapping\") | .region] | "
	   "join(\",\")",
	   regions, sizeof(regions));
	conf = jq_num(r.out, ".memory.confidence");
	print_message("%-13s %-17s source %s, %.0f MiB/h, confidence %.2f; regions [%s]\n",
		      t->name, buf, filter,
		      jq_num(r.out, ".memory.rate_bytes_per_hour") / 1048576.0, conf,
		      regions);
	if (suspect != t->leaks || strcmp(filter, t->source) != 0)
		wrong++;
	/* a suspicion is only raised with the confidence the analysis states */
	if (suspect && conf < min_confidence)
		wrong++;
	/* the region that leaks ranks first among the mappings, and a program
	 * that does not leak has no region raised either */
	if (t->region && strncmp(regions, t->region, strlen(t->region)) != 0)
		wrong++;
	if (!t->leaks && regions[0])
		wrong++;
	if (wrong)
		print_verdicts(t);
	if (suspect) { /* the process is named first among the suspects */
		jq(r.out, ".memory.suspects[0].kind", buf, sizeof(buf));
		assert_string_equal(buf, "process");
	}
	return wrong;
}

static void test_leakers_and_only_leakers_are_suspects(void **state)
{
	double min_confidence = leak_params_default().min_confidence;
	int status, wrong = 0;

	(void)state;
	for (size_t i = 0; i < mode->n; i++)
		mode->targets[i].recorder = start_recorder(&mode->targets[i]);
	for (size_t i = 0; i < mode->n; i++) {
		assert_true(mode->targets[i].recorder > 0);
		waitpid(mode->targets[i].recorder, &status, 0);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	for (size_t i = 0; i < mode->n; i++)
		wrong += check(&mode->targets[i], min_confidence);
	assert_int_equal(wrong, 0);
}

int main(void)
{
	const char *acc = getenv("VIGIL_ACCURACY");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_leakers_and_only_leakers_are_suspects, setup, teardown),
	};

	if (acc && !strcmp(acc, "long"))
		mode = &long_mode;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
