/* json_codec: our own JSON encoder and decoder over the Lua stack.
 *
 * The encoder only reads (raw access, no metamethods, no allocation by
 * Lua), so it can run outside a protected call and never raises. The
 * decoder pushes as it parses; a Lua push can raise only a memory error,
 * and no C memory is held when one can. */
#include "json_codec.h"

#include <lauxlib.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char json_null_sentinel = 0;

#define PATH_SHOWN 80 /* an error path longer than this is cut with "..." */
#define KEY_SHOWN 32  /* bytes of one key shown in an error message */

/* The locale's decimal point when it is one character, else '.': printf
 * and strtod follow LC_NUMERIC, JSON always uses '.'. */
static char locale_point(void) {
    const char *dp = localeconv()->decimal_point;
    return dp && dp[0] && !dp[1] ? dp[0] : '.';
}

/* The shortest of %.15g, %.16g, %.17g that reads back as d (%.17g always
 * does), with '.' as the decimal point. buf holds at least 32 bytes. */
static void fmt_double(char *buf, size_t cap, double d) {
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, cap, "%.*g", prec, d);
        if (prec == 17 || strtod(buf, NULL) == d) break;
    }
    char point = locale_point();
    char *c = point != '.' ? strchr(buf, point) : NULL;
    if (c) *c = '.';
}

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

/* Sets err to "at <path>: msg" and returns -1. */
static int enc_fail(enc *E, const char *msg) {
    char text[PATH_SHOWN + 8];
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
    if (E->err && E->errlen) snprintf(E->err, E->errlen, "out of memory");
    return -1;
}

static int put(enc *E, const char *s, size_t n) {
    return strbuf_append(E->out, s, n) != 0 ? enc_oom(E) : 0;
}

static int enc_float(enc *E, double d) {
    if (!isfinite(d)) return enc_fail(E, "cannot encode NaN or infinity");
    char buf[40];
    fmt_double(buf, sizeof buf - 2, d);
    /* "1" would decode as an integer: keep the value a float. */
    if (!strpbrk(buf, ".eni")) strcat(buf, ".0");
    return put(E, buf, strlen(buf));
}

static int enc_string(enc *E, const char *s, size_t n) {
    strbuf *b = E->out;
    if (strbuf_reserve(b, n + 2) != 0 || put(E, "\"", 1) != 0) return enc_oom(E);
    size_t run = 0; /* start of the bytes not yet copied */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f) continue;
        char esc[8] = {'\\', 0};
        size_t k = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        default: k = (size_t)snprintf(esc, sizeof esc, "\\u%04x", c); break;
        }
        if (put(E, s + run, i - run) != 0 || put(E, esc, k) != 0) return -1;
        run = i + 1;
    }
    if (put(E, s + run, n - run) != 0) return -1;
    return put(E, "\"", 1);
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
static int enc_object(enc *E, int t) {
    lua_State *L = E->L;
    strbuf *keys = E->keys;
    size_t base = keys->len;
    int top = lua_gettop(L);
    lua_pushnil(L);
    for (;;) {
        if (!lua_checkstack(L, 2)) return enc_fail(E, "table too large for the Lua stack");
        if (!lua_next(L, t)) break;
        lua_insert(L, -2); /* keep the value, leave the key on top for lua_next */
        enc_key k;
        k.s = lua_tolstring(L, -1, &k.len); /* a string already: no conversion */
        k.idx = lua_gettop(L) - 1;
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
        if (enc_value(E, k.idx) != 0) return -1;
        E->npath--;
    }
    keys->len = base;
    keys->p[base] = '\0';
    lua_settop(L, top);
    return put(E, "}", 1);
}

/* A table is an array when its keys are exactly 1..n, an object when they
 * are all strings; an empty table is {}. Anything else is refused with a
 * key named: a bad key type as found, the smallest string key of a mixed
 * table, the lowest missing index of a sparse one. */
