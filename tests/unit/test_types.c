/* Unit tests for runtime/core/types.c: every row of the type table in
 * README "Types", its boundaries, the converted values and the exact error
 * messages. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "types.h"

/* ---- helpers: inputs, types, and checks that report the caller's line ---- */

static types_input in_bytes(const char *s, size_t len) {
    types_input in = {TYPES_IN_STRING, false, 0, 0.0, s, len};
    return in;
}

static types_input in_str(const char *s) { return in_bytes(s, strlen(s)); }

static types_input in_int(int64_t i) {
    types_input in = {TYPES_IN_INT, false, i, 0.0, NULL, 0};
    return in;
}

static types_input in_float(double f) {
    types_input in = {TYPES_IN_FLOAT, false, 0, f, NULL, 0};
    return in;
}

static types_input in_bool(bool b) {
    types_input in = {TYPES_IN_BOOL, b, 0, 0.0, NULL, 0};
    return in;
}

static types_type ty(types_kind kind) {
    types_type t = {kind, 0, 0};
    return t;
}

static types_type dec(int precision, int scale) {
    types_type t = {TYPES_DECIMAL, precision, scale};
    return t;
}

static void check_text(types_type t, types_input in, const char *want, const char *file, int line) {
    types_value out;
    char err[256] = "unset";
    int rc = types_convert(&t, &in, &out, err, sizeof err);
    if (rc != 0) print_error("unexpected error: %s\n", err);
    _assert_int_equal(cast_to_largest_integral_type(rc), 0, file, line);
    _assert_string_equal(err, "", file, line);
    _assert_int_equal(out.tag, TYPES_SQL_TEXT, file, line);
    char got[256];
    _assert_true(out.len < sizeof got, "len fits", file, line);
    memcpy(got, types_bytes(&out), out.len);
    got[out.len] = '\0';
    _assert_string_equal(got, want, file, line);
    _assert_int_equal(out.len, strlen(want), file, line);
}

static void check_int(types_type t, types_input in, int64_t want, const char *file, int line) {
    types_value out;
    char err[256] = "unset";
    int rc = types_convert(&t, &in, &out, err, sizeof err);
    if (rc != 0) print_error("unexpected error: %s\n", err);
    _assert_int_equal(cast_to_largest_integral_type(rc), 0, file, line);
    _assert_int_equal(out.tag, TYPES_SQL_INT, file, line);
    if (out.i != want) print_error("got %lld, want %lld\n", (long long)out.i, (long long)want);
    _assert_true(out.i == want, "out.i == want", file, line);
}

static void check_real(types_type t, types_input in, double want, const char *file, int line) {
    types_value out;
    char err[256] = "unset";
    int rc = types_convert(&t, &in, &out, err, sizeof err);
    _assert_int_equal(cast_to_largest_integral_type(rc), 0, file, line);
    _assert_int_equal(out.tag, TYPES_SQL_REAL, file, line);
    if (isnan(want)) {
        _assert_true(isnan(out.f), "isnan(out.f)", file, line);
    } else {
        if (out.f != want) print_error("got %.17g, want %.17g\n", out.f, want);
        _assert_true(out.f == want, "out.f == want", file, line);
    }
}

static void check_error(types_type t, types_input in, const char *want, const char *file, int line) {
    types_value out;
    char err[512];
    memset(err, 'x', sizeof err);
    int rc = types_convert(&t, &in, &out, err, sizeof err);
    _assert_int_equal(cast_to_largest_integral_type(rc), cast_to_largest_integral_type(-1), file, line);
    _assert_int_equal(out.tag, TYPES_SQL_NULL, file, line);
    _assert_true(memchr(err, '\0', sizeof err) != NULL, "err is NUL-terminated", file, line);
    _assert_string_equal(err, want, file, line);
}

/* Each string of inputs, after prefix, is refused with the message
 * `<what>, got string "<prefix><input>"<why>`. */
static void check_errors(types_type t, const char *const *inputs, size_t n, const char *prefix,
                         const char *what, const char *why, const char *file, int line) {
    for (size_t k = 0; k < n; k++) {
        char s[64], want[256];
        snprintf(s, sizeof s, "%s%s", prefix, inputs[k]);
        snprintf(want, sizeof want, "%s, got string \"%s\"%s", what, s, why);
        check_error(t, in_str(s), want, file, line);
    }
}

/* Each row of pairs is a string input and the text it must convert to; a
 * failing row is named by its input before the check reports it. */
static void check_texts(types_type t, const char *const (*pairs)[2], size_t n, const char *file, int line) {
    for (size_t k = 0; k < n; k++) {
        types_value out;
        char err[256];
        types_input in = in_str(pairs[k][0]);
        if (types_convert(&t, &in, &out, err, sizeof err) != 0 || out.tag != TYPES_SQL_TEXT ||
            out.len != strlen(pairs[k][1]) || memcmp(types_bytes(&out), pairs[k][1], out.len) != 0)
            print_error("input \"%s\" (row %zu):\n", pairs[k][0], k);
        check_text(t, in, pairs[k][1], file, line);
    }
}

#define TEXT(t, in, want) check_text((t), (in), (want), __FILE__, __LINE__)
#define INT(t, in, want) check_int((t), (in), (want), __FILE__, __LINE__)
#define REAL(t, in, want) check_real((t), (in), (want), __FILE__, __LINE__)
#define ERR(t, in, want) check_error((t), (in), (want), __FILE__, __LINE__)
#define TEXTS(t, pairs) check_texts((t), (pairs), sizeof(pairs) / sizeof(pairs)[0], __FILE__, __LINE__)
#define ERRS(t, inputs, prefix, what, why)                                                         \
    check_errors((t), (inputs), sizeof(inputs) / sizeof(inputs)[0], (prefix), (what), (why),       \
                 __FILE__, __LINE__)

