#include "http_cassette.h"

#include <errno.h>
#include <fcntl.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cassette_values.h"
#include "files.h"
#include "json_codec.h"

#define MARKER "connector_lua_cassette"

struct http_cassette {
    char path[4096];
    bool replaying;
    /* recording: into tmp, renamed over path when complete */
    char tmp[4200];
    FILE *f;
    size_t written;
    char werr[1024]; /* the first write failure, or "" */
    /* replaying */
    http_exchange *x;
    size_t n, next;
    /* what time.now() and uuid.v4() returned (cassette_values.h) */
    cassette_values values;
};

bool http_cassette_replaying(const http_cassette *c) { return c->replaying; }

const char *http_cassette_path(const http_cassette *c) { return c->path; }

cassette_values *http_cassette_values(http_cassette *c) { return &c->values; }

/* ---- recording ---------------------------------------------------------- */

static void put_string(FILE *f, const char *s, size_t len) {
    fputc('"', f);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (c < 0x20 || c == 0x7f) fprintf(f, "\\u%04x", c);
            else fputc(c, f);
        }
    }
    fputc('"', f);
}

/* Writes a header block ("Name: value\n" lines) as an array of strings. */
static void put_headers(FILE *f, const char *block, const char *indent) {
    fputs("\"headers\": [", f);
    const char *p = block ? block : "";
    bool first = true;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        fprintf(f, "%s\n%s  ", first ? "" : ",", indent);
        put_string(f, p, n);
        first = false;
        p += n + (nl ? 1 : 0);
    }
    if (!first) fprintf(f, "\n%s", indent);
    fputc(']', f);
}

static void keep_write_error(http_cassette *c) {
    if (!c->werr[0])
        snprintf(c->werr, sizeof c->werr, "cannot write cassette %s: %s", c->path,
                 strerror(errno ? errno : EIO));
}

int http_cassette_add(http_cassette *c, const http_exchange *x) {
    if (c->werr[0]) return -1;
    FILE *f = c->f;
    fprintf(f, "%s\n    {\n      \"request\": {\n        \"method\": ", c->written ? "," : "");
    put_string(f, x->method, strlen(x->method));
    fputs(",\n        \"url\": ", f);
    put_string(f, x->url, strlen(x->url));
    fputs(",\n        ", f);
    put_headers(f, x->req_headers, "        ");
    if (x->req_body) {
        fputs(",\n        \"body\": ", f);
        put_string(f, x->req_body, x->req_body_len);
    }
    fputs("\n      },\n", f);
    if (x->error) {
        fprintf(f, "      \"error\": {\n        \"code\": %d,\n        \"message\": ", x->error_code);
        put_string(f, x->error, strlen(x->error));
    } else {
        fprintf(f, "      \"response\": {\n        \"status\": %ld,\n        ", x->status);
        put_headers(f, x->headers, "        ");
        fputs(",\n        \"body\": ", f);
        put_string(f, x->body ? x->body : "", x->body ? x->body_len : 0);
    }
    fputs("\n      }\n    }", f);
    c->written++;
    errno = 0;
    if (fflush(f) != 0 || ferror(f)) {
        keep_write_error(c);
        return -1;
    }
    return 0;
}

/* ---- replaying ---------------------------------------------------------- */

typedef struct load_ctx {
    http_cassette *c;
    const char *text;
    size_t len;
    char msg[512];
} load_ctx;

static char *dup_bytes(lua_State *L, const char *s, size_t len) {
    char *p = malloc(len + 1);
    if (!p) luaL_error(L, "out of memory");
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

/* The string field `name` of the table at idx; NULL when absent, raises
 * when it is something else. */
static const char *opt_string(lua_State *L, int idx, size_t i, const char *what, const char *name,
                              size_t *len) {
    lua_getfield(L, idx, name);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return NULL;
    }
    if (lua_type(L, -1) != LUA_TSTRING)
        luaL_error(L, "exchange %d: %s.%s must be a string", (int)i, what, name);
    const char *s = lua_tolstring(L, -1, len);
    lua_pop(L, 1); /* still anchored in the table */
    return s;
}

static char *req_string(lua_State *L, int idx, size_t i, const char *what, const char *name) {
    size_t len;
    const char *s = opt_string(L, idx, i, what, name, &len);
    if (!s) luaL_error(L, "exchange %d: %s has no %s", (int)i, what, name);
    return dup_bytes(L, s, len);
}

