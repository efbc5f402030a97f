/* Unit tests for json_codec and the Lua-free json_core under it: exact
 * text both ways, exact integers, and every error message with its path or
 * its line and column. Each test gets a fresh lua_State with the standard
 * libraries and a global `null` holding JSON_NULL, so values are written
 * as Lua expressions. Every text decoded here is also parsed into a
 * json_tree, which must fail with the same message or hold the same
 * value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <lauxlib.h>
#include <lualib.h>

#include "json_codec.h"
#include "json_core.h"
#include "json_tree_push.h"

static int setup(void **state) {
    lua_State *L = luaL_newstate();
    if (!L) return -1;
    luaL_openlibs(L);
    lua_pushlightuserdata(L, JSON_NULL);
    lua_setglobal(L, "null");
    *state = L;
    return 0;
}

static int teardown(void **state) {
    lua_close(*state);
    return 0;
}

/* Runs a Lua chunk that returns one value and leaves it on the stack. */
static void push_lua(lua_State *L, const char *chunk) {
    if (luaL_loadstring(L, chunk) != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK)
        fail_msg("Lua error: %s", lua_tostring(L, -1));
}

/* Asserts that the Lua expression is true (decoded values are in global v). */
static void check(lua_State *L, const char *expr) {
    char chunk[1024];
    snprintf(chunk, sizeof chunk, "return %s", expr);
    push_lua(L, chunk);
    if (!lua_toboolean(L, -1)) fail_msg("not true: %s", expr);
    lua_pop(L, 1);
}

/* Encodes the value of a Lua chunk; returns 0 and the text, or -1 and err. */
static int encode_chunk(lua_State *L, const char *chunk, strbuf *out, char *err, size_t errlen) {
    strbuf keys = STRBUF_INIT;
    push_lua(L, chunk);
    lua_pushinteger(L, 42); /* so the value is at a relative index below the top */
    int top = lua_gettop(L);
    int rc = json_encode(L, -2, out, &keys, err, errlen);
    assert_int_equal(lua_gettop(L), top);
    assert_int_equal(keys.len, 0);
    assert_int_equal(lua_tointeger(L, -1), 42);
    lua_pop(L, 2);
    strbuf_free(&keys);
    return rc;
}

static void assert_encodes(lua_State *L, const char *chunk, const char *want) {
    strbuf out = STRBUF_INIT;
    char err[256] = "";
    if (encode_chunk(L, chunk, &out, err, sizeof err) != 0) fail_msg("%s: %s", chunk, err);
    assert_string_equal(strbuf_cstr(&out), want);
    strbuf_free(&out);
}

static void assert_encode_error(lua_State *L, const char *chunk, const char *want) {
    strbuf out = STRBUF_INIT;
    char err[256] = "";
    assert_int_equal(encode_chunk(L, chunk, &out, err, sizeof err), -1);
    assert_string_equal(err, want);
    strbuf_free(&out);
}

/* The JSON text of the value at the top, popped, in *out. */
static void encode_top(lua_State *L, strbuf *out) {
    strbuf keys = STRBUF_INIT;
    char err[256];
    if (json_encode(L, -1, out, &keys, err, sizeof err) != 0) fail_msg("encode: %s", err);
    lua_pop(L, 1);
    strbuf_free(&keys);
}

/* json_tree_parse agrees with json_decode on text: the same error, or a
 * tree that json_encode writes as it writes the decoded value at the top. */
static void assert_tree_agrees(lua_State *L, const char *text, size_t len, const char *err) {
    char terr[256] = "";
    json_value *t = json_tree_parse(text, len, terr, sizeof terr);
    if (err) {
        assert_null(t);
        assert_string_equal(terr, err);
        return;
    }
    if (!t) fail_msg("json_tree_parse: %s", terr);
    strbuf want = STRBUF_INIT, got = STRBUF_INIT;
    lua_pushvalue(L, -1);
    encode_top(L, &want);
    json_tree_push(L, t);
    encode_top(L, &got);
    assert_string_equal(strbuf_cstr(&got), strbuf_cstr(&want));
    json_tree_free(t);
    strbuf_free(&want);
    strbuf_free(&got);
}

/* Decodes text into the global v. */
static void decode_n(lua_State *L, const char *text, size_t len) {
    char err[256] = "";
    int top = lua_gettop(L);
    if (json_decode(L, text, len, err, sizeof err) != 0) fail_msg("%s: %s", text, err);
    assert_int_equal(lua_gettop(L), top + 1);
    assert_tree_agrees(L, text, len, NULL);
    lua_setglobal(L, "v");
}

static void decode(lua_State *L, const char *text) { decode_n(L, text, strlen(text)); }

static void assert_decode_error_n(lua_State *L, const char *text, size_t len, const char *want) {
    char err[256] = "";
    int top = lua_gettop(L);
    assert_int_equal(json_decode(L, text, len, err, sizeof err), -1);
    assert_int_equal(lua_gettop(L), top);
    assert_string_equal(err, want);
    assert_tree_agrees(L, text, len, want);
}

static void assert_decode_error(lua_State *L, const char *text, const char *want) {
    assert_decode_error_n(L, text, strlen(text), want);
}

/* Decoding text and encoding the result gives text back. */
static void assert_round_trip(lua_State *L, const char *text) {
    decode(L, text);
    assert_encodes(L, "return v", text);
}

