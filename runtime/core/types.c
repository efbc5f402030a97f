/* types: the logical types, checking and converting one value into what is
 * bound to SQLite, date and time parsing, decimals, and the widening
 * order of undeclared columns (see types.h). No Lua and no SQLite: the
 * caller describes the value and binds the result. */
#include "types.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_internal.h"

static const char *const types_names[TYPES_COUNT] = {
    "BOOLEAN", "SHORT", "INT", "LONG", "DECIMAL", "FLOAT", "DOUBLE",
    "NAIVE_DATE", "NAIVE_DATETIME", "UTC_DATETIME", "BINARY", "XML", "STRING", "JSON",
};

/* Strings longer than this are cut in error messages. */
#define DESCRIBE_MAX 40

/* ASCII only: type names must not depend on the locale. */
static char upper(char c) { return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c; }

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool types_from_name(const char *name, size_t len, types_kind *out) {
    for (int k = 0; k < TYPES_COUNT; k++) {
        const char *t = types_names[k];
        if (strlen(t) != len) continue;
        size_t i = 0;
        while (i < len && upper(name[i]) == t[i]) i++;
        if (i == len) {
            *out = (types_kind)k;
            return true;
        }
    }
    return false;
}

const char *types_name(types_kind kind) {
    return (unsigned)kind < TYPES_COUNT ? types_names[kind] : "UNKNOWN";
}

const char *types_sql_decl(types_kind kind) {
    switch (kind) {
    case TYPES_BOOLEAN: case TYPES_SHORT: case TYPES_INT: case TYPES_LONG: return "INTEGER";
    case TYPES_FLOAT: case TYPES_DOUBLE: return "REAL";
    case TYPES_BINARY: return "BLOB";
    default: return "TEXT";
    }
}

types_kind types_infer(types_in_tag tag) {
    switch (tag) {
    case TYPES_IN_BOOL: return TYPES_BOOLEAN;
    case TYPES_IN_INT: return TYPES_LONG;
    case TYPES_IN_FLOAT: return TYPES_DOUBLE;
    default: return TYPES_STRING;
    }
}

void types_format(const types_type *type, char *buf, size_t n) {
    if (type->kind == TYPES_DECIMAL)
        snprintf(buf, n, "DECIMAL(%d,%d)", type->precision, type->scale);
    else
        snprintf(buf, n, "%s", types_name(type->kind));
}

void types_number_text(double f, char *buf, size_t n) {
    if (isnan(f)) {
        snprintf(buf, n, "nan");
    } else if (isinf(f)) {
        snprintf(buf, n, "%s", f < 0 ? "-inf" : "inf");
    } else if (f == 0) {
        snprintf(buf, n, "0");
    } else if (f == floor(f) && f >= -9223372036854775808.0 && f < 9223372036854775808.0) {
        snprintf(buf, n, "%lld", (long long)f);
    } else {
        /* The fewest significant digits that read back (17 always do), so
         * the text is the same whatever path the value took; written out
         * in full from 1e-4 to below 1e16, as Python's repr does ("30",
         * "0.0001", "1e-05", "1e+16"). */
        int digits = 1;
        for (; digits < 17; digits++) {
            snprintf(buf, n, "%.*e", digits - 1, f);
            if (strtod(buf, NULL) == f) break;
        }
        snprintf(buf, n, "%.*e", digits - 1, f);
        int exp10 = atoi(strchr(buf, 'e') + 1);
        if (exp10 >= -4 && exp10 < 16)
            snprintf(buf, n, "%.*f", digits - 1 - exp10 > 0 ? digits - 1 - exp10 : 0, f);
        else
            snprintf(buf, n, "%.*g", digits, f);
        /* printf and strtod follow LC_NUMERIC, which a script may change. */
        char point = json_locale_point(), *c = point != '.' ? strchr(buf, point) : NULL;
        if (c) *c = '.';
    }
}

bool types_exact_double(int64_t i) {
    /* 2^63 is the double nearest INT64_MAX, and it does not fit back. */
    double d = (double)i;
    return d < 9223372036854775808.0 && (int64_t)d == i;
}

