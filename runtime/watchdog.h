/* watchdog: what stops a running script from outside it: a deadline
 * (--timeout, checked by an instruction-count hook) and an interrupt
 * (SIGINT or SIGTERM, through clua_interrupt). Either raises a Lua error
 * at the script's next instruction, so the sync rolls back to its last
 * checkpoint like any other failure. */
#ifndef CLUA_WATCHDOG_H
#define CLUA_WATCHDOG_H

#include <lua.h>
#include <stdbool.h>

struct clua_runtime;

/* Arms the deadline hook when rt has a timeout; remembers rt in L. */
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

#endif