static char *repeat(const char *open, int n, const char *middle, const char *close) {
    size_t lo = strlen(open), lm = strlen(middle), lc = strlen(close);
    char *s = malloc(lo * (size_t)n + lm + lc * (size_t)n + 1), *p = s;
    assert_non_null(s);
    for (int i = 0; i < n; i++, p += lo) memcpy(p, open, lo);
    memcpy(p, middle, lm);
    p += lm;
    for (int i = 0; i < n; i++, p += lc) memcpy(p, close, lc);
    *p = '\0';
    return s;
}

/* ---- numbers --------------------------------------------------------- */

static void test_integers_exact(void **state) {
    lua_State *L = *state;
    assert_encodes(L, "return math.maxinteger", "9223372036854775807");
    assert_encodes(L, "return math.mininteger", "-9223372036854775808");
    assert_encodes(L, "return (1 << 53) + 1", "9007199254740993");
    assert_encodes(L, "return 0", "0");
    assert_round_trip(L, "9223372036854775807");
    check(L, "v == math.maxinteger and math.type(v) == 'integer'");
    assert_round_trip(L, "-9223372036854775808");
    check(L, "v == math.mininteger and math.type(v) == 'integer'");
    assert_round_trip(L, "9007199254740993");
    check(L, "v == (1 << 53) + 1 and math.type(v) == 'integer'");
    decode(L, "-0");
    check(L, "v == 0 and math.type(v) == 'integer'");
}

static void test_big_integers_become_floats(void **state) {
    lua_State *L = *state;
    decode(L, "9223372036854775808");
    check(L, "math.type(v) == 'float' and v == 2.0^63");
    decode(L, "-9223372036854775809");
    check(L, "math.type(v) == 'float' and v == -2.0^63");
    decode(L, "18446744073709551616");
    check(L, "math.type(v) == 'float' and v == 2.0^64");
}

static void test_floats(void **state) {
    lua_State *L = *state;
    assert_encodes(L, "return 0.1", "0.1");
    assert_encodes(L, "return 1.0", "1.0");
    assert_encodes(L, "return -0.0", "-0.0");
    assert_encodes(L, "return 1e300", "1e+300");
    assert_encodes(L, "return 0.1 + 0.2", "0.30000000000000004");
    assert_encodes(L, "return 2^63", "9.223372036854776e+18");
    assert_encodes(L, "return 1/3", "0.3333333333333333");
    assert_encodes(L, "return 5e-324", "4.94065645841247e-324");
    assert_round_trip(L, "0.1");
    check(L, "v == 0.1");
    assert_round_trip(L, "1.0");
    check(L, "math.type(v) == 'float' and v == 1");
    assert_round_trip(L, "1e+300");
    check(L, "v == 1e300");
    assert_round_trip(L, "-0.0");
    check(L, "math.type(v) == 'float' and v == 0 and 1/v < 0");
    assert_round_trip(L, "0.30000000000000004");
    check(L, "v == 0.1 + 0.2");
    decode(L, "1E2");
    check(L, "math.type(v) == 'float' and v == 100");
    decode(L, "-12.5e-1");
    check(L, "v == -1.25");
    decode(L, "1e-400");
    check(L, "v == 0");
    /* A number longer than the decoder's small buffer. */
    decode(L, "0.1000000000000000000000000000000000000000000000000000000000000000000000001");
    check(L, "v == 0.1");
}

static void test_float_every_value_round_trips(void **state) {
    lua_State *L = *state;
    /* Values spread over the whole range must come back bit for bit. */
    push_lua(L, "local t, x = {}, 1.2345678901234567e-300\n"
                "for i = 1, 600 do t[i] = x; x = x * -3.1622776601683795 end\n"
                "return t");
    lua_setglobal(L, "t");
    strbuf out = STRBUF_INIT, keys = STRBUF_INIT;
    char err[256];
    lua_getglobal(L, "t");
    assert_int_equal(json_encode(L, -1, &out, &keys, err, sizeof err), 0);
    lua_pop(L, 1);
    decode_n(L, out.p, out.len);
    check(L, "#v == #t");
    check(L, "(function() for i = 1, #t do if v[i] ~= t[i] or math.type(v[i]) ~= 'float' "
             "then return false end end return true end)()");
    strbuf_free(&out);
    strbuf_free(&keys);
}

/* ---- tables ---------------------------------------------------------- */

static void test_nested_sorted_objects(void **state) {
    lua_State *L = *state;
    assert_encodes(L,
                   "return {b = {z = 1, a = {}}, a = {1, 2, {x = null}}, ['a b'] = true,"
                   " A = false, ab = 'x', [''] = 0}",
                   "{\"\":0,\"A\":false,\"a\":[1,2,{\"x\":null}],\"a b\":true,\"ab\":\"x\","
                   "\"b\":{\"a\":{},\"z\":1}}");
    /* Byte order, not the locale's: bytes >= 0x80 sort after ASCII. */
    assert_encodes(L, "return {['\\xc3\\xa9'] = 1, z = 2, ['z\\0'] = 3}",
                   "{\"z\":2,\"z\\u0000\":3,\"\xc3\xa9\":1}");
}

static void test_arrays_and_empty(void **state) {
    lua_State *L = *state;
    assert_encodes(L, "return {}", "{}");
    assert_encodes(L, "return {{}, {{}}}", "[{},[{}]]");
    assert_encodes(L, "return {1, 'two', 3.5, true, false, null, {n = null}}",
                   "[1,\"two\",3.5,true,false,null,{\"n\":null}]");
    assert_encodes(L, "return nil", "null");
    assert_encodes(L, "return null", "null");
    decode(L, "[1,null,3,null]");
    check(L, "#v == 4 and v[2] == null and v[4] == null and v[3] == 3");
    decode(L, " { \"a\" : [ ] , \"b\" : { } } ");
    check(L, "type(v.a) == 'table' and next(v.a) == nil and next(v.b) == nil");
    decode(L, "{\"k\":1,\"k\":2}");
    check(L, "v.k == 2");
    decode(L, "[true,false,null,\"s\"]");
    check(L, "v[1] == true and v[2] == false and v[3] == null and v[4] == 's'");
}

