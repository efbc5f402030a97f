/* cli_test_diff: what differs between the expected document of a test and
 * the one its sync produced, one readable line per difference:
 *
 *   three id="0b6f...": column val1: expected "abc", got "abd"
 *   three id="0b6f...": missing row, expected {"id":"0b6f...",...}
 *   three id="77aa...": extra row {"id":"77aa...",...}
 *   table user: expected 3 rows, the warehouse has no such table
 *   state.cursor: expected "2024-01-02", got "2024-01-03"
 *   summary upserts: expected 3, got 4
 *
 * Rows are matched by their primary key (the warehouse's key columns);
 * numbers compare by value (1 and 1.0 are equal), everything else exactly. */
#include <lauxlib.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli_test.h"
#include "json_codec.h"
#include "text.h"

#define SHOWN_MAX 200 /* bytes of a value shown in a line */

typedef struct differ {
    lua_State *L;
    FILE *out;
    long long n, max;
} differ;

static void report(differ *d, const char *fmt, ...) {
    d->n++;
    if (d->n > d->max) return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(d->out, fmt, ap);
    va_end(ap);
    fputc('\n', d->out);
}

static int scratch_gc(lua_State *L) {
    cli_test_scratch *sc = lua_touserdata(L, 1);
    strbuf_free(&sc->text);
    strbuf_free(&sc->keys);
    strbuf_free(&sc->shown);
    return 0;
}

cli_test_scratch *cli_test_scratch_of(lua_State *L) {
    if (lua_getfield(L, LUA_REGISTRYINDEX, "clua.test_scratch") == LUA_TUSERDATA) {
        cli_test_scratch *sc = lua_touserdata(L, -1);
        lua_pop(L, 1);
        return sc;
    }
    lua_pop(L, 1);
    cli_test_scratch *sc = lua_newuserdatauv(L, sizeof *sc, 0);
    *sc = (cli_test_scratch){STRBUF_INIT, STRBUF_INIT, STRBUF_INIT};
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, scratch_gc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    lua_setfield(L, LUA_REGISTRYINDEX, "clua.test_scratch");
    return sc;
}

const char *cli_test_show(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    if (lua_isnoneornil(L, idx)) return lua_pushliteral(L, "nothing");
    cli_test_scratch *sc = cli_test_scratch_of(L);
    strbuf_clear(&sc->text);
    char err[256];
    if (json_encode(L, idx, &sc->text, &sc->keys, err, sizeof err) != 0)
        return lua_pushfstring(L, "(%s)", err);
    size_t len = sc->text.len;
    if (len > SHOWN_MAX) {
        len = SHOWN_MAX;
        while (len > 0 && ((unsigned char)sc->text.p[len] & 0xc0) == 0x80) len--; /* whole characters */
    }
    /* The encoder leaves bytes >= 0x80 as they are: a C1 control (U+009B
     * is CSI) or a byte that is not UTF-8 must not reach the terminal. */
    strbuf_clear(&sc->shown);
    if (text_terminal_escape(sc->text.p, len, false, strbuf_put, &sc->shown) != 0 ||
        (len < sc->text.len && strbuf_puts(&sc->shown, "...") != 0))
        luaL_error(L, "out of memory");
    return lua_pushlstring(L, sc->shown.p ? sc->shown.p : "", sc->shown.len);
}

/* A name (len bytes) as shown: itself when it is a plain identifier, else
 * JSON-quoted, so no name can move the terminal's cursor and a NUL in it
 * shows as \u0000. Pushes the text. */
static const char *show_name(lua_State *L, const char *name, size_t len) {
    bool plain = len > 0;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_'))
            plain = false;
    }
    if (plain) return lua_pushlstring(L, name, len);
    lua_pushlstring(L, name, len);
    cli_test_show(L, -1);
    lua_remove(L, -2);
    return lua_tostring(L, -1);
}

/* show_name of the string at idx. */
static const char *show_key(lua_State *L, int idx) {
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    return show_name(L, s, len);
}

static bool is_array(lua_State *L, int idx) {
    idx = lua_absindex(L, idx); /* before the pushes below */
    json_push_arrays(L);
    lua_pushvalue(L, idx);
    bool marked = lua_rawget(L, -2) != LUA_TNIL;
    lua_pop(L, 2);
    return marked || lua_rawlen(L, idx) > 0;
}

