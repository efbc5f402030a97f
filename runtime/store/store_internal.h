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

/* A value as the SQLite store binds it: n (INT), f (REAL), or len bytes
 * (TEXT, BLOB) at at, or when at is NULL at off in the buffer of copies
 * the binder names (the queue's, found by offset because it moves as it
 * grows; such a copy is short enough for an int length). */
typedef struct sq_value {
    types_sql_tag tag;
    int64_t n;
    double f;
    const char *at;
    size_t off, len;
} sq_value;

/* Binds parameter i of s to v, whose bytes (a TEXT or BLOB) are at v->at
 * or, when that is NULL, at v->off in copies (the queue's buffer); they
 * must stay as they are until s has run (SQLITE_STATIC). A NULL tag binds
 * NULL. The one bind of the SQLite store: a value's own bytes (sq_bind,
 * no copies), the queue's copy of them or the value in place
 * (store_sqlite_queue.c). Inline and reading through v and copies so that
 * each tag loads only what it binds, as the queue's own switch did: it
 * runs for every parameter of every op. */
static inline void sq_bind_at(sqlite3_stmt *s, int i, const sq_value *v, const strbuf *copies) {
    switch (v->tag) {
    case TYPES_SQL_INT: sqlite3_bind_int64(s, i, v->n); break;
    case TYPES_SQL_REAL: sqlite3_bind_double(s, i, v->f); break;
    case TYPES_SQL_TEXT:
        if (v->at)
            sqlite3_bind_text64(s, i, v->at, v->len, SQLITE_STATIC, SQLITE_UTF8);
        else /* a copy, at most the queue's COPY_MOST bytes: the int call is shorter */
            sqlite3_bind_text(s, i, copies->p + v->off, (int)v->len, SQLITE_STATIC);
        break;
    case TYPES_SQL_BLOB:
        sqlite3_bind_blob64(s, i, v->at ? v->at : copies->p + v->off, v->len, SQLITE_STATIC);
        break;
    default: sqlite3_bind_null(s, i); break;
    }
}

/* Binds a converted value at parameter i, where its bytes are. */
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
