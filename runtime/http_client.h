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
 * retry is logged at INFO. Replayed requests never wait. */
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
} http_settings;

http_settings http_settings_default(void);

/* What a script may set (http.configure, a request's options): seconds. */
#define HTTP_MAX_SECONDS 86400.0     /* timeout, backoff, max_delay: a day */
#define HTTP_MAX_PER_SECOND 1000000.0 /* rate_limit.per_second, from 1/HTTP_MAX_SECONDS */

/* The longest a stop waits to be seen, in a transfer or a wait. */
#define HTTP_STOP_POLL_MS 50

typedef struct http_request {
    const char *method; /* "GET", "POST", ... */
    const char *url;    /* with its query string */
    const char *body;   /* NULL: no body */
    size_t body_len;
    http_settings set;
} http_request;

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

/* Starts a new request's header list, then adds "name: value" to it.
 * Returns 0, or -1 when memory runs out. */
void http_client_clear_headers(http_client *c);
int http_client_add_header(http_client *c, const char *name, size_t nlen, const char *value,
                           size_t vlen);

/* Sends the request with the headers added since the last clear, retrying
 * as the settings say. Returns 0 with c->status, c->headers and c->body
 * set (whatever the status), or -1 with c->err set (and c->stopped when
 * c->stop ended it: within HTTP_STOP_POLL_MS, in a transfer or a wait), e.g.
 *   GET https://x.invalid/a?api_key=*** failed: DNS lookup failed (Could not resolve host: x.invalid)
 *   GET http://127.0.0.1:1/ failed after 4 attempts: connection refused (...) */
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
