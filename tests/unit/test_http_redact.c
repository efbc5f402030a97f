/* Unit tests for redact: which names and headers are secret, and the text,
 * URLs and header lines that come out with the secrets masked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "log.h"
#include "redact.h"

static bool secret(const char *name) { return redact_secret_name(name, strlen(name)); }

static void test_secret_names(void **state) {
    (void)state;
    const char *yes[] = {"password", "db_password", "PASSWORD", "client_secret", "secretKey",
                         "token", "access_token", "refreshToken", "api_key", "API_KEY",
                         "apikey", "x_apikey", "key", "private_key", "api-key", "publicKey",
                         "APIKey", "key_id", "Key", "ssh.key", "key2"};
    const char *no[] = {"monkey", "keyboard", "turkey", "hockey", "user", "base_url",
                        "keys", "donkeyKong", "", "page_size"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        if (!secret(yes[i])) fail_msg("\"%s\" should be secret", yes[i]);
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        if (secret(no[i])) fail_msg("\"%s\" should not be secret", no[i]);
}

static void test_secret_headers(void **state) {
    (void)state;
    const char *yes[] = {"Authorization", "authorization", "Proxy-Authorization", "Cookie",
                         "Set-Cookie", "X-Api-Key", "x-api-key", "X-Auth-Token", "Private-Key"};
    const char *no[] = {"Content-Type", "Accept", "User-Agent", "Cookies-Policy", "X-Request-Id"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        if (!redact_secret_header(yes[i], strlen(yes[i])))
            fail_msg("header \"%s\" should be secret", yes[i]);
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        if (redact_secret_header(no[i], strlen(no[i])))
            fail_msg("header \"%s\" should not be secret", no[i]);
}

typedef int (*redact_fn)(const redact_list *, const char *, size_t, strbuf *);

static void check(const redact_list *l, redact_fn fn, const char *in, const char *want) {
    strbuf out = STRBUF_INIT;
    assert_int_equal(fn(l, in, strlen(in), &out), 0);
    assert_string_equal(strbuf_cstr(&out), want);
    strbuf_free(&out);
}

static void test_values(void **state) {
    (void)state;
    redact_list l = REDACT_INIT;
    assert_int_equal(redact_add(&l, "s3cr3t", 6), 0);
    assert_int_equal(redact_add(&l, "a/b c", 5), 0); /* and "a%2Fb%20c" */
    assert_int_equal(redact_add(&l, "", 0), 0);        /* ignored */
    assert_int_equal(redact_add(&l, "a", 1), REDACT_TOO_SHORT);   /* not added */
    assert_int_equal(redact_add(&l, "s3c", 3), REDACT_TOO_SHORT); /* nor this */
    assert_int_equal(redact_add(&l, "s3cr3t", 6), 0);  /* once */
    assert_int_equal(redact_add(&l, "s3cr3t-long", 11), 0);
    assert_int_equal(l.n, 4);
    check(&l, redact_text, "no secret here", "no secret here");
    check(&l, redact_text, "s3cr3t", "***");
    check(&l, redact_text, "key=s3cr3t&x=s3cr3ts3cr3t.", "key=***&x=******.");
    check(&l, redact_text, "the long one s3cr3t-long!", "the long one ***!");
    check(&l, redact_text, "path a/b c and a%2Fb%20c", "path *** and ***");
    check(&l, redact_text, "", "");
    check(&l, redact_text, "a s3c", "a s3c");
    redact_clear(&l);
    check(&l, redact_text, "s3cr3t", "s3cr3t");
    redact_free(&l);
}

static void test_urls(void **state) {
    (void)state;
    redact_list l = REDACT_INIT;
    assert_int_equal(redact_add(&l, "abc123", 6), 0);
    check(&l, redact_url, "https://api.example.invalid/v1/items?page=2",
          "https://api.example.invalid/v1/items?page=2");
    check(&l, redact_url, "https://x.invalid/a?api_key=zzz&page=2&access_token=yy",
          "https://x.invalid/a?api_key=***&page=2&access_token=***");
    check(&l, redact_url, "https://x.invalid/u/abc123/items?q=abc123#abc123",
          "https://x.invalid/u/***/items?q=***#***");
    check(&l, redact_url, "https://user:pa55@x.invalid/p?monkey=1",
          "https://user:***@x.invalid/p?monkey=1");
    check(&l, redact_url, "https://user@x.invalid/?key", "https://user@x.invalid/?key");
    check(&l, redact_url, "http://x.invalid/?next=https://u:p@y.invalid/&token=",
          "http://x.invalid/?next=https://u:p@y.invalid/&token=***");
    check(&l, redact_url, "not a url key=1", "not a url key=1");
    redact_free(&l);
}

