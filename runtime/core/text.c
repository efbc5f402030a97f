/* text: UTF-8 validity, the terminal and JSON escapes, the UTC time (see
 * text.h). Async-signal-safe: no allocation, no state, no C library. */
#include "text.h"

static const char HEX[] = "0123456789abcdef";

size_t text_utf8_decode(const unsigned char *p, size_t n, unsigned *cp) {
    size_t k;
    unsigned v;
    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    if (p[0] >= 0xc2 && p[0] <= 0xdf) k = 2, v = p[0] & 0x1fu;
    else if ((p[0] & 0xf0) == 0xe0) k = 3, v = p[0] & 0x0fu;
    else if (p[0] >= 0xf0 && p[0] <= 0xf4) k = 4, v = p[0] & 0x07u;
    else return 0;
    if (n < k) return 0;
    for (size_t j = 1; j < k; j++) {
        if ((p[j] & 0xc0) != 0x80) return 0;
        v = v << 6 | (p[j] & 0x3fu);
    }
    if (k == 3 && (v < 0x800 || (v >= 0xd800 && v <= 0xdfff))) return 0;
    if (k == 4 && (v < 0x10000 || v > 0x10ffff)) return 0;
    *cp = v;
    return k;
}

size_t text_utf8_len(const unsigned char *p, size_t n) {
    unsigned cp;
    return text_utf8_decode(p, n, &cp);
}

bool text_is_c1(const unsigned char *p, size_t k) { return k == 2 && p[0] == 0xc2 && p[1] < 0xa0; }

/* Appends "\xNN" for byte c at esc + *len. */
static void put_x(char *esc, size_t *len, unsigned char c) {
    esc[(*len)++] = '\\';
    esc[(*len)++] = 'x';
    esc[(*len)++] = HEX[c >> 4];
    esc[(*len)++] = HEX[c & 15];
}

/* The named escape of a control byte both forms share, or 0. */
static char named(unsigned char c) {
    return c == '\n' ? 'n' : c == '\t' ? 't' : c == '\r' ? 'r' : 0;
}

size_t text_terminal_step(const unsigned char *p, size_t n, bool multiline, char *esc,
                          size_t *esc_len) {
    *esc_len = 0;
    if ((p[0] == '\n' || p[0] == '\t') && multiline) return 1;
    size_t k = p[0] < 0x20 || p[0] == 0x7f ? 1 : text_utf8_len(p, n);
    if (k != 0 && p[0] >= 0x20 && p[0] != 0x7f && !text_is_c1(p, k)) return k;
    if (named(p[0])) {
        esc[0] = '\\';
        esc[1] = named(p[0]);
        *esc_len = 2;
        return 1;
    }
    put_x(esc, esc_len, p[0]);
    if (k == 2) put_x(esc, esc_len, p[1]); /* a C1 control: both bytes */
    return k == 2 ? 2 : 1;
}

size_t text_json_step(const unsigned char *p, size_t n, bool multiline, char *esc,
                      size_t *esc_len) {
    (void)multiline;
    *esc_len = 0;
    size_t k = text_utf8_len(p, n);
    char name = p[0] == '"' || p[0] == '\\' ? (char)p[0]
                : p[0] == '\b'              ? 'b'
                : p[0] == '\f'              ? 'f'
                                            : named(p[0]);
    if (name) {
        esc[0] = '\\';
        esc[1] = name;
        *esc_len = 2;
        return 1;
    }
    if (k == 0) {
        const char *r = "\\ufffd";
        for (; *r; r++) esc[(*esc_len)++] = *r;
        return 1;
    }
    if (p[0] >= 0x20 && p[0] != 0x7f && !text_is_c1(p, k)) return k;
    unsigned cp = k == 2 ? p[1] : p[0]; /* C1: the second byte is the code point */
    const char *u = "\\u00";
    for (; *u; u++) esc[(*esc_len)++] = *u;
    esc[(*esc_len)++] = HEX[cp >> 4];
    esc[(*esc_len)++] = HEX[cp & 15];
    return k;
}

typedef size_t step_fn(const unsigned char *, size_t, bool, char *, size_t *);

static int escape(step_fn *step, const char *s, size_t n, bool multiline, text_put_fn put,
                  void *ctx) {
    const unsigned char *p = (const unsigned char *)s;
    size_t run = 0; /* start of the bytes not yet written */
    for (size_t i = 0; i < n;) {
        char esc[TEXT_ESC_MAX];
        size_t esc_len, k = step(p + i, n - i, multiline, esc, &esc_len);
        if (esc_len) {
            if ((i > run && put(ctx, s + run, i - run) != 0) || put(ctx, esc, esc_len) != 0)
                return -1;
            run = i + k;
        }
        i += k;
    }
    return n > run ? put(ctx, s + run, n - run) : 0;
}

int text_terminal_escape(const char *s, size_t n, bool multiline, text_put_fn put, void *ctx) {
    return escape(text_terminal_step, s, n, multiline, put, ctx);
}

int text_json_escape(const char *s, size_t n, text_put_fn put, void *ctx) {
    return escape(text_json_step, s, n, false, put, ctx);
}

bool text_terminal_safe(const char *s, size_t n, bool multiline) {
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        char esc[TEXT_ESC_MAX];
        size_t esc_len;
        i += text_terminal_step(p + i, n - i, multiline, esc, &esc_len);
        if (esc_len) return false;
    }
    return true;
}

/* Writes v as width digits, zero-padded, at out. */
static void digits(char *out, long long v, int width) {
    for (int i = width - 1; i >= 0; i--, v /= 10) out[i] = (char)('0' + v % 10);
}

void text_utc_time(long long ms, char out[TEXT_TIME_SIZE]) {
    const long long max = 253402300799999LL; /* 9999-12-31T23:59:59.999Z */
    if (ms < 0) ms = 0;
    if (ms > max) ms = max;
    long long days = ms / 86400000, in_day = ms % 86400000;
    /* The civil date of a day count, counted in 400-year eras from
     * 0000-03-01 so that the leap day ends each year: an era is 146097
     * days; a year of it starts 365 days apart but for one more day each
     * 4th, one less each 100th (but the 400th). */
    long long z = days + 719468; /* days from 0000-03-01 to 1970-01-01 */
    long long era = z / 146097, doe = z % 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153; /* March is 0 */
    long long day = doy - (153 * mp + 2) / 5 + 1;
    long long month = mp < 10 ? mp + 3 : mp - 9;
    long long year = yoe + era * 400 + (month <= 2);
    digits(out, year, 4);
    out[4] = '-';
    digits(out + 5, month, 2);
    out[7] = '-';
    digits(out + 8, day, 2);
    out[10] = 'T';
    digits(out + 11, in_day / 3600000, 2);
    out[13] = ':';
    digits(out + 14, in_day / 60000 % 60, 2);
    out[16] = ':';
    digits(out + 17, in_day / 1000 % 60, 2);
    out[19] = '.';
    digits(out + 20, in_day % 1000, 3);
    out[23] = 'Z';
    out[24] = '\0';
}
