/* strbuf: the growable byte buffer (see strbuf.h). A failed append leaves
 * the buffer as it was and returns -1; nothing here raises or aborts. */
#include "strbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int strbuf_reserve(strbuf *b, size_t extra) {
    /* len + extra + the NUL must fit in a size_t; checked before the sum,
     * which would wrap to a small number and pass for room we have. */
    if (extra >= SIZE_MAX - b->len) return -1;
    size_t need = b->len + extra + 1;
    if (need <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) {
        if (cap > ((size_t)-1) / 2) { cap = need; break; }
        cap *= 2;
    }
    char *p = realloc(b->p, cap);
    if (!p) return -1;
    b->p = p;
    b->cap = cap;
    return 0;
}

int strbuf_append(strbuf *b, const char *s, size_t n) {
    if (strbuf_reserve(b, n) != 0) return -1;
    if (n) memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

int strbuf_put(void *b, const char *s, size_t n) { return strbuf_append(b, s, n); }

int strbuf_puts(strbuf *b, const char *s) { return strbuf_append(b, s, strlen(s)); }

int strbuf_putc(strbuf *b, char c) { return strbuf_append(b, &c, 1); }

int strbuf_printf(strbuf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || strbuf_reserve(b, (size_t)n) != 0) return -1;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

int strbuf_ident(strbuf *b, const char *name) {
    if (strbuf_putc(b, '"') != 0) return -1;
    for (const char *q = name; *q; q++) {
        if (*q == '"' && strbuf_putc(b, '"') != 0) return -1;
        if (strbuf_putc(b, *q) != 0) return -1;
    }
    return strbuf_putc(b, '"');
}

const char *strbuf_cstr(const strbuf *b) { return b->p ? b->p : ""; }

void strbuf_clear(strbuf *b) {
    b->len = 0;
    if (b->p) b->p[0] = '\0';
}

void strbuf_free(strbuf *b) {
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}
