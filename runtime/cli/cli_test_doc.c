/* cli_test_doc: the result of a test sync as a document (see cli_test.h):
 * read from the warehouse, and written as the expected file's JSON.
 *
 * Values by logical type, as the README documents: BOOLEAN true/false
 * (_fivetran_deleted too), SHORT/INT/LONG integers, FLOAT/DOUBLE numbers
 * (an infinity as the string "Infinity" or "-Infinity": JSON has none),
 * BINARY lowercase hex, everything else the stored text, NULL null. Text
 * that is not UTF-8 (in a row or the state) is {"bytes_hex": "..."}.
 * _fivetran_synced is left out: it is the time of the run. */
#include <lauxlib.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "cli_test.h"
#include "json_codec.h"
#include "text.h"

#define READER "clua.test_reader"

/* The database and the statement being stepped; closed by __gc when a
 * Lua error ends the read early. */
typedef struct reader {
    sqlite3 *db;
    sqlite3_stmt *s;
    const char *path;
} reader;

static int reader_gc(lua_State *L) {
    reader *r = luaL_checkudata(L, 1, READER);
    sqlite3_finalize(r->s);
    r->s = NULL;
    sqlite3_close(r->db);
    r->db = NULL;
    return 0;
}

static int fail_db(lua_State *L, reader *r, const char *what) {
    return luaL_error(L, "%s: reading %s: %s", r->path, what,
                      r->db ? sqlite3_errmsg(r->db) : "out of memory");
}

/* Prepares sql as r's one statement (the one before is finalized). */
static void prepare(lua_State *L, reader *r, const char *sql, const char *what) {
    sqlite3_finalize(r->s);
    r->s = NULL;
    if (sqlite3_prepare_v2(r->db, sql, -1, &r->s, NULL) != SQLITE_OK) fail_db(L, r, what);
}

static int step(lua_State *L, reader *r, const char *what) {
    int rc = sqlite3_step(r->s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) fail_db(L, r, what);
    return rc == SQLITE_ROW;
}

/* Appends name to b as a quoted SQL identifier. */
static void add_ident(luaL_Buffer *b, const char *name) {
    luaL_addchar(b, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"') luaL_addchar(b, '"');
        luaL_addchar(b, *p);
    }
    luaL_addchar(b, '"');
}

/* Pushes column i of r's current row as the logical type type (NULL:
 * not known) says. */
static void push_value(lua_State *L, reader *r, int i, const char *type) {
    sqlite3_stmt *s = r->s;
    switch (sqlite3_column_type(s, i)) {
    case SQLITE_NULL: lua_pushlightuserdata(L, JSON_NULL); return;
    case SQLITE_INTEGER: {
        sqlite3_int64 v = sqlite3_column_int64(s, i);
        if (type && !strcmp(type, "BOOLEAN")) lua_pushboolean(L, v != 0);
        else lua_pushinteger(L, (lua_Integer)v);
        return;
    }
    case SQLITE_FLOAT: {
        double v = sqlite3_column_double(s, i);
        if (isinf(v)) lua_pushstring(L, v > 0 ? "Infinity" : "-Infinity");
        else if (isnan(v)) lua_pushlightuserdata(L, JSON_NULL);
        else lua_pushnumber(L, v);
        return;
    }
    case SQLITE_BLOB: {
        static const char digits[] = "0123456789abcdef";
        const unsigned char *p = sqlite3_column_blob(s, i);
        int n = sqlite3_column_bytes(s, i);
        luaL_Buffer b;
        luaL_buffinit(L, &b);
        for (int k = 0; k < n; k++) {
            luaL_addchar(&b, digits[p[k] >> 4]);
            luaL_addchar(&b, digits[p[k] & 15]);
        }
        luaL_pushresult(&b);
        return;
    }
    default:
        lua_pushlstring(L, (const char *)sqlite3_column_text(s, i),
                        (size_t)sqlite3_column_bytes(s, i));
    }
}

/* Reads table name into a new array of rows at the top, and its key
 * column names into keys[name]. */
