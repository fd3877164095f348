/* SPDX-License-Identifier: MIT */
/* timeline: neighbour-tick lookups and tick indexes over ticks(t_ms). */
#include "store/timeline.h"

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