static const char *const all_names[TYPES_COUNT] = {
    "BOOLEAN", "SHORT", "INT", "LONG", "DECIMAL", "FLOAT", "DOUBLE",
    "NAIVE_DATE", "NAIVE_DATETIME", "UTC_DATETIME", "BINARY", "XML", "STRING", "JSON",
};

/* ---- names ---- */

static void test_from_name_all_cases(void **state) {
    (void)state;
    for (int k = 0; k < TYPES_COUNT; k++) {
        char lower[32], mixed[32];
        size_t len = strlen(all_names[k]);
        for (size_t i = 0; i <= len; i++) {
            char c = all_names[k][i];
            lower[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
            mixed[i] = i % 2 ? lower[i] : c;
        }
        types_kind got = TYPES_COUNT;
        assert_true(types_from_name(all_names[k], len, &got));
        assert_int_equal(got, k);
        got = TYPES_COUNT;
        assert_true(types_from_name(lower, len, &got));
        assert_int_equal(got, k);
        got = TYPES_COUNT;
        assert_true(types_from_name(mixed, len, &got));
        assert_int_equal(got, k);
    }
    types_kind got = TYPES_COUNT;
    assert_true(types_from_name("Utc_DateTime", 12, &got));
    assert_int_equal(got, TYPES_UTC_DATETIME);
}

static void test_from_name_uses_length(void **state) {
    (void)state;
    types_kind got = TYPES_COUNT;
    /* The name need not be NUL-terminated: only len bytes count. */
    const char buf[] = {'l', 'o', 'n', 'g', 'X'};
    assert_true(types_from_name(buf, 4, &got));
    assert_int_equal(got, TYPES_LONG);
    assert_true(types_from_name("decimal(5,2)", 7, &got));
    assert_int_equal(got, TYPES_DECIMAL);
    assert_true(types_from_name("INTEGER", 3, &got));
    assert_int_equal(got, TYPES_INT);
}

static void test_from_name_rejects(void **state) {
    (void)state;
    types_kind got = TYPES_BOOLEAN;
    assert_false(types_from_name("INTEGER", 7, &got));
    assert_false(types_from_name("", 0, &got));
    assert_false(types_from_name("INTX", 4, &got));
    assert_false(types_from_name("IN", 2, &got));
    assert_false(types_from_name(" INT", 4, &got));
    assert_false(types_from_name("INT\0", 4, &got));
    assert_false(types_from_name("DECIMAL(5,2)", 12, &got));
    assert_false(types_from_name("DATETIME", 8, &got));
    assert_false(types_from_name("TEXT", 4, &got));
    assert_int_equal(got, TYPES_BOOLEAN); /* untouched on failure */
}

static void test_name_and_sql_decl(void **state) {
    (void)state;
    for (int k = 0; k < TYPES_COUNT; k++) assert_string_equal(types_name((types_kind)k), all_names[k]);
    assert_string_equal(types_name(TYPES_COUNT), "UNKNOWN");

    static const char *const decl[TYPES_COUNT] = {
        "INTEGER", "INTEGER", "INTEGER", "INTEGER", "TEXT", "REAL", "REAL",
        "TEXT", "TEXT", "TEXT", "BLOB", "TEXT", "TEXT", "TEXT",
    };
    for (int k = 0; k < TYPES_COUNT; k++) assert_string_equal(types_sql_decl((types_kind)k), decl[k]);
}

static void test_infer(void **state) {
    (void)state;
    assert_int_equal(types_infer(TYPES_IN_BOOL), TYPES_BOOLEAN);
    assert_int_equal(types_infer(TYPES_IN_INT), TYPES_LONG);
    assert_int_equal(types_infer(TYPES_IN_FLOAT), TYPES_DOUBLE);
    assert_int_equal(types_infer(TYPES_IN_STRING), TYPES_STRING);
}

static void test_format(void **state) {
    (void)state;
    char buf[32];
    types_type t = ty(TYPES_INT);
    types_format(&t, buf, sizeof buf);
    assert_string_equal(buf, "INT");
    t = ty(TYPES_NAIVE_DATETIME);
    types_format(&t, buf, sizeof buf);
    assert_string_equal(buf, "NAIVE_DATETIME");
    t = dec(15, 2);
    types_format(&t, buf, sizeof buf);
    assert_string_equal(buf, "DECIMAL(15,2)");
    t = dec(38, 38);
    types_format(&t, buf, sizeof buf);
    assert_string_equal(buf, "DECIMAL(38,38)");
    types_format(&t, buf, 5);
    assert_string_equal(buf, "DECI");
}

/* ---- describe ---- */

static const char *describe(types_input in, char *buf, size_t n) {
    types_describe(&in, buf, n);
    return buf;
}

static void test_describe_scalars(void **state) {
    (void)state;
    char b[256];
    assert_string_equal(describe(in_bool(true), b, sizeof b), "boolean true");
    assert_string_equal(describe(in_bool(false), b, sizeof b), "boolean false");
    assert_string_equal(describe(in_int(40000), b, sizeof b), "integer 40000");
    assert_string_equal(describe(in_int(INT64_MIN), b, sizeof b), "integer -9223372036854775808");
    assert_string_equal(describe(in_int(INT64_MAX), b, sizeof b), "integer 9223372036854775807");
    assert_string_equal(describe(in_float(1.5), b, sizeof b), "float 1.5");
    assert_string_equal(describe(in_float(3.0), b, sizeof b), "float 3.0");
    assert_string_equal(describe(in_float(0.1), b, sizeof b), "float 0.1");
    assert_string_equal(describe(in_float(1e100), b, sizeof b), "float 1e+100");
    assert_string_equal(describe(in_float(9223372036854775808.0), b, sizeof b), "float 9.223372036854776e+18");
    assert_string_equal(describe(in_float(NAN), b, sizeof b), "float nan");
    assert_string_equal(describe(in_float(INFINITY), b, sizeof b), "float inf");
    assert_string_equal(describe(in_float(-INFINITY), b, sizeof b), "float -inf");
}

static void test_describe_strings(void **state) {
    (void)state;
    char b[256];
    assert_string_equal(describe(in_str("abc"), b, sizeof b), "string \"abc\"");
    assert_string_equal(describe(in_str(""), b, sizeof b), "string \"\"");
    assert_string_equal(describe(in_bytes("a\0b\x01\xff\n", 6), b, sizeof b),
                        "string \"a\\x00b\\x01\\xFF\\x0A\"");

    const char *forty = "0123456789012345678901234567890123456789";
    assert_string_equal(describe(in_str(forty), b, sizeof b),
                        "string \"0123456789012345678901234567890123456789\"");
    const char *longer = "0123456789012345678901234567890123456789ABCDEFGHIJ";
    assert_string_equal(describe(in_str(longer), b, sizeof b),
                        "string \"0123456789012345678901234567890123456789...\" (50 bytes)");

    char bin[100];
    memset(bin, 0x80, sizeof bin);
    describe(in_bytes(bin, sizeof bin), b, sizeof b);
    assert_int_equal(strlen(b), strlen("string \"\" (100 bytes)...") + 40 * 4);
    assert_non_null(strstr(b, "\\x80...\" (100 bytes)"));
}

static void test_describe_truncates(void **state) {
    (void)state;
    char b[8];
    memset(b, 'x', sizeof b);
    assert_string_equal(describe(in_str("abcdef"), b, sizeof b), "string ");
    assert_string_equal(describe(in_int(1234567890), b, 5), "inte");
    assert_string_equal(describe(in_float(1.5), b, 1), "");
}

/* ---- BOOLEAN ---- */

static void test_boolean(void **state) {
    (void)state;
    INT(ty(TYPES_BOOLEAN), in_bool(true), 1);
    INT(ty(TYPES_BOOLEAN), in_bool(false), 0);
    ERR(ty(TYPES_BOOLEAN), in_int(1), "is BOOLEAN, got integer 1");
    ERR(ty(TYPES_BOOLEAN), in_float(0.0), "is BOOLEAN, got float 0.0");
    ERR(ty(TYPES_BOOLEAN), in_str("true"), "is BOOLEAN, got string \"true\"");
}

/* ---- SHORT, INT, LONG ---- */

static void test_short(void **state) {
    (void)state;
    types_type t = ty(TYPES_SHORT);
    INT(t, in_int(0), 0);
    INT(t, in_int(-32768), -32768);
    INT(t, in_int(32767), 32767);
    INT(t, in_float(32767.0), 32767);
    INT(t, in_float(-32768.0), -32768);
    ERR(t, in_int(40000), "is SHORT (-32768 to 32767), got integer 40000");
    ERR(t, in_int(32768), "is SHORT (-32768 to 32767), got integer 32768");
    ERR(t, in_int(-32769), "is SHORT (-32768 to 32767), got integer -32769");
    ERR(t, in_float(32768.0), "is SHORT (-32768 to 32767), got float 32768.0");
    ERR(t, in_int(INT64_MIN), "is SHORT (-32768 to 32767), got integer -9223372036854775808");
    ERR(t, in_str("12"), "is SHORT, got string \"12\"");
}

static void test_int(void **state) {
    (void)state;
    types_type t = ty(TYPES_INT);
    INT(t, in_int(INT32_MIN), INT32_MIN);
    INT(t, in_int(INT32_MAX), INT32_MAX);
    INT(t, in_float(2147483647.0), INT32_MAX);
    INT(t, in_float(-2147483648.0), INT32_MIN);
    INT(t, in_float(-0.0), 0);
    INT(t, in_float(1e3), 1000);
    ERR(t, in_int(2147483648), "is INT (-2147483648 to 2147483647), got integer 2147483648");
    ERR(t, in_int(-2147483649), "is INT (-2147483648 to 2147483647), got integer -2147483649");
    ERR(t, in_float(2147483648.0), "is INT (-2147483648 to 2147483647), got float 2147483648.0");
    ERR(t, in_float(1.5), "is INT, got float 1.5 (not an integer)");
    ERR(t, in_float(-0.5), "is INT, got float -0.5 (not an integer)");
    ERR(t, in_float(NAN), "is INT, got float nan (not an integer)");
    ERR(t, in_float(INFINITY), "is INT, got float inf (not an integer)");
    ERR(t, in_str("abc"), "is INT, got string \"abc\"");
    ERR(t, in_bool(true), "is INT, got boolean true");
}

static void test_long(void **state) {
    (void)state;
    types_type t = ty(TYPES_LONG);
    const char *range = "is LONG (-9223372036854775808 to 9223372036854775807), got ";
    char want[256];
    INT(t, in_int(INT64_MIN), INT64_MIN);
    INT(t, in_int(INT64_MAX), INT64_MAX);
    INT(t, in_float(-9223372036854775808.0), INT64_MIN);
    /* The largest double below 2^63. */
    INT(t, in_float(9223372036854774784.0), INT64_C(9223372036854774784));
    INT(t, in_float(-9007199254740993.0), INT64_C(-9007199254740992));
    snprintf(want, sizeof want, "%sfloat 9.223372036854776e+18", range);
    ERR(t, in_float(9223372036854775808.0), want);
    snprintf(want, sizeof want, "%sfloat -9.223372036854778e+18", range);
    ERR(t, in_float(-9223372036854777856.0), want);
    snprintf(want, sizeof want, "%sfloat 1e+300", range);
    ERR(t, in_float(1e300), want);
    ERR(t, in_float(-INFINITY), "is LONG, got float -inf (not an integer)");
    ERR(t, in_float(NAN), "is LONG, got float nan (not an integer)");
    ERR(t, in_float(0.1), "is LONG, got float 0.1 (not an integer)");
    ERR(t, in_str("1"), "is LONG, got string \"1\"");
    ERR(t, in_bool(false), "is LONG, got boolean false");
}

/* ---- DECIMAL ---- */

static void test_decimal_strings(void **state) {
    (void)state;
    types_type t = dec(5, 2);
    static const char *const converts[][2] = {
        {"12", "12.00"},
        {"12.5", "12.50"},
        {"-0.50", "-0.50"},
        {".5", "0.50"},
        {"5.", "5.00"},
        {"-.5", "-0.50"},
        {"+1.25", "1.25"},
        {"999.99", "999.99"},
        {"-999.99", "-999.99"},
        {"0001.5", "1.50"},
        {"1.500000", "1.50"},
        {"-0.00", "0.00"},
        {"-0", "0.00"},
        {"000.000", "0.00"},
        {"0.01", "0.01"},
        {"1.2e2", "120.00"},
        {"1E-2", "0.01"},
        {"12345e-2", "123.45"},
        {"0.00012345E+6", "123.45"},
        {"5e+0", "5.00"},
        {"0e99999999999999999999", "0.00"},
        {"0.0e-99999999999999999999", "0.00"},
    };
    TEXTS(t, converts);
    ERR(t, in_str("1e-99999999999999999999"),
        "is DECIMAL(5,2), got string \"1e-99999999999999999999\" (exponent out of range)");
    ERR(t, in_str("1e9999999999999999"),
        "is DECIMAL(5,2), got string \"1e9999999999999999\" (10000000000000000 digits before the point, at most 3)");
}

static void test_decimal_scale_and_precision(void **state) {
    (void)state;
    TEXT(dec(3, 3), in_str("0.5"), "0.500");
    TEXT(dec(3, 3), in_str("-.999"), "-0.999");
    TEXT(dec(10, 0), in_str("42"), "42");
    TEXT(dec(10, 0), in_str("42.000"), "42");
    TEXT(dec(10, 0), in_str("-0.0"), "0");
    TEXT(dec(1, 0), in_str("9"), "9");
    TEXT(dec(38, 0), in_str("99999999999999999999999999999999999999"),
         "99999999999999999999999999999999999999");
    TEXT(dec(38, 38), in_str("-.12345678901234567890123456789012345678"),
         "-0.12345678901234567890123456789012345678");
    TEXT(dec(38, 10), in_str("-1234567890123456789012345678.1"),
         "-1234567890123456789012345678.1000000000");
    ERR(dec(38, 0), in_str("123456789012345678901234567890123456789"),
        "is DECIMAL(38,0), got string \"123456789012345678901234567890123456789\" "
        "(39 digits before the point, at most 38)");
    ERR(dec(3, 3), in_str("1"), "is DECIMAL(3,3), got string \"1\" (1 digit before the point, at most 0)");
    ERR(dec(10, 0), in_str("42.5"), "is DECIMAL(10,0), got string \"42.5\" (1 decimal, at most 0)");
}

static void test_decimal_string_errors(void **state) {
    (void)state;
    types_type t = dec(5, 2);
    ERR(t, in_str("1234.5"), "is DECIMAL(5,2), got string \"1234.5\" (4 digits before the point, at most 3)");
    ERR(t, in_str("-1234"), "is DECIMAL(5,2), got string \"-1234\" (4 digits before the point, at most 3)");
    ERR(t, in_str("1e3"), "is DECIMAL(5,2), got string \"1e3\" (4 digits before the point, at most 3)");
    ERR(t, in_str("1.234"), "is DECIMAL(5,2), got string \"1.234\" (3 decimals, at most 2)");
    ERR(t, in_str("1.2340"), "is DECIMAL(5,2), got string \"1.2340\" (3 decimals, at most 2)");
    ERR(t, in_str("1.001"), "is DECIMAL(5,2), got string \"1.001\" (3 decimals, at most 2)");
    ERR(t, in_str("1e-3"), "is DECIMAL(5,2), got string \"1e-3\" (3 decimals, at most 2)");
    static const char *const bad[] = {
        "", "abc", "1.2.3", "+", "-", "1e", "1e+", ".", "e5", " 1", "1 ", "--1", "0x10", "1,5", "1.5e2.0",
    };
    ERRS(t, bad, "", "is DECIMAL(5,2)", " (not a decimal number)");
    ERR(t, in_bytes("1\0", 2), "is DECIMAL(5,2), got string \"1\\x00\" (not a decimal number)");
}

static void test_decimal_numbers(void **state) {
    (void)state;
    types_type t = dec(5, 2);
    TEXT(t, in_int(12), "12.00");
    TEXT(t, in_int(-5), "-5.00");
    TEXT(t, in_int(0), "0.00");
    TEXT(t, in_float(12.34), "12.34");
    TEXT(t, in_float(0.1 + 0.2), "0.30");
    TEXT(t, in_float(-0.0), "0.00");
    TEXT(t, in_float(-999.99), "-999.99");
    TEXT(dec(19, 0), in_int(INT64_MIN), "-9223372036854775808");
    TEXT(dec(38, 2), in_float(1e20), "100000000000000000000.00");
    TEXT(dec(10, 8), in_float(1e-8), "0.00000001");
    ERR(dec(18, 0), in_int(INT64_MIN),
        "is DECIMAL(18,0), got integer -9223372036854775808 (19 digits before the point, at most 18)");
    ERR(t, in_int(1000), "is DECIMAL(5,2), got integer 1000 (4 digits before the point, at most 3)");
    ERR(t, in_float(12.345), "is DECIMAL(5,2), got float 12.345 (3 decimals, at most 2)");
    ERR(t, in_float(1e-300), "is DECIMAL(5,2), got float 1e-300 (300 decimals, at most 2)");
    ERR(t, in_float(NAN), "is DECIMAL(5,2), got float nan (not a finite number)");
    ERR(t, in_float(-INFINITY), "is DECIMAL(5,2), got float -inf (not a finite number)");
    ERR(t, in_bool(true), "is DECIMAL(5,2), got boolean true");
}

static void test_decimal_invalid_type(void **state) {
    (void)state;
    ERR(dec(0, 0), in_int(1),
        "is DECIMAL(0,0), not a valid type (internal: precision 1 to 38, scale 0 to precision)");
    ERR(dec(39, 0), in_int(1),
        "is DECIMAL(39,0), not a valid type (internal: precision 1 to 38, scale 0 to precision)");
    ERR(dec(5, 6), in_int(1),
        "is DECIMAL(5,6), not a valid type (internal: precision 1 to 38, scale 0 to precision)");
    ERR(dec(5, -1), in_int(1),
        "is DECIMAL(5,-1), not a valid type (internal: precision 1 to 38, scale 0 to precision)");
}

/* ---- FLOAT, DOUBLE ---- */

static void test_float_double(void **state) {
    (void)state;
    for (int k = TYPES_FLOAT; k <= TYPES_DOUBLE; k++) {
        types_type t = ty((types_kind)k);
        REAL(t, in_int(3), 3.0);
        /* Integers a double holds exactly; any other is refused, not rounded. */
        REAL(t, in_int(INT64_C(1) << 62), 4611686018427387904.0);
        REAL(t, in_int(INT64_C(9007199254740992)), 9007199254740992.0);
        REAL(t, in_int(INT64_MIN), -9223372036854775808.0);
        char want[256];
        snprintf(want, sizeof want,
                 "is %s, got integer 9223372036854775807 (not exact as a double: store it as a string)",
                 types_name((types_kind)k));
        ERR(t, in_int(INT64_MAX), want);
        snprintf(want, sizeof want,
                 "is %s, got integer 9007199254740993 (not exact as a double: store it as a string)",
                 types_name((types_kind)k));
        ERR(t, in_int(INT64_C(9007199254740993)), want);
        REAL(t, in_float(1.5), 1.5);
        REAL(t, in_float(-0.0), 0.0);
        REAL(t, in_float(NAN), NAN);
        REAL(t, in_float(INFINITY), INFINITY);
        REAL(t, in_float(-INFINITY), -INFINITY);
    }
    ERR(ty(TYPES_FLOAT), in_str("1.5"), "is FLOAT, got string \"1.5\"");
    ERR(ty(TYPES_DOUBLE), in_bool(true), "is DOUBLE, got boolean true");
}

/* ---- NAIVE_DATE ---- */

static void test_naive_date(void **state) {
    (void)state;
    types_type t = ty(TYPES_NAIVE_DATE);
    static const char *const converts[][2] = {
        {"2023-05-06", "2023-05-06"},
        {"2024-02-29", "2024-02-29"},
        {"2000-02-29", "2000-02-29"},
        {"0001-01-01", "0001-01-01"},
        {"9999-12-31", "9999-12-31"},
        {"2023-04-30", "2023-04-30"},
    };
    TEXTS(t, converts);
    static const char *const not_calendar[] = {
        "2023-02-29", "1900-02-29", "2023-02-30", "2023-04-31", "2023-13-01", "2023-00-10", "2023-01-00",
        "2023-01-32", "0000-01-01",
    };
    ERRS(t, not_calendar, "", "is NAIVE_DATE (YYYY-MM-DD)", " (not a calendar date)");
    static const char *const not_format[] = {
        "2023-1-01", "20230101", "2023/01/01", "2023-01-01T00:00:00", " 2023-01-01", "2023-01-01 ", "",
        "23-01-01", "+2023-01-01",
    };
    ERRS(t, not_format, "", "is NAIVE_DATE (YYYY-MM-DD)", "");
    ERR(t, in_int(20230101), "is NAIVE_DATE (YYYY-MM-DD), got integer 20230101");
}

/* ---- NAIVE_DATETIME ---- */

static void test_naive_datetime(void **state) {
    (void)state;
    types_type t = ty(TYPES_NAIVE_DATETIME);
    static const char *const converts[][2] = {
        {"2023-05-06T07:08:09", "2023-05-06T07:08:09.000"},
        {"2023-05-06 07:08:09", "2023-05-06T07:08:09.000"},
        {"2023-05-06t07:08:09", "2023-05-06T07:08:09.000"},
        {"2023-05-06T07:08:09.1", "2023-05-06T07:08:09.100"},
        {"2023-05-06T07:08:09.12", "2023-05-06T07:08:09.120"},
        {"2023-05-06T07:08:09.123", "2023-05-06T07:08:09.123"},
        {"2023-05-06T07:08:09.1234", "2023-05-06T07:08:09.123"},
        {"2023-05-06T07:08:09.999999999", "2023-05-06T07:08:09.999"},
        {"2024-02-29T23:59:59", "2024-02-29T23:59:59.000"},
        {"0001-01-01T00:00:00", "0001-01-01T00:00:00.000"},
        {"9999-12-31T23:59:59.5", "9999-12-31T23:59:59.500"},
    };
    TEXTS(t, converts);
}

static void test_naive_datetime_errors(void **state) {
    (void)state;
    types_type t = ty(TYPES_NAIVE_DATETIME);
    ERR(t, in_str("2023-05-06T07:08:09Z"),
        "is NAIVE_DATETIME, got string \"2023-05-06T07:08:09Z\" (has a UTC offset: declare the column UTC_DATETIME)");
    ERR(t, in_str("2023-05-06T07:08:09.5+02:00"),
        "is NAIVE_DATETIME, got string \"2023-05-06T07:08:09.5+02:00\" "
        "(has a UTC offset: declare the column UTC_DATETIME)");
    ERR(t, in_str("2023-05-06T07:08:09-0200"),
        "is NAIVE_DATETIME, got string \"2023-05-06T07:08:09-0200\" "
        "(has a UTC offset: declare the column UTC_DATETIME)");
    ERR(t, in_str("2023-02-29T00:00:00"),
        "is NAIVE_DATETIME, got string \"2023-02-29T00:00:00\" (not a calendar date)");
    ERR(t, in_str("2023-05-06T24:00:00"),
        "is NAIVE_DATETIME, got string \"2023-05-06T24:00:00\" (not a time of day)");
    ERR(t, in_str("2023-05-06T12:60:00"),
        "is NAIVE_DATETIME, got string \"2023-05-06T12:60:00\" (not a time of day)");
    ERR(t, in_str("2023-05-06T12:00:60"),
        "is NAIVE_DATETIME, got string \"2023-05-06T12:00:60\" (not a time of day)");
    ERR(t, in_str("2023-05-06T07:08:09.1234567890"),
        "is NAIVE_DATETIME, got string \"2023-05-06T07:08:09.1234567890\" (more than 9 digits after the seconds)");
    static const char *const not_format[] = {
        "2023-05-06", "2023-05-06T07:08", "2023-05-06T07:08:09.", "2023-05-06T7:08:09", "2023-05-06X07:08:09",
        "2023-05-06T07:08:09 ", "2023-05-06T07:08:09abc", "2023-05-06T07-08-09", "", "2023-05-06T07:08:09,5",
    };
    ERRS(t, not_format, "", "is NAIVE_DATETIME", " (not YYYY-MM-DDTHH:MM:SS[.fff])");
    ERR(t, in_float(1.5), "is NAIVE_DATETIME, got float 1.5");
}

/* ---- UTC_DATETIME ---- */

static void test_utc_datetime_offsets(void **state) {
    (void)state;
    types_type t = ty(TYPES_UTC_DATETIME);
    static const char *const converts[][2] = {
        {"2023-05-06T07:08:09Z", "2023-05-06T07:08:09.000Z"},
        {"2023-05-06T07:08:09z", "2023-05-06T07:08:09.000Z"},
        {"2023-05-06 07:08:09Z", "2023-05-06T07:08:09.000Z"},
        {"2023-05-06T07:08:09+00:00", "2023-05-06T07:08:09.000Z"},
        {"2023-05-06T07:08:09-00:00", "2023-05-06T07:08:09.000Z"},
        {"2023-05-06T07:08:09+02:00", "2023-05-06T05:08:09.000Z"},
        {"2023-05-06T07:08:09+0200", "2023-05-06T05:08:09.000Z"},
        {"2023-05-06T07:08:09-05:30", "2023-05-06T12:38:09.000Z"},
        {"2023-05-06T07:08:09-0530", "2023-05-06T12:38:09.000Z"},
        {"2023-05-06T07:08:09.5+01:00", "2023-05-06T06:08:09.500Z"},
        {"2023-05-06T07:08:09.123456789Z", "2023-05-06T07:08:09.123Z"},
        {"2023-05-06T12:00:00+23:59", "2023-05-05T12:01:00.000Z"},
        {"2023-05-06T12:00:00-23:59", "2023-05-07T11:59:00.000Z"},
    };
    TEXTS(t, converts);
}

static void test_utc_datetime_rollover(void **state) {
    (void)state;
    types_type t = ty(TYPES_UTC_DATETIME);
    static const char *const converts[][2] = {
        {"2023-05-06T01:00:00+02:00", "2023-05-05T23:00:00.000Z"},
        {"2023-05-06T23:00:00-02:00", "2023-05-07T01:00:00.000Z"},
        {"2023-05-01T00:00:00+01:00", "2023-04-30T23:00:00.000Z"},
        {"2023-04-30T23:00:00-01:00", "2023-05-01T00:00:00.000Z"},
        {"2024-01-01T00:30:00+01:00", "2023-12-31T23:30:00.000Z"},
        {"2023-12-31T23:30:00.25-01:00", "2024-01-01T00:30:00.250Z"},
        {"2024-02-28T23:00:00-02:00", "2024-02-29T01:00:00.000Z"},
        {"2023-02-28T23:00:00-02:00", "2023-03-01T01:00:00.000Z"},
        {"2024-03-01T00:00:00+00:01", "2024-02-29T23:59:00.000Z"},
        {"2023-03-01T00:00:00+00:01", "2023-02-28T23:59:00.000Z"},
        {"2024-02-29T22:00:00-03:00", "2024-03-01T01:00:00.000Z"},
        {"0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000Z"},
        {"9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z"},
    };
    TEXTS(t, converts);
    ERR(t, in_str("0001-01-01T00:00:00+00:01"),
        "is UTC_DATETIME, got string \"0001-01-01T00:00:00+00:01\" (outside years 0001 to 9999 in UTC)");
    ERR(t, in_str("9999-12-31T23:59:00-00:01"),
        "is UTC_DATETIME, got string \"9999-12-31T23:59:00-00:01\" (outside years 0001 to 9999 in UTC)");
}

static void test_utc_datetime_errors(void **state) {
    (void)state;
    types_type t = ty(TYPES_UTC_DATETIME);
    ERR(t, in_str("2020-01-01T00:00:00"),
        "is UTC_DATETIME, got string \"2020-01-01T00:00:00\" (no UTC offset: add Z or +hh:mm)");
    ERR(t, in_str("2020-01-01 00:00:00.123"),
        "is UTC_DATETIME, got string \"2020-01-01 00:00:00.123\" (no UTC offset: add Z or +hh:mm)");
    static const char *const bad_offset[] = {
        "+24:00", "+02:60", "+2:00", "+02", "+02:00:00", "ZZ", "Z ", "-02-00", "+0", "+02:0a", "+020",
    };
    ERRS(t, bad_offset, "2020-01-01T00:00:00", "is UTC_DATETIME", " (bad UTC offset: use Z, +hh:mm or +hhmm)");
    ERR(t, in_str("2020-01-01T00:00:00UTC"),
        "is UTC_DATETIME, got string \"2020-01-01T00:00:00UTC\" (not YYYY-MM-DDTHH:MM:SS[.fff])");
    ERR(t, in_str("2023-02-29T00:00:00Z"),
        "is UTC_DATETIME, got string \"2023-02-29T00:00:00Z\" (not a calendar date)");
    ERR(t, in_str("2023-05-06T23:59:60Z"),
        "is UTC_DATETIME, got string \"2023-05-06T23:59:60Z\" (not a time of day)");
    ERR(t, in_str("2023-05-06"), "is UTC_DATETIME, got string \"2023-05-06\" (not YYYY-MM-DDTHH:MM:SS[.fff])");
    ERR(t, in_int(1683356889), "is UTC_DATETIME, got integer 1683356889");
}

/* ---- BINARY, STRING, XML ---- */

static void test_binary(void **state) {
    (void)state;
    types_type t = ty(TYPES_BINARY);
    const char bytes[] = {'a', '\0', 'b', '\xff'};
    types_input in = in_bytes(bytes, sizeof bytes);
    types_value out;
    char err[128];
    assert_int_equal(types_convert(&t, &in, &out, err, sizeof err), 0);
    assert_int_equal(out.tag, TYPES_SQL_BLOB);
    assert_ptr_equal(out.p, bytes); /* no copy */
    assert_int_equal(out.len, 4);

    in = in_bytes("", 0);
    assert_int_equal(types_convert(&t, &in, &out, err, sizeof err), 0);
    assert_int_equal(out.tag, TYPES_SQL_BLOB);
    assert_int_equal(out.len, 0);

    ERR(t, in_int(1), "is BINARY, got integer 1");
    ERR(t, in_bool(false), "is BINARY, got boolean false");
    ERR(t, in_float(2.5), "is BINARY, got float 2.5");
}

static void test_string_from_string(void **state) {
    (void)state;
    for (int k = TYPES_XML; k <= TYPES_STRING; k++) {
        types_type t = ty((types_kind)k);
        const char text[] = "a\0b";
        types_input in = in_bytes(text, 3);
        types_value out;
        char err[128];
        assert_int_equal(types_convert(&t, &in, &out, err, sizeof err), 0);
        assert_int_equal(out.tag, TYPES_SQL_TEXT);
        assert_ptr_equal(out.p, text); /* no copy, NUL kept */
        assert_int_equal(out.len, 3);
        TEXT(t, in_str(""), "");
        TEXT(t, in_str("<a>x</a>"), "<a>x</a>");
    }
}

static void test_string_from_numbers(void **state) {
    (void)state;
    for (int k = TYPES_XML; k <= TYPES_STRING; k++) {
        types_type t = ty((types_kind)k);
        TEXT(t, in_int(0), "0");
        TEXT(t, in_int(-1), "-1");
        TEXT(t, in_int(INT64_MAX), "9223372036854775807");
        TEXT(t, in_int(INT64_MIN), "-9223372036854775808");
        TEXT(t, in_float(1.5), "1.5");
        /* A float is the shortest text that reads back to the same double. */
        TEXT(t, in_float(3.0), "3");
        TEXT(t, in_float(5.0), "5");
        TEXT(t, in_float(2.5), "2.5");
        TEXT(t, in_float(-0.0), "0");
        TEXT(t, in_float(0.1), "0.1");
        TEXT(t, in_float(1.0 / 3.0), "0.3333333333333333");
        TEXT(t, in_float(123456789012.0), "123456789012");
        TEXT(t, in_float(1e14), "100000000000000");
        TEXT(t, in_float(1e15), "1000000000000000");
        TEXT(t, in_float(-1.25e-7), "-1.25e-07");
        TEXT(t, in_float(9223372036854775808.0), "9.223372036854776e+18");
        TEXT(t, in_float(1e300), "1e+300");
        TEXT(t, in_float(INFINITY), "inf");
        TEXT(t, in_float(-INFINITY), "-inf");
        TEXT(t, in_float(NAN), "nan");
        TEXT(t, in_float(copysign(NAN, -1.0)), "nan");
        TEXT(t, in_bool(true), "true");
        TEXT(t, in_bool(false), "false");
    }
}

static void test_converted_text_lives_in_buf(void **state) {
    (void)state;
    types_type t = ty(TYPES_STRING);
    types_input in = in_int(42);
    types_value out;
    char err[64];
    assert_int_equal(types_convert(&t, &in, &out, err, sizeof err), 0);
    assert_null(out.p); /* held in buf: read with types_bytes */
    assert_ptr_equal(types_bytes(&out), out.buf);
    assert_int_equal(out.len, 2);
    assert_memory_equal(types_bytes(&out), "42", 2);
}

/* ---- JSON, unknown types, error buffer handling ---- */

static void test_json_is_internal(void **state) {
    (void)state;
    ERR(ty(TYPES_JSON), in_str("{}"), "is JSON (internal: JSON values are encoded by the caller)");
    ERR(ty(TYPES_JSON), in_int(1), "is JSON (internal: JSON values are encoded by the caller)");
    ERR(ty(TYPES_COUNT), in_int(1), "has an unknown type 14 (internal)");
}

/* types_convert_direct, the op path's inline conversion, against
 * types_convert: for random inputs of every tag and every kind, where it
 * answers it gives the same value (and where it does not, types_convert
 * does the work). A model test over boundaries and random values. */
static void test_convert_direct_agrees(void **state) {
    (void)state;
    static const int64_t edges[] = {0, 1, -1, INT16_MIN, INT16_MAX, INT16_MIN - 1, INT16_MAX + 1,
                                    INT32_MIN, INT32_MAX, (int64_t)INT32_MIN - 1,
                                    (int64_t)INT32_MAX + 1, INT64_MIN, INT64_MAX};
    static const char *texts[] = {"", "abc", "2024-01-02", "12.5", "x\0y"};
    uint64_t x = 88172645463325252u; /* xorshift64: the same inputs every run */
    int texts_answered = 0, integers_answered = 0;
    for (int n = 0; n < 20000; n++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        types_input in;
        switch (x % 4) {
        case 0: in = in_int((x >> 8) % 3 ? edges[(x >> 12) % 13] : (int64_t)(x >> 2)); break;
        case 1: in = in_float((double)(int64_t)(x >> 20) / 8); break;
        case 2: in = in_bool(x & 256); break;
        default: in = in_bytes(texts[(x >> 8) % 5], (x >> 8) % 5 == 4 ? 3 : strlen(texts[(x >> 8) % 5]));
        }
        types_type type = ty((types_kind)((x >> 32) % TYPES_COUNT));
        if (type.kind == TYPES_DECIMAL) type.precision = 10, type.scale = 2;
        types_value direct, general;
        memset(&direct, 0x5a, sizeof direct); /* what a reused slot held before */
        memset(&general, 0x5a, sizeof general);
        char err[256];
        if (!types_convert_direct(type.kind, &in, &direct)) continue;
        if (in.tag == TYPES_IN_STRING) texts_answered++;
        else integers_answered++;
        assert_int_equal(types_convert(&type, &in, &general, err, sizeof err), 0);
        assert_int_equal(direct.tag, general.tag);
        assert_true(direct.i == general.i && direct.f == general.f);
        assert_ptr_equal(direct.p, general.p);
        assert_int_equal(direct.len, general.len);
        assert_int_equal(direct.buf[0], general.buf[0]);
        assert_int_equal(direct.boolean, general.boolean);
    }
    /* The direct path was taken, for texts and for integers. */
    assert_true(texts_answered > 500);
    assert_true(integers_answered > 500);
}

static void test_error_buffer(void **state) {
    (void)state;
    types_type t = ty(TYPES_INT);
    types_input in = in_str("abc");
    types_value out;
    char err[16];

    memset(err, 'x', sizeof err);
    assert_int_equal(types_convert(&t, &in, &out, err, 10), -1);
    assert_string_equal(err, "is INT, g");
    assert_int_equal(err[10], 'x');

    memset(err, 'x', sizeof err);
    assert_int_equal(types_convert(&t, &in, &out, err, 1), -1);
    assert_string_equal(err, "");
    assert_int_equal(err[1], 'x');

    memset(err, 'x', sizeof err);
    assert_int_equal(types_convert(&t, &in, &out, err, 0), -1);
    assert_int_equal(err[0], 'x');

    /* A long value still gives a whole message, cut to fit. */
    char big[2000];
    memset(big, 'q', sizeof big);
    in = in_bytes(big, sizeof big);
    char msg[512];
    assert_int_equal(types_convert(&t, &in, &out, msg, sizeof msg), -1);
    assert_string_equal(msg, "is INT, got string \"qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq...\" (2000 bytes)");

    /* Success clears err. */
    in = in_int(5);
    strcpy(msg, "stale");
    assert_int_equal(types_convert(&t, &in, &out, msg, sizeof msg), 0);
    assert_string_equal(msg, "");
}

int main(void) {
    const struct CMUnitTest types[] = {
        cmocka_unit_test(test_from_name_all_cases),
        cmocka_unit_test(test_from_name_uses_length),
        cmocka_unit_test(test_from_name_rejects),
        cmocka_unit_test(test_name_and_sql_decl),
        cmocka_unit_test(test_infer),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_describe_scalars),
        cmocka_unit_test(test_describe_strings),
        cmocka_unit_test(test_describe_truncates),
        cmocka_unit_test(test_boolean),
        cmocka_unit_test(test_short),
        cmocka_unit_test(test_int),
        cmocka_unit_test(test_long),
        cmocka_unit_test(test_decimal_strings),
        cmocka_unit_test(test_decimal_scale_and_precision),
        cmocka_unit_test(test_decimal_string_errors),
        cmocka_unit_test(test_decimal_numbers),
        cmocka_unit_test(test_decimal_invalid_type),
        cmocka_unit_test(test_float_double),
        cmocka_unit_test(test_naive_date),
        cmocka_unit_test(test_naive_datetime),
        cmocka_unit_test(test_naive_datetime_errors),
        cmocka_unit_test(test_utc_datetime_offsets),
        cmocka_unit_test(test_utc_datetime_rollover),
        cmocka_unit_test(test_utc_datetime_errors),
        cmocka_unit_test(test_binary),
        cmocka_unit_test(test_string_from_string),
        cmocka_unit_test(test_string_from_numbers),
        cmocka_unit_test(test_converted_text_lives_in_buf),
        cmocka_unit_test(test_json_is_internal),
        cmocka_unit_test(test_error_buffer),
        cmocka_unit_test(test_convert_direct_agrees),
    };
    return cmocka_run_group_tests(types, NULL, NULL);
}
