/* json_core: JSON text read and written in plain C, with no Lua in sight.
 *
 * Three parts, each small:
 *   json_parse   a strict parser (RFC 8259) that reports each value to a
 *                json_sink; it allocates nothing while a sink callback
 *                runs, so a callback may even raise a Lua error
 *   json_tree    a sink that builds a json_value tree (the cassette
 *                reader uses it)
 *   json_write   strings and numbers written as JSON text into a strbuf
 *
 * Integers are exact: a number without fraction or exponent that fits
 * int64 is an integer, any other number a double (README "Checkpoints,
 * failure and state": the state keeps integers exact up to 64 bits).
 * The Lua side (json.decode/encode, json.null, json.array) is in
 * json_codec.h, built on these; this file knows nothing of Lua. */
#ifndef CLUA_JSON_CORE_H
#define CLUA_JSON_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/* Nesting deeper than this is an error in both directions (it also stops
 * a table that contains itself). */
#define JSON_MAX_DEPTH 1000

/* ---- json_parse --------------------------------------------------------- */

/* What json_parse, json_decode and json_encode return when memory ran out
 * (their other failures return -1): the caller tells memory's failures by
 * this code, never by the message's text. */
#define JSON_NOMEM (-2)

/* A sink's reasons to stop for want of memory (C's, and the Lua stack's):
 * returned by these addresses, they make the parser return JSON_NOMEM. */
extern const char json_out_of_memory[];        /* "out of memory" */
extern const char json_out_of_memory_stack[];  /* "out of memory (Lua stack)" */

/* What the parser reports, in document order. Each callback returns NULL
 * to go on, or a short reason to stop (json_out_of_memory), which the
 * parser reports as "line L, column C: <reason>". A string is given raw: the
 * bytes between its quotes, already checked, with `escaped` true when
 * they hold a backslash (json_unescape gives the text then).
 *
 * A container is reported as open, then each of its values followed by
 * add (index counts from 1; an object member is key, value, add), then
 * close. Every callback must be set. */
typedef struct json_sink {
    const char *(*null)(void *ud);
    const char *(*boolean)(void *ud, bool b);
    const char *(*integer)(void *ud, int64_t v);
    const char *(*number)(void *ud, double v);
    const char *(*string)(void *ud, const char *raw, size_t n, bool escaped);
    const char *(*key)(void *ud, const char *raw, size_t n, bool escaped);
    const char *(*open)(void *ud, bool array);
    const char *(*add)(void *ud, bool array, size_t index);
    const char *(*close)(void *ud, bool array);
} json_sink;

/* Parses text (len bytes; need not be NUL-terminated), which must hold
 * exactly one value, telling sink about it. Returns 0, JSON_NOMEM when
 * memory ran out (its own, or a sink's), or -1 with err set, e.g.
 *   line 3, column 7: expected ',' or '}' after an object member
 *   line 1, column 1: empty input
 *   line 1, column 9: unexpected text after the value
 * After a failure the sink has seen part of the document: cleaning up what
 * it built is its own business. */
int json_parse(const char *text, size_t len, const json_sink *sink, void *ud, char *err,
               size_t errlen);

/* Writes the text of a string the parser checked (raw, n bytes, between
 * its quotes) into out, which has room for n bytes: the text is never
 * longer than its escaped form. Returns the bytes written. */
size_t json_unescape(const char *raw, size_t n, char *out);

/* ---- json_tree ---------------------------------------------------------- */

typedef enum json_kind {
    JSON_KIND_NULL,
    JSON_KIND_BOOLEAN,
    JSON_KIND_INTEGER,
    JSON_KIND_NUMBER, /* a double */
    JSON_KIND_STRING,
    JSON_KIND_ARRAY,
    JSON_KIND_OBJECT
} json_kind;

typedef struct json_value json_value;
typedef struct json_member json_member;

struct json_value {
    json_kind kind;
    union {
        bool boolean;
        int64_t integer;
        double number;
        struct {
            char *s; /* NUL-terminated; may hold NULs of its own */
            size_t len;
        } string;
        struct {
            json_value *items;
            size_t n;
        } array;
        struct {
            json_member *members; /* in document order */
            size_t n;
        } object;
    } u;
};

struct json_member {
    char *key; /* NUL-terminated; len counts any NUL inside */
    size_t len;
    json_value value;
};

/* Parses text into a new tree (json_tree_free it). Returns NULL with err
 * set as json_parse sets it, or "out of memory". */
json_value *json_tree_parse(const char *text, size_t len, char *err, size_t errlen);

/* json_tree_parse that also sets *out_of_memory: whether a NULL was for
 * want of memory rather than for the text. */
json_value *json_tree_parse_noting(const char *text, size_t len, char *err, size_t errlen,
                                   bool *out_of_memory);

void json_tree_free(json_value *v);

/* The value of member `key` of object v; with a key given twice, the last
 * (as json.decode keeps it). NULL when v is not an object or has no such
 * member. */
const json_value *json_tree_get(const json_value *v, const char *key);

/* ---- json_write --------------------------------------------------------- */

/* Each appends to out and returns 0, or -1 when memory runs out. */

/* s (n bytes) as a JSON string: " and \ escaped, the named control escapes
 * (\n \r \t \b \f), other control bytes and DEL as \u00xx, every other
 * byte as it is (so any Lua string round-trips). */
int json_write_string(strbuf *out, const char *s, size_t n);

int json_write_integer(strbuf *out, int64_t v);

/* A finite double, in the shortest form that reads back the same, with
 * ".0" added when it would otherwise read back as an integer. */
int json_write_number(strbuf *out, double d);

/* The shortest of %.15g, %.16g, %.17g that reads back as d, with '.' as
 * the decimal point whatever the locale. buf holds at least 32 bytes. */
void json_format_double(char *buf, size_t cap, double d);

#endif
