/* SPDX-License-Identifier: MIT */
/*
 * units: numbers for humans, shared by the report and the screens. Binary
 * prefixes (KiB = 1024) for sizes, as free(1) and htop use; every formatter
 * writes into the caller's buffer and returns it, so calls can be nested in
 * one printf.
 */
#ifndef VIGIL_CORE_UNITS_H
#define VIGIL_CORE_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* "512 B", "1.5 KiB", "23.4 GiB". */
const char *units_bytes(double bytes, char *buf, size_t len);
/* Compact, at most 6 columns, for tables and meters: "512", "1.5K", "23.4G", "1023M". */
const char *units_bytes_short(double bytes, char *buf, size_t len);
/* CPU time like top's TIME+: "m:ss.cc" below an hour, "hh:mm:ss" below 100 h, else
 * "NNNh". */
const char *units_cpu_time(uint64_t ticks, long clk_tck, char *buf, size_t len);
/*
 * A latency given in ms, to 4 significant digits in the unit of its
 * magnitude, at most 8 columns: "500ns", "1.400us", "15.40us", "999.9us",
 * "12.35ms", "1.235s", "59.00min". Rounding costs at most 0.05%. "-" for a
 * negative or NaN value.
 */
const char *units_latency(double ms, char *buf, size_t len);
/* A span for humans: "45s", "12m3s", "5h2m", "3d4h". */
const char *units_span(int64_t ms, char *buf, size_t len);

#endif
