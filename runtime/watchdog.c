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

static void stop_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    struct clua_runtime *rt = rt_of(L);
    lua_sethook(L, NULL, 0, 0);
    luaL_error(L, "interrupted by %s", signal_name(rt->interrupted_by));
}

static void deadline_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    struct clua_runtime *rt = rt_of(L);
    if (now_seconds() < rt->deadline) return;
    rt->timed_out = true;
    lua_sethook(L, NULL, 0, 0);
    char msg[128]; /* lua_pushfstring has no %g */
    snprintf(msg, sizeof msg, "stopped: the sync ran longer than --timeout %g s",
             rt->opt->timeout_seconds);
    luaL_error(L, "%s", msg);
}

void watchdog_start(lua_State *L, struct clua_runtime *rt) {
    memcpy(lua_getextraspace(L), &rt, sizeof rt);
    if (rt->opt->timeout_seconds > 0)
        lua_sethook(L, deadline_hook, LUA_MASKCOUNT, WATCHDOG_STRIDE);
}

void watchdog_interrupt(struct clua_runtime *rt, int signo) {
    rt->interrupted_by = signo;
    lua_State *L = rt->L;
    /* lua_sethook is safe here (lua.c does the same on Ctrl-C); the hook
     * fires at the next call, return or instruction. */
    if (L) lua_sethook(L, stop_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
    if (rt->st) store_interrupt(rt->st);
}
