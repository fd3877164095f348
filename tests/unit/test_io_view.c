/* SPDX-License-Identifier: MIT */
/*
 * test_io_view: the overview's I/O line as text: the long form when it
 * fits, the compact one when it does not, "-" for what is unknown, and the
 * figures core/iorates derives from two frames.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/iorates.h"
#include "views/io_view.h"

static void test_forms(void **state)
{
	struct io_rates r = {.disk_known = true,
			     .read_bps = 1536,
			     .write_bps = 3.0 * 1048576,
			     .util_pct = 42.4,
			     .busiest = "nvme0n1",
			     .net_known = true,
			     .rx_bps = 512,
			     .tx_bps = 2048};
	char buf[192];

	(void)state;
	io_view_text(&r, 120, buf, sizeof(buf));
	assert_string_equal(buf, "Disk R 1.5K/s W 3.0M/s busiest nvme0n1 42%   "
				 "Net Rx 512/s Tx 2.0K/s");
	io_view_text(&r, 60, buf, sizeof(buf));
	assert_string_equal(buf, "Disk R 1.5K W 3.0M nvme0n1 42%  Net Rx 512 Tx 2.0K");
	r.disk_known = false;
	r.net_known = false;
	io_view_text(&r, 120, buf, sizeof(buf));
	assert_string_equal(buf, "Disk -   Net -");
}

/* Two frames a second apart, through the same function the view draws. */
static void test_from_frames(void **state)
{
	struct disk_stat d0 = {.name = "sda", .write_sectors = 0, .io_ms = 0};
	struct disk_stat d1 = {.name = "sda", .write_sectors = 2048, .io_ms = 250};
	struct net_stat n0 = {.name = "eth0"}, n1 = {.name = "eth0", .tx_bytes = 4096};
	struct sys_sample a = {.have = SYS_HAVE_DISKSTATS | SYS_HAVE_NETDEV};
	struct sys_sample b = a;
	struct io_rates r;
	char buf[192];

	(void)state;
	a.disks = &d0, a.ndisks = 1, a.nets = &n0, a.nnets = 1;
	b.disks = &d1, b.ndisks = 1, b.nets = &n1, b.nnets = 1;
	io_rates_between(&a, &b, 1000, &r);
	io_view_text(&r, 120, buf, sizeof(buf));
	assert_string_equal(buf, "Disk R 0/s W 1.0M/s busiest sda 25%   "
				 "Net Rx 0/s Tx 4.0K/s");
	io_rates_between(NULL, &b, 0, &r); /* the first frame */
	io_view_text(&r, 120, buf, sizeof(buf));
	assert_string_equal(buf, "Disk -   Net -");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_from_frames),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
