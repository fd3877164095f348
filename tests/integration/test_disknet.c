/* SPDX-License-Identifier: MIT */
/*
 * test_disknet: `vigil record` while this test moves a known number of
 * bytes over loopback TCP and writes (and fsyncs) a known number of bytes
 * to a file, checked against the kernel's own counters read before vigil
 * started and after it stopped:
 *
 *   bytes this test moved  <=  what vigil recorded  <=  the kernel's delta
 *
 * The I/O starts only once the session has ticks and vigil is stopped only
 * once two more ticks followed it, so the recording covers it however fast
 * or slow the machine is; the upper bound is the kernel's count over a wider
 * window, so other traffic on the machine cannot make the test fail. The
 * disk half is skipped when the temporary directory is not on a block
 * device (tmpfs), where no disk sees the bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"

#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/vfs.h>

#include "store/dev_rows.h"
#include "store/frames.h"
#include "store/series.h"
#include "store/store.h"

#define NET_BYTES (8u << 20)
#define DISK_BYTES (64u << 20)
#define TMPFS_MAGIC_ 0x01021994
#define RAMFS_MAGIC_ 0x858458f6

static char dir[256], session[512];

static int setup(void **state)
{
	char *d = temp_dir();

	(void)state;
	if (!d)
		return -1;
	snprintf(dir, sizeof(dir), "%s", d);
	snprintf(session, sizeof(session), "%s/s.vigil", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	remove_session(session);
	rmdir(dir);
	return 0;
}

/* lo's bytes sent, from /proc/net/dev; 0 when it has none. */
static unsigned long long kernel_lo_tx(void)
{
	FILE *f = fopen("/proc/net/dev", "r");
	char line[512];
	unsigned long long v[16], tx = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!colon || strncmp(line + strspn(line, " "), "lo:", 3))
			continue;
		if (sscanf(colon + 1,
			   "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu "
			   "%llu %llu %llu %llu",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8],
			   &v[9], &v[10], &v[11], &v[12], &v[13], &v[14], &v[15]) == 16)
			tx = v[8];
	}
	fclose(f);
	return tx;
}

/* Every block device's sectors written, from /proc/diskstats. */
struct written {
	char name[64];
	unsigned long long sectors;
};

static size_t kernel_written(struct written *w, size_t cap)
{
	FILE *f = fopen("/proc/diskstats", "r");
	char line[512];
	unsigned long long v[7];
	unsigned major, minor;
	size_t n = 0;

	assert_non_null(f);
	while (n < cap && fgets(line, sizeof(line), f))
		if (sscanf(line, "%u %u %63s %llu %llu %llu %llu %llu %llu %llu", &major,
			   &minor, w[n].name, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
			   &v[6]) == 10) {
			w[n].sectors = v[6];
			n++;
		}
	fclose(f);
	return n;
}

static unsigned long long written_of(const struct written *w, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(w[i].name, name))
			return w[i].sectors;
	return 0;
}

/* Ticks in the session so far (0 before the file has any). */
static uint64_t session_ticks(void)
{
	struct store *st;
	int64_t first, last;
	uint64_t ticks = 0;
	char err[512];

	if (store_open(session, &st, err, sizeof(err)) < 0)
		return 0;
	if (query_span(st, &first, &last, &ticks) < 0)
		ticks = 0;
	store_close(st);
	return ticks;
}

/* Waits (a minute at most: a hang guard, not a timing bound) for n ticks. */
static void wait_ticks(uint64_t n)
{
	for (int i = 0; i < 6000 && session_ticks() < n; i++)
		sleep_ms(10);
	assert_true(session_ticks() >= n);
}

/* Sends NET_BYTES from a child over loopback TCP and reads them all here. */
static void loopback_transfer(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t alen = sizeof(a);
	int ls = socket(AF_INET, SOCK_STREAM, 0), c;
	static char buf[65536];
	size_t got = 0;
	ssize_t n;
	pid_t pid;
	int status;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(ls >= 0);
	assert_int_equal(bind(ls, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(ls, 1), 0);
	assert_int_equal(getsockname(ls, (struct sockaddr *)&a, &alen), 0);
	pid = fork();
	if (pid == 0) {
		int s = socket(AF_INET, SOCK_STREAM, 0);
		size_t sent = 0;

		if (connect(s, (struct sockaddr *)&a, sizeof(a)) < 0)
			_exit(1);
		memset(buf, 'x', sizeof(buf));
		while (sent < NET_BYTES) {
			size_t want = NET_BYTES - sent < sizeof(buf) ? NET_BYTES - sent
								     : sizeof(buf);
			ssize_t w = write(s, buf, want);

			if (w <= 0)
				_exit(1);
			sent += (size_t)w;
		}
		close(s);
		_exit(0);
	}
	c = accept(ls, NULL, NULL);
	assert_true(c >= 0);
	while ((n = read(c, buf, sizeof(buf))) > 0)
		got += (size_t)n;
	close(c);
	close(ls);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(got, NET_BYTES);
}

/* Writes DISK_BYTES of data no filesystem can compress, fsyncs, removes. */
static void disk_write(const char *path)
{
	static uint64_t block[8192];
	uint64_t x = 0x9e3779b97f4a7c15ull;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);

	assert_true(fd >= 0);
	for (size_t done = 0; done < DISK_BYTES; done += sizeof(block)) {
		for (size_t i = 0; i < sizeof(block) / sizeof(block[0]); i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			block[i] = x;
		}
		assert_int_equal(write(fd, block, sizeof(block)), (ssize_t)sizeof(block));
	}
	assert_int_equal(fsync(fd), 0);
	close(fd);
	unlink(path);
}

