/* SPDX-License-Identifier: MIT */
/* io_view: one line of disk and network totals on the overview. */
#include "views/io_view.h"

#include <stdio.h>
#include <string.h>

#include "core/units.h"
#include "views/draw.h"

/* The two forms of the line; long is tried first. */
static void format_line(const struct io_rates *r, bool compact, char *buf, size_t len)
{
	const char *per = compact ? "" : "/s";
	char a[16], b[16], c[16], d[16], disk[96], net[64];

	if (r->disk_known && r->busiest[0])
		snprintf(disk, sizeof(disk), "Disk R %s%s W %s%s %s%s %.0f%%",
			 units_bytes_short(r->read_bps, a, sizeof(a)), per,
			 units_bytes_short(r->write_bps, b, sizeof(b)), per,
			 compact ? "" : "busiest ", r->busiest, r->util_pct);
	else if (r->disk_known)
		snprintf(disk, sizeof(disk), "Disk R %s%s W %s%s",
			 units_bytes_short(r->read_bps, a, sizeof(a)), per,
			 units_bytes_short(r->write_bps, b, sizeof(b)), per);
	else
		snprintf(disk, sizeof(disk), "Disk -");
	if (r->net_known)
		snprintf(net, sizeof(net), "Net Rx %s%s Tx %s%s",
			 units_bytes_short(r->rx_bps, c, sizeof(c)), per,
			 units_bytes_short(r->tx_bps, d, sizeof(d)), per);
	else
		snprintf(net, sizeof(net), "Net -");
	snprintf(buf, len, "%s%s%s", disk, compact ? "  " : "   ", net);
}

void io_view_text(const struct io_rates *r, int cols, char *buf, size_t len)
{
	format_line(r, false, buf, len);
	if (strlen(buf) > (size_t)(cols > 0 ? cols : 0))
		format_line(r, true, buf, len);
}

void io_view_draw(WINDOW *w, int y, int cols, const struct frame *prev,
		  const struct frame *cur)
{
	struct io_rates r;
	char line[192];

	io_rates_between(prev ? &prev->sys : NULL, cur ? &cur->sys : NULL,
			 prev && cur ? cur->t_ms - prev->t_ms : 0, &r);
	io_view_text(&r, cols, line, sizeof(line));
	wattrset(w, pal(PAL_NORMAL));
	put_words(w, y, 0, cols, line, true);
}
