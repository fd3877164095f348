/* SPDX-License-Identifier: MIT */
/*
 * iostat: the parsers of the system's disk and network counters,
 * /proc/diskstats and /proc/net/dev, into the struct disk_stat and struct
 * net_stat arrays of a sys_sample (core/frame.h). The system collector
 * (collectors/sysstat.h) reads the files; these functions only parse text.
 *
 * What is kept, and why:
 * - Disks: whole devices only. A partition is recognised by the kernel's own
 *   naming rule (disk_name(): the partition number follows the disk's name,
 *   after a "p" when that name ends in a digit: sda1, nvme0n1p2, mmcblk0p1,
 *   md0p1), checked against the devices listed before it (the kernel lists
 *   a disk before its partitions). Its I/O is its disk's I/O, so it would
 *   only repeat it. Devices that never did any I/O (the eight idle loop
 *   devices, ram*, an empty CD drive) are left out; one that did is kept.
 *   Device-mapper (LVM, dm-crypt), md RAID, loop, drbd, ram and zram
 *   devices are kept per device (atop shows LVM and MD too) but flagged
 *   stacked: their I/O reaches a disk below them, so totals leave them out.
 * - Interfaces: every interface that ever moved a packet, lo included (its
 *   traffic is real work for the machine and a test can make it), flagged
 *   loopback so totals leave it out. Interfaces that never saw a packet
 *   are left out.
 *
 * Invariants: the parsers take any text, however hostile. They return 0
 * with a new array the caller owns (NULL when nothing is kept), or -1 when
 * the text is not that file, leaving the outputs untouched. Every counter
 * must fit in an int64_t (the store keeps them signed), else -1: a kernel
 * never gets there, so such a number means the text is not what it seems.
 */
#ifndef VIGIL_COLLECTORS_IOSTAT_H
#define VIGIL_COLLECTORS_IOSTAT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/frame.h"

/*
 * /proc/diskstats: "major minor name" and at least 11 counters (kernels
 * from 2.6 on; 4.18 and 5.5 appended discard and flush columns, which are
 * ignored). A 4-counter line is a partition of a 2.6 kernel and skipped.
 */
int iostat_parse_diskstats(const char *text, struct disk_stat **out, size_t *n);

/* /proc/net/dev: two header lines, then "name: 8 rx counters 8 tx counters". */
int iostat_parse_netdev(const char *text, struct net_stat **out, size_t *n);

/* Whether name is a partition of disk by the kernel's naming rule. */
bool iostat_is_partition_of(const char *name, const char *disk);

#endif
