/* types: the logical types (README "Types"), and the checking and
 * conversion of one source value into what is bound to SQLite. Knows nothing of Lua or
 * SQLite: the caller describes the Lua value as a types_input and binds the
 * types_value it gets back. JSON columns are encoded by the caller. */
#ifndef CLUA_TYPES_H
#define CLUA_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum types_kind {
    TYPES_BOOLEAN,
    TYPES_SHORT,
    TYPES_INT,
    TYPES_LONG,
    TYPES_DECIMAL,
    TYPES_FLOAT,
    TYPES_DOUBLE,
    TYPES_NAIVE_DATE,
    TYPES_NAIVE_DATETIME,
    TYPES_UTC_DATETIME,
    TYPES_BINARY,
    TYPES_XML,
    TYPES_STRING,
    TYPES_JSON,
    TYPES_COUNT
} types_kind;

/* A column's logical type; precision and scale are used by DECIMAL only. */
typedef struct types_type {
    types_kind kind;
    int precision; /* 1..38 */
    int scale;     /* 0..precision */
} types_type;

#define TYPES_DECIMAL_MAX_PRECISION 38

/* A source value, as the Lua side sees it. Strings are byte ranges that the
 * caller keeps alive until the converted value has been used. */
typedef enum types_in_tag {
    TYPES_IN_BOOL,
    TYPES_IN_INT,
    TYPES_IN_FLOAT,
    TYPES_IN_STRING
} types_in_tag;

typedef struct types_input {
    types_in_tag tag;
    bool b;
    int64_t i;
    double f;
    const char *s;
    size_t len;
} types_input;

/* What to bind. TEXT and BLOB point into the input string (p, no copy) or,
 * when p is NULL, are held in buf itself: read them with types_bytes, so
 * a types_value may be copied or moved (its array reallocated) safely. */
typedef enum types_sql_tag {
    TYPES_SQL_NULL,
    TYPES_SQL_INT,
    TYPES_SQL_REAL,
    TYPES_SQL_TEXT,
    TYPES_SQL_BLOB
} types_sql_tag;

#define TYPES_TEXT_MAX 64

typedef struct types_value {
    types_sql_tag tag;
    bool boolean; /* a boolean that a number column holds as 1 or 0 (rowhash.h) */
    int64_t i;
    double f;
    const char *p;
    size_t len;
    char buf[TYPES_TEXT_MAX];
} types_value;

/* The bytes of a TEXT or BLOB value, wherever they are held. */
static inline const char *types_bytes(const types_value *v) { return v->p ? v->p : v->buf; }

/* A double as the shortest text that reads back to the same value. An
 * integral value below 2^63 is its integer's digits, so a number reads the
 * same whichever way it came ("5", "30", "1152921504606846976"); any other
 * has the fewest significant digits that strtod returns unchanged, written
 * out in full from 1e-4 to below 1e16 and with an exponent otherwise, as
 * Python's repr does ("2.5", "0.1", "1e-05", "1.5e+16", "1e+300"). -0.0 is
 * "0" (SQLite stores it as 0.0); NaN and the infinities are "nan", "inf"
 * and "-inf". buf holds at least 32 bytes. */
void types_number_text(double f, char *buf, size_t n);

/* True when the integer i is exactly a double: (double)i reads back as i. */
bool types_exact_double(int64_t i);

/* Case-insensitive look-up of a declared type name ("int", "Utc_DateTime").
 * Returns false for an unknown name. "DECIMAL" is found; the caller checks
 * that it came with precision and scale. */
bool types_from_name(const char *name, size_t len, types_kind *out);

/* The canonical upper-case name: "UTC_DATETIME". */
const char *types_name(types_kind kind);

/* The SQLite column type for the DDL: "INTEGER", "REAL", "TEXT" or "BLOB". */
const char *types_sql_decl(types_kind kind);

/* The logical type of an undeclared column, from its first value (README
 * "Types": boolean -> BOOLEAN, integer -> LONG, float -> DOUBLE, string ->
 * STRING). */
types_kind types_infer(types_in_tag tag);

