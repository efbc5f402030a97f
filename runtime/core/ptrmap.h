/* ptrmap: the op path's name lookups by address. A connector passes the
 * same table and column names on every op, and Lua keeps a single string
 * object for each short text, so the object's address (lua_topointer)
 * finds the answer of an earlier lookup without hashing or comparing the
 * text again. Every key is kept alive by a Lua table the map owns, so no
 * other object can take its address while the map holds it. A miss is
 * never wrong, only slower: the caller does the full lookup (row.c,
 * row_read.c) and may add the key. */
#ifndef CLUA_PTRMAP_H
#define CLUA_PTRMAP_H

#include <lua.h>
#include <stdint.h>

typedef struct ptrmap {
    const void **keys; /* open addressing, linear probing; NULL: an empty slot */
    intptr_t *vals;    /* >= 0 */
    unsigned cap, n;   /* cap is 0 or a power of two; n <= cap / 2 */
    int anchors;       /* Lua registry ref of the table that keeps the keys alive (0: none) */
} ptrmap;

static inline unsigned ptrmap_slot(const ptrmap *m, const void *key) {
    /* Objects are 16-byte aligned: the low bits say nothing. */
    return (unsigned)((((uintptr_t)key >> 4) * UINT64_C(0x9E3779B97F4A7C15)) >> 32) &
           (m->cap - 1);
}

/* The value added for key, or -1 (also for NULL, which lua_topointer
 * gives for a number or a boolean). */
static inline intptr_t ptrmap_get(const ptrmap *m, const void *key) {
    if (m->n == 0 || !key) return -1;
    for (unsigned i = ptrmap_slot(m, key);; i = (i + 1) & (m->cap - 1)) {
        if (m->keys[i] == key) return m->vals[i];
        if (!m->keys[i]) return -1;
    }
}

/* Adds the string at index idx with value val (>= 0). Only short strings
 * are added (a long one is a new object each time a script builds it);
 * a full map or a failed allocation leaves the key out. May raise a Lua
 * memory error while anchoring the key, before the map changes. */
void ptrmap_put(lua_State *L, ptrmap *m, int idx, intptr_t val);

/* Frees the map's arrays (its anchors go with the Lua state). */
void ptrmap_free(ptrmap *m);

#endif
