/* lib_http_args: reading what a script passes to the http module (a
 * request's method, URL, query, headers, body and settings; an options
 * table's keys) into an http_transfer, refusing anything wrong with a
 * message that names the call. Shared by lib_http.c's calls
 * (http.request, http.get, http.request_all, http.configure); internal to
 * runtime/modules. */
#ifndef CLUA_LIB_HTTP_ARGS_H
#define CLUA_LIB_HTTP_ARGS_H

#include <lua.h>
#include <stdbool.h>

#include "http_client.h"

struct clua_runtime;

/* The module's state: a full userdata with __gc (lib_http.c), upvalue 2
 * of every function of the module (the runtime is upvalue 1). */
typedef struct http_lib {
    http_client client;
    strbuf keys;        /* scratch of json_encode */
    bool verify_warned;
    bool busy;          /* a request is being performed */
    lua_State *L;       /* the state performing it, for more_memory */
    struct clua_runtime *rt;
} http_lib;

/* The options of a request (from index 2 on for http.get and http.post,
 * which take the method and URL apart), and of http.configure. */
extern const char *const http_args_call_keys[];
extern const char *const http_args_configure_keys[];

/* Refuses a key of the options table at idx that is not in keys (from
 * index `first` on): a misspelt option must not pass unnoticed. */
void http_args_check_keys(lua_State *L, int idx, const char *fname, const char *const *keys,
                          int first);

/* Pushes field `name` of the options at idx (nil when idx is 0) and
 * returns its type. */
int http_args_field(lua_State *L, int idx, const char *name);

/* Reads retries, backoff, timeout, verify, max_response_bytes (and, for
 * http.configure, max_delay and rate_limit) over set. */
void http_args_settings(lua_State *L, int idx, const char *fname, http_settings *set,
                        bool configure);

/* Reads the request (method and URL at mi and ui, options at oi, 0: none)
 * into t, ready to run; returns its raise option. Raises, naming fname,
 * for anything wrong in it. Called from a function of the module (its
 * upvalues). */
bool http_args_request(lua_State *L, http_lib *h, http_transfer *t, const char *fname, int mi,
                       int ui, int oi);

#endif
