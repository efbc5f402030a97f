/* store: the destination interface. The op path (rows, types, schema
 * evolution, history mode, sweep, the journal, checkpoints) calls only the
 * store_* functions below and never knows which destination it writes to.
 * Each destination is one module behind a table of methods, as SQLite's
 * VFS is: store_sqlite.c (a directory's warehouse.db, the default) and
 * store_pg.c (a schema of a PostgreSQL database). A store keeps its last
 * error with its phase, e.g. `upsert into "user": disk I/O error`. */
#ifndef CLUA_STORE_H
#define CLUA_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "strbuf.h"

typedef struct store store;
typedef struct store_methods store_methods;

/* What every destination's store begins with; each implementation's own
 * struct has it as its first member, so a store * is a pointer to both. */
struct store {
    const store_methods *m;
    char err[1024]; /* the last error, with its phase */
    bool nomem;     /* err is for want of memory */
    bool cancelled; /* a statement failed as cancelled (store_interrupt; PostgreSQL's
                       statement_timeout too): the deadline's failure, not a real one */
};

/* One destination. Every method returns 0 or -1 with st->err set (unless
 * it says otherwise); each has the meaning of the store_* function of
 * the same name below. */
struct store_methods {
    const char *name; /* "SQLite", "PostgreSQL": for messages */
    void (*close)(store *st);
    int (*set_durable)(store *st);
    int (*column_limit)(const store *st);
    int (*settle)(store *st); /* may be NULL: nothing is ever left pending */
    void (*interrupt)(store *st);
    int (*begin)(store *st);
    int (*commit)(store *st);
    int (*rollback)(store *st);
    int (*load_catalog)(store *st, catalog *cat);
    int (*load_state)(store *st, strbuf *out, bool *found);
    int (*save_state)(store *st, const char *json, size_t len);
    int (*owner)(store *st, char *owner, size_t size);
    int (*set_owner)(store *st, const char *owner);
    int (*create_table)(store *st, dest_table *t);
    int (*add_column)(store *st, dest_table *t, int col);
    int (*widen_column)(store *st, dest_table *t, int col, const types_type *from);
    int (*column_exact_double)(store *st, const dest_table *t, int col, bool *exact);
    int (*set_column_type)(store *st, const dest_table *t, int col);
    int (*check_row)(const store *st, const dest_table *t, char *why, size_t whylen); /* may be NULL */
    int (*upsert)(store *st, dest_table *t, const char *synced);
    int (*update)(store *st, dest_table *t, const char *synced);
    int (*delete_row)(store *st, dest_table *t, const char *synced);
    int (*truncate)(store *st, dest_table *t);
    int (*history_record)(store *st, const dest_table *t);
    int (*history_enable)(store *st, dest_table *t, const char *now);
    int (*history_write)(store *st, dest_table *t, const char *now, int kind, char *why,
                         size_t whylen);
    int (*history_fill)(store *st, dest_table *t, bool *found);
    int (*history_delete)(store *st, dest_table *t, const char *now);
    int (*history_truncate)(store *st, dest_table *t, const char *now);
    int (*sweep)(store *st, dest_table *t, const char *now, const char *before,
                 long long *swept);
    void (*forget)(store *st, dest_table *t);
    int (*journal_begin)(store *st, const char *script, const char *started, long long *id);
    int (*journal_checkpoint)(store *st, long long id, int seq, const char *at,
                              const char *state, size_t len, int final, const catalog *cat);
    int (*journal_end)(store *st, long long id, const char *ended, const char *status,
                       const char *error);
};

/* Why a store could not be opened (store_sqlite_open, store_pg_open). */
typedef enum {
    STORE_OPENED = 0,
    STORE_OPEN_FAILED, /* the message says why */
    STORE_OPEN_NOMEM,  /* for want of memory: CLUA_ERROR_NOMEM */
    STORE_OPEN_BUSY,   /* another run holds the destination: CLUA_ERROR_BUSY */
    /* the caller's stop came while it waited for a killed run's lock: only
     * from the opens that take a stop function, store_pg_open_stoppable
     * and store_pg_open_existing (store_pg.h) */
    STORE_OPEN_STOPPED,
} store_open_status;

