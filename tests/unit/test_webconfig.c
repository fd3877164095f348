/* SPDX-License-Identifier: MIT */
/*
 * test_webconfig: the exporter-toolkit web config subset: what it takes
 * (the toolkit's own example, quoting, comments, relative paths), what it
 * refuses with the line (unknown and unsupported keys, YAML vigil does not
 * read, bad hashes, inconsistent TLS settings), the GnuTLS priorities, and
 * bcrypt checks against hashes made here with crypt(3).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <crypt.h>
#include <unistd.h>

#include "core/webconfig.h"
#include "tempdir.h"

/* A $2b$ hash of password at cost 4 (fast), made with crypt(3) itself. */
static const char *bcrypt_of(const char *password, char *out, size_t len)
{
	static const char random_bytes[16] = "0123456789abcdef";
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data cd;

	memset(&cd, 0, sizeof(cd));
	assert_non_null(
		crypt_gensalt_rn("$2b$", 4, random_bytes, 16, salt, (int)sizeof(salt)));
	assert_non_null(crypt_rn(password, salt, &cd, (int)sizeof(cd)));
	assert_int_equal(strlen(cd.output), 60);
	assert_true(len > 60);
	memcpy(out, cd.output, 61);
	return out;
}

static void parse_ok(const char *text, struct webconfig *c)
{
	char err[256] = "";

	if (webconfig_parse(text, strlen(text), "/etc/vigil", c, err, sizeof(err)) < 0)
		fail_msg("refused: %s", err);
}

/* Refused, with an error that contains want. */
static void parse_fails(const char *text, const char *want)
{
	struct webconfig c;
	char err[256] = "";

	assert_int_equal(webconfig_parse(text, strlen(text), NULL, &c, err, sizeof(err)),
			 -1);
	if (!strstr(err, want))
		fail_msg("'%s' does not say '%s'", err, want);
	assert_null(c.users);
	assert_null(c.cert_file);
}

static void test_toolkit_example(void **state)
{
	char h1[64], h2[64], text[512];
	struct webconfig c;

	(void)state;
	snprintf(text, sizeof(text),
		 "# TLS and basic authentication configuration example.\n"
		 "tls_server_config:\n"
		 "  cert_file: server.crt\n"
		 "  key_file: /abs/server.key\n"
		 "\n"
		 "# Usernames and passwords required to connect.\n"
		 "basic_auth_users:\n"
		 "  alice: %s\n"
		 "  'bob smith': \"%s\"   # quoted\n",
		 bcrypt_of("a", h1, sizeof(h1)), bcrypt_of("b", h2, sizeof(h2)));
	parse_ok(text, &c);
	assert_true(c.tls);
	assert_string_equal(c.cert_file, "/etc/vigil/server.crt");
	assert_string_equal(c.key_file, "/abs/server.key");
	assert_null(c.client_ca_file);
	assert_int_equal(c.client_auth, WEBCONFIG_NO_CLIENT_CERT);
	assert_int_equal(c.min_version, WEBCONFIG_TLS12);
	assert_int_equal(c.nusers, 2);
	assert_string_equal(c.users[0].name, "alice");
	assert_string_equal(c.users[0].hash, h1);
	assert_string_equal(c.users[1].name, "bob smith");
	assert_string_equal(c.users[1].hash, h2);
	assert_null(c.cert_pem);
	webconfig_release(&c);
	assert_null(c.users);
}

static void test_tls_options(void **state)
{
	struct webconfig c;
	char prio[128];

	(void)state;
	parse_ok("---\r\ntls_server_config:\r\n"
		 "    cert_file: 'it''s.crt'\r\n"
		 "    key_file: \"k\\\\ey\"\r\n"
		 "    client_ca_file: ca.pem\r\n"
		 "    client_auth_type: RequireAndVerifyClientCert\r\n"
		 "    min_version: TLS13\r\n",
		 &c);
	assert_string_equal(c.cert_file, "/etc/vigil/it's.crt");
	assert_string_equal(c.key_file, "/etc/vigil/k\\ey");
	assert_string_equal(c.client_ca_file, "/etc/vigil/ca.pem");
	assert_int_equal(c.client_auth, WEBCONFIG_REQUIRE_VERIFY_CLIENT);
	assert_int_equal(c.min_version, WEBCONFIG_TLS13);
	assert_string_equal(webconfig_tls_priorities(&c, prio, sizeof(prio)),
			    "NORMAL:-VERS-ALL:+VERS-TLS1.3");
	webconfig_release(&c);

	parse_ok("tls_server_config:\n cert_file: a\n key_file: b\n"
		 " min_version: TLS11\n max_version: TLS12\n",
		 &c);
	assert_string_equal(webconfig_tls_priorities(&c, prio, sizeof(prio)),
			    "NORMAL:-VERS-ALL:+VERS-TLS1.2:+VERS-TLS1.1");
	webconfig_release(&c);
	parse_ok("tls_server_config:\n cert_file: a\n key_file: b\n", &c);
	assert_string_equal(webconfig_tls_priorities(&c, prio, sizeof(prio)),
			    "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2");
	webconfig_release(&c);
}

