/* json_parse: JSON text checked and reported value by value to a json_sink
 * (see json_core.h). It builds nothing: the sink does. It holds no memory
 * while a callback runs (the copy of a long number is freed before the
 * number is reported), so a callback may longjmp out of it. It does not
 * know Lua; json_decode.c is the sink that makes Lua values. */
#include "json_core.h"
#include "json_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser {
    const char *start;
    const char *p;
    const char *end;
    char *err;
    size_t errlen;
    int depth;
    const json_sink *sink;
    void *ud;
    bool nomem; /* a failure for want of memory */
} parser;

const char json_out_of_memory[] = "out of memory";
const char json_out_of_memory_stack[] = "out of memory (Lua stack)";

/* Sets err to "line L, column C: ..." for the byte at `at` and returns -1. */
static NOINLINE PRINTF(3, 4) int fail(parser *P, const char *at, const char *fmt, ...) {
    if (!P->err || !P->errlen) return -1;
    size_t line = 1;
    const char *bol = P->start;
    for (const char *q = P->start; q < at; q++) {
        if (*q == '\n') {
            line++;
            bol = q + 1;
        }
    }
    int n = snprintf(P->err, P->errlen, "line %zu, column %zu: ", line, (size_t)(at - bol) + 1);
    if (n >= 0 && (size_t)n < P->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(P->err + n, P->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* 0 when the sink went on; -1 with its reason, placed at `at`, when not. */
static inline int sunk(parser *P, const char *at, const char *why) {
    if (why == json_out_of_memory || why == json_out_of_memory_stack) P->nomem = true;
    return why ? fail(P, at, "%s", why) : 0;
}

/* Fails at the current position with "msg", or with "unexpected end of
 * input" when the text ran out. */
static int expected(parser *P, const char *msg) {
    if (P->p == P->end) return fail(P, P->p, "unexpected end of input");
    return fail(P, P->p, "%s", msg);
}

/* "'x'" for a printable character, "byte 0x01" for anything else. */
static const char *show_byte(char *buf, size_t cap, unsigned char c) {
    if (c > 0x20 && c < 0x7f)
        snprintf(buf, cap, "'%c'", c);
    else
        snprintf(buf, cap, "byte 0x%02x", c);
    return buf;
}

static void skip_ws(parser *P) {
    while (P->p < P->end && (*P->p == ' ' || *P->p == '\t' || *P->p == '\n' || *P->p == '\r'))
        P->p++;
}

static int hex4(const char *p, const char *end, unsigned *out) {
    if (end - p < 4) return -1;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    *out = v;
    return 0;
}

/* Checks the \u escape at p (the backslash), two of them for a surrogate
 * pair; sets *next past it. */
static int check_unicode(parser *P, const char *p, const char **next) {
    unsigned cp, lo;
    if (hex4(p + 2, P->end, &cp) != 0)
        return fail(P, p, "invalid \\u escape: expected 4 hex digits");
    *next = p + 6;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return fail(P, p, "lone surrogate \\u%.4s", p + 2);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (P->end - p < 12 || p[6] != '\\' || p[7] != 'u' || hex4(p + 8, P->end, &lo) != 0 ||
            lo < 0xDC00 || lo > 0xDFFF)
            return fail(P, p, "lone surrogate \\u%.4s", p + 2);
        *next = p + 12;
    }
    return 0;
}

/* The first '"', '\\' or control byte at or after p, or end. */
static const char *string_stop(const char *p, const char *end) {
    while (p < end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20) p++;
    return p;
}

/* P->p is at the opening quote. Checks the string and sets *raw, *n to the
 * bytes between the quotes and *escaped when they hold an escape. Bytes
 * >= 0x80 are taken as they are (the writer passes them through, so any
 * Lua string round-trips). */
static NOINLINE int scan_string(parser *P, const char **raw, size_t *n, bool *escaped) {
    const char *open = P->p, *q = string_stop(open + 1, P->end);
    *escaped = false;
    while (q == P->end || *q != '"') {
        if (q == P->end) return fail(P, open, "unterminated string");
        unsigned char c = (unsigned char)*q;
        if (c < 0x20) return fail(P, q, "unescaped control character 0x%02x in a string", c);
        if (P->end - q < 2) return fail(P, open, "unterminated string");
        const char *next = q + 2;
        switch (q[1]) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't': break;
        case 'u':
            if (check_unicode(P, q, &next) != 0) return -1;
            break;
        default:
            if (q[1] > 0x20 && q[1] < 0x7f) return fail(P, q, "invalid escape '\\%c'", q[1]);
            return fail(P, q, "invalid escape: '\\' followed by byte 0x%02x",
                        (unsigned char)q[1]);
        }
        *escaped = true;
        q = string_stop(next, P->end);
    }
    *raw = open + 1;
    *n = (size_t)(q - *raw);
    P->p = q + 1;
    return 0;
}

static unsigned hex4_checked(const char *p) {
    unsigned v = 0;
    hex4(p, p + 4, &v);
    return v;
}

size_t json_unescape(const char *raw, size_t n, char *out) {
    const char *p = raw, *end = raw + n;
    char *o = out;
    while (p < end) {
        const char *b = memchr(p, '\\', (size_t)(end - p));
        if (!b) b = end;
        memcpy(o, p, (size_t)(b - p));
        o += b - p;
        if (b == end) break;
        p = b + 2;
        switch (b[1]) {
        case 'b': *o++ = '\b'; continue;
        case 'f': *o++ = '\f'; continue;
        case 'n': *o++ = '\n'; continue;
        case 'r': *o++ = '\r'; continue;
        case 't': *o++ = '\t'; continue;
        case 'u': break;
        default: *o++ = b[1]; continue; /* " \ / */
        }
        unsigned cp = hex4_checked(b + 2);
        p = b + 6;
        if (cp >= 0xD800 && cp <= 0xDBFF) { /* checked: a low surrogate follows */
            cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4_checked(b + 8) - 0xDC00);
            p = b + 12;
        }
        if (cp < 0x80) {
            *o++ = (char)cp;
        } else if (cp < 0x800) {
            *o++ = (char)(0xC0 | (cp >> 6));
            *o++ = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            *o++ = (char)(0xE0 | (cp >> 12));
            *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
            *o++ = (char)(0x80 | (cp & 0x3F));
        } else {
            *o++ = (char)(0xF0 | (cp >> 18));
            *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
            *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
            *o++ = (char)(0x80 | (cp & 0x3F));
        }
    }
    return (size_t)(o - out);
}

