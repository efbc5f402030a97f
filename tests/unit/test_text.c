/* Unit tests for text: UTF-8 validity against an independent model (the
 * byte table of RFC 3629, section 4) over every string of three bytes and
 * random longer ones; code points through an encoder of our own; the
 * terminal and JSON escapes on examples and, for random bytes, decoded
 * back against the model; the UTC time against gmtime_r. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "strbuf.h"
#include "text.h"

/* ---- the model: RFC 3629's table of well-formed sequences ---- */

/* A first byte, the range its second byte must fall in, and the length;
 * every later byte is 80..BF. */
static const struct {
    unsigned char lo, hi, second_lo, second_hi;
    size_t len;
} RFC3629[] = {
    {0x00, 0x7f, 0, 0, 1},       {0xc2, 0xdf, 0x80, 0xbf, 2}, {0xe0, 0xe0, 0xa0, 0xbf, 3},
    {0xe1, 0xec, 0x80, 0xbf, 3}, {0xed, 0xed, 0x80, 0x9f, 3}, {0xee, 0xef, 0x80, 0xbf, 3},
    {0xf0, 0xf0, 0x90, 0xbf, 4}, {0xf1, 0xf3, 0x80, 0xbf, 4}, {0xf4, 0xf4, 0x80, 0x8f, 4},
};

static size_t model_len(const unsigned char *p, size_t n) {
    for (size_t r = 0; r < sizeof RFC3629 / sizeof RFC3629[0]; r++) {
        if (p[0] < RFC3629[r].lo || p[0] > RFC3629[r].hi) continue;
        size_t k = RFC3629[r].len;
        if (n < k) return 0;
        if (k > 1 && (p[1] < RFC3629[r].second_lo || p[1] > RFC3629[r].second_hi)) return 0;
        for (size_t j = 2; j < k; j++)
            if (p[j] < 0x80 || p[j] > 0xbf) return 0;
        return k;
    }
    return 0;
}

/* xorshift64*: the same bytes on every run. */
static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint64_t next(void) {
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 2685821657736338717u;
}

/* A byte, most often one that matters to UTF-8 or to an escape. */
static unsigned char random_byte(void) {
    static const unsigned char edges[] = {0x00, 0x09, 0x0a, 0x0d, 0x1b, 0x22, 0x5c, 0x7f, 0x80,
                                          0x8f, 0x90, 0x9b, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2,
                                          0xdf, 0xe0, 0xe1, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf4,
                                          0xf5, 0xff, 'a', ' '};
    uint64_t r = next();
    if (r % 3 == 0) return (unsigned char)(r >> 8);
    if (r % 3 == 1) return (unsigned char)(0x80 + (r >> 8) % 0x40); /* a continuation byte */
    return edges[(r >> 8) % sizeof edges];
}

static size_t random_bytes(unsigned char *p, size_t max) {
    size_t n = next() % max;
    for (size_t i = 0; i < n; i++) p[i] = random_byte();
    return n;
}

/* ---- UTF-8 ---- */

static void test_utf8_every_three_bytes(void **state) {
    (void)state;
    unsigned char p[3];
    for (unsigned v = 0; v < 1u << 24; v++) {
        p[0] = (unsigned char)(v >> 16), p[1] = (unsigned char)(v >> 8), p[2] = (unsigned char)v;
        for (size_t n = 1; n <= 3; n++) {
            if (n < 3 && (v & 0xff) != 0) continue; /* shorter: once per prefix */
            if (text_utf8_len(p, n) != model_len(p, n)) {
                fprintf(stderr, "bytes %02x %02x %02x, n=%zu\n", p[0], p[1], p[2], n);
                fail();
            }
        }
    }
}

static void test_utf8_random(void **state) {
    (void)state;
    unsigned char p[8];
    for (int i = 0; i < 2000000; i++) {
        size_t n = 1 + next() % 6;
        for (size_t j = 0; j < n; j++) p[j] = random_byte();
        if (text_utf8_len(p, n) != model_len(p, n)) {
            fprintf(stderr, "case %d:", i);
            for (size_t j = 0; j < n; j++) fprintf(stderr, " %02x", p[j]);
            fprintf(stderr, "\n");
            fail();
        }
    }
}

