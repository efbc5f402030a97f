/* json_decode: JSON text -> Lua values (see json_codec.h), as a json_sink
 * for json_parse (json_core.h) that pushes each value as it is reported.
 *
 * A Lua push can raise only a memory error, and json_parse holds no C
 * memory while a sink callback runs; an escaped string is built in a
 * luaL_Buffer, which lives on the Lua stack. So nothing leaks when Lua
 * raises, and lua_settop cleans up after a failure. */
#include "json_codec.h"
#include "json_core.h"

#include <lauxlib.h>
#include <stdbool.h>
#include <stdio.h>

typedef struct lua_sink {
    lua_State *L;
    int arrays; /* stack index of the set of tables marked as arrays */
} lua_sink;

static const char *push_null(void *ud) {
    lua_pushlightuserdata(((lua_sink *)ud)->L, JSON_NULL);
    return NULL;
}

static const char *push_boolean(void *ud, bool b) {
    lua_pushboolean(((lua_sink *)ud)->L, b);
    return NULL;
}

static const char *push_integer(void *ud, int64_t v) {
    lua_pushinteger(((lua_sink *)ud)->L, (lua_Integer)v);
    return NULL;
}

static const char *push_number(void *ud, double v) {
    lua_pushnumber(((lua_sink *)ud)->L, v);
    return NULL;
}

/* A string without escapes is pushed in one piece; otherwise its text is
 * written straight into a luaL_Buffer of the escaped length (never
 * shorter than the text). */
static const char *push_string(void *ud, const char *raw, size_t n, bool escaped) {
    lua_State *L = ((lua_sink *)ud)->L;
    if (!escaped) {
        lua_pushlstring(L, raw, n);
        return NULL;
    }
    luaL_Buffer b;
    char *out = luaL_buffinitsize(L, &b, n);
    luaL_pushresultsize(&b, json_unescape(raw, n, out));
    return NULL;
}

/* A container holds its table, a key and a value; a luaL_Buffer a few more. */
static const char *push_table(void *ud, bool array) {
    lua_sink *S = ud;
    lua_State *L = S->L;
    if (!lua_checkstack(L, 8)) return json_out_of_memory_stack;
    lua_newtable(L);
    if (array) {
        lua_pushvalue(L, -1);
        lua_pushboolean(L, 1);
        lua_rawset(L, S->arrays);
    }
    return NULL;
}

static const char *set_field(void *ud, bool array, size_t index) {
    lua_State *L = ((lua_sink *)ud)->L;
    if (array)
        lua_rawseti(L, -2, (lua_Integer)index);
    else
        lua_rawset(L, -3); /* a duplicate key: the last one wins */
    return NULL;
}

static const char *table_done(void *ud, bool array) {
    (void)ud;
    (void)array;
    return NULL;
}

static const json_sink lua_values = {
    push_null, push_boolean, push_integer, push_number, push_string,
    push_string, push_table, set_field, table_done,
};

void json_push_arrays(lua_State *L) {
    if (lua_getfield(L, LUA_REGISTRYINDEX, "clua.json_arrays") == LUA_TTABLE) return;
    lua_pop(L, 1);
    lua_newtable(L);
    lua_newtable(L);
    lua_pushliteral(L, "k"); /* weak keys: a mark never keeps a table alive */
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, "clua.json_arrays");
}

void json_mark_array(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    json_push_arrays(L);
    lua_pushvalue(L, idx);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
    lua_pop(L, 1);
}

/* Nothing is pushed on failure: the stack goes back to its top on entry
 * (which also closes a half-built luaL_Buffer). */
int json_decode(lua_State *L, const char *text, size_t len, char *err, size_t errlen) {
    int top = lua_gettop(L);
    json_push_arrays(L);
    lua_sink S = {L, lua_gettop(L)};
    if (!lua_checkstack(L, 8)) {
        if (err && errlen) snprintf(err, errlen, "line 1, column 1: %s", json_out_of_memory_stack);
        lua_settop(L, top);
        return JSON_NOMEM;
    }
    int rc = json_parse(text, len, &lua_values, &S, err, errlen);
    if (rc != 0) {
        lua_settop(L, top);
        return rc;
    }
    lua_remove(L, S.arrays);
    return 0;
}
