/* SPDX-License-Identifier: MIT */
/*
 * dev_rows: disks and network interfaces, both ways: the writer's rows for
 * the devices whose counters moved, the SQL that turns those sparse rows
 * into per-second series (store/series.c calls it), and the readers' list
 * of devices with what each moved.
 *
 * Why the series SQL looks as it does. A device has a row only at ticks
 * where it moved, so the value before a row is the device's latest earlier
 * row (an indexed seek on (name, tick)), and since nothing moved in the
 * ticks between, all of the movement happened after the tick just before
 * this one: a rate divides by that tick's interval, not by the time since
 * the older row. A tick where a device has no row adds 0 to the totals;
 * a tick whose diskstats or net/dev could not be read, and the tick after
 * it (the writer forgot every device then, so all its rows are fresh), have
 * no value at all, nor has the first tick after a gap (store/gaps.h). A
 * counter that went backwards makes its tick's total unknown rather than
 * wrong.
 */
#include "store/dev_rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/store-internal.h"

/* series.c's enum metric_kind, as far as devices use it */
#define KIND_RATE 1
#define KIND_RATIO 3
#define KIND_BUSY 4

/* ---- writing ---- */

static bool disk_same(const struct disk_stat *a, const struct disk_stat *b)
{
	return a->reads == b->reads && a->read_sectors == b->read_sectors &&
	       a->read_ms == b->read_ms && a->writes == b->writes &&
	       a->write_sectors == b->write_sectors && a->write_ms == b->write_ms &&
	       a->io_ms == b->io_ms;
}

static bool net_same(const struct net_stat *a, const struct net_stat *b)
{
	return a->rx_bytes == b->rx_bytes && a->rx_packets == b->rx_packets &&
	       a->rx_errs == b->rx_errs && a->rx_drop == b->rx_drop &&
	       a->tx_bytes == b->tx_bytes && a->tx_packets == b->tx_packets &&
	       a->tx_errs == b->tx_errs && a->tx_drop == b->tx_drop;
}

/* The device called name among n (of size bytes each, name first); the
 * same index as last time is tried first, devices rarely come and go. */
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

static int write_disk(struct store *s, uint64_t seq, const struct disk_stat *d,
		      bool fresh)
{
	sqlite3_stmt *st = store_stmt(s, STMT_DISK);
	int i = 1;

	store_bind_u64(st, i++, seq);
	store_bind_text(st, i++, d->name, sizeof(d->name));
	sqlite3_bind_int(st, i++, fresh);
	sqlite3_bind_int(st, i++, d->stacked);
	store_bind_u64(st, i++, d->reads);
	store_bind_u64(st, i++, d->read_sectors);
	store_bind_u64(st, i++, d->read_ms);
	store_bind_u64(st, i++, d->writes);
	store_bind_u64(st, i++, d->write_sectors);
	store_bind_u64(st, i++, d->write_ms);
	store_bind_u64(st, i++, d->io_ms);
	return store_exec_stmt(s, st, "cannot write a disk sample");
}

static int write_net(struct store *s, uint64_t seq, const struct net_stat *n, bool fresh)
{
	sqlite3_stmt *st = store_stmt(s, STMT_NET);
	int i = 1;

	store_bind_u64(st, i++, seq);
	store_bind_text(st, i++, n->name, sizeof(n->name));
	sqlite3_bind_int(st, i++, fresh);
	sqlite3_bind_int(st, i++, n->loopback);
	store_bind_u64(st, i++, n->rx_bytes);
	store_bind_u64(st, i++, n->rx_packets);
	store_bind_u64(st, i++, n->rx_errs);
	store_bind_u64(st, i++, n->rx_drop);
	store_bind_u64(st, i++, n->tx_bytes);
	store_bind_u64(st, i++, n->tx_packets);
	store_bind_u64(st, i++, n->tx_errs);
	store_bind_u64(st, i++, n->tx_drop);
	return store_exec_stmt(s, st, "cannot write an interface sample");
}

static void dev_seen_release(struct dev_seen *d)
{
	free(d->disks);
	free(d->nets);
	memset(d, 0, sizeof(*d));
}

