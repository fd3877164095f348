/* SPDX-License-Identifier: MIT */
/*
 * profiles: writing a profile's rows and reading them back.
 *
 * Statements are prepared per profile, not kept on the store: a profile is
 * written once per capture, and its rows (thousands) reuse the five
 * statements within the call. Loading reads the four row tables in id order
 * inside one read transaction and rebuilds the profile with the same
 * functions the sampler uses (profile_frame_id, profile_node_id), checking
 * that each row gets back the id it had: that one check catches gaps,
 * reordering and duplicates.
 */
#include "store/profiles.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store-internal.h"

#define PROFILE_COLUMNS                                                                  \
	"pid, started_ms, duration_ms, mode, hz, samples, lost, partial, sampler, why"

static const char *mode_name(enum profile_mode m)
{
	return profile_mode_name(m);
}

/* ---- writing ---- */

enum {
	INS_PROFILE,
	INS_FRAME,
	INS_NODE,
	INS_COUNT,
	INS_THREAD,
	INS_MAPPING,
	INS_PLACE,
	INS_DUTY,
	INS_N
};

static const char *const insert_sql[INS_N] = {
	[INS_PROFILE] = "INSERT INTO profiles (" PROFILE_COLUMNS ")"
			" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[INS_FRAME] = "INSERT INTO profile_frames (profile, id, function, module)"
		      " VALUES (?, ?, ?, ?)",
	[INS_NODE] = "INSERT INTO profile_nodes (profile, id, parent, frame)"
		     " VALUES (?, ?, ?, ?)",
	[INS_COUNT] = "INSERT INTO profile_counts (profile, node, tid, n)"
		      " VALUES (?, ?, ?, ?)",
	[INS_THREAD] = "INSERT INTO profile_threads (profile, tid, comm)"
		       " VALUES (?, ?, ?)",
	[INS_MAPPING] = "INSERT INTO profile_mappings (profile, id, memory_start,"
			" memory_limit, file_offset, file, build_id)"
			" VALUES (?, ?, ?, ?, ?, ?, ?)",
	[INS_PLACE] = "INSERT INTO profile_frame_places (profile, frame, mapping,"
		      " address) VALUES (?, ?, ?, ?)",
	[INS_DUTY] = "INSERT INTO profile_duty (profile, active) VALUES (?, ?)",
};

/* Steps an insert and resets it; 0 or store_fail_sql. */
static int insert(struct store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail_sql(s, "cannot write profile");
	return 0;
}

/* v12: the mappings, and each placed frame's mapping and address. */
static int insert_places(struct store *s, sqlite3_stmt **st, const struct profile *p,
			 int64_t id)
{
	sqlite3_stmt *q = st[INS_MAPPING];

	sqlite3_bind_int64(q, 1, id);
	for (size_t i = 0; i < p->nmappings; i++) {
		const struct profile_mapping *m = &p->mappings[i];

		sqlite3_bind_int64(q, 2, (int64_t)i);
		store_bind_u64(q, 3, m->start);
		store_bind_u64(q, 4, m->limit);
		store_bind_u64(q, 5, m->offset);
		store_bind_text(q, 6, m->file, SIZE_MAX);
		store_bind_text(q, 7, m->build_id, SIZE_MAX);
		if (insert(s, q) < 0)
			return -1;
	}
	q = st[INS_PLACE];
	sqlite3_bind_int64(q, 1, id);
	for (size_t f = 0; f < p->nframes; f++) {
		if (p->frames[f].mapping >= p->nmappings)
			continue;
		sqlite3_bind_int64(q, 2, (int64_t)f);
		sqlite3_bind_int64(q, 3, p->frames[f].mapping);
		store_bind_u64(q, 4, p->frames[f].address);
		if (insert(s, q) < 0)
			return -1;
	}
	return 0;
}