/* ---- arrays stay arrays ------------------------------------------------ */

static void test_arrays_stay_arrays(void **state) {
    lua_State *L = *state;
    assert_round_trip(L, "[]");
    assert_round_trip(L, "{\"a\":[],\"b\":{},\"c\":[[],{},[[]]]}");
    decode(L, "{\"x\":[]}");
    assert_encodes(L, "v.x[1] = 5; return v", "{\"x\":[5]}");
    decode(L, "[]");
    assert_encodes(L, "v[1] = nil; return v", "[]");
    /* a table the script builds is an object when empty, unless marked */
    assert_encodes(L, "return {}", "{}");
    push_lua(L, "return {}");
    json_mark_array(L, -1);
    lua_setglobal(L, "m");
    assert_encodes(L, "return { m = m, n = {} }", "{\"m\":[],\"n\":{}}");
    /* a marked table that gained a string key is not an array */
    assert_encode_error(L, "m.k = 1; m[1] = 2; return m", "at $: table has both a sequence part and key \"k\"");
}

/* ---- property: encode(decode(s)) is s, up to white space and key order --- */

typedef struct gen {
    uint64_t x;          /* xorshift64 state */
    strbuf src, want;    /* the text with noise, and the text the encoder must give */
} gen;

static uint32_t rnd(gen *g, uint32_t n) {
    g->x ^= g->x << 13;
    g->x ^= g->x >> 7;
    g->x ^= g->x << 17;
    return (uint32_t)(g->x % n);
}

static void both(gen *g, const char *s) {
    strbuf_puts(&g->src, s);
    strbuf_puts(&g->want, s);
}

static void space(gen *g) {
    static const char *const ws[] = {"", "", " ", "\n", "\t ", "\r\n  "};
    strbuf_puts(&g->src, ws[rnd(g, 6)]);
}

/* A string of bytes the encoder treats in each of its ways, each written
 * in the source in one of the ways JSON allows. */
static void gen_string(gen *g, strbuf *src, strbuf *want) {
    strbuf_putc(src, '"');
    strbuf_putc(want, '"');
    int n = (int)rnd(g, 6);
    for (int i = 0; i < n; i++) {
        switch (rnd(g, 10)) {
        case 0: strbuf_puts(src, rnd(g, 2) ? "\\\"" : "\\u0022"); strbuf_puts(want, "\\\""); break;
        case 1: strbuf_puts(src, "\\\\"); strbuf_puts(want, "\\\\"); break;
        case 2: strbuf_puts(src, rnd(g, 2) ? "\\n" : "\\u000A"); strbuf_puts(want, "\\n"); break;
        case 3: strbuf_puts(src, rnd(g, 2) ? "/" : "\\/"); strbuf_puts(want, "/"); break;
        case 4: strbuf_puts(src, "\\u0001"); strbuf_puts(want, "\\u0001"); break;
        case 5: strbuf_puts(src, rnd(g, 2) ? "\x7f" : "\\u007f"); strbuf_puts(want, "\\u007f"); break;
        case 6: strbuf_puts(src, rnd(g, 2) ? "\xc3\xa9" : "\\u00e9"); strbuf_puts(want, "\xc3\xa9"); break;
        case 7: strbuf_puts(src, "\\ud83d\\ude00"); strbuf_puts(want, "\xf0\x9f\x98\x80"); break;
        default: {
            char c[2] = {(char)('a' + rnd(g, 26)), 0};
            strbuf_puts(src, c);
            strbuf_puts(want, c);
        }
        }
    }
    strbuf_putc(src, '"');
    strbuf_putc(want, '"');
}

static void gen_value(gen *g, int depth);

/* An object with distinct keys in random order; the wanted text has them
 * in byte order, which for these keys ("k" and two digits) is the order of
 * their numbers. */
static void gen_object(gen *g, int depth) {
    int n = (int)rnd(g, 5), order[5];
    bool used[100] = {false};
    for (int i = 0; i < n; i++) {
        do order[i] = (int)rnd(g, 100); while (used[order[i]]);
        used[order[i]] = true;
    }
    /* the values must land in the wanted text in key order: make each
     * member apart, then put them in */
    strbuf msrc[5] = {STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT};
    strbuf mwant[5] = {STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT};
    for (int i = 0; i < n; i++) {
        strbuf s0 = g->src, w0 = g->want;
        g->src = msrc[i];
        g->want = mwant[i];
        strbuf_printf(&g->src, "\"k%02d\"", order[i]);
        space(g);
        strbuf_putc(&g->src, ':');
        space(g);
        strbuf_printf(&g->want, "\"k%02d\":", order[i]);
        gen_value(g, depth + 1);
        msrc[i] = g->src;
        mwant[i] = g->want;
        g->src = s0;
        g->want = w0;
    }
    both(g, "{");
    for (int i = 0; i < n; i++) {
        if (i) strbuf_putc(&g->src, ',');
        space(g);
        strbuf_append(&g->src, msrc[i].p, msrc[i].len);
        space(g);
    }
    for (int k = 0, w = 0; k < 100; k++)
        for (int i = 0; i < n; i++)
            if (order[i] == k) {
                if (w++) strbuf_putc(&g->want, ',');
                strbuf_append(&g->want, mwant[i].p, mwant[i].len);
            }
    for (int i = 0; i < 5; i++) {
        strbuf_free(&msrc[i]);
        strbuf_free(&mwant[i]);
    }
    both(g, "}");
}

