/* SPDX-License-Identifier: MIT */
/*
 * test_daemon: `vigil daemon`, the real binary, in scratch directories:
 * file names, modes and directory checks; rotation without a lost tick
 * (VIGIL_DAEMON_PERIOD makes the period seconds); retention by age and size
 * next to files that are not the daemon's; compaction; SIGHUP reloading the
 * alert rules; SIGTERM ending the file; kill -9 and a restart; a second
 * daemon refused; the systemd unit statically verified.
 *
 * Nothing here measures time: every wait is a bounded poll for a state.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/file.h>
#include <sys/types.h>

#include <cmocka.h>

#include "harness.h"
#include "store/rotation.h"

#define POLL_MS 100
#define DEADLINE_MS 90000

static char scratch[64];
static char dir[128];
static pid_t daemon_pid;

static int setup(void **state)
{
	(void)state;
	snprintf(scratch, sizeof(scratch), "%s", temp_dir());
	snprintf(dir, sizeof(dir), "%s/d", scratch);
	daemon_pid = 0;
	unsetenv("VIGIL_DAEMON_PERIOD");
	unsetenv("VIGIL_LOG");
	return 0;
}

static int teardown(void **state)
{
	char cmd[256];

	(void)state;
	if (daemon_pid > 0 && kill(daemon_pid, SIGKILL) == 0)
		waitpid(daemon_pid, NULL, 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	if (system(cmd) != 0)
		return -1;
	return 0;
}

static const char *short_host(void)
{
	static char host[64];

	snprintf(host, sizeof(host), "host");
	gethostname(host, sizeof(host) - 1);
	host[strcspn(host, "./")] = '\0';
	return host;
}

/* Starts `vigil daemon --dir DIR ARGS...`; stderr goes to SCRATCH/stderr. */
static pid_t daemon_start(const char *first, ...)
{
	const char *args[32] = {"daemon", "--dir", dir};
	int n = 3;
	va_list ap;
	pid_t pid;

	va_start(ap, first);
	for (const char *a = first; a && n < 31; a = va_arg(ap, const char *))
		args[n++] = a;
	va_end(ap);
	args[n] = NULL;
	pid = fork();
	if (pid == 0) {
		char *argv[32], errpath[128];
		int devnull = open("/dev/null", O_WRONLY), err;

		snprintf(errpath, sizeof(errpath), "%s/stderr", scratch);
		err = open(errpath, O_WRONLY | O_CREAT | O_APPEND, 0600);
		argv[0] = strdup(vigil_bin());
		for (int i = 0; args[i]; i++)
			argv[i + 1] = strdup(args[i]);
		argv[n + 1] = NULL;
		dup2(devnull, 1);
		dup2(err, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static int stop_with(pid_t pid, int sig)
{
	int status = 0;

	kill(pid, sig);
	waitpid(pid, &status, 0);
	if (pid == daemon_pid)
		daemon_pid = 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The session files in DIR (names, sorted), at most max; how many. */
static int session_files(char names[][128], int max)
{
	struct dirent **v;
	int n = scandir(dir, &v, NULL, alphasort), k = 0;

	for (int i = 0; i < n; i++) {
		size_t len = strlen(v[i]->d_name);

		if (len > 6 && !strcmp(v[i]->d_name + len - 6, ".vigil") && k < max)
			snprintf(names[k++], 128, "%s", v[i]->d_name);
		free(v[i]);
	}
	if (n > 0)
		free(v);
	return k;
}

static char *in_dir(const char *name)
{
	static char path[4][8448];
	static int next;
	char *p = path[next++ % 4];

	snprintf(p, sizeof(path[0]), "%s/%s", dir, name);
	return p;
}

/* One integer from `sqlite3 -readonly FILE SQL`; -1 when it gave none. */
static long long sql_int(const char *path, const char *sql)
{
	char cmd[1024], line[64] = "";
	FILE *p;

	snprintf(cmd, sizeof(cmd), "sqlite3 -readonly '%s' \"%s\" 2>/dev/null", path,
		 sql);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (!fgets(line, sizeof(line), p))
		line[0] = '\0';
	pclose(p);
	return line[0] ? atoll(line) : -1;
}

static bool file_contains(const char *path, const char *text)
{
	char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, text) != NULL;
}

/* Polls until DIR holds at least want session files with a tick each. */
static bool wait_files(int want, char names[][128], int max)
{
	for (int waited = 0; waited < DEADLINE_MS; waited += POLL_MS) {
		int n = session_files(names, max), with_ticks = 0;

		for (int i = 0; i < n; i++) {
			uint64_t ticks;

			session_last_tick(in_dir(names[i]), &ticks);
			with_ticks += ticks > 0;
		}
		if (with_ticks >= want)
			return true;
		sleep_ms(POLL_MS);
	}
	return false;
}

static bool wait_log(const char *text)
{
	char log[256];

	snprintf(log, sizeof(log), "%s/daemon.log", dir);
	for (int waited = 0; waited < DEADLINE_MS; waited += POLL_MS) {
		if (file_contains(log, text))
			return true;
		sleep_ms(POLL_MS);
	}
	return false;
}

/* ---- files, names, modes ---- */

static void test_files_names_modes_and_clean_end(void **state)
{
	char names[8][128], expect[128], lock[256], pidline[32] = "";
	struct run_result r;
	struct stat st;
	FILE *f;

	(void)state;
	daemon_pid = daemon_start("-i", "100ms", NULL);
	assert_true(wait_files(1, names, 8));
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700); /* created by the daemon */
	assert_int_equal(stat(in_dir(names[0]), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* HOST-YYYYMMDD-HH.vigil, the hour the daemon started in (UTC) */
	snprintf(expect, sizeof(expect), "%s-", short_host());
	assert_memory_equal(names[0], expect, strlen(expect));
	assert_true(rotation_name_parse(short_host(), names[0], NULL));
	assert_int_equal(strlen(names[0]), strlen(expect) + strlen("YYYYMMDD-HH.vigil"));
	/* the lock names the holder */
	snprintf(lock, sizeof(lock), "%s/daemon.lock", dir);
	assert_int_equal(stat(lock, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	f = fopen(lock, "r");
	assert_non_null(f);
	assert_non_null(fgets(pidline, sizeof(pidline), f));
	fclose(f);
	assert_int_equal(atoi(pidline), daemon_pid);

	/* SIGTERM: exit 0, the session ended, nothing left beside the file */
	assert_int_equal(stop_with(daemon_pid, SIGTERM), 0);
	/* before anything else opens it: the writer checkpointed and closed */
	snprintf(lock, sizeof(lock), "%s-wal", in_dir(names[0]));
	assert_int_not_equal(access(lock, F_OK), 0);
	assert_true(sql_int(in_dir(names[0]), "SELECT ended_ms FROM sessions") > 0);
	assert_int_equal(sql_int(in_dir(names[0]),
				 "SELECT count(*) FROM procs WHERE last_tick IS NULL"),
			 0);
	assert_true(file_contains(in_dir("daemon.log"), "SIGTERM: stopping"));
	run_vigil(&r, "report", "--json", in_dir(names[0]));
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\"daemon\": []"));
}

static void test_refuses_bad_directories(void **state)
{
	char link[256], plain[256], other[256];
	struct run_result r;

	(void)state;
	snprintf(link, sizeof(link), "%s/link", scratch);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(symlink(dir, link), 0);
	run_vigil(&r, "daemon", "--dir", link);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "vigil: daemon: "));
	assert_non_null(strstr(r.err, "is a symlink"));
	/* nothing was created through the link */
	assert_int_not_equal(access(in_dir("daemon.lock"), F_OK), 0);

	snprintf(plain, sizeof(plain), "%s/plain", scratch);
	close(open(plain, O_WRONLY | O_CREAT, 0600));
	run_vigil(&r, "daemon", "--dir", plain);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "is not a directory"));

	run_vigil(&r, "daemon", "--dir", dir, "--retain-size", "lots");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "bad --retain-size 'lots'"));

	if (geteuid() != 0) /* only root can give a directory away */
		return;
	snprintf(other, sizeof(other), "%s/other", scratch);
	assert_int_equal(mkdir(other, 0700), 0);
	assert_int_equal(chown(other, 4242, 4242), 0);
	run_vigil(&r, "daemon", "--dir", other);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "is not owned by uid 0"));
	snprintf(other, sizeof(other), "%s/other/daemon.lock", scratch);
	assert_int_not_equal(access(other, F_OK), 0);
}

