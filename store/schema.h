/* SPDX-License-Identifier: MIT */
/*
 * schema: the session file's tables, as forward migrations, and the checks
 * that tell a vigil session file this vigil can read from anything else.
 *
 * Invariants:
 * - PRAGMA user_version is the schema version; migration i takes a file from
 *   version i to i + 1, so STORE_SCHEMA_VERSION is the number of migrations.
 *   A migration, once released, never changes: old files depend on it.
 * - PRAGMA application_id is STORE_APPLICATION_ID in every session file.
 */
#ifndef VIGIL_STORE_SCHEMA_H
#define VIGIL_STORE_SCHEMA_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Brings a writable connection up to STORE_SCHEMA_VERSION in one transaction
 * and stamps the application id. Returns 0, or -1 with the reason in err
 * (a newer file is refused, nothing is changed).
 */
int schema_migrate(sqlite3 *db, char *err, size_t errlen);

/*
 * Checks that db is a vigil session file of a version this vigil reads:
 * application id, user_version, the sessions table. Reads only. Returns 0,
 * or -1 with the reason in err ("not a vigil session file", "written by a
 * newer vigil (...)", "not an SQLite database", "file is corrupt: ..."). On
 * success *version is the file's schema version.
 */
int schema_check(sqlite3 *db, int *version, char *err, size_t errlen);

#endif