static void gen_value(gen *g, int depth) {
    uint32_t kind = rnd(g, depth > 4 ? 6 : 9);
    char num[64];
    switch (kind) {
    case 0: both(g, "null"); break;
    case 1: both(g, rnd(g, 2) ? "true" : "false"); break;
    case 2:
        snprintf(num, sizeof num, "%lld", (long long)(int64_t)(g->x >> rnd(g, 64)) * (rnd(g, 2) ? 1 : -1));
        both(g, num);
        break;
    case 3: { /* k + 0.5 as 2.5, 25e-1 or 0.25E1 */
        int k = (int)rnd(g, 2000) - 1000;
        int tenfold = k * 10 + (k < 0 ? -5 : 5);
        snprintf(num, sizeof num, "%s%d.5", k < 0 ? "-" : "", k < 0 ? -k : k);
        strbuf_puts(&g->want, num);
        if (rnd(g, 2)) snprintf(num, sizeof num, "%de-1", tenfold);
        strbuf_puts(&g->src, num);
        break;
    }
    case 4: case 5: gen_string(g, &g->src, &g->want); break;
    case 6: case 7: {
        int n = (int)rnd(g, 4);
        both(g, "[");
        space(g);
        for (int i = 0; i < n; i++) {
            if (i) both(g, ",");
            space(g);
            gen_value(g, depth + 1);
            space(g);
        }
        both(g, "]");
        break;
    }
    default: gen_object(g, depth);
    }
}

static void test_round_trip_property(void **state) {
    lua_State *L = *state;
    gen g = {0x9E3779B97F4A7C15ull, STRBUF_INIT, STRBUF_INIT};
    for (int i = 0; i < 3000; i++) {
        strbuf_clear(&g.src);
        strbuf_clear(&g.want);
        space(&g);
        gen_value(&g, 0);
        space(&g);
        decode_n(L, g.src.p, g.src.len);
        strbuf out = STRBUF_INIT;
        char err[256] = "";
        if (encode_chunk(L, "return v", &out, err, sizeof err) != 0)
            fail_msg("case %d: %s: %s", i, strbuf_cstr(&g.src), err);
        if (out.len != g.want.len || memcmp(out.p, g.want.p, out.len) != 0)
            fail_msg("case %d:\n  source  %s\n  wanted  %s\n  got     %s", i, strbuf_cstr(&g.src),
                     strbuf_cstr(&g.want), strbuf_cstr(&out));
        strbuf_free(&out);
    }
    strbuf_free(&g.src);
    strbuf_free(&g.want);
}

static void test_metamethods_ignored(void **state) {
    lua_State *L = *state;
    /* Raw access only: none of these may run, and none raises. */
    assert_encodes(L,
                   "local boom = function() error('called') end\n"
                   "local mt = {__index = boom, __newindex = boom, __len = boom, __pairs = boom,"
                   " __tostring = boom, __eq = boom, __lt = boom}\n"
                   "return setmetatable({b = setmetatable({2, 1}, mt), a = 1}, mt)",
                   "{\"a\":1,\"b\":[2,1]}");
}

static void test_many_keys_nested(void **state) {
    lua_State *L = *state;
    /* Inner objects grow the key scratch buffer while the outer level's
     * keys sit in it: the outer keys must survive the reallocation. */
    push_lua(L, "local t = {}\n"
                "for i = 1, 300 do local inner = {}\n"
                "  for j = 1, 200 do inner[string.format('k%03d', j)] = j end\n"
                "  t[string.format('key%03d', i)] = inner end\n"
                "return t");
    lua_setglobal(L, "t");
    strbuf out = STRBUF_INIT, keys = STRBUF_INIT;
    char err[256];
    lua_getglobal(L, "t");
    for (int round = 0; round < 2; round++) { /* the buffers are reused */
        strbuf_clear(&out);
        assert_int_equal(json_encode(L, -1, &out, &keys, err, sizeof err), 0);
        assert_int_equal(keys.len, 0);
        assert_true(strncmp(out.p, "{\"key001\":{\"k001\":1,\"k002\":2,", 29) == 0);
        assert_non_null(strstr(out.p, "\"k200\":200},\"key002\":{\"k001\":1"));
    }
    lua_pop(L, 1);
    decode_n(L, out.p, out.len);
    check(L, "v.key300.k200 == 200 and v.key001.k001 == 1 and v.key150.k099 == 99");
    strbuf_free(&out);
    strbuf_free(&keys);
}

/* An object with more members than the Lua stack holds values (1,000,000)
 * encodes, in key order. (A state file of a million keys once failed with
 * "table too large for the Lua stack".) */
static void test_huge_object(void **state) {
    lua_State *L = *state;
    push_lua(L, "local t = {} for i = 1, 1000001 do t[string.format('k%07d', i)] = i end return t");
    lua_setglobal(L, "v");
    strbuf out = STRBUF_INIT;
    char err[256] = "";
    if (encode_chunk(L, "return v", &out, err, sizeof err) != 0) fail_msg("%s", err);
    const char *head = "{\"k0000001\":1,\"k0000002\":2,";
    assert_true(strncmp(out.p, head, strlen(head)) == 0);
    assert_non_null(strstr(out.p, ",\"k1000001\":1000001}"));
    decode_n(L, out.p, out.len);
    check(L, "v.k0500000 == 500000");
    strbuf_free(&out);
}