/* ---- rotation ---- */

static void test_rotation_keeps_every_tick(void **state)
{
	char names[64][128];
	long long total = 0, lo = -1, hi = -1;
	int n;

	(void)state;
	setenv("VIGIL_DAEMON_PERIOD", "2s", 1);
	daemon_pid = daemon_start("-i", "100ms", "--compact-age", "0", NULL);
	assert_true(wait_files(4, names, 64));
	assert_int_equal(stop_with(daemon_pid, SIGTERM), 0);
	n = session_files(names, 64);
	assert_true(n >= 4);
	for (int i = 0; i < n; i++) {
		const char *path = in_dir(names[i]);
		int64_t start;
		long long ticks = sql_int(path, "SELECT count(*) FROM ticks");
		long long first = sql_int(path, "SELECT min(seq) FROM ticks");
		long long last = sql_int(path, "SELECT max(seq) FROM ticks");
		struct run_result r;

		/* a name for a 2 s period: HOST-YYYYMMDD-HHMMSS.vigil */
		assert_true(rotation_name_parse(short_host(), names[i], &start));
		/* each file is a whole session on its own */
		assert_true(sql_int(path, "SELECT ended_ms FROM sessions") > 0);
		run_vigil(&r, "report", path);
		assert_int_equal(r.status, 0);
		/* the file opened at the start is the one that may hold no tick:
		 * a slow start (a sanitizer build under load) can take the first
		 * tick past its 2 s period; a file made for a tick never can */
		if (ticks <= 0) {
			assert_int_equal(i, 0);
			continue;
		}
		/* every tick of a file belongs to its period */
		if (sql_int(path, "SELECT min(t_ms) FROM ticks") < start ||
		    sql_int(path, "SELECT max(t_ms) FROM ticks") >= start + 2000)
			fail_msg("%s: ticks %+lld..%+lld ms of its period's start",
				 names[i],
				 sql_int(path, "SELECT min(t_ms) FROM ticks") -
					 (long long)start,
				 sql_int(path, "SELECT max(t_ms) FROM ticks") -
					 (long long)start);
		/* no gap inside a file, and each file starts where the one before
		 * ended: the frame seq runs on across files */
		assert_int_equal(last - first + 1, ticks);
		if (hi >= 0)
			assert_int_equal(first, hi + 1);
		if (lo < 0)
			lo = first;
		hi = last;
		total += ticks;
	}
	assert_int_equal(total, hi - lo + 1);
}

