/* store_internal: what the files of the SQLite destination share
 * (store_sqlite.c: connection, DDL, hot path; store_sqlite_widen.c:
 * widening a column by rebuilding its table, and the SQL functions that
 * takes; store_sqlite_history.c: history mode and sweep;
 * store_sqlite_journal.c: the journal). Their functions take the
 * interface's store * and reach the SQLite part through sq(). */
#ifndef CLUA_STORE_INTERNAL_H
#define CLUA_STORE_INTERNAL_H

#include <sqlite3.h>

#include "store_sqlite.h"

typedef struct sq_queue sq_queue;

typedef struct sq_store {
    store base; /* first: a store * is a pointer to this */
    sqlite3 *db;
    sq_queue *queue; /* the hot path's ops not run yet (store_sqlite_queue.c) */
    sqlite3_stmt *begin, *commit, *rollback;
    bool in_tx;
    strbuf sql; /* scratch for statement text */
    char path[4096];
} sq_store;

/* The SQLite store behind st (which store_sqlite_open made). */
static inline sq_store *sq(const store *st) { return (sq_store *)st; }

/* Keeps "phase: SQLite's reason" (and the file, for file-level errors) as
 * the store's error; returns -1. */
int sq_fail(store *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prepares sql as a statement kept for reuse (SQLITE_PREPARE_PERSISTENT).
 * A failure is kept as "preparing <what>: <SQLite's reason>", what being
 * formatted from what_fmt, e.g. sq_prepare(st, sql, &c->del, "the
 * delete from \"%s\"", t->name). Returns 0 or -1. */
int sq_prepare(store *st, const char *sql, sqlite3_stmt **out, const char *what_fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Steps a statement that returns no rows, and resets it whatever happens.
 * Returns 0 when it ran to the end, -1 when not (the caller names the
 * phase with sq_fail). */
int sq_run(sqlite3_stmt *s);

/* Executes the statement text built in sq(st)->sql; a failure names phase and name. */
int sq_exec(store *st, const char *phase, const char *name);

/* Builds in sq(st)->sql the CREATE TABLE of t's current columns, under name. */
int sq_build_create(store *st, const dest_table *t, const char *name);

/* Records column col of t in _clua_columns. */
int sq_record_column(store *st, const dest_table *t, int col);

/* The hot path's queue (store_sqlite_queue.c). An op is queued as
 * sq_queue_begin, then its parameters in order (?1, ?2, ...) with
 * sq_queue_value or sq_queue_text, then sq_queue_end, which runs the
 * queue when it is full or the op binds a value in place (too large to
 * copy). begin and end return 0 or -1 (the store's error set); a failed
 * begin needs no end. */
int sq_queue_begin(store *st, sqlite3_stmt *stmt, dest_table *t, int kind);
void sq_queue_value(store *st, const types_value *v);
void sq_queue_text(store *st, const char *text, size_t len);
int sq_queue_end(store *st);
/* Runs the queued ops in order and empties the queue; -1 with the store's
 * error naming the op and table that failed (the rest are dropped). */
int sq_queue_run(store *st);
void sq_queue_free(store *st);

/* Binds a converted value at parameter i. */
void sq_bind(sqlite3_stmt *s, int i, const types_value *v);

/* Drops t's cached history statements (store_sqlite_history.c). */
void sq_history_forget(dest_table *t);

/* Reads _clua_history into the catalog's tables (after their columns). */
int sq_history_load(store *st, catalog *cat);

/* Registers clua_widen() and clua_row_id() on the connection. */
int sq_register_functions(sqlite3 *db);

/* The methods the other SQLite files define (store.h says what each does). */
int sq_widen_column(store *st, dest_table *t, int col, const types_type *from);
int sq_column_exact_double(store *st, const dest_table *t, int col, bool *exact);
int sq_history_record(store *st, const dest_table *t);
int sq_history_enable(store *st, dest_table *t, const char *now);
int sq_history_write(store *st, dest_table *t, const char *now, int kind, char *why,
                     size_t whylen);
int sq_history_fill(store *st, dest_table *t, bool *found);
int sq_history_delete(store *st, dest_table *t, const char *now);
int sq_history_truncate(store *st, dest_table *t, const char *now);
int sq_sweep(store *st, dest_table *t, const char *now, const char *before, long long *swept);
int sq_journal_begin(store *st, const char *script, const char *started, long long *id);
int sq_journal_checkpoint(store *st, long long id, int seq, const char *at, const char *state,
                          size_t len, int final, const catalog *cat);
int sq_journal_end(store *st, long long id, const char *ended, const char *status,
                   const char *error);
/* The journal's tables (store_sqlite_journal.c), made with the others. */
extern const char SQ_JOURNAL_SCHEMA_SQL[];
/* Drops t's cached statements (store_sqlite.c). */
void sq_forget(store *st, dest_table *t);
/* Recomputes every _fivetran_id of hashed table t (rowhash.h). */
int sq_rekey_table(store *st, dest_table *t);

#endif