static void test_headers(void **state) {
    (void)state;
    redact_list l = REDACT_INIT;
    assert_int_equal(redact_add(&l, "abc123", 6), 0);
    check(&l, redact_header, "Authorization: Bearer xyz", "Authorization: ***");
    check(&l, redact_header, "set-cookie: session=1; Path=/", "set-cookie: ***");
    check(&l, redact_header, "X-Custom: id abc123", "X-Custom: id ***");
    check(&l, redact_header, "Content-Type: application/json", "Content-Type: application/json");
    check(&l, redact_header, "no colon abc123", "no colon ***");
    redact_free(&l);
}

/* A logger whose lines land in `got`. */
static char got[1024];
static void capture(void *user, const char *level, const char *msg) {
    (void)user;
    snprintf(got, sizeof got, "%s %s", level, msg);
}

/* The runtime's own words are never masked, however a secret reads: only
 * the arguments formatted into them, and text that is the script's. */
static void test_log_masks_data_only(void **state) {
    (void)state;
    redact_list l = REDACT_INIT;
    strbuf scratch = STRBUF_INIT;
    assert_int_equal(redact_add(&l, "back", 4), 0);
    assert_int_equal(redact_add(&l, "data", 4), 0);
    assert_int_equal(redact_add(&l, "s", 1), REDACT_TOO_SHORT);
    logger lg = {CLUA_LOG_INFO, capture, NULL, NULL, &l, &scratch};
    log_printf(&lg, CLUA_LOG_INFO, "INFO",
               "rolled back: the database is as the last checkpoint left it");
    assert_string_equal(got, "INFO rolled back: the database is as the last checkpoint left it");
    log_printf(&lg, CLUA_LOG_WARNING, "WARNING", "added column \"%s\" to table \"%s\" (%d)",
               "database", "go-back", 7);
    assert_string_equal(got, "WARNING added column \"***base\" to table \"go-***\" (7)");
    /* The script's own text: masked whole. */
    log_line(&lg, CLUA_LOG_INFO, "INFO", "rolled back to data");
    assert_string_equal(got, "INFO rolled *** to ***");
    /* Below the level: nothing. */
    got[0] = '\0';
    log_printf(&lg, CLUA_LOG_FINE, "FINE", "back %s", "data");
    assert_string_equal(got, "");
    redact_free(&l);
    strbuf_free(&scratch);
}

/* Formatting argument by argument gives what printf gives. */
static void test_log_formats_like_printf(void **state) {
    (void)state;
    redact_list l = REDACT_INIT;
    strbuf scratch = STRBUF_INIT;
    assert_int_equal(redact_add(&l, "zzzz", 4), 0);
    logger lg = {CLUA_LOG_FINE, capture, NULL, NULL, &l, &scratch};
    char want[512];
    snprintf(want, sizeof want,
             "INFO [%5d|%-4s|%.2f|%*d|%.*s|%zu|%ld|%lld|%c|%%|%x|%05.1f|%g|%s|%3.1s|%-3d|%+d|%.*d]",
             42, "ab", 3.14159, 6, -7, 3, "abcdef", (size_t)123456789, -5L, 1234567890123LL, 'q',
             255u, 2.25, 1e-7, "", "xyz", 1, 2, -1, 9);
    log_printf(&lg, CLUA_LOG_INFO, "INFO",
               "[%5d|%-4s|%.2f|%*d|%.*s|%zu|%ld|%lld|%c|%%|%x|%05.1f|%g|%s|%3.1s|%-3d|%+d|%.*d]",
               42, "ab", 3.14159, 6, -7, 3, "abcdef", (size_t)123456789, -5L, 1234567890123LL,
               'q', 255u, 2.25, 1e-7, "", "xyz", 1, 2, -1, 9);
    assert_string_equal(got, want);
    redact_free(&l);
    strbuf_free(&scratch);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_secret_names), cmocka_unit_test(test_secret_headers),
        cmocka_unit_test(test_values),       cmocka_unit_test(test_urls),
        cmocka_unit_test(test_headers),      cmocka_unit_test(test_log_masks_data_only),
        cmocka_unit_test(test_log_formats_like_printf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
