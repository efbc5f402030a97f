/* lib_op: op.upsert/update/delete/truncate/checkpoint, the hot path from a
 * script's call to a bound SQLite statement. Each binding checks its
 * arguments and converts the row into the table's scratch (owned by the
 * catalog), so it can raise a Lua error at any point without leaking. */
#include <lauxlib.h>
#include <string.h>

#include "json_codec.h"
#include "lib.h"
#include "rt.h"

static struct clua_runtime *rt_of(lua_State *L) {
    return lua_touserdata(L, lua_upvalueindex(1));
}

/* Refuses an op outside update(), or after the database has failed. */
static struct clua_runtime *op_enter(lua_State *L, const char *op) {
    struct clua_runtime *rt = rt_of(L);
    if (rt->phase != RT_PHASE_UPDATE)
        luaL_error(L, "%s: only allowed while update() runs", op);
    if (rt->store_failed) luaL_error(L, "%s: the sync has failed already: %s", op, rt->store_msg);
    return rt;
}

static int store_error_raise(lua_State *L, struct clua_runtime *rt) {
    rt_store_failed(rt);
    return luaL_error(L, "%s", rt->store_msg);
}

/* The table name argument; raises when it is not a string. */
static const char *table_arg(lua_State *L, const char *op, size_t *len) {
    if (lua_type(L, 1) != LUA_TSTRING)
        luaL_error(L, "%s: the table name must be a string, got %s", op, luaL_typename(L, 1));
    return lua_tolstring(L, 1, len);
}

static table *table_resolve(lua_State *L, struct clua_runtime *rt, const char *op) {
    size_t len;
    const char *name = table_arg(L, op, &len);
    table *t = catalog_find(&rt->cat, name, len);
    if (!t)
        luaL_error(L,
                   "%s(\"%s\"): table \"%s\" is not declared in schema(); declare it with a "
                   "primary_key (tables without one are not supported yet)",
                   op, name, name);
    if (lua_type(L, 2) != LUA_TTABLE)
        luaL_error(L, "%s(\"%s\"): the row must be a table, got %s", op, name,
                   luaL_typename(L, 2));
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

/* The type of a column that appears without a declaration (SPEC §3). */
static bool infer_type(lua_State *L, int idx, types_type *type) {
    types_input in;
    type->precision = type->scale = 0;
    if (lua_type(L, idx) == LUA_TTABLE) {
        type->kind = TYPES_JSON;
        return true;
    }
    if (!input_of(L, idx, &in)) return false;
    type->kind = types_infer(in.tag);
    return true;
}

/* Adds an undeclared column, typed from the value at vidx, to the table
 * and the database. Returns its index. */
static int add_column(lua_State *L, struct clua_runtime *rt, table *t, const char *op,
                      const char *name, size_t len, int vidx) {
    types_type type;
    if (len == 0 || memchr(name, '\0', len))
        luaL_error(L, "%s(\"%s\"): column name \"%s\" is empty or holds a NUL byte", op, t->name,
                   name);
    if (!infer_type(L, vidx, &type))
        luaL_error(L, "%s(\"%s\"): column \"%s\" cannot hold a %s", op, t->name, name,
                   luaL_typename(L, vidx));
    int ci = table_add_column(t, name, len, type, 0);
    if (ci < 0) return luaL_error(L, "%s: out of memory", op);
    if (store_add_column(rt->st, t, ci) != 0) {
        table_drop_last_column(t);
        return store_error_raise(L, rt);
    }
    rt->summary.schema_changes++;
    log_printf(&rt->log, CLUA_LOG_INFO, "INFO", "added column \"%s\" %s to table \"%s\"", name,
               types_name(type.kind), t->name);
    return ci;
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
        if (!infer_type(L, vidx, &c->type))
            luaL_error(L, "%s(\"%s\"): column \"%s\" cannot hold a %s", op, t->name, c->name,
                       luaL_typename(L, vidx));
        if (store_set_column_type(rt->st, t, ci) != 0) store_error_raise(L, rt);
    }
    if (c->type.kind == TYPES_JSON) {
        strbuf_clear(&c->json);
        if (json_encode(L, vidx, &c->json, &rt->keys, rt->msg, sizeof rt->msg) != 0)
            luaL_error(L, "%s(\"%s\"): column \"%s\" is JSON: %s", op, t->name, c->name, rt->msg);
        v->tag = TYPES_SQL_TEXT;
        v->p = strbuf_cstr(&c->json);
        v->len = c->json.len;
        return;
    }
    types_input in;
    if (!input_of(L, vidx, &in)) {
        char type[48];
        types_format(&c->type, type, sizeof type);
        luaL_error(L, "%s(\"%s\"): column \"%s\" is %s, got %s", op, t->name, c->name, type,
                   luaL_typename(L, vidx));
    }
    if (types_convert(&c->type, &in, v, rt->msg, sizeof rt->msg) != 0)
        luaL_error(L, "%s(\"%s\"): column \"%s\" %s", op, t->name, c->name, rt->msg);
}

