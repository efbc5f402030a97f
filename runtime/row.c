#include "row.h"

#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

#include "json_codec.h"
#include "names.h"
#include "rowhash.h"
#include "rt.h"
#include "store_sqlite.h"

void row_open(lua_State *L, struct clua_runtime *rt) {
    lua_newtable(L);
    rt->table_cache = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_newtable(L);
    rt->merged = luaL_ref(L, LUA_REGISTRYINDEX);
}

static int raise_store(lua_State *L, struct clua_runtime *rt) {
    rt_store_failed(rt);
    return luaL_error(L, "%s", rt->store_msg);
}

const char *row_name(lua_State *L, struct clua_runtime *rt, const char *what, const char *name,
                     size_t len, bool is_table, size_t *out_len) {
    if (len == 0 || memchr(name, '\0', len))
        luaL_error(L, "%s name \"%s\" is empty or holds a NUL byte", what, name);
    strbuf_clear(&rt->name);
    int rc = rt->naming_source ? strbuf_append(&rt->name, name, len)
                                    : names_normalize(name, len, is_table, &rt->name);
    if (rc != 0) luaL_error(L, "%s: out of memory", what);
    *out_len = rt->name.len;
    return strbuf_cstr(&rt->name);
}

void row_note_source(lua_State *L, struct clua_runtime *rt, char **slot, const char *kind,
                     const char *source, size_t len, const char *name) {
    if (!*slot) {
        if (catalog_set_source(slot, source, len) != 0) luaL_error(L, "out of memory");
        return;
    }
    if (strlen(*slot) == len && memcmp(*slot, source, len) == 0) return;
    /* merged[slot][source]: this pair was reported already */
    lua_rawgeti(L, LUA_REGISTRYINDEX, rt->merged);
    if (lua_rawgetp(L, -1, slot) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_rawsetp(L, -3, slot);
    }
    lua_pushlstring(L, source, len);
    bool seen = lua_rawget(L, -2) != LUA_TNIL;
    lua_pop(L, 1);
    if (!seen) {
        lua_pushlstring(L, source, len);
        lua_pushboolean(L, 1);
        lua_rawset(L, -3);
        log_printf(&rt->log, CLUA_LOG_WARNING, "WARNING",
                   "%s names \"%s\" and \"%.*s\" both become \"%s\": their data go to one %s",
                   kind, *slot, (int)len, source, name, kind);
    }
    lua_pop(L, 2);
}

/* A table the script writes to without declaring it: no primary key, so
 * its rows are keyed by _fivetran_id. */
static table *create_hashed(lua_State *L, struct clua_runtime *rt, const char *name, size_t len) {
    table *t = catalog_add(&rt->cat, name, len);
    types_type id_type = {TYPES_STRING, 0, 0};
    int id = t ? table_add_column(t, CATALOG_ID_COLUMN, strlen(CATALOG_ID_COLUMN), id_type, 1) : -1;
    if (id < 0) {
        if (t) catalog_drop_last(&rt->cat);
        luaL_error(L, "out of memory");
    }
    t->cols[id].declared = true;
    if (store_create_table(rt->st, t) != 0) {
        catalog_drop_last(&rt->cat);
        raise_store(L, rt);
    }
    rt->summary.schema_changes++;
    log_printf(&rt->log, CLUA_LOG_INFO, "INFO",
               "created table \"%s\" (not declared, so rows are keyed by _fivetran_id)", t->name);
    return t;
}

table *row_table(lua_State *L, struct clua_runtime *rt, const char *op, bool create) {
    if (lua_type(L, 1) != LUA_TSTRING)
        luaL_error(L, "%s: the table name must be a string, got %s", op, luaL_typename(L, 1));
    lua_rawgeti(L, LUA_REGISTRYINDEX, rt->table_cache);
    lua_pushvalue(L, 1);
    if (lua_rawget(L, -2) == LUA_TLIGHTUSERDATA) {
        table *t = lua_touserdata(L, -1);
        lua_pop(L, 2);
        return t;
    }
    lua_pop(L, 1);
    size_t slen, len;
    const char *source = lua_tolstring(L, 1, &slen);
    char what[300];
    snprintf(what, sizeof what, "%s: table", op);
    const char *name = row_name(L, rt, what, source, slen, true, &len);
    if (catalog_reserved_table(name, len))
        luaL_error(L, "%s: table name \"%s\" is reserved (sqlite_... belongs to SQLite, "
                      "_clua_... to the runtime)", op, name);
    table *t = catalog_find(&rt->cat, name, len);
    if (!t && !create) { /* not cached: a later upsert may create it */
        lua_pop(L, 1);
        return NULL;
    }
    if (!t) t = create_hashed(L, rt, name, len);
    row_note_source(L, rt, &t->source, "table", source, slen, t->name);
    lua_pushvalue(L, 1);
    lua_pushlightuserdata(L, t);
    lua_rawset(L, -3);
    lua_pop(L, 1);
    return t;
}

