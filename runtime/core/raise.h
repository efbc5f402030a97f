/* raise: raise_error, the one way C code called from Lua (the modules in
 * runtime/modules, row.c, row_read.c, schema.c, script.c) refuses what it
 * was given. It is luaL_error, marked _Noreturn so the compiler and the
 * reader both know the line after it is not reached.
 *
 * The rule it carries (STYLE.md "Lua boundary"): check every argument,
 * act, clean up, then raise. A Lua error unwinds with longjmp past every
 * C frame up to the protected call, so when raise_error runs nothing may
 * be held in a local: no malloc'd block, no open statement, no lock.
 * Long-lived scratch lives in a struct the runtime owns (rt->msg, the
 * strbufs) or on the Lua stack (a luaL_Buffer, a userdata with __gc). */
#ifndef CLUA_RAISE_H
#define CLUA_RAISE_H

#include <lua.h>

/* Raises a Lua error whose message is fmt formatted as lua_pushfstring
 * does (%s %d %I %f %p %c %U %%), after the script's file and line when
 * the running function is Lua's ("x.lua:14: op.upsert(...): ..."). */
_Noreturn void raise_error(lua_State *L, const char *fmt, ...);

#endif