/* The "headers" array of the table at idx as "Name: value\n" lines. */
static char *headers_of(lua_State *L, int idx, size_t i, const char *what) {
    luaL_Buffer b;
    lua_getfield(L, idx, "headers");
    int t = lua_gettop(L);
    luaL_buffinit(L, &b);
    if (!lua_isnil(L, t)) {
        if (lua_type(L, t) != LUA_TTABLE)
            luaL_error(L, "exchange %d: %s.headers must be an array of strings", (int)i, what);
        for (lua_Integer k = 1; lua_rawgeti(L, t, k) != LUA_TNIL; k++) {
            if (lua_type(L, -1) != LUA_TSTRING)
                luaL_error(L, "exchange %d: %s.headers must be an array of strings", (int)i, what);
            luaL_addvalue(&b);
            luaL_addchar(&b, '\n');
        }
        lua_pop(L, 1);
    }
    luaL_pushresult(&b);
    size_t len;
    const char *s = lua_tolstring(L, -1, &len);
    char *p = dup_bytes(L, s, len);
    lua_pop(L, 2);
    return p;
}

static lua_Integer int_field(lua_State *L, int idx, size_t i, const char *what, const char *name) {
    lua_getfield(L, idx, name);
    if (!lua_isinteger(L, -1))
        luaL_error(L, "exchange %d: %s.%s must be an integer", (int)i, what, name);
    lua_Integer v = lua_tointeger(L, -1);
    lua_pop(L, 1);
    return v;
}

static void load_exchange(lua_State *L, http_exchange *x, size_t i) {
    int e = lua_gettop(L);
    if (lua_type(L, e) != LUA_TTABLE) luaL_error(L, "exchange %d is not an object", (int)i);
    if (lua_getfield(L, e, "request") != LUA_TTABLE)
        luaL_error(L, "exchange %d has no request object", (int)i);
    int rq = lua_gettop(L);
    x->method = req_string(L, rq, i, "request", "method");
    x->url = req_string(L, rq, i, "request", "url");
    x->req_headers = headers_of(L, rq, i, "request");
    size_t len;
    const char *body = opt_string(L, rq, i, "request", "body", &len);
    if (body) {
        x->req_body = dup_bytes(L, body, len);
        x->req_body_len = len;
    }
    if (lua_getfield(L, e, "response") == LUA_TTABLE) {
        int rs = lua_gettop(L);
        lua_Integer status = int_field(L, rs, i, "response", "status");
        if (status < 100 || status > 999)
            luaL_error(L, "exchange %d: response.status %d is not an HTTP status", (int)i,
                       (int)status);
        x->status = (long)status;
        x->headers = headers_of(L, rs, i, "response");
        body = opt_string(L, rs, i, "response", "body", &len);
        x->body = dup_bytes(L, body ? body : "", body ? len : 0);
        x->body_len = body ? len : 0;
    } else if (lua_getfield(L, e, "error") == LUA_TTABLE) {
        int er = lua_gettop(L);
        lua_Integer code = int_field(L, er, i, "error", "code");
        if (code <= 0 || code > 1000)
            luaL_error(L, "exchange %d: error.code %d is not a libcurl error", (int)i, (int)code);
        x->error_code = (int)code;
        x->error = req_string(L, er, i, "error", "message");
    } else {
        luaL_error(L, "exchange %d has neither a response nor an error object", (int)i);
    }
    lua_settop(L, e);
}

/* What the decoded JSON value at idx is, in JSON's words. */
static const char *json_kind(lua_State *L, int idx) {
    switch (lua_type(L, idx)) {
    case LUA_TNIL: return "nothing (it is missing)";
    case LUA_TBOOLEAN: return "a boolean";
    case LUA_TNUMBER: return "a number";
    case LUA_TSTRING: return "a string";
    case LUA_TLIGHTUSERDATA: return "null";
    case LUA_TTABLE: break;
    default: return "something else";
    }
    /* The decoder marks each table it makes from an array: {} and {"a": 1}
     * are objects, not an empty list. */
    json_push_arrays(L);
    lua_pushvalue(L, idx);
    bool array = lua_rawget(L, -2) != LUA_TNIL;
    lua_pop(L, 2);
    return array ? "an array" : "an object";
}

static int load(lua_State *L) {
    load_ctx *ctx = lua_touserdata(L, 1);
    http_cassette *c = ctx->c;
    if (json_decode(L, ctx->text, ctx->len, ctx->msg, sizeof ctx->msg) != 0)
        return luaL_error(L, "not valid JSON: %s", ctx->msg);
    int top = lua_gettop(L);
    if (lua_type(L, top) != LUA_TTABLE) return luaL_error(L, "not a cassette (a JSON object)");
    lua_getfield(L, top, MARKER);
    if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) != 1)
        return luaL_error(L, "not a cassette: \"" MARKER "\": 1 is missing");
    lua_getfield(L, top, "exchanges");
    int ex = lua_gettop(L);
    const char *got = json_kind(L, ex);
    if (strcmp(got, "an array") != 0)
        return luaL_error(L, "\"exchanges\" must be an array of exchanges ([{\"request\": ...}, "
                             "...]), got %s",
                          got);
    size_t n = (size_t)lua_rawlen(L, ex);
    if (n) {
        c->x = calloc(n, sizeof *c->x);
        if (!c->x) return luaL_error(L, "out of memory");
    }
    for (size_t i = 1; i <= n; i++) {
        lua_rawgeti(L, ex, (lua_Integer)i);
        c->n = i; /* counted before it is filled, so a failure frees what it got */
        load_exchange(L, &c->x[i - 1], i);
        lua_pop(L, 1);
    }
    cassette_values_load(L, top, &c->values);
    return 0;
}

