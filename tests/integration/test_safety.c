/* SPDX-License-Identifier: MIT */
/*
 * test_safety: what happens to session files when things go wrong, with the
 * real binary. A recorder killed with SIGKILL leaves a file that reads back
 * whole, up to its last interval; reading a session never changes it; a
 * recorder whose writes fail (RLIMIT_FSIZE, as on a full disk) keeps going,
 * says so once, and leaves what it wrote readable; and saved sessions are
 * pruned to the retention cap. (Corrupted copies of a session: test_corrupt,
 * in the pool, as it does not depend on time.)
 *
 * Children run with a time limit (alarm before exec) and with sanitizer exit
 * codes that cannot be mistaken for vigil's own 0/1/2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>

#include <cmocka.h>

#include "harness.h"
#include "limited.h"

#define KIB 1024ull
#define MIB (1024ull * 1024)
#define DAY_MS (24ll * 3600 * 1000)

static char dir[256], session[512];

static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int setup(void **state)
{
	(void)state;
	if (scratch_make(dir, sizeof(dir)) < 0)
		return -1;
	snprintf(session, sizeof(session), "%s/s.vigil", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return scratch_remove(dir);
}

static size_t count_lines(const char *text, const char *prefix)
{
	size_t n = 0;

	for (const char *l = text; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : "")
		n += !strncmp(l, prefix, strlen(prefix));
	return n;
}

/* sha256 of path as a hex string in buf; "" for a missing file. */
static const char *sha256(const char *path, char *buf, size_t cap)
{
	char cmd[1024];
	FILE *p;

	buf[0] = '\0';
	if (access(path, F_OK) < 0)
		return buf;
	snprintf(cmd, sizeof(cmd), "sha256sum '%s'", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	if (!fgets(buf, (int)cap, p))
		buf[0] = '\0';
	pclose(p);
	buf[strcspn(buf, " ")] = '\0';
	return buf;
}

static void copy_file(const char *from, const char *to)
{
	char cmd[2200];

	if (access(from, F_OK) < 0)
		return;
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", from, to);
	assert_int_equal(system(cmd), 0);
}

/* ---- crash safety ---- */

/*
 * kill -9 mid-recording: the file holds every tick up to the last interval,
 * reads back through report (which does not change it), and passes SQLite's
 * integrity check.
 */
static void test_kill9_loses_at_most_one_interval(void **state)
{
	struct run_result r;
	char wal[600], copy[600], copy_wal[700], cmd[1024], line[64] = "";
	char before[80], before_wal[80], after[80], after_wal[80];
	int64_t killed_ms;
	pid_t pid;
	FILE *p;

	(void)state;
	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		dup2(devnull, 1);
		dup2(devnull, 2);
		alarm(CHILD_TIMEOUT_S);
		execl(vigil_bin(), "vigil", "record", "-i", "100ms", "-o", session,
		      (char *)NULL);
		_exit(127);
	}
	sleep_ms(1500);
	killed_ms = wall_ms();
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, NULL, 0), pid);

	snprintf(wal, sizeof(wal), "%s-wal", session);
	sha256(session, before, sizeof(before));
	sha256(wal, before_wal, sizeof(before_wal));
	assert_true(before[0] != '\0');
	run(&r, 0, "report", session, "--json");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.err, "");
	assert_true(jq_num(r.out, ".session.ticks") >= 10);
	/* not closed: ended_ms is the last tick's time */
	assert_true(jq_num(r.out, ".session.ended_ms") >= killed_ms - 2 * 100);
	assert_true(jq_num(r.out, ".session.ended_ms") <= killed_ms);
	/* reading a session never modifies it */
	assert_string_equal(sha256(session, after, sizeof(after)), before);
	assert_string_equal(sha256(wal, after_wal, sizeof(after_wal)), before_wal);

	/* the sqlite3 shell may replay the WAL: check a copy */
	snprintf(copy, sizeof(copy), "%s/copy.vigil", dir);
	snprintf(copy_wal, sizeof(copy_wal), "%s-wal", copy);
	copy_file(session, copy);
	copy_file(wal, copy_wal);
	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' 'PRAGMA integrity_check'", copy);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(line, sizeof(line), p));
	pclose(p);
	assert_string_equal(line, "ok\n");
}

/* ---- write errors ---- */

/*
 * Writes fail once a file reaches twice the size of a few ticks on this
 * machine (its process count sets how big a tick is): the recorder goes on
 * until -d ends, warns once while running, ends with one line counting the
 * ticks not written, exits 1, and what it wrote reads back.
 */
