/* Unit tests for ptrmap.c: the op path's lookup of a name by its address,
 * checked against a model (the names' texts) across garbage collections. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <lauxlib.h>
#include <lualib.h>

#include "ptrmap.h"

/* The address of the string text as Lua holds it now. */
static const void *address_of(lua_State *L, const char *text) {
    lua_pushstring(L, text);
    const void *p = lua_topointer(L, -1);
    lua_pop(L, 1);
    return p;
}

/* Names added are found again by a new string of the same text after full
 * collections (the map keeps them alive, so no other object takes their
 * address); names never added, and long names, are never found. */
static void test_against_model(void **state) {
    (void)state;
    lua_State *L = luaL_newstate();
    assert_non_null(L);
    ptrmap m = {0};
    enum { NAMES = 600 };
    static char texts[NAMES][48];
    int added[NAMES];
    unsigned seed = 7;
    for (int i = 0; i < NAMES; i++) {
        seed = seed * 1103515245u + 12345u;
        /* Distinct texts of up to 47 bytes: past 40 a name is long and left out. */
        size_t len = 1 + (seed >> 16) % 47;
        int w = snprintf(texts[i], sizeof texts[i], "%d_", i);
        while ((size_t)w < len) texts[i][w++] = 'x';
        texts[i][w] = '\0';
        added[i] = -1;
        if ((seed >> 8) % 3) continue; /* a third are added */
        lua_pushstring(L, texts[i]);
        ptrmap_put(L, &m, -1, i);
        lua_pop(L, 1);
        added[i] = strlen(texts[i]) <= 40 ? i : -1;
        if (i % 50 == 0) lua_gc(L, LUA_GCCOLLECT);
    }
    /* Other objects made and dropped between collections. */
    for (int round = 0; round < 3; round++) {
        for (int j = 0; j < 2000; j++) lua_pushfstring(L, "tmp%d_%d", round, j), lua_pop(L, 1);
        lua_gc(L, LUA_GCCOLLECT);
        for (int i = 0; i < NAMES; i++) {
            intptr_t got = ptrmap_get(&m, address_of(L, texts[i]));
            if (got != added[i])
                fail_msg("round %d, name \"%s\" (%zu bytes): got %ld, model %d", round, texts[i],
                         strlen(texts[i]), (long)got, added[i]);
        }
    }
    /* A number or a boolean has no address. */
    assert_int_equal(ptrmap_get(&m, NULL), -1);
    ptrmap_free(&m);
    lua_close(L);
}

/* Past its largest size the map leaves names out, and finds every name it
 * took. */
static void test_full_map_leaves_out(void **state) {
    (void)state;
    lua_State *L = luaL_newstate();
    assert_non_null(L);
    ptrmap m = {0};
    int found = 0;
    char name[32];
    for (int i = 0; i < 6000; i++) {
        snprintf(name, sizeof name, "col%d", i);
        lua_pushstring(L, name);
        ptrmap_put(L, &m, -1, i);
        lua_pop(L, 1);
    }
    lua_gc(L, LUA_GCCOLLECT);
    for (int i = 0; i < 6000; i++) {
        snprintf(name, sizeof name, "col%d", i);
        intptr_t got = ptrmap_get(&m, address_of(L, name));
        if (got >= 0) {
            assert_int_equal(got, i);
            found++;
        }
    }
    assert_int_equal(found, 4096);
    ptrmap_free(&m);
    lua_close(L);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_model),
        cmocka_unit_test(test_full_map_leaves_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
