/* libFuzzer target: types_convert for every kind, with inputs derived from
 * the bytes (runtime/core/types.h).
 *
 * The bytes give a DECIMAL precision and scale, an error-buffer size, and
 * four source values: the bytes as a string, as an integer, as a float
 * (both the raw bits and the text read by strtod) and as a boolean. Each
 * is converted to every kind (and to a kind out of range). Besides the
 * sanitizers' checks, a success must give what README "Types" says each
 * type is stored as, and a conversion's text must be a fixed point: converting it
 * again gives the same text (DECIMAL, dates, times). A failure must leave a
 * NUL-terminated message in the error buffer, whatever its size. The
 * other helpers of types.h run on the same bytes with buffers of exact
 * size, so an overrun is caught. Any broken rule aborts with the reason. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "types.h"

#define CHECK(cond, ...)                                                                       \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "fuzz_types: " __VA_ARGS__);                                       \
            fputc('\n', stderr);                                                               \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* "-?D+(.D{scale})?" with at most precision - scale digits before the
 * point (one 0 when there are none), and no "-0". */
static void check_decimal_text(const types_type *t, const char *p, size_t len) {
    size_t i = 0, ip = 0, fp = 0;
    bool neg = i < len && p[i] == '-';
    if (neg) i++;
    while (i < len && is_digit(p[i])) i++, ip++;
    if (i < len && p[i] == '.') {
        i++;
        while (i < len && is_digit(p[i])) i++, fp++;
        CHECK(t->scale > 0, "DECIMAL(%d,%d) gave a point: %.*s", t->precision, t->scale,
              (int)len, p);
    }
    CHECK(i == len, "DECIMAL(%d,%d) gave \"%.*s\"", t->precision, t->scale, (int)len, p);
    CHECK(ip >= 1 && (int)fp == t->scale, "DECIMAL(%d,%d) gave \"%.*s\"", t->precision, t->scale,
          (int)len, p);
    CHECK((int)ip <= (t->precision - t->scale > 0 ? t->precision - t->scale : 1),
          "DECIMAL(%d,%d) gave %zu digits before the point: %.*s", t->precision, t->scale, ip,
          (int)len, p);
    CHECK(ip == 1 || p[neg] != '0', "DECIMAL gave a leading zero: %.*s", (int)len, p);
    if (neg) {
        bool nonzero = false;
        for (size_t k = 1; k < len; k++) nonzero |= is_digit(p[k]) && p[k] != '0';
        CHECK(nonzero, "DECIMAL gave a negative zero: %.*s", (int)len, p);
    }
}

/* YYYY-MM-DD, then for datetimes THH:MM:SS.fff, then Z for UTC. */
static void check_stamp_text(types_kind kind, const char *p, size_t len) {
    static const char date[] = "dddd-dd-dd", time[] = "Tdd:dd:dd.ddd";
    size_t want = kind == TYPES_NAIVE_DATE ? 10 : kind == TYPES_NAIVE_DATETIME ? 23 : 24;
    CHECK(len == want, "%s gave \"%.*s\"", types_name(kind), (int)len, p);
    for (size_t i = 0; i < len; i++) {
        char f = i < 10 ? date[i] : i < 23 ? time[i - 10] : 'Z';
        CHECK(f == 'd' ? is_digit(p[i]) : p[i] == f, "%s gave \"%.*s\"", types_name(kind),
              (int)len, p);
    }
}

/* The text a conversion gave, converted again as a string, is unchanged. */
static void check_fixed_point(const types_type *t, const char *p, size_t len) {
    types_input in = {.tag = TYPES_IN_STRING, .s = p, .len = len};
    types_value again;
    char err[512];
    int rc = types_convert(t, &in, &again, err, sizeof err);
    CHECK(rc == 0, "%s: its own output \"%.*s\" is refused: %s", types_name(t->kind), (int)len, p,
          err);
    CHECK(again.len == len && memcmp(types_bytes(&again), p, len) == 0,
          "%s: \"%.*s\" converts again to \"%.*s\"", types_name(t->kind), (int)len, p,
          (int)again.len, types_bytes(&again));
}

