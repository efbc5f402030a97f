/* lua_alloc: the allocator of a sync's Lua state. Small blocks (the tables
 * and strings a connector makes for every row) come from per-size free
 * lists carved out of large slabs, which is several times cheaper than
 * malloc and free for that traffic; larger blocks go to the C library.
 * It also counts the bytes Lua holds, so a limit can be enforced. */
#ifndef CLUA_LUA_ALLOC_H
#define CLUA_LUA_ALLOC_H

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

/* Frees every slab; call after lua_close. */
void lua_alloc_free(lua_alloc *a);

#endif
