/* SPDX-License-Identifier: MIT */
/*
 * test_dev_rows: disks and interfaces written by hand into a session and
 * read back, every expected number worked out here: only devices that moved
 * get a row; totals leave out stacked disks and lo; rates divide by the
 * tick's own interval even when a device's previous row is older; a counter
 * that went backwards, a device that just appeared and a tick whose file
 * could not be read give "unknown", never a negative or wild value.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sql.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/frame.h"
#include "core/xalloc.h"
#include "store/dev_rows.h"
#include "store/frames.h"
#include "store/series.h"
#include "store/store.h"

#define T0 1700000000000LL
#define MIB 1048576.0

#define assert_dbl(a, b)                                                                 \
	do {                                                                             \
		double a_ = (a), b_ = (b);                                               \
		if (!(fabs(a_ - b_) <= 1e-9 * (fabs(b_) > 1 ? fabs(b_) : 1)))            \
			fail_msg("%s = %.17g, expected %.17g", #a, a_, b_);              \
	} while (0)

struct session {
	char path[64];
	struct store *s;
};

static void session_create(struct session *t)
{
	t->s = sql_session_new(t->path, sizeof(t->path), "devrows", T0, 100);
	assert_non_null(t->s);
}

static void session_remove(struct session *t)
{
	char p[80];

	store_close(t->s);
	unlink(t->path);
	snprintf(p, sizeof(p), "%s-wal", t->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", t->path);
	unlink(p);
}

/* One tick's devices: sda and dm-0 by read sectors, eth0 and lo by rx. */
struct tick {
	int64_t ms;
	bool have;		       /* diskstats and net/dev were read */
	uint64_t sda, sda_io, dm, sdb; /* sdb 0: not there */
	uint64_t eth0, lo;
};

static void add_disk(struct frame *f, const char *name, bool stacked, uint64_t sectors,
		     uint64_t io_ms)
{
	struct disk_stat *d;

	f->sys.disks = xrealloc(f->sys.disks, (f->sys.ndisks + 1) * sizeof(*d));
	d = &f->sys.disks[f->sys.ndisks++];
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->stacked = stacked;
	d->read_sectors = sectors;
	d->reads = sectors / 8;	      /* 4 KiB reads */
	d->read_ms = sectors / 8 * 2; /* 2 ms each */
	d->io_ms = io_ms;
}

static void add_net(struct frame *f, const char *name, uint64_t rx)
{
	struct net_stat *n;

	f->sys.nets = xrealloc(f->sys.nets, (f->sys.nnets + 1) * sizeof(*n));
	n = &f->sys.nets[f->sys.nnets++];
	memset(n, 0, sizeof(*n));
	snprintf(n->name, sizeof(n->name), "%s", name);
	n->loopback = !strcmp(name, "lo");
	n->rx_bytes = rx;
	n->rx_packets = rx / 100;
}

static void write_ticks(struct session *t, const struct tick *ticks, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct frame *f = frame_new();

		f->seq = i;
		f->t_ms = T0 + ticks[i].ms;
		if (ticks[i].have) {
			f->sys.have = SYS_HAVE_DISKSTATS | SYS_HAVE_NETDEV;
			add_disk(f, "sda", false, ticks[i].sda, ticks[i].sda_io);
			add_disk(f, "dm-0", true, ticks[i].dm, 0);
			if (ticks[i].sdb)
				add_disk(f, "sdb", false, ticks[i].sdb, 0);
			add_net(f, "lo", ticks[i].lo);
			add_net(f, "eth0", ticks[i].eth0);
		}
		if (store_write_frame(t->s, f) < 0)
			fail_msg("store_write_frame: %s", store_error(t->s));
		frame_unref(f);
	}
}

/* The value at tick time ms (one point per tick), or NAN when there is none. */
static double at(struct session *t, const char *metric, int64_t ms)
{
	struct series ser;
	double v = NAN;

	if (query_series(t->s, metric, T0, T0 + 10000, 10001, &ser) < 0)
		fail_msg("query_series %s: %s", metric, store_error(t->s));
	for (size_t i = 0; i < ser.n; i++)
		if (ser.points[i].t_ms == T0 + ms)
			v = ser.points[i].avg;
	series_release(&ser);
	return v;
}

