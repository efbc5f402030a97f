/* http_attempt: one attempt of an HTTP transfer (see http_attempt.h):
 * libcurl's easy handle set up on the client's multi handle, the header
 * and body callbacks that hold a response to its bounds (the request's
 * max_response_bytes, the run's memory budget shared by all its bodies,
 * HTTP_MAX_HEADER_BYTES), a failure described in words, a replayed
 * exchange served, and the attempt kept for the recording. */
#include "http_attempt.h"

#include "curl_lazy.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *attempt_response_header(const http_transfer *t, const char *name, char *buf,
                                    size_t cap) {
    size_t n = strlen(name);
    const char *p = strbuf_cstr(&t->headers);
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len > n && p[n] == ':' && strncasecmp(p, name, n) == 0) {
            const char *v = p + n + 1;
            while (*v == ' ' || *v == '\t') v++;
            snprintf(buf, cap, "%.*s", (int)(p + len - v), v);
            return buf;
        }
        p += len + (nl ? 1 : 0);
    }
    return NULL;
}

void attempt_drop_body(http_transfer *t) {
    t->c->held_bytes -= t->body.len;
    strbuf_free(&t->body);
}

void attempt_reset(http_transfer *t) {
    t->status = 0;
    strbuf_clear(&t->headers);
    t->c->held_bytes -= t->body.len;
    strbuf_clear(&t->body);
    t->over = HTTP_OVER_NONE;
    t->header_bytes = 0;
    t->in_headers = false;
    t->length_checked = false;
    t->announced = -1;
    t->curl_err[0] = '\0';
}

/* ---- bounds --------------------------------------------------------------- */

/* Returning other than the length given ends the transfer with
 * CURLE_WRITE_ERROR; t->over then says why. */
static size_t on_header(char *p, size_t size, size_t n, void *user) {
    http_transfer *t = user;
    size_t len = size * n, l = len;
    /* Counted over every response of the attempt: a server cannot get past
     * the cap with 1xx responses or redirects. */
    if (len > HTTP_MAX_HEADER_BYTES - t->header_bytes) {
        t->over = HTTP_OVER_HEADERS;
        return 0;
    }
    t->header_bytes += len;
    while (l && (p[l - 1] == '\r' || p[l - 1] == '\n')) l--;
    if (l >= 5 && memcmp(p, "HTTP/", 5) == 0) { /* a new response: 1xx, a redirect */
        strbuf_clear(&t->headers);
        t->in_headers = true;
        return len;
    }
    if (l == 0) {
        t->in_headers = false;
        return len;
    }
    if (strbuf_append(&t->headers, p, l) != 0 || strbuf_putc(&t->headers, '\n') != 0) return 0;
    return len;
}

/* The Content-Length of the response being received, -1 when it has none
 * or its body is encoded (then it counts the encoded bytes, not the body). */
static curl_off_t plain_content_length(http_transfer *t) {
    curl_off_t cl = -1;
    char enc[64];
    if (attempt_response_header(t, "content-encoding", enc, sizeof enc) &&
        strcasecmp(enc, "identity") != 0)
        return -1;
    if (curl_easy_getinfo(t->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl) != CURLE_OK) return -1;
    return cl;
}

/* Whether this body, grown to total bytes, is within its bounds: the
 * request's max_response_bytes, and with a memory budget, the run's
 * bodies together within what --memory-limit left. If not, t->over says
 * which it passes. Before the memory bound fails a body, more_memory may
 * make room, once a run, as Lua's allocator collects before it fails. */
static bool body_fits(http_transfer *t, uint64_t total) {
    http_client *c = t->c;
    http_budget *b = &c->budget;
    /* The smaller bound is the one named, as it is the one met first. */
    bool memory_first = b->memory_limited && b->memory_left < t->req.set.max_response_bytes;
    if (!memory_first && total > t->req.set.max_response_bytes) {
        t->over = HTTP_OVER_MAX_RESPONSE;
        return false;
    }
    if (!b->memory_limited) return true;
    uint64_t all = (uint64_t)(c->held_bytes - t->body.len) + total; /* the others' and this */
    if (all > b->memory_left && b->more_memory) {
        size_t (*more)(void *) = b->more_memory;
        b->more_memory = NULL;
        b->memory_left = more(b->more_memory_user);
    }
    if (all > b->memory_left) {
        t->over = HTTP_OVER_MEMORY;
        return false;
    }
    if (total > t->req.set.max_response_bytes) {
        t->over = HTTP_OVER_MAX_RESPONSE;
        return false;
    }
    return true;
}

