/* pg_url_internal: what the two halves of pg_url (pg_url.h) share, for
 * them alone: where a URL's parts are and how its passwords are masked
 * (pg_url_mask.c), which parsing (pg_url.c) builds on. */
#ifndef CLUA_PG_URL_INTERNAL_H
#define CLUA_PG_URL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "pq_lazy.h"
#include "strbuf.h"

/* The length of the scheme and "://" s (n bytes) starts with
 * (postgresql:// or postgres://, case-insensitive), or 0. */
size_t pg_url_scheme_len(const char *s, size_t n);

/* The value of the hex digit c, or -1. */
int pg_url_hexval(char c);

/* libpq's parameter names, none set and its environment not read; free
 * with PQconninfoFree. NULL when memory runs out. */
PQconninfoOption *pg_url_keywords(void);

/* Whether the name of a query pair (n bytes at k), percent-decoded as
 * libpq decodes it, is a plain word; word (size bytes) gets it. */
bool pg_url_decoded_word(const char *k, size_t n, char *word, size_t size);

/* Offsets into a URL of len bytes; len where a part is absent. */
typedef struct pg_url_parts {
    size_t at;     /* the '@' that ends the user information (libpq's: the first
                      before any '/') */
    size_t colon;  /* the ':' before the password: the first before masked */
    size_t masked; /* where the masked password ends: at, or the writer's later '@'
                      (pg_url_mask.c's opening comment), all of the password
                      masked, not only libpq's part */
    size_t query;  /* the '?' that starts the query (the first after masked) */
    bool slash;    /* masked is after a '/' with a ':' before it: refused */
} pg_url_parts;

/* Where the parts of the URL u (len bytes) are, as libpq splits it and
 * as the writer may have meant it; kw: pg_url_keywords, or NULL when
 * libpq is not loaded. */
void pg_url_split(const char *u, size_t len, const PQconninfoOption *kw, pg_url_parts *p);

/* Appends the one URL u (len bytes) to out with its passwords masked.
 * Returns 0, or -1 when memory runs out. */
int pg_url_mask_one(const char *u, size_t len, const PQconninfoOption *kw, strbuf *out);

/* libpq's message msg on the conninfo conn, into out with its trailing
 * newline gone and every password in it masked, those libpq quotes raw
 * too. Returns 0, or -1 when memory runs out. */
int pg_url_libpq_reason(const char *msg, const char *conn, const PQconninfoOption *kw,
                        strbuf *out);

#endif