static void test_write_errors_are_counted_not_fatal(void **state)
{
	struct run_result r;
	int64_t t0, elapsed;
	unsigned long long lost = 0, limit;
	const char *last;
	struct stat st;

	(void)state;
	run(&r, 0, "record", "--statsd", "off", "-i", "100ms", "-d", "300ms", "-o",
	    session);
	assert_int_equal(r.status, 0);
	assert_int_equal(stat(session, &st), 0);
	limit = 2 * (unsigned long long)st.st_size;
	if (limit < 64 * KIB)
		limit = 64 * KIB;
	remove_session(session);
	t0 = wall_ms();
	run(&r, limit, "record", "--statsd", "off", "-i", "100ms", "-d", "2500ms", "-o",
	    session);
	elapsed = wall_ms() - t0;
	assert_int_equal(r.status, 1);
	assert_true(elapsed >= 2500);
	/* one warning while running, one summary at the end, nothing else */
	assert_int_equal(count_lines(r.err, ""), count_lines(r.err, "vigil: "));
	assert_int_equal(count_lines(r.err, "vigil: cannot write to session"), 1);
	assert_int_equal(count_lines(r.err, "vigil: "), 2);
	last = strstr(r.err, "\nvigil: ") + 1;
	assert_int_equal(sscanf(last, "vigil: %llu ticks not written", &lost), 1);
	assert_true(lost >= 5);

	run(&r, 0, "report", session, "--json");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.err, "");
	assert_true(jq_num(r.out, ".session.ticks") >= 1);
}

/* ---- retention ---- */

static void make_file(const char *name, unsigned long long bytes, int64_t age_ms)
{
	char path[1024];
	struct timespec ts[2];
	int64_t t = wall_ms() - age_ms;
	int fd;

	snprintf(path, sizeof(path), "%s/state/vigil/%s", dir, name);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	assert_true(fd >= 0);
	/* sparse: the size counts, the disk is not used */
	assert_int_equal(ftruncate(fd, (off_t)bytes), 0);
	close(fd);
	ts[0].tv_sec = ts[1].tv_sec = t / 1000;
	ts[0].tv_nsec = ts[1].tv_nsec = (t % 1000) * 1000000;
	assert_int_equal(utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW), 0);
}

static bool exists(const char *name)
{
	char path[1024];
	struct stat st;

	snprintf(path, sizeof(path), "%s/state/vigil/%s", dir, name);
	return lstat(path, &st) == 0;
}

/* The path in "recording to 'PATH'" on stderr. */
static const char *recorded_path(const struct run_result *r, char *buf, size_t cap)
{
	const char *p = strstr(r->err, "recording to '");

	buf[0] = '\0';
	if (p)
		snprintf(buf, cap, "%.*s", (int)strcspn(p + 14, "'"), p + 14);
	return buf;
}

static void test_retention_prunes_saved_sessions(void **state)
{
	struct run_result r;
	char path[700], target[800], created[1024];
	struct stat st;

	(void)state;
	snprintf(path, sizeof(path), "%s/state/vigil", dir);
	snprintf(target, sizeof(target), "mkdir -p '%s'", path);
	assert_int_equal(system(target), 0);
	/* beyond the default 14 days, with side files */
	make_file("h-20200101-000000.vigil", 1 * MIB, 20 * DAY_MS);
	make_file("h-20200101-000000.vigil-wal", 1 * MIB, 20 * DAY_MS);
	make_file("h-20200101-000000.vigil-shm", 32 * KIB, 20 * DAY_MS);
	make_file("h-20200101-000000.vigil.log", 1 * KIB, 20 * DAY_MS);
	make_file("h-20200102-000000-1.vigil", 1 * KIB, 15 * DAY_MS);
	/* young: 30 MiB against a 25 MiB cap, so the oldest of them goes */
	make_file("h-20200110-000000.vigil", 10 * MIB, 3 * DAY_MS);
	make_file("h-20200110-000000.vigil.log", 1 * KIB, 3 * DAY_MS);
	make_file("h-20200111-000000.vigil", 10 * MIB, 2 * DAY_MS);
	make_file("h-20200112-000000.vigil", 10 * MIB, 1 * DAY_MS);
	/* not ours: old and big, but other names, or a symlink */
	make_file("notes.vigil", 50 * MIB, 60 * DAY_MS);
	make_file("h-20200101-000000.vigil.bak", 50 * MIB, 60 * DAY_MS);
	make_file("README", 1 * KIB, 60 * DAY_MS);
	snprintf(target, sizeof(target), "%s/outside", dir);
	assert_int_equal(close(open(target, O_CREAT | O_WRONLY, 0600)), 0);
	snprintf(path, sizeof(path), "%s/state/vigil/h-20190101-000000.vigil", dir);
	assert_int_equal(symlink(target, path), 0);

	snprintf(path, sizeof(path), "%s/state", dir);
	setenv("XDG_STATE_HOME", path, 1);
	setenv("VIGIL_RETAIN_SIZE", "25MiB", 1);
	unsetenv("VIGIL_RETAIN_AGE");
	run(&r, 0, "record", "--statsd", "off", "-i", "100ms", "-d", "300ms");
	assert_int_equal(r.status, 0);
	assert_int_equal(count_lines(r.err, "vigil: "), 0);
	recorded_path(&r, created, sizeof(created));
	assert_int_equal(stat(created, &st), 0);

	assert_false(exists("h-20200101-000000.vigil"));
	assert_false(exists("h-20200101-000000.vigil-wal"));
	assert_false(exists("h-20200101-000000.vigil-shm"));
	assert_false(exists("h-20200101-000000.vigil.log"));
	assert_false(exists("h-20200102-000000-1.vigil"));
	assert_false(exists("h-20200110-000000.vigil"));
	assert_false(exists("h-20200110-000000.vigil.log"));
	assert_true(exists("h-20200111-000000.vigil"));
	assert_true(exists("h-20200112-000000.vigil"));
	assert_true(exists("notes.vigil"));
	assert_true(exists("h-20200101-000000.vigil.bak"));
	assert_true(exists("README"));
	assert_true(exists("h-20190101-000000.vigil"));
	assert_int_equal(access(target, F_OK), 0);

	/* a bad setting: one warning line, the default used, the run goes on */
	setenv("VIGIL_RETAIN_AGE", "forever", 1);
	setenv("VIGIL_RETAIN_SIZE", "0", 1);
	run(&r, 0, "record", "--statsd", "off", "-i", "100ms", "-d", "300ms");
	assert_int_equal(r.status, 0);
	assert_int_equal(count_lines(r.err, "vigil: "), 1);
	assert_int_equal(count_lines(r.err, "vigil: bad VIGIL_RETAIN_AGE 'forever': "),
			 1);
	assert_true(exists("h-20200111-000000.vigil"));
	assert_int_equal(stat(created, &st), 0);
	unsetenv("VIGIL_RETAIN_AGE");
	unsetenv("VIGIL_RETAIN_SIZE");
	unsetenv("XDG_STATE_HOME");
}

