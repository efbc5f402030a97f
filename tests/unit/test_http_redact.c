/* Unit tests for redact: which names and headers are secret, and the text,
 * URLs and header lines that come out with the secrets masked, in every
 * form a secret takes (a property test over random secrets); and for log:
 * masking and escaping for a terminal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdlib.h>

#include "json_codec.h"
#include "log.h"
#include "redact.h"

/* Each of YES (N_YES names) is secret by IS_SECRET and each of NO is not;
 * WHAT ("name", "header") says which in a failure. */
static void check_secret(bool (*is_secret)(const char *, size_t), const char *what,
                         const char *const *yes, size_t n_yes, const char *const *no, size_t n_no) {
    for (size_t i = 0; i < n_yes; i++)
        if (!is_secret(yes[i], strlen(yes[i]))) fail_msg("%s \"%s\" should be secret", what, yes[i]);
    for (size_t i = 0; i < n_no; i++)
        if (is_secret(no[i], strlen(no[i])))
            fail_msg("%s \"%s\" should not be secret", what, no[i]);
}
#define CHECK_SECRET(fn, what, yes, no) \
    check_secret(fn, what, yes, sizeof yes / sizeof yes[0], no, sizeof no / sizeof no[0])

static void test_secret_names(void **state) {
    (void)state;
    const char *yes[] = {"password", "db_password", "PASSWORD", "client_secret", "secretKey",
                         "token", "access_token", "refreshToken", "api_key", "API_KEY",
                         "apikey", "x_apikey", "key", "private_key", "api-key", "publicKey",
                         "APIKey", "key_id", "Key", "ssh.key", "key2"};
    const char *no[] = {"monkey", "keyboard", "turkey", "hockey", "user", "base_url",
                        "keys", "donkeyKong", "", "page_size"};
    CHECK_SECRET(redact_secret_name, "name", yes, no);
}

static void test_secret_headers(void **state) {
    (void)state;
    const char *yes[] = {"Authorization", "authorization", "Proxy-Authorization", "Cookie",
                         "Set-Cookie", "X-Api-Key", "x-api-key", "X-Auth-Token", "Private-Key"};
    const char *no[] = {"Content-Type", "Accept", "User-Agent", "Cookies-Policy", "X-Request-Id"};
    CHECK_SECRET(redact_secret_header, "header", yes, no);
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
    check(&l, redact_text, "no secret here", "no secret here");
    check(&l, redact_text, "s3cr3t", "***");
    check(&l, redact_text, "key=s3cr3t&x=s3cr3ts3cr3t.", "key=***&x=******.");
    check(&l, redact_text, "the long one s3cr3t-long!", "the long one ***!");
    check(&l, redact_text, "path a/b c and a%2Fb%20c", "path *** and ***");
    check(&l, redact_text, "", "");
    check(&l, redact_text, "a s3c", "a s3c");
    redact_clear(&l);
    check(&l, redact_text, "s3cr3t", "s3cr3t");
    /* A short secret is not masked, and nor is any of its forms. */
    assert_int_equal(redact_add(&l, "a\"/", 3), REDACT_TOO_SHORT);
    assert_int_equal(l.n, 0);
    check(&l, redact_text, "a\"/ a\\\"/ a%22%2F", "a\"/ a\\\"/ a%22%2F");
    redact_free(&l);
}

/* The forms of the examples, each as it shows in a log line or a
 * cassette. */
