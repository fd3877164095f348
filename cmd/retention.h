/* SPDX-License-Identifier: MIT */
/*
 * retention: the cap on the sessions vigil saves by itself. A live console or
 * a `vigil record` without -o writes HOST-YYYYmmdd-HHMMSS[-N].vigil under
 * $XDG_STATE_HOME/vigil/ (cli_default_session_path); without a cap that
 * directory only grows. Each time a new default session is created, the
 * older ones are pruned, oldest first, until they fit both caps: a total size
 * (default 1 GiB) and an age (default 14 days).
 *
 * Two layers, so the decision is testable without a file system:
 * - retention_select() is pure: entries in, a verdict per entry out.
 * - retention_prune() lists the directory and unlinks what was selected.
 *
 * Invariants:
 * - The current session (the one just created) is never deleted, even when
 *   it alone exceeds the size cap; its bytes still count towards the total.
 * - Only regular files owned by this user whose names match the pattern above
 *   are ever considered; symlinks and anything else are not vigil's and are
 *   neither counted nor touched. A session's side files (-wal, -shm,
 *   -journal, .log) count with it and go with it.
 * - A session another process still has open (a live console or a recorder
 *   running beside this one) is never deleted; it counts like the current one.
 * - Pruning is best effort: a failure is logged (log_debug), never fatal.
 */
#ifndef VIGIL_CMD_RETENTION_H
#define VIGIL_CMD_RETENTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RETENTION_DEFAULT_BYTES ((uint64_t)1 << 30)
#define RETENTION_DEFAULT_AGE_MS ((int64_t)14 * 24 * 3600 * 1000)

struct retention_caps {
	uint64_t max_bytes; /* total of all sessions in the directory; 0: no cap */
	int64_t max_age_ms; /* by last modification; 0: no cap */
};

/* One saved session: the .vigil file and its side files together. */
struct retention_entry {
	char *path;	  /* of the .vigil file; owned by whoever built the list */
	uint64_t bytes;	  /* the file and its side files */
	int64_t mtime_ms; /* the newest modification among them */
	bool in_use;	  /* another process has it open: kept, but counted */
};

/*
 * Decides which of the n entries to delete: every entry older than
 * max_age_ms at now_ms, then the oldest (ties: the smaller path, as the
 * names sort by time) until the total of the rest is <= max_bytes. The entry
 * whose path equals current (may be NULL) and entries in_use are never
 * chosen. Sets doomed[i] for each entry chosen (the caller's array of n) and
 * returns how many. The entries are not reordered.
 */
size_t retention_select(const struct retention_entry *v, size_t n, int64_t now_ms,
			const struct retention_caps *caps, const char *current,
			bool *doomed);

/* Whether name (no directory) is one cli_default_session_path produces. */
bool retention_name_is_session(const char *name);

/*
 * Parses a size: a number with an optional fraction and an optional unit K,
 * M, G or T (binary: 1K = 1024), optionally followed by "iB" or "B" ("2GiB",
 * "500MiB", "1.5G", "4096", "0"). Returns 0, or -1 with a reason in why.
 */
int retention_parse_size(const char *s, uint64_t *out, char *why, size_t whylen);

/*
 * Parses an age: "Nd" days, optionally followed by a duration
 * (core/duration.h: "12h", "90m"), or a duration alone; "0" is no cap. A
 * unit is required ("14" alone is refused). Returns 0, or -1 with why.
 */
int retention_parse_age(const char *s, int64_t *out_ms, char *why, size_t whylen);

/*
 * The caps from VIGIL_RETAIN_SIZE and VIGIL_RETAIN_AGE, defaults for those
 * unset. An invalid value keeps its default, and warn gets one line for it
 * (lines joined by '\n', no "vigil: " prefix, no final newline; "" if all
 * is well) for the caller to print.
 */
void retention_caps_from_env(struct retention_caps *caps, char *warn, size_t warnlen);

/*
 * Prunes the directory that holds current (the session just created) to
 * caps: lists the sessions there, selects with retention_select and removes
 * each chosen session with its side files. Returns how many sessions were
 * removed; every failure is logged and skipped.
 */
size_t retention_prune(const char *current, const struct retention_caps *caps);

/* What retention_prune_daemon removed. */
struct retention_result {
	size_t by_age, by_size; /* sessions removed for each cap */
	uint64_t bytes;		/* their size */
};

/*
 * `vigil daemon`'s directory: like retention_prune, over the files in dir
 * that store/rotation.h names for host, each as old as the start of its
 * period (from its name). The session at current (a path, may be NULL) and
 * files another vigil has open are never removed. With shed, the caps are
 * ignored and the oldest one file goes (the disk is full: the newest data
 * wins). Returns how many were removed; res (may be NULL) says why.
 */
size_t retention_prune_daemon(const char *dir, const char *host, const char *current,
			      const struct retention_caps *caps, bool shed,
			      struct retention_result *res);

#endif
