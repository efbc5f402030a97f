/* http_cassette: --record writes each HTTP exchange to a cassette file as
 * it happens; --replay reads one (through json_tree, json_core.h) and
 * serves its exchanges in order (see http_cassette.h for the format). It
 * makes no request and redacts nothing: http_client.c hands it exchanges
 * already redacted. */
#include "http_cassette.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cassette_values.h"
#include "files.h"
#include "json_core.h"
#include "strbuf.h"

#define MARKER "connector_lua_cassette"

#if defined(__GNUC__)
#define PRINTF_LIKE __attribute__((format(printf, 2, 3)))
#else
#define PRINTF_LIKE
#endif

struct http_cassette {
    char path[4096];
    bool replaying;
    /* recording: into tmp, renamed over path when complete */
    char tmp[4200];
    FILE *f;
    size_t written;
    char werr[1024]; /* the first write failure, or "" */
    bool wnomem;     /* that failure was for want of memory */
    strbuf scratch; /* one JSON string at a time */
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

static void keep_write_error(http_cassette *c) {
    if (!c->werr[0])
        snprintf(c->werr, sizeof c->werr, "cannot write cassette %s: %s", c->path,
                 strerror(errno ? errno : EIO));
}

/* Writes s as a JSON string (json_write_string, the writer json.encode
 * uses too), through c's scratch buffer; running out of memory is kept as
 * the cassette's write error. */
static void put_string(http_cassette *c, const char *s, size_t len) {
    strbuf_clear(&c->scratch);
    if (json_write_string(&c->scratch, s, len) != 0) {
        errno = ENOMEM;
        if (!c->werr[0]) c->wnomem = true;
        keep_write_error(c);
        return;
    }
    fwrite(c->scratch.p, 1, c->scratch.len, c->f);
}

/* Writes a header block ("Name: value\n" lines) as an array of strings. */
static void put_headers(http_cassette *c, const char *block, const char *indent) {
    FILE *f = c->f;
    fputs("\"headers\": [", f);
    const char *p = block ? block : "";
    bool first = true;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        fprintf(f, "%s\n%s  ", first ? "" : ",", indent);
        put_string(c, p, n);
        first = false;
        p += n + (nl ? 1 : 0);
    }
    if (!first) fprintf(f, "\n%s", indent);
    fputc(']', f);
}

int http_cassette_add(http_cassette *c, const http_exchange *x) {
    if (c->werr[0]) return -1;
    FILE *f = c->f;
    fprintf(f, "%s\n    {\n      \"request\": {\n        \"method\": ", c->written ? "," : "");
    put_string(c, x->method, strlen(x->method));
    fputs(",\n        \"url\": ", f);
    put_string(c, x->url, strlen(x->url));
    fputs(",\n        ", f);
    put_headers(c, x->req_headers, "        ");
    if (x->req_body) {
        fputs(",\n        \"body\": ", f);
        put_string(c, x->req_body, x->req_body_len);
    }
    fputs("\n      },\n", f);
    if (x->error) {
        fprintf(f, "      \"error\": {\n        \"code\": %d,\n        \"message\": ", x->error_code);
        put_string(c, x->error, strlen(x->error));
    } else {
        fprintf(f, "      \"response\": {\n        \"status\": %ld,\n        ", x->status);
        put_headers(c, x->headers, "        ");
        fputs(",\n        \"body\": ", f);
        put_string(c, x->body ? x->body : "", x->body ? x->body_len : 0);
    }
    fputs("\n      }\n    }", f);
    c->written++;
    errno = 0;
    if (fflush(f) != 0 || ferror(f)) keep_write_error(c);
    if (c->werr[0]) return -1; /* a write, or put_string's memory, failed */
    return 0;
}

/* ---- replaying ---------------------------------------------------------- */

/* Sets msg (of MSG_LEN bytes) and returns -1. */
#define MSG_LEN 512
static PRINTF_LIKE int bad(char *msg, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, MSG_LEN, fmt, ap);
    va_end(ap);
    return -1;
}

/* Sets msg to "out of memory" and returns CASSETTE_NOMEM. */
static int oom(char *msg) {
    bad(msg, "out of memory");
    return CASSETTE_NOMEM;
}

static bool is_container(const json_value *v) {
    return v && (v->kind == JSON_KIND_OBJECT || v->kind == JSON_KIND_ARRAY);
}

