/* lib_http_args: a script's HTTP request read into an http_transfer, and
 * the options of the http module's calls checked (see lib_http_args.h).
 * Every value is checked, none clamped; a list or a table of names (query,
 * headers) is read in sorted order so that the same table always gives
 * the same request, byte for byte (a cassette matches it). */
#include "lib_http_args.h"

#include <ctype.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json_codec.h"
#include "log.h"
#include "raise.h"
#include "rt.h"
#include "util.h"

typedef struct key_ref {
    const char *s;
    size_t len;
} key_ref;

const char *const http_args_call_keys[] = {"method",  "url",     "query", "headers",
                                        "body",    "json",    "timeout", "retries",
                                        "backoff", "raise",   "verify", "max_response_bytes",
                                        NULL};
const char *const http_args_configure_keys[] = {"retries", "backoff",    "max_delay", "timeout",
                                             "verify",  "rate_limit", "max_response_bytes",
                                             NULL};

void http_args_check_keys(lua_State *L, int idx, const char *fname, const char *const *keys,
                          int first) {
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        bool known = false;
        if (lua_type(L, -1) == LUA_TSTRING)
            for (int i = first; keys[i] && !known; i++) known = !strcmp(lua_tostring(L, -1), keys[i]);
        if (!known) {
            luaL_Buffer b;
            const char *key = luaL_tolstring(L, -1, NULL);
            luaL_buffinit(L, &b);
            for (int i = first; keys[i]; i++) {
                luaL_addstring(&b, i > first ? ", " : "");
                luaL_addstring(&b, keys[i]);
            }
            luaL_pushresult(&b);
            raise_error(L, "%s: unknown option \"%s\" (options: %s)", fname, key, lua_tostring(L, -1));
        }
    }
}

int http_args_field(lua_State *L, int idx, const char *name) {
    if (idx == 0) {
        lua_pushnil(L);
        return LUA_TNIL;
    }
    return lua_getfield(L, idx, name);
}

/* A number of seconds in [0, HTTP_MAX_SECONDS] ((0, ...] when min_open):
 * anything else is refused with the range, never clamped. */
static double number_opt(lua_State *L, int idx, const char *fname, const char *name, double dflt,
                         bool min_open) {
    double v = dflt;
    if (http_args_field(L, idx, name) != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TNUMBER)
            raise_error(L, "%s: %s must be a number of seconds, got %s", fname, name,
                       luaL_typename(L, -1));
        v = lua_tonumber(L, -1);
        bool low = !(v > 0 || (!min_open && v == 0)); /* NaN too */
        if (low || !(v <= HTTP_MAX_SECONDS))
            raise_error(L, "%s: %s must be a number %s %d, got %f (seconds: %s 0, at most %d)",
                       fname, name, low ? (min_open ? ">" : ">=") : "<=",
                       low ? 0 : (int)HTTP_MAX_SECONDS, (lua_Number)v,
                       min_open ? "more than" : "from", (int)HTTP_MAX_SECONDS);
    }
    lua_pop(L, 1);
    return v;
}

