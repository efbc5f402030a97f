/* pg_url: the PostgreSQL destination's URL (pg_url.h). The URL is split
 * where libpq splits it (conninfo_uri_parse_options in libpq's
 * fe-connect.c), not where RFC 3986 would: the user information runs from
 * "://" to the first '@' before any '/' ('?' and '#' do not end it), and
 * the query starts at the first '?' after that. redact_url follows the
 * RFC, so for `u:pw?x@host` or `?password=a#b` it would show part of what
 * libpq takes as the password; hence a masker of our own here. libpq
 * itself stays the judge of everything but our `schema` parameter.
 *
 * Where the writer may have meant the user information to end elsewhere
 * than libpq ends it, the URL is refused and masked as the writer meant
 * it. The writer's end is the last '@' before the query's first known
 * parameter (a '?' or '&', then a name libpq or we take, then '='): an
 * '@' in `?user=me@corp` is a value's, any earlier one may end a password
 * written with a raw '@', '/' or '?'. A later '@' before the first '/'
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
#include "pg_url.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pq_lazy.h"

#define MASK "***"

/* The length of the scheme and "://" s starts with (case-insensitive),
 * or 0. */
static size_t scheme_len(const char *s, size_t n) {
    static const char *const schemes[] = {"postgresql://", "postgres://"};
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
        size_t k = strlen(schemes[i]);
        if (n >= k && strncasecmp(s, schemes[i], k) == 0) return k;
    }
    return 0;
}

bool pg_url_is(const char *s) { return s && scheme_len(s, strlen(s)) > 0; }

bool pg_url_almost(const char *s) {
    if (!s || pg_url_is(s)) return false;
    size_t n = strncasecmp(s, "postgresql:", 11) == 0 ? 11 : strncasecmp(s, "postgres:", 9) == 0 ? 9 : 0;
    return n > 0;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* libpq's parameter names, none set and its environment not read
 * (PQconndefaults would read it, and fail on a bad PGSERVICE); free with
 * PQconninfoFree. NULL when memory runs out. */
static PQconninfoOption *libpq_keywords(void) { return PQconninfoParse("", NULL); }

/* Whether the name of a query pair (n bytes at k), percent-decoded as
 * libpq decodes it, is a plain word (letters, digits, '_', as every
 * parameter name is); word gets it. A bad escape or %00 is not. */
static bool decoded_word(const char *k, size_t n, char *word, size_t size) {
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)k[i];
        if (c == '%') {
            int hi = i + 2 < n ? hexval(k[i + 1]) : -1, lo = i + 2 < n ? hexval(k[i + 2]) : -1;
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
        if (k < len && u[k] == '=' && decoded_word(u + i + 1, k - i - 1, word, sizeof word) &&
            known_name(word, kw))
            return i;
    }
    return len;
}

/* Offsets into a URL of len bytes; len where a part is absent. */
typedef struct url_parts {
    size_t at;     /* the '@' that ends the user information (libpq's: the first
                      before any '/') */
    size_t colon;  /* the ':' before the password: the first before masked */
    size_t masked; /* where the masked password ends: at, or the writer's later '@'
                      (the opening comment), all of the password masked, not only
                      libpq's part */
    size_t query;  /* the '?' that starts the query (the first after masked) */
    bool slash;    /* masked is after a '/' with a ':' before it: refused */
} url_parts;