static pid_t start_recording(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		dup2(devnull, 1);
		dup2(devnull, 2);
		execl(vigil_bin(), "vigil", "record", "-i", "200ms", "-o", session,
		      (char *)NULL);
		_exit(127);
	}
	assert_true(pid > 0);
	return pid;
}

static void stop_recording(pid_t pid)
{
	int status;

	kill(pid, SIGINT);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* The sum over ticks of rate x interval must give back what moved. */
static double integrate(struct store *st, const char *metric)
{
	int64_t first, last, *times;
	uint64_t ticks;
	size_t n;
	struct series ser;
	double sum = 0;

	assert_int_equal(query_span(st, &first, &last, &ticks), 0);
	times = calloc(ticks, sizeof(*times));
	assert_int_equal(query_tick_times(st, first, last, times, ticks, &n), 0);
	assert_int_equal(
		query_series(st, metric, first, last, (size_t)(last - first) + 1, &ser),
		0);
	for (size_t i = 0, k = 0; i < ser.n; i++) {
		while (k < n && times[k] < ser.points[i].t_ms)
			k++;
		assert_true(k > 0 && k < n && times[k] == ser.points[i].t_ms);
		sum += ser.points[i].avg * (double)(times[k] - times[k - 1]) / 1000.0;
	}
	series_release(&ser);
	free(times);
	return sum;
}

static unsigned long long lo_recorded(struct store *st)
{
	struct dev_moved *devs;
	unsigned long long tx = 0;
	size_t n;

	assert_int_equal(query_dev_moved(st, DEV_NET, 0, INT64_MAX, &devs, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(devs[i].name, "lo")) {
			assert_true(devs[i].aside); /* lo is left out of the totals */
			tx = devs[i].moved[1];
		}
	free(devs);
	return tx;
}

/* Bytes written on the whole disks vigil recorded, and the kernel's count
 * for the same disks between before and after. */
static void disk_recorded(struct store *st, const struct written *before, size_t nb,
			  const struct written *after, size_t na,
			  unsigned long long *recorded, unsigned long long *kernel)
{
	struct dev_moved *devs;
	size_t n;

	*recorded = *kernel = 0;
	assert_int_equal(query_dev_moved(st, DEV_DISK, 0, INT64_MAX, &devs, &n), 0);
	for (size_t i = 0; i < n; i++) {
		if (devs[i].aside)
			continue;
		*recorded += devs[i].moved[1];
		*kernel += (written_of(after, na, devs[i].name) -
			    written_of(before, nb, devs[i].name)) *
			   512;
	}
	free(devs);
}

static void test_recorded_within_kernel_counts(void **state)
{
	static struct written before[256], after[256];
	struct statfs fs;
	struct store *st;
	struct run_result r;
	char err[512], file[512];
	unsigned long long lo0, lo1, lo_rec, disk_rec, disk_kernel;
	size_t nb, na;
	bool on_disk;
	uint64_t t;
	pid_t pid;

	(void)state;
	assert_int_equal(statfs(dir, &fs), 0);
	on_disk = fs.f_type != TMPFS_MAGIC_ && fs.f_type != RAMFS_MAGIC_;
	lo0 = kernel_lo_tx();
	nb = kernel_written(before, 256);
	pid = start_recording();
	wait_ticks(2);
	loopback_transfer();
	snprintf(file, sizeof(file), "%s/written", dir);
	disk_write(file);
	t = session_ticks();
	wait_ticks(t + 2);
	stop_recording(pid);
	lo1 = kernel_lo_tx();
	na = kernel_written(after, 256);

	assert_int_equal(store_open(session, &st, err, sizeof(err)), 0);
	lo_rec = lo_recorded(st);
	assert_true(lo_rec >= NET_BYTES);
	assert_true(lo_rec <= lo1 - lo0);
	/* rates times intervals give the bytes back (export's numbers) */
	assert_true(fabs(integrate(st, "net.lo.tx_bytes") - (double)lo_rec) <=
		    1e-6 * (double)lo_rec + 1);
	disk_recorded(st, before, nb, after, na, &disk_rec, &disk_kernel);
	store_close(st);

	run_vigil(&r, "report", session, "--json");
	assert_int_equal(r.status, 0);
	assert_true(jq_num(r.out, "[.network.interfaces[] | select(.name == \"lo\")]"
				  " | .[0].tx_bytes") == (double)lo_rec);
	assert_true(jq_num(r.out, "[.disk.devices[] | select(.stacked | not)"
				  " | .write_bytes] | add // 0") == (double)disk_rec);
	assert_true(disk_rec <= disk_kernel);
	if (!on_disk)
		skip(); /* tmpfs: no disk ever sees the bytes */
	assert_true(disk_rec >= DISK_BYTES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_recorded_within_kernel_counts, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
