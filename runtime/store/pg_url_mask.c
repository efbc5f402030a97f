/* pg_url_mask: the passwords in PostgreSQL URLs, masked as *** in what
 * users see (pg_url.h), and where a URL's parts are. The URL is split
 * where libpq splits it (conninfo_uri_parse_options in libpq's
 * fe-connect.c), not where RFC 3986 would: the user information runs from
 * "://" to the first '@' before any '/' ('?' and '#' do not end it), and
 * the query starts at the first '?' after that. redact_url follows the
 * RFC, so for `u:pw?x@host` or `?password=a#b` it would show part of what
 * libpq takes as the password; hence a masker of our own here. (pg_url.c
 * parses and judges URLs with these parts.)
 *
 * Where the writer may have meant the user information to end elsewhere
 * than libpq ends it, the URL is refused and masked as the writer meant
 * it. The writer's end is the last '@' before the query's first known
 * parameter (a '?' or '&', then a name libpq or we take, then '='): an
 * '@' in `?user=me@corp` is a value's, any earlier one may end a password
 * written with a raw '@', '/' or '?'. When what libpq would take for the
 * port is no number (`u:a/b?host=x@h`), that parameter is the password's
 * too, and the writer's end is the last '@'. A later '@' before the first '/'
 * (`u:p@ss@h`) is a raw '@' in the user or password. One after a '/'
 * (`u:ab/cd@h/db`: libpq sees host "u", port "ab", database "cd@h/db"
 * and the server quotes it) is a raw '/' when a ':' comes before it, and
 * is refused then; a database name holding '@' (`h:5432/sales@eu`) looks
 * the same and is refused with it, as %40 says the same to libpq. With no
 * ':' before it no password can be there (`postgresql://h/db@x`): libpq
 * takes it, as the database "db@x".
 *
 * A parameter libpq does not know (`?passwd=`, `?pwd=`, `?token=`) is
 * refused by libpq; its value is masked, being likely a mistyped
 * password, and so is the whole pair when its name, percent-decoded, is
 * not a plain word (`pwd%3Dsecret=x`). libpq's list of names is its own,
 * read at run time (PQconninfoParse of an empty string), not a copy. */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "pg_url.h"
#include "pg_url_internal.h"
#include "pq_lazy.h"

#define MASK "***"

/* The length of the scheme and "://" s starts with (case-insensitive),
 * or 0. */
size_t pg_url_scheme_len(const char *s, size_t n) {
    static const char *const schemes[] = {"postgresql://", "postgres://"};
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
        size_t k = strlen(schemes[i]);
        if (n >= k && strncasecmp(s, schemes[i], k) == 0) return k;
    }
    return 0;
}

int pg_url_hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* libpq's parameter names, none set and its environment not read
 * (PQconndefaults would read it, and fail on a bad PGSERVICE); free with
 * PQconninfoFree. NULL when memory runs out. */
PQconninfoOption *pg_url_keywords(void) { return PQconninfoParse("", NULL); }

/* Whether the name of a query pair (n bytes at k), percent-decoded as
 * libpq decodes it, is a plain word (letters, digits, '_', as every
 * parameter name is); word gets it. A bad escape or %00 is not. */
bool pg_url_decoded_word(const char *k, size_t n, char *word, size_t size) {
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)k[i];
        if (c == '%') {
            int hi = i + 2 < n ? pg_url_hexval(k[i + 1]) : -1, lo = i + 2 < n ? pg_url_hexval(k[i + 2]) : -1;
            if (hi < 0 || lo < 0) return false;
            c = hi * 16 + lo;
            i += 2;
        }
        if ((!isalnum(c) && c != '_') || w + 1 >= size) return false;
        word[w++] = (char)c;
    }
    word[w] = '\0';
    return w > 0;
}

/* Whether word names a parameter libpq takes (kw: its names) or ours,
 * schema. */
static bool known_name(const char *word, const PQconninfoOption *kw) {
    if (strcmp(word, "schema") == 0) return true;
    if (!kw) return false; /* libpq not loaded (pg_url_mask) */
    for (; kw->keyword; kw++)
        if (strcmp(kw->keyword, word) == 0) return true;
    return false;
}

