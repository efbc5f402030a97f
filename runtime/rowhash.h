/* rowhash: the _fivetran_id of a row in a table without a primary key, a
 * 128-bit XXH3 hash over the row's non-null values (README, "Tables
 * without a primary key"). The op path and the SQL function that
 * re-keys a table after a widening both build it here, so they agree. */
#ifndef CLUA_ROWHASH_H
#define CLUA_ROWHASH_H

#include <stddef.h>

#include "strbuf.h"
#include "types.h"

/* Appends one column to the bytes being hashed; columns must come in byte
 * order of their names. A NULL value adds nothing. 0, or -1 when memory
 * runs out. */
int rowhash_add(strbuf *bytes, const char *name, size_t name_len, const types_value *v);

/* Writes the 32 lowercase hex digits of the hash of bytes into out[33]. */
void rowhash_hex(const strbuf *bytes, char out[33]);

#endif
