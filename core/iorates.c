/* SPDX-License-Identifier: MIT */
/* iorates: disk and network totals per second between two samples. */
#include "core/iorates.h"

#include <string.h>

/* The device called name in v (n of them, size bytes each, name first),
 * trying index hint first: devices rarely come and go. */
static const void *find_named(const void *v, size_t n, size_t size, size_t hint,
			      const char *name)
{
	const char *base = v;

	if (hint < n && !strcmp(base + hint * size, name))
		return base + hint * size;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(base + i * size, name))
			return base + i * size;
	return NULL;
}

static bool disk_backwards(const struct disk_stat *a, const struct disk_stat *b)
{
	return b->reads < a->reads || b->read_sectors < a->read_sectors ||
	       b->read_ms < a->read_ms || b->writes < a->writes ||
	       b->write_sectors < a->write_sectors || b->write_ms < a->write_ms ||
	       b->io_ms < a->io_ms;
}

static void disk_rates(const struct sys_sample *prev, const struct sys_sample *cur,
		       double dt_s, struct io_rates *out)
{
	double rd = 0, wr = 0, busiest = 0;

	for (size_t i = 0; i < cur->ndisks; i++) {
		const struct disk_stat *b = &cur->disks[i];
		const struct disk_stat *a =
			find_named(prev->disks, prev->ndisks, sizeof(*a), i, b->name);
		double util;

		if (!a || b->stacked)
			continue;
		if (disk_backwards(a, b))
			return;
		rd += (double)(b->read_sectors - a->read_sectors) * 512;
		wr += (double)(b->write_sectors - a->write_sectors) * 512;
		util = (double)(b->io_ms - a->io_ms) / 10.0 / dt_s;
		if (util > 100)
			util = 100;
		if (util > busiest || !out->busiest[0]) {
			busiest = util;
			memcpy(out->busiest, b->name, sizeof(out->busiest));
		}
	}
	out->read_bps = rd / dt_s;
	out->write_bps = wr / dt_s;
	out->util_pct = busiest;
	out->disk_known = true;
}

static void net_rates(const struct sys_sample *prev, const struct sys_sample *cur,
		      double dt_s, struct io_rates *out)
{
	double rx = 0, tx = 0;

	for (size_t i = 0; i < cur->nnets; i++) {
		const struct net_stat *b = &cur->nets[i];
		const struct net_stat *a =
			find_named(prev->nets, prev->nnets, sizeof(*a), i, b->name);

		if (!a || b->loopback)
			continue;
		if (b->rx_bytes < a->rx_bytes || b->tx_bytes < a->tx_bytes)
			return;
		rx += (double)(b->rx_bytes - a->rx_bytes);
		tx += (double)(b->tx_bytes - a->tx_bytes);
	}
	out->rx_bps = rx / dt_s;
	out->tx_bps = tx / dt_s;
	out->net_known = true;
}

void io_rates_between(const struct sys_sample *prev, const struct sys_sample *cur,
		      int64_t dt_ms, struct io_rates *out)
{
	double dt_s = (double)dt_ms / 1000.0;

	memset(out, 0, sizeof(*out));
	if (!prev || !cur || dt_ms <= 0)
		return;
	if ((prev->have & cur->have & SYS_HAVE_DISKSTATS))
		disk_rates(prev, cur, dt_s, out);
	if (!out->disk_known)
		out->busiest[0] = '\0';
	if ((prev->have & cur->have & SYS_HAVE_NETDEV))
		net_rates(prev, cur, dt_s, out);
}