/* The first '?', or '&' after a '?', at or after from that starts a
 * known parameter (its name, then '='), or len. An '&' before any '?'
 * is no separator to libpq (`u:a/b&host=x@h` is a password's). */
static size_t first_known_pair(const char *u, size_t len, size_t from,
                               const PQconninfoOption *kw) {
    char word[64];
    bool query = false;
    for (size_t i = from; i < len; i++) {
        if (u[i] == '?') query = true;
        else if (u[i] != '&' || !query) continue;
        size_t k = i + 1;
        while (k < len && u[k] != '=' && u[k] != '&') k++;
        if (k < len && u[k] == '=' && pg_url_decoded_word(u + i + 1, k - i - 1, word, sizeof word) &&
            known_name(word, kw))
            return i;
    }
    return len;
}

/* Whether a ':' in u[from, to) (the URL before its first '?', where libpq
 * finds no '@' before the first '/') is followed by anything but a port
 * (digits, up to a '/' or a ',' of a host list): in `u:a/b?host=x@h` or
 * `me/corp:pw/?host=x@h`, a user and a password with a raw '/', not a host
 * and a port, so the '?' after it is the password's too. A password all
 * of digits looks like a port. */
static bool bad_port(const char *u, size_t from, size_t to) {
    int brackets = 0; /* [::1]:5432 */
    for (size_t i = from; i < to; i++) {
        if (u[i] == '[') brackets++;
        else if (u[i] == ']' && brackets > 0) brackets--;
        else if (u[i] == ':' && brackets == 0)
            for (size_t k = i + 1; k < to && u[k] != '/' && u[k] != ','; k++)
                if (u[k] < '0' || u[k] > '9') return true;
    }
    return false;
}

void pg_url_split(const char *u, size_t len, const PQconninfoOption *kw, pg_url_parts *p) {
    size_t start = pg_url_scheme_len(u, len), i = start;
    p->at = p->colon = p->masked = p->query = len;
    p->slash = false;
    while (i < len && u[i] != '@' && u[i] != '/') i++;
    if (i < len && u[i] == '@') p->at = p->masked = i;
    size_t from = p->at < len ? p->at + 1 : start, w = p->at;
    size_t bound = first_known_pair(u, len, from, kw);
    const char *first_q = memchr(u + start, '?', len - start);
    if (p->at == len && bad_port(u, start, first_q ? (size_t)(first_q - u) : len)) bound = len;
    for (size_t j = from; j < bound; j++)
        if (u[j] == '@') w = j;
    if (w < len) {
        /* The colon as the writer meant it: `me@x:pw@h` is user "me@x". */
        const char *c = memchr(u + start, ':', w - start);
        bool after_slash = w != p->at && memchr(u + start, '/', w - start);
        if (!after_slash || c) {
            p->masked = w;
            p->slash = after_slash;
            if (c) p->colon = (size_t)(c - u);
        }
    }
    if (p->masked < len) start = p->masked + 1;
    const char *q = memchr(u + start, '?', len - start);
    if (q) p->query = (size_t)(q - u);
}

/* How much of the query pair at q (n bytes, up to its '&') may be shown
 * (*shown bytes, then MASK), when it may hold a password: the value of
 * password, sslpassword (libpq's only secret ones) and of any name libpq
 * does not know, shown after the name and its '=' when the name decodes
 * to a plain word (pass%77ord is libpq's password), else hidden with it;
 * a pair with no '=' whole, unless empty or a known name (`password%3dX`,
 * which libpq refuses, still holds X). Returns false for a pair shown
 * whole. */
static bool secret_pair(const char *q, size_t n, const PQconninfoOption *kw, size_t *shown) {
    const char *eq = memchr(q, '=', n);
    size_t klen = eq ? (size_t)(eq - q) : n;
    char word[64];
    bool plain = pg_url_decoded_word(q, klen, word, sizeof word);
    /* libpq takes ssl=true, as sslmode=require, and no other ssl. */
    bool known = plain && (known_name(word, kw) || (strcmp(word, "ssl") == 0 && eq &&
                                                    n - klen - 1 == 4 && !memcmp(eq + 1, "true", 4)));
    *shown = 0;
    if (!eq) return n > 0 && !known;
    if (known && strcmp(word, "password") != 0 && strcmp(word, "sslpassword") != 0) return false;
    if (plain) *shown = klen + 1;
    return true;
}