static void check_success(const types_type *t, const types_input *in, const types_value *v) {
    /* Every byte of text or blob is readable, and a text in buf (p NULL)
     * ends there. */
    volatile unsigned sum = 0;
    const char *bytes = NULL;
    if (v->tag == TYPES_SQL_TEXT || v->tag == TYPES_SQL_BLOB) {
        bytes = types_bytes(v);
        for (size_t i = 0; i < v->len; i++) sum += (unsigned char)bytes[i];
        if (v->p == NULL)
            CHECK(v->len < TYPES_TEXT_MAX && v->buf[v->len] == '\0', "%s: text in buf unterminated",
                  types_name(t->kind));
    }
    switch (t->kind) {
    case TYPES_BOOLEAN:
        CHECK(in->tag == TYPES_IN_BOOL && v->tag == TYPES_SQL_INT && v->i == in->b, "BOOLEAN");
        break;
    case TYPES_SHORT: case TYPES_INT: case TYPES_LONG: {
        bool s16 = t->kind == TYPES_SHORT, s32 = t->kind == TYPES_INT;
        int64_t lo = s16 ? INT16_MIN : s32 ? INT32_MIN : INT64_MIN;
        int64_t hi = s16 ? INT16_MAX : s32 ? INT32_MAX : INT64_MAX;
        CHECK(v->tag == TYPES_SQL_INT && v->i >= lo && v->i <= hi, "%s out of range",
              types_name(t->kind));
        CHECK(in->tag == TYPES_IN_INT ? v->i == in->i
                                      : in->tag == TYPES_IN_FLOAT && (double)v->i == in->f,
              "%s: the value changed", types_name(t->kind));
        break;
    }
    case TYPES_FLOAT: case TYPES_DOUBLE:
        CHECK(v->tag == TYPES_SQL_REAL, "%s not REAL", types_name(t->kind));
        /* An integer is taken only when a double holds it exactly. */
        CHECK(in->tag != TYPES_IN_INT || (types_exact_double(in->i) && v->f == (double)in->i),
              "%s took an integer a double cannot hold", types_name(t->kind));
        break;
    case TYPES_DECIMAL:
        CHECK(v->tag == TYPES_SQL_TEXT, "DECIMAL not TEXT");
        check_decimal_text(t, bytes, v->len);
        check_fixed_point(t, bytes, v->len);
        if (in->tag == TYPES_IN_INT) {
            /* An integer keeps its digits: the text without ".000" is it. */
            char want[32];
            snprintf(want, sizeof want, "%lld", (long long)in->i);
            size_t n = t->scale > 0 ? v->len - (size_t)t->scale - 1 : v->len;
            CHECK(strlen(want) == n && memcmp(want, bytes, n) == 0, "DECIMAL of %s gave %.*s", want,
                  (int)v->len, bytes);
        }
        break;
    case TYPES_NAIVE_DATE: case TYPES_NAIVE_DATETIME: case TYPES_UTC_DATETIME:
        CHECK(in->tag == TYPES_IN_STRING && v->tag == TYPES_SQL_TEXT, "%s", types_name(t->kind));
        check_stamp_text(t->kind, bytes, v->len);
        check_fixed_point(t, bytes, v->len);
        break;
    case TYPES_BINARY:
        CHECK(in->tag == TYPES_IN_STRING && v->tag == TYPES_SQL_BLOB && v->len == in->len,
              "BINARY");
        break;
    case TYPES_STRING: case TYPES_XML:
        CHECK(v->tag == TYPES_SQL_TEXT, "%s not TEXT", types_name(t->kind));
        if (in->tag == TYPES_IN_STRING)
            CHECK(v->len == in->len && memcmp(bytes, in->s, in->len) == 0, "%s changed the string",
                  types_name(t->kind));
        if (in->tag == TYPES_IN_FLOAT && v->len < 64) {
            /* A float's text reads back as the same double (NaN as "nan"). */
            char num[64];
            memcpy(num, bytes, v->len);
            num[v->len] = '\0';
            double back = strtod(num, NULL);
            CHECK(isnan(in->f) ? strcmp(num, "nan") == 0 : back == in->f,
                  "%s: float %.17g gave \"%s\"", types_name(t->kind), in->f, num);
        }
        break;
    default:
        CHECK(0, "kind %d converted", (int)t->kind);
    }
    (void)sum;
}