static void test_secret_forms(void **state) {
    (void)state;
    redact_list l = REDACT_INIT;
    assert_int_equal(redact_add(&l, "CORP\\svc-9x7", 12), 0);
    assert_int_equal(redact_add(&l, "p\xc3\xa4ss w\xc3\xb6rd/\"", 13), 0);
    /* json.encode{password = c.password}, in a log line or a request body */
    check(&l, redact_text, "{\"password\":\"CORP\\\\svc-9x7\"}", "{\"password\":\"***\"}");
    /* that body echoed back by a server, JSON in JSON */
    check(&l, redact_text, "\"body\": \"{\\\"password\\\":\\\"CORP\\\\\\\\svc-9x7\\\"}\"",
          "\"body\": \"{\\\"password\\\":\\\"***\\\"}\"");
    /* percent-encoded, upper and lower case, a space as + */
    check(&l, redact_url, "https://x.invalid/?q=CORP%5Csvc-9x7&r=CORP%5csvc-9x7",
          "https://x.invalid/?q=***&r=***");
    check(&l, redact_text, "p=p%C3%A4ss+w%C3%B6rd%2F%22", "p=***");
    /* Python's ensure_ascii, \/ */
    check(&l, redact_text, "\"p\u00e4ss w\u00f6rd/\\\"\" \"p\u00E4ss w\u00F6rd\\/\\\"\"",
          "\"***\" \"***\"");
    check(&l, redact_text, "\"p\xc3\xa4ss w\xc3\xb6rd\\/\\\"\"", "\"***\"");
    /* base64 of "svc:CORP\svc-9x7" (Basic auth) and of "CORP\svc-9x7" at
     * the other two alignments: only an edge character of the secret's
     * bits stays */
    check(&l, redact_text, "Basic c3ZjOkNPUlBcc3ZjLTl4Nw==", "Basic c3ZjOk***w==");
    check(&l, redact_text, "Q09SUFxzdmMtOXg3", "***");
    check(&l, redact_text, "eENPUlBcc3ZjLTl4Nw", "eE***w");
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
    logger lg = {CLUA_LOG_INFO, capture, NULL, NULL, &l, &scratch, false};
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
    logger lg = {CLUA_LOG_FINE, capture, NULL, NULL, &l, &scratch, false};
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

/* ---- property: random secrets in every form ----------------------------- */

/* The encoders below are the test's own, written from the formats'
 * definitions, so that they check redact.c rather than repeat it; JSON as
 * json.encode writes it comes from the runtime's encoder itself. */

static uint64_t rng = 0x9e3779b97f4a7c15u;
static unsigned next_rand(unsigned bound) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % bound);
}

/* What a secret is made of: quotes, backslashes, control bytes, DEL,
 * UTF-8 of 2, 3 and 4 bytes, %, +, /, space, <, & and letters. */
static const char *const pieces[] = {
    "\"", "\\", "\n", "\t", "\r", "\x01", "\x1b", "\x1f", "\x7f", "\xc3\xa9", "\xe6\x97\xa5",
    "\xf0\x9f\x98\x80", "%", "+", "/", " ", "<", "&", "=", ":", "a", "Z", "q", "0", "9", "-",
    "_", "~", ".", "x", "k", "P"};

static void random_secret(strbuf *s) {
    strbuf_clear(s);
    size_t n = 4 + next_rand(14);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(strbuf_puts(s, pieces[next_rand(sizeof pieces / sizeof pieces[0])]), 0);
}

/* json.encode's text of s, without its quotes. */
static void json_runtime(lua_State *L, const char *s, size_t n, strbuf *out) {
    strbuf text = STRBUF_INIT, keys = STRBUF_INIT;
    char err[256];
    lua_pushlstring(L, s, n);
    assert_int_equal(json_encode(L, -1, &text, &keys, err, sizeof err), 0);
    lua_pop(L, 1);
    assert_int_equal(strbuf_append(out, text.p + 1, text.len - 2), 0);
    strbuf_free(&text);
    strbuf_free(&keys);
}

