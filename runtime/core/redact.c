/* redact: secret names and headers, and the list of secret values masked
 * as *** in every form they take on the way out (see redact.h for the
 * forms). It does not decide what is logged or recorded: log.c and the
 * HTTP client call it on everything they write. */
#include "redact.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"
#include "util.h"

/* Name fragments that make a name secret wherever they appear in it. */
static const char *const secret_fragments[] = {"password", "secret", "token", "api_key", "apikey"};
/* Name fragments that make a name secret when they are a whole word part. */
static const char *const secret_words[] = {"key"};
/* Headers that are secret whatever their name says. */
static const char *const secret_headers[] = {"authorization", "proxy-authorization", "cookie",
                                             "set-cookie", "x-api-key"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* strchr that does not match the NUL byte. */
static bool in_set(char c, const char *set) { return c != '\0' && strchr(set, c) != NULL; }

static bool contains_ci(const char *s, size_t len, const char *frag) {
    size_t n = strlen(frag);
    for (size_t i = 0; i + n <= len; i++)
        if (strncasecmp(s + i, frag, n) == 0) return true;
    return false;
}

/* A word part starts at the beginning, after a non-alphanumeric byte, at a
 * lower-to-upper change (publicKey) or at the last capital of a run that
 * a lower-case letter follows (APIKey). */
static bool word_start(const char *s, size_t len, size_t i) {
    if (i == 0) return true;
    unsigned char p = (unsigned char)s[i - 1], c = (unsigned char)s[i];
    if (!isalnum(p)) return true;
    if (isupper(c) && islower(p)) return true;
    if (isupper(c) && isupper(p) && i + 1 < len && islower((unsigned char)s[i + 1])) return true;
    if (isalpha(c) != isalpha(p)) return true; /* key2, 2key */
    return false;
}

static bool word_end(const char *s, size_t len, size_t i) {
    return i == len || word_start(s, len, i);
}

bool redact_secret_name(const char *name, size_t len) {
    for (size_t f = 0; f < COUNT(secret_fragments); f++)
        if (contains_ci(name, len, secret_fragments[f])) return true;
    for (size_t w = 0; w < COUNT(secret_words); w++) {
        size_t n = strlen(secret_words[w]);
        for (size_t i = 0; i + n <= len; i++)
            if (strncasecmp(name + i, secret_words[w], n) == 0 && word_start(name, len, i) &&
                word_end(name, len, i + n))
                return true;
    }
    return false;
}

bool redact_secret_header(const char *name, size_t len) {
    for (size_t h = 0; h < COUNT(secret_headers); h++)
        if (strlen(secret_headers[h]) == len && strncasecmp(name, secret_headers[h], len) == 0)
            return true;
    return redact_secret_name(name, len);
}

/* Inserts one form, kept ordered by first byte and, within a first byte,
 * longest first (so a secret that contains another is masked whole). */
static int add_one(redact_list *l, const char *value, size_t len) {
    unsigned char c0 = (unsigned char)value[0];
    for (size_t i = l->start[c0]; i < l->start[c0 + 1]; i++)
        if (l->lens[i] == len && memcmp(l->values[i], value, len) == 0) return 0;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **v = realloc(l->values, cap * sizeof *v);
        if (!v) return -1;
        l->values = v;
        size_t *n = realloc(l->lens, cap * sizeof *n);
        if (!n) return -1;
        l->lens = n;
        l->cap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy) return -1;
    memcpy(copy, value, len);
    copy[len] = '\0';
    size_t at = l->start[c0];
    while (at < l->start[c0 + 1] && l->lens[at] >= len) at++;
    memmove(l->values + at + 1, l->values + at, (l->n - at) * sizeof *l->values);
    memmove(l->lens + at + 1, l->lens + at, (l->n - at) * sizeof *l->lens);
    l->values[at] = copy;
    l->lens[at] = len;
    l->n++;
    for (int c = c0 + 1; c <= 256; c++) l->start[c]++;
    return 0;
}

/* Adds the form in f, unless it is too short to mask. */
static int add_form(redact_list *l, const strbuf *f) {
    return f->len >= REDACT_MIN_LEN ? add_one(l, f->p, f->len) : 0;
}

/* ---- the forms a secret takes ------------------------------------------- */

static const char HEX_UPPER[] = "0123456789ABCDEF", HEX_LOWER[] = "0123456789abcdef";

/* How JSON encoders differ in writing a string's characters. With no flag:
 * as json_write_string (json_core.h) writes it (" \ and the named control
 * escapes, other control bytes and DEL as \u00xx, the rest as it is). */
enum {
    JSON_SLASH = 1, /* '/' as \/ (PHP, some Java encoders) */
    JSON_ASCII = 2, /* each character past DEL as \uxxxx, UTF-16 (Python's ensure_ascii) */
    JSON_UPPER = 4, /* \u00AB rather than \u00ab */
    JSON_BYTES = 8, /* each byte past DEL as \u00xx (bytes read as Latin-1) */
    JSON_HTML = 16  /* < > & as \u003c \u003e \u0026 (Go) */
};

