/* http_client: one HTTP request with libcurl, retried and rate-limited,
 * recorded to or replayed from a cassette. No Lua here: lib_http.c is the
 * binding. Everything a request needs that outlives a call (the CURL
 * handle, the header list, the response buffers, the error text) lives in
 * the http_client struct, so the binding can raise a Lua error at any
 * point without leaking.
 *
 * Retries: a transport failure that may pass (DNS, connect, timeout, a
 * broken transfer, a TLS handshake), a 429 and any 5xx are tried again, up
 * to `retries` more times. The wait before retry k is backoff * 2^(k-1),
 * times a random factor between 0.5 and 1 (jitter), at most max_delay; a
 * Retry-After header (seconds or an HTTP date) replaces it, and when it
 * asks for more than max_delay the response is returned as it is. Each
 * retry is logged at INFO. Replayed requests never wait.
 *
 * Bounds: a response body is counted as it arrives, decoded (after gzip,
 * deflate, ...), and the transfer ends as soon as it passes the request's
 * max_response_bytes, or what --memory-limit leaves the script when the
 * request has a memory budget; a Content-Length past the cap ends it at
 * the first bytes. Headers (all the responses of one attempt: 1xx,
 * redirects, the final one) are capped at HTTP_MAX_HEADER_BYTES. Either
 * fails the request at once, without a retry. */
#ifndef CLUA_HTTP_CLIENT_H
#define CLUA_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http_cassette.h"
#include "log.h"
#include "redact.h"
#include "strbuf.h"

typedef struct http_settings {
    int retries;       /* attempts after the first (default 3) */
    double backoff;    /* first wait, seconds (default 1) */
    double max_delay;  /* longest wait, seconds (default 60) */
    double timeout;    /* per attempt, seconds (default 30) */
    double per_second; /* at most this many requests a second; 0: no limit */
    bool verify;       /* verify TLS certificates and host names (default true) */
    size_t max_response_bytes; /* the longest decoded body (default HTTP_DEFAULT_MAX_RESPONSE) */
} http_settings;

http_settings http_settings_default(void);

/* What a script may set (http.configure, a request's options): seconds. */
#define HTTP_MAX_SECONDS 86400.0     /* timeout, backoff, max_delay: a day */
#define HTTP_MAX_PER_SECOND 1000000.0 /* rate_limit.per_second, from 1/HTTP_MAX_SECONDS */

/* max_response_bytes: 256 MiB unless configured, from 1 byte to 1 TiB. */
#define HTTP_DEFAULT_MAX_RESPONSE ((size_t)256 * 1024 * 1024)
#define HTTP_MAX_MAX_RESPONSE ((size_t)1 << 40)

/* The response headers of one attempt, in all. Under libcurl's own cap
 * (300 KiB since 7.88, where it fails as a broken connection and would be
 * retried), so that this one, with its clear message, is met first. */
#define HTTP_MAX_HEADER_BYTES ((size_t)256 * 1024)

/* The longest a stop waits to be seen, in a transfer or a wait. */
#define HTTP_STOP_POLL_MS 50

typedef struct http_request {
    const char *method; /* "GET", "POST", ... */
    const char *url;    /* with its query string */
    const char *body;   /* NULL: no body */
    size_t body_len;
    http_settings set;
    /* With memory_limited, the body may also hold no more than memory_left
     * bytes: what --memory-limit leaves the script as the request starts
     * (the body becomes a Lua string). */
    bool memory_limited;
    size_t memory_left;
    /* Asked at most once, when the body is about to pass memory_left: may
     * free memory (Lua's emergency collection) and returns what is left
     * now. NULL: never asked. */
    size_t (*more_memory)(void *user);
    void *more_memory_user;
} http_request;

/* Why the last request failed for the size of its response. */
typedef enum http_over {
    HTTP_OVER_NONE,
    HTTP_OVER_MAX_RESPONSE, /* the body passed max_response_bytes */
    HTTP_OVER_MEMORY,       /* the body passed the request's memory_left */
    HTTP_OVER_HEADERS,      /* the headers passed HTTP_MAX_HEADER_BYTES (or libcurl's caps) */
} http_over;