/* Loads the cassette text (len bytes) into c. */
static int load_replay(http_cassette *c, const char *text, size_t len, char *err, size_t errlen) {
    lua_State *L = luaL_newstate(); /* only for the JSON codec */
    if (!L) {
        snprintf(err, errlen, "cassette %s: out of memory", c->path);
        return -1;
    }
    int rc = 0;
    load_ctx ctx = {c, text, len, ""};
    lua_pushcfunction(L, load);
    lua_pushlightuserdata(L, &ctx);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
        snprintf(err, errlen, "cassette %s: %s", c->path, lua_tostring(L, -1));
        rc = -1;
    }
    lua_close(L);
    return rc;
}

const http_exchange *http_cassette_next(http_cassette *c, const char *method, const char *url,
                                        char *err, size_t errlen) {
    if (c->next >= c->n) {
        snprintf(err, errlen, "not in cassette %s: all %zu recorded exchanges have been served",
                 c->path, c->n);
        return NULL;
    }
    const http_exchange *x = &c->x[c->next];
    if (strcmp(x->method, method) != 0 || strcmp(x->url, url) != 0) {
        snprintf(err, errlen,
                 "not in cassette %s: the next recorded request (exchange %zu of %zu) is %s %s",
                 c->path, c->next + 1, c->n, x->method, x->url);
        return NULL;
    }
    c->next++;
    return x;
}

/* ---- open and close ----------------------------------------------------- */

static void free_exchange(http_exchange *x) {
    free(x->method);
    free(x->url);
    free(x->req_headers);
    free(x->req_body);
    free(x->headers);
    free(x->body);
    free(x->error);
}

static void cassette_free(http_cassette *c) {
    for (size_t i = 0; i < c->n; i++) free_exchange(&c->x[i]);
    free(c->x);
    cassette_values_free(&c->values);
    if (c->f) {
        fclose(c->f);
        unlink(c->tmp); /* never finished: the cassette at path stays as it was */
    }
    free(c);
}

static void refuse(char *err, size_t errlen, const char *path, const char *what) {
    snprintf(err, errlen,
             "cassette %s is %s, not a file: refusing to write it (remove it: --record writes "
             "only a plain file, never through a link)",
             path, what);
}

/* Starts the recording in c->tmp, beside the cassette: created anew
 * (O_EXCL: a link, FIFO or device planted there is never opened), and
 * renamed over the cassette by http_cassette_close, so a reader sees the
 * last complete recording and a link planted at the cassette is replaced,
 * never followed. */
static int start_recording(http_cassette *c, char *err, size_t errlen) {
    const char *what = files_not_plain(c->path);
    if (what) {
        refuse(err, errlen, c->path, what);
        return -1;
    }
    if (snprintf(c->tmp, sizeof c->tmp, "%s.tmp", c->path) >= (int)sizeof c->tmp) {
        snprintf(err, errlen, "cannot write cassette %s: path too long", c->path);
        return -1;
    }
    /* A plain file left there by a run that was killed is ours to replace;
     * anything else is refused. */
    what = files_not_plain(c->tmp);
    if (what) {
        refuse(err, errlen, c->tmp, what);
        return -1;
    }
    if (unlink(c->tmp) != 0 && errno != ENOENT) {
        snprintf(err, errlen, "cannot write cassette %s: %s: %s", c->path, c->tmp, strerror(errno));
        return -1;
    }
    int fd = open(c->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0) {
        if (errno == EEXIST) /* planted between the check and the open */
            snprintf(err, errlen,
                     "cannot write cassette %s: %s appeared while it was being created: refusing "
                     "to write through it",
                     c->path, c->tmp);
        else
            snprintf(err, errlen, "cannot write cassette %s: %s", c->path, strerror(errno));
        return -1;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        refuse(err, errlen, c->tmp, "not a regular file");
        close(fd);
        return -1;
    }
    c->f = fdopen(fd, "w");
    if (!c->f) {
        snprintf(err, errlen, "cannot write cassette %s: %s", c->path, strerror(errno));
        close(fd);
        unlink(c->tmp);
        return -1;
    }
    fputs("{\n  \"" MARKER "\": 1,\n  \"exchanges\": [", c->f);
    if (fflush(c->f) != 0) {
        snprintf(err, errlen, "cannot write cassette %s: %s", c->path, strerror(errno));
        return -1; /* cassette_free closes and removes the temporary */
    }
    return 0;
}

