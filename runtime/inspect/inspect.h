/* inspect: what inspect.c (the entry point and the summary of every table)
 * and inspect_rows.c (one table's rows) share. Internal to clua_inspect:
 * the output is built in in->out and written only when every step
 * succeeded (see inspect.c). */
#ifndef CLUA_INSPECT_H
#define CLUA_INSPECT_H

#include <stddef.h>

#include "connector_lua.h"
#include "strbuf.h"

typedef struct inspect_reader inspect_reader;

typedef struct inspector {
    const inspect_reader *rd; /* how to read the database: inspect_sqlite.c, inspect_pg.c */
    void *db;                 /* the reader's connection */
    char path[4200];          /* what "Database:" shows */
    char why[1024];           /* the reader's last failure (inspect_db_fail shows it) */
    strbuf out; /* the whole output, written at the end */
    int oom;    /* an append to out failed */
    char *err;
    size_t errlen;
    int all; /* every version of a history table, not only the active ones */
} inspector;

/* One column as shown: its logical type from _clua_columns (NULL while
 * pending) and its place in the primary key (0: not in it). */
typedef struct colinfo {
    char *name;
    char *type;
    int has_digits; /* DECIMAL: precision and scale are known */
    int precision, scale;
    int pk;
    char *native; /* its type in the database (PostgreSQL's typname; SQLite's declared type) */
} colinfo;

typedef struct colset {
    colinfo *c;
    int n;
} colset;

/* ---- output: appends to in->out; a failed append sets in->oom ---- */

void inspect_keep(inspector *in, int rc);
void inspect_put(inspector *in, const char *s);
/* A JSON string (RFC 8259); bytes that are not UTF-8 become U+FFFD. */
void inspect_json_string(inspector *in, const char *s, size_t n);
/* s as a JSON string, or null for NULL. */
void inspect_json_cstring(inspector *in, const char *s);
/* Appends s (n bytes) to b as one line that is safe for a terminal: control
 * characters (C0, DEL and the C1 controls U+0080..U+009F, which include
 * ESC's 8-bit forms) and bytes that are not UTF-8 are shown as \n, \t, \r
 * or \xNN, so no name or value can move the cursor, set a colour or a
 * window title. With max > 0, cut to max characters with "..." when
 * longer. Returns the width in characters, or -1 when memory runs out. */
int inspect_text(strbuf *b, const char *s, size_t n, int max);
/* inspect_text of the C string s with no cut into in->out. */
void inspect_put_text(inspector *in, const char *s);
/* The start of a listing: "Database: PATH" as a line, or in JSON
 * {"database":PATH,"member":[ (the caller closes it). */
void inspect_put_database(inspector *in, int json, const char *member);

/* ---- errors: each writes in->err and returns the status to give ---- */

/* "phase "table": the reader's reason (path)"; table may be NULL. */
clua_status inspect_db_fail(inspector *in, const char *phase, const char *table);
clua_status inspect_no_memory(inspector *in);

/* ---- the database, through a reader ----
 * The four views are written once: what differs between a SQLite file and
 * a PostgreSQL schema is how a query runs and how its values come back,
 * and how a column is selected and ordered so that it reads as SQLite
 * holds it. Queries are written in the SQL both understand, with their
 * parameters as $1, $2, ... (SQLite takes "$1" as a parameter's name). */

typedef enum inspect_kind {
    INSPECT_NULL,
    INSPECT_INT,
    INSPECT_REAL,
    INSPECT_TEXT,
    INSPECT_BLOB
} inspect_kind;

/* A query's parameter: its kind (NULL, INT, REAL or TEXT) and value. */
typedef struct inspect_param {
    inspect_kind kind;
    long long i;
    double f;
    const char *text;
} inspect_param;

/* A query's rows, read one at a time; a reader's own rows begin with this. */
typedef struct inspect_rows {
    const inspect_reader *rd;
    inspector *in; /* where a failure goes (in->why) */
} inspect_rows;

struct inspect_reader {
    /* SELECT name: every table of the database (or schema), names compared
     * and ordered by their bytes. */
    const char *tables_sql;
    /* The columns of table $1: name, logical type, precision, scale, place in
     * the primary key (0: none), 1 when _clua_columns records it, native type;
     * in the runtime's order (_clua_columns.position), the system columns last. */
    const char *columns_sql;
    /* Runs sql with n parameters: 0 with *out (rows_done it), or -1 with in->why set. */
    int (*query)(inspector *in, const char *sql, int n, const inspect_param *p,
                 inspect_rows **out);
    int (*step)(inspect_rows *r); /* 1: a row; 0: no more; -1: failed (in->why) */
    inspect_kind (*kind)(inspect_rows *r, int i);
    long long (*integer)(inspect_rows *r, int i);
    double (*real)(inspect_rows *r, int i);
    /* The value as text, *n its bytes; NULL for NULL. */
    const char *(*text)(inspect_rows *r, int i, size_t *n);
    /* A BLOB's bytes, *n of them; NULL only when memory ran out. */
    const unsigned char *(*blob)(inspect_rows *r, int i, size_t *n);
    void (*done)(inspect_rows *r);
    /* Appends the expression that selects column c of the table aliased
     * alias as SQLite holds it (PostgreSQL: a timestamptz as
     * 'YYYY-MM-DDTHH:MM:SS.mmmZ' text, a boolean as 0/1, ...). */
    int (*put_value)(strbuf *sql, const char *alias, const colinfo *c);
    /* The same for ORDER BY: the order SQLite's values sort in (text by bytes). */
    int (*put_order)(strbuf *sql, const char *alias, const colinfo *c);
    void (*close)(inspector *in);
};

