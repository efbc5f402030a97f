/* json_encode: Lua values -> JSON text (see json_codec.h): this file walks
 * the Lua tables, json_write (json_core.h) writes the strings and numbers.
 *
 * The encoder reads with raw access and calls no metamethods, but it can
 * raise Lua's memory errors: an object of more than 4096 members keeps its
 * values in a table it makes (lua_createtable, lua_rawseti in enc_object),
 * and the set of arrays is made on first use. Run it in a protected call. */
#include "json_codec.h"
#include "json_core.h"
#include "json_internal.h"

#include <lauxlib.h>
#include <locale.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char json_null_sentinel = 0;

#define PATH_SHOWN 80 /* an error path longer than this is cut with "..." */
#define KEY_SHOWN 32  /* bytes of one key shown in an error message */

/* ---- error text ------------------------------------------------------ */

/* A fixed-size text buffer that keeps what fits, for error messages. */
typedef struct msgbuf {
    char *p;
    size_t cap;
    size_t len;
} msgbuf;

static void mb_put(msgbuf *m, const char *s, size_t n) {
    if (m->cap == 0) return;
    size_t room = m->cap - 1 - m->len;
    if (n > room) n = room;
    memcpy(m->p + m->len, s, n);
    m->len += n;
    m->p[m->len] = '\0';
}

static void mb_puts(msgbuf *m, const char *s) { mb_put(m, s, strlen(s)); }

/* s as a double-quoted string with JSON escapes, cut after KEY_SHOWN bytes. */
static void mb_quote(msgbuf *m, const char *s, size_t n) {
    mb_put(m, "\"", 1);
    for (size_t i = 0; i < n && i < KEY_SHOWN; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            mb_put(m, esc, 2);
        } else if (c < 0x20 || c == 0x7f) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            mb_put(m, esc, 6);
        } else {
            mb_put(m, (const char *)&s[i], 1);
        }
    }
    if (n > KEY_SHOWN) mb_put(m, "...", 3);
    mb_put(m, "\"", 1);
}

/* ---- encoder --------------------------------------------------------- */

/* One step of the path to the value being encoded: a key, or (key NULL)
 * an array index. Indexes are 1-based, as the script wrote them, so the
 * path names the element the script knows as items[3]. */
typedef struct enc_seg {
    const char *key;
    size_t len;
    lua_Integer index;
} enc_seg;

/* An object member waiting to be sorted: its key and the stack slot that
 * holds its value. The key stays valid: the table, on the stack, keeps it. */
typedef struct enc_key {
    const char *s;
    size_t len;
    int idx;
} enc_key;

typedef struct enc {
    lua_State *L;
    strbuf *out;
    strbuf *keys;
    char *err;
    size_t errlen;
    int depth;
    int npath;
    int arrays; /* stack index of the set of tables marked as arrays */
    bool nomem; /* the failure was for want of memory: JSON_NOMEM */
    enc_seg path[JSON_MAX_DEPTH + 1];
} enc;

static bool is_ident(const char *s, size_t n) {
    if (n == 0 || n > KEY_SHOWN) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
    }
    return true;
}

/* Sets err to "at <path>: <message>" and returns -1. */
static NOINLINE PRINTF(2, 3) int enc_fail(enc *E, const char *fmt, ...) {
    char msg[200], text[PATH_SHOWN + 8];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    msgbuf path = {text, sizeof text, 0};
    mb_puts(&path, "$");
    for (int i = 0; i < E->npath; i++) {
        const enc_seg *g = &E->path[i];
        char segtext[KEY_SHOWN * 6 + 16];
        msgbuf seg = {segtext, sizeof segtext, 0};
        if (!g->key) {
            char num[32];
            snprintf(num, sizeof num, "[%lld]", (long long)g->index);
            mb_puts(&seg, num);
        } else if (is_ident(g->key, g->len)) {
            mb_puts(&seg, ".");
            mb_put(&seg, g->key, g->len);
        } else {
            mb_puts(&seg, "[");
            mb_quote(&seg, g->key, g->len);
            mb_puts(&seg, "]");
        }
        if (path.len + seg.len > PATH_SHOWN) {
            mb_puts(&path, "...");
            break;
        }
        mb_put(&path, segtext, seg.len);
    }
    if (E->err && E->errlen) snprintf(E->err, E->errlen, "at %s: %s", text, msg);
    return -1;
}

static int enc_oom(enc *E) {
    if (E->err && E->errlen) snprintf(E->err, E->errlen, "%s", json_out_of_memory);
    E->nomem = true;
    return -1;
}

static int put(enc *E, const char *s, size_t n) {
    return strbuf_append(E->out, s, n) != 0 ? enc_oom(E) : 0;
}

static NOINLINE int enc_float(enc *E, double d) {
    if (!isfinite(d)) return enc_fail(E, "cannot encode NaN or infinity");
    return json_write_number(E->out, d) != 0 ? enc_oom(E) : 0;
}