/* Appends one URL (u, len) to out with its passwords masked: the user
 * information's (as the writer may have meant it) and the values of the
 * parameters that may hold one (secret_pair). kw: pg_url_keywords. */
int pg_url_mask_one(const char *u, size_t len, const PQconninfoOption *kw, strbuf *out) {
    pg_url_parts p;
    pg_url_split(u, len, kw, &p);
    size_t i = 0;
    if (p.colon < len) {
        if (strbuf_append(out, u, p.colon + 1) != 0 || strbuf_puts(out, MASK) != 0) return -1;
        i = p.masked;
    }
    if (p.query == len) return strbuf_append(out, u + i, len - i);
    if (strbuf_append(out, u + i, p.query + 1 - i) != 0) return -1;
    for (i = p.query + 1; i <= len;) {
        const char *amp = memchr(u + i, '&', len - i);
        size_t end = amp ? (size_t)(amp - u) : len, shown;
        if (secret_pair(u + i, end - i, kw, &shown)) {
            if (strbuf_append(out, u + i, shown) != 0 || strbuf_puts(out, MASK) != 0) return -1;
        } else if (strbuf_append(out, u + i, end - i) != 0) {
            return -1;
        }
        if (!amp) break;
        if (strbuf_putc(out, '&') != 0) return -1;
        i = end + 1;
    }
    return 0;
}

/* libpq's keyword form: at i (the start of text or after a space), the
 * keyword password or sslpassword, spaces, '=', spaces. Returns the bytes
 * up to the value, or 0. */
static size_t password_keyword(const char *t, size_t len, size_t i) {
    if (i > 0 && !isspace((unsigned char)t[i - 1])) return 0;
    size_t k = i;
    if (len - k >= 3 && strncasecmp(t + k, "ssl", 3) == 0) k += 3;
    if (len - k < 8 || strncasecmp(t + k, "password", 8) != 0) return 0;
    k += 8;
    while (k < len && isspace((unsigned char)t[k])) k++;
    if (k == len || t[k] != '=') return 0;
    k++;
    while (k < len && isspace((unsigned char)t[k])) k++;
    return k - i;
}

/* The end of the keyword-form value at v, as libpq reads it: quoted in
 * '...' up to the first quote no backslash escapes, else up to a space,
 * a backslash escaping the next byte either way. */
static size_t value_end(const char *t, size_t len, size_t v) {
    bool quoted = v < len && t[v] == '\'';
    size_t i = quoted ? v + 1 : v;
    while (i < len) {
        if (t[i] == '\\' && i + 1 < len) {
            i += 2;
            continue;
        }
        if (quoted ? t[i] == '\'' : isspace((unsigned char)t[i])) return quoted ? i + 1 : i;
        i++;
    }
    return len;
}

int pg_url_mask(const char *text, size_t len, strbuf *out) {
    size_t i = 0, copied = 0;
    /* Without libpq (not installed: the run is about to say so) no name
     * is known, and every parameter's value but the schema's is masked. */
    char why[256];
    bool lib = pq_lazy_load(why, sizeof why) == 0;
    PQconninfoOption *kw = lib ? pg_url_keywords() : NULL;
    if (lib && !kw) return -1;
    int rc = -1;
    while (i < len) {
        size_t s = pg_url_scheme_len(text + i, len - i), k = s ? 0 : password_keyword(text, len, i);
        if (!s && !k) {
            i++;
            continue;
        }
        if (strbuf_append(out, text + copied, i - copied) != 0) goto done;
        if (s) {
            /* A URL runs to the end of its line or the next URL: libpq quotes
             * a URL it cannot parse at the end of its message, and a raw
             * space may sit in a password. */
            size_t end = i + s;
            while (end < len && text[end] != '\n' && !pg_url_scheme_len(text + end, len - end)) end++;
            if (pg_url_mask_one(text + i, end - i, kw, out) != 0) goto done;
            i = end;
        } else {
            if (strbuf_append(out, text + i, k) != 0 || strbuf_puts(out, MASK) != 0) goto done;
            i = value_end(text, len, i + k);
        }
        copied = i;
    }
    rc = strbuf_append(out, text + copied, len - copied);
done:
    if (kw) PQconninfoFree(kw);
    return rc;
}

