/* json_write: strings and numbers as JSON text, appended to a strbuf (see
 * json_core.h). json.encode, the JSON columns, the state and the HTTP
 * cassettes go through json_write_string; the JSON log lines and
 * inspect's JSON output (log.c and inspect.c, through text_json_escape,
 * which makes bytes that are not UTF-8 U+FFFD) have a writer of their
 * own. It does not walk values: json_encode.c walks Lua's, the cassette
 * writer its own. */
#include "json_core.h"
#include "json_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void json_format_double(char *buf, size_t cap, double d) {
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, cap, "%.*g", prec, d);
        if (prec == 17 || strtod(buf, NULL) == d) break;
    }
    char point = json_locale_point();
    char *c = point != '.' ? strchr(buf, point) : NULL;
    if (c) *c = '.';
}

int json_write_number(strbuf *out, double d) {
    char buf[40];
    json_format_double(buf, sizeof buf - 2, d);
    /* "1" would read back as an integer: keep the value a double. */
    if (!strpbrk(buf, ".eni")) strcat(buf, ".0");
    return strbuf_append(out, buf, strlen(buf));
}

int json_write_integer(strbuf *out, int64_t v) {
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%lld", (long long)v);
    return strbuf_append(out, buf, (size_t)n);
}

int json_write_string(strbuf *out, const char *s, size_t n) {
    if (strbuf_reserve(out, n + 2) != 0 || strbuf_putc(out, '"') != 0) return -1;
    size_t run = 0; /* start of the bytes not yet copied */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f) continue;
        char esc[8] = {'\\', 0};
        size_t k = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        default: k = (size_t)snprintf(esc, sizeof esc, "\\u%04x", c); break;
        }
        if (strbuf_append(out, s + run, i - run) != 0 || strbuf_append(out, esc, k) != 0) return -1;
        run = i + 1;
    }
    if (strbuf_append(out, s + run, n - run) != 0) return -1;
    return strbuf_putc(out, '"');
}
