/* script: the Lua host (see script.h): makes the Lua state, opens the
 * libraries and the modules, decodes the inputs, and runs the script's
 * chunk, schema() and update() inside protected calls with a traceback.
 * What a script can call is in runtime/modules; reading its rows and
 * declarations is row.c's and schema.c's. */
#include "script.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "json_codec.h"
#include "lib.h"
#include "lua_alloc.h"
#include "rt.h"
#include "sandbox.h"
#include "schema.h"
#include "watchdog.h"
#include "raise.h"

/* Every Lua call runs protected, so this is only a last word before abort. */
static int panic(lua_State *L) {
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "connector-lua: unprotected Lua error: %s\n", msg ? msg : "(no message)");
    return 0;
}

/* Message handler: the error's text followed by a traceback. */
static int traceback(lua_State *L) {
    const char *msg = lua_tostring(L, 1);
    if (!msg) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) msg = lua_tostring(L, -1);
        else msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

/* Decodes a JSON object from text and pushes it as a table; raises naming
 * the source when it is not valid JSON or not an object. */
static void push_object(lua_State *L, struct clua_runtime *rt, const char *what,
                        const char *source, const char *text, size_t len) {
    size_t i = 0;
    while (i < len && strchr(" \t\r\n", text[i])) i++;
    int rc = json_decode(L, text, len, rt->msg, sizeof rt->msg);
    if (rc == JSON_NOMEM) rt_raise_nomem(L, rt, "%s %s: %s", what, source, rt->msg);
    if (rc != 0) raise_error(L, "%s %s is not valid JSON: %s", what, source, rt->msg);
    if (i >= len || text[i] != '{') {
        const char *got = text[i] == '[' ? "an array" : text[i] == '"' ? "a string"
                        : text[i] == 'n' ? "null" : text[i] == 't' || text[i] == 'f' ? "a boolean"
                        : "a number";
        raise_error(L, "%s %s must hold a JSON object ({...}), got %s", what, source, got);
    }
}

/* Finds the script's function `name`: in the table the chunk returned
 * (at ret, if it is one) or as a global. Pushes it, or nil. */
static void find_function(lua_State *L, struct clua_runtime *rt, int ret, const char *name) {
    if (lua_type(L, ret) == LUA_TTABLE) lua_getfield(L, ret, name);
    else lua_getglobal(L, name);
    if (!lua_isnil(L, -1) && lua_type(L, -1) != LUA_TFUNCTION)
        raise_error(L, "%s: %s must be a function, got %s", rt->script_path, name,
                   luaL_typename(L, -1));
}

/* The protected body of script_open: everything that checks the inputs,
 * done before the output directory, its lock or its database exist.
 * Returns the configuration, the --state file's state (or nil) and the
 * compiled chunk. */
static int script_prepare(lua_State *L) {
    struct clua_runtime *rt = lua_touserdata(L, 1);
    const script_inputs *in = lua_touserdata(L, 2);
    lua_settop(L, 0);
    sandbox_open_libs(L, rt->opt->sandbox);
    lib_op_open(L, rt);
    lib_log_open(L, rt);
    lib_json_open(L, rt);
    lib_uuid_open(L, rt);
    lib_base64_open(L, rt);
    lib_hash_open(L, rt);
    lib_time_open(L, rt);
    lib_require_open(L, rt);

    rt->phase = RT_PHASE_INPUT;
    push_object(L, rt, "configuration", in->configuration_source, in->configuration,
                in->configuration_len); /* 1 */
    lib_http_open(L, rt, 1); /* after the configuration: its secrets are masked */
    if (in->state) push_object(L, rt, "state", in->state_source, in->state, in->state_len);
    else lua_pushnil(L); /* 2: the saved state comes with the database */

    rt->phase = RT_PHASE_LOAD;
    if (luaL_loadfilex(L, rt->script_path, "t") != LUA_OK) lua_error(L); /* 3 */
    return 3;
}

/* The protected body of script_run: the configuration, the state (nil:
 * the saved one, in in->state) and the chunk are at 3, 4 and 5. */
