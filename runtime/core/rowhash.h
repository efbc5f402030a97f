/* rowhash: the _fivetran_id of a row in a table without a primary key, a
 * 128-bit XXH3 hash over the row's non-null values (README, "Tables
 * without a primary key"). The op path and the SQL function that
 * re-keys a table after a widening both build it here, so they agree.
 *
 * Each value is hashed in one canonical form that does not depend on the
 * column's type: a number is its shortest text (42, 42.0 and "42" are one
 * value), a boolean "true" or "false" (also where a number column holds it
 * as 1 or 0), text and JSON their bytes, a BLOB its bytes with a tag of its
 * own. NULL and NaN (which SQLite stores as NULL) add nothing. So a row
 * sent again after its column widened gives the id it was stored with, and
 * widening never has to compute ids anew. */
#ifndef CLUA_ROWHASH_H
#define CLUA_ROWHASH_H

#include <stddef.h>

#include "strbuf.h"
#include "types.h"

/* The version of the canonical form; a database keyed by an older one is
 * re-keyed when it is opened (store_sqlite.c). */
#define ROWHASH_VERSION 2

/* Appends one column of logical type kind to the bytes being hashed;
 * columns must come in byte order of their names. 0, or -1 when memory
 * runs out. */
int rowhash_add(strbuf *bytes, const char *name, size_t name_len, types_kind kind,
                const types_value *v);

/* Writes the 32 lowercase hex digits of the hash of bytes into out[33]. */
void rowhash_hex(const strbuf *bytes, char out[33]);

#endif