static int write_disks(struct store *s, const struct frame *f)
{
	const struct sys_sample *y = &f->sys;
	const struct dev_seen *seen = &s->dev_seen;

	if (!(y->have & SYS_HAVE_DISKSTATS))
		return 0; /* forgotten: the next rows are fresh */
	for (size_t i = 0; i < y->ndisks; i++) {
		const struct disk_stat *old = find_named(
			seen->disks, seen->ndisks, sizeof(*old), i, y->disks[i].name);

		if ((!old || !disk_same(old, &y->disks[i])) &&
		    write_disk(s, f->seq, &y->disks[i], !old) < 0)
			return -1;
	}
	if (y->ndisks) {
		s->dev_next.disks = xmalloc(y->ndisks * sizeof(*y->disks));
		memcpy(s->dev_next.disks, y->disks, y->ndisks * sizeof(*y->disks));
		s->dev_next.ndisks = y->ndisks;
	}
	return 0;
}

static int write_nets(struct store *s, const struct frame *f)
{
	const struct sys_sample *y = &f->sys;
	const struct dev_seen *seen = &s->dev_seen;

	if (!(y->have & SYS_HAVE_NETDEV))
		return 0;
	for (size_t i = 0; i < y->nnets; i++) {
		const struct net_stat *old = find_named(seen->nets, seen->nnets,
							sizeof(*old), i, y->nets[i].name);

		if ((!old || !net_same(old, &y->nets[i])) &&
		    write_net(s, f->seq, &y->nets[i], !old) < 0)
			return -1;
	}
	if (y->nnets) {
		s->dev_next.nets = xmalloc(y->nnets * sizeof(*y->nets));
		memcpy(s->dev_next.nets, y->nets, y->nnets * sizeof(*y->nets));
		s->dev_next.nnets = y->nnets;
	}
	return 0;
}

int store_write_devices(struct store *s, const struct frame *f)
{
	dev_seen_release(&s->dev_next);
	return write_disks(s, f) < 0 || write_nets(s, f) < 0 ? -1 : 0;
}

void store_devices_commit(struct store *s)
{
	dev_seen_release(&s->dev_seen);
	s->dev_seen = s->dev_next;
	memset(&s->dev_next, 0, sizeof(s->dev_next));
}

void store_devices_discard(struct store *s)
{
	dev_seen_release(&s->dev_next);
}

void store_devices_release(struct store *s)
{
	dev_seen_release(&s->dev_seen);
	dev_seen_release(&s->dev_next);
}

/* ---- series ---- */

/* A device's value at one tick (KIND_RATE, KIND_BUSY: its rate; KIND_RATIO:
 * the movements da and dd), and the tick's value from their aggregates. */
static const char *tick_value_sql(int kind)
{
	switch (kind) {
	case KIND_BUSY:
		return "CASE WHEN COALESCE(g.nbad, 0) = 0 THEN COALESCE(g.mr, 0) END";
	case KIND_RATIO:
		return "CASE WHEN COALESCE(g.nbad, 0) = 0 AND g.sdd > 0"
		       " THEN g.sda * 1.0 / g.sdd END";
	default:
		return "CASE WHEN COALESCE(g.nbad, 0) = 0 THEN COALESCE(g.sr, 0) END";
	}
}

