/* lib_http: http.request{...}, http.get(url, opts), http.post(url, opts),
 * http.request_all(requests, opts), http.configure{...}, and resp:json(),
 * over http_client; lib_http_args.c reads a request's arguments.
 *
 * The client (CURL handles, buffers, the single request's transfer) lives
 * in a full userdata with __gc, shared by the functions as upvalue 2, and
 * the transfers of an http.request_all in a userdata of their own with
 * __gc, so a Lua error raised anywhere in a call leaves nothing behind:
 * every binding checks its arguments, builds the requests in those
 * buffers, runs them, and raises only with the text the client kept. */
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
#include "lib_http_args.h"
#include "json_codec.h"
#include "lib.h"
#include "lua_alloc.h"
#include "rt.h"
#include "watchdog.h"
#include "util.h"
#include "raise.h"

#define CLIENT_META "clua.http_client"
#define RESPONSE_META "clua.http_response"

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
    if (oi) http_args_check_keys(L, oi, fname, http_args_call_keys, url_in_opts ? 0 : 2);
    http_transfer *t = &h->client.one;
    bool raise = http_args_request(L, h, t, fname, mi, ui, oi);
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
    if (oi) http_args_check_keys(L, oi, fname, all_keys, 0);
    lua_Integer concurrency = ALL_DEFAULT_CONCURRENCY;
    if (http_args_field(L, oi, "concurrency") != LUA_TNIL) {
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
    if (http_args_field(L, oi, "errors") != LUA_TNIL) {
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
        http_args_check_keys(L, ri, what, http_args_call_keys, 0);
        lua_getfield(L, ri, "method");
        lua_getfield(L, ri, "url");
        b->raise[i] = http_args_request(L, h, &b->t[i], what, ri + 1, ri + 2, ri);
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
    http_args_check_keys(L, 1, "http.configure", http_args_configure_keys, 0);
    http_settings set = h->client.defaults;
    http_args_settings(L, 1, "http.configure", &set, true);
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