static int script_main(lua_State *L) {
    struct clua_runtime *rt = lua_touserdata(L, 1);
    const script_inputs *in = lua_touserdata(L, 2);
    lua_rotate(L, 1, -2);
    lua_pop(L, 2); /* 1 configuration, 2 state, 3 chunk */

    if (lua_isnil(L, 2)) {
        rt->phase = RT_PHASE_INPUT;
        push_object(L, rt, "state", in->state_source, in->state, in->state_len);
        lua_replace(L, 2);
    }
    /* The state this run keeps if it never checkpoints, in the same compact
     * form a checkpoint writes. */
    strbuf_clear(&rt->start_state);
    int rc = json_encode(L, 2, &rt->start_state, &rt->keys, rt->msg, sizeof rt->msg);
    if (rc != 0) {
        rt_note_json_error(rt, rc);
        raise_error(L, "state %s: %s", in->state_source, rt->msg);
    }

    rt->phase = RT_PHASE_LOAD;
    lua_call(L, 0, 1); /* 3: what the chunk returned */

    find_function(L, rt, 3, "schema"); /* 4 */
    find_function(L, rt, 3, "update"); /* 5 */
    if (lua_isnil(L, 5))
        raise_error(L,
                   "%s: no update(configuration, state) function: define it as a global or in "
                   "the table the script returns",
                   rt->script_path);

    rt->phase = RT_PHASE_SCHEMA;
    if (!lua_isnil(L, 4)) {
        lua_pushvalue(L, 4);
        lua_pushvalue(L, 1);
        lua_call(L, 1, 1);
        schema_apply(L, rt, -1);
        lua_pop(L, 1);
    }

    rt->phase = RT_PHASE_UPDATE;
    lua_pushvalue(L, 5);
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 2);
    lua_call(L, 2, 0);
    rt->phase = RT_PHASE_DONE;
    return 0;
}

/* Keeps the failure's message in rt->errmsg and logs its traceback at FINE.
 * Messages raised by the runtime itself outside any script line name the
 * script, so every failure says which file it is about. */
static void keep_error(struct clua_runtime *rt, const char *text) {
    const char *tb = strstr(text, "\nstack traceback:");
    size_t n = tb ? (size_t)(tb - text) : strlen(text);
    size_t plen = strlen(rt->script_path);
    bool needs_path = rt->phase >= RT_PHASE_LOAD &&
                      !(strncmp(text, rt->script_path, plen) == 0 && text[plen] == ':');
    snprintf(rt->errmsg, sizeof rt->errmsg, "%s%s%.*s", needs_path ? rt->script_path : "",
             needs_path ? ": " : "", (int)n, text);
    if (tb) log_line(&rt->log, CLUA_LOG_FINE, "FINE", tb + 1);
}

/* What a sync does in phase, for a message. */
static const char *phase_doing(rt_phase phase) {
    switch (phase) {
    case RT_PHASE_SETUP: return "setting up the Lua state";
    case RT_PHASE_INPUT: return "reading the configuration and state";
    case RT_PHASE_LOAD: return "loading the script";
    case RT_PHASE_SCHEMA: return "in schema()";
    case RT_PHASE_UPDATE: return "in update()";
    default: return "after update()";
    }
}

static lua_alloc *pool_of(lua_State *L) {
    void *pool;
    lua_getallocf(L, &pool);
    return pool;
}

/* Keeps the outcome of a protected call: 0, or -1 with rt->errmsg set. A
 * stop (a signal, --timeout, --memory-limit) fails the call even if the
 * script caught it and returned; its message is the one the watchdog gave,
 * with the script's line when the error still carries it. */
