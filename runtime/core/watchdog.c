/* watchdog: stops a running script from outside it (see watchdog.h): the
 * instruction-count hook and the allocator's poll check the deadline, the
 * memory limit and an interrupt, and raise the stop until the script has
 * unwound; a timer thread interrupts the store at the deadline. It
 * installs no signal handler: the command (or an embedder) does, and
 * calls clua_interrupt. */
#include "watchdog.h"

#include <lauxlib.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lua_alloc.h"
#include "rt.h"
#include "sandbox.h"
#include "util.h"

/* Instructions between two looks at the clock: rare enough to cost nothing
 * measurable, often enough to stop within milliseconds of the deadline. */
#define WATCHDOG_STRIDE 10000

/* What the __gc finalizers still pending when the Lua state is closed may
 * take, all together, in seconds. */
#define CLOSE_BUDGET 0.5

/* A stop is raised at every call, return and instruction. */
#define STOP_MASK (LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT)

static struct clua_runtime *rt_of(lua_State *L) {
    struct clua_runtime *rt;
    memcpy(&rt, lua_getextraspace(L), sizeof rt);
    return rt;
}

static const char *signal_name(int signo) {
    switch (signo) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    default: return "a signal";
    }
}

static bool memory_limit_reached(lua_State *L) {
    void *pool;
    return L && lua_getallocf(L, &pool) == lua_alloc_fn && lua_alloc_limit_reached(pool);
}

/* Whether the script must stop, noting the reason the first time: a
 * signal, then whichever limit was found passed first (L, when given,
 * tells whether its allocator reached the memory limit). */
static bool stop_due(struct clua_runtime *rt, lua_State *L) {
    if (rt->interrupted_by || rt->memory_limited || rt->timed_out) return true;
    if (memory_limit_reached(L)) return rt->memory_limited = true;
    if (rt->opt && rt->opt->timeout_seconds > 0 && util_mono_seconds() >= rt->deadline)
        return rt->timed_out = true;
    return false;
}

bool watchdog_stop_message(const struct clua_runtime *rt, char *msg, size_t size) {
    if (rt->interrupted_by)
        snprintf(msg, size, "interrupted by %s", signal_name(rt->interrupted_by));
    else if (rt->memory_limited)
        snprintf(msg, size, "stopped: the script needed more than --memory-limit %g MB",
                 rt->opt->memory_limit_mb);
    else if (rt->timed_out)
        snprintf(msg, size, "stopped: the sync ran longer than --timeout %g s",
                 rt->opt->timeout_seconds);
    else
        return false;
    return true;
}

static void watch_hook(lua_State *L, lua_Debug *ar);

/* Raises the stop at every call, return and instruction from now on, in L
 * and in the main thread, so a script that catches it with pcall (or in a
 * coroutine) meets it again at its next step: the stop cannot be
 * swallowed, only unwound. lua_pushfstring has no %g: msg is made here. */
static void raise_stop(lua_State *L, struct clua_runtime *rt, const char *msg) {
    lua_sethook(L, watch_hook, STOP_MASK, 1);
    if (rt->L && rt->L != L) lua_sethook(rt->L, watch_hook, STOP_MASK, 1);
    luaL_error(L, "%s", msg);
}

/* The one hook, on every thread: lua_newthread copies the hook of the
 * thread that makes the coroutine, so every coroutine has it too. */
static void watch_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    struct clua_runtime *rt = rt_of(L);
    char msg[160];
    if (rt->closing) {
        if (util_mono_seconds() < rt->close_deadline) return;
        snprintf(msg, sizeof msg, "stopped: it ran longer than %g s at close", CLOSE_BUDGET);
        lua_sethook(L, watch_hook, STOP_MASK, 1);
        luaL_error(L, "%s", msg);
    }
    if (!stop_due(rt, L)) {
        /* Armed for a refused allocation that Lua's retry then satisfied. */
        if (lua_gethookcount(L) == 1) lua_sethook(L, watch_hook, LUA_MASKCOUNT, WATCHDOG_STRIDE);
        return;
    }
    watchdog_stop_message(rt, msg, sizeof msg);
    raise_stop(L, rt, msg);
}

