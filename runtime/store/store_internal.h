/* store_internal: what the files of the SQLite destination share
 * (store_sqlite.c: connection, DDL, hot path; store_widen.c: widening a
 * column by rebuilding its table, and the SQL functions that takes). */
#ifndef CLUA_STORE_INTERNAL_H
#define CLUA_STORE_INTERNAL_H

#include <sqlite3.h>

#include "store_sqlite.h"

struct store {
    sqlite3 *db;
    sqlite3_stmt *begin, *commit, *rollback;
    bool in_tx;
    strbuf sql; /* scratch for statement text */
    char path[4096];
    char err[1024];
    bool nomem; /* err is for want of memory (SQLITE_NOMEM, or ours) */
};

/* Keeps "phase: SQLite's reason" (and the file, for file-level errors) as
 * the store's error; returns -1. */
int store_fail(store *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int store_oom(store *st);

/* Prepares sql as a statement kept for reuse (SQLITE_PREPARE_PERSISTENT).
 * A failure is kept as "preparing <what>: <SQLite's reason>", what being
 * formatted from what_fmt, e.g. store_prepare(st, sql, &c->del, "the
 * delete from \"%s\"", t->name). Returns 0 or -1. */
int store_prepare(store *st, const char *sql, sqlite3_stmt **out, const char *what_fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Steps a statement that returns no rows, and resets it whatever happens.
 * Returns 0 when it ran to the end, -1 when not (the caller names the
 * phase with store_fail). */
int store_run(sqlite3_stmt *s);

/* Executes the statement text built in st->sql; a failure names phase and name. */
int store_exec(store *st, const char *phase, const char *name);

/* Builds in st->sql the CREATE TABLE of t's current columns, under name. */
int store_build_create(store *st, const dest_table *t, const char *name);

/* Records column col of t in _clua_columns. */
int store_record_column(store *st, const dest_table *t, int col);

/* Binds a converted value at parameter i. */
void store_bind(sqlite3_stmt *s, int i, const types_value *v);

/* Drops t's cached history statements (store_history.c). */
void store_history_forget(dest_table *t);

/* Reads _clua_history into the catalog's tables (after their columns). */
int store_history_load(store *st, catalog *cat);

/* Registers clua_widen() and clua_row_id() on the connection. */
int store_register_functions(sqlite3 *db);

#endif