/* 2048 sectors are 1 MiB. */
static const struct tick story[] = {
	{0, true, 0, 0, 0, 0, 0, 0},
	{1000, true, 2048, 500, 2048, 0, 0, 0},	      /* 1 MiB/s, 50% busy */
	{2000, true, 2048, 500, 2048, 0, 1000, 500},  /* disks idle: no rows */
	{4000, true, 6144, 2500, 2048, 0, 1000, 500}, /* 2 MiB in 2 s */
	{5000, true, 4096, 2600, 2048, 0, 1000, 500}, /* sda went backwards */
	{6000, true, 6144, 2700, 2048, 0, 1000, 500},
};

static void test_rows_only_when_moved(void **state)
{
	struct session t;

	(void)state;
	session_create(&t);
	write_ticks(&t, story, sizeof(story) / sizeof(story[0]));
	/* sda: every tick but the idle one; dm-0: its first and its move */
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM disk_samples"
					 " WHERE name = 'sda'"),
			 5);
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM disk_samples"
					 " WHERE name = 'dm-0'"),
			 2);
	assert_int_equal(sql_int(t.path, "SELECT sum(fresh) FROM disk_samples"), 2);
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM net_samples"), 4);
	session_remove(&t);
}

static void test_disk_totals(void **state)
{
	struct session t;

	(void)state;
	session_create(&t);
	write_ticks(&t, story, sizeof(story) / sizeof(story[0]));
	assert_true(isnan(at(&t, "disk.read_bytes", 0))); /* no tick before */
	assert_dbl(at(&t, "disk.read_bytes", 1000), MIB); /* dm-0 left out */
	assert_dbl(at(&t, "disk.read_bytes", 2000), 0);	  /* idle, no rows */
	/* 2 MiB over the 2 s since the tick before; sda's older row is from
	 * 1000, but it did not move until after 2000 */
	assert_dbl(at(&t, "disk.read_bytes", 4000), MIB);
	assert_true(isnan(at(&t, "disk.read_bytes", 5000))); /* backwards */
	assert_dbl(at(&t, "disk.read_bytes", 6000), MIB);
	assert_dbl(at(&t, "disk.reads", 1000), 256);
	assert_dbl(at(&t, "disk.util", 1000), 50);
	assert_dbl(at(&t, "disk.util", 2000), 0);
	assert_dbl(at(&t, "disk.util", 4000), 100); /* 2000 ms busy in 2000 ms */
	assert_dbl(at(&t, "disk.await", 1000), 2);
	assert_true(isnan(at(&t, "disk.await", 2000))); /* no I/O, no wait */
	session_remove(&t);
}

static void test_per_device(void **state)
{
	struct session t;

	(void)state;
	session_create(&t);
	write_ticks(&t, story, sizeof(story) / sizeof(story[0]));
	assert_dbl(at(&t, "disk.dm-0.read_bytes", 1000), MIB);
	assert_dbl(at(&t, "disk.dm-0.read_bytes", 4000), 0);
	assert_dbl(at(&t, "disk.sda.util", 1000), 50);
	assert_dbl(at(&t, "net.lo.rx_bytes", 2000), 500);
	assert_dbl(at(&t, "net.rx_bytes", 2000), 1000); /* lo left out */
	assert_dbl(at(&t, "net.rx_packets", 2000), 10);
	assert_dbl(at(&t, "net.eth0.rx_bytes", 4000), 0);
	/* a device nobody saw has no values, not zeros */
	assert_true(isnan(at(&t, "disk.sdz.read_bytes", 2000)));
	assert_string_equal(query_metric_unit("net.eth0.100.rx_bytes"), "bytes/s");
	assert_string_equal(query_metric_unit("disk.nvme0n1.await"), "ms");
	assert_null(query_metric_unit("disk..util"));
	assert_null(query_metric_unit("disk.sda.nonsense"));
	assert_null(query_metric_unit("disk.util.x"));
	session_remove(&t);
}

