/* Unit tests for http_client's pure parts: Retry-After in both forms, the
 * back-off with its jitter and cap, and the reason phrases. The requests
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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retry_after_seconds), cmocka_unit_test(test_retry_after_date),
        cmocka_unit_test(test_backoff), cmocka_unit_test(test_reason),
        cmocka_unit_test(test_defaults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