/* ---- retention ---- */

/* A file of size bytes at DIR/name (made by the test, like an old session). */
static void make_file(const char *name, size_t size)
{
	static char zeros[65536];
	int fd = open(in_dir(name), O_WRONLY | O_CREAT | O_EXCL, 0600);

	assert_true(fd >= 0);
	for (size_t left = size; left;) {
		size_t chunk = left < sizeof(zeros) ? left : sizeof(zeros);

		assert_int_equal(write(fd, zeros, chunk), (ssize_t)chunk);
		left -= chunk;
	}
	close(fd);
}

/* The daemon's name of the hour ago hours before now. */
static void hour_name(int ago, char *buf, size_t len)
{
	struct rotation_config c = {
		.dir = dir, .host = short_host(), .period_ms = ROTATION_HOUR_MS};
	int64_t now = (int64_t)time(NULL) * 1000;

	rotation_name(&c, now - (int64_t)ago * ROTATION_HOUR_MS, 1, buf, len);
}

static void test_retention_by_age_and_size(void **state)
{
	char h2[128], h3[128], h4[128], h5[128], old[128], target[256], names[8][128];
	char foreign_owner[128];
	struct run_result r;
	struct stat st;

	(void)state;
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(old, sizeof(old), "%s-20200101-00.vigil", short_host());
	hour_name(5, h5, sizeof(h5));
	hour_name(4, h4, sizeof(h4));
	hour_name(3, h3, sizeof(h3));
	hour_name(2, h2, sizeof(h2));
	make_file(old, 1 << 20);
	make_file(h5, 1 << 20);
	make_file(h4, 1 << 20);
	make_file(h3, 1 << 20);
	make_file(h2, 1 << 20);
	/* not the daemon's: another host's name, another name, a symlink
	 * named like an old session, a session-named file of another user */
	make_file("otherhost-20200101-00.vigil", 4096);
	make_file("notes.txt", 4096);
	snprintf(target, sizeof(target), "%s/outside", scratch);
	close(open(target, O_WRONLY | O_CREAT, 0600));
	snprintf(foreign_owner, sizeof(foreign_owner), "%s-20200101-01.vigil",
		 short_host());
	assert_int_equal(symlink(target, in_dir(foreign_owner)), 0);
	snprintf(foreign_owner, sizeof(foreign_owner), "%s-20200101-02.vigil",
		 short_host());
	make_file(foreign_owner, 4096);
	if (geteuid() == 0)
		assert_int_equal(chown(in_dir(foreign_owner), 4242, 4242), 0);
	else
		unlink(in_dir(foreign_owner));

	/* 14 days: the 2020 file goes; 2.5 MiB: then the oldest two of the
	 * four recent ones, leaving two and the current file */
	daemon_pid = daemon_start("-i", "100ms", "--retain-age", "14d", "--retain-size",
				  "2.5MiB", "--compact-age", "0", NULL);
	assert_true(wait_log("files to stay under the"));
	assert_true(wait_files(1, names, 8));
	assert_int_equal(stop_with(daemon_pid, SIGTERM), 0);
	assert_int_not_equal(access(in_dir(old), F_OK), 0);
	assert_int_not_equal(access(in_dir(h5), F_OK), 0);
	assert_int_not_equal(access(in_dir(h4), F_OK), 0);
	assert_int_equal(access(in_dir(h3), F_OK), 0);
	assert_int_equal(access(in_dir(h2), F_OK), 0);
	/* everything not the daemon's is untouched */
	assert_int_equal(access(in_dir("otherhost-20200101-00.vigil"), F_OK), 0);
	assert_int_equal(access(in_dir("notes.txt"), F_OK), 0);
	snprintf(foreign_owner, sizeof(foreign_owner), "%s-20200101-01.vigil",
		 short_host());
	assert_int_equal(lstat(in_dir(foreign_owner), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(access(target, F_OK), 0);
	if (geteuid() == 0) {
		snprintf(foreign_owner, sizeof(foreign_owner), "%s-20200101-02.vigil",
			 short_host());
		assert_int_equal(access(in_dir(foreign_owner), F_OK), 0);
	}
	/* shedding over the budget is in the session, for report */
	hour_name(0, h2, sizeof(h2));
	run_vigil(&r, "report", in_dir(h2));
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "shed: removed the 2 oldest files"));
}

