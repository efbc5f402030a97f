/* libFuzzer target: the JSON codec that loads configuration and state
 * (runtime/core/json_codec.h).
 *
 * The bytes are decoded into a Lua state. A failure must push nothing and
 * say where ("line L, column C: ..."). A success must push one value that
 * json_encode accepts (a state the runtime loaded can always be saved
 * again); that text must decode to a value deeply equal to the first (same
 * types, integers and floats told apart, floats bit for bit) and encode to
 * the same text again. The Lua-free parser (json_core.h) must agree: its
 * tree fails with the same message, or holds a value deeply equal to the
 * decoded one. Any broken rule aborts with the reason. */
#include <lauxlib.h>
#include <lua.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_codec.h"
#include "json_core.h"
#include "strbuf.h"
#include "../unit/json_tree_push.h"

#define CHECK(cond, ...)                                                                       \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "fuzz_json: " __VA_ARGS__);                                        \
            fputc('\n', stderr);                                                               \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

static lua_State *L;
static strbuf text1, text2, keys;

typedef struct decode_args {
    const char *s;
    size_t len;
    int rc;
    char err[256];
} decode_args;

/* json_decode may raise Lua's memory errors: run it protected. */
static int decode_cf(lua_State *Ls) {
    decode_args *a = lua_touserdata(Ls, 1);
    lua_settop(Ls, 0);
    a->rc = json_decode(Ls, a->s, a->len, a->err, sizeof a->err);
    return a->rc == 0 ? 1 : 0;
}

/* Decodes s; returns 0 with the value on top, or -1 with nothing pushed. */
static int decode(const char *s, size_t len, char *err, size_t errlen) {
    decode_args a = {s, len, -1, ""};
    int top = lua_gettop(L);
    lua_pushcfunction(L, decode_cf);
    lua_pushlightuserdata(L, &a);
    int prc = lua_pcall(L, 1, 1, 0);
    CHECK(prc == LUA_OK, "json_decode raised: %s", lua_tostring(L, -1));
    if (a.rc != 0) {
        lua_pop(L, 1);
        snprintf(err, errlen, "%s", a.err);
    }
    CHECK(lua_gettop(L) == top + (a.rc == 0), "json_decode left the stack at %d, from %d",
          lua_gettop(L), top);
    return a.rc;
}

/* Deep equality of two decoded values. */
static int same(int a, int b, int depth) {
    CHECK(depth <= JSON_MAX_DEPTH + 1, "deeper than the limit");
    int ta = lua_type(L, a), tb = lua_type(L, b);
    if (ta != tb) return 0;
    switch (ta) {
    case LUA_TNUMBER: {
        if (lua_isinteger(L, a) != lua_isinteger(L, b)) return 0;
        if (lua_isinteger(L, a)) return lua_tointeger(L, a) == lua_tointeger(L, b);
        double x = lua_tonumber(L, a), y = lua_tonumber(L, b);
        return memcmp(&x, &y, sizeof x) == 0;
    }
    case LUA_TSTRING: {
        size_t la, lb;
        const char *x = lua_tolstring(L, a, &la), *y = lua_tolstring(L, b, &lb);
        return la == lb && memcmp(x, y, la) == 0;
    }
    case LUA_TTABLE: {
        if (!lua_checkstack(L, 4)) return 0;
        a = lua_absindex(L, a);
        b = lua_absindex(L, b);
        size_t na = 0, nb = 0;
        lua_pushnil(L);
        while (lua_next(L, a)) { /* every key of a is in b with the same value */
            na++;
            lua_pushvalue(L, -2);
            lua_rawget(L, b);
            int eq = same(-2, -1, depth + 1);
            lua_pop(L, 2);
            if (!eq) {
                lua_pop(L, 1);
                return 0;
            }
        }
        lua_pushnil(L);
        while (lua_next(L, b)) {
            nb++;
            lua_pop(L, 1);
        }
        return na == nb;
    }
    default:
        return lua_rawequal(L, a, b);
    }
}

/* json_tree_parse agrees with the decode that gave rc and err (and, on
 * success, the value at the top). */
static void check_tree(const uint8_t *data, size_t size, int rc, const char *err) {
    char terr[256] = "";
    json_value *t = json_tree_parse((const char *)data, size, terr, sizeof terr);
    if (rc != 0) {
        CHECK(!t, "the tree parsed what json_decode refused (%s)", err);
        CHECK(strcmp(terr, err) == 0, "tree error \"%s\", decode error \"%s\"", terr, err);
        return;
    }
    CHECK(t != NULL, "the tree refused what json_decode took: %s", terr);
    json_tree_push(L, t);
    CHECK(same(-2, -1, 0), "the tree differs from the decoded value");
    lua_pop(L, 1);
    json_tree_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!L) {
        L = luaL_newstate();
        CHECK(L != NULL, "luaL_newstate");
    }
    lua_settop(L, 0);
    char err[256];
    if (decode((const char *)data, size, err, sizeof err) != 0) {
        CHECK(strncmp(err, "line ", 5) == 0, "decode error \"%s\"", err);
        check_tree(data, size, -1, err);
        return 0;
    }
    check_tree(data, size, 0, "");
    strbuf_clear(&text1);
    CHECK(json_encode(L, 1, &text1, &keys, err, sizeof err) == 0,
          "a decoded value cannot be encoded: %s", err);
    CHECK(lua_gettop(L) == 1, "json_encode changed the stack");
    CHECK(decode(text1.p, text1.len, err, sizeof err) == 0,
          "the encoder's text does not decode: %s\n%s", err, text1.p);
    CHECK(same(1, 2, 0), "the round-trip changed the value: %s", text1.p);
    strbuf_clear(&text2);
    CHECK(json_encode(L, 2, &text2, &keys, err, sizeof err) == 0, "second encode: %s", err);
    CHECK(text1.len == text2.len && memcmp(text1.p, text2.p, text1.len) == 0,
          "the text is not stable:\n%s\n%s", text1.p, text2.p);
    lua_settop(L, 0);
    /* Garbage from earlier inputs must not pile up across runs. */
    lua_gc(L, LUA_GCSTEP, 0);
    return 0;
}