void types_describe(const types_input *in, char *buf, size_t n) {
    char num[64];
    switch (in->tag) {
    case TYPES_IN_BOOL:
        snprintf(buf, n, "boolean %s", in->b ? "true" : "false");
        return;
    case TYPES_IN_INT:
        snprintf(buf, n, "integer %" PRId64, in->i);
        return;
    case TYPES_IN_FLOAT:
        types_number_text(in->f, num, sizeof num);
        /* As Lua shows a float with an integral value: 32768.0 */
        snprintf(buf, n, "float %s%s", num, num[strspn(num, "-0123456789")] ? "" : ".0");
        return;
    case TYPES_IN_STRING:
        break;
    default:
        snprintf(buf, n, "a value of unknown kind");
        return;
    }
    /* At most 4 bytes per shown byte, plus the quotes and the length. */
    char text[DESCRIBE_MAX * 4 + 64];
    size_t shown = in->len > DESCRIBE_MAX ? DESCRIBE_MAX : in->len, w = 0;
    w += (size_t)snprintf(text, sizeof text, "string \"");
    for (size_t i = 0; i < shown; i++) {
        unsigned char c = (unsigned char)in->s[i];
        if (c >= 0x20 && c < 0x7f) text[w++] = (char)c;
        else w += (size_t)snprintf(text + w, sizeof text - w, "\\x%02X", c);
    }
    if (shown < in->len)
        snprintf(text + w, sizeof text - w, "...\" (%zu bytes)", in->len);
    else
        snprintf(text + w, sizeof text - w, "\"");
    snprintf(buf, n, "%s", text);
}

/* Writes `is TYPE (detail), got VALUE (reason)` into err; detail and the
 * reason format may be NULL. Always returns -1. */
static int fail(const types_type *type, const char *detail, const types_input *in,
                char *err, size_t errlen, const char *why, ...) {
    char name[40], got[DESCRIBE_MAX * 4 + 64], reason[128] = "";
    types_format(type, name, sizeof name);
    if (type->kind == TYPES_DECIMAL && in->tag == TYPES_IN_FLOAT && isfinite(in->f))
        snprintf(got, sizeof got, "float %.15g", in->f); /* the digits that were checked */
    else
        types_describe(in, got, sizeof got);
    if (why) {
        va_list ap;
        va_start(ap, why);
        vsnprintf(reason, sizeof reason, why, ap);
        va_end(ap);
    }
    if (errlen > 0)
        snprintf(err, errlen, "is %s%s%s%s, got %s%s%s%s", name,
                 detail ? " (" : "", detail ? detail : "", detail ? ")" : "", got,
                 why ? " (" : "", reason, why ? ")" : "");
    return -1;
}

/* The text is in out->buf: p stays NULL so a moved value still finds it. */
static void set_text(types_value *out, size_t len) {
    out->tag = TYPES_SQL_TEXT;
    out->p = NULL;
    out->len = len;
}

/* ---- integers ---- */

static int convert_integer(const types_type *type, const types_input *in, types_value *out,
                           char *err, size_t errlen) {
    int64_t lo = INT64_MIN, hi = INT64_MAX; /* for the message; types_int_fits decides */
    if (type->kind == TYPES_SHORT) {
        lo = INT16_MIN;
        hi = INT16_MAX;
    } else if (type->kind == TYPES_INT) {
        lo = INT32_MIN;
        hi = INT32_MAX;
    }
    /* The range is written only for a failure: this is the hot path. */
    char range[64];
#define RANGE() (snprintf(range, sizeof range, "%" PRId64 " to %" PRId64, lo, hi), range)

    int64_t v;
    if (in->tag == TYPES_IN_INT) {
        v = in->i;
    } else if (in->tag == TYPES_IN_FLOAT) {
        double f = in->f;
        if (!isfinite(f) || f != floor(f))
            return fail(type, NULL, in, err, errlen, "not an integer");
        /* -2^63 and 2^63 are exact doubles; 2^63 itself does not fit. */
        if (f < -9223372036854775808.0 || f >= 9223372036854775808.0)
            return fail(type, RANGE(), in, err, errlen, NULL);
        v = (int64_t)f;
    } else {
        return fail(type, NULL, in, err, errlen, NULL);
    }
    if (!types_int_fits(type->kind, v)) return fail(type, RANGE(), in, err, errlen, NULL);
#undef RANGE
    out->tag = TYPES_SQL_INT;
    out->i = v;
    return 0;
}

/* ---- decimals ---- */

/* A decimal string split into its parts; digits are read through
 * decimal_digit so that the integer and fraction parts, which the point
 * separates, act as one digit string. */