/* UTF-8 of cp written here, by the definition, into p; returns its length. */
static size_t encode(unsigned cp, unsigned char *p) {
    if (cp < 0x80) return p[0] = (unsigned char)cp, 1;
    if (cp < 0x800) return p[0] = (unsigned char)(0xc0 | cp >> 6), p[1] = (unsigned char)(0x80 | (cp & 63)), 2;
    if (cp < 0x10000) {
        p[0] = (unsigned char)(0xe0 | cp >> 12);
        p[1] = (unsigned char)(0x80 | (cp >> 6 & 63));
        p[2] = (unsigned char)(0x80 | (cp & 63));
        return 3;
    }
    p[0] = (unsigned char)(0xf0 | cp >> 18);
    p[1] = (unsigned char)(0x80 | (cp >> 12 & 63));
    p[2] = (unsigned char)(0x80 | (cp >> 6 & 63));
    p[3] = (unsigned char)(0x80 | (cp & 63));
    return 4;
}

static void test_utf8_every_code_point(void **state) {
    (void)state;
    unsigned char p[4];
    for (unsigned cp = 0; cp <= 0x10ffff; cp++) {
        size_t k = encode(cp, p);
        unsigned got = 0xffffffffu;
        size_t want = cp >= 0xd800 && cp <= 0xdfff ? 0 : k; /* surrogates are not UTF-8 */
        assert_int_equal(text_utf8_decode(p, k, &got), want);
        if (want) assert_int_equal(got, cp);
        if (k > 1) assert_int_equal(text_utf8_len(p, k - 1), 0); /* cut short */
    }
    /* Overlong forms of '/' and past U+10FFFF. */
    assert_int_equal(text_utf8_len((const unsigned char *)"\xc0\xaf", 2), 0);
    assert_int_equal(text_utf8_len((const unsigned char *)"\xe0\x80\xaf", 3), 0);
    assert_int_equal(text_utf8_len((const unsigned char *)"\xf4\x90\x80\x80", 4), 0);
    assert_true(text_is_c1((const unsigned char *)"\xc2\x9b", 2));
    assert_false(text_is_c1((const unsigned char *)"\xc2\xa0", 2));
}

/* ---- escapes ---- */

static char *terminal(strbuf *b, const char *s, bool multiline) {
    strbuf_clear(b);
    assert_int_equal(text_terminal_escape(s, strlen(s), multiline, strbuf_put, b), 0);
    return (char *)strbuf_cstr(b);
}

static char *json(strbuf *b, const char *s, size_t n) {
    strbuf_clear(b);
    assert_int_equal(text_json_escape(s, n, strbuf_put, b), 0);
    return (char *)strbuf_cstr(b);
}

static void test_terminal_examples(void **state) {
    (void)state;
    strbuf b = STRBUF_INIT;
    assert_string_equal(terminal(&b, "plain é ✓ 😀", false), "plain é ✓ 😀");
    assert_string_equal(terminal(&b, "a\x1b[31mred\x07", false), "a\\x1b[31mred\\x07");
    assert_string_equal(terminal(&b, "csi \xc2\x9b" "2J del \x7f", false),
                        "csi \\xc2\\x9b2J del \\x7f");
    assert_string_equal(terminal(&b, "bad \xff\xc3(", false), "bad \\xff\\xc3(");
    assert_string_equal(terminal(&b, "a\nb\tc\rd", false), "a\\nb\\tc\\rd");
    assert_string_equal(terminal(&b, "a\nb\tc\rd", true), "a\nb\tc\\rd");
    assert_true(text_terminal_safe("a\nb", 3, true));
    assert_false(text_terminal_safe("a\nb", 3, false));
    assert_false(text_terminal_safe("\xc2\x85", 2, true)); /* NEL, a C1 control */
    assert_true(text_terminal_safe("", 0, false));
    strbuf_free(&b);
}

static void test_json_examples(void **state) {
    (void)state;
    strbuf b = STRBUF_INIT;
    assert_string_equal(json(&b, "say \"hi\" \\o/", 12), "say \\\"hi\\\" \\\\o/");
    assert_string_equal(json(&b, "\n\r\t\b\f\x01\x1b\x7f", 8),
                        "\\n\\r\\t\\b\\f\\u0001\\u001b\\u007f");
    assert_string_equal(json(&b, "c1 \xc2\x9b é", 8), "c1 \\u009b é");
    assert_string_equal(json(&b, "bad \xff \xed\xa0\x80 \xe2\x9c", 12),
                        "bad \\ufffd \\ufffd\\ufffd\\ufffd \\ufffd\\ufffd");
    assert_string_equal(json(&b, "nul\0x", 5), "nul\\u0000x");
    strbuf_free(&b);
}