/* Python's json.dumps (ensure_ascii): what the test server echoes. */
static void json_python(const char *s, size_t n, strbuf *out) {
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n; i++) {
        unsigned c = p[i];
        int rc;
        if (c == '"') rc = strbuf_puts(out, "\\\"");
        else if (c == '\\') rc = strbuf_puts(out, "\\\\");
        else if (c == '\n') rc = strbuf_puts(out, "\\n");
        else if (c == '\r') rc = strbuf_puts(out, "\\r");
        else if (c == '\t') rc = strbuf_puts(out, "\\t");
        else if (c == '\b') rc = strbuf_puts(out, "\\b");
        else if (c == '\f') rc = strbuf_puts(out, "\\f");
        else if (c < 0x20 || c == 0x7f) rc = strbuf_printf(out, "\\u%04x", c);
        else if (c < 0x80) rc = strbuf_putc(out, (char)c);
        else {
            /* the pieces are valid UTF-8 */
            size_t k = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
            unsigned cp = c & (k == 4 ? 0x07u : k == 3 ? 0x0fu : 0x1fu);
            for (size_t j = 1; j < k; j++) cp = cp << 6 | (p[i + j] & 0x3fu);
            i += k - 1;
            rc = cp >= 0x10000 ? strbuf_printf(out, "\\u%04x\\u%04x", 0xd800 + ((cp - 0x10000) >> 10),
                                               0xdc00 + ((cp - 0x10000) & 0x3ff))
                               : strbuf_printf(out, "\\u%04x", cp);
        }
        assert_int_equal(rc, 0);
    }
}

/* Percent-encoding: RFC 3986's unreserved characters kept; forms as HTML
 * forms write it (lower case here, a space as +) when form is set. */
static void percent(const char *s, size_t n, bool form, strbuf *out) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    (c && strchr("-._~", c));
        int rc = keep ? strbuf_putc(out, (char)c)
                 : form && c == ' ' ? strbuf_putc(out, '+')
                 : strbuf_printf(out, form ? "%%%02x" : "%%%02X", c);
        assert_int_equal(rc, 0);
    }
}

/* RFC 4648 base64 of s, padded; the URL-safe alphabet when url is set. */
static void base64(const unsigned char *s, size_t n, bool url, strbuf *out) {
    const char *a = url ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                        : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0) |
                     (i + 2 < n ? s[i + 2] : 0);
        char q[4] = {a[v >> 18], a[v >> 12 & 63], i + 1 < n ? a[v >> 6 & 63] : '=',
                     i + 2 < n ? a[v & 63] : '='};
        assert_int_equal(strbuf_append(out, q, 4), 0);
    }
}

/* The forms one secret is checked in. */
typedef struct forms {
    strbuf f[16];
    size_t n;
} forms;

static strbuf *new_form(forms *fs) {
    assert_true(fs->n < 16);
    strbuf_clear(&fs->f[fs->n]);
    return &fs->f[fs->n++];
}

/* `wrapped` gets each form as it travels (base64 of "user:" + the secret
 * + more, padded); `fs` the forms that must never show (for base64, the
 * characters that carry the secret's bits alone). */
static void make_forms(lua_State *L, const strbuf *sec, forms *fs, forms *wrapped) {
    fs->n = wrapped->n = 0;
    strbuf_append(new_form(fs), sec->p, sec->len);
    json_runtime(L, sec->p, sec->len, new_form(fs));
    json_python(sec->p, sec->len, new_form(fs));
    percent(sec->p, sec->len, false, new_form(fs));
    percent(sec->p, sec->len, true, new_form(fs));
    strbuf once = STRBUF_INIT;
    json_runtime(L, sec->p, sec->len, &once);
    json_runtime(L, once.p, once.len, new_form(fs)); /* a JSON body in a JSON log line */
    json_python(once.p, once.len, new_form(fs));     /* a JSON body echoed by the server */
    strbuf_free(&once);
    for (size_t i = 0; i < fs->n; i++) {
        strbuf *w = new_form(wrapped);
        strbuf_append(w, fs->f[i].p, fs->f[i].len);
    }
    for (int url = 0; url < 2; url++) {
        /* "user:" cut to 0 to 5 bytes before the secret: every alignment */
        size_t pre = next_rand(6), post = next_rand(4);
        strbuf plain = STRBUF_INIT;
        strbuf_append(&plain, "user:", pre);
        strbuf_append(&plain, sec->p, sec->len);
        strbuf_append(&plain, "xyz", post);
        strbuf *w = new_form(wrapped);
        base64((const unsigned char *)plain.p, plain.len, url, w);
        size_t first = (8 * pre + 5) / 6, end = (8 * (pre + sec->len)) / 6;
        strbuf_append(new_form(fs), w->p + first, end - first);
        strbuf_free(&plain);
    }
}