static char *dup_bytes(const char *s, size_t len) {
    char *p = malloc(len + 1);
    if (!p) return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

/* The string member `name` of v: 0 with *s NULL when absent, -1 when it is
 * something else. */
static int opt_string(const json_value *v, size_t i, const char *what, const char *name,
                      const json_value **s, char *msg) {
    *s = json_tree_get(v, name);
    if (*s && (*s)->kind != JSON_KIND_STRING)
        return bad(msg, "exchange %zu: %s.%s must be a string", i, what, name);
    return 0;
}

/* A copy of the string member `name` of v, which must be there. */
static int req_string(const json_value *v, size_t i, const char *what, const char *name,
                      char **out, char *msg) {
    const json_value *s;
    if (opt_string(v, i, what, name, &s, msg) != 0) return -1;
    if (!s) return bad(msg, "exchange %zu: %s has no %s", i, what, name);
    *out = dup_bytes(s->u.string.s, s->u.string.len);
    return *out ? 0 : oom(msg);
}

/* The "headers" array of v as "Name: value\n" lines. */
static int headers_of(const json_value *v, size_t i, const char *what, char **out, char *msg) {
    const json_value *h = json_tree_get(v, "headers");
    strbuf b = STRBUF_INIT;
    if (h && !is_container(h))
        return bad(msg, "exchange %zu: %s.headers must be an array of strings", i, what);
    size_t n = h && h->kind == JSON_KIND_ARRAY ? h->u.array.n : 0;
    for (size_t k = 0; k < n; k++) {
        const json_value *line = &h->u.array.items[k];
        if (line->kind != JSON_KIND_STRING) {
            strbuf_free(&b);
            return bad(msg, "exchange %zu: %s.headers must be an array of strings", i, what);
        }
        if (strbuf_append(&b, line->u.string.s, line->u.string.len) != 0 ||
            strbuf_putc(&b, '\n') != 0) {
            strbuf_free(&b);
            return oom(msg);
        }
    }
    *out = dup_bytes(b.p ? b.p : "", b.len);
    strbuf_free(&b);
    return *out ? 0 : oom(msg);
}

static int int_field(const json_value *v, size_t i, const char *what, const char *name,
                     int64_t *out, char *msg) {
    const json_value *f = json_tree_get(v, name);
    if (!f || f->kind != JSON_KIND_INTEGER)
        return bad(msg, "exchange %zu: %s.%s must be an integer", i, what, name);
    *out = f->u.integer;
    return 0;
}

static int load_exchange(const json_value *e, http_exchange *x, size_t i, char *msg) {
    if (!is_container(e)) return bad(msg, "exchange %zu is not an object", i);
    const json_value *rq = json_tree_get(e, "request");
    if (!is_container(rq)) return bad(msg, "exchange %zu has no request object", i);
    int rc;
    if ((rc = req_string(rq, i, "request", "method", &x->method, msg)) != 0 ||
        (rc = req_string(rq, i, "request", "url", &x->url, msg)) != 0 ||
        (rc = headers_of(rq, i, "request", &x->req_headers, msg)) != 0)
        return rc;
    const json_value *body;
    if (opt_string(rq, i, "request", "body", &body, msg) != 0) return -1;
    if (body) {
        x->req_body = dup_bytes(body->u.string.s, body->u.string.len);
        if (!x->req_body) return oom(msg);
        x->req_body_len = body->u.string.len;
    }
    const json_value *rs = json_tree_get(e, "response"), *er = json_tree_get(e, "error");
    if (is_container(rs)) {
        int64_t status = 0;
        if (int_field(rs, i, "response", "status", &status, msg) != 0) return -1;
        if (status < 100 || status > 999)
            return bad(msg, "exchange %zu: response.status %d is not an HTTP status", i,
                       (int)status);
        x->status = (long)status;
        if ((rc = headers_of(rs, i, "response", &x->headers, msg)) != 0 ||
            (rc = opt_string(rs, i, "response", "body", &body, msg)) != 0)
            return rc;
        x->body = body ? dup_bytes(body->u.string.s, body->u.string.len) : dup_bytes("", 0);
        if (!x->body) return oom(msg);
        x->body_len = body ? body->u.string.len : 0;
    } else if (is_container(er)) {
        int64_t code = 0;
        if (int_field(er, i, "error", "code", &code, msg) != 0) return -1;
        if (code <= 0 || code > 1000)
            return bad(msg, "exchange %zu: error.code %d is not a libcurl error", i, (int)code);
        x->error_code = (int)code;
        if ((rc = req_string(er, i, "error", "message", &x->error, msg)) != 0) return rc;
    } else {
        return bad(msg, "exchange %zu has neither a response nor an error object", i);
    }
    return 0;
}

/* What the JSON value v is, in JSON's words. */
static const char *json_kind_name(const json_value *v) {
    if (!v) return "nothing (it is missing)";
    switch (v->kind) {
    case JSON_KIND_NULL: return "null";
    case JSON_KIND_BOOLEAN: return "a boolean";
    case JSON_KIND_INTEGER:
    case JSON_KIND_NUMBER: return "a number";
    case JSON_KIND_STRING: return "a string";
    case JSON_KIND_ARRAY: return "an array";
    case JSON_KIND_OBJECT: return "an object";
    }
    return "something else";
}

static int load(http_cassette *c, const json_value *top, char *msg) {
    if (!is_container(top)) return bad(msg, "not a cassette (a JSON object)");
    const json_value *marker = json_tree_get(top, MARKER);
    if (!marker || marker->kind != JSON_KIND_INTEGER || marker->u.integer != 1)
        return bad(msg, "not a cassette: \"" MARKER "\": 1 is missing");
    const json_value *ex = json_tree_get(top, "exchanges");
    if (!ex || ex->kind != JSON_KIND_ARRAY)
        return bad(msg,
                   "\"exchanges\" must be an array of exchanges ([{\"request\": ...}, ...]), "
                   "got %s",
                   json_kind_name(ex));
    size_t n = ex->u.array.n;
    if (n) {
        c->x = calloc(n, sizeof *c->x);
        if (!c->x) return oom(msg);
    }
    for (size_t i = 1; i <= n; i++) {
        c->n = i; /* counted before it is filled, so a failure frees what it got */
        int rc = load_exchange(&ex->u.array.items[i - 1], &c->x[i - 1], i, msg);
        if (rc != 0) return rc;
    }
    return cassette_values_load(top, &c->values, msg, MSG_LEN);
}

/* Loads the cassette text (len bytes) into c: 0, CASSETTE_NOMEM, or -1. */
static int load_replay(http_cassette *c, const char *text, size_t len, char *err, size_t errlen) {
    char msg[MSG_LEN], jerr[MSG_LEN - 32];
    bool nomem;
    json_value *doc = json_tree_parse_noting(text, len, jerr, sizeof jerr, &nomem);
    int rc = doc ? load(c, doc, msg) : bad(msg, "not valid JSON: %s", jerr);
    if (!doc && nomem) rc = CASSETTE_NOMEM;
    json_tree_free(doc);
    if (rc != 0) snprintf(err, errlen, "cassette %s: %s", c->path, msg);
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

void http_exchange_free(http_exchange *x) {
    free(x->method);
    free(x->url);
    free(x->req_headers);
    free(x->req_body);
    free(x->headers);
    free(x->body);
    free(x->error);
    memset(x, 0, sizeof *x);
}

/* A copy of s (len bytes) with a NUL after it; NULL stays NULL. */
static bool copy_field(char **out, const char *s, size_t len) {
    *out = NULL;
    if (!s) return true;
    return (*out = dup_bytes(s, len)) != NULL;
}

int http_exchange_copy(http_exchange *out, const http_exchange *x) {
    memset(out, 0, sizeof *out);
    out->req_body_len = x->req_body_len;
    out->status = x->status;
    out->body_len = x->body_len;
    out->error_code = x->error_code;
    if (copy_field(&out->method, x->method, strlen(x->method)) &&
        copy_field(&out->url, x->url, strlen(x->url)) &&
        copy_field(&out->req_headers, x->req_headers, x->req_headers ? strlen(x->req_headers) : 0) &&
        copy_field(&out->req_body, x->req_body, x->req_body_len) &&
        copy_field(&out->headers, x->headers, x->headers ? strlen(x->headers) : 0) &&
        copy_field(&out->body, x->body, x->body_len) &&
        copy_field(&out->error, x->error, x->error ? strlen(x->error) : 0))
        return 0;
    http_exchange_free(out);
    return -1;
}

static void cassette_free(http_cassette *c) {
    for (size_t i = 0; i < c->n; i++) http_exchange_free(&c->x[i]);
    free(c->x);
    cassette_values_free(&c->values);
    strbuf_free(&c->scratch);
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
        errno = ENOMEM;
        return NULL;
    }
    snprintf(c->path, sizeof c->path, "%s", record_path ? record_path : replay_path);
    bool nomem = false;
    if (replay_path) {
        char *text = NULL;
        size_t len = 0;
        char ferr[1024];
        int rc = files_read(c->path, &text, &len, ferr, sizeof ferr);
        if (rc != 0) {
            snprintf(err, errlen, "cassette: %s", ferr);
            nomem = rc == FILES_NOMEM;
            goto fail;
        }
        c->replaying = c->values.replaying = true;
        rc = load_replay(c, text, len, err, errlen);
        free(text);
        nomem = rc == CASSETTE_NOMEM;
        if (rc != 0) goto fail;
        return c;
    }
    if (start_recording(c, err, errlen) != 0) goto fail;
    return c;
fail:
    cassette_free(c);
    errno = nomem ? ENOMEM : 0;
    return NULL;
}

http_cassette *http_cassette_replay_text(const char *path, const char *text, size_t len,
                                         char *err, size_t errlen) {
    http_cassette *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        errno = ENOMEM;
        return NULL;
    }
    snprintf(c->path, sizeof c->path, "%s", path);
    c->replaying = c->values.replaying = true;
    int rc = load_replay(c, text, len, err, errlen);
    if (rc != 0) {
        cassette_free(c);
        errno = rc == CASSETTE_NOMEM ? ENOMEM : 0;
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
        rc = c->wnomem ? CASSETTE_NOMEM : -1;
    } else {
        char what[160] = "";
        cassette_values_describe(v, what, sizeof what);
        log_printf(log, CLUA_LOG_INFO, "INFO", "recorded %zu HTTP exchange%s%s in %s", c->written,
                   c->written == 1 ? "" : "s", what, c->path);
    }
    cassette_free(c);
    return rc;
}
