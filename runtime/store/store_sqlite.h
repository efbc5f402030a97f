/* store_sqlite: the destination. Owns the database connection, the DDL of
 * user tables, the cached statements of the op hot path, the transactions
 * and the saved state. Every failure keeps sqlite3_errmsg's text with its
 * phase, e.g. `upsert into "user": disk I/O error` (store_error). */
#ifndef CLUA_STORE_SQLITE_H
#define CLUA_STORE_SQLITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "strbuf.h"

typedef struct store store;

/* Opens (creating if need be) the database at path, never through a
 * symbolic link (store_check_files), in WAL mode with synchronous=NORMAL, and makes sure the runtime's own tables exist:
 * _clua_columns (the logical type of every column), _clua_state and
 * _clua_meta (the owner), and the journal's (journal.h).
 * Returns NULL with err set on failure. */
store *store_open(const char *path, char *err, size_t errlen);
/* store_open, and *out_of_memory set when it failed for want of memory. */
store *store_open_noting(const char *path, char *err, size_t errlen, bool *out_of_memory);

/* Refuses a database at path whose file or journal files (-wal, -shm,
 * -journal) exist as anything but regular files (a planted symbolic link,
 * FIFO or device): -1 with err naming the file and what it is. */
int store_check_files(const char *path, char *err, size_t errlen);

/* synchronous=FULL: a committed checkpoint survives a power loss too, not
 * only a crash of the process (which NORMAL in WAL mode already covers). */
int store_set_durable(store *st);

/* The most columns SQLite allows in a table (SQLITE_LIMIT_COLUMN, 2000 as
 * Debian builds it), the runtime's two system columns included. */
int store_column_limit(const store *st);

/* The rows the last op's statement changed (sqlite3_changes64). */
long long store_changes(const store *st);
/* Rows changed by every INSERT, UPDATE and DELETE since the store opened;
 * the difference across an op is what it changed, however many statements
 * it took (a history version closes one row and inserts another). */
long long store_total_changes(const store *st);

/* Makes a running statement stop with SQLITE_INTERRUPT (signal-safe). */
void store_interrupt(store *st);

/* Finalizes every statement (including those cached in cat's tables) and
 * closes the connection. Either may be NULL. */
void store_close(store *st, catalog *cat);

/* The last error, with its phase. */
const char *store_error(const store *st);
/* Whether that error is for want of memory (SQLITE_NOMEM, or the store's
 * own allocation), which the runtime reports as CLUA_ERROR_NOMEM. */
bool store_out_of_memory(const store *st);

int store_begin(store *st);
int store_commit(store *st);
int store_rollback(store *st);

/* Fills cat with the tables recorded in _clua_columns. A database whose
 * _fivetran_id values were made by an older canonical form is re-keyed
 * (inside the current transaction). */
int store_load_catalog(store *st, catalog *cat);

/* The saved state into out; *found is false when none was ever saved. */
int store_load_state(store *st, strbuf *out, bool *found);
/* Saves state (JSON text) inside the current transaction. */
int store_save_state(store *st, const char *json, size_t len);

/* The connector that owns the database (the file name of the script that
 * made it) into owner; "" when none is recorded (a database made before
 * owners were). set_owner records one inside the current transaction. */
int store_owner(store *st, char *owner, size_t size);
int store_set_owner(store *st, const char *owner);

/* DDL, recorded in _clua_columns in the same transaction. */
int store_create_table(store *st, dest_table *t);
int store_add_column(store *st, dest_table *t, int col);
/* Changes column col from type from to the type it has now in t (wider),
 * converting the stored values; the table is rebuilt to do it. */
int store_widen_column(store *st, dest_table *t, int col, const types_type *from);
/* *exact is false when column col holds an integer that a double cannot
 * represent exactly (widening it to DOUBLE would change that value). */
int store_column_exact_double(store *st, const dest_table *t, int col, bool *exact);
/* Recomputes every _fivetran_id of hashed table t (rowhash.h). */
int store_rekey_table(store *st, dest_table *t);
/* Records the type a pending column took from its first value. */
int store_set_column_type(store *st, const dest_table *t, int col);

/* The hot path: each binds t->vals for the columns marked in t->present
 * and stamps _fivetran_synced with synced (24 bytes of UTC ISO-8601). */
int store_upsert(store *st, dest_table *t, const char *synced);
int store_update(store *st, dest_table *t, const char *synced);
int store_delete(store *st, dest_table *t, const char *synced);
int store_truncate(store *st, dest_table *t);

/* History mode (store_history.c). t->history and t->history_start say
 * what the table keeps. record writes them to _clua_history (a new
 * table); enable switches history on for a table that exists, turning
 * each live row into an active version and each deleted row into a closed
 * one, with now as the start of rows never synced.
 * write stores the whole row in t->vals as a new version, or refreshes
 * _fivetran_synced of the active version it equals; it returns 1 with why
 * set when the row is refused (a start not later than the active
 * version's). fill completes an op.update's row from the active version
 * (*found false: there is none). delete and truncate close active
 * versions at now (or their start, if later). */
int store_history_record(store *st, const dest_table *t);
int store_history_enable(store *st, dest_table *t, const char *now);
int store_history_write(store *st, dest_table *t, const char *now, char *why, size_t whylen);
int store_history_fill(store *st, dest_table *t, bool *found);
int store_history_delete(store *st, dest_table *t, const char *now);
int store_history_truncate(store *st, dest_table *t, const char *now);
/* ms since the epoch as YYYY-MM-DDTHH:MM:SS.mmmZ; -1 out of range. */
int store_history_time(int64_t ms, char out[32]);

/* op.sweep: soft-deletes (in a history table: closes) every live row
 * whose _fivetran_synced is earlier than before and whose columns marked
 * in t->present equal t->vals (the scope); *swept is how many. */
int store_sweep(store *st, dest_table *t, const char *now, const char *before, long long *swept);

/* Drops t's cached statements (after its columns change). */
void store_forget(dest_table *t);

#endif
