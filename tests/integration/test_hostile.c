/* SPDX-License-Identifier: MIT */
/*
 * test_hostile: vigil runs as root, so what an output path can be is tried
 * here with the real binary: a character device (made with mknod in a temp
 * directory; /dev is never touched), a FIFO, a symlink to a file that must
 * survive, a directory, a session another recorder is writing, a planted
 * -wal, a write that fails half-way, and alert actions aimed at a FIFO or
 * through a symlink, or so many that they cannot all run. Each must end in a
 * clear refusal or a counted failure, with what was at the path untouched,
 * and nothing may hang (every child runs under an alarm).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/sysmacros.h>

#include <cmocka.h>

#include "../tui/tmux.h"
#include "harness.h"

#define CHILD_TIMEOUT_S 30

static int setup(void **state)
{
	char *d = temp_dir();

	(void)state;
	if (!d)
		return -1;
	snprintf(dir, sizeof(dir), "%s", d);
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	fixtures_stop_all();
	unsetenv("VIGIL_LOG"); /* a test that failed half-way may have set it */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *in_dir(const char *name)
{
	static char paths[8][512];
	static int next;
	char *p = paths[next++ % 8];

	snprintf(p, 512, "%s/%s", dir, name);
	return p;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void assert_text(const char *path, const char *want)
{
	char buf[256] = "";
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	buf[fread(buf, 1, sizeof(buf) - 1, f)] = '\0';
	fclose(f);
	assert_string_equal(buf, want);
}

static mode_t kind_at(const char *path)
{
	struct stat st;

	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode & S_IFMT;
}

static void run_timed(struct run_result *r, unsigned long long fsize,
		      const char *const args[])
{
	const struct run_limits lim = {.timeout_s = CHILD_TIMEOUT_S, .fsize = fsize};

	run_vigil_limited(r, &lim, args);
}

#define run(r, ...)                                                                      \
	do {                                                                             \
		const char *const args_[] = {__VA_ARGS__, NULL};                         \
		run_timed((r), 0, args_);                                                \
	} while (0)

static void assert_refused(const struct run_result *r, const char *path, const char *what)
{
	if (r->status != 1 || !strstr(r->err, what) || !strstr(r->err, path))
		fail_msg("expected exit 1 naming '%s' as %s; got %d: %s", path, what,
			 r->status, r->err);
}

/* The nodes a hostile -o can name, each made here. */
struct nodes {
	const char *dev, *fifo, *link, *victim, *sub;
};

static void make_nodes(struct nodes *n)
{
	n->dev = in_dir("null");
	if (mknod(n->dev, S_IFCHR | 0666, makedev(1, 3)) < 0) {
		print_message("mknod refused here: no device case\n");
		n->dev = NULL;
	}
	n->fifo = in_dir("fifo");
	assert_int_equal(mkfifo(n->fifo, 0600), 0);
	n->victim = in_dir("victim");
	write_text(n->victim, "precious\n");
	n->link = in_dir("link");
	assert_int_equal(symlink(n->victim, n->link), 0);
	n->sub = in_dir("sub");
	assert_int_equal(mkdir(n->sub, 0700), 0);
}

static void assert_nodes_intact(const struct nodes *n)
{
	if (n->dev)
		assert_int_equal(kind_at(n->dev), S_IFCHR);
	assert_int_equal(kind_at(n->fifo), S_IFIFO);
	assert_int_equal(kind_at(n->link), S_IFLNK);
	assert_int_equal(kind_at(n->sub), S_IFDIR);
	assert_text(n->victim, "precious\n");
}

/* record -o NODE --force: the /dev/null case of the issue, and its kin. */
static void test_record_never_replaces_nodes(void **state)
{
	struct run_result r;
	struct nodes n;

	(void)state;
	make_nodes(&n);
	if (n.dev) {
		run(&r, "record", "-d", "1s", "-i", "200ms", "--statsd", "off", "-o",
		    n.dev, "--force");
		assert_refused(&r, n.dev, "is a character device");
	}
	run(&r, "record", "-d", "1s", "-i", "200ms", "--statsd", "off", "-o", n.fifo,
	    "--force");
	assert_refused(&r, n.fifo, "is a FIFO");
	run(&r, "record", "-d", "1s", "-i", "200ms", "--statsd", "off", "-o", n.link,
	    "--force");
	assert_refused(&r, n.link, "is a symlink");
	run(&r, "record", "-d", "1s", "-i", "200ms", "--statsd", "off", "-o", n.sub,
	    "--force");
	assert_refused(&r, n.sub, "is a directory");
	assert_nodes_intact(&n);
}

/* VIGIL_LOG, the debug log a root operator may turn on: never through a
 * link, never into a FIFO. The recording still happens. */
static void test_debug_log_is_never_written_through(void **state)
{
	const char *s = in_dir("d.vigil");
	struct run_result r;
	struct nodes n;

	(void)state;
	make_nodes(&n);
	setenv("VIGIL_LOG", n.link, 1);
	run(&r, "record", "-d", "1s", "-i", "200ms", "--statsd", "off", "-o", s);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.err, "debug log: "));
	assert_non_null(strstr(r.err, "is a symlink"));
	setenv("VIGIL_LOG", n.fifo, 1);
	run(&r, "record", "-d", "1s", "-i", "200ms", "--statsd", "off", "-o", s,
	    "--force");
	unsetenv("VIGIL_LOG");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.err, "is a FIFO"));
	assert_nodes_intact(&n);
}