static void test_empty(void **state)
{
	struct webconfig c;

	(void)state;
	parse_ok("", &c);
	assert_false(c.tls);
	assert_int_equal(c.nusers, 0);
	parse_ok("# nothing\n\nbasic_auth_users: {}\n", &c);
	assert_int_equal(c.nusers, 0);
	parse_ok("basic_auth_users:\n", &c);
	assert_false(c.tls);
	webconfig_release(&c);
}

static void test_refused_keys(void **state)
{
	(void)state;
	parse_fails("tls_server_config:\n  cert_file: a\n  key_file: b\n  certfile: c\n",
		    "line 4: unknown key 'certfile' in tls_server_config");
	parse_fails("tls_server_config:\n  cert: abc\n",
		    "'cert' is not supported by vigil");
	parse_fails("http_server_config:\n  http2: false\n",
		    "line 1: 'http_server_config' is not supported by vigil");
	parse_fails("rate_limit:\n  burst: 2\n", "not supported");
	parse_fails("web:\n", "line 1: unknown key 'web'");
	parse_fails("tls_server_config:\n  cert_file: a\n  cert_file: b\n",
		    "line 3: duplicate key 'cert_file'");
	parse_fails("basic_auth_users:\nbasic_auth_users:\n", "line 2: duplicate key");
}

static void test_refused_yaml(void **state)
{
	(void)state;
	parse_fails("tls_server_config:\n\tcert_file: a\n", "line 2: tabs");
	parse_fails("  tls_server_config:\n", "line 1: unexpected indentation");
	parse_fails("tls_server_config:\n  cert_file: a\n    key_file: b\n",
		    "line 3: unexpected indentation");
	parse_fails("tls_server_config: {cert_file: a}\n", "line 1: '{'");
	parse_fails("tls_server_config: yes\n", "is a mapping");
	parse_fails("tls_server_config:\n  cert_file: [a, b]\n", "line 2: '['");
	parse_fails("tls_server_config:\n  - a\n", "line 2:");
	parse_fails("tls_server_config:\n  cert_file: 'a\n", "unterminated");
	parse_fails("tls_server_config:\n  cert_file: \"\\x41\"\n", "unsupported escape");
	parse_fails("tls_server_config:\n  cert_file: a: b\n", "': '");
	parse_fails("tls_server_config:\n  cert_file\n", "line 2: expected 'key: value'");
	parse_fails("tls_server_config:\n  cert_file:\n", "'cert_file' needs a value");
	parse_fails("tls_server_config:\n  cert_file: *ref\n", "'*'");
	parse_fails("tls_server_config:\n  cert_file: 'a' b\n", "text after");
	parse_fails("a\033[2J: b\n", "control byte 0x1b");
	{
		static const char nul[] = "basic_auth_users:\n  x: a\0b\n";
		struct webconfig c;
		char err[128];

		assert_int_equal(
			webconfig_parse(nul, sizeof(nul) - 1, NULL, &c, err, sizeof(err)),
			-1);
		assert_string_equal(err, "a NUL byte in the file");
	}
}