typedef struct decimal {
    bool negative;
    const char *ip, *fp; /* integer and fraction digits */
    size_t ilen, flen;
    int64_t exp;
    bool exp_overflow; /* more exponent digits than exp holds */
} decimal;

static char decimal_digit(const decimal *d, size_t k) {
    return k < d->ilen ? d->ip[k] : d->fp[k - d->ilen];
}

/* Parses [+-]digits[.digits][(e|E)[+-]digits], where one side of the point
 * may be empty. Returns a reason, or NULL. */
static const char *decimal_parse(const char *s, size_t len, decimal *d) {
    size_t i = 0;
    memset(d, 0, sizeof *d);
    if (i < len && (s[i] == '+' || s[i] == '-')) d->negative = s[i++] == '-';
    d->ip = s + i;
    while (i < len && is_digit(s[i])) i++, d->ilen++;
    if (i < len && s[i] == '.') {
        d->fp = s + ++i;
        while (i < len && is_digit(s[i])) i++, d->flen++;
    }
    if (d->ilen + d->flen == 0) return "not a decimal number";
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        bool eneg = false;
        size_t start;
        if (++i < len && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
        start = i;
        for (; i < len && is_digit(s[i]); i++) {
            if (d->exp < 1000000000000000) d->exp = d->exp * 10 + (s[i] - '0');
            else d->exp_overflow = true;
        }
        if (i == start) return "not a decimal number";
        if (eneg) d->exp = -d->exp;
    }
    return i == len ? NULL : "not a decimal number";
}

static int convert_decimal_text(const types_type *type, const types_input *in, const char *s,
                                size_t len, types_value *out, char *err, size_t errlen) {
    decimal d;
    const char *why = decimal_parse(s, len, &d);
    if (why) return fail(type, NULL, in, err, errlen, "%s", why);

    /* Significant digits are [lead, total - trail); point is where the
     * decimal point falls, counted from the first significant digit. */
    size_t total = d.ilen + d.flen, lead = 0, trail = 0;
    while (lead < total && decimal_digit(&d, lead) == '0') lead++;
    while (trail < total - lead && decimal_digit(&d, total - 1 - trail) == '0') trail++;
    int64_t sig = (int64_t)(total - lead - trail);
    /* Zero times any power of ten is still zero. */
    if (sig > 0 && d.exp_overflow)
        return fail(type, NULL, in, err, errlen, "exponent out of range");
    int64_t point = sig == 0 ? 0 : (int64_t)d.ilen + d.exp - (int64_t)lead;
    int64_t idigits = point > 0 ? point : 0, decimals = sig > point ? sig - point : 0;
    int64_t imax = type->precision - type->scale;
    if (idigits > imax)
        return fail(type, NULL, in, err, errlen,
                    "%" PRId64 " digit%s before the point, at most %" PRId64, idigits,
                    idigits == 1 ? "" : "s", imax);
    if (decimals > type->scale)
        return fail(type, NULL, in, err, errlen, "%" PRId64 " decimal%s, at most %d", decimals,
                    decimals == 1 ? "" : "s", type->scale);

    /* Bounded by precision <= 38: at most 41 bytes with sign and point. */
    size_t w = 0;
    if (sig > 0 && d.negative) out->buf[w++] = '-';
    if (idigits == 0) out->buf[w++] = '0';
    for (int64_t k = 0; k < idigits; k++)
        out->buf[w++] = k < sig ? decimal_digit(&d, lead + (size_t)k) : '0';
    if (type->scale > 0) out->buf[w++] = '.';
    for (int64_t k = point; k < point + type->scale; k++)
        out->buf[w++] = k >= 0 && k < sig ? decimal_digit(&d, lead + (size_t)k) : '0';
    out->buf[w] = '\0';
    set_text(out, w);
    return 0;
}

