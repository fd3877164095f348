/* SPDX-License-Identifier: MIT */
/*
 * history: copying a window of a directory's segments into one session
 * (store/history.h says why a copy).
 *
 * Each segment is ATTACHed read-only as "seg" (immutable when no writer has
 * a -wal beside it), copied inside one SAVEPOINT, and DETACHed: one attached
 * file at a time, whatever the number of segments. A table is copied by one
 * INSERT .. SELECT over the columns both files have (an older segment lacks
 * a later column: it stays NULL, as in that file), with the columns that
 * refer to another row rewritten: tick seqs shifted past the copy's last
 * tick, ids of profiles, alert events, notices and actions shifted past the
 * copy's largest, and identities (processes, heap mappings, StatsD metric
 * names) looked up in a map built first, so one seen before is reused.
 *
 * The table list below is the copy's knowledge of the schema; a table it
 * lacks is not copied, and tests/unit/test_history.c fails when a
 * migration adds one without a line here.
 */
#include "store/history.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "core/xalloc.h"
#include "store/store-internal.h"

/* How a column's value is carried over. */
enum remap {
	R_TICK = 1, /* a ticks.seq: + :tick */
	R_OFF,	    /* the table's own id: + :off */
	R_PROFILE,  /* a profiles.id: + :profile */
	R_EVENT,    /* an alert_events.id: + :event */
	R_PROC,	    /* a procs.id: through temp.map_procs */
	R_MAPPING,  /* a mappings.id: through temp.map_mappings */
	R_METRIC,   /* an app_metrics.id: through temp.map_app_metrics */
	R_CGROUP,   /* a cgroups.id: through temp.map_cgroups */
};

#define COPY_MAX_REMAPS 3

struct copy_table {
	const char *name;
	/* identity tables: how a row of the segment finds the same identity in
	 * the copy (m: the copy's row, s: the segment's) */
	const char *match;
	const char *map; /* identity tables: temp table of old id -> new id */
	struct {
		const char *col;
		enum remap how;
	} remap[COPY_MAX_REMAPS];
};

/* Parents before children. sessions and rollups are copied by hand. */
static const struct copy_table tables[] = {
	{"ticks", NULL, NULL, {{"seq", R_TICK}}},
	{"procs",
	 "m.pid = s.pid AND m.start_ticks = s.start_ticks",
	 "map_procs",
	 {{"id", R_OFF}, {"first_tick", R_TICK}, {"last_tick", R_TICK}}},
	{"mappings",
	 "m.pid = s.pid AND m.start_ticks = s.start_ticks AND m.key = s.key",
	 "map_mappings",
	 {{"id", R_OFF}}},
	{"app_metrics",
	 "m.name = s.name AND m.kind = s.kind",
	 "map_app_metrics",
	 {{"id", R_OFF}}},
	{"profiles", NULL, NULL, {{"id", R_OFF}}},
	{"profile_frames", NULL, NULL, {{"profile", R_PROFILE}}},
	{"profile_nodes", NULL, NULL, {{"profile", R_PROFILE}}},
	{"profile_counts", NULL, NULL, {{"profile", R_PROFILE}}},
	{"profile_threads", NULL, NULL, {{"profile", R_PROFILE}}},
	{"profile_mappings", NULL, NULL, {{"profile", R_PROFILE}}},
	{"profile_frame_places", NULL, NULL, {{"profile", R_PROFILE}}},
	{"profile_duty", NULL, NULL, {{"profile", R_PROFILE}}},
	{"sys_samples", NULL, NULL, {{"tick", R_TICK}}},
	{"cpu_samples", NULL, NULL, {{"tick", R_TICK}}},
	{"proc_samples", NULL, NULL, {{"proc", R_PROC}, {"tick", R_TICK}}},
	{"target_samples", NULL, NULL, {{"tick", R_TICK}}},
	{"thread_samples", NULL, NULL, {{"tick", R_TICK}}},
	{"app_samples", NULL, NULL, {{"metric", R_METRIC}, {"tick", R_TICK}}},
	{"app_ingest", NULL, NULL, {{"tick", R_TICK}}},
	{"heap_rollups", NULL, NULL, {{"tick", R_TICK}}},
	{"mapping_samples", NULL, NULL, {{"mapping", R_MAPPING}, {"tick", R_TICK}}},
	{"smaps_reads", NULL, NULL, {{"tick", R_TICK}}},
	{"jvm_samples", NULL, NULL, {{"tick", R_TICK}}},
	{"leak_verdicts", NULL, NULL, {{"tick", R_TICK}}},
	{"leak_suspects", NULL, NULL, {{"tick", R_TICK}, {"mapping", R_MAPPING}}},
	{"alert_events",
	 NULL,
	 NULL,
	 {{"id", R_OFF}, {"tick", R_TICK}, {"profile", R_PROFILE}}},
	{"alert_top", NULL, NULL, {{"event", R_EVENT}}},
	{"notices", NULL, NULL, {{"id", R_OFF}, {"tick", R_TICK}}},
	{"disk_samples", NULL, NULL, {{"tick", R_TICK}}},
	{"net_samples", NULL, NULL, {{"tick", R_TICK}}},
	{"proc_actions", NULL, NULL, {{"id", R_OFF}}},
	{"proc_exits", NULL, NULL, {{"id", R_OFF}, {"tick", R_TICK}}},
	{"exit_accounting", NULL, NULL, {{"tick", R_TICK}}},
	{"gc_events", NULL, NULL, {{"id", R_OFF}, {"tick", R_TICK}}},
	{"cgroups",
	 "m.path = s.path",
	 "map_cgroups",
	 {{"id", R_OFF}, {"first_tick", R_TICK}, {"last_tick", R_TICK}}},
	{"cgroup_samples", NULL, NULL, {{"cgroup", R_CGROUP}, {"tick", R_TICK}}},
	{"cgroup_io_samples", NULL, NULL, {{"cgroup", R_CGROUP}, {"tick", R_TICK}}},
};