static int insert_rows(struct store *s, sqlite3_stmt **st, const struct profile *p,
		       int64_t *id)
{
	const struct profile_meta *m = &p->meta;
	sqlite3_stmt *q = st[INS_PROFILE];
	int i = 1;

	sqlite3_bind_int(q, i++, m->pid);
	sqlite3_bind_int64(q, i++, m->started_ms);
	sqlite3_bind_int64(q, i++, m->duration_ms);
	sqlite3_bind_text(q, i++, mode_name(m->mode), -1, SQLITE_STATIC);
	sqlite3_bind_int(q, i++, m->hz);
	store_bind_u64(q, i++, m->samples);
	store_bind_u64(q, i++, m->lost);
	sqlite3_bind_int(q, i++, m->partial ? 1 : 0);
	store_bind_text(q, i++, m->sampler, sizeof(m->sampler));
	store_bind_text(q, i++, m->why, sizeof(m->why));
	if (insert(s, q) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);

	q = st[INS_FRAME];
	sqlite3_bind_int64(q, 1, *id);
	for (size_t f = 0; f < p->nframes; f++) {
		sqlite3_bind_int64(q, 2, (int64_t)f);
		store_bind_text(q, 3, p->frames[f].function, SIZE_MAX);
		store_bind_text(q, 4, p->frames[f].module, SIZE_MAX);
		if (insert(s, q) < 0)
			return -1;
	}
	q = st[INS_NODE];
	sqlite3_bind_int64(q, 1, *id);
	for (size_t n = 1; n < p->nnodes; n++) {
		sqlite3_bind_int64(q, 2, (int64_t)n);
		sqlite3_bind_int64(q, 3, p->nodes[n].parent);
		sqlite3_bind_int64(q, 4, p->nodes[n].frame);
		if (insert(s, q) < 0)
			return -1;
	}
	q = st[INS_COUNT];
	sqlite3_bind_int64(q, 1, *id);
	for (size_t c = 0; c < p->ncounts; c++) {
		sqlite3_bind_int64(q, 2, p->counts[c].node);
		sqlite3_bind_int(q, 3, p->counts[c].tid);
		store_bind_u64(q, 4, p->counts[c].n);
		if (insert(s, q) < 0)
			return -1;
	}
	q = st[INS_THREAD];
	sqlite3_bind_int64(q, 1, *id);
	for (size_t t = 0; t < p->nthreads; t++) {
		sqlite3_bind_int(q, 2, p->threads[t].tid);
		store_bind_text(q, 3, p->threads[t].comm, sizeof(p->threads[t].comm));
		if (insert(s, q) < 0)
			return -1;
	}
	if (m->active > 0) { /* allocation profiles */
		q = st[INS_DUTY];
		sqlite3_bind_int64(q, 1, *id);
		sqlite3_bind_double(q, 2, m->active);
		if (insert(s, q) < 0)
			return -1;
	}
	return insert_places(s, st, p, *id);
}

static void copy_err(struct store *s, char *err, size_t errlen)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", store_error(s));
}

int store_write_profile_const(struct store *s, const struct profile *p, int64_t *id,
			      char *err, size_t errlen)
{
	sqlite3_stmt *st[INS_N] = {0};
	bool nested;
	int rc = -1;

	*id = 0;
	if (s->readonly) {
		store_fail(s, "cannot write profile: the session is open read-only");
		copy_err(s, err, errlen);
		return -1;
	}
	/* inside the caller's transaction (a frame's), a savepoint keeps
	 * "all of the profile or none of it" without ending theirs */
	nested = !sqlite3_get_autocommit(s->db);
	if (sqlite3_exec(s->db, nested ? "SAVEPOINT vigil_profile" : "BEGIN IMMEDIATE",
			 NULL, NULL, NULL) != SQLITE_OK) {
		store_fail_sql(s, "cannot write profile");
		copy_err(s, err, errlen);
		return -1;
	}
	for (int i = 0; i < INS_N; i++) {
		if (sqlite3_prepare_v2(s->db, insert_sql[i], -1, &st[i], NULL) !=
		    SQLITE_OK) {
			store_fail_sql(s, "cannot write profile");
			goto out;
		}
	}
	if (insert_rows(s, st, p, id) < 0)
		goto out;
	if (sqlite3_exec(s->db, nested ? "RELEASE vigil_profile" : "COMMIT", NULL, NULL,
			 NULL) != SQLITE_OK) {
		store_fail_sql(s, "cannot write profile");
		goto out;
	}
	rc = 0;
out:
	for (int i = 0; i < INS_N; i++)
		sqlite3_finalize(st[i]);
	if (rc < 0) {
		sqlite3_exec(s->db,
			     nested ? "ROLLBACK TO vigil_profile; RELEASE vigil_profile"
				    : "ROLLBACK",
			     NULL, NULL, NULL);
		*id = 0;
		copy_err(s, err, errlen);
	}
	return rc;
}