static int outcome(struct clua_runtime *rt, lua_State *L, int status) {
    lua_alloc *pool = pool_of(L);
    if (!rt->interrupted_by && !rt->timed_out &&
        ((status == LUA_ERRMEM && lua_alloc_hit_limit(pool)) || lua_alloc_limit_reached(pool)))
        rt->memory_limited = true;
    /* Only strings: converting another value would allocate. */
    const char *text = status != LUA_OK && lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1)
                                                                         : NULL;
    char stop[160];
    bool stopped = watchdog_stop_message(rt, stop, sizeof stop);
    if (stopped && (rt->memory_limited || rt->timed_out || status != LUA_OK)) {
        if (text && strstr(text, stop)) keep_error(rt, text);
        else snprintf(rt->errmsg, sizeof rt->errmsg, "%s: %s", rt->script_path, stop);
        return -1;
    }
    if (status == LUA_OK) return 0;
    /* Memory ran out, not the limit: CLUA_ERROR_NOMEM. Lua's own words
     * ("not enough memory", or "error in error handling" when the
     * traceback could not be made) become the runtime's, with the phase.
     * Only a memory error counts (or an error in the handler once a block
     * was refused): a refusal Lua recovered from (its emergency collection
     * made room) does not make a later error("bad config") memory's. */
    if (!rt->memory_limited &&
        (status == LUA_ERRMEM || (status == LUA_ERRERR && lua_alloc_ran_out(pool))))
        rt->out_of_memory = true;
    if (rt->out_of_memory && status != LUA_ERRRUN) {
        bool named = rt->phase >= RT_PHASE_LOAD;
        snprintf(rt->errmsg, sizeof rt->errmsg, "%s%sout of memory %s",
                 named ? rt->script_path : "", named ? ": " : "", phase_doing(rt->phase));
        return -1;
    }
    keep_error(rt, text ? text : "(no message)");
    return -1;
}

int script_open(struct clua_runtime *rt, const script_inputs *in) {
    double mb = rt->opt->memory_limit_mb;
    lua_alloc *pool = lua_alloc_new(mb > 0 ? (size_t)(mb * 1024 * 1024) : 0);
    lua_State *L = pool ? lua_newstate(lua_alloc_fn, pool) : NULL;
    if (!L) {
        rt->memory_limited = pool && lua_alloc_hit_limit(pool);
        rt->out_of_memory = !rt->memory_limited;
        lua_alloc_free(pool);
        snprintf(rt->errmsg, sizeof rt->errmsg, "cannot create a Lua state: %s",
                 rt->memory_limited ? "--memory-limit is too small" : "out of memory");
        return -1;
    }
    lua_atpanic(L, panic);
    /* Generational collection: a connector makes a row table and its
     * strings per op and drops them at once, and minor collections reuse
     * that memory while it is still in the CPU's caches, which SQLite's
     * pages share (tests/bench/run.sh: the op path's own cost fell from
     * about 1.14 to 1.07 of the tuned limit). */
    lua_gc(L, LUA_GCGEN, 0, 0);
    rt->L = L; /* first: a stop asked for from now on reaches the script */
    watchdog_start(L, rt);
    lua_pushcfunction(L, traceback); /* 1, for both protected calls */
    lua_pushcfunction(L, script_prepare);
    lua_pushlightuserdata(L, rt);
    lua_pushlightuserdata(L, (void *)in);
    if (outcome(rt, L, lua_pcall(L, 2, 3, 1)) != 0) {
        script_close(rt);
        return -1;
    }
    return 0;
}

int script_run(struct clua_runtime *rt, const script_inputs *in) {
    lua_State *L = rt->L;
    lua_pushcfunction(L, script_main);
    lua_pushlightuserdata(L, rt);
    lua_pushlightuserdata(L, (void *)in);
    for (int i = 2; i <= 4; i++) lua_pushvalue(L, i); /* what script_open left */
    int rc = outcome(rt, L, lua_pcall(L, 5, 0, 1));
    script_close(rt);
    return rc;
}

void script_close(struct clua_runtime *rt) {
    lua_State *L = rt->L;
    if (!L) return;
    lua_alloc *pool = pool_of(L);
    rt->L = NULL; /* before closing: an interrupt must not reach a dead state */
    atomic_signal_fence(memory_order_seq_cst);
    watchdog_close(L, rt); /* the script's finalizers run under a deadline */
    lua_close(L);
    lua_alloc_free(pool);
}