/* The allocator's stop check (lua_alloc_set_stop): a long call into C that
 * allocates is ended by its next allocation, and the hook is armed to
 * raise the stop as soon as Lua runs again. */
static bool alloc_poll(void *user, bool refused) {
    struct clua_runtime *rt = user;
    if (rt->closing) return !refused && util_mono_seconds() >= rt->close_deadline;
    lua_State *L = rt->L; /* NULL while the state is made or closed */
    if (refused) {
        /* Lua may yet retry and fit: the hook decides at the next step. */
        if (L) lua_sethook(L, watch_hook, STOP_MASK, 1);
        return false;
    }
    if (!stop_due(rt, L)) return false;
    if (L) lua_sethook(L, watch_hook, STOP_MASK, 1);
    return true;
}

void watchdog_start(lua_State *L, struct clua_runtime *rt) {
    memcpy(lua_getextraspace(L), &rt, sizeof rt);
    rt->closing = false;
    /* Always: a signal must reach a loop in a coroutine too. */
    lua_sethook(L, watch_hook, LUA_MASKCOUNT, WATCHDOG_STRIDE);
    /* A stop asked for before there was a script to stop. */
    if (rt->interrupted_by) lua_sethook(L, watch_hook, STOP_MASK, 1);
    void *pool;
    if (lua_getallocf(L, &pool) == lua_alloc_fn) lua_alloc_set_stop(pool, alloc_poll, rt);
}

void watchdog_interrupt(struct clua_runtime *rt, int signo) {
    rt->interrupted_by = signo;
    lua_State *L = rt->L;
    /* lua_sethook is safe here (lua.c does the same on Ctrl-C); the hook
     * fires at the next call, return or instruction. */
    if (L) lua_sethook(L, watch_hook, STOP_MASK, 1);
    store *st = rt->st; /* read once: the runtime clears it before closing */
    if (st) store_interrupt(st);
}

bool watchdog_stop_pending(const struct clua_runtime *rt) {
    if (rt->interrupted_by || rt->timed_out || rt->memory_limited) return true;
    return rt->opt && rt->opt->timeout_seconds > 0 && util_mono_seconds() >= rt->deadline;
}

void watchdog_raise_pending(lua_State *L) {
    struct clua_runtime *rt = rt_of(L);
    char msg[160];
    if (rt->closing || !stop_due(rt, L)) return;
    watchdog_stop_message(rt, msg, sizeof msg);
    raise_stop(L, rt, msg);
}

/* A script's __gc finalizer at close (upvalue 1), run in a coroutine of
 * its own: Lua runs finalizers with hooks off, but a coroutine has them,
 * so one that loops is stopped at the close deadline. What goes wrong is
 * a WARNING: the sync's outcome is already decided. */
static int guarded_gc(lua_State *L) {
    struct clua_runtime *rt = rt_of(L);
    lua_State *co = lua_newthread(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, 1);
    lua_xmove(L, co, 2);
    int nres;
    int status = lua_resume(co, L, 1, &nres);
    if (status == LUA_OK || status == LUA_YIELD) return 0;
    const char *why = lua_type(co, -1) == LUA_TSTRING ? lua_tostring(co, -1)
                                                       : "(an error that is not a string)";
    log_printf(&rt->log, CLUA_LOG_WARNING, "WARNING", "%s: a __gc finalizer failed at close: %s",
               rt->script_path, why);
    return 0;
}

/* Wraps the __gc of every metatable the script gave a finalizer in
 * guarded_gc (sandbox.c keeps them). Protected: it allocates. */