static bool is_digit(const parser *P, const char *p) {
    return p < P->end && *p >= '0' && *p <= '9';
}

/* JSON number grammar. An integer literal that fits int64 is reported as
 * an integer, exactly; any other number as a double through strtod. */
static NOINLINE int parse_number(parser *P) {
    const char *s = P->p, *p = s;
    bool neg = *p == '-', isfloat = false;
    if (neg) p++;
    if (!is_digit(P, p)) return fail(P, p, "expected a digit after '-'");
    if (*p == '0') {
        p++;
        if (is_digit(P, p)) return fail(P, s, "number with a leading zero");
    } else {
        while (is_digit(P, p)) p++;
    }
    if (p < P->end && *p == '.') {
        p++;
        isfloat = true;
        if (!is_digit(P, p)) return fail(P, p, "expected a digit after '.'");
        while (is_digit(P, p)) p++;
    }
    if (p < P->end && (*p == 'e' || *p == 'E')) {
        p++;
        isfloat = true;
        if (p < P->end && (*p == '+' || *p == '-')) p++;
        if (!is_digit(P, p)) return fail(P, p, "expected a digit in the exponent");
        while (is_digit(P, p)) p++;
    }
    P->p = p;

    if (!isfloat) {
        unsigned long long limit = (unsigned long long)INT64_MAX + (neg ? 1u : 0u), m = 0;
        const char *d = s + neg;
        for (; d < p; d++) {
            unsigned digit = (unsigned)(*d - '0');
            if (m > (limit - digit) / 10) break; /* too large: a double */
            m = m * 10 + digit;
        }
        if (d == p) {
            int64_t v;
            if (!neg) v = (int64_t)m;
            else if (m == (unsigned long long)INT64_MAX + 1) v = INT64_MIN;
            else v = -(int64_t)m;
            return sunk(P, s, P->sink->integer(P->ud, v));
        }
    }

    /* strtod wants a NUL-terminated copy in the locale's notation. The
     * copy of a long number is freed before the sink hears of it. */
    size_t n = (size_t)(p - s);
    char small[64], *copy = n < sizeof small ? small : malloc(n + 1);
    if (!copy) {
        P->nomem = true;
        return fail(P, s, "%s", json_out_of_memory);
    }
    memcpy(copy, s, n);
    copy[n] = '\0';
    char point = json_locale_point(), *dot = point != '.' ? strchr(copy, '.') : NULL;
    if (dot) *dot = point;
    char *stop;
    double v = strtod(copy, &stop);
    bool whole = stop == copy + n;
    if (copy != small) free(copy);
    if (!whole) return fail(P, s, "invalid number");
    if (isinf(v)) return fail(P, s, "number out of range");
    return sunk(P, s, P->sink->number(P->ud, v));
}