/* Reads 4 hex digits. */
static unsigned hex4(const char *s) {
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        assert_true((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
        v = v * 16 + (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
    }
    return v;
}

/* Decodes the inside of a JSON string as RFC 8259 reads it, back to UTF-8
 * bytes, checking as it goes that nothing a terminal or a JSON reader
 * would trip on is left raw. */
static size_t json_decode(const char *s, size_t n, unsigned char *out) {
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        size_t k = model_len(p + i, n - i);
        assert_true(k > 0);                                   /* valid UTF-8 */
        assert_true(p[i] >= 0x20 && p[i] != 0x7f && p[i] != '"'); /* nothing raw */
        assert_false(k == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0);
        if (p[i] != '\\') {
            memcpy(out + o, p + i, k);
            o += k, i += k;
            continue;
        }
        assert_true(i + 1 < n);
        const char *named = strchr("\"\\/bfnrt", s[i + 1]);
        if (s[i + 1] == 'u') {
            assert_true(i + 6 <= n);
            unsigned cp = hex4(s + i + 2);
            assert_false(cp >= 0xd800 && cp <= 0xdfff); /* no pairs are written */
            o += encode(cp, out + o);
            i += 6;
        } else {
            assert_non_null(named);
            out[o++] = (unsigned char)"\"\\/\b\f\n\r\t"[named - "\"\\/bfnrt"];
            i += 2;
        }
    }
    return o;
}

static void test_json_random(void **state) {
    (void)state;
    strbuf b = STRBUF_INIT;
    unsigned char in[40], want[40 * 3], got[40 * 3];
    for (int i = 0; i < 200000; i++) {
        size_t n = random_bytes(in, sizeof in);
        /* What a reader must get: the bytes, each one that starts no
         * valid sequence as U+FFFD. */
        size_t w = 0;
        for (size_t j = 0; j < n;) {
            size_t k = model_len(in + j, n - j);
            if (k == 0) w += encode(0xfffd, want + w), j++;
            else memcpy(want + w, in + j, k), w += k, j += k;
        }
        const char *out = json(&b, (const char *)in, n);
        size_t g = json_decode(out, b.len, got);
        if (g != w || memcmp(got, want, w) != 0) {
            fprintf(stderr, "case %d:", i);
            for (size_t j = 0; j < n; j++) fprintf(stderr, " %02x", in[j]);
            fprintf(stderr, "\n-> %s\n", out);
            fail();
        }
    }
    strbuf_free(&b);
}

static void test_terminal_random(void **state) {
    (void)state;
    strbuf b = STRBUF_INIT;
    unsigned char in[40];
    for (int i = 0; i < 200000; i++) {
        size_t n = random_bytes(in, sizeof in);
        in[n] = '\0';
        if (memchr(in, 0, n)) continue;
        bool multiline = i % 2;
        const char *out = terminal(&b, (const char *)in, multiline);
        /* Safe as it is, nothing escaped twice; a line stays one line. */
        assert_true(text_terminal_safe(out, b.len, multiline));
        if (!multiline) assert_null(memchr(out, '\n', b.len));
        /* Unchanged exactly when it was safe. */
        assert_int_equal(text_terminal_safe((const char *)in, n, multiline),
                         b.len == n && memcmp(out, in, n) == 0);
    }
    strbuf_free(&b);
}

/* ---- time ---- */

static void test_utc_time(void **state) {
    (void)state;
    char got[TEXT_TIME_SIZE], want[64];
    text_utc_time(0, got);
    assert_string_equal(got, "1970-01-01T00:00:00.000Z");
    text_utc_time(951782400123LL, got);
    assert_string_equal(got, "2000-02-29T00:00:00.123Z");
    text_utc_time(-5, got);
    assert_string_equal(got, "1970-01-01T00:00:00.000Z");
    text_utc_time(253402300800000LL, got);
    assert_string_equal(got, "9999-12-31T23:59:59.999Z");
    for (int i = 0; i < 200000; i++) {
        long long ms = (long long)(next() % 253402300800000ULL);
        if (i % 4 == 0) ms = (long long)(next() % 4102444800000ULL); /* 1970 to 2100 */
        time_t secs = (time_t)(ms / 1000);
        struct tm tm;
        assert_non_null(gmtime_r(&secs, &tm));
        snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
        text_utc_time(ms, got);
        if (strcmp(got, want) != 0) {
            fprintf(stderr, "ms=%lld\n", ms);
            assert_string_equal(got, want);
        }
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_every_three_bytes), cmocka_unit_test(test_utf8_random),
        cmocka_unit_test(test_utf8_every_code_point),  cmocka_unit_test(test_terminal_examples),
        cmocka_unit_test(test_json_examples),          cmocka_unit_test(test_json_random),
        cmocka_unit_test(test_terminal_random),        cmocka_unit_test(test_utc_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