static int guard_finalizers(lua_State *L) {
    if (lua_getfield(L, LUA_REGISTRYINDEX, SANDBOX_GC_METATABLES) != LUA_TTABLE) return 0;
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        lua_pop(L, 1); /* the key, a metatable, stays */
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, -2) == LUA_TFUNCTION && !lua_iscfunction(L, -1)) {
            lua_pushcclosure(L, guarded_gc, 1);
            lua_pushliteral(L, "__gc");
            lua_insert(L, -2);
            lua_rawset(L, -3);
        } else {
            lua_pop(L, 1);
        }
    }
    return 0;
}

void watchdog_close(lua_State *L, struct clua_runtime *rt) {
    rt->closing = true;
    rt->close_deadline = util_mono_seconds() + CLOSE_BUDGET;
    void *pool;
    if (lua_getallocf(L, &pool) == lua_alloc_fn) lua_alloc_set_stop(pool, alloc_poll, rt);
    lua_sethook(L, watch_hook, LUA_MASKCOUNT, WATCHDOG_STRIDE);
    lua_pushcfunction(L, guard_finalizers);
    if (lua_pcall(L, 0, 0, 0) != LUA_OK) lua_pop(L, 1); /* out of memory: unguarded */
}

/* ---- the deadline's timer ---- */

/* After the deadline, how often the store is asked again: a statement that
 * began just after one request (the one before found the server idle) is
 * stopped by the next. */
#define TIMER_REPEAT 0.5

static struct timespec mono_at(double seconds) {
    struct timespec ts;
    ts.tv_sec = (time_t)seconds;
    ts.tv_nsec = (long)((seconds - floor(seconds)) * 1e9);
    if (ts.tv_nsec >= 1000000000L) ts.tv_nsec = 999999999L;
    return ts;
}

static void *timer_main(void *arg) {
    watchdog_timer *t = arg;
    pthread_mutex_lock(&t->mu);
    double at = t->deadline;
    while (!t->quit) {
        if (util_mono_seconds() >= at) {
            t->fired = true;
            /* The store's interrupt never blocks (a signal handler calls it). */
            if (t->st) store_interrupt(t->st);
            at = util_mono_seconds() + TIMER_REPEAT;
        }
        struct timespec ts = mono_at(at);
        pthread_cond_timedwait(&t->cv, &t->mu, &ts);
    }
    pthread_mutex_unlock(&t->mu);
    return NULL;
}

int watchdog_timer_start(struct clua_runtime *rt) {
    watchdog_timer *t = &rt->timer;
    t->on = t->quit = t->fired = false;
    t->st = NULL;
    if (!rt->opt || rt->opt->timeout_seconds <= 0) return 0;
    t->deadline = rt->deadline;
    pthread_condattr_t ca;
    int rc = pthread_condattr_init(&ca);
    if (rc != 0) return rc;
    rc = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    if (rc == 0) rc = pthread_cond_init(&t->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (rc != 0) return rc;
    if ((rc = pthread_mutex_init(&t->mu, NULL)) != 0) {
        pthread_cond_destroy(&t->cv);
        return rc;
    }
    /* Every signal blocked in the thread: SIGINT, SIGTERM and the
     * command's alarm go to the thread that runs the sync. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    rc = pthread_create(&t->thread, NULL, timer_main, t);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        pthread_mutex_destroy(&t->mu);
        pthread_cond_destroy(&t->cv);
        return rc;
    }
    t->on = true;
    return 0;
}

void watchdog_timer_attach(struct clua_runtime *rt, struct store *st) {
    watchdog_timer *t = &rt->timer;
    if (!t->on) return;
    pthread_mutex_lock(&t->mu);
    t->st = st;
    pthread_mutex_unlock(&t->mu);
}

bool watchdog_timer_stop(struct clua_runtime *rt) {
    watchdog_timer *t = &rt->timer;
    if (!t->on) return false;
    pthread_mutex_lock(&t->mu);
    t->quit = true;
    t->st = NULL;
    pthread_cond_signal(&t->cv);
    pthread_mutex_unlock(&t->mu);
    pthread_join(t->thread, NULL);
    pthread_mutex_destroy(&t->mu);
    pthread_cond_destroy(&t->cv);
    t->on = false;
    return t->fired;
}
