#include "redact.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

static int add_one(redact_list *l, const char *value, size_t len) {
    for (size_t i = 0; i < l->n; i++)
        if (l->lens[i] == len && memcmp(l->values[i], value, len) == 0) return 0;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
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
    /* Longest first. */
    size_t at = l->n;
    while (at > 0 && l->lens[at - 1] < len) {
        l->values[at] = l->values[at - 1];
        l->lens[at] = l->lens[at - 1];
        at--;
    }
    l->values[at] = copy;
    l->lens[at] = len;
    l->n++;
    return 0;
}

int redact_add(redact_list *l, const char *value, size_t len) {
    if (len == 0) return 0;
    if (len < REDACT_MIN_LEN) return REDACT_TOO_SHORT;
    if (add_one(l, value, len) != 0) return -1;
    static const char hex[] = "0123456789ABCDEF";
    strbuf enc = STRBUF_INIT;
    int rc = 0;
    for (size_t i = 0; i < len && rc == 0; i++) {
        unsigned char c = (unsigned char)value[i];
        if (isalnum(c) || in_set((char)c, "-._~")) rc = strbuf_putc(&enc, (char)c);
        else rc = strbuf_printf(&enc, "%%%c%c", hex[c >> 4], hex[c & 15]);
    }
    if (rc == 0 && enc.len != len) rc = add_one(l, enc.p, enc.len);
    strbuf_free(&enc);
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
        for (size_t k = 0; k < l->n && !hit; k++)
            if (l->lens[k] <= len - i && s[i] == l->values[k][0] &&
                memcmp(s + i, l->values[k], l->lens[k]) == 0)
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
