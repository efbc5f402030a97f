/* What the unit tests that read a database share: a temporary database
 * file, and its rows as text through a connection of the test's own, so a
 * test checks what a user would find in the file. */
#ifndef CLUA_TEST_FIXTURE_H
#define CLUA_TEST_FIXTURE_H

#include <stddef.h>

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

#endif
