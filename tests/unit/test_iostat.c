/* SPDX-License-Identifier: MIT */
/*
 * test_iostat: the diskstats and net/dev parsers on the fixture trees'
 * files (through the system collector, every kept field checked), on
 * kernels' older layouts, and on hostile text fed straight to the parsers:
 * cut lines, words for numbers, numbers past 64 bits, names too long.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "collectors/iostat.h"
#include "collectors/sysstat.h"
#include "core/xalloc.h"

static void collect_fixture(const char *tree, struct sys_sample *s)
{
	const char *src = getenv("VIGIL_SRCDIR");
	char *root = xasprintf("%s/tests/fixtures/proc-sys/%s", src ? src : ".", tree);
	struct sys_collector *c = sys_collector_new(root);

	sys_collector_read(c, s);
	sys_collector_free(c);
	free(root);
}

static void assert_disk(const struct disk_stat *d, const char *name, bool stacked,
			uint64_t reads, uint64_t rsect, uint64_t rms, uint64_t writes,
			uint64_t wsect, uint64_t wms, uint64_t io_ms)
{
	assert_string_equal(d->name, name);
	assert_int_equal(d->stacked, stacked);
	assert_int_equal(d->reads, reads);
	assert_int_equal(d->read_sectors, rsect);
	assert_int_equal(d->read_ms, rms);
	assert_int_equal(d->writes, writes);
	assert_int_equal(d->write_sectors, wsect);
	assert_int_equal(d->write_ms, wms);
	assert_int_equal(d->io_ms, io_ms);
}

/* Whole devices that did I/O, in file order; partitions and idle ones out. */
static void test_fixture_disks(void **state)
{
	struct sys_sample s;

	(void)state;
	collect_fixture("normal", &s);
	assert_true(s.have & SYS_HAVE_DISKSTATS);
	assert_int_equal(s.ndisks, 6);
	assert_disk(&s.disks[0], "loop1", true, 58, 2196, 12, 0, 0, 0, 40);
	assert_disk(&s.disks[1], "sda", false, 184255, 11360254, 96170, 5123011,
		    207584376, 4480183, 1732080);
	assert_disk(&s.disks[2], "nvme0n1", false, (uint64_t)INT64_MAX, 8000000, 4000,
		    1000, 16000, 900, 5000);
	assert_disk(&s.disks[3], "dm-0", true, 230000, 11000000, 120000, 8340000,
		    207580000, 9000000, 1730000);
	assert_disk(&s.disks[4], "md0", true, 10, 80, 0, 0, 0, 0, 0);
	/* 11 counters: a kernel before 4.18 */
	assert_disk(&s.disks[5], "mmcblk0", false, 77, 616, 50, 0, 0, 0, 60);
	sys_sample_release(&s);
}

static void test_fixture_nets(void **state)
{
	struct sys_sample s;

	(void)state;
	collect_fixture("normal", &s);
	assert_true(s.have & SYS_HAVE_NETDEV);
	assert_int_equal(s.nnets, 3); /* ifb0 never moved a packet */
	assert_string_equal(s.nets[0].name, "lo");
	assert_true(s.nets[0].loopback);
	assert_int_equal(s.nets[0].rx_bytes, 11926956);
	assert_int_equal(s.nets[0].tx_packets, 36111);
	assert_string_equal(s.nets[1].name, "eth0");
	assert_false(s.nets[1].loopback);
	assert_int_equal(s.nets[1].rx_bytes, 18829551);
	assert_int_equal(s.nets[1].rx_packets, 577);
	assert_int_equal(s.nets[1].rx_errs, 3);
	assert_int_equal(s.nets[1].rx_drop, 4);
	assert_int_equal(s.nets[1].tx_bytes, 29201);
	assert_int_equal(s.nets[1].tx_packets, 358);
	assert_int_equal(s.nets[1].tx_errs, 5);
	assert_int_equal(s.nets[1].tx_drop, 6);
	/* a VLAN's dotted name; no blank after the colon (old kernels) */
	assert_string_equal(s.nets[2].name, "eth1.100");
	assert_int_equal(s.nets[2].rx_bytes, (uint64_t)INT64_MAX);
	assert_int_equal(s.nets[2].tx_bytes, 7);
	sys_sample_release(&s);
}

/* A 2.6 kernel: 4-counter partition lines, 11-counter disks. */
static void test_fixture_old_kernel(void **state)
{
	struct sys_sample s;

	(void)state;
	collect_fixture("old-format", &s);
	assert_int_equal(s.ndisks, 1);
	assert_disk(&s.disks[0], "hda", false, 446216, 9550688, 4382310, 424847, 5922052,
		    19310380, 3376340);
	assert_int_equal(s.nnets, 2);
	assert_int_equal(s.nets[1].rx_bytes, 4294967295u);
	sys_sample_release(&s);
}

static void test_fixture_hostile(void **state)
{
	struct sys_sample s;

	(void)state;
	collect_fixture("hostile", &s);
	assert_false(s.have & (SYS_HAVE_DISKSTATS | SYS_HAVE_NETDEV));
	assert_non_null(strstr(s.why, "diskstats: unparsable"));
	assert_non_null(strstr(s.why, "net/dev: unparsable"));
	assert_null(s.disks);
	assert_null(s.nets);
	sys_sample_release(&s);
}

/* A tree without the files is a kernel without them: nothing to note. */
static void test_missing_files(void **state)
{
	struct sys_collector *c = sys_collector_new("/nonexistent/vigil-proc");
	struct sys_sample s;

	(void)state;
	sys_collector_read(c, &s);
	sys_collector_free(c);
	assert_false(s.have & (SYS_HAVE_DISKSTATS | SYS_HAVE_NETDEV));
	assert_null(strstr(s.why, "diskstats"));
	assert_null(strstr(s.why, "net/dev"));
	sys_sample_release(&s);
}