static int convert_decimal(const types_type *type, const types_input *in, types_value *out,
                           char *err, size_t errlen) {
    char num[64];
    if (type->precision < 1 || type->precision > TYPES_DECIMAL_MAX_PRECISION || type->scale < 0 ||
        type->scale > type->precision) {
        if (errlen > 0)
            snprintf(err, errlen,
                     "is DECIMAL(%d,%d), not a valid type "
                     "(internal: precision 1 to %d, scale 0 to precision)",
                     type->precision, type->scale, TYPES_DECIMAL_MAX_PRECISION);
        return -1;
    }
    switch (in->tag) {
    case TYPES_IN_STRING:
        return convert_decimal_text(type, in, in->s, in->len, out, err, errlen);
    case TYPES_IN_INT:
        snprintf(num, sizeof num, "%" PRId64, in->i);
        return convert_decimal_text(type, in, num, strlen(num), out, err, errlen);
    case TYPES_IN_FLOAT:
        if (!isfinite(in->f)) return fail(type, NULL, in, err, errlen, "not a finite number");
        /* Any decimal of up to 15 significant digits survives a trip
         * through a double and back at this width: 12.34 stays 12.34
         * instead of the double's exact 12.339999999999999857... */
        snprintf(num, sizeof num, "%.15g", in->f);
        return convert_decimal_text(type, in, num, strlen(num), out, err, errlen);
    default:
        return fail(type, NULL, in, err, errlen, NULL);
    }
}

/* ---- dates and times ---- */

typedef struct stamp {
    int year, month, day, hour, minute, second, milli;
    bool has_offset;
    int offset; /* minutes east of UTC */
} stamp;

