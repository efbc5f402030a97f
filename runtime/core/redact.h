/* redact: what must never show in a log line, an error message or a
 * cassette, kept in one place.
 *
 * Secret names (configuration keys, query parameters, header names),
 * case-insensitive: any name that contains "password", "secret", "token",
 * "api_key" or "apikey", or that has "key" as a word part ("key",
 * "private_key", "api-key", "publicKey"; not "monkey" or "keyboard").
 * Secret headers: Authorization, Proxy-Authorization, Cookie, Set-Cookie,
 * X-Api-Key, and any header whose name is a secret name.
 * Secret values: the configuration's values under secret names (collected
 * by lib_http when a sync starts) of at least REDACT_MIN_LEN bytes; each
 * is replaced by *** wherever it appears in any of the forms it takes on
 * the way out:
 *   as it is;
 *   percent-encoded (upper- or lower-case hex, a space as %20 or +);
 *   JSON-escaped as json.encode writes it, and as other encoders do (\/,
 *     \uXXXX for each character past DEL or each byte, upper-case hex,
 *     Go's \u003c), and JSON-escaped twice (a JSON body quoted in JSON);
 *   base64, standard and URL-safe, at each of the three byte alignments
 *     (the secret inside "user:secret" of Basic auth), less the characters
 *     at each edge that mix in a neighbour's bits. */
#ifndef CLUA_REDACT_H
#define CLUA_REDACT_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

#define REDACT_MASK "***"

/* The secret values of one sync and their forms, ordered by first byte
 * and, for each first byte, longest first (so a secret that contains
 * another is masked whole); the forms starting with byte c are
 * values[start[c]] to values[start[c + 1] - 1]. Owned by whoever holds the
 * struct. */
typedef struct redact_list {
    char **values;
    size_t *lens;
    size_t n, cap;
    size_t start[257];
} redact_list;

#define REDACT_INIT {NULL, NULL, 0, 0, {0}}

bool redact_secret_name(const char *name, size_t len);
bool redact_secret_header(const char *name, size_t len);

/* A value shorter than this is not masked: "a" or "42" would mask every
 * "a" or "42" in a line while hiding nothing worth hiding. Whoever adds it
 * says so (lib_http warns once per configuration value). */
#define REDACT_MIN_LEN 4
#define REDACT_TOO_SHORT 1

/* Adds a secret value and the forms it takes (above). Returns 0 (an empty
 * value is ignored), REDACT_TOO_SHORT without adding a value of 1 to
 * REDACT_MIN_LEN - 1 bytes or any of its forms, or -1 when memory runs
 * out. */
int redact_add(redact_list *l, const char *value, size_t len);
/* True when s holds one of the secret values, in any of its forms. */
bool redact_holds_secret(const redact_list *l, const char *s, size_t len);
void redact_clear(redact_list *l);
void redact_free(redact_list *l);

/* Each appends its input to out with the secrets masked; 0, or -1 when
 * memory runs out.
 *   redact_text:   every secret value
 *   redact_url:    also the password of user:password@ and the values of
 *                  query parameters with secret names (?api_key=***)
 *   redact_header: "Name: value" with the whole value masked for a secret
 *                  header, else its secret values */
int redact_text(const redact_list *l, const char *s, size_t len, strbuf *out);
int redact_url(const redact_list *l, const char *url, size_t len, strbuf *out);
int redact_header(const redact_list *l, const char *line, size_t len, strbuf *out);

#endif
