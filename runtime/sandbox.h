/* sandbox: the standard libraries a script gets. Without --sandbox, all of
 * Lua's; with it, only what a connector needs to compute, and nothing that
 * reaches files, processes or the interpreter's insides:
 *   base (without dofile and loadfile; load takes text chunks only),
 *   string, table, math, utf8, coroutine, and os.time/date/clock/getenv.
 * The runtime's own modules (op, log, json, uuid, http) come on top. */
#ifndef CLUA_SANDBOX_H
#define CLUA_SANDBOX_H

#include <lua.h>
#include <stdbool.h>

void sandbox_open_libs(lua_State *L, bool sandboxed);

#endif
