#include "watchdog.h"

#include <lauxlib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "rt.h"

/* Instructions between two looks at the clock: rare enough to cost nothing
 * measurable, often enough to stop within milliseconds of the deadline. */
#define WATCHDOG_STRIDE 10000

static struct clua_runtime *rt_of(lua_State *L) {
    struct clua_runtime *rt;
    memcpy(&rt, lua_getextraspace(L), sizeof rt);
    return rt;
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *signal_name(int signo) {
    switch (signo) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    default: return "a signal";
    }
}

/* Raises the stop at every call, return and instruction from now on, so a
 * script that catches it with pcall meets it again at its next step: the
 * stop cannot be swallowed, only unwound. */
static void raise_stop(lua_State *L, lua_Hook hook, const char *msg) {
    lua_sethook(L, hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
    luaL_error(L, "%s", msg);
}

static void stop_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    char msg[64];
    snprintf(msg, sizeof msg, "interrupted by %s", signal_name(rt_of(L)->interrupted_by));
    raise_stop(L, stop_hook, msg);
}

static void deadline_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    struct clua_runtime *rt = rt_of(L);
    if (!rt->timed_out && now_seconds() < rt->deadline) return;
    rt->timed_out = true;
    char msg[128]; /* lua_pushfstring has no %g */
    snprintf(msg, sizeof msg, "stopped: the sync ran longer than --timeout %g s",
             rt->opt->timeout_seconds);
    raise_stop(L, deadline_hook, msg);
}

void watchdog_start(lua_State *L, struct clua_runtime *rt) {
    memcpy(lua_getextraspace(L), &rt, sizeof rt);
    if (rt->opt->timeout_seconds > 0)
        lua_sethook(L, deadline_hook, LUA_MASKCOUNT, WATCHDOG_STRIDE);
    /* A stop asked for before there was a script to stop. */
    if (rt->interrupted_by)
        lua_sethook(L, stop_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

void watchdog_interrupt(struct clua_runtime *rt, int signo) {
    rt->interrupted_by = signo;
    lua_State *L = rt->L;
    /* lua_sethook is safe here (lua.c does the same on Ctrl-C); the hook
     * fires at the next call, return or instruction. */
    if (L) lua_sethook(L, stop_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
    store *st = rt->st; /* read once: the runtime clears it before closing */
    if (st) store_interrupt(st);
}

bool watchdog_stop_pending(const struct clua_runtime *rt) {
    if (rt->interrupted_by || rt->timed_out) return true;
    return rt->opt && rt->opt->timeout_seconds > 0 && now_seconds() >= rt->deadline;
}

void watchdog_raise_pending(lua_State *L) {
    struct clua_runtime *rt = rt_of(L);
    if (rt->interrupted_by) stop_hook(L, NULL);
    if (watchdog_stop_pending(rt)) deadline_hook(L, NULL);
}