static int enc_table(enc *E, int t) {
    lua_State *L = E->L;
    char msg[160];
    msgbuf m = {msg, sizeof msg, 0};
    if (E->depth >= JSON_MAX_DEPTH) {
        snprintf(msg, sizeof msg, "nesting deeper than %d", JSON_MAX_DEPTH);
        return enc_fail(E, msg);
    }
    if (!lua_checkstack(L, 3)) return enc_fail(E, "Lua stack overflow");
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
            char num[40];
            if (kt == LUA_TNUMBER) {
                fmt_double(num, sizeof num, lua_tonumber(L, -2));
                snprintf(msg, sizeof msg, "table has a float key %s", num);
            } else if (kt == LUA_TBOOLEAN) {
                snprintf(msg, sizeof msg, "table has a boolean key %s",
                         lua_toboolean(L, -2) ? "true" : "false");
            } else {
                snprintf(msg, sizeof msg, "table has a %s key", lua_typename(L, kt));
            }
            lua_pop(L, 2);
            return enc_fail(E, msg);
        }
        lua_pop(L, 1);
    }

    int rc;
    if (nint > 0 && nstr > 0) {
        mb_puts(&m, "table has both a sequence part and key ");
        mb_quote(&m, first, firstlen);
        rc = enc_fail(E, msg);
    } else if (nint > 0 && minint < 1) {
        snprintf(msg, sizeof msg, "table is not a sequence: key %lld is below 1",
                 (long long)minint);
        rc = enc_fail(E, msg);
    } else if (nint > 0 && maxint != nint) {
        lua_Integer i = 1;
        for (;; i++) {
            bool missing = lua_rawgeti(L, t, i) == LUA_TNIL;
            lua_pop(L, 1);
            if (missing) break;
        }
        snprintf(msg, sizeof msg, "table is not a sequence: key %lld but no key %lld",
                 (long long)maxint, (long long)i);
        rc = enc_fail(E, msg);
    } else if (nint > 0) {
        rc = enc_array(E, t, nint);
    } else if (nstr > 0) {
        rc = enc_object(E, t);
    } else {
        rc = put(E, "{}", 2);
    }
    E->depth--;
    return rc;
}