int store_write_profile(struct store *s, struct profile *p, char *err, size_t errlen)
{
	int64_t id;

	if (store_write_profile_const(s, p, &id, err, errlen) < 0)
		return -1;
	p->meta.id = id;
	return 0;
}

/* ---- reading ---- */

static bool has_profiles(const struct store *s)
{
	return store_has(s, STORE_SINCE_PROFILES);
}

/* The meta of one profiles row read with "id, " PROFILE_COLUMNS. False when a
 * value cannot be what we wrote (the reason in why, of whylen). */
static bool read_meta(sqlite3_stmt *st, struct profile_meta *m, char *why, size_t whylen)
{
	const unsigned char *mode;
	int64_t pid, hz;
	int c = 0;

	memset(m, 0, sizeof(*m));
	m->id = sqlite3_column_int64(st, c++);
	pid = sqlite3_column_int64(st, c++);
	m->started_ms = sqlite3_column_int64(st, c++);
	m->duration_ms = sqlite3_column_int64(st, c++);
	mode = sqlite3_column_text(st, c++);
	hz = sqlite3_column_int64(st, c++);
	m->samples = store_column_u64(st, c++);
	m->lost = store_column_u64(st, c++);
	m->partial = sqlite3_column_int(st, c++) != 0;
	store_column_text(st, c++, m->sampler, sizeof(m->sampler));
	store_column_text(st, c++, m->why, sizeof(m->why));
	if (pid < 0 || pid > INT_MAX || hz < 0 || hz > INT_MAX) {
		snprintf(why, whylen, "pid or hz out of range");
		return false;
	}
	m->pid = (int)pid;
	m->hz = (int)hz;
	if (mode && !strcmp((const char *)mode, "alloc")) {
		m->mode = PROFILE_ALLOC;
	} else if (mode && !strcmp((const char *)mode, "live")) {
		m->mode = PROFILE_LIVE;
	} else if (mode && !strcmp((const char *)mode, "wall")) {
		m->mode = PROFILE_WALL;
	} else if (mode && !strcmp((const char *)mode, "cpu")) {
		m->mode = PROFILE_CPU;
	} else {
		snprintf(why, whylen, "unknown mode '%.32s'",
			 mode ? (const char *)mode : "");
		return false;
	}
	return true;
}

/* v16: the share of its capture an allocation profile's probes were on
 * into m->active (left 0 when there is no row). 0, or -1 with the reason
 * in s->err. */
static int read_active(struct store *s, struct profile_meta *m)
{
	sqlite3_stmt *st;
	int rc;

	if (!store_has(s, STORE_SINCE_PROFILE_DUTY))
		return 0;
	if (store_prepare(s, "SELECT active FROM profile_duty WHERE profile = ?1", &st) <
	    0)
		return -1;
	sqlite3_bind_int64(st, 1, m->id);
	rc = store_step(s, st);
	if (rc > 0) {
		double a = sqlite3_column_double(st, 0);

		if (!(a > 0 && a <= 1))
			rc = store_fail(s, "profile %lld is corrupt: probes on %g of it",
					(long long)m->id, a);
		else
			m->active = a;
	}
	sqlite3_finalize(st);
	return rc < 0 ? -1 : 0;
}

