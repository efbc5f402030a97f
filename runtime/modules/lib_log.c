/* lib_log: log.debug/fine/info/warning/error/severe/critical(...), and
 * print(...) as log.info. The arguments are turned into text as Lua's
 * print does and joined by spaces. */
#include <lauxlib.h>

#include "lib.h"
#include "log.h"
#include "rt.h"

static int log_write(lua_State *L) {
    struct clua_runtime *rt = lua_touserdata(L, lua_upvalueindex(1));
    const log_name *name = &log_names[lua_tointeger(L, lua_upvalueindex(2))];
    if (!log_enabled(&rt->log, name->level)) return 0;
    int n = lua_gettop(L);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 1; i <= n; i++) {
        if (i > 1) luaL_addchar(&b, ' ');
        luaL_tolstring(L, i, NULL);
        luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
    log_line(&rt->log, name->level, name->label, lua_tostring(L, -1));
    return 0;
}

void lib_log_open(lua_State *L, struct clua_runtime *rt) {
    lua_createtable(L, 0, log_names_count);
    for (int i = 0; i < log_names_count; i++) {
        lua_pushlightuserdata(L, rt);
        lua_pushinteger(L, i);
        lua_pushcclosure(L, log_write, 2);
        lua_setfield(L, -2, log_names[i].lua);
    }
    lua_setglobal(L, "log");
    /* print(...) is log.info(...): one INFO line on stderr, secrets masked,
     * instead of raw text in the middle of the summary on stdout. */
    lua_pushlightuserdata(L, rt);
    lua_pushinteger(L, log_find("info") - log_names);
    lua_pushcclosure(L, log_write, 2);
    lua_setglobal(L, "print");
}
