/* http_client: HTTP requests through libcurl's multi interface, one or
 * many at once, with retries, backoff, a shared rate limit and bounds on
 * what comes back, recorded to or replayed from a cassette (see
 * http_client.h). Here is the life of a transfer (start, retry decision,
 * completion) and the run that drives many; http_attempt.c is one
 * attempt's libcurl details. No Lua: lib_http.c is the binding that reads
 * a script's arguments and raises its errors. */
#include "http_client.h"

#include "curl_lazy.h"
#include "http_attempt.h"
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

/* Whether the run must stop now; once it must, it stays stopped. */
static bool should_stop(http_client *c) {
    if (!c->stopped && c->stop) c->stopped = c->stop(c->stop_user);
    return c->stopped;
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

void http_transfer_free(http_transfer *t) {
    /* A list exists only once libcurl is loaded. */
    if (t->req_headers) curl_slist_free_all(t->req_headers);
    strbuf_free(&t->url);
    strbuf_free(&t->send);
    strbuf_free(&t->curl_lines);
    strbuf_free(&t->req_lines);
    strbuf_free(&t->headers);
    strbuf_free(&t->body);
    strbuf_free(&t->red);
    for (size_t i = 0; i < t->nheld; i++) http_exchange_free(&t->held[i]);
    free(t->held);
    memset(t, 0, sizeof *t);
}

void http_client_free(http_client *c) {
    http_transfer_free(&c->one);
    /* These exist only once libcurl is loaded. */
    for (int i = 0; i < c->npool; i++) curl_easy_cleanup(c->pool[i]);
    c->npool = 0;
    if (c->multi) curl_multi_cleanup(c->multi);
    c->multi = NULL;
    strbuf_free(&c->red2);
}

void http_transfer_trim(http_transfer *t) {
    if (t->body.cap > HTTP_KEEP_BYTES) strbuf_free(&t->body);
    if (t->headers.cap > HTTP_KEEP_BYTES) strbuf_free(&t->headers);
    if (t->send.cap > HTTP_KEEP_BYTES) strbuf_free(&t->send);
}

void http_client_trim(http_client *c) {
    http_transfer_trim(&c->one);
    if (c->red2.cap > HTTP_KEEP_BYTES) strbuf_free(&c->red2); /* a redacted body */
}

void http_transfer_clear_headers(http_transfer *t) {
    if (t->req_headers) curl_slist_free_all(t->req_headers);
    t->req_headers = NULL;
    strbuf_clear(&t->curl_lines);
    strbuf_clear(&t->req_lines);
}

int http_transfer_add_header(http_transfer *t, const char *name, size_t nlen, const char *value,
                             size_t vlen) {
    /* libcurl drops "Name:" with nothing after it; "Name;" sends it empty.
     * Handed to libcurl at a live request (replay never loads it). */
    if (strbuf_append(&t->curl_lines, name, nlen) != 0 ||
        strbuf_puts(&t->curl_lines, vlen ? ": " : ";") != 0 ||
        strbuf_append(&t->curl_lines, value, vlen) != 0 || strbuf_putc(&t->curl_lines, '\0') != 0)
        return -1;
    if (strbuf_append(&t->req_lines, name, nlen) != 0 || strbuf_puts(&t->req_lines, ": ") != 0 ||
        strbuf_append(&t->req_lines, value, vlen) != 0 || strbuf_putc(&t->req_lines, '\n') != 0)
        return -1;
    return 0;
}

void http_client_clear_headers(http_client *c) { http_transfer_clear_headers(&c->one); }

int http_client_add_header(http_client *c, const char *name, size_t nlen, const char *value,
                           size_t vlen) {
    return http_transfer_add_header(&c->one, name, nlen, value, vlen);
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

/* ---- the life of a transfer ---------------------------------------------- */

/* "429 Too Many Requests" */
static const char *status_text(long status, char *buf, size_t cap) {
    const char *r = http_reason(status);
    snprintf(buf, cap, "%ld%s%s", status, *r ? " " : "", r);
    return buf;
}

static bool replaying(const http_client *c) {
    return c->cassette && http_cassette_replaying(c->cassette);
}

/* The transfer is over: its result, and its message when it failed. */
static void finish(http_transfer *t) {
    const char *method = t->req.method, *url = strbuf_cstr(&t->red);
    t->state = HTTP_T_DONE;
    if (t->over) attempt_drop_body(t); /* what came before the cap, now of no use */
    t->result = t->stopped || t->rc ? -1 : 0;
    if (t->stopped) {
        snprintf(t->err, sizeof t->err, "%s %s: stopped", method, url);
    } else if (t->rc) {
        const char *detail = http_client_redact(t->c, t->curl_err, strlen(t->curl_err), false);
        if (t->over)
            snprintf(t->err, sizeof t->err, "%s %s: %s", method, url, detail);
        else if (t->attempts > 1)
            snprintf(t->err, sizeof t->err, "%s %s failed after %d attempts: %s", method, url,
                     t->attempts, detail);
        else snprintf(t->err, sizeof t->err, "%s %s failed: %s", method, url, detail);
    }
}

/* Fails the transfer at once with what after its method and URL, never
 * retried. */
static void fail_now(http_transfer *t, const char *what) {
    snprintf(t->err, sizeof t->err, "%s %s: %s", t->req.method, strbuf_cstr(&t->red), what);
    t->state = HTTP_T_DONE;
    t->result = -1;
    if (t->over) attempt_drop_body(t);
}

/* An attempt ended with rc (a libcurl code; 0: a response; -1: replay
 * found another request): records it, logs it, and decides between done
 * and a retry after a wait (back-off or Retry-After; none in a replay). */
static void complete(http_client *c, http_transfer *t, int rc) {
    const char *method = t->req.method, *url = strbuf_cstr(&t->red);
    bool replay = replaying(c);
    char st[64], buf[256];
    t->rc = rc;
    if (rc < 0) {
        t->not_recorded = true;
        fail_now(t, t->curl_err);
        return;
    }
    if (c->cassette && !replay && attempt_record(t, rc) != 0) {
        t->nomem = true;
        fail_now(t, "cannot record: out of memory");
        return;
    }
    if (log_enabled(c->log, CLUA_LOG_FINE))
        log_printf(c->log, CLUA_LOG_FINE, "FINE", "http: %s %s: %s (%.3f s)", method, url,
                   rc ? http_client_redact(c, t->curl_err, strlen(t->curl_err), false)
                      : status_text(t->status, st, sizeof st),
                   util_mono_seconds() - t->t0);
    /* A response too large is as large the next time. */
    if (t->over || (rc ? !attempt_retryable_code(rc) : !attempt_retryable_status(t->status))) {
        finish(t);
        return;
    }
    const char *what = rc ? http_client_redact(c, t->curl_err, strlen(t->curl_err), false)
                          : status_text(t->status, st, sizeof st);
    int max = 1 + (t->req.set.retries > 0 ? t->req.set.retries : 0);
    if (t->attempts >= max) {
        if (!rc && max > 1)
            log_printf(c->log, CLUA_LOG_WARNING, "WARNING",
                       "http: %s %s: still %s after %d attempts", method, url, what, t->attempts);
        finish(t);
        return;
    }
    const char *ra = rc ? NULL : attempt_response_header(t, "retry-after", buf, sizeof buf);
    double wait = ra ? http_retry_after(ra, unix_now()) : -1;
    if (wait > t->req.set.max_delay) {
        log_printf(c->log, CLUA_LOG_WARNING, "WARNING",
                   "http: %s %s: %s asks to retry after %s, longer than max_delay %g s: "
                   "not retrying",
                   method, url, what, ra, t->req.set.max_delay);
        finish(t);
        return;
    }
    if (wait < 0)
        wait = http_backoff_delay(t->req.set.backoff, t->req.set.max_delay, t->attempts,
                                  random01(c));
    log_printf(c->log, CLUA_LOG_INFO, "INFO", "http: %s %s: %s; retry %d of %d in %.2f s (%s%s%s)",
               method, url, what, t->attempts, max - 1, wait, ra ? "Retry-After: " : "backoff",
               ra ? ra : "", replay ? "; replay: not waiting" : "");
    t->state = HTTP_T_WAITING;
    t->wake = util_mono_seconds() + (replay ? 0 : wait);
}

/* Starts the transfer's next attempt. A replayed one is served, and so
 * completed, at once; a live one runs on the multi handle. */
static void start(http_client *c, http_transfer *t, bool replay) {
    t->attempts++;
    attempt_reset(t);
    t->t0 = util_mono_seconds();
    if (replay) {
        complete(c, t, attempt_replay(t));
        return;
    }
    int rc = attempt_start(t);
    if (rc) complete(c, t, rc);
    else t->state = HTTP_T_RUNNING;
}

/* Whether the rate limit holds the next attempt back; if so, *next is no
 * later than when it may start. Otherwise the attempt starts now. */
static bool rate_gated(http_client *c, double per_second, double *next) {
    double now = util_mono_seconds();
    if (per_second > 0 && c->last_start > 0) {
        double at = c->last_start + 1.0 / per_second;
        if (now < at) {
            if (at < *next) *next = at;
            return true;
        }
    }
    c->last_start = now;
    return false;
}

/* Sets up the transfers of a run; returns how many are not done. */
static size_t run_begin(http_client *c, http_transfer *ts, size_t n) {
    size_t left = 0;
    for (size_t i = 0; i < n; i++) {
        http_transfer *t = &ts[i];
        t->c = c;
        t->attempts = 0;
        t->rc = 0;
        t->stopped = t->nomem = t->not_recorded = false;
        t->err[0] = '\0';
        t->curl = NULL;
        strbuf_clear(&t->body); /* a body of the last run, not counted in this one's */
        attempt_reset(t);
        strbuf_clear(&t->red);
        if (redact_url(c->secrets, t->req.url, strlen(t->req.url), &t->red) != 0) {
            t->nomem = true;
            snprintf(t->err, sizeof t->err, "%s: out of memory", t->req.method);
            t->state = HTTP_T_DONE;
            t->result = -1;
            continue;
        }
        t->state = HTTP_T_WAITING;
        t->wake = 0;
        left++;
    }
    return left;
}

/* Reads the attempts libcurl finished; returns how many, and takes the
 * transfers now done off *left. */
static size_t collect(http_client *c, int *running, size_t *left) {
    size_t ended = 0;
    CURLMsg *m;
    int queued;
    while ((m = curl_multi_info_read(c->multi, &queued))) {
        if (m->msg != CURLMSG_DONE) continue;
        CURLcode rc = m->data.result; /* m is gone once its handle is removed */
        char *p = NULL;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &p);
        http_transfer *t = (http_transfer *)(void *)p;
        (*running)--;
        ended++;
        if (c->stopped) { /* not an exchange: nothing to record or retry */
            attempt_abort(t);
            t->state = HTTP_T_WAITING;
            continue;
        }
        complete(c, t, attempt_finish(t, (int)rc));
        if (t->state == HTTP_T_DONE) (*left)--;
    }
    return ended;
}

/* Writes the recorded exchanges of the run, transfer after transfer. */
static void run_record(http_client *c, http_transfer *ts, size_t n) {
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < ts[i].nheld; k++) {
            /* A write failure fails the sync at the end. */
            if (c->cassette) http_cassette_add(c->cassette, &ts[i].held[k]);
            http_exchange_free(&ts[i].held[k]);
        }
        ts[i].nheld = 0;
    }
}