char *store_dev_series_sql(bool disk, int kind, const char *expr, const char *total,
			   bool per_device)
{
	const char *tab = disk ? "disk_samples" : "net_samples";
	const char *filter = per_device ? "x.name = :dev"
			     : disk	? "NOT x.stacked"
					: "NOT x.loopback";
	char *known = per_device ? xasprintf("EXISTS (SELECT 1 FROM %s x WHERE"
					     " x.name = :dev AND x.tick <= ok.seq)",
					     tab)
				 : xstrdup("1");
	char *pd =
		total ? xasprintf("(SELECT %s FROM %s x WHERE x.name = cur.name"
				  " AND x.tick < cur.tick ORDER BY x.tick DESC LIMIT 1)",
				  total, tab)
		      : xstrdup("NULL");
	char *sql = xasprintf(
		"WITH tk AS (SELECT t.seq AS seq, t.t_ms AS t_ms,"
		" (s.have & %u) != 0 AS h, LAG(t.t_ms) OVER w AS pt,"
		" LAG(t.seq) OVER w AS ps, LAG((s.have & %u) != 0) OVER w AS ph"
		" FROM ticks t JOIN sys_samples s ON s.tick = t.seq"
		" WHERE t.t_ms BETWEEN :t0 AND :t1 WINDOW w AS (ORDER BY t.seq)),"
		" ok AS (SELECT seq, t_ms, pt FROM tk WHERE h AND ph AND t_ms > pt"
		" AND %s),"
		" cur AS (SELECT ok.seq AS seq, ok.t_ms AS t_ms, ok.pt AS pt,"
		" x.name AS name, x.tick AS tick, x.fresh AS fresh, (%s) AS v, (%s) AS d"
		" FROM ok JOIN %s x ON x.tick = ok.seq WHERE %s),"
		" pr AS (SELECT cur.*, (SELECT %s FROM %s x WHERE x.name = cur.name"
		" AND x.tick < cur.tick ORDER BY x.tick DESC LIMIT 1) AS pv, %s AS pd"
		" FROM cur),"
		" dv AS (SELECT seq,"
		" NOT fresh AND pv IS NOT NULL AND (v < pv OR COALESCE(d < pd, 0)) AS "
		"bad,"
		" CASE WHEN NOT fresh AND v >= pv"
		" THEN (v - pv) * 1000.0 / (t_ms - pt) END AS r,"
		" CASE WHEN NOT fresh AND v >= pv AND d >= pd THEN v - pv END AS da,"
		" CASE WHEN NOT fresh AND v >= pv AND d >= pd THEN d - pd END AS dd"
		" FROM pr),"
		" g AS (SELECT seq, sum(bad) AS nbad, sum(r) AS sr, max(min(r, 100.0)) "
		"AS mr,"
		" sum(da) AS sda, sum(dd) AS sdd FROM dv GROUP BY seq),"
		" val AS (SELECT ok.t_ms AS t_ms, %s AS y,"
		" min(CAST((ok.t_ms - :t0) / :width AS INTEGER), :last) AS b"
		" FROM ok LEFT JOIN g ON g.seq = ok.seq WHERE %s)"
		" SELECT min(t_ms), min(y), avg(y), max(y), count(y)"
		" FROM val WHERE y IS NOT NULL GROUP BY b ORDER BY b",
		disk ? SYS_HAVE_DISKSTATS : SYS_HAVE_NETDEV,
		disk ? SYS_HAVE_DISKSTATS : SYS_HAVE_NETDEV,
		STORE_CONTINUES_SQL("seq", "t_ms", "ps", "pt"), expr,
		total ? total : "NULL", tab, filter, expr, tab, pd, tick_value_sql(kind),
		known);

	free(known);
	free(pd);
	return sql;
}

/* ---- a frame's devices, rebuilt ---- */

/*
 * Every device's latest row at or before tick ?1, found name by name (a
 * skip-scan of the (name, tick) key: a seek per device, however long the
 * session). A device whose latest row is a fresh one at ?1 itself is left
 * out: it appeared (or came back) at that tick, and the frame before knows
 * nothing to measure it against, as the frame the collector made did not.
 */
#define DEVICES_AT_SQL(cols, tab)                                                        \
	"WITH RECURSIVE n(name) AS (SELECT min(name) FROM " tab                          \
	" UNION ALL SELECT (SELECT min(name) FROM " tab " WHERE name > n.name)"          \
	" FROM n WHERE n.name IS NOT NULL)"                                              \
	" SELECT " cols " FROM " tab " WHERE (name, tick) IN"                            \
	" (SELECT n.name, (SELECT max(tick) FROM " tab " y"                              \
	" WHERE y.name = n.name AND y.tick <= ?1) FROM n WHERE n.name IS NOT NULL)"      \
	" AND NOT (fresh AND tick = ?1) ORDER BY name"

static void read_disk_row(sqlite3_stmt *st, void *row)
{
	struct disk_stat *d = row;
	int c = 1; /* DISK_COLUMNS: tick first */

	store_column_text(st, c++, d->name, sizeof(d->name));
	c++; /* fresh */
	d->stacked = sqlite3_column_int(st, c++) != 0;
	d->reads = store_column_u64(st, c++);
	d->read_sectors = store_column_u64(st, c++);
	d->read_ms = store_column_u64(st, c++);
	d->writes = store_column_u64(st, c++);
	d->write_sectors = store_column_u64(st, c++);
	d->write_ms = store_column_u64(st, c++);
	d->io_ms = store_column_u64(st, c++);
}

static void read_net_row(sqlite3_stmt *st, void *row)
{
	struct net_stat *n = row;
	int c = 1;

	store_column_text(st, c++, n->name, sizeof(n->name));
	c++;
	n->loopback = sqlite3_column_int(st, c++) != 0;
	n->rx_bytes = store_column_u64(st, c++);
	n->rx_packets = store_column_u64(st, c++);
	n->rx_errs = store_column_u64(st, c++);
	n->rx_drop = store_column_u64(st, c++);
	n->tx_bytes = store_column_u64(st, c++);
	n->tx_packets = store_column_u64(st, c++);
	n->tx_errs = store_column_u64(st, c++);
	n->tx_drop = store_column_u64(st, c++);
}