/* A table that can be an array of rows: marked as one, a sequence, or empty. */
static bool rows_array(lua_State *L, int idx) {
    if (lua_type(L, idx) != LUA_TTABLE) return false;
    if (is_array(L, idx)) return true;
    lua_pushnil(L);
    if (!lua_next(L, idx)) return true;
    lua_pop(L, 2);
    return false;
}

/* Whether the values at a and b are the same JSON value. */
static bool same(lua_State *L, int a, int b) {
    a = lua_absindex(L, a);
    b = lua_absindex(L, b);
    int ta = lua_type(L, a), tb = lua_type(L, b);
    if (ta == LUA_TNUMBER && tb == LUA_TNUMBER) return lua_compare(L, a, b, LUA_OPEQ);
    if (ta != tb) return false;
    if (ta != LUA_TTABLE) return lua_rawequal(L, a, b);
    luaL_checkstack(L, 8, "the state is nested too deep");
    if (is_array(L, a) != is_array(L, b)) return false;
    long long na = 0, nb = 0;
    lua_pushnil(L);
    while (lua_next(L, a)) {
        na++;
        lua_pushvalue(L, -2);
        lua_rawget(L, b);
        bool eq = same(L, -2, -1);
        lua_pop(L, 2);
        if (!eq) {
            lua_pop(L, 1);
            return false;
        }
    }
    lua_pushnil(L);
    while (lua_next(L, b)) {
        nb++;
        lua_pop(L, 1);
    }
    return na == nb;
}

