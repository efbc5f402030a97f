/* store_pg_internal: what the files of the PostgreSQL destination share:
 * the store's struct, running a statement with its failure kept, and the
 * parameters of a row. */
#ifndef CLUA_STORE_PG_INTERNAL_H
#define CLUA_STORE_PG_INTERNAL_H

#include "pq_lazy.h"
#include <pthread.h>
#include <stdbool.h>

#include "store_pg.h"

/* PostgreSQL cuts a longer identifier silently (NAMEDATALEN - 1). */
#define PG_NAME_MAX 63

/* The most columns a PostgreSQL table may have (MaxHeapAttributeNumber). */
#define PG_COLUMN_LIMIT 1600

/* Sends the server a cancel request for the running statement when poked
 * (store_pg_cancel.c): poke is async-signal-safe and never blocks. */
typedef struct pg_canceller {
    PGcancel *cancel;
    int pipe[2];
    pthread_t thread;
    bool on;
} pg_canceller;
int pg_canceller_start(pg_canceller *c, PGconn *conn);
void pg_canceller_poke(pg_canceller *c);
void pg_canceller_stop(pg_canceller *c);

/* An op sent in the pipeline and not yet read: its table and what its
 * result counts as (JOURNAL_UPSERTED, ...). */
typedef struct pg_pending {
    dest_table *t;
    int kind;
} pg_pending;

typedef struct pg_store {
    store base; /* first: a store * is a pg_store * */
    PGconn *conn;
    pg_canceller canceller; /* made at open: a signal handler may not make it */
    long long changes; /* rows changed by every statement run */
    pg_pending *pending; /* the ops sent since the pipeline was entered */
    int npending;
    bool pipe_failed; /* an op of the pipeline failed: its failure is in base.err */
    unsigned long next_name; /* numbers the prepared statements: "clua_1", ... */
    strbuf sql;  /* scratch for statement text */
    strbuf text; /* scratch for parameters' text, NUL-separated */
    /* One row's parameters, grown to the widest table. */
    const char **values;
    int *lengths, *formats;
    size_t *offsets; /* into text, or (size_t)-1: values[i] is set already */
    int nparams, capparams;
} pg_store;

static inline pg_store *pg_of(store *st) { return (pg_store *)st; }

/* Keeps "phase: PostgreSQL's reason" as the store's error (the reason from
 * res when given, else from the connection); returns -1. */
