/* json_tree_push: a test helper for the Lua-free JSON parser's tree
 * (json_core.h), shared by test_json_codec.c and tests/fuzz/fuzz_json.c,
 * which both check that the tree holds what json_decode makes. */
#ifndef CLUA_TEST_JSON_TREE_PUSH_H
#define CLUA_TEST_JSON_TREE_PUSH_H

#include <lua.h>
#include <stdio.h>
#include <stdlib.h>

#include "json_codec.h"
#include "json_core.h"

/* Pushes the tree as json_decode would have made it: JSON_NULL for null,
 * integers and floats told apart, arrays marked. A Lua stack that cannot
 * grow (a tree nested past what Lua allows) aborts the test. */
static inline void json_tree_push(lua_State *L, const json_value *v) {
    if (!lua_checkstack(L, 3)) {
        fputs("json_tree_push: the Lua stack cannot grow\n", stderr);
        abort();
    }
    switch (v->kind) {
    case JSON_KIND_NULL: lua_pushlightuserdata(L, JSON_NULL); break;
    case JSON_KIND_BOOLEAN: lua_pushboolean(L, v->u.boolean); break;
    case JSON_KIND_INTEGER: lua_pushinteger(L, v->u.integer); break;
    case JSON_KIND_NUMBER: lua_pushnumber(L, v->u.number); break;
    case JSON_KIND_STRING: lua_pushlstring(L, v->u.string.s, v->u.string.len); break;
    case JSON_KIND_ARRAY:
        lua_newtable(L);
        json_mark_array(L, -1);
        for (size_t i = 0; i < v->u.array.n; i++) {
            json_tree_push(L, &v->u.array.items[i]);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        break;
    case JSON_KIND_OBJECT:
        lua_newtable(L);
        for (size_t i = 0; i < v->u.object.n; i++) {
            const json_member *m = &v->u.object.members[i];
            lua_pushlstring(L, m->key, m->len);
            json_tree_push(L, &m->value);
            lua_rawset(L, -3);
        }
        break;
    }
}

#endif