http_cassette *http_cassette_open(const char *record_path, const char *replay_path, char *err,
                                  size_t errlen) {
    if (!record_path == !replay_path) {
        snprintf(err, errlen, "give a cassette to record or one to replay, not %s",
                 record_path ? "both" : "neither");
        return NULL;
    }
    http_cassette *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    snprintf(c->path, sizeof c->path, "%s", record_path ? record_path : replay_path);
    if (replay_path) {
        char *text = NULL;
        size_t len = 0;
        char ferr[1024];
        if (files_read(c->path, &text, &len, ferr, sizeof ferr) != 0) {
            snprintf(err, errlen, "cassette: %s", ferr);
            goto fail;
        }
        c->replaying = c->values.replaying = true;
        int rc = load_replay(c, text, len, err, errlen);
        free(text);
        if (rc != 0) goto fail;
        return c;
    }
    if (start_recording(c, err, errlen) != 0) goto fail;
    return c;
fail:
    cassette_free(c);
    return NULL;
}

http_cassette *http_cassette_replay_text(const char *path, const char *text, size_t len,
                                         char *err, size_t errlen) {
    http_cassette *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    snprintf(c->path, sizeof c->path, "%s", path);
    c->replaying = c->values.replaying = true;
    if (load_replay(c, text, len, err, errlen) != 0) {
        cassette_free(c);
        return NULL;
    }
    return c;
}

/* Ends the recording: the file is completed, flushed to disk and renamed
 * over the cassette. Returns 0, or -1 with c->werr set; the temporary is
 * removed on failure unless it holds a complete recording. */
static int finish_recording(http_cassette *c) {
    FILE *f = c->f;
    c->f = NULL;
    fputs(c->written ? "\n  ]" : "]", f);
    cassette_values_write(&c->values, f);
    fputs("\n}\n", f);
    errno = 0;
    if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0) keep_write_error(c);
    if (fclose(f) != 0) keep_write_error(c);
    if (c->werr[0]) {
        unlink(c->tmp);
        return -1;
    }
    /* Planted while the sync ran: rename would replace it, not follow it,
     * but it is refused all the same, the recording kept beside it. */
    const char *what = files_not_plain(c->path);
    if (what) {
        refuse(c->werr, sizeof c->werr, c->path, what);
        size_t n = strlen(c->werr);
        snprintf(c->werr + n, sizeof c->werr - n, "; the recording is in %s", c->tmp);
        return -1;
    }
    if (rename(c->tmp, c->path) != 0) {
        snprintf(c->werr, sizeof c->werr, "cannot write cassette %s: %s", c->path,
                 strerror(errno));
        unlink(c->tmp);
        return -1;
    }
    return 0;
}

void http_cassette_abandon(http_cassette *c) {
    if (c) cassette_free(c);
}

int http_cassette_close(http_cassette *c, const logger *log, char *err, size_t errlen) {
    if (!c) return 0;
    int rc = 0;
    const cassette_values *v = &c->values;
    if (c->replaying) {
        if (c->next < c->n)
            log_printf(log, CLUA_LOG_WARNING, "WARNING",
                       "replay: %zu of %zu recorded exchanges in %s were not requested",
                       c->n - c->next, c->n, c->path);
        /* A script that asks for fewer values than it did when recorded
         * has taken another path. */
        if (v->next_time < v->ntimes)
            log_printf(log, CLUA_LOG_WARNING, "WARNING",
                       "replay: %zu of %zu recorded time.now() values in %s were not used",
                       v->ntimes - v->next_time, v->ntimes, c->path);
        if (v->next_uuid < v->nuuids)
            log_printf(log, CLUA_LOG_WARNING, "WARNING",
                       "replay: %zu of %zu recorded uuid.v4() values in %s were not used",
                       v->nuuids - v->next_uuid, v->nuuids, c->path);
    } else if (finish_recording(c) != 0) {
        snprintf(err, errlen, "%s", c->werr);
        rc = -1;
    } else {
        char what[160] = "";
        cassette_values_describe(v, what, sizeof what);
        log_printf(log, CLUA_LOG_INFO, "INFO", "recorded %zu HTTP exchange%s%s in %s", c->written,
                   c->written == 1 ? "" : "s", what, c->path);
    }
    cassette_free(c);
    return rc;
}