/* A -wal planted beside a new session: refused, and never written through. */
static void test_record_refuses_planted_siblings(void **state)
{
	const char *s = in_dir("s.vigil"), *wal = in_dir("s.vigil-wal");
	const char *victim = in_dir("victim");
	struct run_result r;

	(void)state;
	write_text(victim, "precious\n");
	assert_int_equal(symlink(victim, wal), 0);
	for (int force = 0; force < 2; force++) {
		run(&r, "record", "-d", "1s", "-i", "200ms", "--statsd", "off", "-o", s,
		    force ? "--force" : NULL);
		assert_refused(&r, wal, "is a symlink");
	}
	assert_int_equal(access(s, F_OK), -1);
	assert_text(victim, "precious\n");
	/* a stale regular -wal: only --force may clear it */
	assert_int_equal(unlink(wal), 0);
	write_text(wal, "stale");
	run(&r, "record", "-d", "1s", "-i", "200ms", "--statsd", "off", "-o", s);
	assert_refused(&r, wal, "exists (use --force to overwrite)");
	run(&r, "record", "-d", "1s", "-i", "200ms", "--statsd", "off", "-o", s,
	    "--force");
	assert_int_equal(r.status, 0);
	run(&r, "report", s, "--json");
	assert_int_equal(r.status, 0);
}

/* A second recorder with --force onto a session being written. */
static void test_record_refuses_a_session_in_use(void **state)
{
	const char *s = in_dir("live.vigil");
	struct run_result first, second;
	pid_t pid;
	int out[2], status;

	(void)state;
	assert_int_equal(pipe(out), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		const char *const args[] = {"record",	"-d",  "4s", "-i", "200ms",
					    "--statsd", "off", "-o", s,	   NULL};

		close(out[0]);
		run_timed(&first, 0, args);
		_exit(first.status);
	}
	close(out[1]);
	/* the first has its file once the sessions row is in */
	for (int i = 0; i < 400 && access(s, F_OK) < 0; i++)
		sleep_ms(10);
	sleep_ms(300);
	run(&second, "record", "-d", "1s", "-i", "200ms", "--statsd", "off", "-o", s,
	    "--force");
	assert_refused(&second, s, "is in use by pid");
	waitpid(pid, &status, 0);
	close(out[0]);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* the first recorder's data is whole: more than the 1 s of the second */
	run(&first, "report", s, "--json");
	assert_int_equal(first.status, 0);
	assert_true(jq_num(first.out, ".session.ticks") >= 10);
}

/* profile -o: an existing file only with --force, a node never; said before
 * the capture starts. */
