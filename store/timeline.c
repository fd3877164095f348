/* SPDX-License-Identifier: MIT */
/* timeline: neighbour-tick lookups and tick indexes over ticks(t_ms). */
#include "store/timeline.h"

#include <stdbool.h>

#include "store/store-internal.h"

static const char *const seek_sql[] = {
	[TIMELINE_AT_OR_BEFORE] = "SELECT max(t_ms) FROM ticks WHERE t_ms <= ?1",
	[TIMELINE_AFTER] = "SELECT min(t_ms) FROM ticks WHERE t_ms > ?1",
	[TIMELINE_BEFORE] = "SELECT max(t_ms) FROM ticks WHERE t_ms < ?1",
	[TIMELINE_AT_OR_AFTER] = "SELECT min(t_ms) FROM ticks WHERE t_ms >= ?1",
};

/* Runs a one-value query with t bound; 0 with *out, 1 for NULL, -1 on error. */
static int one_value(struct store *s, const char *sql, int64_t t, int64_t *out)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store_fail_sql(s, "cannot read the timeline");
	sqlite3_bind_int64(st, 1, t);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return store_fail_sql(s, "cannot read the timeline");
	}
	if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
		sqlite3_finalize(st);
		return 1;
	}
	*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

int timeline_seek(struct store *s, int64_t t_ms, enum timeline_dir dir, int64_t *out_ms)
{
	return one_value(s, seek_sql[dir], t_ms, out_ms);
}

int timeline_index(struct store *s, int64_t t_ms, uint64_t *index)
{
	int64_t n = 0;
	int rc = one_value(s, "SELECT count(*) FROM ticks WHERE t_ms <= ?1", t_ms, &n);

	if (rc < 0)
		return -1;
	*index = (uint64_t)n;
	return 0;
}

int timeline_target_alive(struct store *s, int64_t t_ms, int64_t *out_ms)
{
	return one_value(
		s,
		"SELECT max(k.t_ms) FROM target_samples g JOIN ticks k ON k.seq = g.tick "
		"WHERE g.alive = 1 AND k.t_ms <= ?1",
		t_ms, out_ms);
}

/* The newest (last) or oldest tick in [a, b] whose target is not pid. */
static int other_target(struct store *s, bool last, int pid, uint64_t start, int64_t a,
			int64_t b, int64_t *out)
{
	static const char *const sql[2] = {
		"SELECT min(k.t_ms) FROM ticks k JOIN target_samples g ON g.tick = k.seq "
		"WHERE k.t_ms BETWEEN ?1 AND ?2 AND (g.pid <> ?3 OR g.start_ticks <> ?4)",
		"SELECT max(k.t_ms) FROM ticks k JOIN target_samples g ON g.tick = k.seq "
		"WHERE k.t_ms BETWEEN ?1 AND ?2 AND (g.pid <> ?3 OR g.start_ticks <> ?4)",
	};
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql[last], -1, &st, NULL) != SQLITE_OK)
		return store_fail_sql(s, "cannot read the timeline");
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	sqlite3_bind_int(st, 3, pid);
	sqlite3_bind_int64(st, 4, (int64_t)start);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return store_fail_sql(s, "cannot read the timeline");
	}
	rc = sqlite3_column_type(st, 0) == SQLITE_NULL ? 1 : 0;
	if (!rc)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc;
}

int timeline_target_run(struct store *s, int pid, uint64_t start_ticks, int64_t t0,
			int64_t t_ms, int64_t t1, int64_t *from_ms, int64_t *to_ms)
{
	int64_t t;
	int rc;

	*from_ms = t0;
	*to_ms = t1 + 1;
	rc = other_target(s, true, pid, start_ticks, t0, t_ms, &t);
	if (rc < 0)
		return -1;
	if (rc == 0)
		*from_ms = t + 1;
	rc = t_ms < t1 ? other_target(s, false, pid, start_ticks, t_ms + 1, t1, &t) : 1;
	if (rc < 0)
		return -1;
	if (rc == 0)
		*to_ms = t;
	return 0;
}
