/* script: the Lua host, the only file that makes a Lua state and calls
 * into it. It opens the modules, and runs the Lua side of a sync inside
 * two protected calls with a traceback handler: first the inputs (decode
 * configuration and state, compile the script), before the database is
 * opened; then the script's chunk, schema() and update().
 *
 * It is not the only file that touches Lua. Called from inside those
 * protected calls, these read Lua values and raise Lua errors
 * (raise_error, raise.h), and never call into Lua themselves: the modules
 * (runtime/modules/lib_*.c), row.c and row_read.c (a row's values),
 * schema.c (schema()'s declarations), json_decode.c and json_encode.c
 * (JSON to and from Lua values). Around the host: sandbox.c (what a
 * script may reach), lua_alloc.c (its allocator) and watchdog.c (the
 * count hook that stops a runaway script). The test command's files in
 * runtime/cli run Lua states of their own. */
#ifndef CLUA_SCRIPT_H
#define CLUA_SCRIPT_H

#include <stddef.h>

struct clua_runtime;

/* The JSON texts to hand the script, and where they came from (for
 * messages). state is the --state file's text for script_open (NULL
 * without one) and the state saved in the database for script_run. */
typedef struct script_inputs {
    const char *configuration, *configuration_source;
    size_t configuration_len;
    const char *state, *state_source;
    size_t state_len;
} script_inputs;

/* Makes the Lua state and checks every input before anything is created on
 * disk: decodes the configuration and the --state file, compiles the
 * script. Returns 0, or -1 with rt->errmsg set, rt->phase telling where it
 * failed, and the Lua state closed. */
int script_open(struct clua_runtime *rt, const script_inputs *in);

/* Runs the rest of the sync's Lua side: the saved state (when script_open
 * had no --state file), the script's chunk, schema(), update(). Returns 0,
 * or -1 as script_open. The Lua state is closed on return. */
int script_run(struct clua_runtime *rt, const script_inputs *in);

/* Closes the Lua state if one is open (a failure between the two). */
void script_close(struct clua_runtime *rt);

#endif
