/* json_decode: JSON text -> Lua values (see json_codec.h).
 *
 * The decoder pushes as it parses; a Lua push can raise only a memory
 * error, and no C memory is held when one can. */
#include "json_codec.h"
#include "json_internal.h"

#include <lauxlib.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- decoder --------------------------------------------------------- */

typedef struct dec {
    lua_State *L;
    const char *start;
    const char *p;
    const char *end;
    char *err;
    size_t errlen;
    int depth;
    int arrays; /* stack index of the set of tables marked as arrays */
} dec;

/* Sets err to "line L, column C: ..." for the byte at `at` and returns -1. */
static NOINLINE PRINTF(3, 4) int dec_fail(dec *D, const char *at, const char *fmt, ...) {
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
static NOINLINE int dec_number(dec *D) {
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
    char point = json_locale_point(), *dot = point != '.' ? strchr(copy, '.') : NULL;
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
    lua_pushvalue(D->L, -1);
    lua_pushboolean(D->L, 1);
    lua_rawset(D->L, D->arrays);
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

static NOINLINE int dec_no_value(dec *D) {
    char tmp[16];
    return dec_fail(D, D->p, "expected a value, found %s",
                    show_byte(tmp, sizeof tmp, (unsigned char)*D->p));
}

static int dec_value(dec *D) {
    lua_State *L = D->L;
    dec_skip_ws(D);
    if (D->p == D->end) return dec_fail(D, D->p, "unexpected end of input");
    /* A container holds its table, a key and a value; a luaL_Buffer a few more. */
    if (!lua_checkstack(L, 8)) return dec_fail(D, D->p, "out of memory (Lua stack)");
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
        return dec_no_value(D);
    }
}

/* Nothing is pushed on failure: the stack goes back to its top on entry
 * (which also closes a half-built luaL_Buffer). */
void json_push_arrays(lua_State *L) {
    if (lua_getfield(L, LUA_REGISTRYINDEX, "clua.json_arrays") == LUA_TTABLE) return;
    lua_pop(L, 1);
    lua_newtable(L);
    lua_newtable(L);
    lua_pushliteral(L, "k"); /* weak keys: a mark never keeps a table alive */
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, "clua.json_arrays");
}

void json_mark_array(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    json_push_arrays(L);
    lua_pushvalue(L, idx);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
    lua_pop(L, 1);
}

int json_decode(lua_State *L, const char *text, size_t len, char *err, size_t errlen) {
    if (!text) text = "";
    int top = lua_gettop(L);
    json_push_arrays(L);
    dec D = {L, text, text, text + len, err, errlen, 0, lua_gettop(L)};
    dec_skip_ws(&D);
    if (D.p == D.end) {
        dec_fail(&D, text, "empty input");
        goto fail;
    }
    if (dec_value(&D) != 0) goto fail;
    dec_skip_ws(&D);
    if (D.p != D.end) {
        dec_fail(&D, D.p, "unexpected text after the value");
        goto fail;
    }
    lua_remove(L, D.arrays);
    return 0;
fail:
    lua_settop(L, top);
    return -1;
}