static bool is_json_null(lua_State *L, int idx) {
    return lua_type(L, idx) == LUA_TLIGHTUSERDATA && lua_touserdata(L, idx) == JSON_NULL;
}

/* Describes the Lua value at idx as a types_input; false for a value no
 * scalar type accepts (a table, a function, ...). */
static bool input_of(lua_State *L, int idx, types_input *in) {
    switch (lua_type(L, idx)) {
    case LUA_TBOOLEAN:
        in->tag = TYPES_IN_BOOL;
        in->b = lua_toboolean(L, idx);
        return true;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            in->tag = TYPES_IN_INT;
            in->i = lua_tointeger(L, idx);
        } else {
            in->tag = TYPES_IN_FLOAT;
            in->f = lua_tonumber(L, idx);
        }
        return true;
    case LUA_TSTRING:
        in->tag = TYPES_IN_STRING;
        in->s = lua_tolstring(L, idx, &in->len);
        return true;
    default: return false;
    }
}

/* The type a value would give an undeclared column; TYPES_COUNT for a
 * value no column can hold. A table is JSON for a new column. */
static types_kind value_kind(lua_State *L, int idx) {
    types_input in;
    if (lua_type(L, idx) == LUA_TTABLE) return TYPES_JSON;
    return input_of(L, idx, &in) ? types_infer(in.tag) : TYPES_COUNT;
}

static void raise_cannot_hold(lua_State *L, const table *t, const char *op, const char *col,
                              int vidx) {
    luaL_error(L, "%s(\"%s\"): column \"%s\" cannot hold a %s", op, t->name, col,
               luaL_typename(L, vidx));
}

/* Adds an undeclared column, typed from the value at vidx. */
static int add_column(lua_State *L, struct clua_runtime *rt, table *t, const char *op,
                      const char *name, size_t len, int vidx) {
    types_type type = {value_kind(L, vidx), 0, 0};
    if (type.kind == TYPES_COUNT) raise_cannot_hold(L, t, op, name, vidx);
    int ci = table_add_column(t, name, len, type, 0);
    if (ci < 0) return luaL_error(L, "%s: out of memory", op);
    if (store_add_column(rt->st, t, ci) != 0) {
        table_drop_last_column(t);
        return raise_store(L, rt);
    }
    rt->summary.schema_changes++;
    log_printf(&rt->log, CLUA_LOG_INFO, "INFO", "added column \"%s\" %s to table \"%s\"",
               t->cols[ci].name, types_name(type.kind), t->name);
    return ci;
}

/* The ladder an undeclared column climbs: BOOLEAN < LONG < DOUBLE < STRING. */
static bool on_ladder(types_kind k) {
    return k == TYPES_BOOLEAN || k == TYPES_LONG || k == TYPES_DOUBLE || k == TYPES_STRING;
}

/* Widens undeclared column ci so it can hold the value at vidx, converting
 * the values it holds already (SPEC §3). */
static void widen_for(lua_State *L, struct clua_runtime *rt, table *t, int ci, int vidx) {
    column *c = &t->cols[ci];
    types_kind got = value_kind(L, vidx);
    if (got == TYPES_COUNT) return; /* conversion reports it */
    if (got == TYPES_JSON) got = TYPES_STRING; /* a table in a scalar column: its JSON text */
    types_kind want = types_join(c->type.kind, got);
    if (want == c->type.kind) return;
    types_type from = c->type;
    c->type.kind = want;
    if (store_widen_column(rt->st, t, ci, &from) != 0) {
        c->type = from;
        raise_store(L, rt);
    }
    rt->summary.schema_changes++;
    log_printf(&rt->log, CLUA_LOG_INFO, "INFO",
               "widened column \"%s\" of table \"%s\" from %s to %s for a %s value", c->name,
               t->name, types_name(from.kind), types_name(want), luaL_typename(L, vidx));
}