int pg_fail(pg_store *ps, const PGresult *res, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Runs sql (no parameters), counting the rows it changes; a failure keeps
 * phase. Returns 0 or -1. */
int pg_exec(pg_store *ps, const char *sql, const char *phase);

/* Checks a result: 0 when it has the status wanted (and counts the rows
 * it changed), else -1 with the failure kept as phase. Clears res either
 * way. */
int pg_done(pg_store *ps, PGresult *res, ExecStatusType want, const char *phase);

/* A name for a new prepared statement, into out (at least 32 bytes). */
void pg_statement_name(pg_store *ps, char *out);

/* ---- a row's parameters (store_pg_ops.c) ---- */

/* Starts a list of parameters; 0 or -1 (out of memory). */
int pg_params_begin(pg_store *ps, int most);
/* Appends the converted value v of a column of kind kind (NULL: SQL NULL).
 * Text that PostgreSQL cannot hold (a NUL byte, bytes that are not
 * UTF-8) is an error naming table and column. */
int pg_param_value(pg_store *ps, const types_value *v, types_kind kind, const char *table,
                   const char *column);
/* Appends text, n bytes (NULL: SQL NULL). */
int pg_param_text(pg_store *ps, const char *text, size_t n);
/* Makes the values point into the text once it has stopped growing. */
void pg_params_end(pg_store *ps);

/* Appends `"col" IS NOT DISTINCT FROM $n` for column i of t: a json
 * column compared as its text (json has no equality; SQLite compares the
 * text too). 0, or -1 out of memory. */
int pg_put_same(strbuf *b, const dest_table *t, int i, int n);

/* Runs the prepared statement name with the parameters made since
 * pg_params_begin; a failure keeps phase. */
int pg_run_prepared(pg_store *ps, const char *name, const char *phase);

/* ---- the pipeline (store_pg_pipe.c) ---- */

/* Sends the prepared statement name with the parameters made since
 * pg_params_begin, in pipeline mode (entered if need be), without
 * waiting; its result is counted into t's journal counters as kind when
 * it is read. 0, or -1 with the first failure kept. */
int pg_pipe_send(pg_store *ps, const char *name, dest_table *t, int kind);
/* Reads the result of every op sent (counting what each changed) and
 * leaves pipeline mode; 0, or -1 with the first op that failed kept as
 * the error (`upsert into "user": <PostgreSQL's reason>`). Nothing sent:
 * 0 at once. */
int pg_settle(pg_store *ps);
/* pg_settle as the store's settle method. */
int pg_settle_method(store *st);

/* ---- DDL (store_pg_ddl.c) ---- */

/* The native type of a column of logical type t, e.g. "numeric(15,2)";
 * key: the column is in the primary key. */
void pg_type_name(const types_type *t, bool key, char *buf, size_t n);
/* -1 with the error set when name is longer than PostgreSQL keeps. */
int pg_check_name(pg_store *ps, const char *what, const char *table, const char *name,
                  size_t len);
/* Records column col of t in _clua_columns. */
int pg_record_column(pg_store *ps, const dest_table *t, int col);

int pg_create_table(store *st, dest_table *t);
int pg_add_column(store *st, dest_table *t, int col);
int pg_widen_column(store *st, dest_table *t, int col, const types_type *from);
int pg_column_exact_double(store *st, const dest_table *t, int col, bool *exact);
int pg_set_column_type(store *st, const dest_table *t, int col);

/* ---- the hot path (store_pg_ops.c) ---- */

int pg_check_row(const store *st, const dest_table *t, char *why, size_t whylen);
int pg_upsert(store *st, dest_table *t, const char *synced);
int pg_update(store *st, dest_table *t, const char *synced);
int pg_delete(store *st, dest_table *t, const char *synced);
int pg_truncate(store *st, dest_table *t);
int pg_sweep(store *st, dest_table *t, const char *now, const char *before, long long *swept);
void pg_forget(store *st, dest_table *t);

/* Prepares the statement text in ps->sql under a new name kept in name;
 * a failure keeps "preparing <what> \"<table>\"". */
int pg_prepare(pg_store *ps, char name[32], const char *what, const dest_table *t);
/* Drops the prepared statement name on the server, if any; name becomes "". */
void pg_deallocate(pg_store *ps, char name[32]);
/* Appends `"pk1" = $first AND "pk2" = $first+1 ...`. */
int pg_put_key_match(strbuf *b, const dest_table *t, int first);
/* Appends the values of t's key columns as parameters. */
int pg_params_key(pg_store *ps, const dest_table *t);

/* ---- history mode (store_pg_history.c) ---- */

/* The history columns of a table's CREATE TABLE. */
#define PG_HISTORY_COLUMNS_SQL                                                                     \
    "\"_fivetran_active\" boolean NOT NULL DEFAULT true, "                                         \
    "\"_fivetran_start\" timestamptz(3) NOT NULL, \"_fivetran_end\" timestamptz(3) NOT NULL"
/* Deallocates t's history statements (pg_forget calls it). */
void pg_history_forget(pg_store *ps, dest_table *t);
int pg_history_record(store *st, const dest_table *t);
int pg_history_enable(store *st, dest_table *t, const char *now);
int pg_history_write(store *st, dest_table *t, const char *now, int kind, char *why,
                     size_t whylen);
int pg_history_fill(store *st, dest_table *t, bool *found);
int pg_history_delete(store *st, dest_table *t, const char *now);
int pg_history_truncate(store *st, dest_table *t, const char *now);

/* ---- the journal (store_pg_journal.c) ---- */

extern const char PG_JOURNAL_SCHEMA_SQL[];
int pg_journal_begin(store *st, const char *script, const char *started, long long *id);
int pg_journal_checkpoint(store *st, long long id, int seq, const char *at, const char *state,
                          size_t len, int final, const catalog *cat);
int pg_journal_end(store *st, long long id, const char *ended, const char *status,
                   const char *error);

#endif