void http_args_settings(lua_State *L, int idx, const char *fname, http_settings *set,
                        bool configure) {
    if (http_args_field(L, idx, "retries") != LUA_TNIL) {
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 0 || lua_tointeger(L, -1) > 100)
            raise_error(L, "%s: retries must be an integer from 0 to 100, got %s", fname,
                       luaL_tolstring(L, -1, NULL));
        set->retries = (int)lua_tointeger(L, -1);
    }
    lua_pop(L, 1);
    set->backoff = number_opt(L, idx, fname, "backoff", set->backoff, false);
    set->timeout = number_opt(L, idx, fname, "timeout", set->timeout, true);
    if (http_args_field(L, idx, "verify") != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TBOOLEAN)
            raise_error(L, "%s: verify must be a boolean, got %s", fname, luaL_typename(L, -1));
        set->verify = lua_toboolean(L, -1);
    }
    lua_pop(L, 1);
    if (http_args_field(L, idx, "max_response_bytes") != LUA_TNIL) {
        /* 2^20 is a float in Lua: a float with an integer value is taken. */
        int exact = 0;
        lua_Integer n = lua_type(L, -1) == LUA_TNUMBER ? lua_tointegerx(L, -1, &exact) : 0;
        if (!exact || n < 1 || (lua_Unsigned)n > HTTP_MAX_MAX_RESPONSE)
            raise_error(L,
                       "%s: max_response_bytes must be an integer number of bytes from 1 to "
                       "%I (1 TiB), got %s",
                       fname, (lua_Integer)HTTP_MAX_MAX_RESPONSE,
                       lua_type(L, -1) == LUA_TNUMBER ? luaL_tolstring(L, -1, NULL)
                                                      : luaL_typename(L, -1));
        set->max_response_bytes = (size_t)n;
    }
    lua_pop(L, 1);
    if (!configure) return;
    set->max_delay = number_opt(L, idx, fname, "max_delay", set->max_delay, false);
    int t = http_args_field(L, idx, "rate_limit");
    if (t == LUA_TBOOLEAN && !lua_toboolean(L, -1)) {
        set->per_second = 0;
    } else if (t != LUA_TNIL) {
        if (t != LUA_TTABLE)
            raise_error(L, "%s: rate_limit must be a table { per_second = N } or false, got %s",
                       fname, luaL_typename(L, -1));
        int r = lua_gettop(L);
        http_args_check_keys(L, r, fname, (const char *const[]){"per_second", NULL}, 0);
        lua_getfield(L, r, "per_second");
        /* At least one request a day: 1/per_second is a wait, in seconds. */
        double ps = lua_tonumber(L, -1);
        if (lua_type(L, -1) != LUA_TNUMBER || !(ps >= 1 / HTTP_MAX_SECONDS) ||
            !(ps <= HTTP_MAX_PER_SECOND))
            raise_error(L,
                       "%s: rate_limit.per_second must be a number of requests a second from "
                       "1/%d (one a day) to %d, got %s",
                       fname, (int)HTTP_MAX_SECONDS, (int)HTTP_MAX_PER_SECOND,
                       luaL_tolstring(L, -1, NULL));
        set->per_second = lua_tonumber(L, -1);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

static int key_cmp(const void *a, const void *b) {
    const key_ref *x = a, *y = b;
    int c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* Pushes a userdata array of the string keys of the table at t, sorted, so
 * that the same table always gives the same request. Returns their count. */
static size_t sorted_keys(lua_State *L, int t, const char *fname, const char *what) {
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING)
            raise_error(L, "%s: %s names must be strings, got %s", fname, what,
                       luaL_typename(L, -1));
        n++;
    }
    key_ref *keys = lua_newuserdatauv(L, n ? n * sizeof *keys : 1, 0);
    size_t i = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        keys[i].s = lua_tolstring(L, -1, &keys[i].len); /* anchored as a key of t */
        i++;
    }
    qsort(keys, n, sizeof *keys, key_cmp);
    return n;
}

static _Noreturn void oom(lua_State *L, const char *fname) {
    rt_raise_nomem(L, lua_touserdata(L, lua_upvalueindex(1)), "%s: out of memory", fname);
}

static void put_encoded(lua_State *L, const char *fname, strbuf *b, const char *s, size_t len) {
    if (util_percent_encode(b, s, len, true, false) != 0) oom(L, fname);
}

/* The value at the top as query text into b: a string, a number or a boolean. */
static bool put_query_value(lua_State *L, const char *fname, strbuf *b) {
    char num[64];
    switch (lua_type(L, -1)) {
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, -1, &len);
        put_encoded(L, fname, b, s, len);
        return true;
    }
    case LUA_TNUMBER:
        if (lua_isinteger(L, -1)) snprintf(num, sizeof num, LUA_INTEGER_FMT, lua_tointeger(L, -1));
        else snprintf(num, sizeof num, LUA_NUMBER_FMT, lua_tonumber(L, -1));
        put_encoded(L, fname, b, num, strlen(num));
        return true;
    case LUA_TBOOLEAN:
        if (strbuf_puts(b, lua_toboolean(L, -1) ? "true" : "false") != 0) oom(L, fname);
        return true;
    default: return false;
    }
}