static int put_u(strbuf *out, unsigned u, bool upper) {
    const char *hex = upper ? HEX_UPPER : HEX_LOWER;
    return strbuf_printf(out, "\\u%c%c%c%c", hex[u >> 12 & 15], hex[u >> 8 & 15], hex[u >> 4 & 15],
                         hex[u & 15]);
}

/* The inside of a JSON string holding s, as the encoder `flags` writes it. */
static int json_form(const char *s, size_t n, int flags, strbuf *out) {
    const unsigned char *p = (const unsigned char *)s;
    bool upper = flags & JSON_UPPER;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        const char *named = c == '"'    ? "\\\""
                            : c == '\\' ? "\\\\"
                            : c == '\n' ? "\\n"
                            : c == '\r' ? "\\r"
                            : c == '\t' ? "\\t"
                            : c == '\b' ? "\\b"
                            : c == '\f' ? "\\f"
                            : c == '/' && (flags & JSON_SLASH) ? "\\/"
                                                               : NULL;
        unsigned cp;
        size_t k;
        int rc;
        if (named) {
            rc = strbuf_puts(out, named);
        } else if (c < 0x20 || c == 0x7f || ((flags & JSON_HTML) && in_set((char)c, "<>&")) ||
                   (c >= 0x80 && (flags & JSON_BYTES))) {
            rc = put_u(out, c, upper);
        } else if (c >= 0x80 && (flags & JSON_ASCII) && (k = text_utf8_decode(p + i, n - i, &cp))) {
            if (cp >= 0x10000)
                rc = put_u(out, 0xd800 + ((cp - 0x10000) >> 10), upper) ||
                     put_u(out, 0xdc00 + ((cp - 0x10000) & 0x3ff), upper);
            else
                rc = put_u(out, cp, upper);
            i += k - 1;
        } else if (c >= 0x80 && (flags & JSON_ASCII)) {
            rc = put_u(out, c, upper); /* not UTF-8: what a Latin-1 reading gives */
        } else {
            rc = strbuf_putc(out, (char)c);
        }
        if (rc != 0) return -1;
    }
    return 0;
}

/* The base64 characters that depend on s alone when s starts `align`
 * bytes (0 to 2) into a group of three, as in the base64 of "user:" s
 * (Basic auth): the characters that mix in a neighbour's bits are left
 * off both edges. */
static int base64_form(const char *s, size_t n, size_t align, bool url, strbuf *out) {
    static const char std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    static const char safe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const char *alphabet = url ? safe : std;
    unsigned char *buf = calloc(align + n + 2, 1);
    if (!buf) return -1;
    memcpy(buf + align, s, n);
    size_t first = (8 * align + 5) / 6, end = (8 * align + 8 * n) / 6;
    int rc = strbuf_reserve(out, end - first + 1);
    for (size_t j = first; j < end && rc == 0; j++) {
        size_t bit = 6 * j, at = bit / 8;
        unsigned v = ((unsigned)buf[at] << 8 | buf[at + 1]) >> (10 - bit % 8) & 63u;
        rc = strbuf_putc(out, alphabet[v]);
    }
    free(buf);
    return rc;
}

/* Each adds the forms of one kind; 0 or -1. f and g are scratch. */
static int add_percent_forms(redact_list *l, const char *v, size_t len, strbuf *f) {
    for (int k = 0; k < 4; k++) {
        strbuf_clear(f);
        if (util_percent_encode(f, v, len, k & 1, k & 2) != 0 || add_form(l, f) != 0) return -1;
    }
    return 0;
}

static int add_json_forms(redact_list *l, const char *v, size_t len, strbuf *f, strbuf *g) {
    static const int one[] = {0,          JSON_SLASH, JSON_ASCII, JSON_ASCII | JSON_UPPER,
                              JSON_UPPER, JSON_BYTES, JSON_HTML,  JSON_ASCII | JSON_SLASH};
    for (size_t k = 0; k < COUNT(one); k++) {
        strbuf_clear(f);
        if (json_form(v, len, one[k], f) != 0 || add_form(l, f) != 0) return -1;
    }
    /* JSON inside JSON: a request body a server echoes in its JSON reply,
     * an error message that quotes one. */
    static const int twice[] = {0, JSON_ASCII};
    for (size_t a = 0; a < COUNT(twice); a++)
        for (size_t b = 0; b < COUNT(twice); b++) {
            strbuf_clear(f);
            strbuf_clear(g);
            if (json_form(v, len, twice[a], g) != 0 ||
                json_form(strbuf_cstr(g), g->len, twice[b], f) != 0 || add_form(l, f) != 0)
                return -1;
        }
    return 0;
}

static int add_base64_forms(redact_list *l, const char *v, size_t len, strbuf *f, strbuf *g) {
    for (int url = 0; url < 2; url++)
        for (size_t align = 0; align < 3; align++) {
            strbuf_clear(f);
            if (base64_form(v, len, align, url, f) != 0 || add_form(l, f) != 0) return -1;
            /* ... and inside a JSON string written with \/ */
            strbuf_clear(g);
            if (!url && (json_form(strbuf_cstr(f), f->len, JSON_SLASH, g) != 0 ||
                         add_form(l, g) != 0))
                return -1;
        }
    return 0;
}