/* Finalizes every statement (including those cached in cat's tables) and
 * closes the connection. Either may be NULL; the tables' statements are
 * the store's, so with st NULL there are none to drop. */
void store_close(store *st, catalog *cat);

/* The last error, with its phase, and whether it is for want of memory
 * (which the runtime reports as CLUA_ERROR_NOMEM). */
const char *store_error(const store *st);
bool store_out_of_memory(const store *st);
/* Whether a statement failed because it was cancelled (store.cancelled). */
bool store_cancelled(const store *st);
/* Keeps "out of memory" as the error; returns -1. */
int store_oom(store *st);

/* Checkpoints survive a power loss too, not only a crash of the process. */
int store_set_durable(store *st);

/* The most columns a table may have, the two system columns included. */
int store_column_limit(const store *st);

/* What a destination may leave pending: PostgreSQL sends the four ops of
 * the hot path (upsert, update, delete, truncate of a table without
 * history) in a pipeline and reads their outcome later. settle reads it:
 * every store_* function but those four, check_row, column_limit and
 * interrupt settles first, so a failure of a queued op is the error of
 * whichever call settled it (the first failure, with its op and table).
 * close and rollback settle too but go on whatever it says; a commit
 * whose settling fails ends the transaction as a failed COMMIT does. */
int store_settle(store *st);

/* Adds n rows changed by one op of kind (JOURNAL_UPSERTED, ...) on t to
 * t's journal counters: an upsert or update counts one row if it changed
 * anything (a history version re-sent as it is changes nothing), a delete
 * or truncate every row it changed. Each row-changing method counts what
 * it changed itself, at once or (a pipelined op) when its result is read,
 * at the latest when the store settles. */
void store_count(dest_table *t, int kind, long long n);

/* Makes a running statement stop (signal-safe). */
void store_interrupt(store *st);

int store_begin(store *st);
int store_commit(store *st);
int store_rollback(store *st);

/* Fills cat with the tables the destination records (_clua_columns),
 * their history settings too. */
int store_load_catalog(store *st, catalog *cat);

/* The saved state into out; *found is false when none was ever saved. */
int store_load_state(store *st, strbuf *out, bool *found);
/* Saves state (JSON text) inside the current transaction. */
int store_save_state(store *st, const char *json, size_t len);

/* The connector that owns the destination (the file name of the script
 * that made it) into owner; "" when none is recorded. set_owner records
 * one inside the current transaction. */
int store_owner(store *st, char *owner, size_t size);
int store_set_owner(store *st, const char *owner);

/* DDL, recorded in _clua_columns in the same transaction. */
int store_create_table(store *st, dest_table *t);
int store_add_column(store *st, dest_table *t, int col);
/* Changes column col from type from to the type it has now in t (wider),
 * converting the stored values losslessly. */
int store_widen_column(store *st, dest_table *t, int col, const types_type *from);
/* *exact is false when column col holds an integer that a double cannot
 * represent exactly (widening it to DOUBLE would change that value). */
int store_column_exact_double(store *st, const dest_table *t, int col, bool *exact);
/* Records the type a pending column took from its first value. */
int store_set_column_type(store *st, const dest_table *t, int col);

/* Whether the destination can hold the values of t's row (those marked
 * in t->present): 0, or -1 with why (naming table and column) when it
 * cannot, e.g. PostgreSQL's text and a byte that is not UTF-8. Asked
 * before anything of the row is written, so a refusal is the script's
 * error, as a type error is, and leaves the store as it was. */
int store_check_row(const store *st, const dest_table *t, char *why, size_t whylen);

/* The hot path: each binds t->vals for the columns marked in t->present
 * and stamps _fivetran_synced with synced (24 bytes of UTC ISO-8601).
 * Each counts the rows it changed into t's journal counters; on
 * PostgreSQL it may only have been sent (see store_settle). */
int store_upsert(store *st, dest_table *t, const char *synced);
int store_update(store *st, dest_table *t, const char *synced);
int store_delete(store *st, dest_table *t, const char *synced);
int store_truncate(store *st, dest_table *t);