static void test_appends_to_out(void **state) {
    lua_State *L = *state;
    strbuf out = STRBUF_INIT, keys = STRBUF_INIT;
    char err[64];
    strbuf_puts(&out, "x=");
    lua_pushinteger(L, 7);
    assert_int_equal(json_encode(L, 1, &out, &keys, err, sizeof err), 0);
    assert_string_equal(strbuf_cstr(&out), "x=7");
    lua_pop(L, 1);
    strbuf_free(&out);
    strbuf_free(&keys);
}

/* ---- strings --------------------------------------------------------- */

static void test_string_escapes_encode(void **state) {
    lua_State *L = *state;
    assert_encodes(L, "return 'a\"b\\\\c/\\n\\r\\t\\b\\f\\1\\31\\127 \\xc3\\xa9 \\0end'",
                   "\"a\\\"b\\\\c/\\n\\r\\t\\b\\f\\u0001\\u001f\\u007f \xc3\xa9 \\u0000end\"");
    assert_encodes(L, "return ''", "\"\"");
    /* Not UTF-8: passed through, and comes back the same. */
    assert_encodes(L, "return '\\xff\\xfe'", "\"\xff\xfe\"");
    decode(L, "\"\xff\xfe\"");
    check(L, "v == '\\xff\\xfe'");
}

static void test_string_escapes_decode(void **state) {
    lua_State *L = *state;
    decode(L, "\"a\\\"b\\\\c\\/d\\n\\r\\t\\b\\f\"");
    check(L, "v == 'a\"b\\\\c/d\\n\\r\\t\\b\\f'");
    decode(L, "\"caf\\u00e9 \\u00E9\"");
    check(L, "v == 'caf\\xc3\\xa9 \\xc3\\xa9'");
    decode(L, "\"\\u0041\\u07ff\\u0800\\uffff\"");
    check(L, "v == 'A\\u{7ff}\\u{800}\\u{ffff}'");
    decode(L, "\"\\ud83d\\ude00\"");
    check(L, "v == '\\xf0\\x9f\\x98\\x80'");
    decode(L, "\"\\uDBFF\\uDFFF\"");
    check(L, "v == '\\u{10ffff}'");
    decode(L, "\"a\\u0000b\"");
    check(L, "v == 'a\\0b' and #v == 3");
    decode(L, "\"\\u007f\"");
    check(L, "v == '\\127'");
    /* Raw UTF-8 and a raw DEL are taken as they are. */
    decode(L, "\"\xf0\x9f\x98\x80\x7f\"");
    check(L, "v == '\\xf0\\x9f\\x98\\x80\\127'");
}

static void test_nul_bytes(void **state) {
    lua_State *L = *state;
    assert_encodes(L, "return {['a\\0b'] = 'c\\0d'}", "{\"a\\u0000b\":\"c\\u0000d\"}");
    assert_round_trip(L, "{\"a\\u0000b\":\"c\\u0000d\"}");
    check(L, "v['a\\0b'] == 'c\\0d'");
    /* A raw NUL in the text is a control character, not an end. */
    assert_decode_error_n(L, "\"a\0b\"", 5,
                          "line 1, column 3: unescaped control character 0x00 in a string");
    assert_decode_error_n(L, "1\0", 2, "line 1, column 2: unexpected text after the value");
}

static void test_decode_not_nul_terminated(void **state) {
    lua_State *L = *state;
    decode_n(L, "12345", 3);
    check(L, "v == 123");
    decode_n(L, "\"abc\"xyz", 5);
    check(L, "v == 'abc'");
    assert_decode_error_n(L, "\"abc\"", 4, "line 1, column 1: unterminated string");
    assert_decode_error_n(L, "truex", 3, "line 1, column 1: invalid literal, expected true");
    assert_decode_error_n(L, "1.5", 2, "line 1, column 3: expected a digit after '.'");
    assert_decode_error_n(L, NULL, 0, "line 1, column 1: empty input");
}

static void test_long_escaped_string(void **state) {
    lua_State *L = *state;
    /* Long enough for luaL_Buffer to move to a box on the stack. */
    size_t n = 20000;
    char *s = malloc(n * 2 + 3);
    assert_non_null(s);
    s[0] = '"';
    for (size_t i = 0; i < n; i++) {
        s[1 + 2 * i] = '\\';
        s[2 + 2 * i] = 'n';
    }
    s[1 + 2 * n] = '"';
    s[2 + 2 * n] = '\0';
    decode(L, s);
    check(L, "v == string.rep('\\n', 20000)");
    /* The same, broken at the end: the half-built buffer is dropped. */
    s[2 * n] = 'q';
    assert_decode_error(L, s, "line 1, column 40000: invalid escape '\\q'");
    free(s);
}

/* ---- decode errors --------------------------------------------------- */