/* One row of query_profiles; arg is the store, to say which row is corrupt. */
static int read_profile_row(sqlite3_stmt *st, void *row, void *arg)
{
	char why[96];

	if (read_meta(st, row, why, sizeof(why)))
		return read_active(arg, row);
	return store_fail(arg, "profile %lld is corrupt: %s",
			  (long long)sqlite3_column_int64(st, 0), why);
}

int query_profiles(struct store *s, struct profile_meta **out, size_t *n)
{
	sqlite3_stmt *st;

	*out = NULL;
	*n = 0;
	if (!has_profiles(s))
		return 0;
	if (store_prepare(s,
			  "SELECT id, " PROFILE_COLUMNS " FROM profiles"
			  " ORDER BY started_ms DESC, id DESC",
			  &st) < 0)
		return -1;
	return store_read_rows_with(s, st, (void **)out, n, sizeof(**out),
				    read_profile_row, s, NULL);
}

/* Runs sql (one ?1 = profile id) and hands each row to row(); stops at the
 * first row it refuses. 0, or -1 with the reason in s->err. */
static int each_row(struct store *s, int64_t id, const char *sql, struct profile *p,
		    const char *(*row)(struct profile *, sqlite3_stmt *))
{
	sqlite3_stmt *st;
	const char *bad = NULL;
	int rc;

	if (store_prepare(s, sql, &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = store_step(s, st)) > 0) {
		if ((bad = row(p, st)))
			break;
	}
	sqlite3_finalize(st);
	if (bad)
		return store_fail(s, "profile %lld is corrupt: %s", (long long)id, bad);
	return rc < 0 ? -1 : 0;
}

static const char *text_or_empty(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? (const char *)t : "";
}

static const char *frame_row(struct profile *p, sqlite3_stmt *st)
{
	int64_t id = sqlite3_column_int64(st, 0);

	if (id != (int64_t)p->nframes)
		return "frame ids are not 0, 1, 2, ...";
	if (profile_frame_id(p, text_or_empty(st, 1), text_or_empty(st, 2)) != id)
		return "a frame is stored twice";
	return NULL;
}

static const char *node_row(struct profile *p, sqlite3_stmt *st)
{
	int64_t id = sqlite3_column_int64(st, 0);
	int64_t parent = sqlite3_column_int64(st, 1);
	int64_t frame = sqlite3_column_int64(st, 2);

	if (id != (int64_t)p->nnodes)
		return "node ids are not 1, 2, 3, ...";
	if (parent < 0 || parent >= id)
		return "a node comes before its parent";
	if (frame < 0 || frame >= (int64_t)p->nframes)
		return "a node names an unknown frame";
	if (profile_node_id(p, (uint32_t)parent, (uint32_t)frame) != id)
		return "a node is stored twice";
	return NULL;
}

static const char *count_row(struct profile *p, sqlite3_stmt *st)
{
	int64_t node = sqlite3_column_int64(st, 0);
	int64_t tid = sqlite3_column_int64(st, 1);
	int64_t n = sqlite3_column_int64(st, 2);

	if (node < 1 || node >= (int64_t)p->nnodes)
		return "a count names an unknown node";
	if (tid < INT_MIN || tid > INT_MAX || n < 0)
		return "a count is out of range";
	profile_add_count(p, (uint32_t)node, (int)tid, (uint64_t)n);
	return NULL;
}

static const char *thread_row(struct profile *p, sqlite3_stmt *st)
{
	int64_t tid = sqlite3_column_int64(st, 0);

	if (tid < INT_MIN || tid > INT_MAX)
		return "a thread id is out of range";
	profile_set_thread(p, (int)tid, text_or_empty(st, 1));
	return NULL;
}