static void split(const char *u, size_t len, const PQconninfoOption *kw, url_parts *p) {
    size_t start = scheme_len(u, len), i = start;
    p->at = p->colon = p->masked = p->query = len;
    p->slash = false;
    while (i < len && u[i] != '@' && u[i] != '/') i++;
    if (i < len && u[i] == '@') p->at = p->masked = i;
    size_t from = p->at < len ? p->at + 1 : start, w = p->at;
    size_t bound = first_known_pair(u, len, from, kw);
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

/* True when the n bytes at k, percent-decoded as libpq decodes a
 * parameter's name, are schema: `sch%65ma` is libpq's `schema` too. */
static bool is_schema(const char *k, size_t n) {
    char word[8];
    return decoded_word(k, n, word, sizeof word) && strcmp(word, "schema") == 0;
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
    bool plain = decoded_word(q, klen, word, sizeof word);
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
 * parameters that may hold one (secret_pair). kw: libpq_keywords. */
static int mask_url(const char *u, size_t len, const PQconninfoOption *kw, strbuf *out) {
    url_parts p;
    split(u, len, kw, &p);
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
    PQconninfoOption *kw = lib ? libpq_keywords() : NULL;
    if (lib && !kw) return -1;
    int rc = -1;
    while (i < len) {
        size_t s = scheme_len(text + i, len - i), k = s ? 0 : password_keyword(text, len, i);
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
            while (end < len && text[end] != '\n' && !scheme_len(text + end, len - end)) end++;
            if (mask_url(text + i, end - i, kw, out) != 0) goto done;
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

/* ---- parsing ---- */

static void say(char *err, size_t errlen, const char *display, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void say(char *err, size_t errlen, const char *display, const char *fmt, ...) {
    int n = snprintf(err, errlen, "%s: ", display);
    if (n < 0 || (size_t)n >= errlen) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    va_end(ap);
}

/* Percent-decodes s (n bytes) into out as libpq decodes a value: %XX
 * with two hex digits, never %00, every other byte as it is ('+' too).
 * Returns 0, PG_URL_BAD with why set, or PG_URL_NOMEM. */
static pg_url_status decode(const char *s, size_t n, strbuf *out, const char **why) {
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            int hi = i + 2 < n ? hexval(s[i + 1]) : -1, lo = i + 2 < n ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                *why = "invalid percent-encoded token in the schema";
                return PG_URL_BAD;
            }
            c = (char)(hi * 16 + lo);
            if (c == '\0') {
                *why = "the schema holds %00 (a NUL byte), which no PostgreSQL name can";
                return PG_URL_BAD;
            }
            i += 2;
        }
        if (strbuf_putc(out, c) != 0) return PG_URL_NOMEM;
    }
    return PG_URL_OK;
}

/* The schema parameter's value (s, n bytes) into schema; err on refusal. */
static pg_url_status take_schema(const char *s, size_t n, strbuf *schema, const char *display,
                                 char *err, size_t errlen) {
    if (memchr(s, '=', n)) {
        /* libpq refuses a second '=' in any parameter; the same here. */
        say(err, errlen, display, "the schema \"%.*s\" holds \"=\": write it as %%3D", (int)n, s);
        return PG_URL_BAD;
    }
    const char *why = NULL;
    pg_url_status st = decode(s, n, schema, &why);
    if (st == PG_URL_BAD) say(err, errlen, display, "%s: \"%.*s\"", why, (int)n, s);
    return st;
}

static pg_url_status check_schema(const strbuf *schema, bool given, const char *display, char *err,
                                  size_t errlen) {
    if (schema->len == 0) {
        say(err, errlen, display,
            given ? "the schema is empty (?schema=NAME names it)"
                  : "the connector's name is empty: name the schema "
                    "with ?schema=NAME");
        return PG_URL_BAD;
    }
    if (schema->len > PG_URL_NAME_MAX) {
        say(err, errlen, display,
            "%s \"%s\" is %zu bytes long; a PostgreSQL name holds at most %d (a longer one "
            "is cut)%s",
            given ? "the schema" : "the connector's name, the default schema,", schema->p,
            schema->len, PG_URL_NAME_MAX, given ? "" : ": name the schema with ?schema=NAME");
        return PG_URL_BAD;
    }
    return PG_URL_OK;
}

/* conn with the query's pairs other than schema ones (q, qlen: after the
 * '?') appended, split as libpq splits them: at each '&', a trailing
 * empty one not counted. Only called when a schema pair was there. */
static int keep_other_pairs(strbuf *conn, const char *q, size_t qlen) {
    size_t kept = 0, i = 0;
    bool empty = false;
    while (i < qlen) {
        const char *amp = memchr(q + i, '&', qlen - i);
        size_t end = amp ? (size_t)(amp - q) : qlen;
        const char *eq = memchr(q + i, '=', end - i);
        size_t klen = eq ? (size_t)(eq - q) - i : end - i;
        if (!is_schema(q + i, klen)) {
            if (strbuf_putc(conn, kept ? '&' : '?') != 0 ||
                strbuf_append(conn, q + i, end - i) != 0)
                return -1;
            empty = kept++ == 0 && end == i;
        }
        i = amp ? end + 1 : qlen;
    }
    /* A lone empty pair (`?&schema=s&&`) would read as a bare '?', which
     * libpq accepts; "?&" keeps it refused, as the URL given is. */
    return empty && kept == 1 ? strbuf_putc(conn, '&') : 0;
}

/* s (n bytes) percent-decoded into out as libpq decodes it, a bad escape
 * kept as it is (for masking what libpq quotes). 0, or -1 out of memory. */
static int lenient_decode(const char *s, size_t n, strbuf *out) {
    for (size_t i = 0; i < n; i++) {
        int hi = s[i] == '%' && i + 2 < n ? hexval(s[i + 1]) : -1;
        int lo = hi >= 0 ? hexval(s[i + 2]) : -1;
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
static int libpq_reason(const char *msg, const char *conn, const PQconninfoOption *kw,
                        strbuf *out) {
    size_t n = strlen(msg);
    while (n > 0 && isspace((unsigned char)msg[n - 1])) n--;
    if (pg_url_mask(msg, n, out) != 0) return -1;
    size_t len = strlen(conn);
    url_parts p;
    split(conn, len, kw, &p);
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

/* ---- the values libpq checks only when it connects ---- */

/* libpq 15's documented values (libpq's "Parameter Key Words"). */
static const char *const SSLMODES[] = {"disable", "allow",     "prefer",
                                       "require", "verify-ca", "verify-full", NULL};
static const char *const THREE_MODES[] = {"disable", "prefer", "require", NULL};
static const char *const SESSION_ATTRS[] = {"any",     "read-write", "read-only",
                                            "primary", "standby",    "prefer-standby", NULL};
static const char *const TLS_VERSIONS[] = {"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3", NULL};

typedef enum { ONE_OF, TLS_VERSION, WHOLE_NUMBER, PORTS } value_kind;

static const struct value_rule {
    const char *keyword;
    value_kind kind;
    const char *const *values;
} RULES[] = {
    {"sslmode", ONE_OF, SSLMODES},
    {"gssencmode", ONE_OF, THREE_MODES},
    {"channel_binding", ONE_OF, THREE_MODES},
    {"target_session_attrs", ONE_OF, SESSION_ATTRS},
    {"ssl_min_protocol_version", TLS_VERSION, TLS_VERSIONS},
    {"ssl_max_protocol_version", TLS_VERSION, TLS_VERSIONS},
    {"connect_timeout", WHOLE_NUMBER, NULL},
    {"keepalives", WHOLE_NUMBER, NULL},
    {"keepalives_idle", WHOLE_NUMBER, NULL},
    {"keepalives_interval", WHOLE_NUMBER, NULL},
    {"keepalives_count", WHOLE_NUMBER, NULL},
    {"tcp_user_timeout", WHOLE_NUMBER, NULL},
    {"port", PORTS, NULL},
};

/* An option's value as libpq will take it: the URL's, else its
 * environment variable's (*env names it), else NULL. */
static const char *value_of(const PQconninfoOption *o, const char **env) {
    *env = NULL;
    if (o->val) return o->val;
    const char *v = o->envvar ? getenv(o->envvar) : NULL;
    if (v) *env = o->envvar;
    return v;
}

static const PQconninfoOption *find_option(const PQconninfoOption *opts, const char *keyword) {
    for (; opts->keyword; opts++)
        if (strcmp(opts->keyword, keyword) == 0) return opts;
    return NULL;
}

/* Whether s (n bytes) is a whole number as libpq reads one (strtol, space
 * around it allowed, within an int); *v gets it. */
static bool whole_number(const char *s, size_t n, long *v) {
    char buf[64], *end;
    if (n >= sizeof buf) return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    errno = 0;
    *v = strtol(buf, &end, 10);
    if (end == buf || errno != 0 || *v < INT_MIN || *v > INT_MAX) return false;
    while (isspace((unsigned char)*end)) end++;
    return *end == '\0';
}

static const char *option_value(const PQconninfoOption *opts, const char *keyword) {
    const char *env;
    const PQconninfoOption *o = find_option(opts, keyword);
    return o ? value_of(o, &env) : NULL;
}

static size_t count_items(const char *s) {
    size_t n = 1;
    for (; *s; s++) n += *s == ',';
    return n;
}

/* How a value is named in a message: `sslmode "bogus"`, or, from the
 * environment, `PGSSLMODE "bogus" (the environment's sslmode)`. */
static void named(char *out, size_t n, const char *keyword, const char *env, const char *v) {
    if (env) snprintf(out, n, "%s \"%s\" (the environment's %s)", env, v, keyword);
    else snprintf(out, n, "%s \"%s\"", keyword, v);
}

/* Checks the values that libpq only checks when it connects (after the
 * inputs are read): the closed sets and the numbers of RULES, the TLS
 * range and as many ports as hosts. 0, or -1 with why set. */
static int check_values(const PQconninfoOption *opts, char *why, size_t n) {
    char name[400];
    const char *env;
    for (size_t r = 0; r < sizeof RULES / sizeof RULES[0]; r++) {
        const PQconninfoOption *o = find_option(opts, RULES[r].keyword);
        const char *v = o ? value_of(o, &env) : NULL;
        if (!v) continue;
        named(name, sizeof name, RULES[r].keyword, env, v);
        bool ok = false;
        long num;
        switch (RULES[r].kind) {
        case TLS_VERSION:
            ok = !*v; /* empty: no bound */
            for (const char *const *a = RULES[r].values; !ok && *a; a++) ok = !strcasecmp(v, *a);
            break;
        case ONE_OF:
            for (const char *const *a = RULES[r].values; !ok && *a; a++) ok = !strcmp(v, *a);
            break;
        case WHOLE_NUMBER:
            if (!whole_number(v, strlen(v), &num)) {
                snprintf(why, n, "%s is not a whole number", name);
                return -1;
            }
            ok = true;
            break;
        case PORTS:
            /* One per host, or one for all; an empty one is the default. */
            for (const char *p = v;; p++) {
                size_t len = strcspn(p, ",");
                if (len && (!whole_number(p, len, &num) || num < 1 || num > 65535)) {
                    if (strchr(v, ','))
                        snprintf(why, n, "%s: \"%.*s\" is not a port number (1 to 65535)", name,
                                 (int)len, p);
                    else
                        snprintf(why, n, "%s is not a port number (1 to 65535)", name);
                    return -1;
                }
                p += len;
                if (!*p) break;
            }
            ok = true;
            break;
        }
        if (!ok) {
            int k = snprintf(why, n, "%s is not one of ", name);
            for (const char *const *a = RULES[r].values; *a && k > 0 && (size_t)k < n; a++)
                k += snprintf(why + k, n - (size_t)k, "%s%s", *a, a[1] ? ", " : "");
            return -1;
        }
    }
    const char *hostaddr = option_value(opts, "hostaddr"), *host = option_value(opts, "host");
    const char *port = option_value(opts, "port");
    size_t hosts = hostaddr && *hostaddr ? count_items(hostaddr)
                   : host && *host       ? count_items(host)
                                         : 1;
    if (hostaddr && *hostaddr && host && *host && count_items(host) != hosts) {
        snprintf(why, n, "%zu host names for %zu hostaddr values: give as many of each",
                 count_items(host), hosts);
        return -1;
    }
    if (port && *port && count_items(port) != 1 && count_items(port) != hosts) {
        snprintf(why, n, "%zu ports for %zu hosts: give one port for all, or one per host",
                 count_items(port), hosts);
        return -1;
    }
    /* The range: libpq refuses a maximum below the minimum (TLSv1.2 unless given). */
    const PQconninfoOption *lo = find_option(opts, "ssl_min_protocol_version");
    const PQconninfoOption *hi = find_option(opts, "ssl_max_protocol_version");
    const char *env_lo = NULL, *env_hi = NULL, *min = lo ? value_of(lo, &env_lo) : NULL;
    const char *max = hi ? value_of(hi, &env_hi) : NULL;
    if (lo && !min) min = lo->compiled;
    if (min && max && *min && *max && strcasecmp(min, "TLSv1") != 0 &&
        (strcasecmp(max, "TLSv1") == 0 || strcasecmp(min, max) > 0)) {
        named(name, sizeof name, "ssl_max_protocol_version", env_hi, max);
        snprintf(why, n, "%s is below ssl_min_protocol_version \"%s\"%s", name, min,
                 lo->val || env_lo ? "" : " (libpq's default)");
        return -1;
    }
    return 0;
}

pg_url_status pg_url_parse(const char *url, const char *default_schema, pg_url *u, char *err,
                           size_t errlen) {
    memset(u, 0, sizeof *u);
    if (pq_lazy_load(err, errlen) != 0) return PG_URL_NOLIB;
    strbuf display = STRBUF_INIT, conn = STRBUF_INIT, schema = STRBUF_INIT, reason = STRBUF_INIT;
    pg_url_status st = PG_URL_NOMEM;
    size_t len = strlen(url), s = scheme_len(url, len);
    PQconninfoOption *kw = libpq_keywords();
    if (!kw || mask_url(url, len, kw, &display) != 0) goto done;
    if (s == 0) {
        say(err, errlen, strbuf_cstr(&display), "not a postgresql:// or postgres:// URL");
        st = PG_URL_BAD;
        goto done;
    }
    /* libpq knows its schemes in lower case only. */
    for (size_t i = 0; i < s; i++)
        if (strbuf_putc(&conn, (char)tolower((unsigned char)url[i])) != 0) goto done;

    url_parts p;
    split(url, len, kw, &p);
    if (p.slash) {
        /* libpq would end the user information at the '/' and take the
         * password's head for the host and port (the opening comment). */
        say(err, errlen, strbuf_cstr(&display),
            "the user or password holds a raw '/' (write it as %%2F), or the database name or "
            "a parameter a raw '@' (write it as %%40)");
        st = PG_URL_BAD;
        goto done;
    }
    if (p.masked != p.at) {
        /* libpq would cut the user information at the first '@' and take
         * the rest of the password for the host and port, and quote them. */
        say(err, errlen, strbuf_cstr(&display),
            "the user or password holds a raw '@': write it as %%40");
        st = PG_URL_BAD;
        goto done;
    }
    bool given = false;
    const char *q = url + p.query + 1;
    size_t qlen = p.query < len ? len - p.query - 1 : 0;
    for (size_t i = 0; i < qlen;) {
        const char *amp = memchr(q + i, '&', qlen - i);
        size_t end = amp ? (size_t)(amp - q) : qlen;
        const char *eq = memchr(q + i, '=', end - i);
        if (is_schema(q + i, eq ? (size_t)(eq - q) - i : end - i)) {
            st = PG_URL_BAD;
            if (given) {
                say(err, errlen, strbuf_cstr(&display), "schema is given twice");
                goto done;
            }
            if (!eq) {
                say(err, errlen, strbuf_cstr(&display), "schema has no value (?schema=NAME)");
                goto done;
            }
            st = take_schema(eq + 1, (size_t)(q + end - eq - 1), &schema, strbuf_cstr(&display),
                             err, errlen);
            if (st != PG_URL_OK) goto done;
            st = PG_URL_NOMEM;
            given = true;
        }
        i = amp ? end + 1 : qlen;
    }
    if (!given) {
        if (strbuf_append(&conn, url + s, len - s) != 0 ||
            (default_schema && strbuf_puts(&schema, default_schema) != 0))
            goto done;
    } else if (strbuf_append(&conn, url + s, p.query - s) != 0 ||
               keep_other_pairs(&conn, q, qlen) != 0) {
        goto done;
    }
    st = check_schema(&schema, given, strbuf_cstr(&display), err, errlen);
    if (st != PG_URL_OK) goto done;

    char *msg = NULL;
    PQconninfoOption *opts = PQconninfoParse(conn.p, &msg);
    if (!opts) {
        st = PG_URL_NOMEM;
        if (msg) {
            if (libpq_reason(msg, conn.p, kw, &reason) == 0) {
                say(err, errlen, strbuf_cstr(&display), "%s", strbuf_cstr(&reason));
                st = PG_URL_BAD;
            }
            PQfreemem(msg);
        }
        goto done;
    }
    char why[1000];
    int bad = check_values(opts, why, sizeof why);
    PQconninfoFree(opts);
    if (bad) {
        say(err, errlen, strbuf_cstr(&display), "%s", why);
        st = PG_URL_BAD;
        goto done;
    }
    u->conninfo = conn.p;
    u->schema = schema.p;
    u->display = display.p;
    PQconninfoFree(kw);
    return PG_URL_OK;
done:
    PQconninfoFree(kw);
    if (st == PG_URL_NOMEM) snprintf(err, errlen, "out of memory parsing a PostgreSQL URL");
    strbuf_free(&display);
    strbuf_free(&conn);
    strbuf_free(&schema);
    strbuf_free(&reason);
    return st;
}

void pg_url_free(pg_url *u) {
    free(u->conninfo);
    free(u->schema);
    free(u->display);
    memset(u, 0, sizeof *u);
}

void pg_url_message_line(const char *msg, char *out, size_t n) {
    size_t k = 0;
    bool line_start = true, indented = false, pending_space = false;
    if (n == 0) return;
    for (const char *s = msg; *s && k + 1 < n; s++) {
        if (*s == '\n') {
            line_start = true;
            indented = pending_space = false;
            continue;
        }
        if (isspace((unsigned char)*s)) {
            if (line_start) indented = true;
            else pending_space = true;
            continue;
        }
        const char *sep = "";
        if (line_start && k > 0) sep = indented && islower((unsigned char)*s) ? " " : "; ";
        else if (pending_space) sep = " ";
        size_t m = strlen(sep);
        if (k + m + 1 >= n) break;
        memcpy(out + k, sep, m);
        k += m;
        out[k++] = *s;
        line_start = pending_space = false;
    }
    out[k] = '\0';
}
