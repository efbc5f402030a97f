/* pg_url: the PostgreSQL destination's URL (pg_url.h): parsed into what
 * libpq connects with and our own `schema` parameter, refused where libpq
 * would misread what the writer meant, its values checked that libpq
 * checks only when it connects, and libpq's messages made one line.
 * Where a URL's parts are, and its passwords masked for every message,
 * is pg_url_mask.c's (its opening comment says why libpq's split, not
 * RFC 3986's). libpq itself stays the judge of everything but our
 * `schema` parameter. */
#include "pg_url.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pg_url_internal.h"
#include "pq_lazy.h"

bool pg_url_is(const char *s) { return s && pg_url_scheme_len(s, strlen(s)) > 0; }

bool pg_url_almost(const char *s) {
    if (!s || pg_url_is(s)) return false;
    size_t n = strncasecmp(s, "postgresql:", 11) == 0 ? 11 : strncasecmp(s, "postgres:", 9) == 0 ? 9 : 0;
    return n > 0;
}

/* ---- parsing ---- */

/* True when the n bytes at k, percent-decoded as libpq decodes a
 * parameter's name, are schema: `sch%65ma` is libpq's `schema` too. */
static bool is_schema(const char *k, size_t n) {
    char word[8];
    return pg_url_decoded_word(k, n, word, sizeof word) && strcmp(word, "schema") == 0;
}

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
            int hi = i + 2 < n ? pg_url_hexval(s[i + 1]) : -1, lo = i + 2 < n ? pg_url_hexval(s[i + 2]) : -1;
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
    size_t len = strlen(url), s = pg_url_scheme_len(url, len);
    PQconninfoOption *kw = pg_url_keywords();
    if (!kw || pg_url_mask_one(url, len, kw, &display) != 0) goto done;
    if (s == 0) {
        say(err, errlen, strbuf_cstr(&display), "not a postgresql:// or postgres:// URL");
        st = PG_URL_BAD;
        goto done;
    }
    /* libpq knows its schemes in lower case only. */
    for (size_t i = 0; i < s; i++)
        if (strbuf_putc(&conn, (char)tolower((unsigned char)url[i])) != 0) goto done;

    pg_url_parts p;
    pg_url_split(url, len, kw, &p);
    if (p.slash) {
        /* libpq would end the user information at the '/' and take the
         * password's head for the host and port (pg_url_mask.c's opening
         * comment). */
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
            if (pg_url_libpq_reason(msg, conn.p, kw, &reason) == 0) {
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
