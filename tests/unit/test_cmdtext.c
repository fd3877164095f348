/* SPDX-License-Identifier: MIT */
/*
 * test_cmdtext: the COMMAND column's text. Full mode is the command line as
 * read; program-name mode drops the directories of the program and of path
 * arguments and nothing else, so two scripts run by one interpreter with a
 * long path read apart in 21 columns; kernel threads read as ps shows them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "views/cmdtext.h"

static void expect_names(const char *in, const char *want)
{
	char buf[CMDTEXT_MAX];

	assert_string_equal(cmdtext_names(in, buf, sizeof(buf)), want);
}

static void test_program_and_path_arguments(void **state)
{
	(void)state;
	expect_names("/usr/bin/python3.11 /srv/app/worker.py --port 80",
		     "python3.11 worker.py --port 80");
	expect_names("./build/vigil -i 1s", "vigil -i 1s");
	expect_names("python3 app.py", "python3 app.py"); /* nothing to drop */
	expect_names("node ../dist/index.js", "node index.js");
	expect_names("vim ~/notes/todo.md", "vim todo.md");
	/* an option's path value; the option stays */
	expect_names("/usr/sbin/nginx --conf=/etc/nginx/nginx.conf -g daemon",
		     "nginx --conf=nginx.conf -g daemon");
	expect_names("/opt/app/bin/app -c /etc/app/", "app -c /etc/app/"); /* a dir */
}

static void test_words_that_are_not_paths_stay(void **state)
{
	(void)state;
	/* a process that rewrote its argv: only real paths are shortened */
	expect_names("sshd: root@pts/0", "sshd: root@pts/0");
	expect_names("postgres: checkpointer", "postgres: checkpointer");
	/* relative paths without ./ are kept, as are class paths and URLs */
	expect_names("/usr/bin/java -cp /a/x.jar:/b/y.jar Main",
		     "java -cp /a/x.jar:/b/y.jar Main");
	expect_names("curl http://host/a/b", "curl http://host/a/b");
	expect_names("tar -C dir/sub -xf x.tar", "tar -C dir/sub -xf x.tar");
	expect_names("/bin/", "/bin/");
	/* runs of spaces (empty arguments) are kept as they are */
	expect_names("/bin/echo  /x/y ", "echo  y ");
	expect_names("", "");
}

static void test_cut_to_buffer(void **state)
{
	char small[8];

	(void)state;
	assert_string_equal(
		cmdtext_names("/usr/bin/python3.11 a.py", small, sizeof(small)),
		"python3"); /* 7 bytes and the NUL */
	assert_string_equal(cmdtext_names("/x/y", small, 1), "");
}

static void test_row_text(void **state)
{
	struct proc_row r;
	char buf[CMDTEXT_MAX], line[] = "/usr/bin/python3.11 /srv/a/job.py";

	(void)state;
	memset(&r, 0, sizeof(r));
	snprintf(r.comm, sizeof(r.comm), "%s", "python3.11");
	r.cmdline = line;
	/* full: the command line itself, not a copy */
	assert_ptr_equal(cmdtext_of(&r, CMDTEXT_FULL, buf, sizeof(buf)), line);
	assert_string_equal(cmdtext_of(&r, CMDTEXT_NAME, buf, sizeof(buf)),
			    "python3.11 job.py");
	/* no command line: a kernel thread (or a zombie), in both modes */
	snprintf(r.comm, sizeof(r.comm), "%s", "kworker/0:1");
	r.cmdline = NULL;
	assert_string_equal(cmdtext_of(&r, CMDTEXT_FULL, buf, sizeof(buf)),
			    "[kworker/0:1]");
	r.cmdline = line + strlen(line);
	assert_string_equal(cmdtext_of(&r, CMDTEXT_NAME, buf, sizeof(buf)),
			    "[kworker/0:1]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_program_and_path_arguments),
		cmocka_unit_test(test_words_that_are_not_paths_stay),
		cmocka_unit_test(test_cut_to_buffer),
		cmocka_unit_test(test_row_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
