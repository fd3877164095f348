/* SPDX-License-Identifier: MIT */
/*
 * pprof: encodes a profile as profile.proto and gzips it (pprof.h says what
 * each vigil field becomes).
 *
 * A nested message is encoded into its own scratch buffer first and then
 * appended with its length, so no length is ever guessed or patched. Strings
 * are interned through a small open-addressing table, so the string table
 * holds each once and index 0 is "".
 */
#include "analysis/pprof.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/xalloc.h"

/* profile.proto field numbers */
enum {
	PB_PROFILE_SAMPLE_TYPE = 1,
	PB_PROFILE_SAMPLE = 2,
	PB_PROFILE_MAPPING = 3,
	PB_PROFILE_LOCATION = 4,
	PB_PROFILE_FUNCTION = 5,
	PB_PROFILE_STRING_TABLE = 6,
	PB_PROFILE_TIME_NANOS = 9,
	PB_PROFILE_DURATION_NANOS = 10,
	PB_PROFILE_PERIOD_TYPE = 11,
	PB_PROFILE_PERIOD = 12,
	PB_VALUE_TYPE_TYPE = 1,
	PB_VALUE_TYPE_UNIT = 2,
	PB_SAMPLE_LOCATION_ID = 1,
	PB_SAMPLE_VALUE = 2,
	PB_SAMPLE_LABEL = 3,
	PB_LABEL_KEY = 1,
	PB_LABEL_STR = 2,
	PB_LABEL_NUM = 3,
	PB_MAPPING_ID = 1,
	PB_MAPPING_MEMORY_START = 2,
	PB_MAPPING_MEMORY_LIMIT = 3,
	PB_MAPPING_FILE_OFFSET = 4,
	PB_MAPPING_FILENAME = 5,
	PB_MAPPING_BUILD_ID = 6,
	PB_MAPPING_HAS_FUNCTIONS = 7,
	PB_LOCATION_ID = 1,
	PB_LOCATION_MAPPING_ID = 2,
	PB_LOCATION_ADDRESS = 3,
	PB_LOCATION_LINE = 4,
	PB_LINE_FUNCTION_ID = 1,
	PB_FUNCTION_ID = 1,
	PB_FUNCTION_NAME = 2,
	PB_FUNCTION_SYSTEM_NAME = 3,
};

enum { PB_VARINT = 0, PB_LEN = 2 };

struct pb {
	unsigned char *b;
	size_t len, cap;
};

static void pb_bytes(struct pb *pb, const void *src, size_t n)
{
	if (!n)
		return;
	pb->b = xgrow(pb->b, &pb->cap, pb->len + n, 1);
	memcpy(pb->b + pb->len, src, n);
	pb->len += n;
}