static const char *mapping_row(struct profile *p, sqlite3_stmt *st)
{
	int64_t id = sqlite3_column_int64(st, 0);
	uint64_t start = store_column_u64(st, 1), limit = store_column_u64(st, 2);

	if (id != (int64_t)p->nmappings)
		return "mapping ids are not 0, 1, 2, ...";
	if (limit <= start)
		return "a mapping ends before it starts";
	if (profile_mapping_id(p, start, limit, store_column_u64(st, 3),
			       text_or_empty(st, 4), text_or_empty(st, 5)) != id)
		return "a mapping is stored twice";
	return NULL;
}

static const char *place_row(struct profile *p, sqlite3_stmt *st)
{
	int64_t frame = sqlite3_column_int64(st, 0);
	int64_t mapping = sqlite3_column_int64(st, 1);
	uint64_t address = store_column_u64(st, 2);
	const struct profile_mapping *m;

	if (frame < 0 || frame >= (int64_t)p->nframes)
		return "a place names an unknown frame";
	if (mapping < 0 || mapping >= (int64_t)p->nmappings)
		return "a place names an unknown mapping";
	m = &p->mappings[mapping];
	if (address < m->start || address >= m->limit)
		return "a frame's address is outside its mapping";
	profile_frame_place(p, (uint32_t)frame, (uint32_t)mapping, address);
	return NULL;
}

/* v12's rows; a file from before has none, and its frames stay unplaced. */
static int load_places(struct store *s, int64_t id, struct profile *p)
{
	if (!store_has(s, STORE_SINCE_PROFILE_MAPPINGS))
		return 0;
	if (each_row(s, id,
		     "SELECT id, memory_start, memory_limit, file_offset, file, build_id"
		     " FROM profile_mappings WHERE profile = ?1 ORDER BY id",
		     p, mapping_row) < 0)
		return -1;
	return each_row(s, id,
			"SELECT frame, mapping, address FROM profile_frame_places"
			" WHERE profile = ?1 ORDER BY frame",
			p, place_row);
}

static struct profile *load(struct store *s, int64_t id)
{
	struct profile_meta m;
	struct profile *p;
	sqlite3_stmt *st;
	char why[96];
	int rc;

	if (!has_profiles(s)) {
		store_fail(s, "no profile %lld in this session", (long long)id);
		return NULL;
	}
	if (store_prepare(s, "SELECT id, " PROFILE_COLUMNS " FROM profiles WHERE id = ?1",
			  &st) < 0)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	rc = store_step(s, st);
	if (rc == 0)
		store_fail(s, "no profile %lld in this session", (long long)id);
	else if (rc > 0 && !read_meta(st, &m, why, sizeof(why)))
		rc = store_fail(s, "profile %lld is corrupt: %s", (long long)id, why);
	sqlite3_finalize(st);
	if (rc <= 0 || read_active(s, &m) < 0)
		return NULL;

	p = profile_new(&m); /* samples is summed again from the counts */
	if (each_row(s, id,
		     "SELECT id, function, module FROM profile_frames"
		     " WHERE profile = ?1 ORDER BY id",
		     p, frame_row) < 0 ||
	    each_row(s, id,
		     "SELECT id, parent, frame FROM profile_nodes"
		     " WHERE profile = ?1 ORDER BY id",
		     p, node_row) < 0 ||
	    each_row(s, id,
		     "SELECT node, tid, n FROM profile_counts"
		     " WHERE profile = ?1 ORDER BY node, tid",
		     p, count_row) < 0 ||
	    each_row(s, id,
		     "SELECT tid, comm FROM profile_threads"
		     " WHERE profile = ?1 ORDER BY tid",
		     p, thread_row) < 0 ||
	    load_places(s, id, p) < 0) {
		profile_free(p);
		return NULL;
	}
	return p;
}

struct profile *query_profile_load(struct store *s, int64_t id, char *err, size_t errlen)
{
	struct profile *p = NULL;
	bool began;

	/* one snapshot: a writer in another process cannot interleave */
	if (store_read_begin(s, &began) == 0) {
		p = load(s, id);
		store_read_end(s, began);
	}
	if (!p)
		copy_err(s, err, errlen);
	return p;
}
