/* util: the monotonic clock and percent-encoding (see util.h). */
#include "util.h"

#include <time.h>

double util_mono_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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
