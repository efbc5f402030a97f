/* strbuf: a growable byte buffer owned by whoever holds the struct.
 * Used for SQL text, JSON text and other scratch that outlives one call:
 * the buffer is kept and reused, so steady-state use allocates nothing. */
#ifndef CLUA_STRBUF_H
#define CLUA_STRBUF_H

#include <stddef.h>

typedef struct strbuf {
    char *p;     /* NUL-terminated after any successful append; NULL when empty */
    size_t len;
    size_t cap;
} strbuf;

#define STRBUF_INIT {NULL, 0, 0}

/* Each returns 0, or -1 when memory runs out (the buffer is left as it was). */
int strbuf_reserve(strbuf *b, size_t extra);
int strbuf_append(strbuf *b, const char *s, size_t n);
int strbuf_puts(strbuf *b, const char *s);
int strbuf_putc(strbuf *b, char c);
int strbuf_printf(strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* strbuf_append for a callback (text.h's text_put_fn): b is a strbuf. */
int strbuf_put(void *b, const char *s, size_t n);
/* Appends name as a double-quoted SQL identifier ("a""b" for a"b). */
int strbuf_ident(strbuf *b, const char *name);

/* The text so far, always NUL-terminated ("" for an empty buffer). */
const char *strbuf_cstr(const strbuf *b);
void strbuf_clear(strbuf *b);
void strbuf_free(strbuf *b);

#endif