/* ---- compaction ---- */

static void test_compaction_keeps_rollups_drops_ticks(void **state)
{
	char names[64][128], path[512];
	long long ticks, minutes, rollups, procs, alive_at_kept;
	struct run_result r;
	char buf[256];

	(void)state;
	/* files of 2 s, kept whole */
	setenv("VIGIL_DAEMON_PERIOD", "2s", 1);
	daemon_pid = daemon_start("-i", "100ms", "--compact-age", "0", NULL);
	assert_true(wait_files(3, names, 64));
	assert_int_equal(stop_with(daemon_pid, SIGTERM), 0);
	/* the one with most ticks */
	path[0] = '\0';
	ticks = 0;
	for (int i = 0, n = session_files(names, 64); i < n; i++) {
		long long t = sql_int(in_dir(names[i]), "SELECT count(*) FROM ticks");

		if (t > ticks) {
			ticks = t;
			snprintf(path, sizeof(path), "%s", in_dir(names[i]));
		}
	}
	assert_true(ticks >= 2);
	minutes = sql_int(path, "SELECT count(DISTINCT t_ms / 60000) FROM ticks");
	rollups = sql_int(path, "SELECT count(*) FROM rollups");
	procs = sql_int(path, "SELECT count(*) FROM procs");
	alive_at_kept =
		sql_int(path, "SELECT count(*) FROM procs p WHERE EXISTS (SELECT 1"
			      " FROM ticks t WHERE t.seq BETWEEN p.first_tick AND"
			      " coalesce(p.last_tick, t.seq) AND t.seq IN (SELECT"
			      " max(seq) FROM ticks GROUP BY t_ms / 60000))");
	assert_true(rollups > 0);
	assert_true(minutes < ticks);

	/* started again with a compaction age of 1 s: the old files shrink */
	daemon_pid = daemon_start("-i", "100ms", "--compact-age", "1s", NULL);
	for (int waited = 0; waited < DEADLINE_MS &&
			     sql_int(path, "SELECT count(*) FROM notices WHERE kind = "
					   "'compacted'") != 1;
	     waited += POLL_MS)
		sleep_ms(POLL_MS);
	assert_int_equal(stop_with(daemon_pid, SIGTERM), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM notices WHERE kind = "
				       "'compacted'"),
			 1);
	/* one tick per minute, the last of each; rollups and processes whole */
	assert_int_equal(sql_int(path, "SELECT count(*) FROM ticks"), minutes);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM sys_samples"), minutes);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM rollups"), rollups);
	/* processes that lived between two kept ticks may go, no others */
	assert_true(sql_int(path, "SELECT count(*) FROM procs") <= procs);
	assert_true(sql_int(path, "SELECT count(*) FROM procs") >= alive_at_kept);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM proc_samples WHERE tick NOT "
				       "IN (SELECT seq FROM ticks)"),
			 0);
	/* rewritten: no journal mode WAL left, no -wal beside it */
	snprintf(buf, sizeof(buf), "%s-wal", path);
	assert_int_not_equal(access(buf, F_OK), 0);
	/* still a session report and export read */
	run_vigil(&r, "report", "--json", path);
	assert_int_equal(r.status, 0);
	assert_string_equal(jq(r.out, ".daemon[0].kind", buf, sizeof(buf)), "compacted");
	run_vigil(&r, "export", path, "--metrics");
	assert_int_equal(r.status, 0);
	assert_true(strlen(r.out) > 0);
}

