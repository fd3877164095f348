/* SPDX-License-Identifier: MIT */
/*
 * test_outfile: the output helpers against what a hostile or careless path
 * can be, all made in a temp directory: a character device (mknod, when the
 * test may make one; /dev is never touched), a FIFO with and without a
 * reader, a symlink to a file that must survive, a directory, a file of
 * another user. Every refusal must leave the thing at the path exactly as it
 * was, and nothing may block.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "tempdir.h"

#include "core/outfile.h"
#include "core/xalloc.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	tempdir_make(dir, sizeof(dir), "outfile");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tempdir_remove(dir);
	return 0;
}

static char *in_dir(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static char *make_file(const char *name, const char *body)
{
	char *path = in_dir(name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(body, f);
	assert_int_equal(fclose(f), 0);
	return path;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = xcalloc(1, 4096);

	assert_non_null(f);
	buf[fread(buf, 1, 4095, f)] = '\0';
	fclose(f);
	return buf;
}

static void assert_body(const char *path, const char *want)
{
	char *got = slurp(path);

	assert_string_equal(got, want);
	free(got);
}

static mode_t kind_at(const char *path)
{
	struct stat st;

	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode & S_IFMT;
}

/* A character device like /dev/null, made here; NULL when mknod is refused
 * (no CAP_MKNOD, e.g. in some containers): the test then says so. */
static char *make_device(void)
{
	char *path = in_dir("null");

	if (mknod(path, S_IFCHR | 0666, makedev(1, 3)) < 0) {
		free(path);
		return NULL;
	}
	return path;
}

/* Every helper refuses path, and what is there stays what it was. */
static void assert_all_refuse(const char *path, const char *what)
{
	mode_t before = kind_at(path);
	char err[256];
	struct outfile o;
	int fd;

	for (int force = 0; force < 2; force++) {
		err[0] = '\0';
		assert_true(outfile_check(path, force, err, sizeof(err)) < 0);
		assert_non_null(strstr(err, what));
		fd = outfile_create(path, force, err, sizeof(err));
		assert_true(fd < 0);
		assert_non_null(strstr(err, what));
		assert_true(outfile_begin(&o, path, force, err, sizeof(err)) < 0);
		assert_non_null(strstr(err, what));
		assert_int_equal(kind_at(path), before);
	}
	fd = outfile_append(path, err, sizeof(err));
	assert_true(fd < 0);
	assert_non_null(strstr(err, what));
	assert_int_equal(kind_at(path), before);
}

static void test_devices_fifos_links_dirs_refused(void **state)
{
	char *dev = make_device(), *fifo = in_dir("fifo"), *victim,
	     *link = in_dir("link");
	char *sub = in_dir("sub");

	(void)state;
	if (dev) {
		assert_all_refuse(dev, "is a character device");
		free(dev);
	} else {
		print_message("mknod refused here: the device case ran as a FIFO only\n");
	}
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_all_refuse(fifo, "is a FIFO");
	victim = make_file("victim", "precious\n");
	assert_int_equal(symlink(victim, link), 0);
	assert_all_refuse(link, "is a symlink");
	assert_body(victim, "precious\n");
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_all_refuse(sub, "is a directory");
	free(fifo);
	free(victim);
	free(link);
	free(sub);
}

/* A FIFO someone reads: opening it would succeed, writing would reach the
 * reader. The append helper must still refuse it, and not block. */
static void test_fifo_with_reader_refused(void **state)
{
	char *fifo = in_dir("fifo"), err[256];
	int rfd;

	(void)state;
	assert_int_equal(mkfifo(fifo, 0600), 0);
	rfd = open(fifo, O_RDONLY | O_NONBLOCK);
	assert_true(rfd >= 0);
	assert_true(outfile_append(fifo, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "is a FIFO"));
	close(rfd);
	free(fifo);
}

static void test_create_new_and_force(void **state)
{
	char *path = in_dir("out"), err[256];
	struct stat st;
	int fd;

	(void)state;
	fd = outfile_create(path, false, err, sizeof(err));
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(write(fd, "one\n", 4), 4);
	close(fd);
	/* exists: refused without force, replaced with it */
	assert_int_equal(outfile_create(path, false, err, sizeof(err)), -EEXIST);
	assert_non_null(strstr(err, "exists (use --force to overwrite)"));
	assert_body(path, "one\n");
	fd = outfile_create(path, true, err, sizeof(err));
	assert_true(fd >= 0);
	close(fd);
	assert_body(path, "");
	free(path);
}