static void test_decode_errors(void **state) {
    lua_State *L = *state;
    assert_decode_error(L, "[1,2,]", "line 1, column 6: trailing comma before ']'");
    assert_decode_error(L, "{\"a\":1,}", "line 1, column 8: trailing comma before '}'");
    assert_decode_error(L, "{\"a\":1,\n  \"b\":2,\n}", "line 3, column 1: trailing comma before '}'");
    assert_decode_error(L, "01", "line 1, column 1: number with a leading zero");
    assert_decode_error(L, "[1, -00]", "line 1, column 5: number with a leading zero");
    assert_decode_error(L, "\"abc", "line 1, column 1: unterminated string");
    assert_decode_error(L, "[\"abc\\", "line 1, column 2: unterminated string");
    assert_decode_error(L, "[\"a\\nb", "line 1, column 2: unterminated string");
    assert_decode_error(L, "{\n  \"a\": \"x\\q\"\n}", "line 2, column 10: invalid escape '\\q'");
    assert_decode_error(L, "\"\\x41\"", "line 1, column 2: invalid escape '\\x'");
    assert_decode_error(L, "\"\\\x01\"", "line 1, column 2: invalid escape: '\\' followed by byte 0x01");
    assert_decode_error(L, "\"\\u12g4\"", "line 1, column 2: invalid \\u escape: expected 4 hex digits");
    assert_decode_error(L, "\"\\u12\"", "line 1, column 2: invalid \\u escape: expected 4 hex digits");
    assert_decode_error(L, "\"\\ud800\"", "line 1, column 2: lone surrogate \\ud800");
    assert_decode_error(L, "\"ab\\uDC00\"", "line 1, column 4: lone surrogate \\uDC00");
    assert_decode_error(L, "\"\\ud800\\u0041\"", "line 1, column 2: lone surrogate \\ud800");
    assert_decode_error(L, "\"\\ud800\\ud800\"", "line 1, column 2: lone surrogate \\ud800");
    assert_decode_error(L, "\"\\ud800x\"", "line 1, column 2: lone surrogate \\ud800");
    assert_decode_error(L, "\"a\tb\"", "line 1, column 3: unescaped control character 0x09 in a string");
    assert_decode_error(L, "[\"\\n\",\n\"a\nb\"]",
                        "line 2, column 3: unescaped control character 0x0a in a string");
    assert_decode_error(L, "[1] x", "line 1, column 5: unexpected text after the value");
    assert_decode_error(L, "{} {}", "line 1, column 4: unexpected text after the value");
    assert_decode_error(L, "\n\n  null null", "line 3, column 8: unexpected text after the value");
    assert_decode_error(L, "", "line 1, column 1: empty input");
    assert_decode_error(L, " \t\r\n ", "line 1, column 1: empty input");
}

static void test_decode_grammar_errors(void **state) {
    lua_State *L = *state;
    assert_decode_error(L, "+1", "line 1, column 1: expected a value, found '+'");
    assert_decode_error(L, ".5", "line 1, column 1: expected a value, found '.'");
    assert_decode_error(L, "-", "line 1, column 2: expected a digit after '-'");
    assert_decode_error(L, "-a", "line 1, column 2: expected a digit after '-'");
    assert_decode_error(L, "1.", "line 1, column 3: expected a digit after '.'");
    assert_decode_error(L, "1.e5", "line 1, column 3: expected a digit after '.'");
    assert_decode_error(L, "1e", "line 1, column 3: expected a digit in the exponent");
    assert_decode_error(L, "1e+", "line 1, column 4: expected a digit in the exponent");
    assert_decode_error(L, "0x10", "line 1, column 2: unexpected text after the value");
    assert_decode_error(L, "NaN", "line 1, column 1: expected a value, found 'N'");
    assert_decode_error(L, "nan", "line 1, column 1: invalid literal, expected null");
    assert_decode_error(L, "[Infinity]", "line 1, column 2: expected a value, found 'I'");
    assert_decode_error(L, "1e400", "line 1, column 1: number out of range");
    assert_decode_error(L, "[-1e400]", "line 1, column 2: number out of range");
    assert_decode_error(L, "tru", "line 1, column 1: invalid literal, expected true");
    assert_decode_error(L, "[fals]", "line 1, column 2: invalid literal, expected false");
    assert_decode_error(L, "'a'", "line 1, column 1: expected a value, found '''");
    assert_decode_error(L, "\x01", "line 1, column 1: expected a value, found byte 0x01");
    assert_decode_error(L, "[", "line 1, column 2: unexpected end of input");
    assert_decode_error(L, "[1", "line 1, column 3: unexpected end of input");
    assert_decode_error(L, "[1 2]", "line 1, column 4: expected ',' or ']' after an array element");
    assert_decode_error(L, "[,1]", "line 1, column 2: expected a value, found ','");
    assert_decode_error(L, "{", "line 1, column 2: unexpected end of input");
    assert_decode_error(L, "{1:2}", "line 1, column 2: expected a string key or '}'");
    assert_decode_error(L, "{\"a\":1,2}", "line 1, column 8: expected a string key");
    assert_decode_error(L, "{\"a\" 1}", "line 1, column 6: expected ':' after an object key");
    assert_decode_error(L, "{\"a\":}", "line 1, column 6: expected a value, found '}'");
    assert_decode_error(L, "{\"a\":1", "line 1, column 7: unexpected end of input");
    assert_decode_error(L, "{\"a\":1 \"b\":2}",
                        "line 1, column 8: expected ',' or '}' after an object member");
    assert_decode_error(L, "]", "line 1, column 1: expected a value, found ']'");
}

static void test_decode_error_keeps_stack(void **state) {
    lua_State *L = *state;
    /* Fails deep inside containers and a half-built string: nothing is left. */
    lua_pushinteger(L, 1);
    assert_decode_error(L, "{\"a\":[1,{\"b\":\"x\\u00e9\\q\"}]}",
                        "line 1, column 22: invalid escape '\\q'");
    assert_int_equal(lua_gettop(L), 1);
    lua_pop(L, 1);
}