static int literal(parser *P, const char *word) {
    size_t n = strlen(word);
    if ((size_t)(P->end - P->p) < n || memcmp(P->p, word, n) != 0)
        return fail(P, P->p, "invalid literal, expected %s", word);
    P->p += n;
    return 0;
}

static int parse_value(parser *P);

static int enter(parser *P, bool array) {
    if (P->depth >= JSON_MAX_DEPTH)
        return fail(P, P->p, "nesting deeper than %d", JSON_MAX_DEPTH);
    if (sunk(P, P->p, P->sink->open(P->ud, array)) != 0) return -1;
    P->depth++;
    P->p++;
    skip_ws(P);
    return 0;
}

static int leave(parser *P, bool array) {
    const char *at = P->p;
    P->p++;
    P->depth--;
    return sunk(P, at, P->sink->close(P->ud, array));
}

static int parse_object(parser *P) {
    if (enter(P, false) != 0) return -1;
    if (P->p < P->end && *P->p == '}') return leave(P, false);
    for (size_t i = 1;; i++) {
        skip_ws(P);
        if (P->p == P->end || *P->p != '"') {
            if (i == 1) return expected(P, "expected a string key or '}'");
            if (P->p < P->end && *P->p == '}') return fail(P, P->p, "trailing comma before '}'");
            return expected(P, "expected a string key");
        }
        const char *at = P->p, *raw;
        size_t n;
        bool escaped;
        if (scan_string(P, &raw, &n, &escaped) != 0 ||
            sunk(P, at, P->sink->key(P->ud, raw, n, escaped)) != 0)
            return -1;
        skip_ws(P);
        if (P->p == P->end || *P->p != ':') return expected(P, "expected ':' after an object key");
        P->p++;
        if (parse_value(P) != 0 || sunk(P, P->p, P->sink->add(P->ud, false, i)) != 0) return -1;
        skip_ws(P);
        if (P->p < P->end && *P->p == ',') {
            P->p++;
            continue;
        }
        if (P->p < P->end && *P->p == '}') break;
        return expected(P, "expected ',' or '}' after an object member");
    }
    return leave(P, false);
}

static int parse_array(parser *P) {
    if (enter(P, true) != 0) return -1;
    if (P->p < P->end && *P->p == ']') return leave(P, true);
    for (size_t i = 1;; i++) {
        skip_ws(P);
        if (i > 1 && P->p < P->end && *P->p == ']') return fail(P, P->p, "trailing comma before ']'");
        if (parse_value(P) != 0 || sunk(P, P->p, P->sink->add(P->ud, true, i)) != 0) return -1;
        skip_ws(P);
        if (P->p < P->end && *P->p == ',') {
            P->p++;
            continue;
        }
        if (P->p < P->end && *P->p == ']') break;
        return expected(P, "expected ',' or ']' after an array element");
    }
    return leave(P, true);
}

static NOINLINE int no_value(parser *P) {
    char tmp[16];
    return fail(P, P->p, "expected a value, found %s",
                show_byte(tmp, sizeof tmp, (unsigned char)*P->p));
}

static int parse_value(parser *P) {
    skip_ws(P);
    if (P->p == P->end) return fail(P, P->p, "unexpected end of input");
    const char *at = P->p;
    switch (*P->p) {
    case '{': return parse_object(P);
    case '[': return parse_array(P);
    case '"': {
        const char *raw;
        size_t n;
        bool escaped;
        if (scan_string(P, &raw, &n, &escaped) != 0) return -1;
        return sunk(P, at, P->sink->string(P->ud, raw, n, escaped));
    }
    case 't':
        if (literal(P, "true") != 0) return -1;
        return sunk(P, at, P->sink->boolean(P->ud, true));
    case 'f':
        if (literal(P, "false") != 0) return -1;
        return sunk(P, at, P->sink->boolean(P->ud, false));
    case 'n':
        if (literal(P, "null") != 0) return -1;
        return sunk(P, at, P->sink->null(P->ud));
    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
        return parse_number(P);
    default:
        return no_value(P);
    }
}

int json_parse(const char *text, size_t len, const json_sink *sink, void *ud, char *err,
               size_t errlen) {
    if (!text) text = "";
    parser P = {text, text, text + len, err, errlen, 0, sink, ud, false};
    skip_ws(&P);
    if (P.p == P.end) return fail(&P, text, "empty input");
    if (parse_value(&P) != 0) return P.nomem ? JSON_NOMEM : -1;
    skip_ws(&P);
    if (P.p != P.end) return fail(&P, P.p, "unexpected text after the value");
    return 0;
}
