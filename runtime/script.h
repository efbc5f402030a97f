/* script: the only file that drives Lua. It makes the Lua state, opens the
 * modules, and runs the whole Lua side of a sync inside one protected call
 * with a traceback handler: decode configuration and state, load the
 * script, apply schema(), call update(). */
#ifndef CLUA_SCRIPT_H
#define CLUA_SCRIPT_H

#include <stddef.h>

struct clua_runtime;

/* The JSON texts to hand the script, and where they came from (for messages). */
typedef struct script_inputs {
    const char *configuration, *configuration_source;
    size_t configuration_len;
    const char *state, *state_source;
    size_t state_len;
} script_inputs;

/* Runs the sync's Lua side. Returns 0, or -1 with rt->errmsg set and
 * rt->phase telling where it failed. The Lua state is closed on return. */
int script_run(struct clua_runtime *rt, const script_inputs *in);

#endif
