/* rowhash: the canonical bytes of a row and their XXH3-128 hash. */
#include "rowhash.h"

#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <xxhash.h>

static int put_u64(strbuf *b, uint64_t v) {
    char le[8];
    for (int i = 0; i < 8; i++) le[i] = (char)(v >> (8 * i));
    return strbuf_append(b, le, 8);
}

/* The name and a 0 byte, then a tag, the length and the bytes. */
static int put_field(strbuf *b, const char *name, size_t name_len, char tag, const char *p,
                     size_t len) {
    return strbuf_append(b, name, name_len) || strbuf_putc(b, '\0') || strbuf_putc(b, tag) ||
           put_u64(b, (uint64_t)len) || strbuf_append(b, p, len);
}

int rowhash_add(strbuf *b, const char *name, size_t name_len, types_kind kind,
                const types_value *v) {
    char num[40];
    switch (v->tag) {
    case TYPES_SQL_NULL: return 0;
    case TYPES_SQL_INT:
        if (kind == TYPES_BOOLEAN || v->boolean) snprintf(num, sizeof num, "%s", v->i ? "true" : "false");
        else snprintf(num, sizeof num, "%" PRId64, v->i);
        return put_field(b, name, name_len, 't', num, strlen(num));
    case TYPES_SQL_REAL:
        if (isnan(v->f)) return 0; /* stored as NULL */
        if (v->boolean) snprintf(num, sizeof num, "%s", v->f != 0 ? "true" : "false");
        else types_number_text(v->f, num, sizeof num);
        return put_field(b, name, name_len, 't', num, strlen(num));
    case TYPES_SQL_BLOB: return put_field(b, name, name_len, 'b', types_bytes(v), v->len);
    default: return put_field(b, name, name_len, 't', types_bytes(v), v->len);
    }
}

void rowhash_hex(const strbuf *b, char out[33]) {
    XXH128_hash_t h = XXH3_128bits(b->p ? b->p : "", b->len);
    snprintf(out, 33, "%016llx%016llx", (unsigned long long)h.high64,
             (unsigned long long)h.low64);
}
