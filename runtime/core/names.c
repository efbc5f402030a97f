/* names: a source name to the destination's lowercase snake_case, as the
 * Fivetran SDK writes it (see names.h). It does not decide when names
 * are normalised (--naming) or what two names that meet mean: the
 * catalog and row.c do. */
#include "names.h"

static bool is_word(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
static bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static bool is_lower(unsigned char c) { return c >= 'a' && c <= 'z'; }
static bool is_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }

/* Appends c unless it would make a second '_' in a row. */
static int put(strbuf *out, size_t start, char c) {
    if (c == '_' && out->len > start && out->p[out->len - 1] == '_') return 0;
    return strbuf_putc(out, c);
}

int names_normalize(const char *name, size_t len, bool is_table, strbuf *out) {
    size_t start = out->len;
    unsigned char prev = 0;
    bool have_prev = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        int rc;
        if (!is_word(c)) {
            rc = put(out, start, '_');
        } else {
            bool starts_word = have_prev && is_lower(prev) && is_upper(c);
            rc = (starts_word ? put(out, start, '_') : 0) ||
                 put(out, start, (char)(is_upper(c) ? c - 'A' + 'a' : c));
        }
        if (rc != 0) return -1;
        prev = c;
        have_prev = true;
    }
    char *s = out->p ? out->p + start : NULL;
    size_t n = out->len - start;
    if (n > 0 && is_digit((unsigned char)s[0])) {
        /* A leading digit gets a '_' before it: shift right by one. */
        if (strbuf_putc(out, '_') != 0) return -1;
        s = out->p + start;
        for (size_t i = n; i > 0; i--) s[i] = s[i - 1];
        s[0] = '_';
        n++;
    }
    if (is_table && n > 1 && s[0] == '_' && ((s[1] | 0x20) >= 'a' && (s[1] | 0x20) <= 'z')) {
        /* Runs are collapsed, so one '_' leads: drop it. */
        for (size_t i = 0; i + 1 < n; i++) s[i] = s[i + 1];
        out->len--;
        out->p[out->len] = '\0';
    }
    return 0;
}