static void convert_one(const types_type *t, const types_input *in, size_t errlen) {
    /* An error buffer of exactly errlen bytes: writing past it is caught. */
    char *err = malloc(errlen ? errlen : 1);
    types_value v;
    memset(&v, 0xA5, sizeof v);
    if (types_convert(t, in, &v, err, errlen) == 0) {
        check_success(t, in, &v);
    } else {
        CHECK(t->kind != TYPES_STRING || in->tag > TYPES_IN_STRING, "STRING refused a value");
        if (errlen > 0) {
            CHECK(memchr(err, '\0', errlen) != NULL, "unterminated error message");
            CHECK(errlen < 5 || strncmp(err, "is ", 3) == 0 || strncmp(err, "has ", 4) == 0,
                  "error message \"%s\"", err);
        }
    }
    free(err);
}

/* types_describe and types_format into buffers of exactly n bytes. */
static void describe_sizes(const types_input *in, const types_type *t, size_t n) {
    char *buf = malloc(n ? n : 1);
    types_describe(in, buf, n);
    if (n) CHECK(memchr(buf, '\0', n) != NULL, "types_describe: unterminated");
    types_format(t, buf, n);
    if (n) CHECK(memchr(buf, '\0', n) != NULL, "types_format: unterminated");
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2) return 0;
    /* Byte 0: precision 1..38; byte 1: scale 0..precision and the error
     * buffer's size; the rest is the value. Seeds start with two printable
     * characters: "P0" is DECIMAL(5,0), "P8" DECIMAL(5,1), "&x" DECIMAL(1,1). */
    int precision = 1 + data[0] % TYPES_DECIMAL_MAX_PRECISION;
    int scale = (data[1] / 8) % (precision + 1);
    static const size_t errlens[] = {512, 0, 1, 4, 17, 64, 512, 512};
    size_t errlen = errlens[data[1] % 8];
    const char *s = (const char *)data + 2;
    size_t len = size - 2;

    /* The string's own copy of exactly len bytes, so a read past it shows. */
    char *copy = malloc(len ? len : 1);
    memcpy(copy, s, len);
    char *text = malloc(len + 1); /* NUL-terminated, for strtod */
    memcpy(text, s, len);
    text[len] = '\0';

    types_input ins[5];
    int nin = 0;
    ins[nin++] = (types_input){.tag = TYPES_IN_STRING, .s = copy, .len = len};
    int64_t i64 = 0;
    double f64 = 0;
    memcpy(&i64, s, len < 8 ? len : 8);
    memcpy(&f64, s, len < 8 ? len : 8);
    ins[nin++] = (types_input){.tag = TYPES_IN_INT, .i = len <= 8 ? strtoll(text, NULL, 10) : i64};
    ins[nin++] = (types_input){.tag = TYPES_IN_FLOAT, .f = f64};
    ins[nin++] = (types_input){.tag = TYPES_IN_FLOAT, .f = strtod(text, NULL)};
    ins[nin++] = (types_input){.tag = TYPES_IN_BOOL, .b = data[0] & 1};

    for (int k = 0; k <= TYPES_COUNT; k++) {
        types_type t = {(types_kind)k, precision, scale};
        if (k == TYPES_COUNT) t.kind = (types_kind)(TYPES_COUNT + data[0] % 4);
        for (int i = 0; i < nin; i++) convert_one(&t, &ins[i], errlen);
    }
    /* A DECIMAL with a precision or scale out of range is refused, not used. */
    types_type bad = {TYPES_DECIMAL, (int8_t)data[0], (int8_t)data[1]};
    if (bad.precision < 1 || bad.precision > TYPES_DECIMAL_MAX_PRECISION || bad.scale < 0 ||
        bad.scale > bad.precision) {
        types_value v;
        char err[256];
        CHECK(types_convert(&bad, &ins[0], &v, err, sizeof err) != 0, "DECIMAL(%d,%d) accepted",
              bad.precision, bad.scale);
    }

    /* Names: a known one round-trips through types_name. */
    types_kind kind;
    if (types_from_name(copy, len, &kind))
        CHECK(strlen(types_name(kind)) == len, "types_from_name(\"%.*s\")", (int)len, s);
    for (int i = 0; i < nin; i++) {
        types_type t = {(types_kind)(data[0] % TYPES_COUNT), precision, scale};
        describe_sizes(&ins[i], &t, errlen % 97);
    }
    free(copy);
    free(text);
    return 0;
}
