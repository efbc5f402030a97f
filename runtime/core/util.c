/* util: the monotonic clock, growing an array and percent-encoding (see
 * util.h). */
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

double util_mono_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int util_grow(void **p, size_t *cap, size_t n, size_t size) {
    if (n < *cap) return 0;
    size_t want = *cap ? *cap * 2 : 16;
    if (want > SIZE_MAX / size) return -1;
    void *q = realloc(*p, want * size);
    if (!q) return -1;
    *p = q;
    *cap = want;
    return 0;
}

/* The bytes RFC 3986 leaves unreserved, in the C locale whatever the
 * process's locale says (isalnum would follow it). */
static bool unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

int util_percent_encode(strbuf *out, const char *s, size_t n, bool upper, bool plus) {
    const char *hex = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
        int rc = unreserved(c)           ? strbuf_putc(out, (char)c)
                 : plus && c == ' '      ? strbuf_putc(out, '+')
                                         : strbuf_append(out, esc, 3);
        if (rc != 0) return -1;
    }
    return 0;
}