/* A tick whose files could not be read: it and the tick after have no
 * value (the writer forgot the devices); then rates resume. */
static void test_unreadable_tick(void **state)
{
	static const struct tick ticks[] = {
		{0, true, 0, 0, 0, 0, 0, 0},	   {1000, true, 2048, 0, 0, 0, 0, 0},
		{2000, false, 0, 0, 0, 0, 0, 0},   {3000, true, 6144, 0, 0, 0, 0, 0},
		{4000, true, 8192, 0, 0, 0, 0, 0},
	};
	struct session t;

	(void)state;
	session_create(&t);
	write_ticks(&t, ticks, sizeof(ticks) / sizeof(ticks[0]));
	assert_dbl(at(&t, "disk.read_bytes", 1000), MIB);
	assert_true(isnan(at(&t, "disk.read_bytes", 2000)));
	assert_true(isnan(at(&t, "disk.read_bytes", 3000)));
	assert_dbl(at(&t, "disk.read_bytes", 4000), MIB);
	session_remove(&t);
}

/* A disk that appears mid-session brings its boot-time counters: they are
 * not a rate, and do not make the total unknown either. */
static void test_device_appears(void **state)
{
	static const struct tick ticks[] = {
		{0, true, 0, 0, 0, 0, 0, 0},
		{1000, true, 2048, 0, 0, 999999, 0, 0},
		{2000, true, 4096, 0, 0, 999999 + 2048, 0, 0},
	};
	struct session t;
	struct dev_moved *m;
	size_t n;

	(void)state;
	session_create(&t);
	write_ticks(&t, ticks, sizeof(ticks) / sizeof(ticks[0]));
	assert_dbl(at(&t, "disk.read_bytes", 1000), MIB);
	assert_dbl(at(&t, "disk.read_bytes", 2000), 2 * MIB);
	assert_int_equal(query_dev_moved(t.s, DEV_DISK, T0, T0 + 2000, &m, &n), 0);
	assert_int_equal(n, 3); /* by name */
	assert_string_equal(m[0].name, "dm-0");
	assert_true(m[0].aside);
	assert_int_equal(m[0].moved[0], 0);
	assert_string_equal(m[1].name, "sda");
	assert_false(m[1].aside);
	assert_int_equal(m[1].moved[0], 2 * 1048576);
	assert_int_equal(m[1].moved[2], 512);
	assert_string_equal(m[2].name, "sdb");
	assert_int_equal(m[2].moved[0], 1048576);
	free(m);
	session_remove(&t);
}

