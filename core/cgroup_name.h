/* SPDX-License-Identifier: MIT */
/*
 * cgroup_name: what a cgroup is, told from its path alone. Operators think
 * in systemd units, containers and pods, not in paths such as
 * /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1f2e_....slice/
 * cri-containerd-4b1c....scope, so every screen and report names a cgroup
 * by what this says.
 *
 * Invariants:
 * - Pure: text in, struct out, no I/O; any string is accepted (a path that
 *   matches nothing is CGROUP_KIND_OTHER with its last component as name).
 * - A container id is 64 lower-case hex digits as runtimes write it; short
 *   is its first 12, as `docker ps` shows it.
 * - The innermost match wins: a docker container inside a pod is a
 *   container with the pod's UID beside it.
 */
#ifndef VIGIL_CORE_CGROUP_NAME_H
#define VIGIL_CORE_CGROUP_NAME_H

#include <stddef.h>

enum cgroup_kind {
	CGROUP_KIND_OTHER,
	CGROUP_KIND_ROOT,      /* "/" */
	CGROUP_KIND_SLICE,     /* systemd *.slice */
	CGROUP_KIND_SERVICE,   /* systemd *.service */
	CGROUP_KIND_SCOPE,     /* systemd *.scope that is not a container */
	CGROUP_KIND_POD,       /* a Kubernetes pod (pod UID) */
	CGROUP_KIND_CONTAINER, /* docker, podman, containerd, cri-o (container id) */
};

#define CGROUP_ID_MAX 65  /* 64 hex digits */
#define CGROUP_UID_MAX 37 /* 8-4-4-4-12 */
#define CGROUP_NAME_MAX 128

struct cgroup_ident {
	enum cgroup_kind kind;
	char runtime[16];		  /* docker podman containerd crio; "" */
	char container_id[CGROUP_ID_MAX]; /* full id; "" */
	char short_id[13];		  /* first 12 of container_id; "" */
	char pod_uid[CGROUP_UID_MAX];	  /* with dashes, as kubectl shows it; "" */
	char qos[12];			  /* guaranteed burstable besteffort; "" */
	/* what to call it: "nginx.service", "docker:4b1c2d3e4f5a",
	 * "pod:1f2e...", the last component otherwise; "/" for the root */
	char name[CGROUP_NAME_MAX];
};

/* Fills *out from path ("/system.slice/nginx.service"); never fails. */
void cgroup_identify(const char *path, struct cgroup_ident *out);

/* "other" "root" "slice" "service" "scope" "pod" "container". Static. */
const char *cgroup_kind_name(enum cgroup_kind kind);

#endif
