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
 *   demangled). A frame is a function, not an instruction: its location's
 *   address is the first address it was sampled at, in its mapping. vigil
 *   keeps no source files or lines, so filenames and lines are "" and 0.
 * - One mapping per executable file mapping the frames were seen in
 *   (memory_start, memory_limit, file_offset, the path as the process maps
 *   it, and the GNU build id as hex, as `readelf -n` and `file` print it),
 *   lowest address first, so the first is the main binary. Frames no file
 *   mapping was recorded for (a profile stored before vigil kept them,
 *   [jit], [heap]) get one mapping per module name with the name alone and
 *   no address. Every mapping is marked as already symbolized, so the tools
 *   do not look the binaries up.
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
