/* lib: what every module shares (see lib.h): registering a module's
 * functions as a global table. The modules themselves are the lib_*.c
 * files beside this one; script.c opens them. */
#include "lib.h"

void lib_register(lua_State *L, struct clua_runtime *rt, const char *name, const luaL_Reg *funcs) {
    lua_newtable(L);
    lua_pushlightuserdata(L, rt);
    luaL_setfuncs(L, funcs, 1);
    lua_setglobal(L, name);
}