typedef struct http_client {
    const logger *log;
    const redact_list *secrets;
    http_cassette *cassette; /* NULL, or recording or replaying */
    http_settings defaults;  /* http.configure{} */

    /* Asked before and during every attempt and wait; true stops the
     * request at once (a signal, --timeout). NULL: never. */
    bool (*stop)(void *user);
    void *stop_user;
    bool stopped; /* the last request ended because stop said so */
    bool nomem;   /* the last request failed for want of memory (ours, not a server's) */

    void *curl;                     /* CURL *, made at the first live request */
    void *multi;                    /* CURLM * that runs it, so a stop is seen between polls */
    struct curl_slist *req_headers; /* the request's headers, for libcurl */
    strbuf curl_lines;              /* the same as NUL-ended lines, until libcurl is loaded */
    strbuf req_lines;               /* the same, as "Name: value\n" lines */

    /* The response of the last request. */
    long status;
    strbuf headers; /* "Name: value\n" lines of the final response */
    strbuf body;
    int attempts;
    http_over over;         /* HTTP_OVER_NONE unless the response was too large */
    size_t body_cap;        /* the attempt's cap: the smaller of the two bounds */
    http_over body_cap_is;  /* which of them it is */
    size_t max_response;    /* the request's bounds, for the callbacks */
    bool memory_limited;
    size_t memory_left;
    size_t (*more_memory)(void *user); /* NULL once asked */
    void *more_memory_user;
    size_t header_bytes;    /* header bytes of the attempt so far */
    bool in_headers;        /* between a status line and the blank line after it */
    bool length_checked;    /* Content-Length looked at, at the first body bytes */
    long long announced;    /* the Content-Length that refused the body, or -1 */
    char err[2048]; /* the last failure, redacted */

    strbuf red, red2;       /* scratch: redacted copies */
    double last_start;      /* when the last request started (rate limit) */
    uint64_t rng;           /* jitter */
    char curl_err[256];     /* CURL_ERROR_SIZE */
} http_client;

/* Sets up c without allocating anything; cassette may be NULL. */
void http_client_init(http_client *c, const logger *log, const redact_list *secrets,
                      http_cassette *cassette);
void http_client_free(http_client *c);

/* Frees the response's buffers when they are larger than HTTP_KEEP_BYTES:
 * a large body, once handed over, is not kept until the next request. */
#define HTTP_KEEP_BYTES ((size_t)1024 * 1024)
void http_client_trim(http_client *c);

/* Starts a new request's header list, then adds "name: value" to it.
 * Returns 0, or -1 when memory runs out. */
void http_client_clear_headers(http_client *c);
int http_client_add_header(http_client *c, const char *name, size_t nlen, const char *value,
                           size_t vlen);

/* Sends the request with the headers added since the last clear, retrying
 * as the settings say. Returns 0 with c->status, c->headers and c->body
 * set (whatever the status), or -1 with c->err set (and c->stopped when
 * c->stop ended it: within HTTP_STOP_POLL_MS, in a transfer or a wait; and
 * c->over when the response was too large), e.g.
 *   GET https://x.invalid/a?api_key=*** failed: DNS lookup failed (Could not resolve host: x.invalid)
 *   GET http://127.0.0.1:1/ failed after 4 attempts: connection refused (...)
 *   GET http://127.0.0.1:8765/big: the response is larger than max_response_bytes (1048576 bytes); raise it with http.configure{max_response_bytes = ...} */
int http_client_perform(http_client *c, const http_request *req);

/* text with the secrets masked (a URL's secret parameters too when
 * is_url); the result lives in c until the next call. */
const char *http_client_redact(http_client *c, const char *text, size_t len, bool is_url);

/* "Not Found" for 404; "" for a status it does not know. */
const char *http_reason(long status);

/* The wait a Retry-After value asks for, in seconds, now being the current
 * Unix time; -1 when the value is neither a number of seconds nor an HTTP
 * date. A date in the past gives 0. */
double http_retry_after(const char *value, double now);

/* The wait before retry k (1, 2, ...): backoff * 2^(k-1) * (0.5 + random/2),
 * at most max_delay; random is in [0, 1). */
double http_backoff_delay(double backoff, double max_delay, int k, double random);

#endif
