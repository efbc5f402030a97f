/* sandbox: opens the standard libraries a script gets, all of Lua's or,
 * with --sandbox, the chosen few (see sandbox.h), and tracks finalizers
 * so the watchdog can guard them. The runtime's own modules are opened by
 * script.c, not here. */
#include "sandbox.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdbool.h>

/* load(chunk, name, mode, env) with the mode forced to text: a binary chunk
 * can break the interpreter's memory safety. */
static int load_text_only(lua_State *L) {
    lua_settop(L, 4);
    lua_pushliteral(L, "t");
    lua_replace(L, 3);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, 4, LUA_MULTRET);
    return lua_gettop(L);
}

/* Notes the metatable at 2, if it has a __gc, in SANDBOX_GC_METATABLES. */
static void note_finalizer(lua_State *L) {
    if (lua_type(L, 2) != LUA_TTABLE) return;
    lua_pushliteral(L, "__gc");
    bool has_gc = lua_rawget(L, 2) != LUA_TNIL;
    lua_pop(L, 1);
    if (!has_gc) return;
    lua_getfield(L, LUA_REGISTRYINDEX, SANDBOX_GC_METATABLES);
    lua_pushvalue(L, 2);
    /* Written once: a write per call would disturb the collector's pace
     * (its write barrier), and with it when finalizers run. */
    if (lua_rawget(L, -2) == LUA_TNIL) {
        lua_pushvalue(L, 2);
        lua_pushboolean(L, 1);
        lua_rawset(L, -4);
    }
    lua_pop(L, 2);
}

/* Lua's setmetatable, checks and messages as lbaselib.c has them, which
 * also notes a finalizer. */
static int base_setmetatable(lua_State *L) {
    int t = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
        return luaL_error(L, "cannot change a protected metatable");
    lua_settop(L, 2);
    note_finalizer(L);
    lua_setmetatable(L, 1);
    return 1;
}

/* debug.setmetatable, as ldblib.c has it, which also notes a finalizer of
 * a table or a userdata (the only values one runs for). */
static int debug_setmetatable(lua_State *L) {
    int t = lua_type(L, 2);
    luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
    lua_settop(L, 2);
    if (lua_type(L, 1) == LUA_TTABLE || lua_type(L, 1) == LUA_TUSERDATA) note_finalizer(L);
    lua_setmetatable(L, 1);
    return 1;
}

/* Replaces setmetatable and debug.setmetatable (when there) with the ones
 * above, and makes their table, weak (a metatable no longer used goes as
 * usual). Weak in keys and values, not keys alone: an ephemeron table
 * changes when the collector runs finalizers, and so which op a finalizer
 * lands in (row_nested_ops.sh); its values are only true. */
static void track_finalizers(lua_State *L) {
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "kv");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_setfield(L, LUA_REGISTRYINDEX, SANDBOX_GC_METATABLES);
    lua_pushcfunction(L, base_setmetatable);
    lua_setglobal(L, "setmetatable");
    if (lua_getglobal(L, "debug") == LUA_TTABLE) {
        lua_pushcfunction(L, debug_setmetatable);
        lua_setfield(L, -2, "setmetatable");
    }
    lua_pop(L, 1);
}

static void open_lib(lua_State *L, const char *name, lua_CFunction open) {
    luaL_requiref(L, name, open, 1);
    lua_pop(L, 1);
}

void sandbox_open_libs(lua_State *L, bool sandboxed) {
    if (!sandboxed) {
        luaL_openlibs(L);
        track_finalizers(L);
        return;
    }
    open_lib(L, LUA_GNAME, luaopen_base);
    open_lib(L, LUA_STRLIBNAME, luaopen_string);
    open_lib(L, LUA_TABLIBNAME, luaopen_table);
    open_lib(L, LUA_MATHLIBNAME, luaopen_math);
    open_lib(L, LUA_UTF8LIBNAME, luaopen_utf8);
    open_lib(L, LUA_COLIBNAME, luaopen_coroutine);

    lua_pushnil(L);
    lua_setglobal(L, "dofile");
    lua_pushnil(L);
    lua_setglobal(L, "loadfile");
    lua_getglobal(L, "load");
    lua_pushcclosure(L, load_text_only, 1);
    lua_setglobal(L, "load");

    /* os: the clock and the environment only; no execute, exit, remove. */
    luaopen_os(L);
    lua_createtable(L, 0, 4);
    static const char *const keep[] = {"time", "date", "clock", "getenv"};
    for (int i = 0; i < 4; i++) {
        lua_getfield(L, -2, keep[i]);
        lua_setfield(L, -2, keep[i]);
    }
    lua_setglobal(L, "os");
    lua_pop(L, 1);
    track_finalizers(L);
}