static int enc_string(enc *E, const char *s, size_t n) {
    return json_write_string(E->out, s, n) != 0 ? enc_oom(E) : 0;
}

static int enc_value(enc *E, int idx);

static int enc_array(enc *E, int t, lua_Integer n) {
    lua_State *L = E->L;
    if (put(E, "[", 1) != 0) return -1;
    for (lua_Integer i = 1; i <= n; i++) {
        if (i > 1 && put(E, ",", 1) != 0) return -1;
        lua_rawgeti(L, t, i);
        E->path[E->npath++] = (enc_seg){NULL, 0, i};
        if (enc_value(E, lua_gettop(L)) != 0) return -1;
        E->npath--;
        lua_pop(L, 1);
    }
    return put(E, "]", 1);
}

/* Byte order, then the shorter first. */
static int key_order(const char *a, size_t alen, const char *b, size_t blen) {
    int c = memcmp(a, b, alen < blen ? alen : blen);
    if (c != 0) return c;
    return alen < blen ? -1 : alen > blen;
}

static int enc_key_cmp(const void *a, const void *b) {
    const enc_key *x = a, *y = b;
    return key_order(x->s, x->len, y->s, y->len);
}

/* Every key of t is a string. The values are copied to the stack (no
 * allocation that could raise), the keys collected in E->keys after the
 * parent levels' segment, sorted, then written. A nested level may
 * realloc E->keys, so entries are read by offset each time. */
/* Members of an object whose values wait on the Lua stack while the keys
 * are sorted; a larger object keeps them in a table instead, since the
 * stack holds at most LUAI_MAXSTACK (1,000,000) values. */
#define OBJECT_ON_STACK 4096

static int enc_object(enc *E, int t, size_t members) {
    lua_State *L = E->L;
    strbuf *keys = E->keys;
    size_t base = keys->len;
    int top = lua_gettop(L);
    int spill = 0; /* stack index of the table holding the values, or 0 */
    if (members > OBJECT_ON_STACK) {
        lua_createtable(L, members > INT_MAX ? INT_MAX : (int)members, 0);
        spill = lua_gettop(L);
    }
    lua_pushnil(L);
    for (int i = 1;; i++) {
        if (!lua_checkstack(L, 2)) return enc_fail(E, "table too large for the Lua stack");
        if (!lua_next(L, t)) break;
        enc_key k;
        /* The key stays valid: the table, on the stack, keeps it. */
        k.s = lua_tolstring(L, -2, &k.len); /* a string already: no conversion */
        if (spill) {
            lua_rawseti(L, spill, i); /* the value, by its place */
            k.idx = i;
        } else {
            lua_insert(L, -2); /* keep the value, leave the key on top for lua_next */
            k.idx = lua_gettop(L) - 1;
        }
        if (strbuf_append(keys, (const char *)&k, sizeof k) != 0) return enc_oom(E);
    }
    size_t n = (keys->len - base) / sizeof(enc_key);
    qsort(keys->p + base, n, sizeof(enc_key), enc_key_cmp);
    if (put(E, "{", 1) != 0) return -1;
    for (size_t i = 0; i < n; i++) {
        enc_key k;
        memcpy(&k, keys->p + base + i * sizeof k, sizeof k);
        if ((i > 0 && put(E, ",", 1) != 0) || enc_string(E, k.s, k.len) != 0 ||
            put(E, ":", 1) != 0)
            return -1;
        E->path[E->npath++] = (enc_seg){k.s, k.len, 0};
        int at = k.idx;
        if (spill) {
            lua_rawgeti(L, spill, k.idx);
            at = lua_gettop(L);
        }
        if (enc_value(E, at) != 0) return -1;
        if (spill) lua_pop(L, 1);
        E->npath--;
    }
    keys->len = base;
    keys->p[base] = '\0';
    lua_settop(L, top);
    return put(E, "}", 1);
}

/* Fails naming the key at -2 that is neither a string nor an integer. */
static NOINLINE int enc_bad_key(enc *E) {
    lua_State *L = E->L;
    int kt = lua_type(L, -2);
    char num[40];
    if (kt == LUA_TNUMBER) {
        json_format_double(num, sizeof num, lua_tonumber(L, -2));
        return enc_fail(E, "table has a float key %s", num);
    }
    if (kt == LUA_TBOOLEAN)
        return enc_fail(E, "table has a boolean key %s", lua_toboolean(L, -2) ? "true" : "false");
    return enc_fail(E, "table has a %s key", lua_typename(L, kt));
}

static NOINLINE int enc_mixed(enc *E, const char *key, size_t len) {
    char text[KEY_SHOWN * 6 + 8];
    msgbuf m = {text, sizeof text, 0};
    mb_quote(&m, key, len);
    return enc_fail(E, "table has both a sequence part and key %s", text);
}