static void test_refused_values(void **state)
{
	char h[64], text[256];

	(void)state;
	parse_fails("tls_server_config:\n  cert_file: a\n",
		    "needs cert_file and key_file");
	parse_fails("tls_server_config:\n", "needs cert_file and key_file");
	parse_fails("tls_server_config:\n  cert_file: a\n  key_file: b\n"
		    "  client_ca_file: c\n",
		    "client_auth_type is not");
	parse_fails("tls_server_config:\n  cert_file: a\n  key_file: b\n"
		    "  client_auth_type: RequireAndVerifyClientCert\n",
		    "needs client_ca_file");
	parse_fails("tls_server_config:\n  cert_file: a\n  key_file: b\n"
		    "  client_auth_type: Maybe\n",
		    "line 4: unknown client_auth_type 'Maybe'");
	parse_fails("tls_server_config:\n  cert_file: a\n  key_file: b\n"
		    "  min_version: TLS14\n",
		    "line 4: unknown TLS version 'TLS14'");
	parse_fails("tls_server_config:\n  cert_file: a\n  key_file: b\n"
		    "  min_version: TLS13\n  max_version: TLS12\n",
		    "min_version is above max_version");
	parse_fails("basic_auth_users:\n  alice: secret\n",
		    "line 2: user 'alice': not a bcrypt hash");
	parse_fails("basic_auth_users:\n  alice: $1$abcdefgh$0123456789012345678901\n",
		    "not a bcrypt hash");
	snprintf(text, sizeof(text), "basic_auth_users:\n  a: %s\n  a: %s\n",
		 bcrypt_of("x", h, sizeof(h)), h);
	parse_fails(text, "line 3: duplicate user 'a'");
	snprintf(text, sizeof(text), "basic_auth_users:\n  'a:b': %s\n", h);
	parse_fails(text, "cannot hold ':'");
}

static void test_check_user(void **state)
{
	char h1[64], h2[64], text[256];
	struct webconfig c;

	(void)state;
	snprintf(text, sizeof(text), "basic_auth_users:\n  alice: %s\n  bob: %s\n",
		 bcrypt_of("wonderland", h1, sizeof(h1)), bcrypt_of("", h2, sizeof(h2)));
	parse_ok(text, &c);
	assert_int_equal(webconfig_check_user(&c, "alice", "wonderland"), 0);
	assert_int_equal(webconfig_check_user(&c, "bob", ""), 1);
	assert_int_equal(webconfig_check_user(&c, "alice", "wonderlanD"), -1);
	assert_int_equal(webconfig_check_user(&c, "alice", ""), -1);
	assert_int_equal(webconfig_check_user(&c, "bob", "wonderland"), -1);
	assert_int_equal(webconfig_check_user(&c, "carol", "wonderland"), -1);
	assert_int_equal(webconfig_check_user(&c, "alic", "wonderland"), -1);
	webconfig_release(&c);
	/* $2y$ (htpasswd -B) is read like $2b$ */
	h1[2] = 'y';
	snprintf(text, sizeof(text), "basic_auth_users:\n  alice: %s\n", h1);
	parse_ok(text, &c);
	assert_int_equal(webconfig_check_user(&c, "alice", "wonderland"), 0);
	webconfig_release(&c);
	assert_true(webconfig_equal("abc", "abc", 3));
	assert_false(webconfig_equal("abc", "abd", 3));
}

static void test_load(void **state)
{
	char dir[64], path[128], text[512], err[256];
	struct webconfig c;
	FILE *f;

	(void)state;
	tempdir_make(dir, sizeof(dir), "webconfig");
	snprintf(path, sizeof(path), "%s/server.crt", dir);
	f = fopen(path, "w");
	fputs("CERT PEM\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/web.yml", dir);
	f = fopen(path, "w");
	fputs("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n", f);
	fclose(f);
	/* the key is missing: said with its resolved path */
	assert_int_equal(webconfig_load(path, &c, err, sizeof(err)), -1);
	snprintf(text, sizeof(text), "cannot read '%s/server.key': No such file", dir);
	assert_non_null(strstr(err, text));
	assert_null(c.cert_pem);
	snprintf(text, sizeof(text), "%s/server.key", dir);
	f = fopen(text, "w");
	fputs("KEY PEM\n", f);
	fclose(f);
	assert_int_equal(webconfig_load(path, &c, err, sizeof(err)), 0);
	assert_string_equal(c.cert_pem, "CERT PEM\n");
	assert_string_equal(c.key_pem, "KEY PEM\n");
	webconfig_release(&c);
	/* a directory is not a config file */
	assert_int_equal(webconfig_load(dir, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a regular file"));
	tempdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_toolkit_example),
		cmocka_unit_test(test_tls_options),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_refused_keys),
		cmocka_unit_test(test_refused_yaml),
		cmocka_unit_test(test_refused_values),
		cmocka_unit_test(test_check_user),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