static bool digits(const char *s, int n, int *out) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit(s[i])) return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static int days_in_month(int year, int month) {
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

static bool parse_date(const char *s, size_t len, stamp *t) {
    return len >= 10 && s[4] == '-' && s[7] == '-' && digits(s, 4, &t->year) &&
           digits(s + 5, 2, &t->month) && digits(s + 8, 2, &t->day);
}

static bool valid_date(const stamp *t) {
    return t->year >= 1 && t->month >= 1 && t->month <= 12 && t->day >= 1 &&
           t->day <= days_in_month(t->year, t->month);
}

#define REASON_DATETIME_FORMAT "not YYYY-MM-DDTHH:MM:SS[.fff]"
#define REASON_INSTANT_FORMAT \
    "not YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS[.fff]] with an optional Z, +hh:mm or +hhmm"
#define REASON_BAD_OFFSET "bad UTC offset: use Z, +hh:mm or +hhmm"

/* Parses a date, a time (its seconds may be left out when seconds_optional)
 * and an optional UTC offset. Returns a reason, or NULL. A trailing text that starts like an offset is taken for one, so
 * that "+05:00" gets a message about offsets and not about the format. */
static const char *parse_datetime(const char *s, size_t len, stamp *t, bool seconds_optional) {
    memset(t, 0, sizeof *t);
    if (!parse_date(s, len, t) || len < 16 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
        s[13] != ':' || !digits(s + 11, 2, &t->hour) || !digits(s + 14, 2, &t->minute))
        return REASON_DATETIME_FORMAT;
    size_t i = 16;
    if (i < len && s[i] == ':') {
        if (len < 19 || !digits(s + 17, 2, &t->second)) return REASON_DATETIME_FORMAT;
        i = 19;
        if (i < len && s[i] == '.') {
            size_t start = ++i;
            for (; i < len && is_digit(s[i]); i++)
                if (i - start < 3) t->milli = t->milli * 10 + (s[i] - '0');
            if (i == start) return REASON_DATETIME_FORMAT;
            if (i - start > 9) return "more than 9 digits after the seconds";
            for (size_t k = i - start; k < 3; k++) t->milli *= 10;
        }
    } else if (!seconds_optional) {
        return REASON_DATETIME_FORMAT;
    }
    const char *o = s + i;
    size_t olen = len - i;
    if (olen > 0) {
        int oh = 0, om = 0;
        if (*o != 'Z' && *o != 'z' && *o != '+' && *o != '-') return REASON_DATETIME_FORMAT;
        t->has_offset = true;
        if (olen == 1 && (*o == 'Z' || *o == 'z')) {
            /* UTC */
        } else if ((*o == '+' || *o == '-') &&
                   ((olen == 6 && o[3] == ':' && digits(o + 1, 2, &oh) && digits(o + 4, 2, &om)) ||
                    (olen == 5 && digits(o + 1, 2, &oh) && digits(o + 3, 2, &om))) &&
                   oh <= 23 && om <= 59) {
            t->offset = (*o == '-' ? -1 : 1) * (oh * 60 + om);
        } else {
            return REASON_BAD_OFFSET;
        }
    }
    if (!valid_date(t)) return "not a calendar date";
    if (t->hour > 23 || t->minute > 59 || t->second > 59) return "not a time of day";
    return NULL;
}

/* Moves t by minus its offset, which is under a day, so the date moves by
 * at most one day either way. */
static void to_utc(stamp *t) {
    int m = t->hour * 60 + t->minute - t->offset;
    if (m < 0) {
        m += 24 * 60;
        if (--t->day < 1) {
            if (--t->month < 1) {
                t->month = 12;
                t->year--;
            }
            t->day = days_in_month(t->year, t->month);
        }
    } else if (m >= 24 * 60) {
        m -= 24 * 60;
        if (++t->day > days_in_month(t->year, t->month)) {
            t->day = 1;
            if (++t->month > 12) {
                t->month = 1;
                t->year++;
            }
        }
    }
    t->hour = m / 60;
    t->minute = m % 60;
    t->offset = 0;
}

static int convert_date(const types_type *type, const types_input *in, types_value *out,
                        char *err, size_t errlen) {
    const char *form = "YYYY-MM-DD";
    stamp t = {0};
    if (in->tag != TYPES_IN_STRING) return fail(type, form, in, err, errlen, NULL);
    if (in->len != 10 || !parse_date(in->s, in->len, &t))
        return fail(type, form, in, err, errlen, NULL);
    if (!valid_date(&t)) return fail(type, form, in, err, errlen, "not a calendar date");
    int n = snprintf(out->buf, sizeof out->buf, "%04d-%02d-%02d", t.year, t.month, t.day);
    set_text(out, (size_t)n);
    return 0;
}

static int convert_datetime(const types_type *type, const types_input *in, types_value *out,
                            char *err, size_t errlen) {
    bool utc = type->kind == TYPES_UTC_DATETIME;
    stamp t;
    if (in->tag != TYPES_IN_STRING) return fail(type, NULL, in, err, errlen, NULL);
    const char *why = parse_datetime(in->s, in->len, &t, false);
    /* For a naive column any offset-like suffix, even a malformed one,
     * points at the declaration rather than at the offset's syntax. */
    if (!utc && t.has_offset) why = "has a UTC offset: declare the column UTC_DATETIME";
    if (!why && utc && !t.has_offset) why = "no UTC offset: add Z or +hh:mm";
    if (why) return fail(type, NULL, in, err, errlen, "%s", why);
    if (utc) {
        to_utc(&t);
        if (t.year < 1 || t.year > 9999)
            return fail(type, NULL, in, err, errlen, "outside years 0001 to 9999 in UTC");
    }
    int n = snprintf(out->buf, sizeof out->buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03d%s", t.year,
                     t.month, t.day, t.hour, t.minute, t.second, t.milli, utc ? "Z" : "");
    set_text(out, (size_t)n);
    return 0;
}

/* Days from 1970-01-01 to the given proleptic Gregorian date, negative
 * before it (H. Hinnant's days_from_civil): no timegm, no time zone. */
static int64_t days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

const char *types_parse_instant(const char *s, size_t len, int64_t *ms) {
    stamp t;
    const char *why;
    if (len == 10) {
        memset(&t, 0, sizeof t);
        why = parse_date(s, len, &t) ? (valid_date(&t) ? NULL : "not a calendar date")
                                     : REASON_INSTANT_FORMAT;
    } else {
        why = parse_datetime(s, len, &t, true);
        if (why && strcmp(why, REASON_DATETIME_FORMAT) == 0) why = REASON_INSTANT_FORMAT;
    }
    if (why) return why;
    int64_t v = days_from_civil(t.year, t.month, t.day) * 86400000 +
                ((int64_t)(t.hour * 60 + t.minute - t.offset) * 60 + t.second) * 1000 + t.milli;
    if (v < TYPES_INSTANT_MIN || v > TYPES_INSTANT_MAX) return "outside years 0001 to 9999 in UTC";
    *ms = v;
    return NULL;
}

/* ---- text ---- */

static int convert_text(const types_type *type, const types_input *in, types_value *out,
                        char *err, size_t errlen) {
    switch (in->tag) {
    case TYPES_IN_STRING:
        out->tag = TYPES_SQL_TEXT;
        out->p = in->s;
        out->len = in->len;
        return 0;
    case TYPES_IN_INT:
        set_text(out, (size_t)snprintf(out->buf, sizeof out->buf, "%" PRId64, in->i));
        return 0;
    case TYPES_IN_FLOAT:
        types_number_text(in->f, out->buf, sizeof out->buf);
        set_text(out, strlen(out->buf));
        return 0;
    case TYPES_IN_BOOL:
        set_text(out, (size_t)snprintf(out->buf, sizeof out->buf, "%s", in->b ? "true" : "false"));
        return 0;
    default:
        return fail(type, NULL, in, err, errlen, NULL);
    }
}

int types_convert(const types_type *type, const types_input *in, types_value *out,
                  char *err, size_t errlen) {
    out->tag = TYPES_SQL_NULL;
    out->i = 0;
    out->f = 0;
    out->p = NULL;
    out->len = 0;
    out->buf[0] = '\0';
    out->boolean = false;
    if (errlen > 0) err[0] = '\0';

    switch (type->kind) {
    case TYPES_BOOLEAN:
        if (in->tag != TYPES_IN_BOOL) return fail(type, NULL, in, err, errlen, NULL);
        out->tag = TYPES_SQL_INT;
        out->i = in->b ? 1 : 0;
        return 0;
    case TYPES_SHORT: case TYPES_INT: case TYPES_LONG:
        return convert_integer(type, in, out, err, errlen);
    case TYPES_DECIMAL:
        return convert_decimal(type, in, out, err, errlen);
    case TYPES_FLOAT: case TYPES_DOUBLE:
        if (in->tag == TYPES_IN_INT && !types_exact_double(in->i))
            return fail(type, NULL, in, err, errlen, "not exact as a double: store it as a string");
        if (in->tag == TYPES_IN_INT) out->f = (double)in->i;
        else if (in->tag == TYPES_IN_FLOAT) out->f = in->f;
        else return fail(type, NULL, in, err, errlen, NULL);
        out->tag = TYPES_SQL_REAL;
        return 0;
    case TYPES_NAIVE_DATE:
        return convert_date(type, in, out, err, errlen);
    case TYPES_NAIVE_DATETIME: case TYPES_UTC_DATETIME:
        return convert_datetime(type, in, out, err, errlen);
    case TYPES_BINARY:
        if (in->tag != TYPES_IN_STRING) return fail(type, NULL, in, err, errlen, NULL);
        out->tag = TYPES_SQL_BLOB;
        out->p = in->s;
        out->len = in->len;
        return 0;
    case TYPES_XML: case TYPES_STRING:
        return convert_text(type, in, out, err, errlen);
    case TYPES_JSON:
        if (errlen > 0)
            snprintf(err, errlen, "is JSON (internal: JSON values are encoded by the caller)");
        return -1;
    default:
        if (errlen > 0) snprintf(err, errlen, "has an unknown type %d (internal)", (int)type->kind);
        return -1;
    }
}

static bool is_integer_kind(types_kind k) {
    return k == TYPES_SHORT || k == TYPES_INT || k == TYPES_LONG;
}

bool types_widens(const types_type *from, const types_type *to) {
    types_kind f = from->kind, t = to->kind;
    if (f == t && f != TYPES_DECIMAL) return true;
    switch (t) {
    case TYPES_STRING: return f != TYPES_BINARY;
    case TYPES_DOUBLE: return f == TYPES_BOOLEAN || is_integer_kind(f) || f == TYPES_FLOAT;
    case TYPES_FLOAT: return f == TYPES_BOOLEAN || f == TYPES_SHORT;
    case TYPES_LONG: return f == TYPES_BOOLEAN || f == TYPES_SHORT || f == TYPES_INT;
    case TYPES_INT: return f == TYPES_BOOLEAN || f == TYPES_SHORT;
    case TYPES_SHORT: return f == TYPES_BOOLEAN;
    case TYPES_DECIMAL:
        if (f != TYPES_DECIMAL) return false;
        return to->scale >= from->scale &&
               to->precision - to->scale >= from->precision - from->scale;
    default: return false;
    }
}

/* Places on the ladder an undeclared column climbs; STRING is the top. */
static int join_rank(types_kind k) {
    switch (k) {
    case TYPES_BOOLEAN: return 0;
    case TYPES_LONG: return 1;
    case TYPES_DOUBLE: return 2;
    default: return 3;
    }
}

types_kind types_join(types_kind have, types_kind got) {
    if (have == TYPES_JSON) return TYPES_JSON;
    if (have == got) return have;
    return join_rank(got) > join_rank(have) ? (join_rank(got) == 3 ? TYPES_STRING : got)
                                            : (join_rank(have) == 3 ? TYPES_STRING : have);
}