/* s (n bytes) percent-decoded into out as libpq decodes it, a bad escape
 * kept as it is (for masking what libpq quotes). 0, or -1 out of memory. */
static int lenient_decode(const char *s, size_t n, strbuf *out) {
    for (size_t i = 0; i < n; i++) {
        int hi = s[i] == '%' && i + 2 < n ? pg_url_hexval(s[i + 1]) : -1;
        int lo = hi >= 0 ? pg_url_hexval(s[i + 2]) : -1;
        if (strbuf_putc(out, lo >= 0 ? (char)(hi * 16 + lo) : s[i]) != 0) return -1;
        if (lo >= 0) i += 2;
    }
    return 0;
}

/* Replaces each "tok" (quoted, as libpq quotes a token it cannot decode)
 * in msg with "***". */
static int mask_quoted(strbuf *msg, const char *tok, size_t n) {
    if (n == 0 || msg->len < n + 2) return 0;
    strbuf out = STRBUF_INIT;
    size_t i = 0, copied = 0;
    while (i + n + 2 <= msg->len) {
        if (msg->p[i] == '"' && memcmp(msg->p + i + 1, tok, n) == 0 && msg->p[i + n + 1] == '"') {
            if (strbuf_append(&out, msg->p + copied, i - copied) != 0 ||
                strbuf_puts(&out, "\"" MASK "\"") != 0)
                goto nomem;
            i = copied = i + n + 2;
        } else {
            i++;
        }
    }
    if (copied == 0) return 0;
    if (strbuf_append(&out, msg->p + copied, msg->len - copied) != 0) goto nomem;
    strbuf_free(msg);
    *msg = out;
    return 0;
nomem:
    strbuf_free(&out);
    return -1;
}

/* libpq's message (msg) cleaned of its newline with every password in it
 * masked: the URL it may quote whole, and the raw password tokens it
 * quotes when it cannot decode them (conn's user information and
 * password parameters). */
int pg_url_libpq_reason(const char *msg, const char *conn, const PQconninfoOption *kw,
                        strbuf *out) {
    size_t n = strlen(msg);
    while (n > 0 && isspace((unsigned char)msg[n - 1])) n--;
    if (pg_url_mask(msg, n, out) != 0) return -1;
    size_t len = strlen(conn);
    pg_url_parts p;
    pg_url_split(conn, len, kw, &p);
    if (p.colon < len && mask_quoted(out, conn + p.colon + 1, p.masked - p.colon - 1) != 0)
        return -1;
    int rc = 0;
    strbuf name = STRBUF_INIT;
    for (size_t i = p.query + 1; i < len && rc == 0;) {
        const char *amp = memchr(conn + i, '&', len - i);
        size_t end = amp ? (size_t)(amp - conn) : len, shown;
        const char *eq = memchr(conn + i, '=', end - i);
        size_t klen = eq ? (size_t)(eq - conn) - i : end - i;
        if (secret_pair(conn + i, end - i, kw, &shown)) {
            /* libpq quotes a value it cannot decode, a pair without '='
             * whole, and a name it does not know decoded. */
            strbuf_clear(&name);
            rc = (eq && mask_quoted(out, eq + 1, end - klen - i - 1) != 0) ||
                         mask_quoted(out, conn + i, end - i) != 0 ||
                         (!shown && (mask_quoted(out, conn + i, klen) != 0 ||
                                     lenient_decode(conn + i, klen, &name) != 0 ||
                                     mask_quoted(out, name.p, name.len) != 0))
                     ? -1
                     : 0;
        }
        i = end + 1;
    }
    strbuf_free(&name);
    return rc;
}
