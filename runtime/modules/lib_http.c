/* lib_http: http.request{...}, http.get(url, opts), http.post(url, opts),
 * http.request_all{...}, http.configure{...}, and resp:json(), over
 * http_client.
 *
 * The client (CURL handle, header list, buffers) lives in a full userdata
 * with __gc, shared by the functions as upvalue 2, so a Lua error raised
 * anywhere in a call leaves nothing behind: every binding checks its
 * arguments, builds the request in the userdata's buffers, performs it,
 * and raises only with the text the client kept. */
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_client.h"
#include "json_codec.h"
#include "lib.h"
#include "lua_alloc.h"
#include "rt.h"
#include "watchdog.h"
#include "util.h"
#include "raise.h"

#define CLIENT_META "clua.http_client"
#define RESPONSE_META "clua.http_response"

typedef struct http_lib {
    http_client client;
    strbuf keys;       /* scratch of json_encode */
    bool verify_warned;
    bool busy;          /* a request is being performed */
    lua_State *L;       /* the state performing it, for more_memory */
    struct clua_runtime *rt;
} http_lib;

typedef struct key_ref {
    const char *s;
    size_t len;
} key_ref;

static http_lib *lib_of(lua_State *L) { return lua_touserdata(L, lua_upvalueindex(2)); }

/* Every function of the module holds the runtime as its first upvalue. */
static struct clua_runtime *rt_of(lua_State *L) {
    return lua_touserdata(L, lua_upvalueindex(1));
}

static int lib_gc(lua_State *L) {
    http_lib *h = lua_touserdata(L, 1);
    http_client_free(&h->client);
    strbuf_free(&h->keys);
    return 0;
}

/* The transfers of one http.request_all, in a userdata whose __gc frees
 * them: a Lua error while the list is read leaves nothing behind. */
typedef struct http_batch {
    size_t n;           /* transfers set up so far */
    unsigned char *raise; /* each request's raise option */
    http_transfer t[];
} http_batch;

static int batch_gc(lua_State *L) {
    http_batch *b = lua_touserdata(L, 1);
    for (size_t i = 0; i < b->n; i++) http_transfer_free(&b->t[i]);
    b->n = 0;
    return 0;
}

/* ---- arguments ---------------------------------------------------------- */

static const char *const call_keys[] = {"method",  "url",     "query", "headers",
                                        "body",    "json",    "timeout", "retries",
                                        "backoff", "raise",   "verify", "max_response_bytes",
                                        NULL};
static const char *const configure_keys[] = {"retries", "backoff",    "max_delay", "timeout",
                                             "verify",  "rate_limit", "max_response_bytes",
                                             NULL};

/* Refuses a key of the options table at idx that is not in keys (from
 * index `first` on): a misspelt option must not pass unnoticed. */