static int enc_value(enc *E, int idx) {
    lua_State *L = E->L;
    int type = lua_type(L, idx);
    char buf[32];
    switch (type) {
    case LUA_TNIL:
        return put(E, "null", 4);
    case LUA_TBOOLEAN:
        return lua_toboolean(L, idx) ? put(E, "true", 4) : put(E, "false", 5);
    case LUA_TNUMBER:
        if (!lua_isinteger(L, idx)) return enc_float(E, lua_tonumber(L, idx));
        snprintf(buf, sizeof buf, "%lld", (long long)lua_tointeger(L, idx));
        return put(E, buf, strlen(buf));
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
    default: {
        char msg[64];
        snprintf(msg, sizeof msg, "cannot encode a %s", lua_typename(L, type));
        return enc_fail(E, msg);
    }
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
    int top = lua_gettop(L);
    idx = lua_absindex(L, idx);
    strbuf_clear(keys);
    int rc = enc_value(&E, idx);
    strbuf_clear(keys);
    lua_settop(L, top); /* a failure deep down leaves values behind */
    return rc;
}

/* ---- decoder --------------------------------------------------------- */

typedef struct dec {
    lua_State *L;
    const char *start;
    const char *p;
    const char *end;
    char *err;
    size_t errlen;
    int depth;
} dec;

#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

/* Sets err to "line L, column C: ..." for the byte at `at` and returns -1. */
static int dec_fail(dec *D, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int dec_fail(dec *D, const char *at, const char *fmt, ...) {
    if (!D->err || !D->errlen) return -1;
    size_t line = 1;
    const char *bol = D->start;
    for (const char *q = D->start; q < at; q++) {
        if (*q == '\n') {
            line++;
            bol = q + 1;
        }
    }
    int n = snprintf(D->err, D->errlen, "line %zu, column %zu: ", line, (size_t)(at - bol) + 1);
    if (n >= 0 && (size_t)n < D->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(D->err + n, D->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Fails at the current position with "msg", or with "unexpected end of
 * input" when the text ran out. */
static int dec_expected(dec *D, const char *msg) {
    if (D->p == D->end) return dec_fail(D, D->p, "unexpected end of input");
    return dec_fail(D, D->p, "%s", msg);
}

/* "'x'" for a printable character, "byte 0x01" for anything else. */
static const char *show_byte(char *buf, size_t cap, unsigned char c) {
    if (c > 0x20 && c < 0x7f)
        snprintf(buf, cap, "'%c'", c);
    else
        snprintf(buf, cap, "byte 0x%02x", c);
    return buf;
}

static void dec_skip_ws(dec *D) {
    while (D->p < D->end && (*D->p == ' ' || *D->p == '\t' || *D->p == '\n' || *D->p == '\r'))
        D->p++;
}

static int hex4(const char *p, const char *end, unsigned *out) {
    if (end - p < 4) return -1;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    *out = v;
    return 0;
}

/* Decodes the \u escape at p (the backslash), one or two of them for a
 * surrogate pair, into UTF-8 in utf8[]. Returns the bytes written, or -1
 * with the error set; *next is set past the escape. */
static int dec_unicode(dec *D, const char *p, const char **next, char *utf8) {
    unsigned cp, lo;
    if (hex4(p + 2, D->end, &cp) != 0)
        return dec_fail(D, p, "invalid \\u escape: expected 4 hex digits");
    *next = p + 6;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return dec_fail(D, p, "lone surrogate \\u%.4s", p + 2);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (D->end - p < 12 || p[6] != '\\' || p[7] != 'u' || hex4(p + 8, D->end, &lo) != 0 ||
            lo < 0xDC00 || lo > 0xDFFF)
            return dec_fail(D, p, "lone surrogate \\u%.4s", p + 2);
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        *next = p + 12;
    }
    if (cp < 0x80) {
        utf8[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        utf8[0] = (char)(0xC0 | (cp >> 6));
        utf8[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        utf8[0] = (char)(0xE0 | (cp >> 12));
        utf8[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        utf8[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    utf8[0] = (char)(0xF0 | (cp >> 18));
    utf8[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    utf8[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    utf8[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* The first '"', '\\' or control byte at or after p, or end. */
static const char *string_stop(const char *p, const char *end) {
    while (p < end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20) p++;
    return p;
}

/* D->p is at the opening quote. Bytes >= 0x80 are taken as they are (the
 * encoder passes them through, so any Lua string round-trips). A string
 * without escapes is pushed in one piece; otherwise it is built in a
 * luaL_Buffer, which lives on the Lua stack, so a failure part-way leaves
 * nothing that lua_settop cannot clean up. Not inlined: the buffer is big
 * and must not sit in every frame of the recursion. */
static NOINLINE int dec_string(dec *D) {
    lua_State *L = D->L;
    const char *open = D->p, *p = open + 1, *q = string_stop(p, D->end);
    if (q < D->end && *q == '"') {
        lua_pushlstring(L, p, (size_t)(q - p));
        D->p = q + 1;
        return 0;
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (;;) {
        luaL_addlstring(&b, p, (size_t)(q - p));
        if (q == D->end) return dec_fail(D, open, "unterminated string");
        if (*q == '"') break;
        unsigned char c = (unsigned char)*q;
        if (c < 0x20)
            return dec_fail(D, q, "unescaped control character 0x%02x in a string", c);
        if (D->end - q < 2) return dec_fail(D, open, "unterminated string");
        p = q + 2;
        switch (q[1]) {
        case '"': luaL_addchar(&b, '"'); break;
        case '\\': luaL_addchar(&b, '\\'); break;
        case '/': luaL_addchar(&b, '/'); break;
        case 'b': luaL_addchar(&b, '\b'); break;
        case 'f': luaL_addchar(&b, '\f'); break;
        case 'n': luaL_addchar(&b, '\n'); break;
        case 'r': luaL_addchar(&b, '\r'); break;
        case 't': luaL_addchar(&b, '\t'); break;
        case 'u': {
            char utf8[4];
            int n = dec_unicode(D, q, &p, utf8);
            if (n < 0) return -1;
            luaL_addlstring(&b, utf8, (size_t)n);
            break;
        }
        default:
            if (q[1] > 0x20 && q[1] < 0x7f) return dec_fail(D, q, "invalid escape '\\%c'", q[1]);
            return dec_fail(D, q, "invalid escape: '\\' followed by byte 0x%02x",
                            (unsigned char)q[1]);
        }
        q = string_stop(p, D->end);
    }
    luaL_pushresult(&b);
    D->p = q + 1;
    return 0;
}

static bool is_digit(const dec *D, const char *p) { return p < D->end && *p >= '0' && *p <= '9'; }

/* JSON number grammar. An integer literal that fits int64 becomes a Lua
 * integer, exactly; any other number a float through strtod. */
static int dec_number(dec *D) {
    const char *s = D->p, *p = s;
    bool neg = *p == '-', isfloat = false;
    if (neg) p++;
    if (!is_digit(D, p)) return dec_fail(D, p, "expected a digit after '-'");
    if (*p == '0') {
        p++;
        if (is_digit(D, p)) return dec_fail(D, s, "number with a leading zero");
    } else {
        while (is_digit(D, p)) p++;
    }
    if (p < D->end && *p == '.') {
        p++;
        isfloat = true;
        if (!is_digit(D, p)) return dec_fail(D, p, "expected a digit after '.'");
        while (is_digit(D, p)) p++;
    }
    if (p < D->end && (*p == 'e' || *p == 'E')) {
        p++;
        isfloat = true;
        if (p < D->end && (*p == '+' || *p == '-')) p++;
        if (!is_digit(D, p)) return dec_fail(D, p, "expected a digit in the exponent");
        while (is_digit(D, p)) p++;
    }
    D->p = p;

    if (!isfloat) {
        unsigned long long limit = (unsigned long long)LUA_MAXINTEGER + (neg ? 1u : 0u), m = 0;
        const char *d = s + neg;
        for (; d < p; d++) {
            unsigned digit = (unsigned)(*d - '0');
            if (m > (limit - digit) / 10) break; /* too large: a float */
            m = m * 10 + digit;
        }
        if (d == p) {
            lua_Integer v;
            if (!neg) v = (lua_Integer)m;
            else if (m == (unsigned long long)LUA_MAXINTEGER + 1) v = LUA_MININTEGER;
            else v = -(lua_Integer)m;
            lua_pushinteger(D->L, v);
            return 0;
        }
    }

    /* strtod wants a NUL-terminated copy in the locale's notation. The
     * copy of a long number is freed before anything is pushed. */
    size_t n = (size_t)(p - s);
    char small[64], *copy = n < sizeof small ? small : malloc(n + 1);
    if (!copy) return dec_fail(D, s, "out of memory");
    memcpy(copy, s, n);
    copy[n] = '\0';
    char point = locale_point(), *dot = point != '.' ? strchr(copy, '.') : NULL;
    if (dot) *dot = point;
    char *stop;
    double v = strtod(copy, &stop);
    bool whole = stop == copy + n;
    if (copy != small) free(copy);
    if (!whole) return dec_fail(D, s, "invalid number");
    if (isinf(v)) return dec_fail(D, s, "number out of range");
    lua_pushnumber(D->L, v);
    return 0;
}

static int dec_literal(dec *D, const char *word) {
    size_t n = strlen(word);
    if ((size_t)(D->end - D->p) < n || memcmp(D->p, word, n) != 0)
        return dec_fail(D, D->p, "invalid literal, expected %s", word);
    D->p += n;
    return 0;
}

static int dec_value(dec *D);

static int dec_enter(dec *D) {
    if (D->depth >= JSON_MAX_DEPTH)
        return dec_fail(D, D->p, "nesting deeper than %d", JSON_MAX_DEPTH);
    D->depth++;
    D->p++;
    lua_newtable(D->L);
    dec_skip_ws(D);
    return 0;
}

static int dec_object(dec *D) {
    if (dec_enter(D) != 0) return -1;
    if (D->p < D->end && *D->p == '}') {
        D->p++;
        D->depth--;
        return 0;
    }
    for (bool first = true;; first = false) {
        dec_skip_ws(D);
        if (D->p == D->end || *D->p != '"') {
            if (first) return dec_expected(D, "expected a string key or '}'");
            if (D->p < D->end && *D->p == '}') return dec_fail(D, D->p, "trailing comma before '}'");
            return dec_expected(D, "expected a string key");
        }
        if (dec_string(D) != 0) return -1;
        dec_skip_ws(D);
        if (D->p == D->end || *D->p != ':') return dec_expected(D, "expected ':' after an object key");
        D->p++;
        if (dec_value(D) != 0) return -1;
        lua_rawset(D->L, -3); /* a duplicate key: the last one wins */
        dec_skip_ws(D);
        if (D->p < D->end && *D->p == ',') {
            D->p++;
            continue;
        }
        if (D->p < D->end && *D->p == '}') break;
        return dec_expected(D, "expected ',' or '}' after an object member");
    }
    D->p++;
    D->depth--;
    return 0;
}

static int dec_array(dec *D) {
    if (dec_enter(D) != 0) return -1;
    if (D->p < D->end && *D->p == ']') {
        D->p++;
        D->depth--;
        return 0;
    }
    for (lua_Integer i = 1;; i++) {
        dec_skip_ws(D);
        if (i > 1 && D->p < D->end && *D->p == ']') return dec_fail(D, D->p, "trailing comma before ']'");
        if (dec_value(D) != 0) return -1;
        lua_rawseti(D->L, -2, i);
        dec_skip_ws(D);
        if (D->p < D->end && *D->p == ',') {
            D->p++;
            continue;
        }
        if (D->p < D->end && *D->p == ']') break;
        return dec_expected(D, "expected ',' or ']' after an array element");
    }
    D->p++;
    D->depth--;
    return 0;
}

static int dec_value(dec *D) {
    lua_State *L = D->L;
    dec_skip_ws(D);
    if (D->p == D->end) return dec_fail(D, D->p, "unexpected end of input");
    /* A container holds its table, a key and a value; a luaL_Buffer a few more. */
    if (!lua_checkstack(L, 8)) return dec_fail(D, D->p, "out of memory (Lua stack)");
    char tmp[16];
    switch (*D->p) {
    case '{': return dec_object(D);
    case '[': return dec_array(D);
    case '"': return dec_string(D);
    case 't':
        if (dec_literal(D, "true") != 0) return -1;
        lua_pushboolean(L, 1);
        return 0;
    case 'f':
        if (dec_literal(D, "false") != 0) return -1;
        lua_pushboolean(L, 0);
        return 0;
    case 'n':
        if (dec_literal(D, "null") != 0) return -1;
        lua_pushlightuserdata(L, JSON_NULL);
        return 0;
    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
        return dec_number(D);
    default:
        return dec_fail(D, D->p, "expected a value, found %s",
                        show_byte(tmp, sizeof tmp, (unsigned char)*D->p));
    }
}

/* Nothing is pushed on failure: the stack goes back to its top on entry
 * (which also closes a half-built luaL_Buffer). */
int json_decode(lua_State *L, const char *text, size_t len, char *err, size_t errlen) {
    if (!text) text = "";
    dec D = {L, text, text, text + len, err, errlen, 0};
    int top = lua_gettop(L);
    dec_skip_ws(&D);
    if (D.p == D.end) return dec_fail(&D, text, "empty input");
    if (dec_value(&D) != 0) goto fail;
    dec_skip_ws(&D);
    if (D.p != D.end) {
        dec_fail(&D, D.p, "unexpected text after the value");
        goto fail;
    }
    return 0;
fail:
    lua_settop(L, top);
    return -1;
}
