/* SPDX-License-Identifier: MIT */
/*
 * webconfig: the exporter-toolkit web config file, parsed line by line.
 *
 * The YAML subset is two levels deep: a top-level key (column 0) names a
 * section whose value is empty, and the section's entries are "key: scalar"
 * lines indented by the same number of spaces as its first entry. A line is
 * parsed into (indent, key, value or none) first; what the key means is
 * decided afterwards, by section, so the grammar and the vocabulary stay
 * apart. Scalars are copied out unescaped; nothing points into the text.
 */
#include "core/webconfig.h"

#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xalloc.h"

#define WEBCONFIG_FILE_MAX (64 * 1024)
#define WEBCONFIG_PEM_MAX (1024 * 1024)
#define SCALAR_MAX 4096
#define BCRYPT_LEN 60

enum section { SEC_NONE, SEC_TLS, SEC_USERS };

struct parser {
	struct webconfig *out;
	const char *dir;
	enum section section;
	int child_indent; /* the section's entries' indent; 0: none seen yet */
	int lineno;
	bool seen_top[3];  /* by enum section: a duplicate is an error */
	unsigned seen_tls; /* bit per tls key */
	char *err;
	size_t errlen;
};

/* One line, parsed: "  key: value # comment" */
struct line {
	int indent;
	char key[256];
	char value[SCALAR_MAX];
	bool has_value;
};

__attribute__((format(printf, 2, 3))) static int fail(struct parser *p, const char *fmt,
						      ...)
{
	va_list ap;
	int n = p->lineno ? snprintf(p->err, p->errlen, "line %d: ", p->lineno) : 0;

	if (n < 0 || (size_t)n >= p->errlen)
		n = 0;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* A quoted scalar at *s (the quote char): unescaped into out, *s past it. */
static int quoted(struct parser *p, const char **s, const char *end, char *out,
		  size_t cap)
{
	char q = **s;
	size_t n = 0;

	for ((*s)++; *s < end; (*s)++) {
		char c = **s;

		if (c == q && q == '\'' && *s + 1 < end && (*s)[1] == '\'') {
			(*s)++; /* '' is one quote */
		} else if (c == q) {
			(*s)++;
			return 0;
		} else if (c == '\\' && q == '"') {
			if (++*s == end)
				break;
			c = **s;
			if (c == 't')
				c = '\t';
			else if (c != '\\' && c != '"' && c != '/')
				return fail(p, "unsupported escape '\\%c'", c);
		}
		if (n + 1 >= cap)
			return fail(p, "a value is longer than %zu bytes", cap - 1);
		out[n++] = c;
		out[n] = '\0';
	}
	return fail(p, "unterminated quoted string");
}

/* A key: quoted, or plain up to the ':' that ends it. */
static int parse_key(struct parser *p, const char **s, const char *end, struct line *l)
{
	const char *k = *s;

	l->key[0] = '\0';
	if (*k == '"' || *k == '\'') {
		if (quoted(p, s, end, l->key, sizeof(l->key)) < 0)
			return -1;
	} else {
		while (*s < end && !(**s == ':' && (*s + 1 == end || (*s)[1] == ' ')))
			(*s)++;
		while (*s > k && (*s)[-1] == ' ')
			(*s)--;
		if ((size_t)(*s - k) >= sizeof(l->key))
			return fail(p, "a key is longer than %zu bytes",
				    sizeof(l->key) - 1);
		memcpy(l->key, k, (size_t)(*s - k));
		l->key[*s - k] = '\0';
		while (*s < end && **s == ' ')
			(*s)++;
	}
	if (*s == end || **s != ':' || (*s + 1 < end && (*s)[1] != ' '))
		return fail(p, "expected 'key: value'");
	if (!l->key[0])
		return fail(p, "empty key");
	if (strchr("-?[]{}&*!|>%@`#,", l->key[0]) && k[0] != '"' && k[0] != '\'')
		return fail(p, "'%.40s': only mappings of plain keys are supported",
			    l->key);
	(*s)++;
	return 0;
}

/* The value after "key:", if any: plain to a " #" comment, or quoted. */
static int parse_value(struct parser *p, const char *s, const char *end, struct line *l)
{
	const char *v;

	while (s < end && *s == ' ')
		s++;
	l->has_value = s < end && *s != '#';
	l->value[0] = '\0';
	if (!l->has_value)
		return 0;
	if (*s == '"' || *s == '\'') {
		if (quoted(p, &s, end, l->value, sizeof(l->value)) < 0)
			return -1;
		while (s < end && *s == ' ')
			s++;
		if (s < end && *s != '#')
			return fail(p, "text after a quoted value");
		return 0;
	}
	if (end - s == 2 && !memcmp(s, "{}", 2)) { /* an empty mapping */
		l->has_value = false;
		return 0;
	}
	if (strchr("[]{}&*!|>%@`,", *s) || (*s == '-' && (s + 1 == end || s[1] == ' ')))
		return fail(p, "'%c': only plain or quoted scalars are supported", *s);
	for (v = s; s < end && !(*s == '#' && s[-1] == ' '); s++)
		if (*s == ':' && (s + 1 == end || s[1] == ' '))
			return fail(p, "a value cannot hold ': ' unquoted");
	while (s > v && s[-1] == ' ')
		s--;
	if ((size_t)(s - v) >= sizeof(l->value))
		return fail(p, "a value is longer than %zu bytes", sizeof(l->value) - 1);
	memcpy(l->value, v, (size_t)(s - v));
	l->value[s - v] = '\0';
	return 0;
}

/* Splits one line; returns 1 for a blank or comment line, 0, or -1. */
static int parse_line(struct parser *p, const char *s, const char *end, struct line *l)
{
	const char *start = s;

	if (end > s && end[-1] == '\r')
		end--;
	for (const char *c = s; c < end; c++)
		if ((unsigned char)*c < 0x20 && *c != '\t')
			return fail(p, "control byte 0x%02x", (unsigned char)*c);
	while (s < end && *s == ' ')
		s++;
	if (s < end && *s == '\t')
		return fail(p, "tabs cannot indent YAML");
	if (s == end || *s == '#')
		return 1;
	l->indent = (int)(s - start);
	if (parse_key(p, &s, end, l) < 0)
		return -1;
	return parse_value(p, s, end, l);
}

static char *resolve(const struct parser *p, const char *path)
{
	if (!p->dir || path[0] == '/')
		return xstrdup(path);
	return xasprintf("%s/%s", p->dir, path);
}

static int tls_version(struct parser *p, const char *v, enum webconfig_tls_version *out)
{
	static const char *const names[] = {"", "TLS10", "TLS11", "TLS12", "TLS13"};

	for (size_t i = 1; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(v, names[i])) {
			*out = (enum webconfig_tls_version)i;
			return 0;
		}
	return fail(p,
		    "unknown TLS version '%.40s': expected TLS10, TLS11, TLS12 or TLS13",
		    v);
}

static int client_auth(struct parser *p, const char *v)
{
	static const char *const names[] = {
		"NoClientCert", "RequestClientCert", "RequireAnyClientCert",
		"VerifyClientCertIfGiven", "RequireAndVerifyClientCert"};

	if (!*v)
		return 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(v, names[i])) {
			p->out->client_auth = (enum webconfig_client_auth)i;
			return 0;
		}
	if (!strcmp(v, "RequireClientCert")) { /* the toolkit's older name */
		p->out->client_auth = WEBCONFIG_REQUIRE_ANY_CLIENT_CERT;
		return 0;
	}
	return fail(p, "unknown client_auth_type '%.60s'", v);
}

