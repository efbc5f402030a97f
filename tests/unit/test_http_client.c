/* Unit tests for http_client's pure parts: Retry-After in both forms, the
 * back-off with its jitter and cap, the reason phrases, that a stop ends a
 * request before an attempt and during a back-off wait, and the response
 * size bounds as a replayed response meets them. The requests themselves
 * are tested through the real binary (tests/script/cases/http_*,
 * hostile_http_bombs.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "http_client.h"

/* Sun, 06 Nov 1994 08:49:37 GMT, RFC 9110's example date. */
#define RFC_DATE 784111777.0

static void test_retry_after_seconds(void **state) {
    (void)state;
    assert_true(http_retry_after("1", 0) == 1.0);
    assert_true(http_retry_after("  120 ", 0) == 120.0);
    assert_true(http_retry_after("0", 0) == 0.0);
    assert_true(http_retry_after("0.5", 0) == 0.5);
    assert_true(http_retry_after("", 0) == -1);
    assert_true(http_retry_after("soon", 0) == -1);
    assert_true(http_retry_after("12abc", 0) == -1);
    assert_true(http_retry_after("-5", 0) == -1);
}

static void test_retry_after_date(void **state) {
    (void)state;
    assert_true(http_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", RFC_DATE - 3) == 3.0);
    assert_true(http_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", RFC_DATE - 0.5) == 0.5);
    /* in the past: no wait */
    assert_true(http_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", RFC_DATE + 60) == 0.0);
    /* the obsolete forms RFC 9110 still accepts */
    assert_true(http_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", RFC_DATE - 2) == 2.0);
    assert_true(http_retry_after("Sun Nov  6 08:49:37 1994", RFC_DATE - 2) == 2.0);
}

static void test_backoff(void **state) {
    (void)state;
    /* backoff * 2^(k-1), times 0.5 to 1 */
    assert_true(http_backoff_delay(1, 60, 1, 0.0) == 0.5);
    assert_true(http_backoff_delay(1, 60, 1, 0.999) < 1.0);
    assert_true(http_backoff_delay(1, 60, 2, 0.0) == 1.0);
    assert_true(http_backoff_delay(1, 60, 3, 0.0) == 2.0);
    assert_true(http_backoff_delay(0.05, 60, 4, 0.5) == 0.05 * 8 * 0.75);
    /* capped */
    assert_true(http_backoff_delay(1, 10, 10, 0.0) == 10.0);
    assert_true(http_backoff_delay(0, 10, 3, 0.7) == 0.0);
}

static void test_reason(void **state) {
    (void)state;
    assert_string_equal(http_reason(429), "Too Many Requests");
    assert_string_equal(http_reason(503), "Service Unavailable");
    assert_string_equal(http_reason(200), "OK");
    assert_string_equal(http_reason(299), "");
}

static void test_defaults(void **state) {
    (void)state;
    http_settings s = http_settings_default();
    assert_int_equal(s.retries, 3);
    assert_true(s.backoff == 1.0);
    assert_true(s.verify);
    assert_true(s.per_second == 0.0);
    assert_true(s.max_response_bytes == (size_t)256 * 1024 * 1024);
}

/* ---- response size bounds, through a replayed cassette ---- */

static void quiet(void *user, const char *level, const char *msg) {
    (void)user, (void)level, (void)msg;
}

#define BODY_URL "http://127.0.0.1:9/big"

/* A cassette holding `count` 200 responses to GET BODY_URL, each with a
 * body of `bytes` x's, opened for replay; its path in path (to unlink). */
static http_cassette *cassette_with_bodies(size_t count, size_t bytes, char *path, size_t cap) {
    snprintf(path, cap, "%s/test_http_client.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs("{\"connector_lua_cassette\": 1, \"exchanges\": [", f);
    for (size_t k = 0; k < count; k++) {
        fprintf(f, "%s{\"request\": {\"method\": \"GET\", \"url\": \"" BODY_URL "\", "
                   "\"headers\": []}, \"response\": {\"status\": 200, "
                   "\"headers\": [\"Content-Length: %zu\"], \"body\": \"",
                k ? ", " : "", bytes);
        for (size_t i = 0; i < bytes; i++) fputc('x', f);
        fputs("\"}}", f);
    }
    fputs("]}\n", f);
    assert_int_equal(fclose(f), 0);
    char err[256];
    http_cassette *c = http_cassette_open(NULL, path, err, sizeof err);
    if (!c) fail_msg("%s", err);
    return c;
}

/* Replays the one exchange of a cassette with a body of `bytes` under
 * max_response_bytes max (and memory_left left, when left != SIZE_MAX).
 * Returns http_client_perform's result; c is left to the caller to free. */
static size_t (*more_memory)(void *user);
static int replay_body(http_client *c, size_t bytes, size_t max, size_t left) {
    static redact_list secrets = REDACT_INIT;
    static logger lg = {CLUA_LOG_INFO, quiet, NULL, NULL, &secrets, NULL, false};
    char path[512], err[256];
    http_cassette *cas = cassette_with_bodies(1, bytes, path, sizeof path);
    http_client_init(c, &lg, &secrets, cas);
    http_request req = {.method = "GET", .url = BODY_URL, .set = c->defaults};
    req.set.max_response_bytes = max;
    req.memory_limited = left != SIZE_MAX;
    req.memory_left = left;
    req.more_memory = more_memory;
    int rc = http_client_perform(c, &req);
    c->cassette = NULL;
    http_cassette_close(cas, &lg, err, sizeof err);
    unlink(path);
    return rc;
}

static void test_body_at_cap(void **state) {
    (void)state;
    http_client c;
    assert_int_equal(replay_body(&c, 2048, 2048, SIZE_MAX), 0);
    assert_int_equal(c.one.over, HTTP_OVER_NONE);
    assert_int_equal(c.one.body.len, 2048);
    http_client_free(&c);
}

/* One byte past the cap: a failure that names the cap and the option, and
 * is not retried (the default is 3 retries). */
static void test_body_past_cap(void **state) {
    (void)state;
    http_client c;
    assert_int_equal(replay_body(&c, 2049, 2048, SIZE_MAX), -1);
    assert_int_equal(c.one.over, HTTP_OVER_MAX_RESPONSE);
    assert_int_equal(c.one.attempts, 1);
    assert_false(c.stopped);
    assert_string_equal(c.one.err, "GET " BODY_URL ": the response is larger than max_response_bytes "
                               "(2048 bytes); raise it with http.configure{max_response_bytes = ...}");
    assert_int_equal(c.one.body.len, 0); /* nothing of it kept */
    http_client_free(&c);
}

/* What --memory-limit leaves, when smaller than max_response_bytes, is the
 * bound that counts, and is named as such. */
static void test_body_past_memory(void **state) {
    (void)state;
    http_client c;
    assert_int_equal(replay_body(&c, 2049, 4096, 2048), -1);
    assert_int_equal(c.one.over, HTTP_OVER_MEMORY);
    assert_string_equal(c.one.err, "GET " BODY_URL ": the response is larger than what --memory-limit "
                               "leaves the script (2048 bytes)");
    http_client_free(&c);
    assert_int_equal(replay_body(&c, 2048, 1024, 4096), -1);
    assert_int_equal(c.one.over, HTTP_OVER_MAX_RESPONSE);
    http_client_free(&c);
    assert_int_equal(replay_body(&c, 2048, 4096, 2048), 0);
    http_client_free(&c);
}

/* Before the memory bound fails a body, more_memory is asked once for
 * room (lib_http collects Lua's garbage then); the bound is then what it
 * says. */
static int more_calls;
static size_t more_4096(void *user) {
    (void)user;
    more_calls++;
    return 4096;
}
static void test_body_more_memory(void **state) {
    (void)state;
    http_client c;
    more_memory = more_4096;
    more_calls = 0;
    assert_int_equal(replay_body(&c, 3000, 8192, 2048), 0);
    assert_int_equal(more_calls, 1);
    assert_int_equal(c.one.body.len, 3000);
    http_client_free(&c);
    more_calls = 0;
    assert_int_equal(replay_body(&c, 5000, 8192, 2048), -1);
    assert_int_equal(more_calls, 1);
    assert_int_equal(c.one.over, HTTP_OVER_MEMORY);
    assert_string_equal(c.one.err, "GET " BODY_URL ": the response is larger than what --memory-limit "
                               "leaves the script (4096 bytes)");
    http_client_free(&c);
    /* not asked when max_response_bytes is the bound */
    more_calls = 0;
    assert_int_equal(replay_body(&c, 5000, 1024, 2048), -1);
    assert_int_equal(more_calls, 0);
    assert_int_equal(c.one.over, HTTP_OVER_MAX_RESPONSE);
    http_client_free(&c);
    more_memory = NULL;
}

/* A large body is not kept once handed over; a small one is, for reuse. */
static void test_trim(void **state) {
    (void)state;
    http_client c;
    assert_int_equal(replay_body(&c, HTTP_KEEP_BYTES + 1, HTTP_DEFAULT_MAX_RESPONSE, SIZE_MAX), 0);
    http_client_trim(&c);
    assert_null(c.one.body.p);
    http_client_free(&c);
    assert_int_equal(replay_body(&c, 10, HTTP_DEFAULT_MAX_RESPONSE, SIZE_MAX), 0);
    http_client_trim(&c);
    assert_non_null(c.one.body.p);
    http_client_free(&c);
}

/* A stop asked for in the log line that announces a retry, i.e. just
 * before the back-off wait. */
static bool stop_now;
static int stop_calls;
static bool stop_fn(void *user) {
    (void)user;
    stop_calls++;
    return stop_now;
}
static void stop_at_retry(void *user, const char *level, const char *msg) {
    (void)user, (void)level;
    if (strstr(msg, "retry 1 of 3")) stop_now = true;
}

/* A client whose stop() answers stop_now (NOW to begin with) and whose log
 * lines go to stop_at_retry; a GET of port 1 on it must end stopped. */
typedef struct {
    redact_list secrets;
    logger lg;
    http_client c;
    http_request req;
} stopping;

static void stopping_init(stopping *s, bool now) {
    *s = (stopping){.secrets = REDACT_INIT};
    s->lg = (logger){CLUA_LOG_INFO, stop_at_retry, NULL, NULL, &s->secrets, NULL, false};
    http_client_init(&s->c, &s->lg, &s->secrets, NULL);
    s->c.stop = stop_fn;
    stop_now = now;
    stop_calls = 0;
    s->req = (http_request){.method = "GET", .url = "http://127.0.0.1:1/", .set = s->c.defaults};
}

static void assert_stopped(stopping *s) {
    assert_int_equal(http_client_perform(&s->c, &s->req), -1);
    assert_true(s->c.stopped);
    assert_string_equal(s->c.one.err, "GET http://127.0.0.1:1/: stopped");
}

static void test_stop_before_attempt(void **state) {
    (void)state;
    stopping s;
    stopping_init(&s, true);
    assert_stopped(&s);
    http_client_free(&s.c);
}

/* Port 1 refuses at once: a retryable failure, then a back-off of at least
 * 500 s that the stop must end (were it not, the test would hang). */
static void test_stop_ends_backoff(void **state) {
    (void)state;
    stopping s;
    stopping_init(&s, false);
    s.req.set.backoff = 1000;
    s.req.set.max_delay = 1000;
    assert_stopped(&s);
    assert_int_equal(s.c.one.attempts, 1);
    assert_true(stop_calls >= 2);
    http_client_free(&s.c);
}

/* A run's bodies share the memory budget: three replayed bodies of 2000
 * bytes under 5000 left, the third fails as the limit does and names the
 * batch; the first two are whole, in the order of the list. Without a
 * limit all three come back. */
static void test_run_shares_budget(void **state) {
    (void)state;
    static redact_list secrets = REDACT_INIT;
    static logger lg = {CLUA_LOG_INFO, quiet, NULL, NULL, &secrets, NULL, false};
    for (int limited = 1; limited >= 0; limited--) {
        char path[512], err[256];
        http_cassette *cas = cassette_with_bodies(3, 2000, path, sizeof path);
        http_client c;
        http_client_init(&c, &lg, &secrets, cas);
        http_transfer ts[3];
        memset(ts, 0, sizeof ts);
        for (int i = 0; i < 3; i++)
            ts[i].req = (http_request){.method = "GET", .url = BODY_URL, .set = c.defaults};
        http_budget b = {.memory_limited = limited, .memory_left = 5000};
        assert_int_equal(http_client_run(&c, ts, 3, 8, &b), limited ? 1 : 0);
        assert_int_equal(ts[0].result, 0);
        assert_int_equal(ts[0].body.len, 2000);
        assert_int_equal(ts[1].result, 0);
        assert_int_equal(ts[1].body.len, 2000);
        if (limited) {
            assert_int_equal(ts[2].result, -1);
            assert_int_equal(ts[2].over, HTTP_OVER_MEMORY);
            assert_int_equal(ts[2].attempts, 1);
            assert_string_equal(ts[2].err,
                                "GET " BODY_URL ": the response would take the batch's responses "
                                "past what --memory-limit leaves the script (5000 bytes)");
        } else {
            assert_int_equal(ts[2].result, 0);
            assert_int_equal(ts[2].body.len, 2000);
        }
        for (int i = 0; i < 3; i++) http_transfer_free(&ts[i]);
        http_client_free(&c);
        http_cassette_close(cas, &lg, err, sizeof err);
        unlink(path);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retry_after_seconds), cmocka_unit_test(test_retry_after_date),
        cmocka_unit_test(test_backoff), cmocka_unit_test(test_reason),
        cmocka_unit_test(test_defaults), cmocka_unit_test(test_stop_before_attempt),
        cmocka_unit_test(test_stop_ends_backoff), cmocka_unit_test(test_body_at_cap),
        cmocka_unit_test(test_body_past_cap), cmocka_unit_test(test_body_past_memory),
        cmocka_unit_test(test_body_more_memory), cmocka_unit_test(test_trim),
        cmocka_unit_test(test_run_shares_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