#define NTABLES (sizeof(tables) / sizeof(tables[0]))

/* What one segment's copy shifts by. */
struct shifts {
	int64_t tick, profile, event;
};

struct copier {
	sqlite3 *db;
	char why[512];
	/* the last segment copied with ticks: its largest seq as it had it and
	 * the shift it got; a segment whose seqs go on from there is the same
	 * recorder's next file and keeps the distance (run_known: there is one) */
	bool run_known;
	int64_t run_max, run_shift;
	int64_t seg_max; /* the segment being copied: its largest seq */
};

static int fail_db(struct copier *c, const char *what)
{
	snprintf(c->why, sizeof(c->why), "%s: %s", what, sqlite3_errmsg(c->db));
	return -1;
}

static void bind_if(sqlite3_stmt *st, const char *name, int64_t v)
{
	int i = sqlite3_bind_parameter_index(st, name);

	if (i > 0)
		sqlite3_bind_int64(st, i, v);
}

/* Runs sql (no rows) with :tick, :off, :profile, :event bound where used. */
static int run(struct copier *c, const char *sql, const struct shifts *sh, int64_t off)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
		return fail_db(c, "cannot prepare the copy");
	if (sh) {
		bind_if(st, ":tick", sh->tick);
		bind_if(st, ":profile", sh->profile);
		bind_if(st, ":event", sh->event);
	}
	bind_if(st, ":off", off);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : fail_db(c, "cannot copy");
}

/* One integer from sql (0 for NULL or no row); -1 on failure. */
static int scalar(struct copier *c, const char *sql, int64_t *out)
{
	sqlite3_stmt *st;
	int rc;

	*out = 0;
	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
		return fail_db(c, "cannot prepare the copy");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail_db(c, "cannot read");
}

static const char *map_of(enum remap how)
{
	return how == R_PROC	  ? "map_procs"
	       : how == R_MAPPING ? "map_mappings"
	       : how == R_CGROUP  ? "map_cgroups"
				  : "map_app_metrics";
}