int redact_add(redact_list *l, const char *value, size_t len) {
    if (len == 0) return 0;
    /* The derived forms of a short secret are left out with it: they would
     * unmask it by difference and mask short runs of common text. */
    if (len < REDACT_MIN_LEN) return REDACT_TOO_SHORT;
    if (add_one(l, value, len) != 0) return -1;
    strbuf f = STRBUF_INIT, g = STRBUF_INIT;
    int rc = add_percent_forms(l, value, len, &f) != 0 || add_json_forms(l, value, len, &f, &g) != 0 ||
                     add_base64_forms(l, value, len, &f, &g) != 0
                 ? -1
                 : 0;
    strbuf_free(&f);
    strbuf_free(&g);
    return rc;
}

bool redact_holds_secret(const redact_list *l, const char *s, size_t len) {
    for (size_t i = 0; i < l->n; i++) {
        size_t n = l->lens[i];
        for (size_t at = 0; n && at + n <= len; at++)
            if (memcmp(s + at, l->values[i], n) == 0) return true;
    }
    return false;
}

void redact_clear(redact_list *l) {
    for (size_t i = 0; i < l->n; i++) free(l->values[i]);
    l->n = 0;
    memset(l->start, 0, sizeof l->start);
}

void redact_free(redact_list *l) {
    redact_clear(l);
    free(l->values);
    free(l->lens);
    *l = (redact_list)REDACT_INIT;
}

int redact_text(const redact_list *l, const char *s, size_t len, strbuf *out) {
    size_t from = 0, i = 0;
    while (i < len) {
        size_t hit = 0;
        unsigned char c = (unsigned char)s[i];
        /* Only the forms that start with this byte, longest first. */
        for (size_t k = l->start[c]; k < l->start[c + 1] && !hit; k++)
            if (l->lens[k] <= len - i && memcmp(s + i, l->values[k], l->lens[k]) == 0)
                hit = l->lens[k];
        if (!hit) {
            i++;
            continue;
        }
        if (strbuf_append(out, s + from, i - from) != 0 || strbuf_puts(out, REDACT_MASK) != 0)
            return -1;
        i += hit;
        from = i;
    }
    return strbuf_append(out, s + from, len - from);
}

/* Appends the query string q (without '?', up to '#') with the values of
 * secret parameters masked. */
static int redact_query(const redact_list *l, const char *q, size_t len, strbuf *out) {
    size_t i = 0;
    while (i <= len) {
        const char *amp = memchr(q + i, '&', len - i);
        size_t end = amp ? (size_t)(amp - q) : len;
        const char *eq = memchr(q + i, '=', end - i);
        if (eq && redact_secret_name(q + i, (size_t)(eq - q) - i)) {
            if (redact_text(l, q + i, (size_t)(eq - q) + 1 - i, out) != 0 ||
                strbuf_puts(out, REDACT_MASK) != 0)
                return -1;
        } else if (redact_text(l, q + i, end - i, out) != 0) {
            return -1;
        }
        if (!amp) break;
        if (strbuf_putc(out, '&') != 0) return -1;
        i = end + 1;
    }
    return 0;
}

int redact_url(const redact_list *l, const char *url, size_t len, strbuf *out) {
    size_t i = 0;
    /* scheme://user:password@host */
    size_t k = 0;
    while (k < len && (isalnum((unsigned char)url[k]) || in_set(url[k], "+-."))) k++;
    const char *sep = k > 0 && k + 3 <= len && memcmp(url + k, "://", 3) == 0 ? url + k : NULL;
    if (sep) {
        size_t auth = (size_t)(sep - url) + 3, end = auth;
        while (end < len && !in_set(url[end], "/?#")) end++;
        const char *at = NULL;
        for (size_t j = auth; j < end; j++)
            if (url[j] == '@') at = url + j;
        const char *colon = at ? memchr(url + auth, ':', (size_t)(at - url) - auth) : NULL;
        if (colon) {
            if (redact_text(l, url, (size_t)(colon - url) + 1, out) != 0 ||
                strbuf_puts(out, REDACT_MASK) != 0)
                return -1;
            i = (size_t)(at - url);
        }
    }
    const char *q = memchr(url + i, '?', len - i);
    size_t qstart = q ? (size_t)(q - url) + 1 : len;
    if (redact_text(l, url + i, qstart - i, out) != 0) return -1;
    if (!q) return 0;
    const char *hash = memchr(url + qstart, '#', len - qstart);
    size_t qend = hash ? (size_t)(hash - url) : len;
    if (redact_query(l, url + qstart, qend - qstart, out) != 0) return -1;
    return redact_text(l, url + qend, len - qend, out);
}

int redact_header(const redact_list *l, const char *line, size_t len, strbuf *out) {
    const char *colon = memchr(line, ':', len);
    if (!colon) return redact_text(l, line, len, out);
    size_t nlen = (size_t)(colon - line);
    if (!redact_secret_header(line, nlen)) return redact_text(l, line, len, out);
    if (strbuf_append(out, line, nlen) != 0) return -1;
    return strbuf_puts(out, ": " REDACT_MASK);
}
