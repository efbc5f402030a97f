/* sandbox: the standard libraries a script gets. Without --sandbox, all of
 * Lua's; with it, only what a connector needs to compute, and nothing that
 * reaches files, processes or the interpreter's insides:
 *   base (without dofile and loadfile; load takes text chunks only),
 *   string, table, math, utf8, coroutine, and os.time/date/clock/getenv.
 * The runtime's own modules (op, log, json, uuid, http) come on top, and
 * require with package.loaded/preload, for Lua files beside the script
 * only (lib_require.c). */
#ifndef CLUA_SANDBOX_H
#define CLUA_SANDBOX_H

#include <lua.h>
#include <stdbool.h>

/* Registry key of a table whose keys (weak) are the metatables the script
 * gave a __gc finalizer, through setmetatable or debug.setmetatable: the
 * watchdog runs those finalizers under a deadline at close. */
#define SANDBOX_GC_METATABLES "clua.gc_metatables"

/* Opens the libraries; setmetatable (and debug.setmetatable) also note
 * metatables with a __gc in SANDBOX_GC_METATABLES. */
void sandbox_open_libs(lua_State *L, bool sandboxed);

#endif
