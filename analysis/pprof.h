/* SPDX-License-Identifier: MIT */
/*
 * pprof: a profile as pprof's profile.proto (github.com/google/pprof,
 * proto/profile.proto), the format `go tool pprof`, Grafana Pyroscope and
 * Parca read. Encoded by hand (protobuf varints and length-delimited fields),
 * then gzipped with zlib as those tools expect.
 *
 * What a vigil profile becomes:
 * - sample_type is samples/count then cpu/nanoseconds (wall/nanoseconds for a
 *   wall-clock profile); period_type is the second, period is 1e9 / hz, so a
 *   sample's nanoseconds are its count times the period.
 * - One sample per (call-tree node, thread) count, location_ids leaf first,
 *   labelled thread_id (and thread_name when the thread was named).
 * - One location and one function per frame (id = frame id + 1), the
 *   function's name and system_name vigil's symbol as captured (already
 *   demangled). vigil keeps no addresses or source files, so addresses and
 *   filenames are 0/"".
 * - One mapping per module (file basename, "[vdso]", ...), marked as already
 *   symbolized so the tools do not try to look the binary up; vigil keeps no
 *   load addresses or build ids for them.
 * - time_nanos and duration_nanos from the profile's start and length.
 *
 * The string table starts with "" and holds each string once. Nothing here
 * prints or touches files but the FILE it is given.
 */
#ifndef VIGIL_ANALYSIS_PPROF_H
#define VIGIL_ANALYSIS_PPROF_H

#include <stddef.h>
#include <stdio.h>

#include "analysis/profile.h"

/* p as an uncompressed Profile message: *out is a new buffer of *len bytes
 * that the caller frees. Cannot fail (out of memory is fatal). */
void pprof_encode(const struct profile *p, unsigned char **out, size_t *len);

/* data as one gzip member (RFC 1952): *out is a new buffer of *outlen bytes
 * the caller frees. 0, or -1 with errno set when zlib refuses (*out NULL). */
int pprof_gzip(const unsigned char *data, size_t len, unsigned char **out,
	       size_t *outlen);

/* p encoded and gzipped, written to out. 0, or -1 with errno set. */
int pprof_write(const struct profile *p, FILE *out);

#endif