static bool holds(const strbuf *out, const strbuf *form) {
    if (form->len > out->len) return false;
    for (size_t i = 0; i + form->len <= out->len; i++)
        if (memcmp(out->p + i, form->p, form->len) == 0) return true;
    return false;
}

/* A log line as the terminal escaping shows a form. */
static void log_escaped(const strbuf *in, strbuf *out) {
    strbuf_clear(out);
    for (size_t i = 0; i < in->len; i++) {
        unsigned char c = (unsigned char)in->p[i];
        if (c == '\r') strbuf_puts(out, "\\r");
        else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) strbuf_printf(out, "\\x%02x", c);
        else strbuf_putc(out, (char)c);
    }
}

static void expect_none(const forms *fs, const strbuf *out, unsigned round, const char *where) {
    strbuf esc = STRBUF_INIT;
    for (size_t i = 0; i < fs->n; i++) {
        log_escaped(&fs->f[i], &esc);
        if (holds(out, &fs->f[i]) || holds(out, &esc))
            fail_msg("round %u, %s: form %zu of the secret shows in: %s", round, where, i,
                     strbuf_cstr(out));
    }
    strbuf_free(&esc);
}

/* FN masks IN (into OUT) and none of the forms FS shows in what it gives. */
static void expect_masked(const redact_list *l, redact_fn fn, const strbuf *in, strbuf *out,
                          const forms *fs, unsigned round, const char *where) {
    strbuf_clear(out);
    assert_int_equal(fn(l, in->p, in->len, out), 0);
    expect_none(fs, out, round, where);
}

static strbuf captured;
static void capture_all(void *user, const char *level, const char *msg) {
    (void)user;
    (void)level;
    strbuf_clear(&captured);
    assert_int_equal(strbuf_puts(&captured, msg), 0);
}

static void test_secret_forms_random(void **state) {
    (void)state;
    const char *seed = getenv("REDACT_SEED");
    if (seed) rng = strtoull(seed, NULL, 10) | 1;
    printf("redact property: seed %llu (REDACT_SEED=N replays one)\n", (unsigned long long)rng);
    lua_State *L = luaL_newstate();
    assert_non_null(L);
    strbuf sec = STRBUF_INIT, text = STRBUF_INIT, out = STRBUF_INIT, scratch = STRBUF_INIT;
    forms fs = {0}, wrapped = {0};
    for (unsigned round = 0; round < 500; round++) {
        redact_list l = REDACT_INIT;
        random_secret(&sec);
        assert_int_equal(redact_add(&l, sec.p, sec.len), 0);
        make_forms(L, &sec, &fs, &wrapped);
        /* Each form alone, between other text, then all at once. */
        strbuf_clear(&text);
        for (size_t i = 0; i < wrapped.n; i++) {
            strbuf one = STRBUF_INIT;
            strbuf_printf(&one, "{\"v\":\"");
            strbuf_append(&one, wrapped.f[i].p, wrapped.f[i].len);
            strbuf_puts(&one, "\"} ");
            expect_masked(&l, redact_text, &one, &out, &fs, round, "redact_text");
            strbuf_append(&text, one.p, one.len);
            strbuf_free(&one);
        }
        expect_masked(&l, redact_text, &text, &out, &fs, round, "all forms in one text");
        /* In a header, a URL's query and a log line (masked, then escaped). */
        strbuf_clear(&text);
        strbuf_puts(&text, "X-Thing: ");
        strbuf_append(&text, wrapped.f[3].p, wrapped.f[3].len);
        expect_masked(&l, redact_header, &text, &out, &fs, round, "redact_header");
        strbuf_clear(&text);
        strbuf_puts(&text, "https://x.invalid/a?q=");
        strbuf_append(&text, wrapped.f[3].p, wrapped.f[3].len);
        strbuf_puts(&text, "&r=");
        strbuf_append(&text, wrapped.f[4].p, wrapped.f[4].len);
        expect_masked(&l, redact_url, &text, &out, &fs, round, "redact_url");
        logger lg = {CLUA_LOG_INFO, capture_all, NULL, NULL, &l, &scratch, false};
        for (size_t i = 0; i < wrapped.n; i++) {
            strbuf_clear(&text);
            strbuf_puts(&text, "got ");
            strbuf_append(&text, wrapped.f[i].p, wrapped.f[i].len);
            log_line(&lg, CLUA_LOG_INFO, "INFO", strbuf_cstr(&text));
            expect_none(&fs, &captured, round, "log_line");
            log_printf(&lg, CLUA_LOG_INFO, "INFO", "value \"%s\"", strbuf_cstr(&text));
            expect_none(&fs, &captured, round, "log_printf");
        }
        redact_free(&l);
    }
    for (size_t i = 0; i < 16; i++) {
        strbuf_free(&fs.f[i]);
        strbuf_free(&wrapped.f[i]);
    }
    strbuf_free(&sec);
    strbuf_free(&text);
    strbuf_free(&out);
    strbuf_free(&scratch);
    strbuf_free(&captured);
    lua_close(L);
}

