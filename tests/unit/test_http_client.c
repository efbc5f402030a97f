/* Unit tests for http_client's pure parts: Retry-After in both forms, the
 * back-off with its jitter and cap, the reason phrases, and that a stop
 * ends a request before an attempt and during a back-off wait. The requests
 * themselves are tested through the real binary (tests/script/cases/http_*). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

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

static void test_stop_before_attempt(void **state) {
    (void)state;
    redact_list secrets = REDACT_INIT;
    logger lg = {CLUA_LOG_INFO, stop_at_retry, NULL, NULL, &secrets, NULL};
    http_client c;
    http_client_init(&c, &lg, &secrets, NULL);
    c.stop = stop_fn;
    stop_now = true;
    http_request req = {.method = "GET", .url = "http://127.0.0.1:1/", .set = c.defaults};
    assert_int_equal(http_client_perform(&c, &req), -1);
    assert_true(c.stopped);
    assert_string_equal(c.err, "GET http://127.0.0.1:1/: stopped");
    http_client_free(&c);
}

/* Port 1 refuses at once: a retryable failure, then a back-off of at least
 * 500 s that the stop must end (were it not, the test would hang). */
static void test_stop_ends_backoff(void **state) {
    (void)state;
    redact_list secrets = REDACT_INIT;
    logger lg = {CLUA_LOG_INFO, stop_at_retry, NULL, NULL, &secrets, NULL};
    http_client c;
    http_client_init(&c, &lg, &secrets, NULL);
    c.stop = stop_fn;
    stop_now = false;
    stop_calls = 0;
    http_request req = {.method = "GET", .url = "http://127.0.0.1:1/", .set = c.defaults};
    req.set.backoff = 1000;
    req.set.max_delay = 1000;
    assert_int_equal(http_client_perform(&c, &req), -1);
    assert_true(c.stopped);
    assert_int_equal(c.attempts, 1);
    assert_true(stop_calls >= 2);
    assert_string_equal(c.err, "GET http://127.0.0.1:1/: stopped");
    http_client_free(&c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retry_after_seconds), cmocka_unit_test(test_retry_after_date),
        cmocka_unit_test(test_backoff), cmocka_unit_test(test_reason),
        cmocka_unit_test(test_defaults), cmocka_unit_test(test_stop_before_attempt),
        cmocka_unit_test(test_stop_ends_backoff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