size_t http_client_run(http_client *c, http_transfer *ts, size_t n, int concurrency,
                       const http_budget *budget) {
    bool replay = replaying(c);
    c->budget = budget ? *budget : (http_budget){0};
    c->held_bytes = 0;
    c->run_size = n;
    c->stopped = false;
    if (concurrency < 1) concurrency = 1;
    if (concurrency > HTTP_MAX_CONCURRENCY) concurrency = HTTP_MAX_CONCURRENCY;
    size_t left = run_begin(c, ts, n);
    int running = 0;
    size_t from = 0; /* the transfers before it are all done */
    while (left > 0 && !should_stop(c)) {
        /* Start, in the order of the list, what may start now. */
        double poll = HTTP_STOP_POLL_MS / 1000.0, next = util_mono_seconds() + poll;
        while (from < n && ts[from].state == HTTP_T_DONE) from++;
        for (size_t i = from; i < n && running < concurrency; i++) {
            http_transfer *t = &ts[i];
            if (t->state != HTTP_T_WAITING) continue;
            double now = util_mono_seconds();
            if (t->wake > now) {
                if (t->wake < next) next = t->wake;
                continue;
            }
            if (!replay && rate_gated(c, t->req.set.per_second, &next)) break;
            start(c, t, replay);
            if (t->state == HTTP_T_RUNNING) running++;
            else if (t->state == HTTP_T_DONE) left--;
            /* A replayed retry: the same transfer again, before the next one
             * (at i == 0, i wraps and comes back: size_t arithmetic is modular). */
            else if (replay) i--;
        }
        if (running > 0) {
            int still = 0;
            if (curl_multi_perform(c->multi, &still) != CURLM_OK) {
                for (size_t i = 0; i < n; i++) {
                    if (ts[i].state != HTTP_T_RUNNING) continue;
                    attempt_abort(&ts[i]);
                    fail_now(&ts[i], "curl_multi_perform failed");
                    running--;
                    left--;
                }
                continue;
            }
            /* An attempt ended: a slot is free, or a retry may be due, now. */
            if (collect(c, &running, &left) > 0) continue;
        }
        double wait = next - util_mono_seconds();
        if (wait > poll) wait = poll;
        if (running > 0)
            curl_multi_poll(c->multi, NULL, 0, wait > 0 ? (int)ceil(wait * 1000) : 0, NULL);
        else sleep_seconds(wait);
    }
    if (c->stopped) {
        for (size_t i = 0; i < n; i++) {
            http_transfer *t = &ts[i];
            if (t->state == HTTP_T_DONE) continue;
            if (t->state == HTTP_T_RUNNING) attempt_abort(t);
            t->stopped = true;
            finish(t);
        }
    }
    run_record(c, ts, n);
    size_t failed = 0;
    for (size_t i = 0; i < n; i++) failed += ts[i].result != 0;
    return failed;
}

int http_client_perform(http_client *c, const http_request *req) {
    http_transfer *t = &c->one;
    if (req != &t->req) t->req = *req;
    http_budget b = {req->memory_limited, req->memory_left, req->more_memory,
                     req->more_memory_user};
    return http_client_run(c, t, 1, 1, &b) ? -1 : 0;
}
