/* What the unit tests that read a database share: a temporary database
 * file, and its rows as text through a connection of the test's own, so a
 * test checks what a user would find in the file; and the tables and rows
 * the store tests (SQLite's and PostgreSQL's) give a store. */
#ifndef CLUA_TEST_FIXTURE_H
#define CLUA_TEST_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "catalog.h"

/* Makes an empty file /tmp/clua_<name>_XXXXXX and writes its path into
 * path. Returns 0, or -1 when it cannot. */
int fixture_tmp_db(char *path, size_t size, const char *name);

/* Allocates a test's fixture of size bytes, zeroed, and makes a temporary
 * database (as fixture_tmp_db) in its char array of path_size bytes at
 * path_offset. Returns it, or NULL (nothing left behind). FIXTURE_NEW(type,
 * name) does it for a type with a char array member `path`. */
void *fixture_new(size_t size, size_t path_offset, size_t path_size, const char *name);
#define FIXTURE_NEW(type, name)                                                                   \
    ((type *)fixture_new(sizeof(type), offsetof(type, path), sizeof((type *)0)->path, name))

/* Removes the database file at path and its -wal and -shm files. */
void fixture_remove_db(const char *path);

/* Runs sql on a read-only connection of its own to the database at path
 * and writes its rows into out as "a|b", rows joined by rowsep; NULL shows
 * as NULL and a BLOB as x'hex'. Returns out, or NULL when the statement
 * cannot be prepared (a table that does not exist), with SQLite's message
 * in out. Fails the test when the file cannot be opened, a step fails or
 * the rows do not fit. */
const char *fixture_rows(const char *path, const char *sql, const char *rowsep, char *out,
                         size_t size);

/* Executes sql on a connection of its own (DDL behind the runtime's back);
 * fails the test on an error. */
void fixture_exec(const char *path, const char *sql);

/* ---- tables and rows, as schema.c and lib_op.c make them ----
 * Short names, without the file's prefix: a store test writes a row a line
 * with them. */

/* One declared column: its name, type and place in the key (0: none). */
typedef struct colspec {
    const char *name;
    types_kind kind;
    int precision, scale;
    int pk_pos;
} colspec;

/* Adds table name with the n columns cols to cat; fails the test when a
 * column cannot be added. mk_table(fx, ...) and MK(fx, name, {col}, ...)
 * do it on fx->cat, for a test's fixture of any type with a catalog cat. */
dest_table *fixture_table(catalog *cat, const char *name, const colspec *cols, int n);
#define mk_table(fx, ...) fixture_table(&(fx)->cat, __VA_ARGS__) /* name, cols, n */
#define MK(fx, name, ...)                                                                          \
    fixture_table(&(fx)->cat, name, (const colspec[]){__VA_ARGS__},                               \
                  (int)(sizeof((const colspec[]){__VA_ARGS__}) / sizeof(colspec)))

/* Starts a new row of t: no column present. */
void row_clear(dest_table *t);

/* Sets column ci of t's row to a value of each tag; the bytes are the
 * caller's and must outlive the store call. */
void v_int(dest_table *t, int ci, int64_t i);
void v_real(dest_table *t, int ci, double f);
void v_bytes(dest_table *t, int ci, types_sql_tag tag, const char *p, size_t len);
void v_text(dest_table *t, int ci, const char *s);
void v_blob(dest_table *t, int ci, const char *p, size_t len);
void v_null(dest_table *t, int ci);

#endif
