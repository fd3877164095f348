/* SPDX-License-Identifier: MIT */
/* units: human-readable sizes, CPU times and spans. */
#include "core/units.h"

#include <stdio.h>

static const char *const prefixes = "BKMGTPE";

const char *units_bytes(double bytes, char *buf, size_t len)
{
	static const char *const names[] = {"B",   "KiB", "MiB", "GiB",
					    "TiB", "PiB", "EiB"};
	int u = 0;

	while (bytes >= 1024 && u < 6) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, len, u ? "%.1f %s" : "%.0f %s", bytes, names[u]);
	return buf;
}

const char *units_bytes_short(double bytes, char *buf, size_t len)
{
	int u = 0;

	while (bytes >= 1024 && u < 6) {
		bytes /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%.0f", bytes);
	else if (bytes < 10)
		snprintf(buf, len, "%.1f%c", bytes, prefixes[u]);
	else
		snprintf(buf, len, "%.0f%c", bytes, prefixes[u]);
	return buf;
}

const char *units_cpu_time(uint64_t ticks, long clk_tck, char *buf, size_t len)
{
	uint64_t cs = clk_tck > 0 ? ticks * 100 / (uint64_t)clk_tck : 0;
	uint64_t s = cs / 100;

	if (s < 3600)
		snprintf(buf, len, "%llu:%02llu.%02llu", (unsigned long long)(s / 60),
			 (unsigned long long)(s % 60), (unsigned long long)(cs % 100));
	else if (s < 100 * 3600)
		snprintf(buf, len, "%02llu:%02llu:%02llu", (unsigned long long)(s / 3600),
			 (unsigned long long)(s / 60 % 60), (unsigned long long)(s % 60));
	else
		snprintf(buf, len, "%lluh", (unsigned long long)(s / 3600));
	return buf;
}

const char *units_latency(double ms, char *buf, size_t len)
{
	static const struct {
		const char *unit;
		double per_ns, top; /* top: where the next unit takes over */
	} scale[] = {
		{"us", 1e3, 999.95},
		{"ms", 1e6, 999.95},
		{"s", 1e9, 59.995},
		{"min", 60e9, 1e300},
	};
	double ns = ms * 1e6, v;
	size_t i;

	if (!(ns >= 0)) {
		snprintf(buf, len, "-");
		return buf;
	}
	if (ns < 999.5) {
		snprintf(buf, len, "%.0fns", ns);
		return buf;
	}
	for (i = 0; ns / scale[i].per_ns >= scale[i].top; i++)
		;
	v = ns / scale[i].per_ns;
	snprintf(buf, len, "%.*f%s",
		 v < 9.9995   ? 3
		 : v < 99.995 ? 2
			      : 1,
		 v, scale[i].unit);
	return buf;
}

const char *units_span(int64_t ms, char *buf, size_t len)
{
	int64_t s = ms / 1000;

	if (s < 0)
		s = 0;
	if (s < 60)
		snprintf(buf, len, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(buf, len, "%lldm%llds", (long long)(s / 60),
			 (long long)(s % 60));
	else if (s < 86400)
		snprintf(buf, len, "%lldh%lldm", (long long)(s / 3600),
			 (long long)(s / 60 % 60));
	else
		snprintf(buf, len, "%lldd%lldh", (long long)(s / 86400),
			 (long long)(s / 3600 % 24));
	return buf;
}