/* Opens dir/warehouse.db read-only (inspect_sqlite.c). */
clua_status inspect_sqlite_open(inspector *in, const char *dir);
/* Opens the schema of a PostgreSQL URL read-only (inspect_pg.c). */
struct pg_url;
clua_status inspect_pg_open(inspector *in, const struct pg_url *u);

int inspect_query(inspector *in, const char *sql, int n, const inspect_param *p,
                  inspect_rows **out);
static inline int rows_step(inspect_rows *r) { return r->rd->step(r); }
static inline inspect_kind rows_kind(inspect_rows *r, int i) { return r->rd->kind(r, i); }
static inline long long rows_int(inspect_rows *r, int i) { return r->rd->integer(r, i); }
static inline double rows_real(inspect_rows *r, int i) { return r->rd->real(r, i); }
static inline const char *rows_text(inspect_rows *r, int i, size_t *n) {
    return r->rd->text(r, i, n);
}
static inline void rows_done(inspect_rows *r) {
    if (r) r->rd->done(r);
}
/* Column i of the current row as a malloc'd string, or NULL (NULL value or
 * no memory). The caller frees it. */
char *rows_dup_text(inspect_rows *r, int i);
/* The user tables (all but SQLite's and the runtime's own), by name: a
 * query with the name as column 0; -1 with in->why set. */
int inspect_user_tables(inspector *in, inspect_rows **out);
/* How many of the tables named in list (SQL: 'a', 'b') the database has. */
clua_status inspect_count_tables(inspector *in, const char *list, int *n);

/* ---- columns and counts ---- */

/* Frees what cs holds and leaves it empty (cs itself is the caller's). */
void inspect_colset_free(colset *cs);
/* Fills cs (emptied first) with the columns of table in the runtime's
 * order, the system columns last. */
clua_status inspect_load_columns(inspector *in, const char *table, colset *cs);
const colinfo *inspect_find_column(const colset *cs, const char *name);
/* Appends ORDER BY's terms for the primary-key columns of alias in key
 * order, each followed by suffix, separated by ", ". */
int inspect_put_key_order(inspector *in, strbuf *b, const colset *cs, const char *alias,
                          const char *suffix);
/* Appends the SELECT list of cs's columns of alias (reader's put_value). */
int inspect_put_values(inspector *in, strbuf *b, const colset *cs, const char *alias);
/* All rows of table, and those marked _fivetran_deleted. */
clua_status inspect_count_rows(inspector *in, const char *table, const colset *cs,
                               long long *total, long long *deleted);

/* ---- with TABLE (inspect_rows.c) ---- */

/* The newest limit rows (all when limit < 0) of the table named like
 * asked, as a text table or as JSON. */
clua_status inspect_show_rows(inspector *in, const char *asked, long limit, int json);

/* The user table named like asked (ASCII case-insensitive), copied into
 * *name (the caller frees it); CLUA_ERROR_NOT_FOUND with the list of
 * tables when there is none. */
clua_status inspect_find_table(inspector *in, const char *asked, char **name);
/* The rows of s (its first cs->n columns are the table's) as a text table
 * or as JSON ("columns" and "rows" members, each with a leading comma).
 * With written set, the three columns after them are the sync that wrote
 * the row and the first and last checkpoint it may have come from: shown
 * as two more columns, or a "written" member [{"sync", "checkpoints"}].
 * *shown gets the number of rows. */
clua_status inspect_put_rows(inspector *in, const char *name, const colset *cs, inspect_rows *s,
                             int written, int json, long long *shown);

/* ---- --changed and --key (inspect_changes.c) ---- */

/* With nkeys == 0: the rows of table that sync (0: the newest) wrote; else
 * the row whose key columns equal keys ("column=value" each; with in->all
 * every version of a history table), each with the sync and checkpoint
 * that last wrote it. */
clua_status inspect_show_changes(inspector *in, const char *table, long long sync, int nkeys,
                                 const char *const *keys, long limit, int json);

/* ---- --syncs (inspect_syncs.c) ---- */

/* Whether the database keeps the journal of syncs (a database made before
 * connector-lua kept one has none): CLUA_OK with *has set, or the failure. */
clua_status inspect_has_journal(inspector *in, int *has);
/* The newest limit runs of the journal (all when limit < 0), newest first,
 * with what each committed per table. */
clua_status inspect_show_syncs(inspector *in, long limit, int json);

#endif