/* Reads the row at index 2 into t's scratch: t->vals and t->present.
 * keys_only (op.delete) reads the primary-key columns and ignores the rest.
 * Raises on any bad column; every primary-key column must be present. */
static void read_row(lua_State *L, struct clua_runtime *rt, table *t, const char *op,
                     bool keys_only) {
    memset(t->present, 0, (size_t)t->ncols);
    lua_pushnil(L);
    while (lua_next(L, 2)) {
        if (lua_type(L, -2) != LUA_TSTRING) {
            const char *type = luaL_typename(L, -2);
            const char *key = luaL_tolstring(L, -2, NULL);
            luaL_error(L, "%s(\"%s\"): column names must be strings, got %s %s", op, t->name,
                       type, key);
        }
        size_t len;
        const char *name = lua_tolstring(L, -2, &len);
        if (catalog_reserved_name(name, len))
            luaL_error(L, "%s(\"%s\"): column \"%s\" is reserved for the runtime", op, t->name,
                       name);
        int ci = table_find_column(t, name, len);
        if (keys_only && (ci < 0 || !t->cols[ci].pk_pos)) {
            lua_pop(L, 1);
            continue;
        }
        if (ci < 0) {
            if (is_json_null(L, -1)) { /* a column that only ever gets null is not made */
                lua_pop(L, 1);
                continue;
            }
            ci = add_column(L, rt, t, op, name, len, -1);
        }
        convert_value(L, rt, t, op, ci, -1);
        t->present[ci] = 1;
        lua_pop(L, 1);
    }
    for (int k = 0; k < t->npk; k++) {
        int ci = t->pk[k];
        if (!t->present[ci])
            luaL_error(L, "%s(\"%s\"): primary-key column \"%s\" is missing", op, t->name,
                       t->cols[ci].name);
        if (t->vals[ci].tag == TYPES_SQL_NULL)
            luaL_error(L, "%s(\"%s\"): primary-key column \"%s\" is null", op, t->name,
                       t->cols[ci].name);
    }
}

static int op_upsert(lua_State *L) {
    struct clua_runtime *rt = op_enter(L, "op.upsert");
    table *t = table_resolve(L, rt, "op.upsert");
    read_row(L, rt, t, "op.upsert", false);
    if (store_upsert(rt->st, t, rt_now(rt)) != 0) return store_error_raise(L, rt);
    rt->summary.upserts++;
    return 0;
}

static int op_update(lua_State *L) {
    struct clua_runtime *rt = op_enter(L, "op.update");
    table *t = table_resolve(L, rt, "op.update");
    read_row(L, rt, t, "op.update", false);
    if (store_update(rt->st, t, rt_now(rt)) != 0) return store_error_raise(L, rt);
    rt->summary.updates++;
    return 0;
}

static int op_delete(lua_State *L) {
    struct clua_runtime *rt = op_enter(L, "op.delete");
    table *t = table_resolve(L, rt, "op.delete");
    read_row(L, rt, t, "op.delete", true);
    if (store_delete(rt->st, t, rt_now(rt)) != 0) return store_error_raise(L, rt);
    rt->summary.deletes++;
    return 0;
}

static int op_truncate(lua_State *L) {
    struct clua_runtime *rt = op_enter(L, "op.truncate");
    size_t len;
    const char *name = table_arg(L, "op.truncate", &len);
    table *t = catalog_find(&rt->cat, name, len);
    if (t && store_truncate(rt->st, t) != 0) return store_error_raise(L, rt);
    rt->summary.truncates++;
    return 0;
}

static int op_checkpoint(lua_State *L) {
    struct clua_runtime *rt = op_enter(L, "op.checkpoint");
    if (lua_type(L, 1) != LUA_TTABLE)
        luaL_error(L, "op.checkpoint: the state must be a table, got %s", luaL_typename(L, 1));
    strbuf_clear(&rt->json);
    if (json_encode(L, 1, &rt->json, &rt->keys, rt->msg, sizeof rt->msg) != 0)
        luaL_error(L, "op.checkpoint: the state cannot be saved as JSON: %s", rt->msg);
    if (rt_commit_state(rt, strbuf_cstr(&rt->json), rt->json.len, true) != 0)
        return luaL_error(L, "%s", rt->store_msg);
    rt->summary.checkpoints++;
    return 0;
}

static const luaL_Reg op_funcs[] = {
    {"upsert", op_upsert},     {"update", op_update},         {"delete", op_delete},
    {"truncate", op_truncate}, {"checkpoint", op_checkpoint}, {NULL, NULL},
};

void lib_op_open(lua_State *L, struct clua_runtime *rt) { lib_register(L, rt, "op", op_funcs); }
