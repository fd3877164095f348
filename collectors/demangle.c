/* SPDX-License-Identifier: MIT */
/*
 * demangle: a thin wrapper over libiberty (see demangle.h). Only names that
 * start like a mangled name reach the demangler, so the common C symbol
 * costs one comparison.
 */
#include "collectors/demangle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libiberty/demangle.h>

#define PLT_SUFFIX "@plt"
#define NAME_MAX_LEN 4096 /* longer "names" are not worth demangling */

static bool looks_mangled(const char *name)
{
	return (name[0] == '_' && name[1] == 'Z') || (name[0] == '_' && name[1] == 'R');
}

bool demangle(const char *name, char *out, size_t outlen)
{
	size_t len = strlen(name), plt = strlen(PLT_SUFFIX);
	char base[NAME_MAX_LEN];
	char *pretty;

	if (!looks_mangled(name) || len >= sizeof(base)) {
		snprintf(out, outlen, "%s", name);
		return false;
	}
	memcpy(base, name, len + 1);
	if (len > plt && !strcmp(base + len - plt, PLT_SUFFIX))
		base[len - plt] = '\0';
	else
		plt = 0;
	pretty = cplus_demangle(base, DMGL_PARAMS | DMGL_ANSI | DMGL_AUTO);
	if (!pretty) {
		snprintf(out, outlen, "%s", name);
		return false;
	}
	snprintf(out, outlen, "%s%s", pretty, plt ? PLT_SUFFIX : "");
	free(pretty);
	return true;
}