int cli_test_key_cmp(const void *x, const void *y) {
    const key_ref *a = x, *b = y;
    int c = memcmp(a->p, b->p, a->len < b->len ? a->len : b->len);
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* Pushes an array of the string keys of the tables at a and b (either may
 * be something else), each once, in byte order. */
static void union_keys(lua_State *L, int a, int b) {
    a = lua_absindex(L, a);
    b = lua_absindex(L, b);
    lua_newtable(L);
    int set = lua_gettop(L);
    size_t n = 0;
    for (int t = 0; t < 2; t++) {
        int idx = t ? b : a;
        if (lua_type(L, idx) != LUA_TTABLE) continue;
        lua_pushnil(L);
        while (lua_next(L, idx)) {
            lua_pop(L, 1);
            if (lua_type(L, -1) != LUA_TSTRING) continue;
            lua_pushvalue(L, -1);
            if (lua_rawget(L, set) == LUA_TNIL) n++;
            lua_pop(L, 1);
            lua_pushvalue(L, -1);
            lua_pushboolean(L, 1);
            lua_rawset(L, set);
        }
    }
    key_ref *keys = lua_newuserdatauv(L, (n ? n : 1) * sizeof *keys, 0);
    size_t k = 0;
    lua_pushnil(L);
    while (lua_next(L, set)) {
        lua_pop(L, 1);
        keys[k].p = lua_tolstring(L, -1, &keys[k].len); /* anchored in set */
        k++;
    }
    qsort(keys, n, sizeof *keys, cli_test_key_cmp);
    lua_createtable(L, (int)n, 0);
    for (k = 0; k < n; k++) {
        lua_pushlstring(L, keys[k].p, keys[k].len);
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    lua_replace(L, set);
    lua_settop(L, set);
}

/* Pushes t[key], t at idx and the key at kidx: raw, so a key holding a
 * NUL is looked up whole. */
static int get_key(lua_State *L, int idx, int kidx) {
    kidx = lua_absindex(L, kidx);
    lua_pushvalue(L, kidx);
    return lua_rawget(L, idx);
}

/* The state (or any JSON value) at a (expected) against b (actual), path
 * naming where they are: "state", "state.items[2].id". */
static void diff_value(differ *d, const char *path, int a, int b) {
    lua_State *L = d->L;
    a = lua_absindex(L, a);
    b = lua_absindex(L, b);
    luaL_checkstack(L, 10, "the state is nested too deep");
    bool ta = lua_type(L, a) == LUA_TTABLE, tb = lua_type(L, b) == LUA_TTABLE;
    if (ta && tb && is_array(L, a) == is_array(L, b)) {
        if (is_array(L, a)) {
            lua_Integer na = (lua_Integer)lua_rawlen(L, a), nb = (lua_Integer)lua_rawlen(L, b);
            for (lua_Integer i = 1; i <= (na > nb ? na : nb); i++) {
                lua_rawgeti(L, a, i);
                lua_rawgeti(L, b, i);
                const char *sub = lua_pushfstring(L, "%s[%I]", path, i);
                diff_value(d, sub, -3, -2);
                lua_pop(L, 3);
            }
            return;
        }
        union_keys(L, a, b);
        for (lua_Integer i = 1; lua_rawgeti(L, -1, i) != LUA_TNIL; i++) {
            int key = lua_gettop(L);
            const char *shown = show_key(L, key);
            const char *sub = lua_pushfstring(L, shown[0] == '"' ? "%s[%s]" : "%s.%s", path, shown);
            get_key(L, a, key);
            get_key(L, b, key);
            diff_value(d, sub, -2, -1);
            lua_pop(L, 5);
        }
        lua_pop(L, 2);
        return;
    }
    if (same(L, a, b)) return;
    const char *want = cli_test_show(L, a);
    const char *got = cli_test_show(L, b);
    report(d, "%s: expected %s, got %s", path, want, got);
    lua_pop(L, 2);
}

/* Pushes the text naming row's key, e.g. `id="x", day="2024-01-01"`; rows
 * are matched by it. A number with an integer value is shown as that
 * integer, so 1 and 1.0 name the same row, as numbers compare by value. */
static const char *key_text(lua_State *L, int row, int keycols) {
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (lua_Integer k = 1; lua_rawgeti(L, keycols, k) != LUA_TNIL; k++) {
        get_key(L, row, -1);
        int whole = 0;
        lua_Integer i = lua_tointegerx(L, -1, &whole);
        if (whole && lua_type(L, -1) == LUA_TNUMBER && !lua_isinteger(L, -1)) {
            lua_pop(L, 1);
            lua_pushinteger(L, i);
        }
        show_key(L, -2);
        cli_test_show(L, -2);
        lua_pushfstring(L, "%s%s=%s", k > 1 ? ", " : "", lua_tostring(L, -2), lua_tostring(L, -1));
        lua_replace(L, -5); /* keep the line, drop the rest */
        lua_pop(L, 3);
        luaL_addvalue(&b);
    }
    lua_pop(L, 1);
    luaL_pushresult(&b);
    return lua_tostring(L, -1);
}

/* The rows of one table in both documents (arrays at e and a). */
static void diff_rows(differ *d, const char *shown, int e, int a, int keycols) {
    lua_State *L = d->L;
    int base = lua_gettop(L);
    lua_newtable(L); /* base+1: key text -> expected row index (false: matched) */
    int map = base + 1;
    for (lua_Integer i = 1; lua_rawgeti(L, e, i) != LUA_TNIL; i++) {
        if (lua_type(L, -1) != LUA_TTABLE) {
            report(d, "%s: row %d of the expected file is not an object", shown, (int)i);
            lua_pop(L, 1);
            continue;
        }
        const char *kt = key_text(L, lua_gettop(L), keycols);
        if (lua_getfield(L, map, kt) != LUA_TNIL)
            report(d, "%s %s: the expected file has this row twice", shown, kt);
        lua_pop(L, 1);
        lua_pushinteger(L, i);
        lua_setfield(L, map, kt);
        lua_pop(L, 2);
    }
    lua_pop(L, 1);
    for (lua_Integer i = 1; lua_rawgeti(L, a, i) != LUA_TNIL; i++) {
        int row = lua_gettop(L);
        const char *kt = key_text(L, row, keycols);
        if (lua_getfield(L, map, kt) != LUA_TNUMBER) {
            report(d, "%s %s: extra row %s", shown, kt, cli_test_show(L, row));
            lua_settop(L, row - 1);
            continue;
        }
        lua_rawget(L, e); /* the expected row */
        int exp = lua_gettop(L);
        lua_pushboolean(L, 0);
        lua_setfield(L, map, kt);
        union_keys(L, exp, row);
        for (lua_Integer c = 1; lua_rawgeti(L, -1, c) != LUA_TNIL; c++) {
            get_key(L, exp, exp + 2); /* exp+3 */
            get_key(L, row, exp + 2); /* exp+4 */
            if (!same(L, exp + 3, exp + 4)) {
                const char *name = show_key(L, exp + 2);
                const char *want = cli_test_show(L, exp + 3);
                const char *got = cli_test_show(L, exp + 4);
                report(d, "%s %s: column %s: expected %s, got %s", shown, kt, name, want, got);
            }
            lua_settop(L, exp + 1);
        }
        lua_settop(L, row - 1);
    }
    lua_pop(L, 1);
    for (lua_Integer i = 1; lua_rawgeti(L, e, i) != LUA_TNIL; i++) {
        int row = lua_gettop(L);
        if (lua_type(L, row) == LUA_TTABLE) {
            const char *kt = key_text(L, row, keycols);
            lua_getfield(L, map, kt);
            if (lua_isinteger(L, -1) && lua_tointeger(L, -1) == i)
                report(d, "%s %s: missing row, expected %s", shown, kt, cli_test_show(L, row));
        }
        lua_settop(L, row - 1);
    }
    lua_settop(L, base);
}

static void diff_tables(differ *d, int e, int a, int keys) {
    lua_State *L = d->L;
    e = lua_absindex(L, e);
    a = lua_absindex(L, a);
    union_keys(L, e, a);
    for (lua_Integer i = 1; lua_rawgeti(L, -1, i) != LUA_TNIL; i++) {
        int top = lua_gettop(L);
        const char *shown = show_key(L, top);
        int te = get_key(L, e, top);
        int ta = get_key(L, a, top);
        long long ne = (long long)lua_rawlen(L, top + 2), na = (long long)lua_rawlen(L, top + 3);
        if (te == LUA_TNIL)
            report(d, "table %s: not expected, got %lld %s", shown, na, na == 1 ? "row" : "rows");
        else if (!rows_array(L, top + 2))
            report(d, "table %s: the expected file must give an array of rows", shown);
        else if (ta == LUA_TNIL)
            report(d, "table %s: expected %lld %s, the warehouse has no such table", shown, ne,
                   ne == 1 ? "row" : "rows");
        else {
            get_key(L, keys, top);
            diff_rows(d, shown, top + 2, top + 3, top + 4);
        }
        lua_settop(L, top - 1);
    }
    lua_pop(L, 2);
}

long long cli_test_diff(lua_State *L, int expected, int actual, int keys, FILE *out, long long max) {
    differ d = {L, out, 0, max};
    expected = lua_absindex(L, expected);
    actual = lua_absindex(L, actual);
    keys = lua_absindex(L, keys);
    lua_getfield(L, expected, "tables");
    lua_getfield(L, actual, "tables");
    diff_tables(&d, -2, -1, keys);
    lua_pop(L, 2);
    lua_getfield(L, expected, "state");
    lua_getfield(L, actual, "state");
    diff_value(&d, "state", -2, -1);
    lua_pop(L, 2);
    lua_getfield(L, expected, "summary");
    lua_getfield(L, actual, "summary");
    int s1 = lua_gettop(L) - 1, s2 = s1 + 1;
    union_keys(L, s1, s2);
    for (lua_Integer i = 1; lua_rawgeti(L, s2 + 1, i) != LUA_TNIL; i++) {
        int k = lua_gettop(L);
        get_key(L, s1, k);
        get_key(L, s2, k);
        if (!same(L, k + 1, k + 2)) {
            const char *name = show_key(L, k);
            const char *want = cli_test_show(L, k + 1);
            const char *got = cli_test_show(L, k + 2);
            report(&d, "summary %s: expected %s, got %s", name, want, got);
        }
        lua_settop(L, k - 1);
    }
    lua_settop(L, s1 - 1);
    return d.n;
}

void cli_test_check(lua_State *L, int idx, const char *path) {
    idx = lua_absindex(L, idx);
    /* "state" may be any JSON value: whatever op.checkpoint accepted. */
    static const char *const parts[] = {"summary", "tables"};
    if (lua_type(L, idx) != LUA_TTABLE || is_array(L, idx))
        luaL_error(L, "%s: not an expected file: it must be a JSON object with \"summary\", "
                      "\"state\" and \"tables\"",
                   path);
    if (lua_getfield(L, idx, "state") == LUA_TNIL)
        luaL_error(L, "%s: \"state\" is missing (see connector-lua test --help)", path);
    lua_pop(L, 1);
    for (size_t i = 0; i < 2; i++) {
        if (lua_getfield(L, idx, parts[i]) != LUA_TTABLE || is_array(L, -1))
            luaL_error(L, "%s: \"%s\" must be a JSON object (see connector-lua test --help)",
                       path, parts[i]);
        lua_pop(L, 1);
    }
}