static void check_keys(lua_State *L, int idx, const char *fname, const char *const *keys,
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

/* Pushes field `name` of the options at idx (nil when opts is absent). */
static int field(lua_State *L, int idx, const char *name) {
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
    if (field(L, idx, name) != LUA_TNIL) {
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

/* Reads retries, backoff, timeout, verify, max_response_bytes (and, for
 * http.configure, max_delay and rate_limit) over set. */
static void settings_opt(lua_State *L, int idx, const char *fname, http_settings *set,
                         bool configure) {
    if (field(L, idx, "retries") != LUA_TNIL) {
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 0 || lua_tointeger(L, -1) > 100)
            raise_error(L, "%s: retries must be an integer from 0 to 100, got %s", fname,
                       luaL_tolstring(L, -1, NULL));
        set->retries = (int)lua_tointeger(L, -1);
    }
    lua_pop(L, 1);
    set->backoff = number_opt(L, idx, fname, "backoff", set->backoff, false);
    set->timeout = number_opt(L, idx, fname, "timeout", set->timeout, true);
    if (field(L, idx, "verify") != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TBOOLEAN)
            raise_error(L, "%s: verify must be a boolean, got %s", fname, luaL_typename(L, -1));
        set->verify = lua_toboolean(L, -1);
    }
    lua_pop(L, 1);
    if (field(L, idx, "max_response_bytes") != LUA_TNIL) {
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
    int t = field(L, idx, "rate_limit");
    if (t == LUA_TBOOLEAN && !lua_toboolean(L, -1)) {
        set->per_second = 0;
    } else if (t != LUA_TNIL) {
        if (t != LUA_TTABLE)
            raise_error(L, "%s: rate_limit must be a table { per_second = N } or false, got %s",
                       fname, luaL_typename(L, -1));
        int r = lua_gettop(L);
        check_keys(L, r, fname, (const char *const[]){"per_second", NULL}, 0);
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
    rt_raise_nomem(L, rt_of(L), "%s: out of memory", fname);
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

/* ---- the response ------------------------------------------------------- */

/* Pushes { status, headers, body, method, url } with the response metatable. */
static void push_response(lua_State *L, const http_transfer *t) {
    lua_createtable(L, 0, 5);
    lua_pushinteger(L, t->status);
    lua_setfield(L, -2, "status");
    lua_pushlstring(L, strbuf_cstr(&t->body), t->body.len);
    lua_setfield(L, -2, "body");
    lua_pushstring(L, t->req.method);
    lua_setfield(L, -2, "method");
    lua_pushlstring(L, strbuf_cstr(&t->url), t->url.len);
    lua_setfield(L, -2, "url");
    /* headers: lower-case names; a repeated header's values joined by ", " */
    lua_newtable(L);
    const char *p = strbuf_cstr(&t->headers);
    while (*p) {
        const char *nl = strchr(p, '\n'), *colon = memchr(p, ':', nl ? (size_t)(nl - p) : strlen(p));
        const char *end = nl ? nl : p + strlen(p);
        if (colon) {
            luaL_Buffer b;
            luaL_buffinit(L, &b);
            for (const char *q = p; q < colon; q++) luaL_addchar(&b, (char)tolower((unsigned char)*q));
            luaL_pushresult(&b);
            const char *v = colon + 1;
            while (v < end && (*v == ' ' || *v == '\t')) v++;
            const char *ve = end;
            while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t')) ve--;
            lua_pushvalue(L, -1);
            if (lua_rawget(L, -3) == LUA_TSTRING) {
                lua_pushliteral(L, ", ");
                lua_pushlstring(L, v, (size_t)(ve - v));
                lua_concat(L, 3);
            } else {
                lua_pop(L, 1);
                lua_pushlstring(L, v, (size_t)(ve - v));
            }
            lua_rawset(L, -3);
        }
        p = nl ? nl + 1 : end;
    }
    lua_setfield(L, -2, "headers");
    luaL_setmetatable(L, RESPONSE_META);
}

/* resp:json(): the body decoded. */
static int resp_json(lua_State *L) {
    http_lib *h = lib_of(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_getfield(L, 1, "body");
    if (lua_type(L, -1) != LUA_TSTRING)
        return luaL_error(L, "resp:json(): the response has no body string");
    size_t len;
    const char *body = lua_tolstring(L, -1, &len);
    char msg[512];
    int rc = json_decode(L, body, len, msg, sizeof msg);
    if (rc == JSON_NOMEM) rt_raise_nomem(L, rt_of(L), "resp:json(): %s", msg);
    if (rc != 0) {
        lua_getfield(L, 1, "method");
        lua_getfield(L, 1, "url");
        const char *url = lua_tostring(L, -1) ? lua_tostring(L, -1) : "?";
        return luaL_error(L, "resp:json(): the body of %s %s is not JSON: %s",
                          lua_tostring(L, -2) ? lua_tostring(L, -2) : "?",
                          http_client_redact(&h->client, url, strlen(url), true), msg);
    }
    return 1;
}

/* ---- the calls ---------------------------------------------------------- */

/* With --memory-limit, the bytes the limit leaves the script now: a body
 * being received counts against it, since it becomes a Lua string. Garbage
 * not yet collected counts as held. Returns false without a limit. */
static bool memory_left(lua_State *L, const struct clua_runtime *rt, size_t *limit,
                        size_t *left) {
    void *pool;
    double mb = rt->opt->memory_limit_mb;
    if (!(mb > 0) || lua_getallocf(L, &pool) != lua_alloc_fn) return false;
    *limit = (size_t)(mb * 1024 * 1024); /* as script.c gives it to the allocator */
    size_t used = lua_alloc_in_use(pool);
    *left = used < *limit ? *limit - used : 0;
    return true;
}

/* http_client's more_memory: a full collection, as Lua's allocator makes
 * before it fails, then what the limit leaves. Finalizers it runs cannot
 * reach the client: http.* refuses to run while h->busy. */
static size_t collect_memory(void *user) {
    http_lib *h = user;
    size_t limit = 0, left = 0;
    lua_gc(h->L, LUA_GCCOLLECT);
    memory_left(h->L, h->rt, &limit, &left);
    return left;
}

/* Stops the script as --memory-limit does for any allocation past it (the
 * same message and exit status): asks Lua for more than the whole limit,
 * which the allocator refuses and keeps as the limit hit; Lua then raises
 * its memory error. Does not return. */
static int raise_memory_limit(lua_State *L, size_t limit) {
    lua_newuserdatauv(L, limit + 1, 0);
    return luaL_error(L, "--memory-limit: not reached"); /* the allocator raised already */
}

/* Reads the request (method and URL at mi and ui, options at oi, 0: none)
 * into t, ready to run; returns its raise option. Raises, naming fname,
 * for anything wrong in it. */
static bool build_request(lua_State *L, http_lib *h, http_transfer *t, const char *fname, int mi,
                          int ui, int oi) {
    struct clua_runtime *rt = rt_of(L);
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
    settings_opt(L, oi, fname, &req->set, false);
    field(L, oi, "raise");
    bool raise = lua_toboolean(L, -1);
    if (!lua_isnil(L, -1) && lua_type(L, -1) != LUA_TBOOLEAN)
        raise_error(L, "%s: raise must be a boolean, got %s", fname, luaL_typename(L, -1));
    int qi = (field(L, oi, "query"), lua_gettop(L));
    build_url(L, t, fname, ui, qi);

    int bi = (field(L, oi, "body"), lua_gettop(L));
    int ji = (field(L, oi, "json"), lua_gettop(L));
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
    int hi = (field(L, oi, "headers"), lua_gettop(L));
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

/* Runs the n transfers (concurrency at a time) with the memory budget
 * --memory-limit leaves; *limit is that limit (0: none). Returns how many
 * failed. Nothing here raises. */
static size_t run(lua_State *L, http_lib *h, http_transfer *ts, size_t n, int concurrency,
                  size_t *limit) {
    struct clua_runtime *rt = rt_of(L);
    http_budget budget = {0};
    h->client.cassette = rt->cassette; /* opened after this module (runtime.c) */
    *limit = 0;
    budget.memory_limited = memory_left(L, rt, limit, &budget.memory_left);
    budget.more_memory = budget.memory_limited ? collect_memory : NULL;
    budget.more_memory_user = h;
    h->L = L;
    h->rt = rt;
    h->busy = true;
    size_t failed = http_client_run(&h->client, ts, n, concurrency, &budget);
    h->busy = false;
    return failed;
}

/* Raises for what ends the sync rather than one request, whatever the
 * script asked: a stop (a signal, --timeout: the same stop the script's
 * next instruction would raise), the memory limit, our own want of
 * memory, and a replay that does not match its cassette. what names the
 * request in the last two ("http.get", "http.request_all: request 3 of 9"). */
static void raise_fatal(lua_State *L, http_lib *h, const http_transfer *t, const char *what,
                        size_t limit) {
    struct clua_runtime *rt = rt_of(L);
    if (h->client.stopped) watchdog_raise_pending(L);
    if (t->over == HTTP_OVER_MEMORY) {
        log_printf(&rt->log, CLUA_LOG_WARNING, "WARNING", "%s: %s", what, t->err);
        raise_memory_limit(L, limit);
    }
    if (t->nomem) rt_raise_nomem(L, rt, "%s: %s", what, t->err);
    if (t->not_recorded) luaL_error(L, "%s: %s", what, t->err);
}

/* "GET url returned 404 Not Found after 4 attempts: {"error": ...}" into
 * buf: a status of 400 or more that raise = true turns into an error. */
static void status_error(http_lib *h, const http_transfer *t, char *buf, size_t cap) {
    char st[64], snippet[160];
    const char *r = http_reason(t->status);
    snprintf(st, sizeof st, "%ld%s%s", t->status, *r ? " " : "", r);
    const char *body = http_client_redact(&h->client, strbuf_cstr(&t->body), t->body.len, false);
    size_t n = 0;
    for (; body[n] && n < sizeof snippet - 4; n++)
        snippet[n] = body[n] == '\n' || body[n] == '\r' ? ' ' : body[n];
    snprintf(snippet + n, sizeof snippet - n, "%s", body[n] ? "..." : "");
    char attempts[48] = "";
    if (t->attempts > 1) snprintf(attempts, sizeof attempts, " after %d attempts", t->attempts);
    snprintf(buf, cap, "%s %s returned %s%s%s%s", t->req.method, strbuf_cstr(&t->red), st,
             attempts, n ? ": " : "", snippet);
}

/* The request: method and URL at mi and ui, options at oi (0: none);
 * method and url may be options only for http.request. */
static int do_request(lua_State *L, const char *fname, int mi, int ui, int oi, bool url_in_opts) {
    http_lib *h = lib_of(L);
    if (h->busy)
        return luaL_error(L, "%s: cannot make a request while another one runs (from a __gc "
                             "finalizer)", fname);
    if (oi) check_keys(L, oi, fname, call_keys, url_in_opts ? 0 : 2);
    http_transfer *t = &h->client.one;
    bool raise = build_request(L, h, t, fname, mi, ui, oi);
    size_t limit;
    if (run(L, h, t, 1, 1, &limit)) {
        http_client_trim(&h->client);
        raise_fatal(L, h, t, fname, limit);
        return luaL_error(L, "%s: %s", fname, t->err);
    }
    push_response(L, t);
    if (raise && t->status >= 400) {
        char msg[2400];
        status_error(h, t, msg, sizeof msg);
        http_client_trim(&h->client);
        return luaL_error(L, "%s: %s", fname, msg);
    }
    http_client_trim(&h->client); /* the body is a Lua string now */
    return 1;
}

static int http_request_lua(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    lua_getfield(L, 1, "method"); /* 2 */
    lua_getfield(L, 1, "url");    /* 3 */
    return do_request(L, "http.request", 2, 3, 1, true);
}

/* http.get(url, opts) and http.post(url, opts): the method as upvalue 3. */
static int http_method_lua(lua_State *L) {
    const char *fname = lua_tostring(L, lua_upvalueindex(4));
    lua_settop(L, 2);
    if (!lua_isnil(L, 2) && lua_type(L, 2) != LUA_TTABLE)
        raise_error(L, "%s: the options must be a table, got %s", fname, luaL_typename(L, 2));
    lua_pushvalue(L, lua_upvalueindex(3)); /* 3 */
    return do_request(L, fname, 3, 1, lua_isnil(L, 2) ? 0 : 2, false);
}

/* The options of http.request_all. */
static const char *const all_keys[] = {"concurrency", "errors", NULL};
#define ALL_DEFAULT_CONCURRENCY 8

/* http.request_all(requests [, options]): the requests (tables as
 * http.request takes) run at once, options.concurrency at a time; returns
 * their responses in the order of the list. A request that fails (after
 * its retries; or with raise = true, a status of 400 or more) raises
 * once all are done, naming it, or with errors = "return" is returned as
 * { error = message }. */
static int http_request_all_lua(lua_State *L) {
    static const char fname[] = "http.request_all";
    http_lib *h = lib_of(L);
    if (h->busy)
        return luaL_error(L, "%s: cannot make a request while another one runs (from a __gc "
                             "finalizer)", fname);
    lua_settop(L, 2);
    if (lua_type(L, 1) != LUA_TTABLE)
        raise_error(L, "%s: requests must be a list of request tables, got %s", fname,
                   luaL_typename(L, 1));
    if (!lua_isnil(L, 2) && lua_type(L, 2) != LUA_TTABLE)
        raise_error(L, "%s: the options must be a table, got %s", fname, luaL_typename(L, 2));
    int oi = lua_isnil(L, 2) ? 0 : 2;
    if (oi) check_keys(L, oi, fname, all_keys, 0);
    lua_Integer concurrency = ALL_DEFAULT_CONCURRENCY;
    if (field(L, oi, "concurrency") != LUA_TNIL) {
        int exact = 0;
        concurrency = lua_type(L, -1) == LUA_TNUMBER ? lua_tointegerx(L, -1, &exact) : 0;
        if (!exact || concurrency < 1 || concurrency > HTTP_MAX_CONCURRENCY)
            raise_error(L, "%s: concurrency must be an integer from 1 to %d, got %s", fname,
                       HTTP_MAX_CONCURRENCY,
                       lua_type(L, -1) == LUA_TNUMBER ? luaL_tolstring(L, -1, NULL)
                                                      : luaL_typename(L, -1));
    }
    lua_pop(L, 1);
    bool return_errors = false;
    if (field(L, oi, "errors") != LUA_TNIL) {
        const char *e = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        if (!e || (strcmp(e, "raise") != 0 && strcmp(e, "return") != 0))
            raise_error(L, "%s: errors must be \"raise\" or \"return\", got %s", fname,
                       e ? e : luaL_typename(L, -1));
        return_errors = strcmp(e, "return") == 0;
    }
    lua_pop(L, 1);

    /* A list: the keys 1..n and nothing else. */
    size_t n = (size_t)lua_rawlen(L, 1), keys = 0;
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        lua_pop(L, 1);
        keys++;
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 ||
            (lua_Unsigned)lua_tointeger(L, -1) > n)
            raise_error(L, "%s: requests must be a list of request tables; it has the key %s",
                       fname, luaL_tolstring(L, -1, NULL));
    }
    if (keys != n) raise_error(L, "%s: requests must be a list without holes", fname);
    if (n > (SIZE_MAX - sizeof(http_batch)) / (sizeof(http_transfer) + 1))
        raise_error(L, "%s: too many requests (%I)", fname, (lua_Integer)n);
    http_batch *b = lua_newuserdatauv(L, sizeof *b + n * (sizeof(http_transfer) + 1), 0);
    b->n = 0;
    b->raise = (unsigned char *)&b->t[n];
    if (luaL_newmetatable(L, "clua.http_batch")) {
        lua_pushcfunction(L, batch_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    int bi = lua_gettop(L);

    char what[80];
    for (size_t i = 0; i < n; i++) {
        memset(&b->t[i], 0, sizeof b->t[i]);
        b->n = i + 1;
        snprintf(what, sizeof what, "%s: request %zu", fname, i + 1);
        lua_rawgeti(L, 1, (lua_Integer)i + 1);
        int ri = lua_gettop(L);
        if (lua_type(L, ri) != LUA_TTABLE)
            raise_error(L, "%s must be a table as http.request takes, got %s", what,
                       luaL_typename(L, ri));
        check_keys(L, ri, what, call_keys, 0);
        lua_getfield(L, ri, "method");
        lua_getfield(L, ri, "url");
        b->raise[i] = build_request(L, h, &b->t[i], what, ri + 1, ri + 2, ri);
        lua_settop(L, bi);
    }

    size_t limit;
    size_t failed = run(L, h, b->t, n, (int)concurrency, &limit);
    /* A failure of the raise = true kind counts as one too. */
    size_t first = n, count = 0;
    for (size_t i = 0; i < n; i++) {
        http_transfer *t = &b->t[i];
        if (t->result) {
            snprintf(what, sizeof what, "%s: request %zu of %zu", fname, i + 1, n);
            raise_fatal(L, h, t, what, limit);
        } else if (!(b->raise[i] && t->status >= 400)) {
            continue;
        }
        if (first == n) first = i;
        count++;
    }
    (void)failed;
    if (count && !return_errors) {
        http_transfer *t = &b->t[first];
        char msg[2400];
        if (t->result) snprintf(msg, sizeof msg, "%s", t->err);
        else status_error(h, t, msg, sizeof msg);
        char more[64] = "";
        if (count > 1) snprintf(more, sizeof more, " (and %zu more failed)", count - 1);
        return luaL_error(L, "%s: request %I of %I: %s%s", fname, (lua_Integer)first + 1,
                          (lua_Integer)n, msg, more);
    }
    lua_createtable(L, (int)(n < INT_MAX ? n : INT_MAX), 0);
    for (size_t i = 0; i < n; i++) {
        http_transfer *t = &b->t[i];
        if (t->result || (b->raise[i] && t->status >= 400)) {
            char msg[2400];
            if (t->result) snprintf(msg, sizeof msg, "%s", t->err);
            else status_error(h, t, msg, sizeof msg);
            lua_createtable(L, 0, 1);
            lua_pushstring(L, msg);
            lua_setfield(L, -2, "error");
        } else {
            push_response(L, t);
        }
        lua_rawseti(L, -2, (lua_Integer)i + 1);
        http_transfer_free(t); /* its body is a Lua string now */
    }
    return 1;
}

static int http_configure_lua(lua_State *L) {
    http_lib *h = lib_of(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    check_keys(L, 1, "http.configure", configure_keys, 0);
    http_settings set = h->client.defaults;
    settings_opt(L, 1, "http.configure", &set, true);
    h->client.defaults = set;
    return 0;
}

/* ---- secrets and opening ------------------------------------------------ */

/* The configuration value being looked at, named as a script reaches it:
 * password, db.password, accounts[1].token. */
typedef struct value_name {
    char text[256];
    size_t len;
} value_name;

/* Appends the key at the top of the stack to name; returns the old length,
 * to go back to. A name too long for the buffer is cut. */
static size_t name_push(lua_State *L, value_name *name) {
    size_t old = name->len, room = sizeof name->text - old;
    int n = 0;
    if (lua_type(L, -2) == LUA_TSTRING)
        n = snprintf(name->text + old, room, "%s%s", old ? "." : "", lua_tostring(L, -2));
    else if (lua_isinteger(L, -2))
        n = snprintf(name->text + old, room, "[" LUA_INTEGER_FMT "]", lua_tointeger(L, -2));
    else
        n = snprintf(name->text + old, room, "[?]");
    name->len = n < 0 ? old : (size_t)n >= room ? sizeof name->text - 1 : old + (size_t)n;
    return old;
}

/* Adds the string values under secret names of the table at t (at any
 * depth; everything under a secret name is secret) to rt->secrets. A value
 * too short to mask is left out, with a WARNING that names it (not its
 * value): masking it would rewrite every log line it occurs in. */
static void collect_secrets(lua_State *L, struct clua_runtime *rt, int t, bool secret, int depth,
                            value_name *name) {
    if (depth > JSON_MAX_DEPTH) return;
    luaL_checkstack(L, 3, "configuration nested too deep");
    lua_pushnil(L);
    while (lua_next(L, t)) {
        bool s = secret;
        if (lua_type(L, -2) == LUA_TSTRING) {
            size_t klen;
            const char *k = lua_tolstring(L, -2, &klen);
            s = s || redact_secret_name(k, klen);
        }
        size_t back = name_push(L, name);
        if (lua_type(L, -1) == LUA_TTABLE) {
            collect_secrets(L, rt, lua_gettop(L), s, depth + 1, name);
        } else if (s && (lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER)) {
            /* A number is masked as the text it shows as (a PIN, a port). */
            size_t vlen;
            lua_pushvalue(L, -1);
            const char *v = lua_tolstring(L, -1, &vlen);
            int rc = redact_add(&rt->secrets, v, vlen);
            if (rc < 0) rt_raise_nomem(L, rt, "configuration: out of memory");
            if (rc == REDACT_TOO_SHORT)
                log_printf(&rt->log, CLUA_LOG_WARNING, "WARNING",
                           "configuration value \"%s\" is too short to be masked as a secret "
                           "(under %d characters): log lines show it as it is",
                           name->text, REDACT_MIN_LEN);
            lua_pop(L, 1);
        }
        name->len = back;
        name->text[back] = '\0';
        lua_pop(L, 1);
    }
}

/* http_client's stop: a signal or the --timeout deadline. */
static bool stop_requested(void *user) { return watchdog_stop_pending(user); }

void lib_http_open(lua_State *L, struct clua_runtime *rt, int configuration) {
    configuration = lua_absindex(L, configuration);
    redact_clear(&rt->secrets);
    value_name name = {"", 0};
    if (lua_type(L, configuration) == LUA_TTABLE)
        collect_secrets(L, rt, configuration, false, 0, &name);

    http_lib *h = lua_newuserdatauv(L, sizeof *h, 0);
    memset(h, 0, sizeof *h);
    http_client_init(&h->client, &rt->log, &rt->secrets, NULL); /* cassette: at each request */
    h->client.stop = stop_requested;
    h->client.stop_user = rt;
    if (luaL_newmetatable(L, CLIENT_META)) {
        lua_pushcfunction(L, lib_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    int ud = lua_gettop(L);

    luaL_newmetatable(L, RESPONSE_META);
    lua_createtable(L, 0, 1);
    lua_pushlightuserdata(L, rt);
    lua_pushvalue(L, ud);
    lua_pushcclosure(L, resp_json, 2);
    lua_setfield(L, -2, "json");
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);

    lua_createtable(L, 0, 4);
    static const luaL_Reg funcs[] = {{"request", http_request_lua},
                                     {"request_all", http_request_all_lua},
                                     {"configure", http_configure_lua},
                                     {NULL, NULL}};
    for (const luaL_Reg *f = funcs; f->name; f++) {
        lua_pushlightuserdata(L, rt);
        lua_pushvalue(L, ud);
        lua_pushcclosure(L, f->func, 2);
        lua_setfield(L, -2, f->name);
    }
    static const char *const methods[][2] = {{"get", "GET"}, {"post", "POST"}};
    for (size_t i = 0; i < 2; i++) {
        lua_pushlightuserdata(L, rt);
        lua_pushvalue(L, ud);
        lua_pushstring(L, methods[i][1]);
        lua_pushfstring(L, "http.%s", methods[i][0]);
        lua_pushcclosure(L, http_method_lua, 4);
        lua_setfield(L, -2, methods[i][0]);
    }
    lua_setglobal(L, "http");
    lua_pop(L, 1);
}