/* The toolkit's keys vigil does not implement: refused by name. */
static bool known_unsupported(enum section s, const char *key)
{
	static const char *const tls[] = {"cert",
					  "key",
					  "client_ca",
					  "cipher_suites",
					  "curve_preferences",
					  "prefer_server_cipher_suites",
					  "client_allowed_sans"};
	static const char *const top[] = {"http_server_config", "rate_limit"};
	const char *const *names = s == SEC_TLS ? tls : top;
	size_t n = s == SEC_TLS ? sizeof(tls) / sizeof(tls[0])
				: sizeof(top) / sizeof(top[0]);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(key, names[i]))
			return true;
	return false;
}

static int tls_entry(struct parser *p, const struct line *l)
{
	static const char *const keys[] = {"cert_file",	     "key_file",
					   "client_ca_file", "client_auth_type",
					   "min_version",    "max_version"};
	struct webconfig *c = p->out;
	size_t i = 0;

	while (i < sizeof(keys) / sizeof(keys[0]) && strcmp(l->key, keys[i]))
		i++;
	if (i == sizeof(keys) / sizeof(keys[0]))
		return known_unsupported(SEC_TLS, l->key)
			       ? fail(p,
				      "tls_server_config: '%s' is not supported by vigil",
				      l->key)
			       : fail(p, "unknown key '%.40s' in tls_server_config",
				      l->key);
	if (p->seen_tls & (1u << i))
		return fail(p, "duplicate key '%s' in tls_server_config", l->key);
	p->seen_tls |= 1u << i;
	if (!l->value[0] && i != 3) /* empty: as if not given */
		return 0;
	switch (i) {
	case 0:
		c->cert_file = resolve(p, l->value);
		return 0;
	case 1:
		c->key_file = resolve(p, l->value);
		return 0;
	case 2:
		c->client_ca_file = resolve(p, l->value);
		return 0;
	case 3:
		return client_auth(p, l->value);
	case 4:
		return tls_version(p, l->value, &c->min_version);
	default:
		return tls_version(p, l->value, &c->max_version);
	}
}