static void test_profile_output_paths(void **state)
{
	const char *out = in_dir("p.folded");
	struct run_result r;
	struct nodes n;
	char pid[16];
	pid_t p = fixture_start("busy", NULL);

	(void)state;
	assert_true(p > 0);
	snprintf(pid, sizeof(pid), "%d", (int)p);
	make_nodes(&n);
	write_text(out, "old\n");
	run(&r, "profile", "-p", pid, "-d", "500ms", "--format", "folded", "-o", out);
	assert_refused(&r, out, "exists (use --force to overwrite)");
	assert_text(out, "old\n");
	if (n.dev) {
		run(&r, "profile", "-p", pid, "-d", "500ms", "-o", n.dev, "--force");
		assert_refused(&r, n.dev, "is a character device");
	}
	run(&r, "profile", "-p", pid, "-d", "500ms", "-o", n.link, "--force");
	assert_refused(&r, n.link, "is a symlink");
	run(&r, "profile", "-p", pid, "-d", "500ms", "-o", n.fifo, "--force");
	assert_refused(&r, n.fifo, "is a FIFO");
	assert_nodes_intact(&n);
	run(&r, "profile", "-p", pid, "-d", "500ms", "--format", "folded", "-o", out,
	    "--force");
	assert_int_equal(r.status, 0);
	assert_int_equal(kind_at(out), S_IFREG);
}

/* Files in dir whose name starts with prefix (temporary ones left behind). */
static int count_prefixed(const char *prefix)
{
	char cmd[600], buf[64] = "";
	FILE *p;

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | grep -c '^%s' || true", dir, prefix);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(buf, sizeof(buf), p));
	pclose(p);
	return atoi(buf);
}

/* export --force whose write fails half-way keeps what was at OUT. */
static void test_export_failure_keeps_the_old_file(void **state)
{
	const char *s = in_dir("e.vigil"), *out = in_dir("out.csv");
	const char *const args[] = {"export", s,   "--metrics", "--format", "csv",
				    "-o",     out, "--force",	NULL};
	struct run_result r;
	struct nodes n;

	(void)state;
	run(&r, "record", "-d", "2s", "-i", "100ms", "--statsd", "off", "-o", s);
	assert_int_equal(r.status, 0);
	write_text(out, "keep me\n");
	run_timed(&r, 512, args); /* RLIMIT_FSIZE: the CSV is larger */
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "cannot write"));
	assert_text(out, "keep me\n");
	assert_int_equal(count_prefixed(".out.csv."), 0);
	/* nodes are refused up front */
	make_nodes(&n);
	run(&r, "export", s, "--metrics", "-o", n.link, "--force");
	assert_refused(&r, n.link, "is a symlink");
	run(&r, "export", s, "--metrics", "-o", n.fifo, "--force");
	assert_refused(&r, n.fifo, "is a FIFO");
	if (n.dev) {
		run(&r, "export", s, "--metrics", "-o", n.dev, "--force");
		assert_refused(&r, n.dev, "is a character device");
	}
	assert_nodes_intact(&n);
	/* and a good one replaces it */
	run(&r, "export", s, "--metrics", "--format", "csv", "-o", out, "--force");
	assert_int_equal(r.status, 0);
	assert_int_equal(kind_at(out), S_IFREG);
}

/* log: at a FIFO (with and without a reader) and through a symlink, and a
 * missing program: the recording ends on time, each failure is said on
 * stderr and stored, and nothing is written through the link. */
