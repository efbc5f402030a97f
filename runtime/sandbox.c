#include "sandbox.h"

#include <lauxlib.h>
#include <lualib.h>

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

static void open_lib(lua_State *L, const char *name, lua_CFunction open) {
    luaL_requiref(L, name, open, 1);
    lua_pop(L, 1);
}

void sandbox_open_libs(lua_State *L, bool sandboxed) {
    if (!sandboxed) {
        luaL_openlibs(L);
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
}