static bool bcrypt_hash(const char *h)
{
	int ok;

	if (strlen(h) != BCRYPT_LEN || h[0] != '$' || h[1] != '2' ||
	    !strchr("aby", h[2]) || h[3] != '$')
		return false;
	ok = crypt_checksalt(h);
	return ok == CRYPT_SALT_OK || ok == CRYPT_SALT_METHOD_LEGACY;
}

static int user_entry(struct parser *p, const struct line *l)
{
	struct webconfig *c = p->out;

	if (strchr(l->key, ':'))
		return fail(p, "user '%.40s': a basic auth user name cannot hold ':'",
			    l->key);
	for (size_t i = 0; i < c->nusers; i++)
		if (!strcmp(c->users[i].name, l->key))
			return fail(p, "duplicate user '%.40s'", l->key);
	if (!bcrypt_hash(l->value))
		return fail(p,
			    "user '%.40s': not a bcrypt hash ($2y$, $2b$ or $2a$, "
			    "%d characters)",
			    l->key, BCRYPT_LEN);
	c->users = xrealloc(c->users, (c->nusers + 1) * sizeof(*c->users));
	c->users[c->nusers].name = xstrdup(l->key);
	c->users[c->nusers].hash = xstrdup(l->value);
	c->nusers++;
	return 0;
}

static int top_entry(struct parser *p, const struct line *l)
{
	enum section s = !strcmp(l->key, "tls_server_config")  ? SEC_TLS
			 : !strcmp(l->key, "basic_auth_users") ? SEC_USERS
							       : SEC_NONE;

	if (s == SEC_NONE)
		return known_unsupported(SEC_NONE, l->key)
			       ? fail(p, "'%s' is not supported by vigil", l->key)
			       : fail(p, "unknown key '%.40s'", l->key);
	if (p->seen_top[s])
		return fail(p, "duplicate key '%s'", l->key);
	if (l->has_value && strcmp(l->value, "null") && strcmp(l->value, "~"))
		return fail(p, "'%s' is a mapping: its entries go on the lines below",
			    l->key);
	p->seen_top[s] = true;
	p->section = s;
	p->child_indent = 0;
	if (s == SEC_TLS)
		p->out->tls = true;
	return 0;
}

static int entry(struct parser *p, const struct line *l)
{
	if (l->indent == 0)
		return top_entry(p, l);
	if (p->section == SEC_NONE)
		return fail(p, "unexpected indentation");
	if (!p->child_indent)
		p->child_indent = l->indent;
	if (l->indent != p->child_indent)
		return fail(p, "unexpected indentation (only two levels)");
	if (!l->has_value)
		return fail(p, "'%.40s' needs a value", l->key);
	return p->section == SEC_TLS ? tls_entry(p, l) : user_entry(p, l);
}

/* What holds across keys, once the whole file is read. */
static int check_whole(struct parser *p)
{
	const struct webconfig *c = p->out;

	p->lineno = 0;
	if (!c->tls)
		return 0;
	if (!c->cert_file || !c->key_file)
		return fail(p, "tls_server_config needs cert_file and key_file");
	if (c->client_ca_file && c->client_auth == WEBCONFIG_NO_CLIENT_CERT)
		return fail(p, "client_ca_file is set but client_auth_type is not");
	if (c->client_auth != WEBCONFIG_NO_CLIENT_CERT && !c->client_ca_file)
		return fail(p, "client_auth_type needs client_ca_file in vigil");
	if (c->max_version && c->min_version > c->max_version)
		return fail(p, "min_version is above max_version");
	return 0;
}

int webconfig_parse(const char *text, size_t len, const char *dir, struct webconfig *out,
		    char *err, size_t errlen)
{
	struct parser p = {.out = out, .dir = dir, .err = err, .errlen = errlen};
	const char *s = text, *end = text + len;
	struct line *l = xmalloc(sizeof(*l));
	bool first = true;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (memchr(text, '\0', len))
		rc = fail(&p, "a NUL byte in the file");
	while (!rc && s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *eol = nl ? nl : end;

		p.lineno++;
		if (first && eol - s >= 3 && !memcmp(s, "---", 3) &&
		    (eol - s == 3 || s[3] == ' ' || s[3] == '\r')) {
			s = eol + (nl != NULL);
			continue;
		}
		rc = parse_line(&p, s, eol, l);
		if (rc == 1) {
			rc = 0;
		} else if (rc == 0) {
			first = false;
			rc = entry(&p, l);
		}
		s = eol + (nl != NULL);
	}
	free(l);
	if (!rc)
		rc = check_whole(&p);
	if (rc < 0)
		webconfig_release(out);
	if (!out->tls)
		out->min_version = WEBCONFIG_TLS_ANY;
	else if (!out->min_version)
		out->min_version = WEBCONFIG_TLS12;
	return rc;
}

