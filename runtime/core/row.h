/* row: from an op's arguments to a table's scratch values. Resolves the
 * table and column names a script writes (normalised, and cached so each
 * name is worked out once per run), reads a row in three steps (check,
 * evolve, write: row_read.c), and computes the _fivetran_id of rows in
 * tables without a primary key.
 *
 * Every function here runs inside a binding and may raise a Lua error;
 * all it fills is owned by the runtime (its catalog and its row scratch),
 * so nothing leaks. */
#ifndef CLUA_ROW_H
#define CLUA_ROW_H

#include <lua.h>
#include <stdbool.h>

#include "catalog.h"
#include "strbuf.h"

struct clua_runtime;

/* Where an op finds its arguments: op(table, row). */
#define ROW_ARG_TABLE 1
#define ROW_ARG_ROW 2

/* A column a row brings that its table does not have yet: added only once
 * the whole row has been checked. */
typedef struct row_new {
    size_t name_at, name_len; /* the normalised name, in row_scratch.names */
    int key_idx, val_idx;     /* the name as written and the value, on the Lua stack */
    types_kind kind;          /* the type the value gives the column */
} row_new;

/* A change a row needs in a column that exists: a pending type settled
 * (from CATALOG_TYPE_PENDING) or an undeclared column widened. */
typedef struct row_change {
    int col;
    types_kind to;
    const char *why; /* the Lua type of the value that asks for it, for the log */
} row_change;

/* What one op's row asks of the schema, collected while it is checked.
 * Owned by the runtime, reused by every op; freed with the Lua state. */
typedef struct row_scratch {
    row_new *news;
    int nnew, capnew;
    row_change *changes;
    int nchange, capchange;
    strbuf names;
} row_scratch;

/* The Lua type name of an op's argument idx, "no value" for one the
 * script did not pass (the op's stack is padded with nils). */
const char *row_arg_typename(lua_State *L, struct clua_runtime *rt, int idx);

/* Creates the run's name caches and row scratch; call once the Lua state
 * exists (the scratch is freed when it closes). */
void row_open(lua_State *L, struct clua_runtime *rt);

/* The table named by the string at index 1. An unknown table is added to
 * the catalog (keyed by _fivetran_id, created in the database by the first
 * row that passes its checks) when create is set; otherwise NULL. */
dest_table *row_dest_table(lua_State *L, struct clua_runtime *rt, const char *op, bool create);

/* What an op reads from its row. */
typedef enum row_mode {
    ROW_UPSERT, /* every column; _fivetran_id is the runtime's to compute */
    ROW_UPDATE, /* every column; the key (or _fivetran_id) says which row */
    ROW_KEYS    /* the key columns only (op.delete); the rest is ignored */
} row_mode;

/* Reads the row table at index 2 into t->vals and t->present: first checks
 * every name and value against the table as it stands, then applies the
 * schema changes the row needs (new columns, widenings), then converts
 * what is left. A row that fails a check raises before anything changes,
 * with a message that names the row by its primary key. */
void row_read(lua_State *L, struct clua_runtime *rt, dest_table *t, const char *op, row_mode mode);

/* Fills the _fivetran_id of a hashed table's row from the values read. */
void row_hash(lua_State *L, struct clua_runtime *rt, dest_table *t);

/* The normalised form of a name (or the name itself with --naming source)
 * in rt->name. Raises `<what> name "x" is empty or holds a NUL byte`. */
const char *row_name(lua_State *L, struct clua_runtime *rt, const char *what, const char *name,
                     size_t len, bool is_table, size_t *out_len);

/* Logs, once per pair, that two names a script used become one. slot
 * keeps the first name seen. */
void row_note_source(lua_State *L, struct clua_runtime *rt, char **slot, const char *kind,
                     const char *source, size_t len, const char *name);

/* Creates in the database a table that so far exists only in the catalog
 * (t->pending: no row has passed its checks yet). Raises on a store
 * failure. */
void row_create_pending(lua_State *L, struct clua_runtime *rt, dest_table *t);

#endif
