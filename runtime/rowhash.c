#include "rowhash.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <xxhash.h>

static int put_u64(strbuf *b, uint64_t v) {
    char le[8];
    for (int i = 0; i < 8; i++) le[i] = (char)(v >> (8 * i));
    return strbuf_append(b, le, 8);
}

int rowhash_add(strbuf *b, const char *name, size_t name_len, const types_value *v) {
    if (v->tag == TYPES_SQL_NULL) return 0;
    /* the name and a 0 byte, then a tag and the value */
    if (strbuf_append(b, name, name_len) != 0 || strbuf_putc(b, '\0') != 0) return -1;
    switch (v->tag) {
    case TYPES_SQL_INT: return strbuf_putc(b, 'i') || put_u64(b, (uint64_t)v->i);
    case TYPES_SQL_REAL: {
        uint64_t bits;
        memcpy(&bits, &v->f, sizeof bits);
        return strbuf_putc(b, 'r') || put_u64(b, bits);
    }
    default:
        return strbuf_putc(b, v->tag == TYPES_SQL_BLOB ? 'b' : 't') ||
               put_u64(b, (uint64_t)v->len) || strbuf_append(b, v->p, v->len);
    }
}

void rowhash_hex(const strbuf *b, char out[33]) {
    XXH128_hash_t h = XXH3_128bits(b->p ? b->p : "", b->len);
    snprintf(out, 33, "%016llx%016llx", (unsigned long long)h.high64,
             (unsigned long long)h.low64);
}