static void test_decode_depth(void **state) {
    lua_State *L = *state;
    char *ok = repeat("[", JSON_MAX_DEPTH, "", "]");
    decode(L, ok);
    check(L, "(function() local d, t = 0, v while type(t) == 'table' do d = d + 1; t = t[1] end"
             " return d == 1000 end)()");
    free(ok);
    char *objs = repeat("{\"a\":", JSON_MAX_DEPTH - 1, "{}", "}");
    decode(L, objs);
    free(objs);
    char *deep = repeat("[", JSON_MAX_DEPTH + 1, "", "]");
    assert_decode_error(L, deep, "line 1, column 1001: nesting deeper than 1000");
    free(deep);
    char *deepobj = repeat("{\"a\":", JSON_MAX_DEPTH + 1, "1", "}");
    assert_decode_error(L, deepobj, "line 1, column 5001: nesting deeper than 1000");
    free(deepobj);
}

/* ---- encode errors --------------------------------------------------- */

static void test_encode_depth(void **state) {
    lua_State *L = *state;
    /* 1000 tables, one inside the other, is the limit. */
    char *want = repeat("[", JSON_MAX_DEPTH - 1, "{}", "]");
    assert_encodes(L, "local t = {} local c = t for i = 2, 1000 do c[1] = {} c = c[1] end return t",
                   want);
    free(want);
    assert_encode_error(L,
                        "local t = {} local c = t for i = 2, 1001 do c[1] = {} c = c[1] end return t",
                        "at $[1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1]"
                        "[1][1]...: nesting deeper than 1000");
    assert_encode_error(L,
                        "local t = {} local c = t for i = 2, 1001 do c.a = {} c = c.a end return t",
                        "at $.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a"
                        ".a.a.a...: nesting deeper than 1000");
}

static void test_encode_self_reference(void **state) {
    lua_State *L = *state;
    assert_encode_error(L, "local t = {} t.self = t return t",
                        "at $.self.self.self.self.self.self.self.self.self.self.self.self.self.self"
                        ".self...: nesting deeper than 1000");
    assert_encode_error(L, "local t = {} t[1] = {t} return {x = t}",
                        "at $.x[1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1]"
                        "[1][1][1]...: nesting deeper than 1000");
}

static void test_encode_bad_values(void **state) {
    lua_State *L = *state;
    assert_encode_error(L, "return {ratio = 0/0}", "at $.ratio: cannot encode NaN or infinity");
    assert_encode_error(L, "return math.huge", "at $: cannot encode NaN or infinity");
    assert_encode_error(L, "return {-math.huge}", "at $[1]: cannot encode NaN or infinity");
    assert_encode_error(L, "return {items = {1, 2, {when = print}}}",
                        "at $.items[3].when: cannot encode a function");
    assert_encode_error(L, "return print", "at $: cannot encode a function");
    assert_encode_error(L, "return {['a b'] = {f = print}}", "at $[\"a b\"].f: cannot encode a function");
    assert_encode_error(L, "return {['a\"\\n'] = {['1x'] = {_ok9 = print}}}",
                        "at $[\"a\\\"\\u000a\"][\"1x\"]._ok9: cannot encode a function");
    assert_encode_error(L, "return {[string.rep('k', 40)] = print}",
                        "at $[\"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...\"]: cannot encode a function");
    assert_encode_error(L, "return {co = coroutine.create(print)}", "at $.co: cannot encode a thread");
    assert_encode_error(L, "return {u = io.stdout}", "at $.u: cannot encode a userdata");
    lua_pushlightuserdata(L, L);
    lua_setglobal(L, "lud");
    assert_encode_error(L, "return {lud}", "at $[1]: cannot encode a light userdata other than json.null");
}

static void test_encode_bad_tables(void **state) {
    lua_State *L = *state;
    assert_encode_error(L, "return {1, 2, name = 'x'}",
                        "at $: table has both a sequence part and key \"name\"");
    assert_encode_error(L, "return {a = {1, zeta = 1, beta = 2, [5] = 3}}",
                        "at $.a: table has both a sequence part and key \"beta\"");
    assert_encode_error(L, "return {[1] = 1, [3] = 3}", "at $: table is not a sequence: key 3 but no key 2");
    assert_encode_error(L, "return {x = {1, 2, nil, 4, nil, 6}}",
                        "at $.x: table is not a sequence: key 6 but no key 3");
    assert_encode_error(L, "return {[2] = 'b'}", "at $: table is not a sequence: key 2 but no key 1");
    assert_encode_error(L, "return {[0] = 'a', 'b'}", "at $: table is not a sequence: key 0 is below 1");
    assert_encode_error(L, "return {[-5] = 1}", "at $: table is not a sequence: key -5 is below 1");
    assert_encode_error(L, "return {[1.5] = 1}", "at $: table has a float key 1.5");
    assert_encode_error(L, "return {[math.huge] = 1}", "at $: table has a float key inf");
    assert_encode_error(L, "return {[true] = 1}", "at $: table has a boolean key true");
    assert_encode_error(L, "return {{}, {[{}] = 1}}", "at $[2]: table has a table key");
    assert_encode_error(L, "return {[print] = 1}", "at $: table has a function key");
    /* A float key with an integer value is an integer key in Lua. */
    assert_encodes(L, "return {[1.0] = 'a', [2.0] = 'b'}", "[\"a\",\"b\"]");
}

static void test_encode_error_keeps_stack(void **state) {
    lua_State *L = *state;
    /* The failure is deep inside sorted objects whose values sit on the stack. */
    push_lua(L, "return {a = 1, b = {c = {1, 2, {d = 1, e = print}}, z = 2}}");
    strbuf out = STRBUF_INIT, keys = STRBUF_INIT;
    char err[128];
    lua_pushnil(L);
    assert_int_equal(json_encode(L, -2, &out, &keys, err, sizeof err), -1);
    assert_string_equal(err, "at $.b.c[3].e: cannot encode a function");
    assert_int_equal(lua_gettop(L), 2);
    assert_int_equal(keys.len, 0);
    /* A short error buffer is cut, still NUL-terminated. */
    char tiny[8];
    assert_int_equal(json_encode(L, 1, &out, &keys, tiny, sizeof tiny), -1);
    assert_string_equal(tiny, "at $.b.");
    lua_pop(L, 2);
    strbuf_free(&out);
    strbuf_free(&keys);
}