void webconfig_release(struct webconfig *c)
{
	free(c->cert_file);
	free(c->key_file);
	free(c->client_ca_file);
	for (size_t i = 0; i < c->nusers; i++) {
		free(c->users[i].name);
		free(c->users[i].hash);
	}
	free(c->users);
	free(c->cert_pem);
	free(c->key_pem);
	free(c->client_ca_pem);
	memset(c, 0, sizeof(*c));
}

/* A regular file of at most max bytes, NUL-ended; NULL with err. */
static char *read_small(const char *path, size_t max, size_t *lenp, char *err,
			size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	struct stat st;
	char *buf = NULL;
	ssize_t n = -1;

	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "cannot read '%s': not a regular file", path);
	} else if ((size_t)st.st_size > max) {
		snprintf(err, errlen, "cannot read '%s': larger than %zu KiB", path,
			 max / 1024);
	} else {
		buf = xmalloc((size_t)st.st_size + 1);
		n = read(fd, buf, (size_t)st.st_size);
		if (n < 0)
			snprintf(err, errlen, "cannot read '%s': %s", path,
				 strerror(errno));
	}
	if (fd >= 0)
		close(fd);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	if (lenp)
		*lenp = (size_t)n;
	return buf;
}

int webconfig_load(const char *path, struct webconfig *out, char *err, size_t errlen)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xasprintf("%.*s", (int)(slash - path + !(slash - path)), path)
			  : NULL;
	size_t len;
	char *text = read_small(path, WEBCONFIG_FILE_MAX, &len, err, errlen);
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (text)
		rc = webconfig_parse(text, len, dir, out, err, errlen);
	free(text);
	free(dir);
	if (rc < 0 || !out->tls)
		return rc;
	if (!(out->cert_pem =
		      read_small(out->cert_file, WEBCONFIG_PEM_MAX, NULL, err, errlen)) ||
	    !(out->key_pem =
		      read_small(out->key_file, WEBCONFIG_PEM_MAX, NULL, err, errlen)) ||
	    (out->client_ca_file &&
	     !(out->client_ca_pem = read_small(out->client_ca_file, WEBCONFIG_PEM_MAX,
					       NULL, err, errlen)))) {
		webconfig_release(out);
		return -1;
	}
	return 0;
}

const char *webconfig_tls_priorities(const struct webconfig *c, char *buf, size_t len)
{
	static const char *const vers[] = {"", "TLS1.0", "TLS1.1", "TLS1.2", "TLS1.3"};
	int lo = c->min_version ? (int)c->min_version : WEBCONFIG_TLS12;
	int hi = c->max_version ? (int)c->max_version : WEBCONFIG_TLS13;
	size_t n = (size_t)snprintf(buf, len, "NORMAL:-VERS-ALL");

	for (int v = hi; v >= lo && n < len; v--)
		n += (size_t)snprintf(buf + n, len - n, ":+VERS-%s", vers[v]);
	return buf;
}

bool webconfig_equal(const void *a, const void *b, size_t n)
{
	const volatile unsigned char *x = a, *y = b;
	unsigned char diff = 0;

	for (size_t i = 0; i < n; i++)
		diff |= x[i] ^ y[i];
	return diff == 0;
}

int webconfig_check_user(const struct webconfig *c, const char *user,
			 const char *password)
{
	struct crypt_data *cd;
	const char *hash, *got;
	int found = -1;
	bool same;

	if (!c->nusers)
		return -1;
	for (size_t i = 0; i < c->nusers; i++)
		if (!strcmp(c->users[i].name, user))
			found = (int)i;
	/* an unknown user costs the same bcrypt run, against the first hash,
	 * and fails whatever it gives */
	hash = c->users[found >= 0 ? found : 0].hash;
	cd = xcalloc(1, sizeof(*cd));
	got = crypt_rn(password, hash, cd, (int)sizeof(*cd));
	same = got && strlen(got) == strlen(hash) &&
	       webconfig_equal(got, hash, strlen(hash));
	free(cd);
	return same && found >= 0 ? found : -1;
}
