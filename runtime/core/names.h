/* names: table and column names as the Fivetran SDK writes them to the
 * destination: lowercase snake_case. */
#ifndef CLUA_NAMES_H
#define CLUA_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/* Appends the normalised form of name (len bytes) to out:
 *  - a byte other than an ASCII letter, digit or '_' becomes '_'
 *    (so each byte of a non-ASCII character does, and '$' and spaces);
 *  - a capital after a lowercase letter starts a new word with '_'
 *    (camelCase -> camel_case, userID -> user_id); letters are lowercased.
 *    Digits stay joined (val1 stays val1), as scripts/three.lua's
 *    table needs (README "schema(configuration)", Names);
 *  - runs of '_' collapse to one; a leading digit gets a '_' before it;
 *  - for a table, leading '_' are dropped when a letter follows them.
 * Returns 0, or -1 when memory runs out. */
int names_normalize(const char *name, size_t len, bool is_table, strbuf *out);

#endif