static void test_alert_actions_fail_visibly(void **state)
{
	const char *s = in_dir("a.vigil"), *rules = in_dir("rules.conf");
	char text[2048];
	struct run_result r;
	struct nodes n;
	int reader;

	(void)state;
	make_nodes(&n);
	snprintf(text, sizeof(text),
		 "cpu.total >= 0 name=to-fifo action=log:%s\n"
		 "cpu.total >= 0 name=to-link action=log:%s\n"
		 "cpu.total >= 0 name=missing action=exec:%s/no-such-program\n",
		 n.fifo, n.link, dir);
	write_text(rules, text);
	reader = -1;
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) /* someone reads the FIFO: still refused */
			reader = open(n.fifo, O_RDONLY | O_NONBLOCK);
		run(&r, "record", "-d", "2s", "-i", "200ms", "--statsd", "off",
		    "--alerts", rules, "-o", s, "--force");
		if (r.status != 0)
			fail_msg("record failed (%d): %s", r.status, r.err);
		assert_non_null(strstr(r.err, "alert 'to-fifo': log: "));
		assert_non_null(strstr(r.err, "is a FIFO"));
		assert_non_null(strstr(r.err, "alert 'to-link': log: "));
		assert_non_null(strstr(r.err, "is a symlink"));
		assert_non_null(strstr(r.err, "alert 'missing': cannot run"));
		run(&r, "report", s, "--json");
		assert_int_equal(r.status, 0);
		assert_int_equal((int)jq_num(r.out, ".alert_actions.failed"), 3);
		assert_int_equal((int)jq_num(r.out, ".alert_actions.dropped"), 0);
		run(&r, "report", s);
		assert_non_null(strstr(r.out, "actions   3 failed, 0 dropped"));
	}
	close(reader);
	assert_nodes_intact(&n);
}

/* 100 rules firing at once, each running a program that outlives the
 * recording: none is lost without a word. */
static void test_many_actions_are_counted(void **state)
{
	const char *s = in_dir("m.vigil"), *rules = in_dir("many.conf");
	const char *prog = in_dir("slow.sh");
	unsigned long long run_n = 0, failed = 0, dropped = 0;
	struct run_result r;
	const char *line;
	FILE *f;

	(void)state;
	write_text(prog, "#!/bin/sh\nsleep 30\n");
	assert_int_equal(chmod(prog, 0755), 0);
	f = fopen(rules, "w");
	assert_non_null(f);
	for (int i = 0; i < 100; i++)
		fprintf(f, "cpu.total >= 0 name=r%d action=exec:%s\n", i, prog);
	assert_int_equal(fclose(f), 0);
	run(&r, "record", "-d", "2s", "-i", "200ms", "--statsd", "off", "--alerts", rules,
	    "-o", s);
	assert_int_equal(r.status, 0);
	line = strstr(r.err, "vigil: alert actions: ");
	if (!line ||
	    sscanf(line, "vigil: alert actions: %llu run, %llu failed, %llu dropped",
		   &run_n, &failed, &dropped) != 3)
		fail_msg("no action summary: %s", r.err);
	assert_int_equal(run_n + failed + dropped, 100);
	assert_true(dropped >= 92); /* at most 8 run at once, none ends in time */
}

/* The console's SESSION.log: never truncated without --force, never
 * written through a symlink. */
static void test_console_log_is_never_clobbered(void **state)
{
	const char *s = in_dir("c.vigil"), *log = in_dir("c.vigil.log");
	const char *err = in_dir("err"), *rc = in_dir("rc");
	char victim[512];

	(void)state;
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	write_text(victim, "precious\n");
	write_text(log, "keep\n");
	for (int pass = 0; pass < 2; pass++) {
		tmux_init("hostile"); /* a server of its own: kill-server is lazy */
		assert_int_equal(tmux("new-session -d -s t -x 80 -y 24 \"%s -o %s %s -- "
				      "/bin/sleep 5 "
				      "2>%s; echo \\$? >%s; sleep 60\"",
				      vigil_bin(), s, pass ? "--force" : "", err, rc),
				 0);
		for (int i = 0; i < 1000 && access(rc, F_OK) < 0; i++)
			sleep_ms(10);
		tmux("kill-server");
		assert_text(rc, "1\n");
		unlink(rc);
		if (pass == 0) {
			assert_text(log, "keep\n");
			assert_int_equal(access(s, F_OK), -1); /* nothing left behind */
			assert_int_equal(unlink(log), 0);
			assert_int_equal(symlink(victim, log), 0);
		}
	}
	assert_int_equal(kind_at(log), S_IFLNK);
	assert_text(victim, "precious\n");
	assert_int_equal(access(s, F_OK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_record_never_replaces_nodes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_debug_log_is_never_written_through,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_refuses_planted_siblings,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_refuses_a_session_in_use,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_output_paths, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_export_failure_keeps_the_old_file,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_alert_actions_fail_visibly, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_many_actions_are_counted, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_console_log_is_never_clobbered,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