/* A session another vigil is still writing is never pruned, cap or not. */
static void test_retention_spares_running_sessions(void **state)
{
	struct run_result r;
	char state_dir[600], running[1024] = "", line[1200];
	int errpipe[2];
	pid_t pid;
	FILE *f;

	(void)state;
	snprintf(state_dir, sizeof(state_dir), "%s/state", dir);
	setenv("XDG_STATE_HOME", state_dir, 1);
	assert_int_equal(pipe(errpipe), 0);
	pid = fork();
	if (pid == 0) {
		dup2(errpipe[1], 2);
		close(errpipe[0]);
		close(errpipe[1]);
		alarm(CHILD_TIMEOUT_S);
		execl(vigil_bin(), "vigil", "record", "-i", "100ms", "-d", "5s",
		      (char *)NULL);
		_exit(127);
	}
	close(errpipe[1]);
	f = fdopen(errpipe[0], "r");
	assert_non_null(f);
	/* "recording to '...'" comes once the session exists */
	if (fgets(line, sizeof(line), f) && !strncmp(line, "recording to '", 14))
		snprintf(running, sizeof(running), "%.*s", (int)strcspn(line + 14, "'"),
			 line + 14);
	sleep_ms(300);
	/* a 1-byte cap and a minute of age: everything else must go */
	setenv("VIGIL_RETAIN_SIZE", "1B", 1);
	setenv("VIGIL_RETAIN_AGE", "1m", 1);
	sleep_ms(1000); /* the next run's name differs by its second */
	run(&r, 0, "record", "--statsd", "off", "-i", "100ms", "-d", "200ms");
	unsetenv("VIGIL_RETAIN_SIZE");
	unsetenv("VIGIL_RETAIN_AGE");
	unsetenv("XDG_STATE_HOME");
	kill(pid, SIGINT);
	waitpid(pid, NULL, 0);
	fclose(f);
	assert_int_equal(r.status, 0);
	assert_true(running[0] != '\0');
	assert_int_equal(access(running, F_OK), 0);
	run(&r, 0, "report", running, "--json");
	assert_int_equal(r.status, 0);
	assert_true(jq_num(r.out, ".session.ticks") >= 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kill9_loses_at_most_one_interval,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_errors_are_counted_not_fatal,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_retention_prunes_saved_sessions,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_retention_spares_running_sessions,
						setup, teardown),
	};

	/* a sanitizer report must not pass for vigil's own exit 1 */
	add_option("ASAN_OPTIONS", "exitcode=86");
	add_option("UBSAN_OPTIONS", "exitcode=87");
	add_option("LSAN_OPTIONS", "exitcode=88");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
