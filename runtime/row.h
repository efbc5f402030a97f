/* row: from an op's arguments to a table's scratch values. Resolves the
 * table and column names a script writes (normalised, and cached so each
 * name is worked out once per run), creates tables and columns the script
 * brings, widens undeclared columns, converts every value, and computes
 * the _fivetran_id of rows in tables without a primary key.
 *
 * Every function here runs inside a binding and may raise a Lua error;
 * all it fills is owned by the runtime's catalog, so nothing leaks. */
#ifndef CLUA_ROW_H
#define CLUA_ROW_H

#include <lua.h>
#include <stdbool.h>

#include "catalog.h"

struct clua_runtime;

/* Creates the run's name caches; call once the Lua state exists. */
void row_open(lua_State *L, struct clua_runtime *rt);

/* The table named by the string at index 1. An unknown table is created
 * (keyed by _fivetran_id) when create is set; otherwise NULL. */
table *row_table(lua_State *L, struct clua_runtime *rt, const char *op, bool create);

/* What an op reads from its row. */
typedef enum row_mode {
    ROW_UPSERT, /* every column; _fivetran_id is the runtime's to compute */
    ROW_UPDATE, /* every column; the key (or _fivetran_id) says which row */
    ROW_KEYS    /* the key columns only (op.delete); the rest is ignored */
} row_mode;

/* Reads the row table at index 2 into t->vals and t->present. Raises on a
 * bad name or value, and when a primary-key column is missing. */
void row_read(lua_State *L, struct clua_runtime *rt, table *t, const char *op, row_mode mode);

/* Fills the _fivetran_id of a hashed table's row from the values read. */
void row_hash(lua_State *L, struct clua_runtime *rt, table *t);

/* The normalised form of a name (or the name itself with --naming source)
 * in rt->name. Raises `<what> name "x" is empty or holds a NUL byte`. */
const char *row_name(lua_State *L, struct clua_runtime *rt, const char *what, const char *name,
                     size_t len, bool is_table, size_t *out_len);

/* Logs, once per pair, that two names a script used become one. slot
 * keeps the first name seen. */
void row_note_source(lua_State *L, struct clua_runtime *rt, char **slot, const char *kind,
                     const char *source, size_t len, const char *name);

#endif