/* The SELECT expression of column col of t, as the copy stores it. */
static char *column_expr(const struct copy_table *t, const char *col)
{
	static const char *const param[] = {[R_TICK] = ":tick",
					    [R_OFF] = ":off",
					    [R_PROFILE] = ":profile",
					    [R_EVENT] = ":event"};

	for (size_t i = 0; i < COPY_MAX_REMAPS && t->remap[i].col; i++) {
		enum remap how = t->remap[i].how;

		if (strcmp(t->remap[i].col, col))
			continue;
		if (how >= R_PROC)
			return xasprintf("(SELECT new FROM temp.%s WHERE old = s.\"%s\")",
					 map_of(how), col);
		return xasprintf("s.\"%s\" + %s", col, param[how]);
	}
	return xasprintf("s.\"%s\"", col);
}

/* "cols" and "exprs" over the columns of t both the copy and seg have;
 * false when seg has no such table. */
static int column_lists(struct copier *c, const struct copy_table *t, char **cols,
			char **exprs)
{
	sqlite3_stmt *st;
	size_t n = 0;
	int rc;

	*cols = xstrdup("");
	*exprs = xstrdup("");
	if (sqlite3_prepare_v2(c->db,
			       "SELECT m.name FROM pragma_table_info(?1, 'main') m"
			       " JOIN pragma_table_info(?1, 'seg') s USING (name)"
			       " ORDER BY m.cid",
			       -1, &st, NULL) != SQLITE_OK)
		return fail_db(c, "cannot list columns");
	sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *col = (const char *)sqlite3_column_text(st, 0);
		char *e = column_expr(t, col), *a, *b;

		a = xasprintf("%s%s\"%s\"", *cols, n ? ", " : "", col);
		b = xasprintf("%s%s%s", *exprs, n ? ", " : "", e);
		free(e);
		free(*cols);
		free(*exprs);
		*cols = a;
		*exprs = b;
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return fail_db(c, "cannot list columns");
	return n > 0;
}

/* An identity table: reuse the copy's row of each identity seen before,
 * add the others with ids shifted past the copy's largest, and remember
 * old -> new in the table's map for the rows that refer to them. */
static int copy_identities(struct copier *c, const struct copy_table *t,
			   const struct shifts *sh, const char *cols, const char *exprs)
{
	char *sql;
	int64_t off;
	int rc;

	sql = xasprintf("DELETE FROM temp.%s;"
			" INSERT INTO temp.%s SELECT s.id, m.id FROM seg.%s s"
			" JOIN main.%s m ON %s",
			t->map, t->map, t->name, t->name, t->match);
	rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL) == SQLITE_OK
		     ? 0
		     : fail_db(c, "cannot map identities");
	free(sql);
	if (rc < 0)
		return -1;
	/* a process seen again lives on to its last tick in this segment */
	if (!strcmp(t->name, "procs") &&
	    run(c,
		"UPDATE main.procs AS m SET last_tick = s.last_tick + :tick,"
		" uid = s.uid, user = s.user, comm = s.comm, cmdline = s.cmdline"
		" FROM seg.procs AS s"
		" WHERE m.pid = s.pid AND m.start_ticks = s.start_ticks",
		sh, 0) < 0)
		return -1;
	/* likewise a cgroup still there */
	if (!strcmp(t->name, "cgroups") &&
	    run(c,
		"UPDATE main.cgroups AS m SET last_tick = s.last_tick + :tick"
		" FROM seg.cgroups AS s WHERE m.path = s.path",
		sh, 0) < 0)
		return -1;
	sql = xasprintf("SELECT max(id) FROM main.%s", t->name);
	rc = scalar(c, sql, &off);
	free(sql);
	if (rc < 0)
		return -1;
	sql = xasprintf("INSERT INTO main.%s (%s) SELECT %s FROM seg.%s s"
			" WHERE s.id NOT IN (SELECT old FROM temp.%s)",
			t->name, cols, exprs, t->name, t->map);
	rc = run(c, sql, sh, off);
	free(sql);
	if (rc < 0)
		return -1;
	sql = xasprintf("INSERT INTO temp.%s SELECT id, id + :off FROM seg.%s"
			" WHERE id NOT IN (SELECT old FROM temp.%s)",
			t->map, t->name, t->map);
	rc = run(c, sql, sh, off);
	free(sql);
	return rc;
}

