/* SPDX-License-Identifier: MIT */
/*
 * fuzz_webconfig: a libFuzzer target for the --web-config parser
 * (core/webconfig.h), which reads a file an operator may have copied from
 * anywhere. Each input is parsed as a whole file; what is accepted must keep
 * the parser's promises (TLS with both paths, bcrypt hashes of 60 bytes,
 * distinct users without ':', a priority string that names a version), and
 * what is refused must leave the struct empty with a reason.
 *
 * A broken promise aborts (a finding), as do crashes, sanitizer reports and
 * leaks. Built and run by `make fuzz`; seeds are written by tests/fuzz/run.sh.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/webconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define check(cond)                                                                      \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "fuzz_webconfig: %s:%d: %s\n", __FILE__,         \
				__LINE__, #cond);                                        \
			abort();                                                         \
		}                                                                        \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct webconfig c;
	char err[256] = "", prio[128];

	if (webconfig_parse((const char *)data, size, size & 1 ? "/etc" : NULL, &c, err,
			    sizeof(err)) < 0) {
		check(err[0] != '\0');
		check(!c.tls && !c.users && !c.nusers && !c.cert_file && !c.key_file);
		return 0;
	}
	check(!c.tls || (c.cert_file && c.key_file && c.min_version));
	check(!c.client_ca_file || c.client_auth != WEBCONFIG_NO_CLIENT_CERT);
	for (size_t i = 0; i < c.nusers; i++) {
		check(strlen(c.users[i].hash) == 60);
		check(c.users[i].name[0] && !strchr(c.users[i].name, ':'));
		for (size_t j = 0; j < i; j++)
			check(strcmp(c.users[i].name, c.users[j].name));
	}
	if (c.tls)
		check(strstr(webconfig_tls_priorities(&c, prio, sizeof(prio)), "+VERS-"));
	webconfig_release(&c);
	return 0;
}
