/* SPDX-License-Identifier: MIT */
/*
 * harness: what integration tests share. They run the real vigil binary
 * ($VIGIL) against real fixture processes ($FIXTURES/<name>), then read the
 * session it wrote through the store's query API and `vigil report --json`.
 *
 * Header-only (static functions) so each test stays one file the Makefile
 * finds by wildcard. Nothing here measures time; waits are bounded polls.
 */
#ifndef VIGIL_TESTS_HARNESS_H
#define VIGIL_TESTS_HARNESS_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store/frames.h"
#include "store/store.h"

#define HARNESS_OUT_MAX 65536

struct run_result {
	int status; /* exit status, or 128 + signal */
	char out[HARNESS_OUT_MAX];
	char err[HARNESS_OUT_MAX];
};

static inline const char *vigil_bin(void)
{
	const char *v = getenv("VIGIL");

	return v && *v ? v : "build/vigil";
}

static inline char *fixture_path(const char *name)
{
	static char path[4096];
	const char *dir = getenv("FIXTURES");

	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "build/fixtures", name);
	return path;
}

static inline void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Every fixture started, so a test that fails half-way leaves no orphan. */
static pid_t fixture_pids[64];
static int fixture_count;

/* Kills every fixture still running (teardowns call this). */
static inline void fixtures_stop_all(void)
{
	for (int i = 0; i < fixture_count; i++)
		if (fixture_pids[i] > 0 && kill(fixture_pids[i], SIGKILL) == 0)
			waitpid(fixture_pids[i], NULL, 0);
	fixture_count = 0;
}

/* Starts a fixture with args (NULL-terminated) and waits for its "ready" line. */
static inline pid_t fixture_start(const char *name, ...)
{
	char *argv[16], argv0[64];
	int n = 0, pipefd[2];
	va_list ap;
	pid_t pid;
	char line[16] = "";

	/* argv[0] is the bare name, so command lines read "sleeper --x" wherever
	 * the checkout lives */
	snprintf(argv0, sizeof(argv0), "%s", name);
	argv[n++] = argv0;
	va_start(ap, name);
	while (n < 15 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	if (pipe(pipefd) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		/* stderr too: an orphan must not hold the test runner's pipe open */
		dup2(pipefd[1], 1);
		dup2(devnull, 2);
		close(pipefd[0]);
		close(pipefd[1]);
		execv(fixture_path(name), argv);
		_exit(127);
	}
	if (fixture_count < 64)
		fixture_pids[fixture_count++] = pid;
	close(pipefd[1]);
	if (read(pipefd[0], line, sizeof(line) - 1) <= 0 || strncmp(line, "ready", 5)) {
		close(pipefd[0]);
		return -1;
	}
	close(pipefd[0]);
	return pid;
}

static inline int fixture_stop(pid_t pid)
{
	int status = 0;

	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return status;
}

/* Reads a pipe to the end into buf (NUL-terminated, truncated at cap). */
static inline void drain(int fd, char *buf, size_t cap)
{
	size_t off = 0;
	ssize_t n;
	char sink[4096];

	while ((n = read(fd, off < cap - 1 ? buf + off : sink,
			 off < cap - 1 ? cap - 1 - off : sizeof(sink))) > 0)
		if (off < cap - 1)
			off += (size_t)n;
	buf[off < cap ? off : cap - 1] = '\0';
}

/* What a child vigil may not exceed: 0 leaves a limit off. */
struct run_limits {
	unsigned timeout_s;	  /* SIGALRM after this long: a hang is a failure */
	unsigned long long fsize; /* RLIMIT_FSIZE: writes past it fail (EFBIG) */
};

/* In the child, before exec. */
static inline void apply_limits(const struct run_limits *lim)
{
	if (!lim)
		return;
	if (lim->fsize) {
		struct rlimit rl = {lim->fsize, lim->fsize};

		/* write() past the limit then fails with EFBIG, as a full disk
		 * fails with ENOSPC, instead of killing */
		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &rl);
	}
	if (lim->timeout_s)
		alarm(lim->timeout_s);
}

/*
 * Runs vigil with args (NULL-terminated) to the end, stdout and stderr
 * captured, within lim (may be NULL). stderr is read after stdout, so keep
 * it small (it is).
 */