int store_read_devices(struct store *s, int64_t seq, struct sys_sample *y)
{
	sqlite3_stmt *st;

	if (!store_has(s, STORE_SINCE_DISKNET))
		return 0;
	if (y->have & SYS_HAVE_DISKSTATS) {
		if (store_prepare_cached(s, DEVICES_AT_SQL(DISK_COLUMNS, "disk_samples"),
					 &st) < 0)
			return -1;
		sqlite3_bind_int64(st, 1, seq);
		if (store_read_rows(s, st, (void **)&y->disks, &y->ndisks,
				    sizeof(*y->disks), read_disk_row) < 0)
			return -1;
	}
	if (y->have & SYS_HAVE_NETDEV) {
		if (store_prepare_cached(s, DEVICES_AT_SQL(NET_COLUMNS, "net_samples"),
					 &st) < 0)
			return -1;
		sqlite3_bind_int64(st, 1, seq);
		if (store_read_rows(s, st, (void **)&y->nets, &y->nnets, sizeof(*y->nets),
				    read_net_row) < 0)
			return -1;
	}
	return 0;
}

/* ---- devices of a window ---- */

static const char *const moved_exprs[2][4] = {
	[DEV_DISK] = {"x.read_sectors * 512", "x.write_sectors * 512", "x.reads",
		      "x.writes"},
	[DEV_NET] = {"x.rx_bytes", "x.tx_bytes", "x.rx_errs + x.tx_errs",
		     "x.rx_drop + x.tx_drop"},
};

static char *moved_sql(enum dev_class cls)
{
	const char *const *e = moved_exprs[cls];

	return xasprintf("SELECT name, max(aside),"
			 " sum(CASE WHEN NOT fresh AND m0 > 0 THEN m0 ELSE 0 END),"
			 " sum(CASE WHEN NOT fresh AND m1 > 0 THEN m1 ELSE 0 END),"
			 " sum(CASE WHEN NOT fresh AND m2 > 0 THEN m2 ELSE 0 END),"
			 " sum(CASE WHEN NOT fresh AND m3 > 0 THEN m3 ELSE 0 END)"
			 " FROM (SELECT x.name AS name, x.%s AS aside, x.fresh AS fresh,"
			 " (%s) - LAG(%s) OVER w AS m0, (%s) - LAG(%s) OVER w AS m1,"
			 " (%s) - LAG(%s) OVER w AS m2, (%s) - LAG(%s) OVER w AS m3"
			 " FROM %s x JOIN ticks t ON t.seq = x.tick"
			 " WHERE t.t_ms BETWEEN :t0 AND :t1"
			 " WINDOW w AS (PARTITION BY x.name ORDER BY x.tick))"
			 " GROUP BY name ORDER BY name",
			 cls == DEV_DISK ? "stacked" : "loopback", e[0], e[0], e[1], e[1],
			 e[2], e[2], e[3], e[3],
			 cls == DEV_DISK ? "disk_samples" : "net_samples");
}

static void read_moved(sqlite3_stmt *st, void *row)
{
	struct dev_moved *d = row;

	store_column_text(st, 0, d->name, sizeof(d->name));
	d->aside = sqlite3_column_int(st, 1) != 0;
	for (int i = 0; i < 4; i++) {
		/* bytes past 2^63 come back as a REAL; saturate, do not wrap */
		double v = sqlite3_column_double(st, 2 + i);

		d->moved[i] = v >= 18446744073709551615.0 ? UINT64_MAX
			      : v > 0			  ? (uint64_t)v
							  : 0;
	}
}

int query_dev_moved(struct store *s, enum dev_class cls, int64_t t0, int64_t t1,
		    struct dev_moved **out, size_t *n)
{
	sqlite3_stmt *st;
	char *sql;
	int rc;

	*out = NULL;
	*n = 0;
	if (!store_has(s, STORE_SINCE_DISKNET) || t1 < t0)
		return 0;
	sql = moved_sql(cls);
	rc = store_prepare(s, sql, &st);
	free(sql);
	if (rc < 0)
		return -1;
	store_bind_named_int64(st, ":t0", t0);
	store_bind_named_int64(st, ":t1", t1);
	return store_read_rows(s, st, (void **)out, n, sizeof(**out), read_moved);
}

bool store_has_devices(const struct store *s)
{
	return store_has(s, STORE_SINCE_DISKNET);
}

bool query_dev_metric_name(enum dev_class cls, const char *dev, const char *field,
			   char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "%s.%s.%s", cls == DEV_DISK ? "disk" : "net", dev,
			 field);

	return n > 0 && (size_t)n < cap;
}