/* ---- log lines are safe for a terminal ---------------------------------- */

static void test_log_escapes(void **state) {
    (void)state;
    logger lg = {CLUA_LOG_INFO, capture_all, NULL, NULL, NULL, NULL, false};
    /* A script's text: escapes shown, newline and tab kept (a traceback). */
    log_line(&lg, CLUA_LOG_INFO, "INFO",
             "a\x1b[31mred\x1b]0;title\x07 \r\x7f \x9b \xc2\x9b\xc2\xa0 \xc3\xa9 \xe6\x97\xa5 \xff "
             "\xc3(\n\tnext line");
    assert_string_equal(strbuf_cstr(&captured),
                        "a\\x1b[31mred\\x1b]0;title\\x07 \\r\\x7f \\x9b \\xc2\\x9b\xc2\xa0 \xc3\xa9 "
                        "\xe6\x97\xa5 \\xff \\xc3(\n\tnext line");
    log_line(&lg, CLUA_LOG_INFO, "INFO", "plain text");
    assert_string_equal(strbuf_cstr(&captured), "plain text");
    /* A name formatted into the runtime's words: on one line. */
    log_printf(&lg, CLUA_LOG_WARNING, "WARNING", "added column \"%s\" to table \"%s\"",
               "c\x1b[2J", "t\nSEVERE fake\tx");
    assert_string_equal(strbuf_cstr(&captured),
                        "added column \"c\\x1b[2J\" to table \"t\\nSEVERE fake\\tx\"");
    /* With secrets: masked first, then escaped. */
    redact_list l = REDACT_INIT;
    strbuf scratch = STRBUF_INIT;
    assert_int_equal(redact_add(&l, "se\x1b[cret", 8), 0);
    lg.secrets = &l;
    lg.scratch = &scratch;
    log_line(&lg, CLUA_LOG_INFO, "INFO", "x se\x1b[cret \x1b[0m");
    assert_string_equal(strbuf_cstr(&captured), "x *** \\x1b[0m");
    log_printf(&lg, CLUA_LOG_INFO, "INFO", "v=%s", "se\x1b[cret\x1b");
    assert_string_equal(strbuf_cstr(&captured), "v=***\\x1b");
    redact_free(&l);
    strbuf_free(&scratch);
    strbuf_free(&captured);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_secret_names), cmocka_unit_test(test_secret_headers),
        cmocka_unit_test(test_values),       cmocka_unit_test(test_urls),
        cmocka_unit_test(test_headers),      cmocka_unit_test(test_log_masks_data_only),
        cmocka_unit_test(test_log_formats_like_printf),
        cmocka_unit_test(test_secret_forms), cmocka_unit_test(test_secret_forms_random),
        cmocka_unit_test(test_log_escapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
