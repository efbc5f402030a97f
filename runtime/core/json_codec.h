/* json_codec: JSON text <-> Lua values, exact for 64-bit integers. The
 * text itself is read and written by json_core.h, which knows no Lua;
 * json_decode.c and json_encode.c are its Lua side.
 *
 * Our own codec rather than cJSON's: cJSON keeps every number as a double,
 * so an integer cursor past 2^53 would come back changed, and a state that
 * does not survive a round-trip breaks the checkpoint promise (README
 * "Checkpoints, failure and state").
 *
 * Mapping: object <-> table with string keys; array <-> sequence 1..n;
 * null <-> json.null (a light userdata, JSON_NULL); true/false <-> boolean;
 * a number without fraction or exponent that fits int64 -> integer, any
 * other number -> float. Object keys are written in byte order so the
 * same table always gives the same text.
 *
 * Arrays stay arrays: the decoder marks every table it makes from a JSON
 * array (in a weak-keyed set in the registry, so the script's tables stay
 * plain), and the encoder writes a marked table as an array, an empty one
 * as []. json.array(t) marks a table the script builds. An unmarked
 * sequence is an array too; an unmarked empty table is {}. */
#ifndef CLUA_JSON_CODEC_H
#define CLUA_JSON_CODEC_H

#include <lua.h>
#include <stddef.h>

#include "json_core.h" /* JSON_MAX_DEPTH */
#include "strbuf.h"

/* json.null: a light userdata with this address. */
extern const char json_null_sentinel;
#define JSON_NULL ((void *)&json_null_sentinel)

/* Pushes the set of tables marked as arrays (made on first use). */
void json_push_arrays(lua_State *L);

/* Marks the table at idx as a JSON array. */
void json_mark_array(lua_State *L, int idx);

/* Appends the JSON text of the Lua value at idx to out. keys is scratch the
 * encoder uses to sort object keys; both buffers belong to the caller and
 * are kept for reuse. Returns 0, JSON_NOMEM ("out of memory"), or -1 with
 * err set, e.g.
 *   at $.items[3].when: cannot encode a function
 *   at $.ratio: cannot encode NaN or infinity
 *   at $: table has both a sequence part and key "name"
 *   at $.a.a.a...: nesting deeper than 1000
 *   out of memory
 * Raises only Lua's own memory errors (a large object's values are held in a
 * table, and the set of arrays is made on first use); leaves the Lua
 * stack as it found it. */
int json_encode(lua_State *L, int idx, strbuf *out, strbuf *keys, char *err, size_t errlen);

/* Parses text (len bytes; need not be NUL-terminated) and pushes the one
 * value it holds. Returns 0, or JSON_NOMEM (memory ran out) or -1 with err
 * set and nothing pushed, e.g.
 *   line 3, column 7: expected ',' or '}' after an object member
 *   line 1, column 1: empty input
 *   line 1, column 9: unexpected text after the value
 * It raises only Lua's own memory errors; it holds no C memory when it does. */
int json_decode(lua_State *L, const char *text, size_t len, char *err, size_t errlen);

#endif