static void test_partition_rule(void **state)
{
	(void)state;
	assert_true(iostat_is_partition_of("sda1", "sda"));
	assert_true(iostat_is_partition_of("sda15", "sda"));
	assert_true(iostat_is_partition_of("nvme0n1p3", "nvme0n1"));
	assert_true(iostat_is_partition_of("mmcblk0p1", "mmcblk0"));
	assert_true(iostat_is_partition_of("md127p1", "md127"));
	assert_false(iostat_is_partition_of("sdb", "sda"));
	assert_false(iostat_is_partition_of("sdaa", "sda"));
	assert_false(iostat_is_partition_of("sda", "sda"));
	assert_false(iostat_is_partition_of("dm-10", "dm-1")); /* a digit needs "p" */
	assert_false(iostat_is_partition_of("nvme0n10", "nvme0n1"));
	assert_false(iostat_is_partition_of("nvme0n1p", "nvme0n1"));
	assert_false(iostat_is_partition_of("sda1x", "sda"));
	assert_false(iostat_is_partition_of("sda", ""));
}

static const char *const bad_diskstats[] = {
	"8 0 sda 1 2 3 4 5 6 7 8 9 10\n",			/* 10 counters: cut */
	"8 0 sda 1 2 3 4 5 6 7 8 9 10 x1\n",			/* a word */
	"8 0 sda 1 2 3 4 5 6 7 8 9 10 -11\n",			/* negative */
	"8 0 sda 18446744073709551616 2 3 4 5 6 7 8 9 10 11\n", /* past 2^64 */
	"8 0 sda 9223372036854775808 2 3 4 5 6 7 8 9 10 11\n",	/* past 2^63 */
	"8 0\n",						/* no name */
	"x 0 sda 1 2 3 4 5 6 7 8 9 10 11\n",			/* no major */
	"8 0 sda\n", /* nothing after the name */
	"8 0 abcdefghijklmnopqrstuvwxyz0123456 1 2 3 4 5 6 7 8 9 10 11\n", /* long */
	"8 0 sda 1 2 3 4 5 6 7 8 9 10 11\n\n", /* an empty line */
	"8 0 sda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 "
	"26 27 28 29 30 31 32 33\n", /* more columns than any kernel */
};

static void test_hostile_diskstats(void **state)
{
	struct disk_stat *d = (struct disk_stat *)&d;
	size_t n = 99;

	(void)state;
	for (size_t i = 0; i < sizeof(bad_diskstats) / sizeof(bad_diskstats[0]); i++) {
		assert_int_equal(iostat_parse_diskstats(bad_diskstats[i], &d, &n), -1);
		assert_int_equal(n, 99); /* untouched */
	}
	/* empty text: no devices, which is fine */
	assert_int_equal(iostat_parse_diskstats("", &d, &n), 0);
	assert_int_equal(n, 0);
	assert_null(d);
	/* the biggest number the store keeps, and a line without its newline */
	assert_int_equal(iostat_parse_diskstats("8 16 sdb 9223372036854775807 2 3 4 5 6 "
						"7 8 9 10 11",
						&d, &n),
			 0);
	assert_int_equal(n, 1);
	assert_int_equal(d[0].reads, (uint64_t)INT64_MAX);
	/* the device number, which cgroups' io.stat names it by */
	assert_true(d[0].major == 8 && d[0].minor == 16);
	free(d);
}

static const char *const bad_netdev[] = {
	"",							 /* no header */
	"Inter-|\n",						 /* one header line */
	"Inter-\n face\n lo: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n", /* no bars */
	"a|\nb|\n lo 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n",	 /* no colon */
	"a|\nb|\n lo: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0\n",		 /* 15 counters */
	"a|\nb|\n lo: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0 0\n",	 /* 17 counters */
	"a|\nb|\n lo: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 x\n",	 /* a word */
	"a|\nb|\n : 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n",		 /* no name */
	"a|\nb|\n a b: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n",	 /* blank in name */
	"a|\nb|\n abcdefghijklmnopqrstuvwxyz0123456: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n",
	"a|\nb|\n lo: 1 1 0 0 0 0 0 0 1 99999999999999999999 0 0 0 0 0 0\n",
	"a|\nb|\n lo: 1 1 0 0 0 0 0 0 1\n 0 0 0 0 0 0 0\n", /* split line */
};

static void test_hostile_netdev(void **state)
{
	struct net_stat *v = (struct net_stat *)&v;
	size_t n = 99;

	(void)state;
	for (size_t i = 0; i < sizeof(bad_netdev) / sizeof(bad_netdev[0]); i++) {
		assert_int_equal(iostat_parse_netdev(bad_netdev[i], &v, &n), -1);
		assert_int_equal(n, 99);
	}
	/* only headers: no interfaces (a network namespace without any) */
	assert_int_equal(iostat_parse_netdev("a|\nb|\n", &v, &n), 0);
	assert_int_equal(n, 0);
	assert_null(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_disks),
		cmocka_unit_test(test_fixture_nets),
		cmocka_unit_test(test_fixture_old_kernel),
		cmocka_unit_test(test_fixture_hostile),
		cmocka_unit_test(test_missing_files),
		cmocka_unit_test(test_partition_rule),
		cmocka_unit_test(test_hostile_diskstats),
		cmocka_unit_test(test_hostile_netdev),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