static void pb_varint(struct pb *pb, uint64_t v)
{
	unsigned char tmp[10];
	size_t n = 0;

	do {
		tmp[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			tmp[n] |= 0x80;
		n++;
	} while (v);
	pb_bytes(pb, tmp, n);
}

static void pb_key(struct pb *pb, unsigned field, unsigned wire)
{
	pb_varint(pb, (uint64_t)field << 3 | wire);
}

/* A varint field; proto3 leaves zero out. */
static void pb_uint(struct pb *pb, unsigned field, uint64_t v)
{
	if (!v)
		return;
	pb_key(pb, field, PB_VARINT);
	pb_varint(pb, v);
}

static void pb_len(struct pb *pb, unsigned field, const void *src, size_t n)
{
	pb_key(pb, field, PB_LEN);
	pb_varint(pb, n);
	pb_bytes(pb, src, n);
}

/* Appends msg as field of pb and empties msg for the next one. */
static void pb_message(struct pb *pb, unsigned field, struct pb *msg)
{
	pb_len(pb, field, msg->b, msg->len);
	msg->len = 0;
}

/* Interned strings: the table's entries are indices into strs. */
struct strtab {
	const char **strs; /* borrowed */
	size_t n, cap;
	uint32_t *slots; /* index + 1, 0 empty */
	size_t nslots;	 /* a power of two, kept over twice n */
};

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void strtab_rehash(struct strtab *t)
{
	free(t->slots);
	t->nslots = t->nslots ? t->nslots * 2 : 64;
	t->slots = xcalloc(t->nslots, sizeof(*t->slots));
	for (size_t i = 0; i < t->n; i++) {
		size_t j = str_hash(t->strs[i]) & (t->nslots - 1);

		while (t->slots[j])
			j = (j + 1) & (t->nslots - 1);
		t->slots[j] = (uint32_t)i + 1;
	}
}

/* s's index in the string table, added when new; s must outlive t. */
static uint64_t strtab_id(struct strtab *t, const char *s)
{
	size_t j;

	if (2 * (t->n + 1) > t->nslots)
		strtab_rehash(t);
	j = str_hash(s) & (t->nslots - 1);
	while (t->slots[j]) {
		uint32_t i = t->slots[j] - 1;

		if (!strcmp(t->strs[i], s))
			return i;
		j = (j + 1) & (t->nslots - 1);
	}
	t->strs = xgrow(t->strs, &t->cap, t->n + 1, sizeof(*t->strs));
	t->strs[t->n] = s;
	t->slots[j] = (uint32_t)t->n + 1;
	return t->n++;
}

struct encoder {
	const struct profile *p;
	struct pb out, msg, sub, packed;
	struct strtab strs;
	uint64_t *mapping_of_str; /* module's string id -> mapping id, 0 none */
	size_t nmapping_of_str;
	uint64_t nmappings;
	uint64_t *mapping_of; /* p->mappings index -> mapping id */
	int64_t period;
};

static void value_type(struct encoder *e, unsigned field, const char *type,
		       const char *unit)
{
	pb_uint(&e->msg, PB_VALUE_TYPE_TYPE, strtab_id(&e->strs, type));
	pb_uint(&e->msg, PB_VALUE_TYPE_UNIT, strtab_id(&e->strs, unit));
	pb_message(&e->out, field, &e->msg);
}

static int cmp_by_start(const void *a, const void *b, void *arg)
{
	const struct profile_mapping *m = arg;
	const struct profile_mapping *x = &m[*(const uint32_t *)a];
	const struct profile_mapping *y = &m[*(const uint32_t *)b];

	return x->start < y->start ? -1 : x->start > y->start;
}

/*
 * The profile's mappings, lowest address first: the tools take the first
 * mapping for the main binary, and the executable is mapped below the
 * libraries and the vdso (PIE or not).
 */
static void file_mappings(struct encoder *e)
{
	const struct profile *p = e->p;
	uint32_t *order;

	if (!p->nmappings)
		return;
	order = xcalloc(p->nmappings, sizeof(*order));
	e->mapping_of = xcalloc(p->nmappings, sizeof(*e->mapping_of));
	for (size_t i = 0; i < p->nmappings; i++)
		order[i] = (uint32_t)i;
	qsort_r(order, p->nmappings, sizeof(*order), cmp_by_start,
		(void *)(uintptr_t)p->mappings);
	for (size_t k = 0; k < p->nmappings; k++) {
		const struct profile_mapping *m = &p->mappings[order[k]];

		e->mapping_of[order[k]] = ++e->nmappings;
		pb_uint(&e->msg, PB_MAPPING_ID, e->nmappings);
		pb_uint(&e->msg, PB_MAPPING_MEMORY_START, m->start);
		pb_uint(&e->msg, PB_MAPPING_MEMORY_LIMIT, m->limit);
		pb_uint(&e->msg, PB_MAPPING_FILE_OFFSET, m->offset);
		pb_uint(&e->msg, PB_MAPPING_FILENAME, strtab_id(&e->strs, m->file));
		pb_uint(&e->msg, PB_MAPPING_BUILD_ID, strtab_id(&e->strs, m->build_id));
		pb_uint(&e->msg, PB_MAPPING_HAS_FUNCTIONS, 1);
		pb_message(&e->out, PB_PROFILE_MAPPING, &e->msg);
	}
	free(order);
}

/* The mapping id of a frame no file mapping was recorded for (a profile
 * stored before vigil kept them, [jit], [heap]): one mapping per module
 * name, written when new; 0 for the unknown module "". */
static uint64_t mapping_id(struct encoder *e, const char *module)
{
	uint64_t s;

	if (!*module)
		return 0;
	s = strtab_id(&e->strs, module);
	if (s >= e->nmapping_of_str) {
		size_t old = e->nmapping_of_str;

		e->mapping_of_str = xgrow(e->mapping_of_str, &e->nmapping_of_str, s + 1,
					  sizeof(*e->mapping_of_str));
		memset(e->mapping_of_str + old, 0,
		       (e->nmapping_of_str - old) * sizeof(*e->mapping_of_str));
	}
	if (!e->mapping_of_str[s]) {
		e->mapping_of_str[s] = ++e->nmappings;
		pb_uint(&e->msg, PB_MAPPING_ID, e->nmappings);
		pb_uint(&e->msg, PB_MAPPING_FILENAME, s);
		pb_uint(&e->msg, PB_MAPPING_HAS_FUNCTIONS, 1);
		pb_message(&e->out, PB_PROFILE_MAPPING, &e->msg);
	}
	return e->mapping_of_str[s];
}

/* Frame i as function i + 1 and location i + 1 (with its mapping first). */
static void frame(struct encoder *e, size_t i)
{
	const struct profile_frame *f = &e->p->frames[i];
	uint64_t name = strtab_id(&e->strs, f->function);
	bool placed = f->mapping < e->p->nmappings;
	uint64_t map = placed ? e->mapping_of[f->mapping] : mapping_id(e, f->module);

	pb_uint(&e->msg, PB_FUNCTION_ID, i + 1);
	pb_uint(&e->msg, PB_FUNCTION_NAME, name);
	pb_uint(&e->msg, PB_FUNCTION_SYSTEM_NAME, name);
	pb_message(&e->out, PB_PROFILE_FUNCTION, &e->msg);

	pb_uint(&e->sub, PB_LINE_FUNCTION_ID, i + 1);
	pb_uint(&e->msg, PB_LOCATION_ID, i + 1);
	pb_uint(&e->msg, PB_LOCATION_MAPPING_ID, map);
	if (placed)
		pb_uint(&e->msg, PB_LOCATION_ADDRESS, f->address);
	pb_message(&e->msg, PB_LOCATION_LINE, &e->sub);
	pb_message(&e->out, PB_PROFILE_LOCATION, &e->msg);
}

static const char *thread_name(const struct profile *p, int tid)
{
	for (size_t i = 0; i < p->nthreads; i++)
		if (p->threads[i].tid == tid && p->threads[i].comm[0])
			return p->threads[i].comm;
	return NULL;
}

static void label(struct encoder *e, const char *key, const char *str, int64_t num)
{
	pb_uint(&e->sub, PB_LABEL_KEY, strtab_id(&e->strs, key));
	if (str)
		pb_uint(&e->sub, PB_LABEL_STR, strtab_id(&e->strs, str));
	else
		pb_uint(&e->sub, PB_LABEL_NUM, (uint64_t)num);
	pb_message(&e->msg, PB_SAMPLE_LABEL, &e->sub);
}

/* One count: its stack leaf first, [samples, nanoseconds], thread labels. */
static void sample(struct encoder *e, const struct profile_count *c)
{
	const struct profile *p = e->p;
	const char *comm = thread_name(p, c->tid);

	for (uint32_t n = c->node; n != 0 && n < p->nnodes; n = p->nodes[n].parent)
		pb_varint(&e->packed, (uint64_t)p->nodes[n].frame + 1);
	pb_len(&e->msg, PB_SAMPLE_LOCATION_ID, e->packed.b, e->packed.len);
	e->packed.len = 0;
	pb_varint(&e->packed, c->n);
	if (!PROFILE_BYTES(e->p->meta.mode))
		pb_varint(&e->packed, c->n * (uint64_t)e->period);
	pb_len(&e->msg, PB_SAMPLE_VALUE, e->packed.b, e->packed.len);
	e->packed.len = 0;
	label(e, "thread_id", NULL, c->tid);
	if (comm)
		label(e, "thread_name", comm, 0);
	pb_message(&e->out, PB_PROFILE_SAMPLE, &e->msg);
}

static void header(struct encoder *e)
{
	const struct profile_meta *m = &e->p->meta;
	const char *kind = m->mode == PROFILE_WALL ? "wall" : "cpu";

	e->period = m->hz > 0 ? 1000000000 / m->hz : 0;
	strtab_id(&e->strs, "");
	if (PROFILE_BYTES(m->mode)) {
		/* one value, bytes; the period is the sampling rate in bytes */
		e->period = m->hz;
		value_type(e, PB_PROFILE_SAMPLE_TYPE,
			   m->mode == PROFILE_LIVE ? "inuse_space" : "alloc_space",
			   "bytes");
		value_type(e, PB_PROFILE_PERIOD_TYPE, "space", "bytes");
	} else {
		value_type(e, PB_PROFILE_SAMPLE_TYPE, "samples", "count");
		value_type(e, PB_PROFILE_SAMPLE_TYPE, kind, "nanoseconds");
		value_type(e, PB_PROFILE_PERIOD_TYPE, kind, "nanoseconds");
	}
	pb_uint(&e->out, PB_PROFILE_PERIOD, (uint64_t)e->period);
	if (m->started_ms > 0)
		pb_uint(&e->out, PB_PROFILE_TIME_NANOS,
			(uint64_t)m->started_ms * 1000000);
	if (m->duration_ms > 0)
		pb_uint(&e->out, PB_PROFILE_DURATION_NANOS,
			(uint64_t)m->duration_ms * 1000000);
}

void pprof_encode(const struct profile *p, unsigned char **out, size_t *len)
{
	struct encoder e = {.p = p};

	header(&e);
	file_mappings(&e);
	for (size_t i = 0; i < p->nframes; i++)
		frame(&e, i);
	for (size_t i = 0; i < p->ncounts; i++)
		if (p->counts[i].n)
			sample(&e, &p->counts[i]);
	/* last: every string is known by now */
	for (size_t i = 0; i < e.strs.n; i++)
		pb_len(&e.out, PB_PROFILE_STRING_TABLE, e.strs.strs[i],
		       strlen(e.strs.strs[i]));
	free(e.msg.b);
	free(e.sub.b);
	free(e.packed.b);
	free(e.strs.strs);
	free(e.strs.slots);
	free(e.mapping_of_str);
	free(e.mapping_of);
	*out = e.out.b;
	*len = e.out.len;
}

int pprof_gzip(const unsigned char *data, size_t len, unsigned char **out, size_t *outlen)
{
	z_stream z = {0};
	size_t cap;
	int rc;

	*out = NULL;
	*outlen = 0;
	if (len > UINT_MAX / 2) { /* avail_in and avail_out are unsigned int */
		errno = EOVERFLOW;
		return -1;
	}
	/* 15 + 16: a gzip header and trailer around the deflate stream */
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK) {
		errno = ENOMEM;
		return -1;
	}
	cap = deflateBound(&z, len);
	*out = xmalloc(cap);
	z.next_in = (unsigned char *)(uintptr_t)data; /* zlib does not write it */
	z.avail_in = (unsigned)len;
	z.next_out = *out;
	z.avail_out = (unsigned)cap;
	/* deflateBound's room takes the whole stream in one call */
	rc = deflate(&z, Z_FINISH);
	*outlen = (size_t)(z.next_out - *out);
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(*out);
		*out = NULL;
		*outlen = 0;
		errno = EIO;
		return -1;
	}
	return 0;
}

int pprof_write(const struct profile *p, FILE *out)
{
	unsigned char *raw, *gz;
	size_t rawlen, gzlen;
	int rc;

	pprof_encode(p, &raw, &rawlen);
	rc = pprof_gzip(raw, rawlen, &gz, &gzlen);
	free(raw);
	if (rc < 0)
		return -1;
	if (fwrite(gz, 1, gzlen, out) != gzlen)
		rc = -1;
	free(gz);
	return rc;
}
