/* SPDX-License-Identifier: MIT */
/*
 * cgroup_name: systemd units, containers and pods from a cgroup path (see
 * cgroup_name.h). The shapes recognised, one path component at a time:
 *
 *   docker-<id>.scope  libpod-<id>.scope  cri-containerd-<id>.scope
 *   crio-<id>.scope    <id> under docker/, k8s.io/, libpod_parent/ or a pod
 *   kubepods-<qos>-pod<uid_with_underscores>.slice  pod<uid-with-dashes>
 *   a:cri-containerd:<id> (containerd's systemd driver on cgroupfs)
 *
 * where <id> is 64 hex digits. conmon's scopes (libpod-conmon-<id>.scope,
 * crio-conmon-<id>.scope) are monitors, not the container, and stay scopes.
 */
#include "core/cgroup_name.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

/* "<prefix><64 hex><suffix>" exactly; the id's start, or NULL. */
static const char *id_between(const char *c, size_t n, const char *prefix,
			      const char *suffix)
{
	size_t pl = strlen(prefix), sl = strlen(suffix);

	if (n != pl + 64 + sl || strncmp(c, prefix, pl) ||
	    strncmp(c + pl + 64, suffix, sl) || !is_hex(c + pl, 64))
		return NULL;
	return c + pl;
}

static bool ends_with(const char *c, size_t n, const char *suffix)
{
	size_t sl = strlen(suffix);

	return n >= sl && !strncmp(c + n - sl, suffix, sl);
}

static void set_container(struct cgroup_ident *out, const char *runtime, const char *id)
{
	snprintf(out->runtime, sizeof(out->runtime), "%s", runtime);
	memcpy(out->container_id, id, 64);
	out->container_id[64] = '\0';
	memcpy(out->short_id, id, 12);
	out->short_id[12] = '\0';
}

/* A pod UID of 36 characters, '_' (systemd escaping) read as '-'. */
static bool set_pod(struct cgroup_ident *out, const char *uid, size_t n)
{
	if (n != 36)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = uid[i] == '_' ? '-' : uid[i];
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? c != '-' : !is_hex(&c, 1))
			return false;
		out->pod_uid[i] = c;
	}
	out->pod_uid[n] = '\0';
	return true;
}

static void set_qos(struct cgroup_ident *out, const char *c, size_t n)
{
	static const char *const qos[] = {"burstable", "besteffort", "guaranteed"};

	for (size_t i = 0; i < sizeof(qos) / sizeof(qos[0]); i++) {
		if (strstr(c, qos[i]) && strstr(c, qos[i]) < c + n) {
			snprintf(out->qos, sizeof(out->qos), "%s", qos[i]);
			return;
		}
	}
}

/* A pod component: kubepods[-qos]-pod<uid>.slice or pod<uid>. */
static bool match_pod(struct cgroup_ident *out, const char *c, size_t n, bool in_kube)
{
	const char *p;

	if (n > 6 && !strncmp(c, "kubepods", 8) && ends_with(c, n, ".slice")) {
		p = strstr(c, "-pod");
		if (!p || p >= c + n)
			return false;
		if (!set_pod(out, p + 4, (size_t)(c + n - 6 - (p + 4))))
			return false;
		set_qos(out, c, n);
		return true;
	}
	return in_kube && n == 39 && !strncmp(c, "pod", 3) && set_pod(out, c + 3, 36);
}

static const char *const scopes[][2] = {
	{"docker-", "docker"},
	{"libpod-", "podman"},
	{"cri-containerd-", "containerd"},
	{"crio-", "crio"},
	{"containerd-", "containerd"},
};

/* One component; true when it is a container. parent: the one before. */
static bool match_container(struct cgroup_ident *out, const char *c, size_t n,
			    const char *parent, size_t pn, bool in_pod)
{
	const char *id, *colon;

	for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
		id = id_between(c, n, scopes[i][0], ".scope");
		if (id) {
			set_container(out, scopes[i][1], id);
			return true;
		}
	}
	colon = memchr(c, ':', n);
	if (colon && n >= 65 && c[n - 65] == ':' && is_hex(c + n - 64, 64)) {
		/* "<pod slice>:cri-containerd:<id>" */
		match_pod(out, c, (size_t)(colon - c), true);
		set_container(out, strstr(c, ":crio:") ? "crio" : "containerd",
			      c + n - 64);
		return true;
	}
	if (n == 64 && is_hex(c, 64)) {
		const char *rt = in_pod ? "cri" : "container";

		if (pn == 6 && !strncmp(parent, "docker", 6))
			rt = "docker";
		else if ((pn == 6 && !strncmp(parent, "k8s.io", 6)) ||
			 (pn == 10 && !strncmp(parent, "containerd", 10)))
			rt = "containerd";
		else if (pn == 13 && !strncmp(parent, "libpod_parent", 13))
			rt = "podman";
		set_container(out, rt, c);
		return true;
	}
	return false;
}

static void name_unit(struct cgroup_ident *out, const char *c, size_t n)
{
	if (ends_with(c, n, ".slice"))
		out->kind = CGROUP_KIND_SLICE;
	else if (ends_with(c, n, ".service"))
		out->kind = CGROUP_KIND_SERVICE;
	else if (ends_with(c, n, ".scope"))
		out->kind = CGROUP_KIND_SCOPE;
	else
		out->kind = CGROUP_KIND_OTHER;
	snprintf(out->name, sizeof(out->name), "%.*s", (int)n, c);
}

void cgroup_identify(const char *path, struct cgroup_ident *out)
{
	const char *p = path ? path : "", *parent = "", *c = "";
	size_t pn = 0, n = 0;
	bool in_kube = false, last_container = false, last_pod = false;

	memset(out, 0, sizeof(*out));
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		parent = c;
		pn = n;
		c = p;
		n = strcspn(p, "/");
		p += n;
		if (n >= 8 && !strncmp(c, "kubepods", 8)) {
			in_kube = true;
			set_qos(out, c, n);
		}
		if (in_kube && n < 16)
			set_qos(out, c, n); /* cgroupfs: kubepods/burstable */
		last_pod = match_pod(out, c, n, in_kube);
		last_container = !last_pod &&
				 match_container(out, c, n, parent, pn, out->pod_uid[0]);
	}
	if (n == 0) {
		out->kind = CGROUP_KIND_ROOT;
		snprintf(out->name, sizeof(out->name), "/");
	} else if (last_container) {
		out->kind = CGROUP_KIND_CONTAINER;
		snprintf(out->name, sizeof(out->name), "%s:%s", out->runtime,
			 out->short_id);
	} else if (last_pod) {
		out->kind = CGROUP_KIND_POD;
		snprintf(out->name, sizeof(out->name), "pod:%s", out->pod_uid);
	} else {
		name_unit(out, c, n);
	}
}

const char *cgroup_kind_name(enum cgroup_kind kind)
{
	switch (kind) {
	case CGROUP_KIND_ROOT:
		return "root";
	case CGROUP_KIND_SLICE:
		return "slice";
	case CGROUP_KIND_SERVICE:
		return "service";
	case CGROUP_KIND_SCOPE:
		return "scope";
	case CGROUP_KIND_POD:
		return "pod";
	case CGROUP_KIND_CONTAINER:
		return "container";
	case CGROUP_KIND_OTHER:
		break;
	}
	return "other";
}
