/* http_client: one HTTP request through libcurl, with retries, backoff, a
 * rate limit and bounds on what comes back, recorded to or replayed from
 * a cassette (see http_client.h). No Lua: lib_http.c is the binding that
 * reads a script's arguments and raises its errors. */
#include "http_client.h"

#include "curl_lazy.h"
#include "util.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

http_settings http_settings_default(void) {
    return (http_settings){.retries = 3, .backoff = 1.0, .max_delay = 60.0, .timeout = 30.0,
                           .per_second = 0.0, .verify = true,
                           .max_response_bytes = HTTP_DEFAULT_MAX_RESPONSE};
}

static double unix_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_seconds(double s) {
    if (!(s > 0)) return;
    struct timespec ts = {(time_t)s, (long)((s - floor(s)) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Whether the request must stop now; once it must, it stays stopped. */
static bool should_stop(http_client *c) {
    if (!c->stopped && c->stop) c->stopped = c->stop(c->stop_user);
    return c->stopped;
}

/* Waits s seconds (a back-off, the rate limit) in slices of
 * HTTP_STOP_POLL_MS, so a stop ends the wait at once. Returns whether a
 * stop came. */
static bool wait_unless_stopped(http_client *c, double s) {
    double end = util_mono_seconds() + s;
    for (;;) {
        if (should_stop(c)) return true;
        double left = end - util_mono_seconds();
        if (!(left > 0)) return false;
        sleep_seconds(left < HTTP_STOP_POLL_MS / 1000.0 ? left : HTTP_STOP_POLL_MS / 1000.0);
    }
}

/* xorshift64*: jitter needs no more. A value in [0, 1). */
static double random01(http_client *c) {
    c->rng ^= c->rng >> 12;
    c->rng ^= c->rng << 25;
    c->rng ^= c->rng >> 27;
    return (double)((c->rng * 0x2545F4914F6CDD1DULL) >> 11) / 9007199254740992.0;
}

void http_client_init(http_client *c, const logger *log, const redact_list *secrets,
                      http_cassette *cassette) {
    memset(c, 0, sizeof *c);
    c->log = log;
    c->secrets = secrets;
    c->cassette = cassette;
    c->defaults = http_settings_default();
    c->rng = ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid() ^ (uint64_t)(uintptr_t)c;
    if (!c->rng) c->rng = 88172645463325252ULL;
}

void http_client_free(http_client *c) {
    /* These exist only once libcurl is loaded. */
    if (c->curl) curl_easy_cleanup(c->curl);
    c->curl = NULL;
    if (c->multi) curl_multi_cleanup(c->multi);
    c->multi = NULL;
    if (c->req_headers) curl_slist_free_all(c->req_headers);
    c->req_headers = NULL;
    strbuf_free(&c->curl_lines);
    strbuf_free(&c->req_lines);
    strbuf_free(&c->headers);
    strbuf_free(&c->body);
    strbuf_free(&c->red);
    strbuf_free(&c->red2);
}

void http_client_trim(http_client *c) {
    if (c->body.cap > HTTP_KEEP_BYTES) strbuf_free(&c->body);
    if (c->headers.cap > HTTP_KEEP_BYTES) strbuf_free(&c->headers);
    if (c->red2.cap > HTTP_KEEP_BYTES) strbuf_free(&c->red2); /* a redacted body */
}

void http_client_clear_headers(http_client *c) {
    if (c->req_headers) curl_slist_free_all(c->req_headers);
    c->req_headers = NULL;
    strbuf_clear(&c->curl_lines);
    strbuf_clear(&c->req_lines);
}

int http_client_add_header(http_client *c, const char *name, size_t nlen, const char *value,
                           size_t vlen) {
    /* libcurl drops "Name:" with nothing after it; "Name;" sends it empty. */
    strbuf_clear(&c->red2);
    if (strbuf_append(&c->red2, name, nlen) != 0 ||
        strbuf_puts(&c->red2, vlen ? ": " : ";") != 0 || strbuf_append(&c->red2, value, vlen) != 0)
        return -1;
    /* Handed to libcurl at a live request (replay never loads it). */
    if (strbuf_append(&c->curl_lines, c->red2.p, c->red2.len + 1) != 0) return -1;
    if (strbuf_append(&c->req_lines, name, nlen) != 0 || strbuf_puts(&c->req_lines, ": ") != 0 ||
        strbuf_append(&c->req_lines, value, vlen) != 0 || strbuf_putc(&c->req_lines, '\n') != 0)
        return -1;
    return 0;
}

const char *http_client_redact(http_client *c, const char *text, size_t len, bool is_url) {
    strbuf_clear(&c->red2);
    int rc = is_url ? redact_url(c->secrets, text, len, &c->red2)
                    : redact_text(c->secrets, text, len, &c->red2);
    return rc == 0 ? strbuf_cstr(&c->red2) : "(out of memory)";
}

const char *http_reason(long status) {
    static const struct {
        long status;
        const char *reason;
    } reasons[] = {
        {200, "OK"},          {201, "Created"},          {202, "Accepted"},
        {204, "No Content"},  {301, "Moved Permanently"}, {302, "Found"},
        {304, "Not Modified"}, {400, "Bad Request"},      {401, "Unauthorized"},
        {403, "Forbidden"},   {404, "Not Found"},        {405, "Method Not Allowed"},
        {408, "Request Timeout"}, {409, "Conflict"},     {410, "Gone"},
        {422, "Unprocessable Content"}, {429, "Too Many Requests"},
        {500, "Internal Server Error"}, {501, "Not Implemented"}, {502, "Bad Gateway"},
        {503, "Service Unavailable"}, {504, "Gateway Timeout"},
    };
    for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
        if (reasons[i].status == status) return reasons[i].reason;
    return "";
}

double http_retry_after(const char *value, double now) {
    while (*value == ' ' || *value == '\t') value++;
    if (*value >= '0' && *value <= '9') {
        char *end;
        double s = strtod(value, &end);
        while (*end == ' ' || *end == '\t') end++;
        return *end == '\0' && isfinite(s) ? s : -1;
    }
    char err[256];
    if (curl_lazy_load(err, sizeof err) != 0) return -1; /* then back-off decides */
    time_t t = curl_getdate(value, NULL);
    if (t == -1) return -1;
    double d = (double)t - now;
    return d > 0 ? d : 0;
}

double http_backoff_delay(double backoff, double max_delay, int k, double random) {
    double d = backoff * pow(2.0, k - 1) * (0.5 + random / 2);
    return d < max_delay ? d : max_delay;
}

/* ---- one attempt -------------------------------------------------------- */

/* The value of the response header `name`, or NULL; in buf. */
static const char *response_header(const http_client *c, const char *name, char *buf, size_t cap) {
    size_t n = strlen(name);
    const char *p = strbuf_cstr(&c->headers);
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

/* Returning other than the length given ends the transfer with
 * CURLE_WRITE_ERROR; c->over then says why. */
static size_t on_header(char *p, size_t size, size_t n, void *user) {
    http_client *c = user;
    size_t len = size * n, l = len;
    /* Counted over every response of the attempt: a server cannot get past
     * the cap with 1xx responses or redirects. */
    if (len > HTTP_MAX_HEADER_BYTES - c->header_bytes) {
        c->over = HTTP_OVER_HEADERS;
        return 0;
    }
    c->header_bytes += len;
    while (l && (p[l - 1] == '\r' || p[l - 1] == '\n')) l--;
    if (l >= 5 && memcmp(p, "HTTP/", 5) == 0) { /* a new response: 1xx, a redirect */
        strbuf_clear(&c->headers);
        c->in_headers = true;
        return len;
    }
    if (l == 0) {
        c->in_headers = false;
        return len;
    }
    if (strbuf_append(&c->headers, p, l) != 0 || strbuf_putc(&c->headers, '\n') != 0) return 0;
    return len;
}

/* The Content-Length of the response being received, -1 when it has none
 * or its body is encoded (then it counts the encoded bytes, not the body). */
static curl_off_t plain_content_length(http_client *c) {
    curl_off_t cl = -1;
    char enc[64];
    if (response_header(c, "content-encoding", enc, sizeof enc) && strcasecmp(enc, "identity") != 0)
        return -1;
    if (curl_easy_getinfo(c->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl) != CURLE_OK) return -1;
    return cl;
}

/* The body's cap: the smaller of max_response_bytes and what
 * --memory-limit leaves. */
static void set_cap(http_client *c) {
    c->body_cap = c->max_response;
    c->body_cap_is = HTTP_OVER_MAX_RESPONSE;
    if (c->memory_limited && c->memory_left < c->body_cap) {
        c->body_cap = c->memory_left;
        c->body_cap_is = HTTP_OVER_MEMORY;
    }
}

/* Starts an attempt's bounds. */
static void start_bounds(http_client *c, const http_request *req) {
    c->over = HTTP_OVER_NONE;
    c->header_bytes = 0;
    c->in_headers = false;
    c->length_checked = false;
    c->announced = -1;
    c->max_response = req->set.max_response_bytes;
    c->memory_limited = req->memory_limited;
    c->memory_left = req->memory_left;
    c->more_memory = req->more_memory;
    c->more_memory_user = req->more_memory_user;
    set_cap(c);
}

/* Whether a body of total bytes is within the bounds; if not, c->over says
 * which it passes. Before the memory bound fails a body, more_memory may
 * make room, once, as Lua's allocator collects before it fails. */
static bool body_fits(http_client *c, uint64_t total) {
    if (total <= c->body_cap) return true;
    if (c->body_cap_is == HTTP_OVER_MEMORY && c->more_memory) {
        size_t (*more)(void *) = c->more_memory;
        c->more_memory = NULL;
        c->memory_left = more(c->more_memory_user);
        set_cap(c);
        if (total <= c->body_cap) return true;
    }
    c->over = c->body_cap_is;
    return false;
}

static size_t on_body(char *p, size_t size, size_t n, void *user) {
    http_client *c = user;
    size_t len = size * n;
    /* Refused at the first bytes when the server says the body is longer:
     * nothing of it is kept. */
    if (!c->length_checked) {
        c->length_checked = true;
        curl_off_t cl = plain_content_length(c);
        if (cl >= 0 && !body_fits(c, (uint64_t)cl)) {
            c->announced = (long long)cl;
            return 0;
        }
    }
    /* The decoded bytes, as they come: a gzip bomb stops at the cap. */
    if (!body_fits(c, (uint64_t)c->body.len + len)) return 0;
    return strbuf_append(&c->body, p, len) == 0 ? len : 0;
}

/* Says in c->curl_err why the response was too large; line_cap: libcurl
 * refused one header line (its own cap, 100 KiB), not this file. */
static void describe_over(http_client *c, const http_request *req, bool line_cap) {
    char len[64] = "";
    if (c->announced >= 0) snprintf(len, sizeof len, " (Content-Length: %lld)", c->announced);
    switch (c->over) {
    case HTTP_OVER_MAX_RESPONSE:
        snprintf(c->curl_err, sizeof c->curl_err,
                 "the response%s is larger than max_response_bytes (%zu bytes); raise it with "
                 "http.configure{max_response_bytes = ...}",
                 len, req->set.max_response_bytes);
        break;
    case HTTP_OVER_MEMORY:
        snprintf(c->curl_err, sizeof c->curl_err,
                 "the response%s is larger than what --memory-limit leaves the script (%zu bytes)",
                 len, c->memory_left);
        break;
    case HTTP_OVER_HEADERS:
        if (line_cap)
            snprintf(c->curl_err, sizeof c->curl_err,
                     "a response header line is longer than libcurl takes (100 KiB)");
        else
            snprintf(c->curl_err, sizeof c->curl_err,
                     "the response headers are larger than %zu bytes", HTTP_MAX_HEADER_BYTES);
        break;
    case HTTP_OVER_NONE: break;
    }
}

static bool retryable_code(long code) {
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

static bool retryable_status(long status) { return status == 429 || (status >= 500 && status <= 599); }

/* Describes a transport failure in c->curl_err: what went wrong, then
 * libcurl's own words. */
static void describe_failure(http_client *c, CURLcode rc, const http_request *req) {
    char kind[96];
    long os_errno = 0;
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST: snprintf(kind, sizeof kind, "DNS lookup failed"); break;
    case CURLE_COULDNT_RESOLVE_PROXY: snprintf(kind, sizeof kind, "proxy DNS lookup failed"); break;
    case CURLE_COULDNT_CONNECT:
        curl_easy_getinfo(c->curl, CURLINFO_OS_ERRNO, &os_errno);
        snprintf(kind, sizeof kind, "%s",
                 os_errno == ECONNREFUSED ? "connection refused" : "could not connect");
        break;
    case CURLE_OPERATION_TIMEDOUT:
        snprintf(kind, sizeof kind, "timed out after %g s", req->set.timeout);
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
    char detail[sizeof c->curl_err];
    snprintf(detail, sizeof detail, "%s", c->curl_err[0] ? c->curl_err : curl_easy_strerror(rc));
    size_t n = strlen(detail);
    while (n && detail[n - 1] == '\n') detail[--n] = '\0';
    snprintf(c->curl_err, sizeof c->curl_err, "%s (%s)", kind, detail);
}

/* The request's headers as libcurl's list. */
static CURLcode build_header_list(http_client *c) {
    if (c->req_headers) curl_slist_free_all(c->req_headers);
    c->req_headers = NULL;
    for (size_t at = 0; at < c->curl_lines.len; at += strlen(c->curl_lines.p + at) + 1) {
        struct curl_slist *l = curl_slist_append(c->req_headers, c->curl_lines.p + at);
        if (!l) {
            snprintf(c->curl_err, sizeof c->curl_err, "out of memory (request headers)");
            c->nomem = true;
            return CURLE_OUT_OF_MEMORY;
        }
        c->req_headers = l;
    }
    return CURLE_OK;
}

/* libcurl's progress callback: a nonzero return aborts the transfer
 * (CURLE_ABORTED_BY_CALLBACK) in the middle of receiving. */
static int on_progress(void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow) {
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    return should_stop(user) ? 1 : 0;
}

/* Runs the transfer of h on the client's multi handle (which keeps the
 * connections for the next request), looking at the stop at least every
 * HTTP_STOP_POLL_MS: curl_easy_perform would sleep up to a second between
 * two progress callbacks while the server is silent. */
static CURLcode transfer(http_client *c, CURL *h) {
    if (!c->multi && !(c->multi = curl_multi_init())) {
        snprintf(c->curl_err, sizeof c->curl_err, "out of memory (curl_multi_init)");
        c->nomem = true;
        return CURLE_OUT_OF_MEMORY;
    }
    if (curl_multi_add_handle(c->multi, h) != CURLM_OK) {
        snprintf(c->curl_err, sizeof c->curl_err, "curl_multi_add_handle failed");
        return CURLE_FAILED_INIT;
    }
    CURLcode rc = CURLE_OK;
    int running = 1;
    while (running) {
        if (curl_multi_perform(c->multi, &running) != CURLM_OK) {
            snprintf(c->curl_err, sizeof c->curl_err, "curl_multi_perform failed");
            rc = CURLE_FAILED_INIT;
            break;
        }
        if (running && should_stop(c)) {
            rc = CURLE_ABORTED_BY_CALLBACK;
            break;
        }
        if (running) curl_multi_poll(c->multi, NULL, 0, HTTP_STOP_POLL_MS, NULL);
    }
    CURLMsg *m;
    int left;
    while (!running && (m = curl_multi_info_read(c->multi, &left)))
        if (m->msg == CURLMSG_DONE && m->easy_handle == h) rc = m->data.result;
    curl_multi_remove_handle(c->multi, h); /* ends a transfer still running */
    return rc;
}

static CURLcode live_attempt(http_client *c, const http_request *req) {
    if (curl_lazy_load(c->curl_err, sizeof c->curl_err) != 0) return CURLE_FAILED_INIT;
    if (build_header_list(c) != CURLE_OK) return CURLE_OUT_OF_MEMORY;
    if (!c->curl && !(c->curl = curl_easy_init())) {
        snprintf(c->curl_err, sizeof c->curl_err, "out of memory (curl_easy_init)");
        c->nomem = true;
        return CURLE_OUT_OF_MEMORY;
    }
    CURL *h = c->curl;
    curl_easy_reset(h); /* keeps the connections open for the next request */
    c->curl_err[0] = '\0';
    /* timeout is checked to be in (0, HTTP_MAX_SECONDS] (lib_http), so the
     * milliseconds fit a long; under 1 ms counts as 1 ms. */
    long ms = (long)ceil(req->set.timeout * 1000);
    curl_easy_setopt(h, CURLOPT_URL, req->url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, ms > 0 ? ms : 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, ms > 0 ? ms : 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->curl_err);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "connector-lua/" CLUA_VERSION);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, c->req_headers);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, c);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, c);
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
    CURLcode rc = transfer(c, h);
    if (c->stopped) return rc;
    /* libcurl (7.x) fails a header line past its cap as out of memory. */
    bool line_cap = rc == CURLE_OUT_OF_MEMORY && c->in_headers && !c->over;
    if (line_cap) c->over = HTTP_OVER_HEADERS;
    if (rc == CURLE_OK) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &c->status);
    else if (c->over) describe_over(c, req, line_cap);
    else describe_failure(c, rc, req);
    return rc;
}

