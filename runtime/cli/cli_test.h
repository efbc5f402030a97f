/* cli_test: `connector-lua test SCRIPT`, a golden test of a connector. One
 * sync runs into a fresh temporary directory; its result (every table's
 * rows by primary key, the final state, the summary counters) is compared
 * with the expected JSON file, or written to it with --update.
 *
 *   cli_test.c       the command: arguments, default names, the sync, the verdict
 *   cli_test_doc.c   the result as a document: read from the warehouse, written as JSON
 *   cli_test_diff.c  the differences between two documents, one line each
 *
 * The documents are Lua values in a Lua state of the command's own (the
 * JSON codec's representation); the functions below run inside its
 * protected calls and raise Lua errors. */
#ifndef CLUA_CLI_TEST_H
#define CLUA_CLI_TEST_H

#include <lua.h>
#include <stdbool.h>
#include <stdio.h>

#include "connector_lua.h"
#include "strbuf.h"

/* The command's entry point: argv[0] is "test". Returns the exit status. */
int cli_test_main(int argc, char **argv);

/* Pushes the document of the warehouse in dir and the summary of rt's sync:
 *   {"summary": {...6 counters...}, "state": ..., "tables": {"t": [row, ...]}}
 * and then a table of each table's primary-key column names, in key order
 * ({"t": {"id"}}). Raises on a database error. */
void cli_test_doc_read(lua_State *L, const char *dir, const clua_runtime *rt);

/* Appends the document at idx to out as stable JSON: sorted keys, indented,
 * each row on one line. */
void cli_test_doc_format(lua_State *L, int idx, strbuf *out);

/* How many tables and rows the document at idx holds. */
void cli_test_doc_count(lua_State *L, int idx, long long *tables, long long *rows);

/* Compares the expected document (at expected) with the actual one (at
 * actual, with its key columns at keys) and writes one line per difference
 * to out, the first max of them. Returns how many there are. */
long long cli_test_diff(lua_State *L, int expected, int actual, int keys, FILE *out, long long max);

/* Raises, naming path, unless the value at idx is an expected document: an
 * object with the objects "summary" and "tables" and a "state" (any JSON
 * value: a checkpoint may save an array). */
void cli_test_check(lua_State *L, int idx, const char *path);

/* A key of a JSON object: its bytes may hold a NUL, so it is kept with its
 * length, and ordered by its bytes (cli_test_key_cmp, for qsort). */
typedef struct key_ref {
    const char *p;
    size_t len;
} key_ref;
int cli_test_key_cmp(const void *x, const void *y);

/* Scratch for the JSON encoder, kept in L's registry in a userdata whose
 * __gc frees it: no C memory is stranded when a Lua error is raised. */
typedef struct cli_test_scratch {
    strbuf text, keys, shown;
} cli_test_scratch;
cli_test_scratch *cli_test_scratch_of(lua_State *L);

/* The value at idx as compact JSON for a message, cut after about 200
 * bytes, escaped for a terminal (text.h: a C1 control or a byte that is
 * not UTF-8 as \xNN); "nothing" for none. Pushes the text. */
const char *cli_test_show(lua_State *L, int idx);

#endif