static int copy_table(struct copier *c, const struct copy_table *t,
		      const struct shifts *sh)
{
	char *cols, *exprs, *sql;
	int64_t off = 0;
	int rc = column_lists(c, t, &cols, &exprs);

	if (rc <= 0)
		goto out;
	if (t->map) {
		rc = copy_identities(c, t, sh, cols, exprs);
		goto out;
	}
	sql = xasprintf("SELECT max(id) FROM main.%s", t->name);
	rc = t->remap[0].how == R_OFF ? scalar(c, sql, &off) : 0;
	free(sql);
	if (rc < 0)
		goto out;
	sql = xasprintf("INSERT INTO main.%s (%s) SELECT %s FROM seg.%s s", t->name, cols,
			exprs, t->name);
	rc = run(c, sql, sh, off);
	free(sql);
out:
	free(cols);
	free(exprs);
	return rc < 0 ? -1 : 0;
}

/* A minute two segments both rolled up (a restart within it) is merged. */
static int copy_rollups(struct copier *c)
{
	return run(c,
		   "INSERT INTO main.rollups (metric, minute, n, min, sum, max)"
		   " SELECT metric, minute, n, min, sum, max FROM seg.rollups WHERE true"
		   " ON CONFLICT (metric, minute) DO UPDATE SET n = n + excluded.n,"
		   " min = coalesce(min(min, excluded.min), min, excluded.min),"
		   " sum = coalesce(sum + excluded.sum, sum, excluded.sum),"
		   " max = coalesce(max(max, excluded.max), max, excluded.max)",
		   NULL, 0);
}

/* The first segment's sessions row; later ones only move its end. */
static int copy_session(struct copier *c, bool first)
{
	const struct copy_table sessions = {"sessions", NULL, NULL, {{NULL, 0}}};
	char *cols, *exprs, *sql;
	int rc;

	if (!first)
		return run(c,
			   "UPDATE main.sessions SET ended_ms ="
			   " (SELECT ended_ms FROM seg.sessions)",
			   NULL, 0);
	if (column_lists(c, &sessions, &cols, &exprs) < 0)
		return -1;
	sql = xasprintf("INSERT INTO main.sessions (%s) SELECT %s FROM seg.sessions s",
			cols, exprs);
	rc = run(c, sql, NULL, 0);
	free(sql);
	free(cols);
	free(exprs);
	return rc;
}

/*
 * A segment's ticks follow the copy's last by one seq, so the first of them
 * continues the copy's last only if little time lies between (a restart
 * that took long, a missing file: a gap, store/gaps.h). The recorder's next
 * file (its seqs go on from the last segment's) keeps the distance instead,
 * so frames the writer dropped or compaction left out at the seam count,
 * and an hour's file missing between two of one run is still a gap.
 */
static int compute_shifts(struct copier *c, struct shifts *sh, int64_t *last_seq)
{
	int64_t min_seq;

	if (scalar(c, "SELECT max(seq) FROM main.ticks", last_seq) < 0 ||
	    scalar(c, "SELECT min(seq) FROM seg.ticks", &min_seq) < 0 ||
	    scalar(c, "SELECT max(seq) FROM seg.ticks", &c->seg_max) < 0 ||
	    scalar(c, "SELECT max(id) FROM main.profiles", &sh->profile) < 0 ||
	    scalar(c, "SELECT max(id) FROM main.alert_events", &sh->event) < 0)
		return -1;
	sh->tick = *last_seq + 1 - min_seq;
	if (c->run_known && min_seq > c->run_max && min_seq + c->run_shift > *last_seq)
		sh->tick = c->run_shift;
	return 0;
}

/*
 * The rows of the attached segment, inside the caller's savepoint. A
 * segment without ticks (compacted to its rollups) brings its rollups and
 * one empty tick per minute; its per-tick tables are empty anyway.
 */
