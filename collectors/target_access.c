/* SPDX-License-Identifier: MIT */
/*
 * target_access: see target_access.h. Each group is tried with the call its
 * collector makes (open and read one byte, or opendir), because the kernel
 * checks some files at open and others only at read.
 */
#include "collectors/target_access.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/procfs.h"

/* 0 when one byte of path can be read (or it is empty), else errno. */
static int try_read(const char *path)
{
	char byte;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), e = 0;

	if (fd < 0)
		return errno;
	if (read(fd, &byte, 1) < 0)
		e = errno;
	close(fd);
	return e;
}

/* 0 when path can be listed, else errno. */
static int try_list(const char *path)
{
	DIR *d = opendir(path);
	int e = 0;

	if (!d)
		return errno;
	errno = 0;
	if (!readdir(d) && errno)
		e = errno;
	closedir(d);
	return e;
}

/* <pid>/comm (anyone may read it) into buf; "" when unreadable. */
static void read_comm(const char *root, int pid, char *buf, size_t len)
{
	char path[4200];
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/%d/comm", root, pid);
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	else
		buf[0] = '\0';
	fclose(f);
}

static bool is_java(const char *root, int pid)
{
	char comm[FRAME_COMM_MAX];

	read_comm(root, pid, comm, sizeof(comm));
	return !strcmp(comm, "java");
}

unsigned target_access_check(const char *proc_root, int pid, int *err)
{
	const char *root = proc_root ? proc_root : PROCFS_ROOT_DEFAULT;
	char path[4200];
	unsigned denied = 0;
	int first = 0, e[5];

	snprintf(path, sizeof(path), "%s/%d/io", root, pid);
	e[0] = try_read(path);
	snprintf(path, sizeof(path), "%s/%d/fd", root, pid);
	e[1] = try_list(path);
	snprintf(path, sizeof(path), "%s/%d/smaps_rollup", root, pid);
	e[2] = try_read(path);
	if (e[2] == ENOENT) { /* before 4.14: maps is checked the same way */
		snprintf(path, sizeof(path), "%s/%d/maps", root, pid);
		e[2] = try_read(path);
	}
	snprintf(path, sizeof(path), "%s/%d/syscall", root, pid);
	e[3] = try_read(path);
	e[4] = 0;
	if (is_java(root, pid)) {
		snprintf(path, sizeof(path), "%s/%d/root/tmp", root, pid);
		e[4] = try_list(path);
	}
	for (int i = 0; i < 5; i++) {
		if (e[i] != EACCES && e[i] != EPERM)
			continue;
		denied |= 1u << i;
		if (!first)
			first = e[i];
	}
	if (err)
		*err = first;
	return denied;
}

static const char *const words[][2] = {
	{"io", "io"},
	{"fds", "fds"},
	{"memory regions (smaps)", "smaps"},
	{"syscalls", "syscalls"},
	{"JVM data (hsperf)", "hsperf"},
};
#define NGROUPS (sizeof(words) / sizeof(words[0]))

_Static_assert(TARGET_ACCESS_ALL == (1u << NGROUPS) - 1, "a word for every group");

const char *target_access_name(unsigned bit)
{
	for (unsigned i = 0; i < NGROUPS; i++)
		if (bit == 1u << i)
			return words[i][1];
	return NULL;
}

void target_access_list(unsigned denied, bool compact, char *buf, size_t len)
{
	size_t n = 0, total = 0, at = 0;

	for (unsigned i = 0; i < NGROUPS; i++)
		total += !!(denied & (1u << i));
	if (len)
		buf[0] = '\0';
	for (unsigned i = 0; i < NGROUPS && at < len; i++) {
		const char *sep = "";
		int w;

		if (!(denied & (1u << i)))
			continue;
		if (n)
			sep = compact || n + 1 < total ? ", " : " and ";
		w = snprintf(buf + at, len - at, "%s%s", sep, words[i][compact]);
		if (w < 0)
			break;
		at += (size_t)w;
		n++;
	}
}

void target_access_warning(enum target_access_style style, int pid, const char *comm,
			   uid_t uid, unsigned denied, int err, char *buf, size_t len)
{
	const char *why = err == EPERM ? "operation not permitted" : "permission denied";
	char what[128], name[FRAME_COMM_MAX];
	size_t i;

	/* a process names itself: nothing it chose may drive a terminal */
	for (i = 0; comm[i] && i + 1 < sizeof(name); i++) {
		unsigned char ch = (unsigned char)comm[i];

		name[i] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
	}
	name[i] = '\0';
	target_access_list(denied, style == TARGET_ACCESS_STATUS, what, sizeof(what));
	switch (style) {
	case TARGET_ACCESS_STATUS:
		snprintf(buf, len, "pid %d (%s): no %s (%s)", pid, name, what, why);
		break;
	case TARGET_ACCESS_REPORT:
		snprintf(buf, len,
			 "pid %d (%s) was not fully readable by the recorder: %s %s "
			 "missing (%s)",
			 pid, name, what, denied & (denied - 1) ? "are" : "is", why);
		break;
	default:
		snprintf(buf, len,
			 "warning: pid %d (%s) is not fully readable as uid %u: %s will "
			 "be "
			 "missing: %s; run as root or as the process's user",
			 pid, name, (unsigned)uid, what, why);
		break;
	}
}

bool target_access_describe(const char *proc_root, int pid,
			    enum target_access_style style, char *buf, size_t len)
{
	char comm[FRAME_COMM_MAX];
	unsigned denied;
	int err;

	if (len)
		buf[0] = '\0';
	denied = target_access_check(proc_root, pid, &err);
	if (!denied)
		return false;
	read_comm(proc_root ? proc_root : PROCFS_ROOT_DEFAULT, pid, comm, sizeof(comm));
	target_access_warning(style, pid, comm, geteuid(), denied, err, buf, len);
	return true;
}