/* True when every value of type from converts to type to without loss, so
 * a column may be widened from one to the other (a declaration that
 * changes between runs): BOOLEAN to any number type; SHORT < INT < LONG;
 * SHORT, INT, LONG and FLOAT to DOUBLE; a DECIMAL to one with at least as
 * many digits on both sides of the point; anything but BINARY to STRING. */
bool types_widens(const types_type *from, const types_type *to);

/* The type an undeclared column of type have needs to hold a value whose
 * own type is got (README "Types": BOOLEAN < LONG < DOUBLE, anything else
 * STRING). A JSON column holds anything and stays JSON. */
types_kind types_join(types_kind have, types_kind got);

/* Writes "INT", or "DECIMAL(15,2)" for a decimal, into buf (NUL-terminated). */
void types_format(const types_type *type, char *buf, size_t n);

/* Describes a source value for an error message, NUL-terminated and cut to
 * fit n: `string "abc"`, `integer 40000`, `float 1.5`, `boolean true`.
 * Strings over 40 bytes are cut with "..." and their length in bytes;
 * bytes outside printable ASCII are shown as \xNN. */
void types_describe(const types_input *in, char *buf, size_t n);

/* Checks in against type and converts it into out (the table in README "Types").
 * Returns 0, or -1 with err set to the part of the message that follows
 * `column "c" `, e.g.
 *   is INT, got string "abc"
 *   is SHORT (-32768 to 32767), got integer 40000
 *   is DECIMAL(5,2), got string "1234.5" (4 digits before the point, at most 3)
 *   is NAIVE_DATE (YYYY-MM-DD), got string "2023-02-30" (not a calendar date)
 *   is UTC_DATETIME, got string "2020-01-01T00:00:00" (no UTC offset: add Z or +hh:mm)
 * TYPES_JSON is the caller's to encode; here it is an error. */
int types_convert(const types_type *type, const types_input *in, types_value *out,
                  char *err, size_t errlen);

/* Whether v fits an integer column of kind k (SHORT, INT or LONG). */
static inline bool types_int_fits(types_kind k, int64_t v) {
    if (k == TYPES_SHORT) return v >= INT16_MIN && v <= INT16_MAX;
    if (k == TYPES_INT) return v >= INT32_MIN && v <= INT32_MAX;
    return true;
}

/* The two conversions the op path makes most, inline: a string for a
 * STRING or XML column, an integer that fits for SHORT, INT or LONG. Sets
 * out as types_convert would and returns true; false for anything else,
 * which types_convert then converts or reports. */
static inline bool types_convert_direct(types_kind k, const types_input *in, types_value *out) {
    bool text = in->tag == TYPES_IN_STRING && (k == TYPES_STRING || k == TYPES_XML);
    bool integer = in->tag == TYPES_IN_INT &&
                   (k == TYPES_SHORT || k == TYPES_INT || k == TYPES_LONG) &&
                   types_int_fits(k, in->i);
    if (!text && !integer) return false;
    out->tag = text ? TYPES_SQL_TEXT : TYPES_SQL_INT;
    out->i = text ? 0 : in->i;
    out->f = 0;
    out->p = text ? in->s : NULL;
    out->len = text ? in->len : 0;
    out->buf[0] = '\0';
    out->boolean = false;
    return true;
}

/* The instants types_parse_instant gives and time.format takes, in
 * milliseconds since 1970-01-01T00:00:00Z: 0001-01-01T00:00:00.000Z to
 * 9999-12-31T23:59:59.999Z. */
#define TYPES_INSTANT_MIN INT64_C(-62135596800000)
#define TYPES_INSTANT_MAX INT64_C(253402300799999)

/* Reads "YYYY-MM-DD" or "YYYY-MM-DD[T| ]HH:MM[:SS[.fraction]]" with "Z",
 * "+hh:mm", "+hhmm" (or "-") or no offset (read as UTC), a real calendar
 * date, into milliseconds since the Unix epoch; fractions past
 * milliseconds are cut (at most 9 digits). Returns NULL, or a reason for
 * a message ("not a calendar date", "bad UTC offset: ..."), a static
 * string. The instant must lie from TYPES_INSTANT_MIN to _MAX. */
const char *types_parse_instant(const char *s, size_t len, int64_t *ms);

#endif
