/* ptrmap: adding to the address map of ptrmap.h and growing it. */
#include "ptrmap.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

/* Lua 5.4 interns strings up to LUAI_MAXSHORTLEN (40) bytes: one object
 * per text. Longer ones are left to the full lookup. */
#define SHORT_MAX 40
/* A script with more distinct names than this in one table is rare; past
 * it the map stops growing and the rest take the full lookup. */
#define CAP_MAX 8192

static void insert(ptrmap *m, const void *key, intptr_t val) {
    unsigned i = ptrmap_slot(m, key);
    while (m->keys[i]) i = (i + 1) & (m->cap - 1);
    m->keys[i] = key;
    m->vals[i] = val;
    m->n++;
}

/* Doubles the arrays; -1 when memory runs out (the map is unchanged). */
static int grow(ptrmap *m) {
    unsigned cap = m->cap ? m->cap * 2 : 16;
    const void **keys = calloc(cap, sizeof *keys);
    intptr_t *vals = malloc(cap * sizeof *vals);
    if (!keys || !vals) {
        free(keys);
        free(vals);
        return -1;
    }
    ptrmap old = *m;
    m->keys = keys;
    m->vals = vals;
    m->cap = cap;
    m->n = 0;
    for (unsigned i = 0; i < old.cap; i++)
        if (old.keys[i]) insert(m, old.keys[i], old.vals[i]);
    free(old.keys);
    free(old.vals);
    return 0;
}

void ptrmap_put(lua_State *L, ptrmap *m, int idx, intptr_t val) {
    size_t len;
    if (lua_type(L, idx) != LUA_TSTRING) return;
    lua_tolstring(L, idx, &len);
    const void *key = lua_topointer(L, idx);
    if (len > SHORT_MAX || ptrmap_get(m, key) >= 0) return;
    if ((m->n + 1) * 2 > m->cap && (m->cap >= CAP_MAX || grow(m) != 0)) return;
    idx = lua_absindex(L, idx);
    if (m->anchors == 0) {
        lua_newtable(L);
        m->anchors = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, m->anchors);
    lua_pushvalue(L, idx);
    lua_rawseti(L, -2, (lua_Integer)m->n + 1);
    lua_pop(L, 1);
    insert(m, key, val);
}

void ptrmap_free(ptrmap *m) {
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}