/* Builds url + "?" + the query (names sorted; a list value repeats its
 * name) into t->url. */
static void build_url(lua_State *L, http_transfer *t, const char *fname, int url_idx,
                      int query_idx) {
    size_t len;
    const char *url = lua_tolstring(L, url_idx, &len);
    strbuf *b = &t->url;
    strbuf_clear(b);
    if (strbuf_append(b, url, len) != 0) oom(L, fname);
    if (lua_isnil(L, query_idx)) return;
    if (lua_type(L, query_idx) != LUA_TTABLE)
        raise_error(L, "%s: query must be a table, got %s", fname, luaL_typename(L, query_idx));
    size_t n = sorted_keys(L, query_idx, fname, "query parameter");
    key_ref *keys = lua_touserdata(L, -1);
    for (size_t i = 0; i < n; i++) {
        lua_getfield(L, query_idx, keys[i].s);
        int v = lua_gettop(L);
        lua_Integer count = lua_type(L, v) == LUA_TTABLE ? (lua_Integer)lua_rawlen(L, v) : 1;
        for (lua_Integer k = 1; k <= count; k++) {
            if (lua_type(L, v) == LUA_TTABLE) lua_rawgeti(L, v, k);
            else lua_pushvalue(L, v);
            char last = b->len ? b->p[b->len - 1] : '\0';
            char sep = memchr(b->p, '?', b->len) ? '&' : '?';
            if ((last != '?' && last != '&' && strbuf_putc(b, sep) != 0)) oom(L, fname);
            put_encoded(L, fname, b, keys[i].s, keys[i].len);
            if (strbuf_putc(b, '=') != 0) oom(L, fname);
            if (!put_query_value(L, fname, b))
                raise_error(L, "%s: query parameter \"%s\" must be a string, number, boolean or a "
                              "list of them, got %s",
                           fname, keys[i].s, luaL_typename(L, -1));
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

static bool header_name_ok(const char *s, size_t len) {
    if (len == 0) return false;
    for (size_t i = 0; i < len; i++)
        if (!isalnum((unsigned char)s[i]) && !strchr("!#$%&'*+-.^_`|~", s[i])) return false;
    return true;
}

/* Adds the headers table at idx (names sorted) to t's request; returns
 * whether it sets Content-Type. */
static bool add_headers(lua_State *L, http_transfer *t, const char *fname, int idx) {
    http_transfer_clear_headers(t);
    if (lua_isnil(L, idx)) return false;
    if (lua_type(L, idx) != LUA_TTABLE)
        raise_error(L, "%s: headers must be a table, got %s", fname, luaL_typename(L, idx));
    bool content_type = false;
    size_t n = sorted_keys(L, idx, fname, "header");
    key_ref *keys = lua_touserdata(L, -1);
    for (size_t i = 0; i < n; i++) {
        if (!header_name_ok(keys[i].s, keys[i].len))
            raise_error(L, "%s: \"%s\" is not a valid header name", fname, keys[i].s);
        lua_getfield(L, idx, keys[i].s);
        int vt = lua_type(L, -1);
        if (vt != LUA_TSTRING && vt != LUA_TNUMBER)
            raise_error(L, "%s: header \"%s\" must be a string, got %s", fname, keys[i].s,
                       luaL_typename(L, -1));
        size_t vlen;
        const char *v = lua_tolstring(L, -1, &vlen);
        if (memchr(v, '\r', vlen) || memchr(v, '\n', vlen) || strlen(v) != vlen)
            raise_error(L, "%s: header \"%s\" holds a line break or a NUL byte", fname, keys[i].s);
        if (http_transfer_add_header(t, keys[i].s, keys[i].len, v, vlen) != 0)
            oom(L, fname);
        content_type = content_type || strcasecmp(keys[i].s, "content-type") == 0;
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return content_type;
}

bool http_args_request(lua_State *L, http_lib *h, http_transfer *t, const char *fname, int mi,
                       int ui, int oi) {
    struct clua_runtime *rt = lua_touserdata(L, lua_upvalueindex(1));
    if (!lua_isnil(L, mi) && lua_type(L, mi) != LUA_TSTRING)
        raise_error(L, "%s: method must be a string, got %s", fname, luaL_typename(L, mi));
    const char *m = lua_isnil(L, mi) ? "GET" : lua_tostring(L, mi);
    size_t mlen = strlen(m);
    bool method_ok = mlen > 0 && mlen < sizeof t->method;
    for (size_t i = 0; i < mlen && method_ok; i++) {
        method_ok = isalpha((unsigned char)m[i]);
        t->method[i] = (char)toupper((unsigned char)m[i]);
    }
    if (!method_ok) raise_error(L, "%s: \"%s\" is not an HTTP method", fname, m);
    t->method[mlen] = '\0';

    if (lua_type(L, ui) != LUA_TSTRING)
        raise_error(L, "%s: the URL must be a string, got %s", fname, luaL_typename(L, ui));
    size_t ulen;
    const char *url = lua_tolstring(L, ui, &ulen);
    if (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0)
        raise_error(L, "%s: the URL must start with http:// or https://, got \"%s\"", fname,
                   http_client_redact(&h->client, url, ulen, true));
    if (strlen(url) != ulen) raise_error(L, "%s: the URL holds a NUL byte", fname);

    http_request *req = &t->req;
    *req = (http_request){.method = t->method, .set = h->client.defaults};
    http_args_settings(L, oi, fname, &req->set, false);
    http_args_field(L, oi, "raise");
    bool raise = lua_toboolean(L, -1);
    if (!lua_isnil(L, -1) && lua_type(L, -1) != LUA_TBOOLEAN)
        raise_error(L, "%s: raise must be a boolean, got %s", fname, luaL_typename(L, -1));
    int qi = (http_args_field(L, oi, "query"), lua_gettop(L));
    build_url(L, t, fname, ui, qi);

    int bi = (http_args_field(L, oi, "body"), lua_gettop(L));
    int ji = (http_args_field(L, oi, "json"), lua_gettop(L));
    if (!lua_isnil(L, bi) && !lua_isnil(L, ji))
        raise_error(L, "%s: give body or json, not both", fname);
    strbuf_clear(&t->send);
    if (!lua_isnil(L, bi)) {
        if (lua_type(L, bi) != LUA_TSTRING)
            raise_error(L, "%s: body must be a string, got %s", fname, luaL_typename(L, bi));
        size_t blen;
        const char *body = lua_tolstring(L, bi, &blen);
        /* Copied: the transfer must not depend on the script's table. */
        if (strbuf_append(&t->send, body, blen) != 0) oom(L, fname);
    } else if (!lua_isnil(L, ji)) {
        char msg[512];
        int rc = json_encode(L, ji, &t->send, &h->keys, msg, sizeof msg);
        if (rc == JSON_NOMEM) rt_raise_nomem(L, rt, "%s: json: %s", fname, msg);
        if (rc != 0) raise_error(L, "%s: json: %s", fname, msg);
    }
    if (!lua_isnil(L, bi) || !lua_isnil(L, ji)) {
        req->body = strbuf_cstr(&t->send);
        req->body_len = t->send.len;
    }
    int hi = (http_args_field(L, oi, "headers"), lua_gettop(L));
    bool content_type = add_headers(L, t, fname, hi);
    if (!lua_isnil(L, ji) && !content_type &&
        http_transfer_add_header(t, "Content-Type", 12, "application/json", 16) != 0)
        oom(L, fname);
    req->url = strbuf_cstr(&t->url);

    if (!req->set.verify && !h->verify_warned) {
        h->verify_warned = true;
        log_printf(&rt->log, CLUA_LOG_WARNING, "WARNING",
                   "http: TLS verification is off (verify = false) for %s %s", t->method,
                   http_client_redact(&h->client, req->url, strlen(req->url), true));
    }
    return raise;
}