static inline void run_vigil_limited(struct run_result *r, const struct run_limits *lim,
				     const char *const args[])
{
	char *argv[64];
	int n = 0, out[2], err[2], status;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	if (pipe(out) < 0 || pipe(err) < 0) {
		r->status = -1;
		return;
	}
	pid = fork();
	if (pid == 0) {
		/* copies, in the child only: execv wants them writable */
		argv[n++] = strdup(vigil_bin());
		for (int i = 0; args[i] && n < 63; i++)
			argv[n++] = strdup(args[i]);
		argv[n] = NULL;
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(out[0]), close(out[1]), close(err[0]), close(err[1]);
		apply_limits(lim);
		execv(argv[0], argv);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	drain(out[0], r->out, sizeof(r->out));
	drain(err[0], r->err, sizeof(r->err));
	close(out[0]);
	close(err[0]);
	waitpid(pid, &status, 0);
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static inline void run_vigil_argv(struct run_result *r, const char *const args[])
{
	run_vigil_limited(r, NULL, args);
}

#define run_vigil(r, ...)                                                                \
	do {                                                                             \
		const char *const args_[] = {__VA_ARGS__, NULL};                         \
		run_vigil_argv((r), args_);                                              \
	} while (0)

/* A fresh directory under /tmp for one test's files; caller removes it. */
static inline char *temp_dir(void)
{
	static char dir[64];

	snprintf(dir, sizeof(dir), "/tmp/vigil-test-XXXXXX");
	return mkdtemp(dir);
}

/* A test's scratch directory, made with temp_dir into buf (cap bytes);
 * 0, or -1 when it could not be made. For cmocka setups. */
static inline int scratch_make(char *buf, size_t cap)
{
	char *d = temp_dir();

	if (!d)
		return -1;
	snprintf(buf, cap, "%s", d);
	return 0;
}

/* The end of a test with a scratch directory: the fixtures it left stopped
 * and the directory removed; 0, or -1. For cmocka teardowns. */
static inline int scratch_remove(const char *dir)
{
	char cmd[4200];

	fixtures_stop_all();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static inline void remove_session(const char *path)
{
	char p[4400]; /* test_leaks keeps sessions in 4352 bytes */

	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

/* `jq -er FILTER < path`: its first output line in buf, "" when jq failed. */
static inline const char *jq_path(const char *path, const char *filter, char *buf,
				  size_t cap)
{
	char cmd[6144];
	FILE *p;

	buf[0] = '\0';
	if (snprintf(cmd, sizeof(cmd), "jq -er '%s' < '%s' 2>/dev/null", filter, path) >=
	    (int)sizeof(cmd))
		return buf;
	p = popen(cmd, "r");
	if (p) {
		if (!fgets(buf, (int)cap, p))
			buf[0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		pclose(p);
	}
	return buf;
}

/*
 * Runs `jq -r FILTER` over text and returns the first output line in buf
 * ("" when jq failed): report --json is checked by the tool a script would use.
 */
static inline const char *jq(const char *text, const char *filter, char *buf, size_t cap)
{
	char path[] = "/tmp/vigil-jq-XXXXXX";
	int fd = mkstemp(path);

	buf[0] = '\0';
	if (fd < 0)
		return buf;
	if (write(fd, text, strlen(text)) < 0) {
		close(fd);
		unlink(path);
		return buf;
	}
	close(fd);
	jq_path(path, filter, buf, cap);
	unlink(path);
	return buf;
}

static inline double jq_num(const char *text, const char *filter)
{
	char buf[128];

	jq(text, filter, buf, sizeof(buf));
	return buf[0] ? atof(buf) : -1e300;
}

/* VmRSS of pid in bytes as the kernel reports it now; 0 if unreadable. */
static inline unsigned long long kernel_rss(pid_t pid)
{
	char path[64], line[256];
	unsigned long long kb = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

/* ---- a known amount of CPU inside a recording ---- */

/* utime + stime of pid in clock ticks as /proc/PID/stat says; -1 if unreadable. */
static inline long long kernel_cpu_ticks(pid_t pid)
{
	char path[64], buf[1024];
	unsigned long long ut, st;
	const char *p;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* after "(comm)": state, 5 ids, flags, 4 fault counters, utime, stime */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
			 &ut, &st) != 2)
		return -1;
	return (long long)(ut + st);
}

/* Busy clock ticks of all CPUs from /proc/stat, as vigil counts busy
 * (everything but idle and iowait); -1 if unreadable. */
static inline long long kernel_busy_ticks(void)
{
	unsigned long long v[8];
	FILE *f = fopen("/proc/stat", "r");
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
		   &v[3], &v[4], &v[5], &v[6], &v[7]);
	fclose(f);
	if (n != 8)
		return -1;
	/* user nice system idle iowait irq softirq steal */
	return (long long)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]);
}

/* Stops a fixture (our child) and returns once the kernel has it stopped. */
static inline void fixture_pause(pid_t pid)
{
	int status;

	kill(pid, SIGSTOP);
	while (waitpid(pid, &status, WUNTRACED) < 0 && errno == EINTR)
		;
}

static inline void fixture_resume(pid_t pid)
{
	int status;

	kill(pid, SIGCONT);
	while (waitpid(pid, &status, WCONTINUED) < 0 && errno == EINTR)
		;
}

/* Starts vigil with args (NULL-terminated) in the background, output dropped. */
static inline pid_t vigil_start(const char *const args[])
{
	pid_t pid = fork();

	if (pid == 0) {
		char *argv[64];
		int n = 0, devnull = open("/dev/null", O_WRONLY);

		argv[n++] = strdup(vigil_bin());
		for (int i = 0; args[i] && n < 63; i++)
			argv[n++] = strdup(args[i]);
		argv[n] = NULL;
		dup2(devnull, 1);
		dup2(devnull, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* The newest tick's time of a session (maybe still being written) and how
 * many ticks it has; 0 and 0 while it has none or cannot be read yet. */
static inline int64_t session_last_tick(const char *path, uint64_t *ticks)
{
	struct store *st;
	char err[256];
	int64_t first = 0, last = 0;
	uint64_t n = 0;

	if (ticks)
		*ticks = 0;
	if (store_open(path, &st, err, sizeof(err)) < 0)
		return 0;
	if (query_span(st, &first, &last, &n) < 0)
		n = 0;
	store_close(st);
	if (ticks)
		*ticks = n;
	return n ? last : 0;
}

/*
 * Records with `vigil ARGS` (a `record -o SESSION` without -d) while the
 * fixture, stopped before the first tick and again before the last, runs in
 * between until the kernel has charged it want_ticks of CPU. Whatever the
 * load on the machine, the CPU the fixture used inside the session is then
 * the kernel's utime+stime difference across the two stops: returned, in
 * clock ticks. -1 with why in err when vigil failed or a wait ran past its
 * bound. The fixture is left stopped.
 */
static inline long long record_known_cpu(pid_t fixture, const char *session,
					 const char *const args[], long long want_ticks,
					 char *err, size_t errlen)
{
	long long c0, c1, now = 0;
	uint64_t ticks = 0;
	struct timespec ts;
	int64_t stopped_ms;
	int status, i;
	pid_t v;

	fixture_pause(fixture);
	c0 = kernel_cpu_ticks(fixture);
	v = vigil_start(args);
	/* two ticks with the fixture stopped: the first one is the baseline */
	for (i = 0; i < 1200 && (session_last_tick(session, &ticks), ticks < 2); i++)
		sleep_ms(50);
	fixture_resume(fixture);
	for (int k = 0; ticks >= 2 && k < 6000; k++) {
		now = kernel_cpu_ticks(fixture);
		if (now < 0 || now >= c0 + want_ticks)
			break;
		sleep_ms(20);
	}
	fixture_pause(fixture);
	c1 = kernel_cpu_ticks(fixture);
	clock_gettime(CLOCK_REALTIME, &ts);
	stopped_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	/* a tick stamped after the stop read the stopped counters */
	for (i = 0;
	     ticks >= 2 && i < 1200 && session_last_tick(session, NULL) <= stopped_ms;
	     i++)
		sleep_ms(50);
	kill(v, SIGINT);
	waitpid(v, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(err, errlen, "vigil record ended with status %d", status);
		return -1;
	}
	if (ticks < 2 || c0 < 0 || c1 < c0 + want_ticks ||
	    session_last_tick(session, NULL) <= stopped_ms) {
		snprintf(err, errlen,
			 "no known CPU: %llu ticks before the run, %lld -> %lld of %lld",
			 (unsigned long long)ticks, c0, c1, want_ticks);
		return -1;
	}
	return c1 - c0;
}

#endif