static void encode_json(lua_State *L, struct clua_runtime *rt, table *t, const char *op, int ci,
                        int vidx) {
    column *c = &t->cols[ci];
    strbuf_clear(&c->json);
    if (json_encode(L, vidx, &c->json, &rt->keys, rt->msg, sizeof rt->msg) != 0)
        luaL_error(L, "%s(\"%s\"): column \"%s\" is %s: %s", op, t->name, c->name,
                   types_name(c->type.kind), rt->msg);
    types_value *v = &t->vals[ci];
    v->tag = TYPES_SQL_TEXT;
    v->p = strbuf_cstr(&c->json);
    v->len = c->json.len;
}

/* Converts the value at vidx into column ci's slot of the table's scratch. */
static void convert_value(lua_State *L, struct clua_runtime *rt, table *t, const char *op, int ci,
                          int vidx) {
    column *c = &t->cols[ci];
    types_value *v = &t->vals[ci];
    if (is_json_null(L, vidx)) {
        v->tag = TYPES_SQL_NULL;
        return;
    }
    if (c->type.kind == CATALOG_TYPE_PENDING) {
        c->type.kind = value_kind(L, vidx);
        if (c->type.kind == TYPES_COUNT) {
            c->type.kind = CATALOG_TYPE_PENDING;
            raise_cannot_hold(L, t, op, c->name, vidx);
        }
        if (store_set_column_type(rt->st, t, ci) != 0) raise_store(L, rt);
    } else if (!c->declared && on_ladder(c->type.kind)) {
        widen_for(L, rt, t, ci, vidx);
    }
    if (c->type.kind == TYPES_JSON ||
        (!c->declared && c->type.kind == TYPES_STRING && lua_type(L, vidx) == LUA_TTABLE)) {
        encode_json(L, rt, t, op, ci, vidx);
        return;
    }
    types_input in;
    char type[48];
    if (!input_of(L, vidx, &in)) {
        types_format(&c->type, type, sizeof type);
        luaL_error(L, "%s(\"%s\"): column \"%s\" is %s, got %s", op, t->name, c->name, type,
                   luaL_typename(L, vidx));
    }
    /* On the ladder a boolean is the number 0 or 1. */
    if (!c->declared && in.tag == TYPES_IN_BOOL &&
        (c->type.kind == TYPES_LONG || c->type.kind == TYPES_DOUBLE)) {
        in.tag = TYPES_IN_INT;
        in.i = in.b;
    }
    if (types_convert(&c->type, &in, v, rt->msg, sizeof rt->msg) != 0) {
        /* The message shows the value cut and escaped, which log masking
         * would not recognise: a secret is not shown at all. */
        if (in.tag == TYPES_IN_STRING && redact_holds_secret(&rt->secrets, in.s, in.len)) {
            types_format(&c->type, type, sizeof type);
            luaL_error(L, "%s(\"%s\"): column \"%s\" is %s, got a string that holds a secret (%s)",
                       op, t->name, c->name, type, REDACT_MASK);
        }
        luaL_error(L, "%s(\"%s\"): column \"%s\" %s", op, t->name, c->name, rt->msg);
    }
}

/* The column a row key names (the key at -2, its value at -1), added to the
 * table if it is new; -1 for a key this op skips. Caches the answer in the
 * table's name map at index 3. */
static int resolve_column(lua_State *L, struct clua_runtime *rt, table *t, const char *op,
                          row_mode mode) {
    size_t slen, len;
    const char *source = lua_tolstring(L, -2, &slen);
    char what[300];
    snprintf(what, sizeof what, "%s(\"%s\"): column", op, t->name);
    const char *name = row_name(L, rt, what, source, slen, false, &len);
    bool is_id = table_hashed(t) && table_find_column(t, name, len) == t->pk[0];
    if (catalog_reserved_name(name, len) && !is_id)
        luaL_error(L, "%s(\"%s\"): column \"%s\" is reserved for the runtime", op, t->name, name);
    int ci = table_find_column(t, name, len);
    if (ci < 0) {
        if (mode == ROW_KEYS || is_json_null(L, -1)) return -1; /* not made for a null */
        ci = add_column(L, rt, t, op, name, len, -1);
    }
    row_note_source(L, rt, &t->cols[ci].source, "column", source, slen,
                    t->cols[ci].name);
    lua_pushvalue(L, -2);
    lua_pushinteger(L, ci);
    lua_rawset(L, 3);
    return ci;
}