static void test_append_only_own_regular_files(void **state)
{
	char *path = in_dir("log"), *other, err[256];
	int fd;

	(void)state;
	for (int i = 0; i < 2; i++) {
		fd = outfile_append(path, err, sizeof(err));
		assert_true(fd >= 0);
		assert_int_equal(write(fd, "x\n", 2), 2);
		close(fd);
	}
	assert_body(path, "x\nx\n");
	/* a file of another user (as root this test can make one) */
	other = make_file("other", "theirs\n");
	if (geteuid() == 0) {
		assert_int_equal(chown(other, 65534, 65534), 0);
		assert_true(outfile_append(other, err, sizeof(err)) < 0);
		assert_non_null(strstr(err, "belongs to uid 65534"));
		assert_body(other, "theirs\n");
	}
	free(path);
	free(other);
}

static void test_whole_file_commit_and_abort(void **state)
{
	char *path = in_dir("export.csv"), err[256];
	struct outfile o;
	struct stat st;

	(void)state;
	/* new: appears only at commit */
	assert_int_equal(outfile_begin(&o, path, false, err, sizeof(err)), 0);
	assert_int_equal(write(o.fd, "a\n", 2), 2);
	assert_int_equal(lstat(path, &st), -1);
	assert_int_equal(outfile_commit(&o, err, sizeof(err)), 0);
	assert_body(path, "a\n");
	/* exists: refused without force before anything is written */
	assert_int_equal(outfile_begin(&o, path, false, err, sizeof(err)), -EEXIST);
	/* force, then a failure: the old file is untouched, no temp file left */
	assert_int_equal(outfile_begin(&o, path, true, err, sizeof(err)), 0);
	assert_int_equal(write(o.fd, "half", 4), 4);
	outfile_abort(&o);
	outfile_abort(&o); /* twice is harmless */
	assert_body(path, "a\n");
	/* force, whole: replaced */
	assert_int_equal(outfile_begin(&o, path, true, err, sizeof(err)), 0);
	assert_int_equal(write(o.fd, "b\n", 2), 2);
	assert_int_equal(outfile_commit(&o, err, sizeof(err)), 0);
	assert_body(path, "b\n");
	free(path);
}

/* A file appearing at path while the export ran is not overwritten. */
static void test_commit_never_clobbers_without_force(void **state)
{
	char *path = in_dir("race"), *their, err[256];
	struct outfile o;

	(void)state;
	assert_int_equal(outfile_begin(&o, path, false, err, sizeof(err)), 0);
	their = make_file("race", "theirs\n");
	assert_int_equal(write(o.fd, "ours\n", 5), 5);
	assert_int_equal(outfile_commit(&o, err, sizeof(err)), -EEXIST);
	assert_body(their, "theirs\n");
	free(path);
	free(their);
}

static void test_discard_only_what_we_hold(void **state)
{
	char *path = in_dir("made"), err[256];
	int fd = -1;

	(void)state;
	fd = outfile_create(path, false, err, sizeof(err));
	assert_true(fd >= 0);
	/* swapped for another file: not ours any more */
	assert_int_equal(unlink(path), 0);
	free(make_file("made", "theirs\n"));
	assert_int_equal(outfile_discard(path, fd), -ESTALE);
	assert_body(path, "theirs\n");
	close(fd);
	/* still ours: removed */
	assert_int_equal(unlink(path), 0);
	fd = outfile_create(path, false, err, sizeof(err));
	assert_int_equal(outfile_discard(path, fd), 0);
	assert_int_equal(access(path, F_OK), -1);
	close(fd);
	free(path);
}

static void test_lock_and_holder(void **state)
{
	char *path = in_dir("locked"), err[256];
	int fd, fd2, sync[2];
	pid_t pid;
	char c;

	(void)state;
	fd = outfile_create(path, false, err, sizeof(err));
	assert_true(fd >= 0);
	assert_int_equal(pipe(sync), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) { /* another process holds the lock */
		int cfd = open(path, O_RDONLY);

		if (cfd < 0 || flock(cfd, LOCK_EX) < 0)
			_exit(1);
		if (write(sync[1], "l", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	assert_int_equal(read(sync[0], &c, 1), 1);
	fd2 = open(path, O_RDONLY);
	assert_int_equal(outfile_lock(fd2, true), -EWOULDBLOCK);
	assert_int_equal(outfile_lock_holder("/proc", fd2), pid);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	assert_int_equal(outfile_lock(fd2, true), 0);
	assert_int_equal(outfile_lock_holder("/proc", fd2), 0);
	close(fd2);
	close(fd);
	close(sync[0]);
	close(sync[1]);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_devices_fifos_links_dirs_refused,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifo_with_reader_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_create_new_and_force, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_append_only_own_regular_files, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_whole_file_commit_and_abort, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_commit_never_clobbers_without_force,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_discard_only_what_we_hold, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lock_and_holder, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
