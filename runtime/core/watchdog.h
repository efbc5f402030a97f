/* watchdog: what stops a running script from outside it: a deadline
 * (--timeout), the memory limit once passed, and an interrupt (SIGINT or
 * SIGTERM, through clua_interrupt). They are checked by an
 * instruction-count hook on every thread (coroutines too) and by the
 * allocator, which fails every allocation once a stop is due, so a long
 * call into C that allocates ends too; and, for a statement that waits on
 * the database, by a timer thread that interrupts the store at the
 * deadline. The stop is a Lua error raised
 * again at every step until the script has unwound, so the sync rolls
 * back to its last checkpoint like any other failure. */
#ifndef CLUA_WATCHDOG_H
#define CLUA_WATCHDOG_H

#include <lua.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

struct clua_runtime;
struct store;

/* The deadline's timer: a thread that, once the deadline has passed,
 * asks the store to stop its running statement (store_interrupt), again
 * every half second until the sync stops it. The hook and the allocator
 * cannot: a statement that waits on the server (PostgreSQL waiting for a
 * lock an analyst's open transaction holds) runs no Lua and allocates
 * nothing. Lives in the runtime; `on` while its thread runs. */
typedef struct watchdog_timer {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct store *st; /* the store to stop, or NULL: guarded by mu */
    double deadline;  /* CLOCK_MONOTONIC seconds */
    bool quit, fired, on;
} watchdog_timer;

/* Arms the hook and the allocator's check; remembers rt in L. */
void watchdog_start(lua_State *L, struct clua_runtime *rt);

/* Async-signal-safe: makes the running script stop with an error naming
 * the signal, and interrupts SQLite if it is busy. */
void watchdog_interrupt(struct clua_runtime *rt, int signo);

/* Whether the script must stop: an interrupt came or the deadline passed.
 * For C code that waits outside Lua (an HTTP transfer) and must not wait
 * for the next instruction to find out. */
bool watchdog_stop_pending(const struct clua_runtime *rt);

/* Raises the pending stop in L with the message the hooks give (and keeps
 * raising it, as they do); returns when no stop is pending. */
void watchdog_raise_pending(lua_State *L);

/* The stop's message ("interrupted by SIGTERM", "stopped: ..."), or false
 * when no stop was noted. */
bool watchdog_stop_message(const struct clua_runtime *rt, char *msg, size_t size);

/* Before lua_close: the script's __gc finalizers (see sandbox.c) then run
 * each in a coroutine, all of them within a short deadline, and one that
 * fails or loops is stopped and logged as a WARNING. Also lifts the stop
 * from the allocator so they may run at all. */
void watchdog_close(lua_State *L, struct clua_runtime *rt);

/* Starts rt's timer for the deadline rt->deadline when the sync has a
 * timeout; nothing otherwise. Returns 0, or the error number when the
 * thread could not be made (the hooks still stop the script; only a
 * statement that waits on the server is not stopped). */
int watchdog_timer_start(struct clua_runtime *rt);

/* The store the timer stops from now on (NULL: none, before it is
 * closed). */
void watchdog_timer_attach(struct clua_runtime *rt, struct store *st);

/* Stops and joins the timer; returns whether the deadline had passed and
 * the store was asked to stop. Safe to call when it never started. */
bool watchdog_timer_stop(struct clua_runtime *rt);

#endif
