/* lib_json: json.encode(value), json.decode(text), json.array(t) and the
 * json.null sentinel, over json_codec. */
#include <lauxlib.h>

#include "json_codec.h"
#include "lib.h"
#include "rt.h"

static int json_encode_lua(lua_State *L) {
    struct clua_runtime *rt = lua_touserdata(L, lua_upvalueindex(1));
    luaL_checkany(L, 1);
    strbuf_clear(&rt->json);
    /* The buffers belong to the runtime, so raising after a failure leaks nothing. */
    int rc = json_encode(L, 1, &rt->json, &rt->keys, rt->msg, sizeof rt->msg);
    if (rc == JSON_NOMEM) rt_raise_nomem(L, rt, "json.encode: %s", rt->msg);
    if (rc != 0) return luaL_error(L, "json.encode: %s", rt->msg);
    lua_pushlstring(L, strbuf_cstr(&rt->json), rt->json.len);
    return 1;
}

static int json_decode_lua(lua_State *L) {
    struct clua_runtime *rt = lua_touserdata(L, lua_upvalueindex(1));
    if (lua_type(L, 1) != LUA_TSTRING)
        return luaL_error(L, "json.decode: expected a string, got %s", luaL_typename(L, 1));
    size_t len;
    const char *text = lua_tolstring(L, 1, &len);
    int rc = json_decode(L, text, len, rt->msg, sizeof rt->msg);
    if (rc == JSON_NOMEM) rt_raise_nomem(L, rt, "json.decode: %s", rt->msg);
    if (rc != 0) return luaL_error(L, "json.decode: %s", rt->msg);
    return 1;
}

/* json.array([t]): t (or a new table) marked so JSON writes it as an
 * array, [] when empty. */
static int json_array_lua(lua_State *L) {
    if (lua_isnoneornil(L, 1)) {
        lua_settop(L, 0);
        lua_newtable(L);
    } else if (lua_type(L, 1) != LUA_TTABLE) {
        return luaL_error(L, "json.array: expected a table or nothing, got %s", luaL_typename(L, 1));
    }
    lua_settop(L, 1);
    json_mark_array(L, 1);
    return 1;
}

static const luaL_Reg json_funcs[] = {
    {"encode", json_encode_lua},
    {"decode", json_decode_lua},
    {"array", json_array_lua},
    {NULL, NULL},
};

void lib_json_open(lua_State *L, struct clua_runtime *rt) {
    lib_register(L, rt, "json", json_funcs);
    lua_getglobal(L, "json");
    lua_pushlightuserdata(L, JSON_NULL);
    lua_setfield(L, -2, "null");
    lua_pop(L, 1);
    /* Made now, not in the middle of an op's json_encode (where a
     * collection could run finalizers). */
    json_push_arrays(L);
    lua_pop(L, 1);
}