static size_t on_body(char *p, size_t size, size_t n, void *user) {
    http_transfer *t = user;
    size_t len = size * n;
    /* Refused at the first bytes when the server says the body is longer:
     * nothing of it is kept. */
    if (!t->length_checked) {
        t->length_checked = true;
        curl_off_t cl = plain_content_length(t);
        if (cl >= 0 && !body_fits(t, (uint64_t)cl)) {
            t->announced = (long long)cl;
            return 0;
        }
    }
    /* The decoded bytes, as they come: a gzip bomb stops at the cap. */
    if (!body_fits(t, (uint64_t)t->body.len + len)) return 0;
    if (strbuf_append(&t->body, p, len) != 0) return 0;
    t->c->held_bytes += len;
    return len;
}

/* Says in t->curl_err why the response was too large; line_cap: libcurl
 * refused one header line (its own cap, 100 KiB), not this file. */
static void describe_over(http_transfer *t, bool line_cap) {
    char len[64] = "";
    if (t->announced >= 0) snprintf(len, sizeof len, " (Content-Length: %lld)", t->announced);
    switch (t->over) {
    case HTTP_OVER_MAX_RESPONSE:
        snprintf(t->curl_err, sizeof t->curl_err,
                 "the response%s is larger than max_response_bytes (%zu bytes); raise it with "
                 "http.configure{max_response_bytes = ...}",
                 len, t->req.set.max_response_bytes);
        break;
    case HTTP_OVER_MEMORY:
        if (t->c->run_size > 1)
            snprintf(t->curl_err, sizeof t->curl_err,
                     "the response%s would take the batch's responses past what --memory-limit "
                     "leaves the script (%zu bytes)",
                     len, t->c->budget.memory_left);
        else
            snprintf(t->curl_err, sizeof t->curl_err,
                     "the response%s is larger than what --memory-limit leaves the script (%zu "
                     "bytes)",
                     len, t->c->budget.memory_left);
        break;
    case HTTP_OVER_HEADERS:
        if (line_cap)
            snprintf(t->curl_err, sizeof t->curl_err,
                     "a response header line is longer than libcurl takes (100 KiB)");
        else
            snprintf(t->curl_err, sizeof t->curl_err,
                     "the response headers are larger than %zu bytes", HTTP_MAX_HEADER_BYTES);
        break;
    case HTTP_OVER_NONE: break;
    }
}

bool attempt_retryable_code(int code) {
    switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM: return true;
    default: return false;
    }
}

bool attempt_retryable_status(long status) {
    return status == 429 || (status >= 500 && status <= 599);
}

/* Describes a transport failure in t->curl_err: what went wrong, then
 * libcurl's own words. */
static void describe_failure(http_transfer *t, CURLcode rc) {
    char kind[96];
    long os_errno = 0;
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST: snprintf(kind, sizeof kind, "DNS lookup failed"); break;
    case CURLE_COULDNT_RESOLVE_PROXY: snprintf(kind, sizeof kind, "proxy DNS lookup failed"); break;
    case CURLE_COULDNT_CONNECT:
        curl_easy_getinfo(t->curl, CURLINFO_OS_ERRNO, &os_errno);
        snprintf(kind, sizeof kind, "%s",
                 os_errno == ECONNREFUSED ? "connection refused" : "could not connect");
        break;
    case CURLE_OPERATION_TIMEDOUT:
        snprintf(kind, sizeof kind, "timed out after %g s", t->req.set.timeout);
        break;
    case CURLE_PEER_FAILED_VERIFICATION:
        snprintf(kind, sizeof kind, "TLS certificate verification failed");
        break;
    case CURLE_SSL_CONNECT_ERROR: snprintf(kind, sizeof kind, "TLS handshake failed"); break;
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT: snprintf(kind, sizeof kind, "TLS error"); break;
    case CURLE_GOT_NOTHING:
        snprintf(kind, sizeof kind, "the server closed the connection without a response");
        break;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE: snprintf(kind, sizeof kind, "the connection broke"); break;
    case CURLE_TOO_MANY_REDIRECTS: snprintf(kind, sizeof kind, "too many redirects"); break;
    case CURLE_UNSUPPORTED_PROTOCOL:
        snprintf(kind, sizeof kind, "unsupported protocol (http and https only)");
        break;
    case CURLE_URL_MALFORMAT: snprintf(kind, sizeof kind, "malformed URL"); break;
    case CURLE_WRITE_ERROR:
    case CURLE_OUT_OF_MEMORY: snprintf(kind, sizeof kind, "out of memory"); break;
    default: snprintf(kind, sizeof kind, "%s", curl_easy_strerror(rc)); break;
    }
    char detail[sizeof t->curl_err];
    snprintf(detail, sizeof detail, "%s", t->curl_err[0] ? t->curl_err : curl_easy_strerror(rc));
    size_t n = strlen(detail);
    while (n && detail[n - 1] == '\n') detail[--n] = '\0';
    snprintf(t->curl_err, sizeof t->curl_err, "%s (%s)", kind, detail);
}


