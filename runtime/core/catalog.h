/* catalog: the runtime's picture of the destination's tables: their names,
 * columns, logical types and primary keys, plus the per-table scratch that
 * an op fills (one converted value per column) so no op allocates. The
 * types are dest_table and dest_column, so that nobody takes them for the
 * Lua tables that the same code reads. */
#ifndef CLUA_CATALOG_H
#define CLUA_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "ptrmap.h"
#include "strbuf.h"
#include "types.h"

/* A column whose logical type is not known yet: a primary-key column that
 * schema() named without a type takes the type of its first value. */
#define CATALOG_TYPE_PENDING TYPES_COUNT

typedef struct dest_column {
    char *name;
    size_t name_len;
    types_type type;
    int pk_pos;    /* 0: not in the primary key; else its 1-based place in it */
    bool declared; /* typed by this run's schema(): data never widens it */
    bool in_schema; /* named by this run's schema() (columns or primary_key): --strict allows it */
    char *source;  /* the name a script first used for it this run (NULL: none yet) */
    strbuf json;   /* the JSON text of this column's value in the current op */
} dest_column;

typedef struct dest_table {
    char *name;
    size_t name_len;
    dest_column *cols;
    int ncols, capcols;
    int *pk; /* column indexes in primary-key order */
    int npk;
    bool declared; /* named in this run's schema() */
    bool pending;  /* in the catalog only: created in the database with its first good row */
    char *source;  /* the name a script first used for it this run (NULL: none yet) */
    int by_name_n;
    int *by_name;      /* column indexes in byte order of their names */
    int column_cache;  /* Lua registry ref of the op path's name -> column map (0: none) */
    ptrmap names;      /* the same map by the name's address: the op path's first look */
    /* Scratch for one op: the converted value of each column and whether
     * the op supplied it. Sized with cols. */
    types_value *vals;
    unsigned char *present;
    /* Prepared statements of this table, owned by the store that made
     * them (each destination has its own kind: store.h); freed through
     * store_forget. */
    void *cache;
    /* History mode (README "History mode"): every version of a row is kept. */
    bool history;
    int history_start; /* 1 + index of the column that gives a version's start; 0: the op's time */
    void *hcache; /* the history statements, as cache */
    /* Rows each kind of op changed since the last commit (journal.h). */
    long long journal[4];
} dest_table;

typedef struct catalog {
    dest_table **tables; /* pointers stay put while the catalog grows */
    int n, cap;
} catalog;

/* The primary key of a table declared without one: a hash of the row. */
#define CATALOG_ID_COLUMN "_fivetran_id"

/* True when the key's places are exactly 1..npk, each column in its own:
 * what a damaged _clua_columns could break. */
bool dest_table_key_ok(const dest_table *t);

/* True when t's primary key is CATALOG_ID_COLUMN, computed by the runtime.
 * Inline: every op asks. */
static inline bool dest_table_hashed(const dest_table *t) {
    const dest_column *c = t->npk == 1 ? &t->cols[t->pk[0]] : NULL;
    return c && c->name_len == sizeof CATALOG_ID_COLUMN - 1 &&
           memcmp(c->name, CATALOG_ID_COLUMN, sizeof CATALOG_ID_COLUMN - 1) == 0;
}

/* Keeps a copy of name in *slot (freeing what was there). 0, or -1 when
 * memory runs out. */
int catalog_set_source(char **slot, const char *name, size_t len);

/* Names match as SQLite matches identifiers: ASCII letters in any case. */
bool catalog_same_name(const char *a, size_t alen, const char *b, size_t blen);
dest_table *catalog_find(const catalog *cat, const char *name, size_t len);
/* Adds an empty table; NULL when memory runs out. */
dest_table *catalog_add(catalog *cat, const char *name, size_t len);
/* Removes the last table added (used to undo a failed creation). */
void catalog_drop_last(catalog *cat);
void catalog_free(catalog *cat);

int dest_table_find_column(const dest_table *t, const char *name, size_t len);
/* Appends a column; returns its index, or -1 when memory runs out.
 * pk_pos > 0 also appends it to the primary key. */
int dest_table_add_column(dest_table *t, const char *name, size_t len, types_type type, int pk_pos);
/* Removes the last column added (used to undo a failed ALTER TABLE). */
void dest_table_drop_last_column(dest_table *t);

/* True for the column names the runtime keeps for itself (_fivetran_synced,
 * _fivetran_deleted, _fivetran_id, and history mode's _fivetran_active,
 * _fivetran_start and _fivetran_end), in any case, as SQLite compares them. */
bool catalog_reserved_name(const char *name, size_t len);

/* True for table names SQLite (sqlite_...) or the runtime (_clua_...) own. */
bool catalog_reserved_table(const char *name, size_t len);

#endif