/* Fails naming the lowest index missing from the integer keys 1..max of t. */
static NOINLINE int enc_sparse(enc *E, int t, lua_Integer max) {
    lua_State *L = E->L;
    lua_Integer i = 1;
    for (;; i++) {
        bool missing = lua_rawgeti(L, t, i) == LUA_TNIL;
        lua_pop(L, 1);
        if (missing) break;
    }
    return enc_fail(E, "table is not a sequence: key %lld but no key %lld", (long long)max,
                    (long long)i);
}

/* True when the decoder or json.array marked table t as an array. */
static bool is_marked_array(enc *E, int t) {
    lua_pushvalue(E->L, t);
    bool marked = lua_rawget(E->L, E->arrays) != LUA_TNIL;
    lua_pop(E->L, 1);
    return marked;
}

/* A table is an array when its keys are exactly 1..n, an object when they
 * are all strings; an empty table is {} unless it is marked as an array. Anything else is refused with a
 * key named: a bad key type as found, the smallest string key of a mixed
 * table, the lowest missing index of a sparse one. */
static int enc_table(enc *E, int t) {
    lua_State *L = E->L;
    if (E->depth >= JSON_MAX_DEPTH) return enc_fail(E, "nesting deeper than %d", JSON_MAX_DEPTH);
    if (!lua_checkstack(L, 3)) {
        /* 3 slots a level, at most JSON_MAX_DEPTH levels: memory ran out. */
        E->nomem = true;
        return enc_fail(E, "Lua stack overflow (out of memory)");
    }
    E->depth++;

    lua_Integer nint = 0, minint = 0, maxint = 0;
    size_t nstr = 0, firstlen = 0;
    const char *first = NULL;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        int kt = lua_type(L, -2);
        if (kt == LUA_TSTRING) {
            size_t len;
            const char *s = lua_tolstring(L, -2, &len);
            if (!first || key_order(s, len, first, firstlen) < 0) {
                first = s;
                firstlen = len;
            }
            nstr++;
        } else if (kt == LUA_TNUMBER && lua_isinteger(L, -2)) {
            lua_Integer k = lua_tointeger(L, -2);
            if (nint == 0 || k < minint) minint = k;
            if (nint == 0 || k > maxint) maxint = k;
            nint++;
        } else {
            return enc_bad_key(E); /* json_encode pops the key and value */
        }
        lua_pop(L, 1);
    }

    int rc;
    if (nint > 0 && nstr > 0)
        rc = enc_mixed(E, first, firstlen);
    else if (nint > 0 && minint < 1)
        rc = enc_fail(E, "table is not a sequence: key %lld is below 1", (long long)minint);
    else if (nint > 0 && maxint != nint)
        rc = enc_sparse(E, t, maxint);
    else if (nint > 0)
        rc = enc_array(E, t, nint);
    else if (nstr > 0)
        rc = enc_object(E, t, nstr);
    else if (is_marked_array(E, t))
        rc = put(E, "[]", 2);
    else
        rc = put(E, "{}", 2);
    E->depth--;
    return rc;
}

static NOINLINE int enc_integer(enc *E, lua_Integer v) {
    return json_write_integer(E->out, (int64_t)v) != 0 ? enc_oom(E) : 0;
}

static int enc_value(enc *E, int idx) {
    lua_State *L = E->L;
    int type = lua_type(L, idx);
    switch (type) {
    case LUA_TNIL:
        return put(E, "null", 4);
    case LUA_TBOOLEAN:
        return lua_toboolean(L, idx) ? put(E, "true", 4) : put(E, "false", 5);
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) return enc_integer(E, lua_tointeger(L, idx));
        return enc_float(E, lua_tonumber(L, idx));
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        return enc_string(E, s, n);
    }
    case LUA_TTABLE:
        return enc_table(E, idx);
    case LUA_TLIGHTUSERDATA:
        if (lua_touserdata(L, idx) == JSON_NULL) return put(E, "null", 4);
        return enc_fail(E, "cannot encode a light userdata other than json.null");
    case LUA_TNONE:
        return enc_fail(E, "no value at the given index");
    default:
        return enc_fail(E, "cannot encode a %s", lua_typename(L, type));
    }
}

/* On failure out may hold part of the text: the caller truncates it to
 * the length it had before the call. keys is left empty either way. */
int json_encode(lua_State *L, int idx, strbuf *out, strbuf *keys, char *err, size_t errlen) {
    enc E;
    E.L = L;
    E.out = out;
    E.keys = keys;
    E.err = err;
    E.errlen = errlen;
    E.depth = 0;
    E.npath = 0;
    E.nomem = false;
    int top = lua_gettop(L);
    idx = lua_absindex(L, idx);
    json_push_arrays(L);
    E.arrays = lua_gettop(L);
    strbuf_clear(keys);
    int rc = enc_value(&E, idx);
    strbuf_clear(keys);
    lua_settop(L, top); /* a failure deep down leaves values behind */
    return rc != 0 && E.nomem ? JSON_NOMEM : rc;
}