/* ---- a live attempt ------------------------------------------------------- */

/* The request's headers as libcurl's list. */
static CURLcode build_header_list(http_transfer *t) {
    if (t->req_headers) curl_slist_free_all(t->req_headers);
    t->req_headers = NULL;
    for (size_t at = 0; at < t->curl_lines.len; at += strlen(t->curl_lines.p + at) + 1) {
        struct curl_slist *l = curl_slist_append(t->req_headers, t->curl_lines.p + at);
        if (!l) {
            snprintf(t->curl_err, sizeof t->curl_err, "out of memory (request headers)");
            t->nomem = true;
            return CURLE_OUT_OF_MEMORY;
        }
        t->req_headers = l;
    }
    return CURLE_OK;
}

/* libcurl's progress callback: a nonzero return aborts the transfer
 * (CURLE_ABORTED_BY_CALLBACK) in the middle of receiving. */
static int on_progress(void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow) {
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    http_client *c = ((http_transfer *)user)->c;
    if (!c->stopped && c->stop) c->stopped = c->stop(c->stop_user);
    return c->stopped ? 1 : 0;
}

/* A handle from the client's pool, or a new one. The pool and the multi
 * handle keep connections open from one request to the next. */
static CURL *take_handle(http_client *c) {
    if (c->npool > 0) return c->pool[--c->npool];
    return curl_easy_init();
}

static void give_back(http_transfer *t) {
    http_client *c = t->c;
    if (!t->curl) return;
    curl_multi_remove_handle(c->multi, t->curl); /* ends a transfer still running */
    if (c->npool < HTTP_MAX_CONCURRENCY) c->pool[c->npool++] = t->curl;
    else curl_easy_cleanup(t->curl);
    t->curl = NULL;
}

static void set_options(http_transfer *t, CURL *h) {
    const http_request *req = &t->req;
    /* timeout is checked to be in (0, HTTP_MAX_SECONDS] (lib_http), so the
     * milliseconds fit a long; under 1 ms counts as 1 ms. */
    long ms = (long)ceil(req->set.timeout * 1000);
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, req->url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, ms > 0 ? ms : 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, ms > 0 ? ms : 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, t->curl_err);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "connector-lua/" CLUA_VERSION);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, t->req_headers);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, t);
    curl_easy_setopt(h, CURLOPT_PRIVATE, (void *)t); /* the run finds the transfer by it */
#if LIBCURL_VERSION_NUM >= 0x075700 /* 7.87.0 */
    /* A stopped request must not wait for a DNS lookup to finish. */
    curl_easy_setopt(h, CURLOPT_QUICK_EXIT, 1L);
#endif
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, req->set.verify ? 1L : 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, req->set.verify ? 2L : 0L);
    if (strcmp(req->method, "HEAD") == 0) {
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (strcmp(req->method, "GET") == 0 && !req->body) {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else {
        if (strcmp(req->method, "POST") != 0)
            curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
        if (req->body || strcmp(req->method, "POST") == 0) {
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                             (curl_off_t)(req->body ? req->body_len : 0));
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ? req->body : "");
        }
    }
}

int attempt_start(http_transfer *t) {
    http_client *c = t->c;
    if (curl_lazy_load(t->curl_err, sizeof t->curl_err) != 0) return CURLE_FAILED_INIT;
    if (build_header_list(t) != CURLE_OK) return CURLE_OUT_OF_MEMORY;
    if (!c->multi && !(c->multi = curl_multi_init())) {
        snprintf(t->curl_err, sizeof t->curl_err, "out of memory (curl_multi_init)");
        t->nomem = true;
        return CURLE_OUT_OF_MEMORY;
    }
    CURL *h = take_handle(c);
    if (!h) {
        snprintf(t->curl_err, sizeof t->curl_err, "out of memory (curl_easy_init)");
        t->nomem = true;
        return CURLE_OUT_OF_MEMORY;
    }
    set_options(t, h);
    t->curl = h;
    t->curl_err[0] = '\0';
    if (curl_multi_add_handle(c->multi, h) != CURLM_OK) {
        give_back(t);
        snprintf(t->curl_err, sizeof t->curl_err, "curl_multi_add_handle failed");
        return CURLE_FAILED_INIT;
    }
    return 0;
}