/* Serves the next exchange from the cassette. Returns its libcurl code, or
 * -1 when the request is not the recorded one (c->curl_err says why). */
static int replay_attempt(http_client *c, const http_request *req, const char *shown_url) {
    const http_exchange *x =
        http_cassette_next(c->cassette, req->method, shown_url, c->curl_err, sizeof c->curl_err);
    if (!x) return -1;
    if (x->error) {
        snprintf(c->curl_err, sizeof c->curl_err, "%s", x->error);
        return x->error_code;
    }
    c->status = x->status;
    /* The same bounds as a live response, whatever the cassette holds. */
    if (!body_fits(c, x->body_len)) {
        describe_over(c, req, false);
        return CURLE_WRITE_ERROR;
    }
    if (strbuf_puts(&c->headers, x->headers) != 0 ||
        strbuf_append(&c->body, x->body, x->body_len) != 0) {
        snprintf(c->curl_err, sizeof c->curl_err, "out of memory");
        c->nomem = true;
        return CURLE_OUT_OF_MEMORY;
    }
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

/* Writes the attempt just made to the cassette, redacted. */
static int record(http_client *c, const http_request *req, const char *shown_url, CURLcode rc) {
    strbuf rq = STRBUF_INIT, rb = STRBUF_INIT, hd = STRBUF_INIT, bd = STRBUF_INIT,
           er = STRBUF_INIT;
    int ok = redact_lines(c->secrets, strbuf_cstr(&c->req_lines), c->req_lines.len, &rq) == 0 &&
             (!req->body || redact_text(c->secrets, req->body, req->body_len, &rb) == 0) &&
             (rc != CURLE_OK ||
              (redact_lines(c->secrets, strbuf_cstr(&c->headers), c->headers.len, &hd) == 0 &&
               redact_text(c->secrets, strbuf_cstr(&c->body), c->body.len, &bd) == 0)) &&
             (rc == CURLE_OK || redact_text(c->secrets, c->curl_err, strlen(c->curl_err), &er) == 0);
    if (ok) {
        http_exchange x = {
            .method = (char *)req->method,
            .url = (char *)shown_url,
            .req_headers = (char *)strbuf_cstr(&rq),
            .req_body = req->body ? (char *)strbuf_cstr(&rb) : NULL,
            .req_body_len = rb.len,
            .status = rc == CURLE_OK ? c->status : 0,
            .headers = (char *)strbuf_cstr(&hd),
            .body = (char *)strbuf_cstr(&bd),
            .body_len = bd.len,
            .error_code = (int)rc,
            .error = rc == CURLE_OK ? NULL : (char *)strbuf_cstr(&er),
        };
        http_cassette_add(c->cassette, &x); /* a write failure fails the sync at the end */
    }
    strbuf_free(&rq);
    strbuf_free(&rb);
    strbuf_free(&hd);
    strbuf_free(&bd);
    strbuf_free(&er);
    return ok ? 0 : -1;
}

/* Waits for the rate limit; returns whether a stop came instead. */
static bool rate_wait(http_client *c, double per_second) {
    if (per_second > 0 && c->last_start > 0 &&
        wait_unless_stopped(c, c->last_start + 1.0 / per_second - util_mono_seconds()))
        return true;
    c->last_start = util_mono_seconds();
    return false;
}

/* "429 Too Many Requests" */
static const char *status_text(long status, char *buf, size_t cap) {
    const char *r = http_reason(status);
    snprintf(buf, cap, "%ld%s%s", status, *r ? " " : "", r);
    return buf;
}

int http_client_perform(http_client *c, const http_request *req) {
    strbuf_clear(&c->red);
    c->nomem = false;
    if (redact_url(c->secrets, req->url, strlen(req->url), &c->red) != 0) {
        snprintf(c->err, sizeof c->err, "%s: out of memory", req->method);
        c->nomem = true;
        return -1;
    }
    const char *url = strbuf_cstr(&c->red);
    bool replaying = c->cassette && http_cassette_replaying(c->cassette);
    int max = 1 + (req->set.retries > 0 ? req->set.retries : 0);
    int rc = 0;
    char st[64], buf[256];
    c->stopped = false;
    for (int k = 1;; k++) {
        c->attempts = k;
        c->status = 0;
        strbuf_clear(&c->headers);
        strbuf_clear(&c->body);
        start_bounds(c, req);
        double t0 = util_mono_seconds();
        if (should_stop(c) || (!replaying && rate_wait(c, req->set.per_second))) break;
        if (replaying) {
            rc = replay_attempt(c, req, url);
            if (rc < 0) {
                snprintf(c->err, sizeof c->err, "%s %s: %s", req->method, url, c->curl_err);
                return -1;
            }
        } else {
            t0 = util_mono_seconds();
            rc = (int)live_attempt(c, req);
            if (c->stopped) break; /* not an exchange: nothing to record or retry */
            if (c->cassette && record(c, req, url, (CURLcode)rc) != 0) {
                snprintf(c->err, sizeof c->err, "%s %s: cannot record: out of memory",
                         req->method, url);
                c->nomem = true;
                return -1;
            }
        }
        if (log_enabled(c->log, CLUA_LOG_FINE))
            log_printf(c->log, CLUA_LOG_FINE, "FINE", "http: %s %s: %s (%.3f s)", req->method, url,
                       rc ? http_client_redact(c, c->curl_err, strlen(c->curl_err), false)
                          : status_text(c->status, st, sizeof st),
                       util_mono_seconds() - t0);
        /* A response too large is as large the next time. */
        if (c->over || (rc ? !retryable_code(rc) : !retryable_status(c->status))) break;
        const char *what = rc ? http_client_redact(c, c->curl_err, strlen(c->curl_err), false)
                              : status_text(c->status, st, sizeof st);
        if (k >= max) {
            if (!rc && max > 1)
                log_printf(c->log, CLUA_LOG_WARNING, "WARNING",
                           "http: %s %s: still %s after %d attempts", req->method, url, what, k);
            break;
        }
        const char *ra = rc ? NULL : response_header(c, "retry-after", buf, sizeof buf);
        double wait = ra ? http_retry_after(ra, unix_now()) : -1;
        if (wait > req->set.max_delay) {
            log_printf(c->log, CLUA_LOG_WARNING, "WARNING",
                       "http: %s %s: %s asks to retry after %s, longer than max_delay %g s: "
                       "not retrying",
                       req->method, url, what, ra, req->set.max_delay);
            break;
        }
        if (wait < 0) wait = http_backoff_delay(req->set.backoff, req->set.max_delay, k, random01(c));
        log_printf(c->log, CLUA_LOG_INFO, "INFO",
                   "http: %s %s: %s; retry %d of %d in %.2f s (%s%s%s)", req->method, url, what, k,
                   max - 1, wait, ra ? "Retry-After: " : "backoff", ra ? ra : "",
                   replaying ? "; replay: not waiting" : "");
        if (!replaying && wait_unless_stopped(c, wait)) break;
    }
    if (c->over) strbuf_free(&c->body); /* what came before the cap, now of no use */
    if (c->stopped) {
        snprintf(c->err, sizeof c->err, "%s %s: stopped", req->method, url);
        return -1;
    }
    if (rc) {
        const char *detail = http_client_redact(c, c->curl_err, strlen(c->curl_err), false);
        if (c->over)
            snprintf(c->err, sizeof c->err, "%s %s: %s", req->method, url, detail);
        else if (c->attempts > 1)
            snprintf(c->err, sizeof c->err, "%s %s failed after %d attempts: %s", req->method, url,
                     c->attempts, detail);
        else snprintf(c->err, sizeof c->err, "%s %s failed: %s", req->method, url, detail);
        return -1;
    }
    return 0;
}
