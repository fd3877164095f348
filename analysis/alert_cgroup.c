/* SPDX-License-Identifier: MIT */
/*
 * alert_cgroup: cgroup[PATH].FIELD metrics (see alert_cgroup.h). A name is
 * split at the last "]." so a path may hold dots and brackets of its own.
 */
#include "analysis/alert_cgroup.h"

#include <stdio.h>
#include <string.h>

enum field {
	F_MEMORY,
	F_MEMORY_OF_MAX,
	F_CPU,
	F_CPU_OF_MAX,
	F_THROTTLED,
	F_OOM_KILLS,
	F_SWAP,
	F_PIDS,
	F_PSI_CPU,
	F_PSI_MEMORY,
	F_PSI_IO,
	F_N
};

static const struct {
	const char *name;
	enum rule_unit unit;
} fields[F_N] = {
	[F_MEMORY] = {"memory", RULE_UNIT_BYTES},
	[F_MEMORY_OF_MAX] = {"memory.of_max", RULE_UNIT_PERCENT},
	[F_CPU] = {"cpu", RULE_UNIT_PERCENT},
	[F_CPU_OF_MAX] = {"cpu.of_max", RULE_UNIT_PERCENT},
	[F_THROTTLED] = {"throttled", RULE_UNIT_PERCENT},
	[F_OOM_KILLS] = {"oom_kills", RULE_UNIT_NUMBER},
	[F_SWAP] = {"swap", RULE_UNIT_BYTES},
	[F_PIDS] = {"pids", RULE_UNIT_NUMBER},
	[F_PSI_CPU] = {"psi.cpu", RULE_UNIT_PERCENT},
	[F_PSI_MEMORY] = {"psi.memory", RULE_UNIT_PERCENT},
	[F_PSI_IO] = {"psi.io", RULE_UNIT_PERCENT},
};

/* Splits "cgroup[PATH].FIELD": the path with a leading '/' into path, the
 * field's index; -1 when name is not of that shape. */
static int split(const char *name, char *path, size_t cap)
{
	const char *open = "cgroup[", *close;
	size_t n = strlen(open);

	if (strncmp(name, open, n))
		return -1;
	close = strrchr(name, ']');
	if (!close || close[1] != '.' || close == name + n)
		return -1;
	for (int f = 0; f < F_N; f++) {
		if (strcmp(close + 2, fields[f].name))
			continue;
		if (path && snprintf(path, cap, "%s%.*s", name[n] == '/' ? "" : "/",
				     (int)(close - name - (long)n), name + n) >= (int)cap)
			return -1;
		/* "/x/" names the same cgroup as "/x" */
		if (path && strlen(path) > 1 && path[strlen(path) - 1] == '/')
			path[strlen(path) - 1] = '\0';
		return f;
	}
	return -1;
}

bool alert_cgroup_name_valid(const char *name, enum rule_unit *unit)
{
	char path[512];
	int f = split(name, path, sizeof(path));

	if (f < 0)
		return false;
	*unit = fields[f].unit;
	return true;
}

static enum alert_lookup_rc number(struct alert_value *out, double v)
{
	out->is_word = false;
	out->number = v;
	return ALERT_VALUE;
}

/* A counter's move since prev's row; false when it has none or went back. */
static bool moved(const struct cgroup_row *r, const struct cgroup_row *p, unsigned have,
		  uint64_t now, uint64_t before, uint64_t *out)
{
	if (!p || !(r->have & p->have & have) || now < before)
		return false;
	*out = now - before;
	return true;
}

static enum alert_lookup_rc value(const struct cgroup_row *r, const struct cgroup_row *p,
				  int f, struct alert_value *out)
{
	uint64_t a, b;
	bool quota = (r->have & CGROUP_HAVE_QUOTA) &&
		     r->cpu_quota_us != CGROUP_UNLIMITED && r->cpu_period_us > 0;
	bool limit = (r->have & CGROUP_HAVE_MEM_LIMIT) &&
		     r->mem_max != CGROUP_UNLIMITED && r->mem_max > 0;

	switch (f) {
	case F_MEMORY:
	case F_MEMORY_OF_MAX:
		if (!(r->have & CGROUP_HAVE_MEM) || (f == F_MEMORY_OF_MAX && !limit))
			return ALERT_UNAVAILABLE;
		return number(out, f == F_MEMORY ? (double)r->mem_current
						 : (double)r->mem_current * 100.0 /
							   (double)r->mem_max);
	case F_CPU:
	case F_CPU_OF_MAX:
		if (r->cpu_pct < 0 || (f == F_CPU_OF_MAX && !quota))
			return ALERT_UNAVAILABLE;
		return number(out, f == F_CPU ? r->cpu_pct
					      : r->cpu_pct * (double)r->cpu_period_us /
							(double)r->cpu_quota_us);
	case F_THROTTLED:
		if (!moved(r, p, CGROUP_HAVE_THROTTLE, r->nr_periods,
			   p ? p->nr_periods : 0, &a) ||
		    !moved(r, p, CGROUP_HAVE_THROTTLE, r->nr_throttled,
			   p ? p->nr_throttled : 0, &b))
			return ALERT_UNAVAILABLE;
		return number(out, a ? (double)b * 100.0 / (double)a : 0);
	case F_OOM_KILLS:
		if (!moved(r, p, CGROUP_HAVE_OOM_KILL, r->oom_kill, p ? p->oom_kill : 0,
			   &a))
			return ALERT_UNAVAILABLE;
		return number(out, (double)a);
	case F_SWAP:
		if (!(r->have & CGROUP_HAVE_SWAP))
			return ALERT_UNAVAILABLE;
		return number(out, (double)r->swap_current);
	case F_PIDS:
		if (!(r->have & CGROUP_HAVE_PIDS))
			return ALERT_UNAVAILABLE;
		return number(out, (double)r->pids_current);
	default: {
		const struct psi *psi = &r->psi[f - F_PSI_CPU];

		if (!psi->present)
			return ALERT_UNAVAILABLE;
		return number(out, psi->some.avg10);
	}
	}
}

enum alert_lookup_rc alert_cgroup_lookup(const struct frame *cur,
					 const struct frame *prev, const char *name,
					 struct alert_value *out)
{
	char path[512];
	int f = split(name, path, sizeof(path));
	const struct cgroup_row *r;

	if (f < 0)
		return ALERT_NOT_FOUND;
	if (!cur || !(r = cgroup_table_find(&cur->cgroups, path)))
		return ALERT_UNAVAILABLE;
	return value(r, prev ? cgroup_table_find(&prev->cgroups, path) : NULL, f, out);
}