/* What moved over the story: the backwards step adds nothing. */
static void test_moved(void **state)
{
	struct session t;
	struct dev_moved *m;
	size_t n;

	(void)state;
	session_create(&t);
	write_ticks(&t, story, sizeof(story) / sizeof(story[0]));
	assert_int_equal(query_dev_moved(t.s, DEV_DISK, T0, T0 + 6000, &m, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(m[1].name, "sda");
	/* 1 + 2 + (backwards: 0) + 1 MiB */
	assert_int_equal(m[1].moved[0], 4 * 1048576);
	free(m);
	assert_int_equal(query_dev_moved(t.s, DEV_NET, T0, T0 + 6000, &m, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(m[0].name, "eth0");
	assert_int_equal(m[0].moved[0], 1000);
	assert_string_equal(m[1].name, "lo");
	assert_true(m[1].aside);
	assert_int_equal(m[1].moved[0], 500);
	free(m);
	session_remove(&t);
}

/* Frames rebuilt for replay carry each device's latest counters, and the
 * console's totals from two of them match the store's series. */
static void test_frame_rebuilt(void **state)
{
	static const struct tick ticks[] = {
		{0, true, 0, 0, 0, 0, 0, 0},
		{1000, true, 2048, 500, 0, 0, 100, 0},
		{2000, true, 2048, 500, 0, 77, 300, 0}, /* sdb appears */
		{3000, true, 4096, 500, 0, 77, 300, 0},
	};
	struct session t;
	struct frame *f;

	(void)state;
	session_create(&t);
	write_ticks(&t, ticks, sizeof(ticks) / sizeof(ticks[0]));
	assert_int_equal(query_frame_at(t.s, T0, &f), 0);
	assert_int_equal(f->sys.ndisks, 0); /* every row of the first tick is new */
	frame_unref(f);
	assert_int_equal(query_frame_at(t.s, T0 + 2500, &f), 0);
	assert_int_equal(f->seq, 2);
	assert_int_equal(f->sys.ndisks, 2); /* dm-0, sda by name; sdb just came */
	assert_string_equal(f->sys.disks[0].name, "dm-0");
	assert_true(f->sys.disks[0].stacked);
	assert_string_equal(f->sys.disks[1].name, "sda");
	assert_int_equal(f->sys.disks[1].read_sectors, 2048); /* its row at 1000 */
	assert_int_equal(f->sys.disks[1].io_ms, 500);
	assert_int_equal(f->sys.disks[1].reads, 256);
	assert_int_equal(f->sys.nnets, 2);
	assert_string_equal(f->sys.nets[0].name, "eth0");
	assert_int_equal(f->sys.nets[0].rx_bytes, 300);
	assert_true(f->sys.nets[1].loopback);
	frame_unref(f);
	assert_int_equal(query_frame_at(t.s, T0 + 3000, &f), 0);
	assert_int_equal(f->sys.ndisks, 3);
	assert_string_equal(f->sys.disks[2].name, "sdb");
	assert_int_equal(f->sys.disks[1].read_sectors, 4096);
	frame_unref(f);
	session_remove(&t);
}

/* A file from before v6 has no devices: empty answers, never an error. */
static void test_older_file(void **state)
{
	struct session t;
	struct store *r;
	struct series ser;
	struct dev_moved *m;
	struct frame *f;
	char err[512];
	size_t n;

	(void)state;
	session_create(&t);
	write_ticks(&t, story, sizeof(story) / sizeof(story[0]));
	store_close(t.s);
	t.s = NULL;
	sql_exec(t.path, "DROP TABLE disk_samples; DROP TABLE net_samples;"
			 " PRAGMA user_version = 5");
	if (store_open(t.path, &r, err, sizeof(err)) < 0)
		fail_msg("store_open: %s", err);
	assert_false(store_has_devices(r));
	assert_int_equal(query_series(r, "disk.read_bytes", T0, T0 + 6000, 7, &ser), 0);
	assert_int_equal(ser.n, 0);
	assert_int_equal(query_series(r, "net.eth0.rx_bytes", T0, T0 + 6000, 7, &ser), 0);
	assert_int_equal(ser.n, 0);
	assert_int_equal(query_dev_moved(r, DEV_DISK, T0, T0 + 6000, &m, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(query_frame_at(r, T0 + 3000, &f), 0);
	assert_int_equal(f->sys.ndisks, 0);
	frame_unref(f);
	t.s = r;
	session_remove(&t);
}

static void test_fields_and_names(void **state)
{
	const char *const *f = query_dev_fields(DEV_DISK);
	char buf[32];

	(void)state;
	assert_string_equal(f[0], "read_bytes");
	assert_string_equal(f[4], "util");
	assert_null(f[6]);
	f = query_dev_fields(DEV_NET);
	assert_string_equal(f[1], "tx_bytes");
	assert_null(f[6]);
	assert_true(query_dev_metric_name(DEV_NET, "eth0", "rx_bytes", buf, sizeof(buf)));
	assert_string_equal(buf, "net.eth0.rx_bytes");
	assert_false(query_dev_metric_name(DEV_DISK, "a-very-long-device-name", "util",
					   buf, sizeof(buf)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_only_when_moved),
		cmocka_unit_test(test_disk_totals),
		cmocka_unit_test(test_per_device),
		cmocka_unit_test(test_unreadable_tick),
		cmocka_unit_test(test_device_appears),
		cmocka_unit_test(test_moved),
		cmocka_unit_test(test_frame_rebuilt),
		cmocka_unit_test(test_older_file),
		cmocka_unit_test(test_fields_and_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