/* History mode. t->history and t->history_start say what the table
 * keeps. record writes them to _clua_history (a new table); enable
 * switches history on for a table that exists, turning each live row into
 * an active version and each deleted row into a closed one, with now as
 * the start of rows never synced. write stores the whole row in t->vals
 * as a new version, or refreshes _fivetran_synced of the active version
 * it equals, counting it as kind (JOURNAL_UPSERTED or JOURNAL_UPDATED);
 * it returns 1 with why set when the row is refused (a start not later
 * than the active version's). delete and truncate count the versions they
 * close. fill completes an op.update's row
 * from the active version (*found false: there is none). delete and
 * truncate close active versions at now (or their start, if later). */
int store_history_record(store *st, const dest_table *t);
int store_history_enable(store *st, dest_table *t, const char *now);
int store_history_write(store *st, dest_table *t, const char *now, int kind, char *why,
                        size_t whylen);
int store_history_fill(store *st, dest_table *t, bool *found);
int store_history_delete(store *st, dest_table *t, const char *now);
int store_history_truncate(store *st, dest_table *t, const char *now);
/* What the destinations share (store.c): the upsert's statement text,
 * its parameters numbered with mark ('?' for SQLite, '$' for PostgreSQL:
 * the columns 1..ncols, then _fivetran_synced), no the literal of a false
 * _fivetran_deleted ("0" for SQLite, where `false` would name a column
 * called false if the table had one; "false" for PostgreSQL's boolean);
 * 0, or -1 out of memory.
 * And the check of a loaded catalog: every table has a whole key, or -1
 * with the error naming the first that has not. */
int store_upsert_sql(strbuf *b, const dest_table *t, char mark, const char *no);
int store_check_keys(store *st, const catalog *cat);

/* ms since the epoch as YYYY-MM-DDTHH:MM:SS.mmmZ; -1 out of range. */
int store_history_time(int64_t ms, char out[32]);

/* The end of a version still active, as both destinations write it. */
#define STORE_HISTORY_END_OF_TIME "9999-12-31T23:59:59.999Z"

/* History mode's rules for a new version, shared so that both
 * destinations decide alike; each reads the newest version and carries
 * out the step. store_history_start puts the new version's start in
 * start (its start column's value, or now): 0, or 1 with why set when the
 * row has none. */
int store_history_start(const dest_table *t, const char *now, char start[32], char *why,
                        size_t whylen);

/* The newest version of the row's key, as the destination read it. */
typedef struct store_history_newest {
    bool found;        /* there is one; the rest is its */
    const char *start; /* _fivetran_start, _fivetran_end as ISO text */
    const char *end;
    bool active; /* _fivetran_active */
    bool same;   /* its columns equal the new row's */
} store_history_newest;

typedef enum {
    STORE_HISTORY_INSERT,       /* insert the version at start */
    STORE_HISTORY_CLOSE_INSERT, /* close the active one at end, then insert */
    STORE_HISTORY_REFRESH,      /* the active one again: refresh its _fivetran_synced */
    STORE_HISTORY_NOTHING,      /* a closed one sent again as it was: change nothing */
    STORE_HISTORY_REFUSE,       /* why says why (the script's error) */
} store_history_step;

/* What to do with the new version starting at start (which may move
 * later: two versions in one millisecond start 1 ms apart); end gets the
 * active version's end for STORE_HISTORY_CLOSE_INSERT. */
store_history_step store_history_decide(const dest_table *t, const store_history_newest *nv,
                                        char start[32], char end[32], char *why, size_t whylen);

/* op.sweep: soft-deletes (in a history table: closes) every live row
 * whose _fivetran_synced is earlier than before and whose columns marked
 * in t->present equal t->vals (the scope); *swept is how many. */
int store_sweep(store *st, dest_table *t, const char *now, const char *before, long long *swept);

/* Drops t's cached statements (after its columns change); forget_catalog
 * drops those of every table of cat (before the catalog is freed). */
void store_forget(store *st, dest_table *t);
void store_forget_catalog(store *st, catalog *cat);

#endif
