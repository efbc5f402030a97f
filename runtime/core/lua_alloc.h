/* lua_alloc: the allocator of a sync's Lua state. Small blocks (the tables
 * and strings a connector makes for every row) come from per-size free
 * lists carved out of large slabs, which is several times cheaper than
 * malloc and free for that traffic; larger blocks go to the C library.
 * It also counts the bytes Lua holds, so a limit can be enforced. */
#ifndef CLUA_LUA_ALLOC_H
#define CLUA_LUA_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

typedef struct lua_alloc lua_alloc;

/* limit: the most bytes Lua may hold (0: no limit); an allocation past it
 * fails, and Lua raises "not enough memory". NULL when memory runs out. */
lua_alloc *lua_alloc_new(size_t limit);

/* The lua_Alloc function; its ud is the lua_alloc. */
void *lua_alloc_fn(void *ud, void *ptr, size_t osize, size_t nsize);

/* Bytes held now, and the most held at once. */
size_t lua_alloc_in_use(const lua_alloc *a);
size_t lua_alloc_peak(const lua_alloc *a);

/* True once an allocation has failed for the limit. */
int lua_alloc_hit_limit(const lua_alloc *a);

/* True once an allocation has failed for the limit and was not then
 * satisfied by Lua's retry after its emergency collection: the script
 * holds more than the limit allows, and must stop even if it caught the
 * "not enough memory" error. */
int lua_alloc_limit_reached(const lua_alloc *a);

/* True once the C library refused a block (malloc or realloc returned
 * NULL): memory ran out, not the limit. */
int lua_alloc_ran_out(const lua_alloc *a);

/* Whether holding extra more bytes would pass the limit (false without
 * one): for C code that is about to make something the script will hold,
 * such as a response body, and wants to refuse it before it is made. */
bool lua_alloc_would_exceed(const lua_alloc *a, size_t extra);

/* The stop check, stop(user, false): asked on every large allocation and
 * every 1024th small one. Once it returns true, every allocation that
 * grows fails (Lua raises "not enough memory"), so a long call into C that
 * allocates (a gsub on a huge string) ends within one allocation. Also
 * called as stop(user, true), its result ignored, when an allocation is
 * refused for the limit: the limit may have been reached. A new check (or
 * NULL) clears the failing state. */
typedef bool (*lua_alloc_stop_fn)(void *user, bool refused);
void lua_alloc_set_stop(lua_alloc *a, lua_alloc_stop_fn stop, void *user);

/* Frees every slab; call after lua_close. */
void lua_alloc_free(lua_alloc *a);

#endif