static int copy_rows(struct copier *c, const struct segment *seg, bool first)
{
	struct shifts sh;
	int64_t last_seq;

	if (copy_session(c, first) < 0 || compute_shifts(c, &sh, &last_seq) < 0)
		return -1;
	c->run_known = false;
	if (!seg->ticks) {
		sh.tick = last_seq;
		return run(c,
			   "INSERT INTO main.ticks (seq, t_ms, cost_ns)"
			   " SELECT :tick + row_number() OVER (ORDER BY minute),"
			   " minute * 60000, 0 FROM (SELECT DISTINCT minute FROM "
			   "seg.rollups)",
			   &sh, 0) < 0
			       ? -1
			       : copy_rollups(c);
	}
	/* a process the segment left open (its writer was killed) ended with
	 * it, as far as anyone can tell: close it before the next segment */
	if (!first && (run(c,
			   "UPDATE main.procs SET last_tick = :off"
			   " WHERE last_tick IS NULL",
			   NULL, last_seq) < 0 ||
		       run(c,
			   "UPDATE main.cgroups SET last_tick = :off"
			   " WHERE last_tick IS NULL",
			   NULL, last_seq) < 0))
		return -1;
	for (size_t i = 0; i < NTABLES; i++)
		if (copy_table(c, &tables[i], &sh) < 0)
			return -1;
	if (copy_rollups(c) < 0)
		return -1;
	c->run_known = true;
	c->run_max = c->seg_max;
	c->run_shift = sh.tick;
	return 0;
}

