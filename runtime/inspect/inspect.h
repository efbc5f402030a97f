/* inspect: what inspect.c (the entry point and the summary of every table)
 * and inspect_rows.c (one table's rows) share. Internal to clua_inspect:
 * the output is built in in->out and written only when every step
 * succeeded (see inspect.c). */
#ifndef CLUA_INSPECT_H
#define CLUA_INSPECT_H

#include <sqlite3.h>
#include <stddef.h>

#include "connector_lua.h"
#include "strbuf.h"

/* The tables a connector made: everything but SQLite's and ours. */
#define USER_TABLES                                                                        \
    "SELECT name FROM sqlite_master WHERE type = 'table'"                                  \
    " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_clua\\_%' ESCAPE '\\'"

typedef struct inspector {
    sqlite3 *db;
    char path[4200];
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

/* "phase "table": sqlite3_errmsg (path)"; table may be NULL. */
clua_status inspect_db_fail(inspector *in, const char *phase, const char *table);
clua_status inspect_no_memory(inspector *in);

/* ---- the database ---- */

/* sqlite3_prepare_v2 on in->db: 0, or -1 (then see inspect_db_fail). */
int inspect_prepare(inspector *in, const char *sql, sqlite3_stmt **s);
/* Column i of the current row as a malloc'd string, or NULL (NULL value or
 * no memory). The caller frees it. */
char *inspect_dup_text(sqlite3_stmt *s, int i);

/* ---- columns and counts ---- */

/* Frees what cs holds and leaves it empty (cs itself is the caller's). */
void inspect_colset_free(colset *cs);
/* Fills cs (emptied first) with the columns of table in the runtime's
 * order, the system columns last. */
clua_status inspect_load_columns(inspector *in, const char *table, colset *cs);
const colinfo *inspect_find_column(const colset *cs, const char *name);
/* Appends the primary-key columns in key order to b, separated by ", ",
 * each quoted as an identifier (or not) and followed by suffix. */
int inspect_put_key_columns(strbuf *b, const colset *cs, int quoted, const char *suffix);
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
clua_status inspect_put_rows(inspector *in, const char *name, const colset *cs, sqlite3_stmt *s,
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