void attempt_abort(http_transfer *t) { give_back(t); }

int attempt_finish(http_transfer *t, int code) {
    CURLcode rc = (CURLcode)code;
    /* libcurl (7.x) fails a header line past its cap as out of memory. */
    bool line_cap = rc == CURLE_OUT_OF_MEMORY && t->in_headers && !t->over;
    if (line_cap) t->over = HTTP_OVER_HEADERS;
    if (rc == CURLE_OK) curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &t->status);
    else if (t->over) describe_over(t, line_cap);
    else describe_failure(t, rc);
    give_back(t);
    return (int)rc;
}

/* ---- replay and record ---------------------------------------------------- */

int attempt_replay(http_transfer *t) {
    const http_exchange *x = http_cassette_next(t->c->cassette, t->req.method,
                                                strbuf_cstr(&t->red), t->curl_err,
                                                sizeof t->curl_err);
    if (!x) return -1;
    if (x->error) {
        snprintf(t->curl_err, sizeof t->curl_err, "%s", x->error);
        return x->error_code;
    }
    t->status = x->status;
    /* The same bounds as a live response, whatever the cassette holds. */
    if (!body_fits(t, x->body_len)) {
        describe_over(t, false);
        return CURLE_WRITE_ERROR;
    }
    if (strbuf_puts(&t->headers, x->headers) != 0 ||
        strbuf_append(&t->body, x->body, x->body_len) != 0) {
        snprintf(t->curl_err, sizeof t->curl_err, "out of memory");
        t->nomem = true;
        return CURLE_OUT_OF_MEMORY;
    }
    t->c->held_bytes += x->body_len;
    return CURLE_OK;
}

/* Appends each "Name: value\n" line of block, redacted, to out. */
static int redact_lines(const redact_list *l, const char *block, size_t len, strbuf *out) {
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(block + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - block) : len;
        if (redact_header(l, block + i, end - i, out) != 0 || strbuf_putc(out, '\n') != 0)
            return -1;
        i = end + 1;
    }
    return 0;
}

/* Keeps the attempt just made, redacted, to be written to the cassette
 * when the run ends. */
int attempt_record(http_transfer *t, int code) {
    const http_client *c = t->c;
    const http_request *req = &t->req;
    strbuf rq = STRBUF_INIT, rb = STRBUF_INIT, hd = STRBUF_INIT, bd = STRBUF_INIT,
           er = STRBUF_INIT;
    int ok = redact_lines(c->secrets, strbuf_cstr(&t->req_lines), t->req_lines.len, &rq) == 0 &&
             (!req->body || redact_text(c->secrets, req->body, req->body_len, &rb) == 0) &&
             (code != CURLE_OK ||
              (redact_lines(c->secrets, strbuf_cstr(&t->headers), t->headers.len, &hd) == 0 &&
               redact_text(c->secrets, strbuf_cstr(&t->body), t->body.len, &bd) == 0)) &&
             (code == CURLE_OK ||
              redact_text(c->secrets, t->curl_err, strlen(t->curl_err), &er) == 0);
    if (ok && t->nheld == t->capheld) {
        size_t cap = t->capheld ? 2 * t->capheld : 2;
        http_exchange *more = realloc(t->held, cap * sizeof *more);
        if (more) {
            t->held = more;
            t->capheld = cap;
        }
        ok = more != NULL;
    }
    if (ok) {
        http_exchange x = {
            .method = (char *)req->method,
            .url = (char *)strbuf_cstr(&t->red),
            .req_headers = (char *)strbuf_cstr(&rq),
            .req_body = req->body ? (char *)strbuf_cstr(&rb) : NULL,
            .req_body_len = rb.len,
            .status = code == CURLE_OK ? t->status : 0,
            .headers = (char *)strbuf_cstr(&hd),
            .body = (char *)strbuf_cstr(&bd),
            .body_len = bd.len,
            .error_code = code,
            .error = code == CURLE_OK ? NULL : (char *)strbuf_cstr(&er),
        };
        ok = http_exchange_copy(&t->held[t->nheld], &x) == 0;
        if (ok) t->nheld++;
    }
    strbuf_free(&rq);
    strbuf_free(&rb);
    strbuf_free(&hd);
    strbuf_free(&bd);
    strbuf_free(&er);
    return ok ? 0 : -1;
}