static int copy_segment(struct copier *c, const struct segment *seg, bool first)
{
	char *wal = xasprintf("%s-wal", seg->path);
	char *uri = store_reader_uri(seg->path, access(wal, F_OK) != 0);
	char *ro = xasprintf("%s%cmode=ro", uri, strchr(uri, '?') ? '&' : '?');
	sqlite3_stmt *st;
	int rc = -1;

	free(wal);
	free(uri);
	if (sqlite3_prepare_v2(c->db, "ATTACH ?1 AS seg", -1, &st, NULL) != SQLITE_OK) {
		free(ro);
		return fail_db(c, "cannot attach");
	}
	sqlite3_bind_text(st, 1, ro, -1, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : fail_db(c, "cannot attach");
	sqlite3_finalize(st);
	free(ro);
	if (rc < 0)
		return -1;
	if (sqlite3_exec(c->db, "SAVEPOINT segment", NULL, NULL, NULL) != SQLITE_OK) {
		rc = fail_db(c, "cannot begin");
	} else if ((rc = copy_rows(c, seg, first)) < 0) {
		sqlite3_exec(c->db, "ROLLBACK TO segment; RELEASE segment", NULL, NULL,
			     NULL);
	} else if (sqlite3_exec(c->db, "RELEASE segment", NULL, NULL, NULL) !=
		   SQLITE_OK) {
		rc = fail_db(c, "cannot commit");
	}
	sqlite3_exec(c->db, "DETACH seg", NULL, NULL, NULL);
	return rc;
}

/* The first and last index of sg->v to copy for [t0, t1]: from the one
 * that holds t0 (or the last before it) to the last that begins by t1. A
 * window in a gap copies the segment before it, and reads as empty. */
static void window(const struct segments *sg, int64_t t0, int64_t t1, size_t *lo,
		   size_t *hi)
{
	*lo = *hi = 0;
	for (size_t i = 0; i < sg->n; i++) {
		if (sg->v[i].first_ms <= t0)
			*lo = i;
		if (sg->v[i].first_ms <= t1)
			*hi = i;
	}
}

/* Makes the scratch directory and an empty session file at the current
 * schema in it; -1 with err. */
static int make_scratch(struct history_copy *out, char *err, size_t errlen)
{
	const char *tmp = getenv("TMPDIR");
	struct store *s;
	char *tmpl = xasprintf("%s/vigil-history-XXXXXX", tmp && *tmp ? tmp : "/tmp");

	if (!mkdtemp(tmpl)) {
		snprintf(err, errlen, "cannot make a directory for the copy '%s': %s",
			 tmpl, strerror(errno));
		free(tmpl);
		return -1;
	}
	out->dir = tmpl;
	out->path = xasprintf("%s/history.vigil", tmpl);
	if (store_create(out->path, false, &s, err, errlen) < 0) {
		rmdir(out->dir);
		free(out->dir);
		free(out->path);
		memset(out, 0, sizeof(*out));
		return -1;
	}
	store_close(s);
	return 0;
}

static int open_copier(struct copier *c, const char *path)
{
	if (sqlite3_open_v2(path, &c->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI |
				    SQLITE_OPEN_NOFOLLOW,
			    NULL) != SQLITE_OK)
		return fail_db(c, "cannot open the copy");
	/* a scratch file: no journal worth syncing, and a failed segment is
	 * rolled back from memory */
	if (sqlite3_exec(
		    c->db,
		    "PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF;"
		    " PRAGMA cache_size = -8192;"
		    " CREATE TEMP TABLE map_procs (old INTEGER PRIMARY KEY, new INTEGER);"
		    " CREATE TEMP TABLE map_mappings (old INTEGER PRIMARY KEY, new "
		    "INTEGER);"
		    " CREATE TEMP TABLE map_app_metrics (old INTEGER PRIMARY KEY,"
		    " new INTEGER);"
		    " CREATE TEMP TABLE map_cgroups (old INTEGER PRIMARY KEY, new "
		    "INTEGER)",
		    NULL, NULL, NULL) != SQLITE_OK)
		return fail_db(c, "cannot set up the copy");
	return 0;
}

int history_copy(struct segments *sg, int64_t t0, int64_t t1, struct history_copy *out,
		 char *err, size_t errlen)
{
	struct copier c = {0};
	size_t lo, hi;
	bool first = true;

	memset(out, 0, sizeof(*out));
	window(sg, t0, t1, &lo, &hi);
	if (make_scratch(out, err, errlen) < 0)
		return -1;
	if (open_copier(&c, out->path) < 0)
		goto fail;
	for (size_t i = lo; i <= hi; i++) {
		if (copy_segment(&c, &sg->v[i], first) < 0) {
			segments_note(sg, sg->v[i].name, c.why);
			continue;
		}
		first = false;
		out->segments++;
	}
	if (!out->segments) {
		snprintf(c.why, sizeof(c.why), "no segment of the window could be read");
		goto fail;
	}
	if (sqlite3_close(c.db) != SQLITE_OK) {
		c.db = NULL;
		snprintf(c.why, sizeof(c.why), "cannot close the copy");
		goto fail;
	}
	log_debug("history: copied %zu segments of '%s' into '%s'", out->segments,
		  sg->dir, out->path);
	return 0;
fail:
	snprintf(err, errlen, "cannot read '%s' as one timeline: %s", sg->dir, c.why);
	sqlite3_close_v2(c.db);
	history_copy_remove(out);
	return -1;
}

void history_copy_remove(struct history_copy *c)
{
	static const char *const side[] = {"", "-wal", "-shm", "-journal"};

	if (c->path) {
		for (size_t i = 0; i < sizeof(side) / sizeof(side[0]); i++) {
			char *p = xasprintf("%s%s", c->path, side[i]);
			struct stat st;

			if (lstat(p, &st) == 0 && S_ISREG(st.st_mode))
				unlink(p);
			free(p);
		}
	}
	if (c->dir)
		rmdir(c->dir);
	free(c->path);
	free(c->dir);
	memset(c, 0, sizeof(*c));
}

const char *history_unknown_table(struct store *s)
{
	static char name[128];
	sqlite3_stmt *st;
	const char *found = NULL;

	if (sqlite3_prepare_v2(s->db,
			       "SELECT name FROM sqlite_schema WHERE type = 'table'"
			       " AND name NOT LIKE 'sqlite_%' ORDER BY name",
			       -1, &st, NULL) != SQLITE_OK)
		return "?";
	while (!found && sqlite3_step(st) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		bool known = !strcmp(t, "sessions") || !strcmp(t, "rollups");

		for (size_t i = 0; i < NTABLES && !known; i++)
			known = !strcmp(t, tables[i].name);
		if (!known) {
			snprintf(name, sizeof(name), "%s", t);
			found = name;
		}
	}
	sqlite3_finalize(st);
	return found;
}