/* ---- json_core without Lua ------------------------------------------- */

static void test_tree_values(void **state) {
    (void)state;
    const char text[] = "{\"a\": [1, -2.5, \"x\\u0000y\", true, null, {}],"
                        " \"b\": 1, \"b\": 9223372036854775807}";
    char err[256] = "";
    json_value *t = json_tree_parse(text, sizeof text - 1, err, sizeof err);
    if (!t) fail_msg("%s", err);
    assert_int_equal(t->kind, JSON_KIND_OBJECT);
    assert_int_equal(t->u.object.n, 3);
    const json_value *b = json_tree_get(t, "b"); /* given twice: the last wins */
    assert_int_equal(b->kind, JSON_KIND_INTEGER);
    assert_true(b->u.integer == INT64_MAX);
    const json_value *a = json_tree_get(t, "a");
    assert_int_equal(a->kind, JSON_KIND_ARRAY);
    assert_int_equal(a->u.array.n, 6);
    assert_int_equal(a->u.array.items[0].kind, JSON_KIND_INTEGER);
    assert_int_equal(a->u.array.items[1].kind, JSON_KIND_NUMBER);
    assert_true(a->u.array.items[1].u.number == -2.5);
    assert_int_equal(a->u.array.items[2].u.string.len, 3);
    assert_memory_equal(a->u.array.items[2].u.string.s, "x\0y", 4);
    assert_int_equal(a->u.array.items[3].kind, JSON_KIND_BOOLEAN);
    assert_int_equal(a->u.array.items[4].kind, JSON_KIND_NULL);
    assert_int_equal(a->u.array.items[5].kind, JSON_KIND_OBJECT);
    assert_null(json_tree_get(t, "c"));
    assert_null(json_tree_get(a, "a")); /* not an object */
    json_tree_free(t);
}

/* A failure deep inside frees every open container (ASan and valgrind
 * check); assert_decode_error checks the tree reports what json_decode
 * reports. */
static void test_tree_errors(void **state) {
    char *deep = repeat("{\"k\": [\"s\", ", 300, "{\"x\": 1} x", "]}");
    assert_decode_error(*state, deep, "line 1, column 3610: expected ',' or ']' after an array element");
    free(deep);
    char *over = repeat("[", JSON_MAX_DEPTH + 1, "", "]");
    assert_decode_error(*state, over, "line 1, column 1001: nesting deeper than 1000");
    free(over);
    assert_decode_error(*state, "{\"a\": \"b\"", "line 1, column 10: unexpected end of input");
    assert_decode_error(*state, "\"x\" 1", "line 1, column 5: unexpected text after the value");
}

static void test_unescape(void **state) {
    (void)state;
    const char raw[] = "a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00z";
    char out[sizeof raw];
    size_t n = json_unescape(raw, sizeof raw - 1, out);
    const char want[] = "a\"\\/\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80z";
    assert_int_equal(n, sizeof want - 1);
    assert_memory_equal(out, want, n);
}

static void test_write(void **state) {
    (void)state;
    strbuf b = STRBUF_INIT;
    assert_int_equal(json_write_string(&b, "a\"\\\n\b\x01\x7f\0\xc3\xa9", 10), 0);
    assert_int_equal(strbuf_putc(&b, ' '), 0);
    assert_int_equal(json_write_integer(&b, INT64_MIN), 0);
    assert_int_equal(strbuf_putc(&b, ' '), 0);
    assert_int_equal(json_write_number(&b, 5.0), 0);
    assert_int_equal(strbuf_putc(&b, ' '), 0);
    assert_int_equal(json_write_number(&b, 0.1), 0);
    assert_int_equal(strbuf_putc(&b, ' '), 0);
    assert_int_equal(json_write_number(&b, 1e300), 0);
    assert_string_equal(strbuf_cstr(&b), "\"a\\\"\\\\\\n\\b\\u0001\\u007f\\u0000\xc3\xa9\" "
                                         "-9223372036854775808 5.0 0.1 1e+300");
    strbuf_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_integers_exact),
        T(test_big_integers_become_floats),
        T(test_floats),
        T(test_float_every_value_round_trips),
        T(test_nested_sorted_objects),
        T(test_arrays_and_empty),
        T(test_arrays_stay_arrays),
        T(test_round_trip_property),
        T(test_metamethods_ignored),
        T(test_many_keys_nested),
        T(test_huge_object),
        T(test_appends_to_out),
        T(test_string_escapes_encode),
        T(test_string_escapes_decode),
        T(test_nul_bytes),
        T(test_decode_not_nul_terminated),
        T(test_long_escaped_string),
        T(test_decode_errors),
        T(test_decode_grammar_errors),
        T(test_decode_error_keeps_stack),
        T(test_decode_depth),
        T(test_encode_depth),
        T(test_encode_self_reference),
        T(test_encode_bad_values),
        T(test_encode_bad_tables),
        T(test_encode_error_keeps_stack),
        T(test_tree_values),
        T(test_tree_errors),
        T(test_unescape),
        T(test_write),
#undef T
    };
    return cmocka_run_group_tests_name("json_codec", tests, NULL, NULL);
}