/* Pushes the table's name -> column map, making it on first use. */
static void push_column_cache(lua_State *L, table *t) {
    if (t->column_cache == 0) {
        lua_newtable(L);
        t->column_cache = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, t->column_cache);
}

static void check_keys(lua_State *L, table *t, const char *op, row_mode mode) {
    if (table_hashed(t)) {
        if (mode == ROW_UPSERT) return; /* the runtime computes it */
        int id = t->pk[0];
        if (!t->present[id] || t->vals[id].tag == TYPES_SQL_NULL)
            luaL_error(L,
                       "%s(\"%s\"): table \"%s\" has no primary key, so the row must give its "
                       "_fivetran_id",
                       op, t->name, t->name);
        return;
    }
    for (int k = 0; k < t->npk; k++) {
        int ci = t->pk[k];
        if (!t->present[ci])
            luaL_error(L, "%s(\"%s\"): primary-key column \"%s\" is missing", op, t->name,
                       t->cols[ci].name);
        /* SQLite stores NaN as NULL: a NaN key is a null key. */
        const types_value *v = &t->vals[ci];
        if (v->tag == TYPES_SQL_NULL || (v->tag == TYPES_SQL_REAL && v->f != v->f))
            luaL_error(L, "%s(\"%s\"): primary-key column \"%s\" is %s", op, t->name,
                       t->cols[ci].name, v->tag == TYPES_SQL_NULL ? "null" : "NaN");
    }
}

void row_read(lua_State *L, struct clua_runtime *rt, table *t, const char *op, row_mode mode) {
    if (lua_type(L, 2) != LUA_TTABLE)
        luaL_error(L, "%s(\"%s\"): the row must be a table, got %s", op, t->name,
                   luaL_typename(L, 2));
    lua_settop(L, 2);
    push_column_cache(L, t); /* 3 */
    memset(t->present, 0, (size_t)t->ncols);
    bool upsert_hashed = mode == ROW_UPSERT && table_hashed(t); /* once a row, not a column */
    lua_pushnil(L);
    while (lua_next(L, 2)) {
        if (lua_type(L, -2) != LUA_TSTRING) {
            const char *type = luaL_typename(L, -2);
            const char *key = luaL_tolstring(L, -2, NULL);
            luaL_error(L, "%s(\"%s\"): column names must be strings, got %s %s", op, t->name,
                       type, key);
        }
        lua_pushvalue(L, -2);
        int ci;
        if (lua_rawget(L, 3) == LUA_TNUMBER) {
            ci = (int)lua_tointeger(L, -1);
            lua_pop(L, 1);
        } else {
            lua_pop(L, 1);
            ci = resolve_column(L, rt, t, op, mode);
        }
        if (ci >= 0 && (mode != ROW_KEYS || t->cols[ci].pk_pos)) {
            if (upsert_hashed && t->cols[ci].pk_pos)
                luaL_error(L,
                           "%s(\"%s\"): column \"_fivetran_id\" is computed by the runtime from "
                           "the row's values",
                           op, t->name);
            convert_value(L, rt, t, op, ci, -1);
            t->present[ci] = 1;
        }
        lua_pop(L, 1);
    }
    check_keys(L, t, op, mode);
}

void row_hash(lua_State *L, struct clua_runtime *rt, table *t) {
    strbuf *b = &rt->row_bytes;
    strbuf_clear(b);
    int id = t->pk[0];
    for (int r = 0; r < t->by_name_n; r++) {
        int ci = t->by_name[r];
        if (ci == id || !t->present[ci]) continue;
        if (rowhash_add(b, t->cols[ci].name, t->cols[ci].name_len, &t->vals[ci]) != 0)
            luaL_error(L, "out of memory");
    }
    types_value *v = &t->vals[id];
    rowhash_hex(b, v->buf);
    v->tag = TYPES_SQL_TEXT;
    v->p = v->buf;
    v->len = 32;
    t->present[id] = 1;
}
