/* raise: raise_error (see raise.h). */
#include "raise.h"

#include <lauxlib.h>
#include <stdarg.h>
#include <stdlib.h>

_Noreturn void raise_error(lua_State *L, const char *fmt, ...) {
    va_list ap;
    luaL_where(L, 1);
    va_start(ap, fmt);
    lua_pushvfstring(L, fmt, ap);
    va_end(ap);
    lua_concat(L, 2);
    lua_error(L);
    abort(); /* not reached: lua_error does not return */
}
