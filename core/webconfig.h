/* SPDX-License-Identifier: MIT */
/*
 * webconfig: the web configuration file of Prometheus exporters (the
 * exporter-toolkit's --web.config.file conventions), read for vigil's
 * --web-config: TLS for the /metrics listener and HTTP basic auth with
 * bcrypt hashes, so one file serves node_exporter and vigil alike.
 *
 *     tls_server_config:
 *       cert_file: server.crt          # relative to the file's directory
 *       key_file: server.key
 *       client_ca_file: ca.crt         # optional, with client_auth_type
 *       client_auth_type: RequireAndVerifyClientCert
 *       min_version: TLS12             # TLS10..TLS13; default TLS12
 *     basic_auth_users:
 *       alice: $2y$10$...              # bcrypt (htpasswd -nbB)
 *
 * The parser takes a strict subset of YAML: block mappings indented with
 * spaces, plain, 'single' or "double" quoted scalars, # comments, an
 * optional leading "---". Anything else (tabs, flow collections, lists,
 * anchors, block scalars, a duplicate key, an unknown key) is an error with
 * its line, as the toolkit refuses unknown keys. Keys the toolkit knows and
 * vigil does not implement (cert and key inline, cipher_suites,
 * http_server_config, rate_limit, ...) are refused by name rather than
 * silently ignored. Unlike the toolkit, the file and the certificates are
 * read once, at start.
 *
 * Parsing is pure (text -> struct, no I/O) so it is unit-tested and fuzzed;
 * webconfig_load adds the reading of the file and of the PEM files it names.
 * Errors are one line without "vigil:" and without the file's name.
 */
#ifndef VIGIL_CORE_WEBCONFIG_H
#define VIGIL_CORE_WEBCONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* tls_server_config.client_auth_type, Go's crypto/tls names */
enum webconfig_client_auth {
	WEBCONFIG_NO_CLIENT_CERT,	    /* NoClientCert (default) */
	WEBCONFIG_REQUEST_CLIENT_CERT,	    /* RequestClientCert */
	WEBCONFIG_REQUIRE_ANY_CLIENT_CERT,  /* RequireAnyClientCert */
	WEBCONFIG_VERIFY_CLIENT_CERT_GIVEN, /* VerifyClientCertIfGiven */
	WEBCONFIG_REQUIRE_VERIFY_CLIENT,    /* RequireAndVerifyClientCert */
};

/* TLS protocol versions, as min_version/max_version spell them */
enum webconfig_tls_version {
	WEBCONFIG_TLS_ANY, /* not given */
	WEBCONFIG_TLS10,
	WEBCONFIG_TLS11,
	WEBCONFIG_TLS12,
	WEBCONFIG_TLS13,
};

struct webconfig_user {
	char *name;
	char *hash; /* bcrypt: $2a$, $2b$ or $2y$, as crypt(3) takes it */
};

struct webconfig {
	bool tls; /* tls_server_config given: cert_file and key_file are set */
	/* paths as resolved against the file's directory (owned) */
	char *cert_file, *key_file, *client_ca_file;
	enum webconfig_client_auth client_auth;
	enum webconfig_tls_version min_version; /* TLS12 when not given */
	enum webconfig_tls_version max_version; /* WEBCONFIG_TLS_ANY: newest */
	struct webconfig_user *users;		/* basic_auth_users, file order */
	size_t nusers;
	/* what webconfig_load read from the files above (owned, NUL-ended);
	 * NULL after webconfig_parse */
	char *cert_pem, *key_pem, *client_ca_pem;
};

/*
 * Parses len bytes of text (NULs are an error) into *out, resolving relative
 * paths against dir (NULL: as they are). Every key is checked and every
 * hash must be a bcrypt hash crypt(3) accepts. Returns 0, or -1 with *out
 * empty and a reason in err: "line 4: unknown key 'cert' in
 * tls_server_config", "line 2: tabs cannot indent YAML", "tls_server_config
 * needs key_file", "line 7: user 'bob': not a bcrypt hash", ...
 */
int webconfig_parse(const char *text, size_t len, const char *dir, struct webconfig *out,
		    char *err, size_t errlen);

/*
 * Reads and parses the file at path (a regular file of at most 64 KiB), then
 * the PEM files it names (at most 1 MiB each). Returns 0 or -1 with *out
 * empty and a reason in err ("cannot read 'x.crt': No such file or directory").
 */
int webconfig_load(const char *path, struct webconfig *out, char *err, size_t errlen);

/* Frees what *c holds and empties it; an empty one is fine. */
void webconfig_release(struct webconfig *c);

/*
 * The GnuTLS priority string for min_version..max_version into buf, such as
 * "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2". Returns buf.
 */
const char *webconfig_tls_priorities(const struct webconfig *c, char *buf, size_t len);

/*
 * Basic auth: the user's index when user exists and password matches its
 * hash, else -1. The comparison of the crypt(3) output is constant-time,
 * and an unknown user costs a bcrypt run like a known one, so timing tells
 * neither apart. Slow on purpose (bcrypt): callers cache a success.
 */
int webconfig_check_user(const struct webconfig *c, const char *user,
			 const char *password);

/* Constant-time equality of n bytes (no early exit). */
bool webconfig_equal(const void *a, const void *b, size_t n);

#endif
