/* util: the few small helpers several rooms of the library need and no
 * one room owns: the monotonic clock, growing an array, and
 * percent-encoding. (The JSON
 * string writer is json_write_string in json_core.h; the escapes for a
 * terminal or a log line are in text.h.) Nothing here allocates except
 * through the strbuf it is given, and nothing knows Lua. */
#ifndef CLUA_UTIL_H
#define CLUA_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/* Seconds on CLOCK_MONOTONIC: for deadlines and durations, never for the
 * time of day. Async-signal-safe. */
double util_mono_seconds(void);

/* Makes room for one more element of size bytes in the array *p, which
 * holds n of *cap: doubles *cap (16 at first) when n has reached it.
 * Returns 0, or -1 when memory runs out (*p and *cap left as they were). */
int util_grow(void **p, size_t *cap, size_t n, size_t size);

/* Appends s (n bytes) percent-encoded as lib_http writes a query value:
 * every byte but A-Z a-z 0-9 - . _ ~ as %XX, in upper-case hex (lower
 * when !upper), a space as + when plus (HTML forms) else %20. Returns 0,
 * or -1 when memory runs out. */
int util_percent_encode(strbuf *out, const char *s, size_t n, bool upper, bool plus);

#endif
