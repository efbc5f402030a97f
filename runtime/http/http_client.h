/* http_client: HTTP requests with libcurl, one or many at once, retried
 * and rate-limited, recorded to or replayed from a cassette. No Lua here:
 * lib_http.c is the binding. Everything a request needs that outlives a
 * call (the CURL handles, the header lists, the response buffers, the
 * error text) lives in the http_client struct or an http_transfer, so the
 * binding can raise a Lua error at any point without leaking.
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
 * fails the request at once, without a retry.
 *
 * Concurrency: a run (http_client_run) is any number of requests, kept
 * going a few at a time through libcurl's multi interface from this one
 * thread; a single request is a run of one, so both share one life of a
 * transfer: set up, attempt, retry decision, completion. */
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
     * (the body becomes a Lua string). Only http_client_perform reads
     * these; a run takes them as its http_budget. */
    bool memory_limited;
    size_t memory_left;
    /* Asked at most once, when the body is about to pass memory_left: may
     * free memory (Lua's emergency collection) and returns what is left
     * now. NULL: never asked. */
    size_t (*more_memory)(void *user);
    void *more_memory_user;
} http_request;

/* What the bodies of one run may hold together: with memory_limited, the
 * sum of the bodies being received and received stays within memory_left
 * (they all become Lua strings); more_memory is asked at most once per
 * run, as for one request. */
typedef struct http_budget {
    bool memory_limited;
    size_t memory_left;
    size_t (*more_memory)(void *user);
    void *more_memory_user;
} http_budget;

/* Why a request failed for the size of its response. */
typedef enum http_over {
    HTTP_OVER_NONE,
    HTTP_OVER_MAX_RESPONSE, /* the body passed max_response_bytes */
    HTTP_OVER_MEMORY,       /* the bodies passed the run's memory_left */
    HTTP_OVER_HEADERS,      /* the headers passed HTTP_MAX_HEADER_BYTES (or libcurl's caps) */
} http_over;

struct http_client;

/* One request of a run, from its first attempt to its result: what it
 * asks (req, pointing at its own buffers when built with the functions
 * below), what came back, and where it is in its life. A transfer owns
 * everything it holds; http_transfer_free releases it, whatever state it
 * was left in, so it can live in a Lua userdata with __gc. */
typedef struct http_transfer {
    http_request req;
    char method[24];
    strbuf url;   /* the URL with its query string, when built here */
    strbuf send;  /* the body to send, when built here */
    struct curl_slist *req_headers; /* the request's headers, for libcurl */
    strbuf curl_lines;              /* the same as NUL-ended lines, until libcurl is loaded */
    strbuf req_lines;               /* the same, as "Name: value\n" lines */

    /* The result, once the run is over. */
    int result;      /* 0: a response (whatever its status); -1: err says why */
    long status;
    strbuf headers;  /* "Name: value\n" lines of the final response */
    strbuf body;
    int attempts;
    http_over over;  /* HTTP_OVER_NONE unless the response was too large */
    bool stopped;    /* ended by the client's stop */
    bool nomem;      /* failed for want of memory (ours, not a server's) */
    bool not_recorded; /* replay: the cassette holds another request here */
    char err[2048];  /* the failure, redacted */

    /* Its life in a run (http_client.c, http_attempt.c). */
    struct http_client *c;
    int state;          /* waiting, running, done */
    double wake;        /* waiting: the monotonic time it may start again */
    double t0;          /* when the attempt started */
    void *curl;         /* CURL *, from the client's pool while running */
    int rc;             /* the attempt's libcurl code */
    size_t header_bytes;    /* header bytes of the attempt so far */
    bool in_headers;        /* between a status line and the blank line after it */
    bool length_checked;    /* Content-Length looked at, at the first body bytes */
    long long announced;    /* the Content-Length that refused the body, or -1 */
    strbuf red;             /* the URL, redacted */
    struct http_exchange *held; /* recording: its exchanges, written when the run ends */
    size_t nheld, capheld;
    char curl_err[256];     /* CURL_ERROR_SIZE */
} http_transfer;

/* The most transfers a run keeps going at once. */
#define HTTP_MAX_CONCURRENCY 64

typedef struct http_client {
    const logger *log;
    const redact_list *secrets;
    http_cassette *cassette; /* NULL, or recording or replaying */
    http_settings defaults;  /* http.configure{} */

    /* Asked before and during every attempt and wait; true stops the
     * run at once (a signal, --timeout). NULL: never. */
    bool (*stop)(void *user);
    void *stop_user;
    bool stopped; /* the last run ended because stop said so */

    http_transfer one; /* the request of http_client_perform */

    void *multi;                          /* CURLM * that runs the transfers */
    void *pool[HTTP_MAX_CONCURRENCY];     /* CURL * handles not in use */
    int npool;

    /* The run under way. */
    http_budget budget;
    size_t held_bytes;   /* the bodies of the run, received so far */
    size_t run_size;     /* how many transfers it has */

    strbuf red2;            /* scratch: redacted copies */
    double last_start;      /* when the last attempt started (rate limit) */
    uint64_t rng;           /* jitter */
} http_client;

/* Sets up c without allocating anything; cassette may be NULL. */
void http_client_init(http_client *c, const logger *log, const redact_list *secrets,
                      http_cassette *cassette);
void http_client_free(http_client *c);

/* Frees the response's buffers when they are larger than HTTP_KEEP_BYTES:
 * a large body, once handed over, is not kept until the next request. */
#define HTTP_KEEP_BYTES ((size_t)1024 * 1024)
void http_client_trim(http_client *c);
void http_transfer_trim(http_transfer *t);

/* Releases everything t holds and zeroes it; a zeroed transfer is empty. */
void http_transfer_free(http_transfer *t);

/* Starts a new request's header list, then adds "name: value" to it.
 * Returns 0, or -1 when memory runs out. The http_client_ forms work on
 * c->one. */
void http_transfer_clear_headers(http_transfer *t);
int http_transfer_add_header(http_transfer *t, const char *name, size_t nlen, const char *value,
                             size_t vlen);
void http_client_clear_headers(http_client *c);
int http_client_add_header(http_client *c, const char *name, size_t nlen, const char *value,
                           size_t vlen);

/* Runs the n transfers (their req set, their headers added), at most
 * concurrency (1..HTTP_MAX_CONCURRENCY) at a time through one libcurl
 * multi handle, each retried as its settings say: a transfer waiting to
 * retry waits without holding up the others, and every attempt waits for
 * the rate limit shared by the client. Replayed transfers run one after
 * the other, in order. When the run ends, each transfer has its result
 * (0 with status, headers and body; or -1 with err), and a recording
 * holds the exchanges of transfer 1, then 2, ... in that order. A stop
 * ends every transfer within HTTP_STOP_POLL_MS (c->stopped, and each
 * unfinished one fails as stopped). Returns the number that failed. */
size_t http_client_run(http_client *c, http_transfer *ts, size_t n, int concurrency,
                       const http_budget *budget);

/* One request, as a run of one: c->one with req (its memory fields as the
 * budget) and the headers added since the last clear. Returns 0 with
 * c->one.status, headers and body set (whatever the status), or -1 with
 * c->one.err set (and c->stopped when c->stop ended it; c->one.over when
 * the response was too large), e.g.
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
