/* pg_url: the PostgreSQL destination's URL, `--output
 * postgresql://user[:password]@host[:port]/dbname[?schema=NAME&...]` (or
 * postgres://). It splits off our own `schema` parameter, hands the rest
 * to libpq unchanged (sslmode, host=/socket/dir, application_name ... and
 * libpq's environment: PGHOST, PGUSER, PGPASSWORD, PGPASSFILE, PGSERVICE
 * then apply as usual), has libpq's own PQconninfoParse judge it, and
 * gives the form of the URL that every message, log line, summary and
 * journal row shows: the password masked. Nothing here knows Lua or opens
 * a connection. */
#ifndef CLUA_PG_URL_H
#define CLUA_PG_URL_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/* PostgreSQL keeps NAMEDATALEN - 1 bytes of a name and silently cuts a
 * longer one, so a longer schema would load into another schema than the
 * one named. */
#define PG_URL_NAME_MAX 63

/* A parsed URL; its three strings are malloc'd and owned by the struct
 * (pg_url_free). */
typedef struct pg_url {
    char *conninfo; /* for PQconnectdb: the URL less our schema parameter,
                       its scheme in lower case (libpq knows no other) */
    char *schema;   /* the schema, percent-decoded, 1 to 63 bytes, no NUL */
    char *display;  /* the URL as given, its passwords shown as *** */
} pg_url;

typedef enum {
    PG_URL_OK = 0,
    PG_URL_BAD = -1,   /* refused: err says why */
    PG_URL_NOMEM = -2, /* memory ran out: err says so */
    PG_URL_NOLIB = -3, /* libpq cannot be loaded: err says what to install */
} pg_url_status;

/* True when s starts with postgresql:// or postgres://, the scheme in any
 * case: a destination that is a server, not a directory. */
bool pg_url_is(const char *s);

/* True when s starts with postgresql: or postgres: but not with the //
 * that makes it a URL ("postgresql:/warehouse"): a mistyped URL, which
 * must not become a directory of that name. */
bool pg_url_almost(const char *s);

/* Parses url (pg_url_is) into *u. The schema is the URL's `schema`
 * parameter, or default_schema (the connector's name) when it has none;
 * either must be 1 to 63 bytes. Refused: what PQconninfoParse refuses
 * (with its message), `schema` given twice, empty, too long, holding %00
 * or a bad percent-escape, a user or password holding a raw '@' (libpq
 * would take the password's tail for the host) or a raw '/' (libpq would
 * take its head for the host and port): an '@' after a '/' with a ':'
 * before it, in the database name too (pg_url_mask.c's opening comment). On
 * failure *u holds nothing to free and err
 * gets "URL: reason" with the URL (and any password libpq's reason quotes)
 * masked; the caller puts the option's name before it, e.g.
 * `--output postgresql://u:***@h/db?x=***: invalid URI query parameter: "x"`.
 * libpq is loaded first (pq_lazy_load): PG_URL_NOLIB when it cannot be. */
pg_url_status pg_url_parse(const char *url, const char *default_schema, pg_url *u, char *err,
                           size_t errlen);

void pg_url_free(pg_url *u);

/* Appends text to out with every password in it masked as ***: in each
 * postgresql:// or postgres:// URL (user:PASSWORD@, as the writer may
 * have meant it when libpq would cut it at a raw '@' or '/'; ?password=,
 * ?sslpassword=, and the value of any name libpq does not know, such as
 * ?passwd=; a URL runs to the end of its line) and in libpq's
 * keyword form (password=PASSWORD, password='...'). For any message that
 * might echo a connection string. Returns 0, or -1 when memory runs out. */
int pg_url_mask(const char *text, size_t len, strbuf *out);

/* libpq's message msg as one line into out (n bytes): its lines joined
 * with "; ", each trimmed, runs of spaces as one, the trailing newline
 * dropped; an indented line that starts in lower case goes on the
 * sentence before it with a space ("This probably means the server
 * terminated abnormally\n\tbefore or while processing the request.").
 * "" stays "". */
void pg_url_message_line(const char *msg, char *out, size_t n);

#endif