static void read_table(lua_State *L, reader *r, const char *name, int keys) {
    int top = lua_gettop(L);
    lua_newtable(L); /* top+1: column names */
    lua_newtable(L); /* top+2: their logical types (false: not known) */
    lua_newtable(L); /* top+3: key column names by place */
    prepare(L, r,
            "SELECT p.name, coalesce(c.logical_type, CASE p.name WHEN '_fivetran_deleted'"
            " THEN 'BOOLEAN' END), p.pk FROM pragma_table_info(?1) AS p"
            " LEFT JOIN _clua_columns AS c ON c.table_name = ?1 AND c.column_name = p.name"
            " WHERE p.name <> '_fivetran_synced' ORDER BY p.cid",
            "the columns of a table");
    sqlite3_bind_text(r->s, 1, name, -1, SQLITE_TRANSIENT);
    int ncols = 0;
    while (step(L, r, "the columns of a table")) {
        ncols++;
        lua_pushstring(L, (const char *)sqlite3_column_text(r->s, 0));
        lua_rawseti(L, top + 1, ncols);
        if (sqlite3_column_type(r->s, 1) == SQLITE_NULL) lua_pushboolean(L, 0);
        else lua_pushstring(L, (const char *)sqlite3_column_text(r->s, 1));
        lua_rawseti(L, top + 2, ncols);
        int pk = sqlite3_column_int(r->s, 2);
        if (pk > 0) {
            lua_pushstring(L, (const char *)sqlite3_column_text(r->s, 0));
            lua_rawseti(L, top + 3, pk);
        }
    }
    /* SELECT "a", "b" FROM "t" ORDER BY the key (rowid: none). */
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, "SELECT ");
    for (int i = 1; i <= ncols; i++) {
        lua_rawgeti(L, top + 1, i);
        if (i > 1) luaL_addstring(&b, ", ");
        add_ident(&b, lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    if (!ncols) luaL_addstring(&b, "NULL");
    luaL_addstring(&b, " FROM ");
    add_ident(&b, name);
    luaL_addstring(&b, " ORDER BY ");
    lua_Integer nkeys = (lua_Integer)lua_rawlen(L, top + 3);
    for (lua_Integer k = 1; k <= nkeys; k++) {
        lua_rawgeti(L, top + 3, k);
        if (k > 1) luaL_addstring(&b, ", ");
        add_ident(&b, lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    if (!nkeys) luaL_addstring(&b, "rowid");
    luaL_pushresult(&b); /* top+4 */
    prepare(L, r, lua_tostring(L, top + 4), "the rows of a table");
    lua_newtable(L); /* top+5: the rows */
    json_mark_array(L, top + 5);
    for (lua_Integer n = 1; step(L, r, "the rows of a table"); n++) {
        lua_createtable(L, 0, ncols);
        for (int i = 1; i <= ncols; i++) {
            lua_rawgeti(L, top + 1, i);
            lua_rawgeti(L, top + 2, i);
            push_value(L, r, i - 1, lua_toboolean(L, -1) ? lua_tostring(L, -1) : NULL);
            lua_remove(L, -2);
            lua_rawset(L, -3);
        }
        lua_rawseti(L, top + 5, n);
    }
    sqlite3_finalize(r->s);
    r->s = NULL;
    lua_pushvalue(L, top + 3);
    lua_setfield(L, keys, name);
    lua_replace(L, top + 1);
    lua_settop(L, top + 1);
}

static bool is_utf8(const char *s, size_t n) {
    for (size_t i = 0, k; i < n; i += k)
        if ((k = text_utf8_len((const unsigned char *)s + i, n - i)) == 0) return false;
    return true;
}

/* In the table at idx and the tables in it, each string that is not
 * UTF-8 becomes {"bytes_hex": "..."}, so the expected file is valid JSON
 * that reads back the same. A key cannot become an object: one that is
 * not UTF-8 is an error. */
static void utf8_only(lua_State *L, int idx, int depth) {
    static const char digits[] = "0123456789abcdef";
    idx = lua_absindex(L, idx);
    if (depth > JSON_MAX_DEPTH) luaL_error(L, "the state is nested too deep");
    luaL_checkstack(L, 8, "the state is nested too deep");
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        size_t n;
        const char *p;
        if (lua_type(L, -2) == LUA_TSTRING && (p = lua_tolstring(L, -2, &n), !is_utf8(p, n)))
            luaL_error(L, "the key %s is not UTF-8: the expected file cannot hold it",
                       cli_test_show(L, -2));
        if (lua_type(L, -1) == LUA_TTABLE) {
            utf8_only(L, -1, depth + 1);
        } else if (lua_type(L, -1) == LUA_TSTRING && (p = lua_tolstring(L, -1, &n), !is_utf8(p, n))) {
            lua_createtable(L, 0, 1);
            luaL_Buffer b;
            luaL_buffinit(L, &b);
            for (size_t k = 0; k < n; k++) {
                luaL_addchar(&b, digits[(unsigned char)p[k] >> 4]);
                luaL_addchar(&b, digits[(unsigned char)p[k] & 15]);
            }
            luaL_pushresult(&b);
            lua_setfield(L, -2, "bytes_hex");
            lua_pushvalue(L, -3);
            lua_insert(L, -2);
            lua_rawset(L, idx); /* an existing key: lua_next goes on */
        }
        lua_pop(L, 1);
    }
}

void cli_test_doc_read(lua_State *L, const char *dir, const clua_runtime *rt) {
    lua_pushfstring(L, "%s/warehouse.db", dir);
    reader *r = lua_newuserdatauv(L, sizeof *r, 0);
    memset(r, 0, sizeof *r);
    r->path = lua_tostring(L, -2); /* anchored below it */
    if (luaL_newmetatable(L, READER)) {
        lua_pushcfunction(L, reader_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    int ud = lua_gettop(L);
    if (sqlite3_open_v2(r->path, &r->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW, NULL) !=
        SQLITE_OK)
        fail_db(L, r, "the database");

    lua_createtable(L, 0, 3); /* the document */
    int doc = lua_gettop(L);
    lua_newtable(L); /* the key columns */
    int keys = lua_gettop(L);

    lua_newtable(L); /* doc.tables */
    int tables = lua_gettop(L);
    lua_newtable(L); /* the table names, read first: one statement at a time */
    int names = lua_gettop(L);
    prepare(L, r,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%'"
            " ESCAPE '\\' AND name NOT LIKE '\\_clua\\_%' ESCAPE '\\' ORDER BY name",
            "the tables");
    for (lua_Integer n = 1; step(L, r, "the tables"); n++) {
        lua_pushstring(L, (const char *)sqlite3_column_text(r->s, 0));
        lua_rawseti(L, names, n);
    }
    for (lua_Integer n = 1; lua_rawgeti(L, names, n) == LUA_TSTRING; n++) {
        const char *name = lua_tostring(L, -1);
        read_table(L, r, name, keys);
        lua_setfield(L, tables, name);
        lua_pop(L, 1);
    }
    lua_settop(L, tables);
    lua_setfield(L, doc, "tables");

    prepare(L, r, "SELECT state FROM _clua_state WHERE id = 1", "the state");
    char err[256];
    if (!step(L, r, "the state")) lua_newtable(L);
    else if (json_decode(L, (const char *)sqlite3_column_text(r->s, 0),
                         (size_t)sqlite3_column_bytes(r->s, 0), err, sizeof err) != 0)
        luaL_error(L, "%s: the saved state is not JSON: %s", r->path, err);
    lua_setfield(L, doc, "state");

    const struct {
        const char *name;
        long long n;
    } counters[] = {{"upserts", clua_count(rt, CLUA_COUNT_UPSERTS)},
                    {"updates", clua_count(rt, CLUA_COUNT_UPDATES)},
                    {"deletes", clua_count(rt, CLUA_COUNT_DELETES)},
                    {"truncates", clua_count(rt, CLUA_COUNT_TRUNCATES)},
                    {"schema_changes", clua_count(rt, CLUA_COUNT_SCHEMA_CHANGES)},
                    {"checkpoints", clua_count(rt, CLUA_COUNT_CHECKPOINTS)}};
    lua_createtable(L, 0, 6);
    for (size_t i = 0; i < sizeof counters / sizeof counters[0]; i++) {
        lua_pushinteger(L, (lua_Integer)counters[i].n);
        lua_setfield(L, -2, counters[i].name);
    }
    lua_setfield(L, doc, "summary");
    utf8_only(L, doc, 0);

    lua_pushcfunction(L, reader_gc); /* done: close now, not at the next collection */
    lua_pushvalue(L, ud);
    lua_call(L, 1, 0);
    lua_rotate(L, ud - 1, -2); /* the path and the reader go to the top */
    lua_pop(L, 2);
}

void cli_test_doc_count(lua_State *L, int idx, long long *tables, long long *rows) {
    *tables = *rows = 0;
    if (lua_getfield(L, idx, "tables") == LUA_TTABLE) {
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            (*tables)++;
            if (lua_type(L, -1) == LUA_TTABLE) *rows += (long long)lua_rawlen(L, -1);
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
}

/* ---- writing the expected file ----------------------------------------- */

static void put(lua_State *L, strbuf *out, const char *s) {
    if (strbuf_puts(out, s) != 0) luaL_error(L, "out of memory");
}

/* The value at idx as compact JSON (keys sorted by the encoder). */
static void put_compact(lua_State *L, int idx, strbuf *out) {
    char err[256];
    if (json_encode(L, idx, out, &cli_test_scratch_of(L)->keys, err, sizeof err) != 0)
        luaL_error(L, "cannot write the expected file: %s", err);
}

static bool is_object(lua_State *L, int idx) {
    if (lua_type(L, idx) != LUA_TTABLE) return false;
    json_push_arrays(L);
    lua_pushvalue(L, idx);
    bool array = lua_rawget(L, -2) != LUA_TNIL || lua_rawlen(L, idx) > 0;
    lua_pop(L, 2);
    if (array) return false;
    lua_pushnil(L);
    bool empty = !lua_next(L, idx);
    if (!empty) lua_pop(L, 2);
    return !empty;
}

/* The object at idx indented by indent spaces, keys sorted; its members
 * at depth `flat` and below (0: none) on one line each. */
static void put_pretty(lua_State *L, int idx, strbuf *out, int indent, int flat) {
    idx = lua_absindex(L, idx);
    luaL_checkstack(L, 8, "the state is nested too deep");
    if (!is_object(L, idx) || flat == 1) {
        if (lua_type(L, idx) == LUA_TTABLE && !is_object(L, idx) && lua_rawlen(L, idx) > 0 &&
            flat != 1) {
            /* a non-empty array: one element a line */
            put(L, out, "[");
            for (lua_Integer i = 1; lua_rawgeti(L, idx, i) != LUA_TNIL; i++) {
                put(L, out, i > 1 ? ",\n" : "\n");
                if (strbuf_printf(out, "%*s", indent + 2, "") != 0) luaL_error(L, "out of memory");
                put_pretty(L, -1, out, indent + 2, flat ? flat - 1 : 0);
                lua_pop(L, 1);
            }
            lua_pop(L, 1);
            if (strbuf_printf(out, "\n%*s]", indent, "") != 0) luaL_error(L, "out of memory");
            return;
        }
        put_compact(L, idx, out);
        return;
    }
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        n++;
        lua_pop(L, 1);
    }
    /* the keys' strings stay anchored in the table while they are sorted */
    key_ref *keys = lua_newuserdatauv(L, n * sizeof *keys, 0);
    size_t k = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "cannot write a key that is not a string");
        keys[k].p = lua_tolstring(L, -1, &keys[k].len);
        k++;
    }
    qsort(keys, n, sizeof *keys, cli_test_key_cmp);
    put(L, out, "{");
    for (k = 0; k < n; k++) {
        put(L, out, k ? ",\n" : "\n");
        if (strbuf_printf(out, "%*s", indent + 2, "") != 0) luaL_error(L, "out of memory");
        lua_pushlstring(L, keys[k].p, keys[k].len); /* whole, NUL and all */
        put_compact(L, -1, out);
        put(L, out, ": ");
        lua_rawget(L, idx);
        put_pretty(L, -1, out, indent + 2, flat ? flat - 1 : 0);
        lua_pop(L, 1);
    }
    if (strbuf_printf(out, "\n%*s}", indent, "") != 0) luaL_error(L, "out of memory");
    lua_pop(L, 1);
}

void cli_test_doc_format(lua_State *L, int idx, strbuf *out) {
    idx = lua_absindex(L, idx);
    put(L, out, "{\n  \"state\": ");
    lua_getfield(L, idx, "state");
    put_pretty(L, -1, out, 2, 0);
    put(L, out, ",\n  \"summary\": ");
    lua_getfield(L, idx, "summary");
    put_pretty(L, -1, out, 2, 0);
    /* tables -> name -> rows -> a row: one line */
    put(L, out, ",\n  \"tables\": ");
    lua_getfield(L, idx, "tables");
    put_pretty(L, -1, out, 2, 3);
    put(L, out, "\n}");
    lua_pop(L, 3);
}