/* ---- alert rules, SIGHUP ---- */

static void write_rules(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_sighup_reloads_rules(void **state)
{
	char rules[256], actions[256], text[512], names[8][128];

	(void)state;
	snprintf(rules, sizeof(rules), "%s/rules.conf", scratch);
	snprintf(actions, sizeof(actions), "%s/fired.jsonl", scratch);
	write_rules(rules, "mem.available < 1 name=never\n");
	daemon_pid = daemon_start("-i", "100ms", "--alerts", rules, NULL);
	assert_true(wait_files(1, names, 8));

	/* a bad file: refused, the old rules stay */
	write_rules(rules, "mem.available <<< nonsense\n");
	kill(daemon_pid, SIGHUP);
	assert_true(wait_log("alert rules not reloaded, the old ones stay"));

	/* a good one: a rule that holds at once, with a log: action, fires
	 * while nobody watches */
	snprintf(text, sizeof(text),
		 "mem.available > 0 name=always-on severity=info action=log:%s\n",
		 actions);
	write_rules(rules, text);
	kill(daemon_pid, SIGHUP);
	assert_true(wait_log("alert rules reloaded"));
	for (int waited = 0; waited < DEADLINE_MS && !file_contains(actions, "always-on");
	     waited += POLL_MS)
		sleep_ms(POLL_MS);
	assert_true(file_contains(actions, "always-on"));
	assert_int_equal(stop_with(daemon_pid, SIGTERM), 0);
	assert_true(sql_int(in_dir(names[0]),
			    "SELECT count(*) FROM alert_events WHERE "
			    "rule = 'always-on' AND state = 'firing'") >= 1);
	assert_int_equal(
		sql_int(in_dir(names[0]),
			"SELECT count(*) FROM alert_events WHERE rule = 'never'"),
		0);
}

/* ---- kill -9, restart, two daemons ---- */

static void test_kill9_and_restart(void **state)
{
	char names[8][128], first[128], errpath[256];
	uint64_t before = 0, after = 0;
	struct run_result r;
	pid_t second;

	(void)state;
	daemon_pid = daemon_start("-i", "100ms", NULL);
	assert_true(wait_files(1, names, 8));
	snprintf(first, sizeof(first), "%s", names[0]);

	/* a second daemon on the same directory is refused, naming the first */
	run_vigil(&r, "daemon", "--dir", dir);
	assert_int_equal(r.status, 1);
	snprintf(errpath, sizeof(errpath), "is in use by pid %d", (int)daemon_pid);
	assert_non_null(strstr(r.err, "vigil: daemon: "));
	assert_non_null(strstr(r.err, errpath));

	/* what was readable before kill -9 is all still there after it */
	for (int waited = 0; waited < DEADLINE_MS && before < 3; waited += POLL_MS) {
		session_last_tick(in_dir(first), &before);
		sleep_ms(POLL_MS);
	}
	assert_true(before >= 3);
	assert_int_equal(stop_with(daemon_pid, SIGKILL), 128 + SIGKILL);
	session_last_tick(in_dir(first), &after);
	assert_true(after >= before);

	/* started again in the same hour: a new file with a suffix, and the
	 * killed one sealed at its last tick */
	daemon_pid = daemon_start("-i", "100ms", NULL);
	assert_true(wait_files(2, names, 8));
	second = daemon_pid;
	assert_int_equal(stop_with(second, SIGTERM), 0);
	assert_int_equal(session_files(names, 8), 2);
	{
		char expect[160];

		snprintf(expect, sizeof(expect), "%.*s.2.vigil", (int)(strlen(first) - 6),
			 first);
		assert_true(!strcmp(names[0], expect) || !strcmp(names[1], expect));
	}
	assert_true(sql_int(in_dir(first), "SELECT ended_ms FROM sessions") > 0);
	assert_int_equal(sql_int(in_dir(first), "SELECT count(*) FROM ticks"),
			 (long long)after);
	assert_true(file_contains(in_dir("daemon.log"), "had no end (killed?): sealed"));
	run_vigil(&r, "report", in_dir(first));
	assert_int_equal(r.status, 0);
}

/* ---- the systemd unit ---- */

/* systemd-analyze verify on path: its status, its output in out. */
static int verify_unit(const char *path, char *out, size_t cap)
{
	char cmd[512];
	FILE *p;
	size_t n;

	snprintf(cmd, sizeof(cmd), "systemd-analyze verify --man=no '%s' 2>&1", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, cap - 1, p);
	out[n] = '\0';
	return WEXITSTATUS(pclose(p));
}

/* assets/vigil.service with ExecStart at this build's binary, and one
 * substitution (from -> to, or none) into SCRATCH/name. */
static void unit_copy(const char *name, const char *from, const char *to, char *path,
		      size_t len)
{
	char bin[4096], cmd[8192];

	assert_non_null(realpath(vigil_bin(), bin));
	snprintf(path, len, "%s/%s", scratch, name);
	snprintf(cmd, sizeof(cmd),
		 "sed -e 's|/usr/local/bin/vigil|%s|' -e 's|%s|%s|' assets/vigil.service "
		 "> "
		 "'%s'",
		 bin, from, to, path);
	assert_int_equal(system(cmd), 0);
}

static void test_unit_verifies(void **state)
{
	char path[512], out[8192];

	(void)state;
	if (system("command -v systemd-analyze >/dev/null 2>&1") != 0)
		skip();
	if (access("assets/vigil.service", R_OK) != 0)
		skip(); /* run from the top of the tree, as make does */
	unit_copy("vigil.service", "^$", "", path, sizeof(path));
	assert_int_equal(verify_unit(path, out, sizeof(out)), 0);
	assert_string_equal(out, ""); /* not even a warning */
	/* the same check sees a value systemd cannot parse ... */
	unit_copy("bad.service", "ProtectSystem=strict", "ProtectSystem=sometimes", path,
		  sizeof(path));
	verify_unit(path, out, sizeof(out));
	assert_non_null(strstr(out, "protect system"));
	/* ... and a binary that is not there */
	unit_copy("nobin.service", "^ExecStart=.*", "ExecStart=/nonexistent/vigil daemon",
		  path, sizeof(path));
	assert_int_not_equal(verify_unit(path, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "/nonexistent/vigil"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_files_names_modes_and_clean_end,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_bad_directories, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rotation_keeps_every_tick, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_retention_by_age_and_size, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_compaction_keeps_rollups_drops_ticks,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_sighup_reloads_rules, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_kill9_and_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unit_verifies, setup, teardown),
	};

	return cmocka_run_group_tests_name("daemon", tests, NULL, NULL);
}
