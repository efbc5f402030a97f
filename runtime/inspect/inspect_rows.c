/* inspect TABLE: the newest rows of one table, as an aligned text table
 * (like sqlite3 -table, long cells cut) or as JSON, from either reader.
 * Called by clua_inspect (inspect.c) inside its read transaction; appends
 * to in->out. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sqlite3.h>
#include <string.h>

#include "inspect.h"

/* A text cell wider than this (in characters) is cut and ends in "...". */
#define CELL_MAX 40

/* A rendered text cell: a slice of the grid's text and its width. */
typedef struct cell {
    size_t off, len;
    int width;
} cell;

typedef struct grid {
    strbuf text;
    cell *cells;
    size_t n, cap;
} grid;

/* ---- values as text and as JSON ---- */

static void put_repeat(inspector *in, char c, int n) {
    for (int i = 0; i < n; i++) inspect_keep(in, strbuf_putc(&in->out, c));
}

/* The shortest of %.15g..%.17g that reads back as v, with ".0" added to an
 * integral value so it still reads as a real: 1.0, 0.1, 1e+300. */
static void format_real(double v, char *buf, size_t size) {
    if (isnan(v)) {
        snprintf(buf, size, "NaN");
        return;
    }
    if (isinf(v)) {
        snprintf(buf, size, v > 0 ? "Inf" : "-Inf");
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) break;
    }
    if (!strpbrk(buf, ".e")) {
        size_t n = strlen(buf);
        snprintf(buf + n, size - n, ".0");
    }
}

/* Appends the n bytes at p as lowercase hex digits. */
static int hex(strbuf *b, const unsigned char *p, size_t n) {
    static const char digits[] = "0123456789abcdef";
    if (strbuf_reserve(b, 2 * n) != 0) return -1;
    for (size_t i = 0; i < n; i++) {
        b->p[b->len++] = digits[p[i] >> 4];
        b->p[b->len++] = digits[p[i] & 15];
    }
    b->p[b->len] = '\0';
    return 0;
}

/* Column i of the current row as a JSON value: integers exact, reals as
 * numbers (infinity as null: JSON has none), blobs as hex strings. */
static void json_value(inspector *in, inspect_rows *s, int i) {
    char buf[64];
    size_t n;
    switch (rows_kind(s, i)) {
    case INSPECT_INT: inspect_keep(in, strbuf_printf(&in->out, "%lld", rows_int(s, i))); break;
    case INSPECT_REAL: {
        double v = rows_real(s, i);
        if (!isfinite(v)) {
            inspect_put(in, "null");
            break;
        }
        format_real(v, buf, sizeof buf);
        inspect_put(in, buf);
        break;
    }
    case INSPECT_TEXT: {
        const char *t = rows_text(s, i, &n);
        inspect_json_string(in, t ? t : "", n);
        break;
    }
    case INSPECT_BLOB: {
        const unsigned char *p = s->rd->blob(s, i, &n);
        inspect_keep(in, !p || strbuf_putc(&in->out, '"') || hex(&in->out, p, n) ||
                             strbuf_putc(&in->out, '"'));
        break;
    }
    default: inspect_put(in, "null"); break;
    }
}

/* ---- with TABLE: its newest rows ---- */

/* The user table named like asked (ASCII case-insensitive, as SQLite
 * names match), copied into *name; CLUA_ERROR_NOT_FOUND with the list of
 * tables when there is none. */
clua_status inspect_find_table(inspector *in, const char *asked, char **name) {
    inspect_rows *s = NULL;
    strbuf list = STRBUF_INIT;
    clua_status status = CLUA_OK;
    int step;
    *name = NULL;
    if (inspect_user_tables(in, &s) != 0) {
        status = inspect_db_fail(in, "listing the tables of the database", NULL);
        goto done;
    }
    while ((step = rows_step(s)) == 1) {
        size_t n;
        const char *t = rows_text(s, 0, &n);
        if (!t) continue;
        if (sqlite3_stricmp(t, asked) == 0) {
            if (!(*name = rows_dup_text(s, 0))) status = inspect_no_memory(in);
            goto done;
        }
        if ((list.len && strbuf_puts(&list, ", ")) || strbuf_puts(&list, t)) {
            status = inspect_no_memory(in);
            goto done;
        }
    }
    if (step != 0) {
        status = inspect_db_fail(in, "listing the tables of the database", NULL);
        goto done;
    }
    status = CLUA_ERROR_NOT_FOUND;
    if (list.len)
        snprintf(in->err, in->errlen, "no table \"%s\" in %s; its tables: %s", asked, in->path,
                 strbuf_cstr(&list));
    else snprintf(in->err, in->errlen, "no table \"%s\" in %s: it has no tables yet", asked,
                  in->path);
done:
    rows_done(s);
    strbuf_free(&list);
    return status;
}

/* SELECT every column, newest first: by _fivetran_synced, and rows synced
 * in the same millisecond by primary key, highest first (the same order
 * whatever the table's storage). */
static clua_status select_rows(inspector *in, const char *table, const colset *cs, long limit,
                               inspect_rows **out) {
    strbuf sql = STRBUF_INIT;
    clua_status status = CLUA_OK;
    const colinfo *synced = inspect_find_column(cs, "_fivetran_synced");
    int keyed = 0;
    /* A history table: its active versions unless every one is asked for. */
    int active_only = !in->all && inspect_find_column(cs, "_fivetran_active") != NULL;
    for (int i = 0; i < cs->n; i++) keyed |= cs->c[i].pk != 0;
    *out = NULL;
    int bad = strbuf_puts(&sql, "SELECT ") || inspect_put_values(in, &sql, cs, "t") ||
              strbuf_puts(&sql, " FROM ") || strbuf_ident(&sql, table) ||
              strbuf_puts(&sql, " AS t") ||
              (active_only && strbuf_puts(&sql, " WHERE t.\"_fivetran_active\"")) ||
              strbuf_puts(&sql, " ORDER BY ") ||
              (synced && (in->rd->put_order(&sql, "t", synced) ||
                          strbuf_puts(&sql, keyed ? " DESC NULLS LAST, " : " DESC NULLS LAST"))) ||
              inspect_put_key_order(in, &sql, cs, "t", " DESC") ||
              (!synced && !keyed && strbuf_puts(&sql, "NULL")) ||
              (limit >= 0 && strbuf_printf(&sql, " LIMIT %ld", limit));
    if (bad) {
        status = inspect_no_memory(in);
        goto done;
    }
    if (inspect_query(in, strbuf_cstr(&sql), 0, NULL, out) != 0)
        status = inspect_db_fail(in, "reading the rows of", table);
done:
    strbuf_free(&sql);
    return status;
}

static int grid_add(grid *g, size_t off, int width) {
    if (g->n == g->cap) {
        size_t ncap = g->cap ? 2 * g->cap : 64;
        cell *c = realloc(g->cells, ncap * sizeof *c);
        if (!c) return -1;
        g->cells = c;
        g->cap = ncap;
    }
    g->cells[g->n].off = off;
    g->cells[g->n].len = g->text.len - off;
    g->cells[g->n].width = width;
    g->n++;
    return 0;
}

static int cell_text(strbuf *b, const char *s, size_t n) {
    return inspect_text(b, s, n, CELL_MAX);
}

/* Column i of the current row as a text cell, like sqlite3 -table shows it. */
static int cell_value(grid *g, inspect_rows *s, int i) {
    strbuf *b = &g->text;
    size_t off = b->len, n;
    char buf[64];
    int width;
    switch (rows_kind(s, i)) {
    case INSPECT_INT:
        snprintf(buf, sizeof buf, "%lld", rows_int(s, i));
        width = cell_text(b, buf, strlen(buf));
        break;
    case INSPECT_REAL:
        format_real(rows_real(s, i), buf, sizeof buf);
        width = cell_text(b, buf, strlen(buf));
        break;
    case INSPECT_TEXT: {
        const char *t = rows_text(s, i, &n);
        width = cell_text(b, t ? t : "", n);
        break;
    }
    case INSPECT_BLOB: {
        /* x'0a1b...' with as many bytes as fit; a longer blob ends in "...". */
        const unsigned char *p = s->rd->blob(s, i, &n);
        size_t shown = n;
        if (2 * n + 3 > CELL_MAX) shown = (CELL_MAX - 5) / 2;
        int bad = !p || strbuf_puts(b, "x'") || hex(b, p, shown) ||
                  strbuf_puts(b, shown < n ? "..." : "'");
        width = bad ? -1 : (int)(b->len - off);
        break;
    }
    default: width = cell_text(b, "NULL", 4); break;
    }
    return width < 0 ? -1 : grid_add(g, off, width);
}

static void border(inspector *in, const int *widths, int ncols) {
    inspect_put(in, "+");
    for (int i = 0; i < ncols; i++) {
        put_repeat(in, '-', widths[i] + 2);
        inspect_put(in, "+");
    }
    inspect_put(in, "\n");
}

static void grid_row(inspector *in, const grid *g, size_t first, const int *widths, int ncols) {
    inspect_put(in, "|");
    for (int i = 0; i < ncols; i++) {
        const cell *c = &g->cells[first + (size_t)i];
        inspect_put(in, " ");
        inspect_keep(in, strbuf_append(&in->out, strbuf_cstr(&g->text) + c->off, c->len));
        put_repeat(in, ' ', widths[i] - c->width + 1);
        inspect_put(in, "|");
    }
    inspect_put(in, "\n");
}

/* The text cell of who wrote a row (columns w, w+1, w+2 of s: sync, first
 * and last checkpoint it may have come from), "?" when the journal has no
 * run that covers it. */
static int cell_written(grid *g, inspect_rows *s, int w, int checkpoint) {
    char buf[64];
    size_t off = g->text.len;
    long long lo = rows_int(s, w + 1), hi = rows_int(s, w + 2);
    if (rows_kind(s, w) == INSPECT_NULL || rows_kind(s, w + 1) == INSPECT_NULL)
        snprintf(buf, sizeof buf, "?");
    else if (!checkpoint) snprintf(buf, sizeof buf, "%lld", rows_int(s, w));
    else if (hi <= lo) snprintf(buf, sizeof buf, "%lld", lo);
    else snprintf(buf, sizeof buf, hi == lo + 1 ? "%lld or %lld" : "%lld to %lld", lo, hi);
    int width = cell_text(&g->text, buf, strlen(buf));
    return width < 0 ? -1 : grid_add(g, off, width);
}

/* The same as JSON, appended to b: {"sync": id or null, "checkpoints":
 * [lo, ..., hi]}. */
static int json_written(strbuf *b, inspect_rows *s, int w) {
    long long lo = rows_int(s, w + 1), hi = rows_int(s, w + 2);
    int known = rows_kind(s, w) != INSPECT_NULL && rows_kind(s, w + 1) != INSPECT_NULL;
    int bad = known ? strbuf_printf(b, "{\"sync\":%lld,\"checkpoints\":[", rows_int(s, w))
                    : strbuf_puts(b, "{\"sync\":null,\"checkpoints\":[");
    for (long long k = lo; known && k <= (hi > lo ? hi : lo) && !bad; k++)
        bad = strbuf_printf(b, k > lo ? ",%lld" : "%lld", k);
    return bad || strbuf_puts(b, "]}");
}

clua_status inspect_put_rows(inspector *in, const char *name, const colset *cs, inspect_rows *s,
                             int written, int json, long long *shown) {
    grid g = {STRBUF_INIT, NULL, 0, 0};
    strbuf who = STRBUF_INIT;
    int *widths = NULL, ncols = cs->n + (written ? 2 : 0);
    clua_status status = CLUA_OK;
    int step;
    *shown = 0;
    if (json) {
        inspect_put(in, ",\"columns\":[");
        for (int i = 0; i < cs->n; i++) {
            if (i) inspect_put(in, ",");
            inspect_json_cstring(in, cs->c[i].name);
        }
        inspect_put(in, "],\"rows\":[");
    } else {
        for (int i = 0; i < ncols; i++) {
            const char *h = i < cs->n ? cs->c[i].name : i == cs->n ? "(sync)" : "(checkpoint)";
            size_t off = g.text.len;
            int width = cell_text(&g.text, h, strlen(h));
            if (width < 0 || grid_add(&g, off, width) != 0) {
                status = inspect_no_memory(in);
                goto done;
            }
        }
    }
    while ((step = rows_step(s)) == 1) {
        if (json) {
            inspect_put(in, *shown ? ",[" : "[");
            for (int i = 0; i < cs->n; i++) {
                if (i) inspect_put(in, ",");
                json_value(in, s, i);
            }
            inspect_put(in, "]");
            /* Kept apart until the rows are written: "written" follows "rows". */
            if (written && ((*shown && strbuf_putc(&who, ',')) || json_written(&who, s, cs->n)))
                in->oom = 1;
        } else {
            for (int i = 0; i < cs->n; i++)
                if (cell_value(&g, s, i) != 0) {
                    status = inspect_no_memory(in);
                    goto done;
                }
            if (written &&
                (cell_written(&g, s, cs->n, 0) != 0 || cell_written(&g, s, cs->n, 1) != 0)) {
                status = inspect_no_memory(in);
                goto done;
            }
        }
        (*shown)++;
    }
    if (step != 0) {
        status = inspect_db_fail(in, "reading the rows of", name);
        goto done;
    }
    if (json) {
        inspect_put(in, "]");
        if (written) {
            inspect_put(in, ",\"written\":[");
            inspect_keep(in, strbuf_append(&in->out, strbuf_cstr(&who), who.len));
            inspect_put(in, "]");
        }
        goto done;
    }
    if (!(widths = calloc((size_t)ncols, sizeof *widths))) {
        status = inspect_no_memory(in);
        goto done;
    }
    for (size_t k = 0; k < g.n; k++) {
        int *w = &widths[k % (size_t)ncols];
        if (g.cells[k].width > *w) *w = g.cells[k].width;
    }
    border(in, widths, ncols);
    grid_row(in, &g, 0, widths, ncols);
    border(in, widths, ncols);
    for (long long r = 1; r <= *shown; r++)
        grid_row(in, &g, (size_t)r * (size_t)ncols, widths, ncols);
    if (*shown) border(in, widths, ncols);
done:
    strbuf_free(&g.text);
    strbuf_free(&who);
    free(g.cells);
    free(widths);
    return status;
}

clua_status inspect_show_rows(inspector *in, const char *asked, long limit, int json) {
    inspect_rows *s = NULL;
    colset cs = {NULL, 0};
    char *name = NULL;
    long long total = 0, deleted = 0, shown = 0;
    clua_status status;
    if ((status = inspect_find_table(in, asked, &name)) != CLUA_OK ||
        (status = inspect_load_columns(in, name, &cs)) != CLUA_OK ||
        (status = inspect_count_rows(in, name, &cs, &total, &deleted)) != CLUA_OK ||
        (status = select_rows(in, name, &cs, limit, &s)) != CLUA_OK)
        goto done;
    if (json) {
        inspect_put(in, "{\"table\":");
        inspect_json_cstring(in, name);
    }
    if ((status = inspect_put_rows(in, name, &cs, s, 0, json, &shown)) != CLUA_OK) goto done;
    if (json) {
        inspect_keep(in,
                     strbuf_printf(&in->out, ",\"shown\":%lld,\"total\":%lld}\n", shown, total));
        goto done;
    }
    if (!in->all && inspect_find_column(&cs, "_fivetran_active"))
        inspect_keep(in, strbuf_printf(&in->out,
                                       "%lld active version%s shown of %lld version%s (--all shows "
                                       "every one), newest first\n",
                                       shown, shown == 1 ? "" : "s", total, total == 1 ? "" : "s"));
    else
        inspect_keep(in, strbuf_printf(&in->out, "%lld of %lld row%s shown, newest first\n", shown,
                                       total, total == 1 ? "" : "s"));
done:
    rows_done(s);
    inspect_colset_free(&cs);
    free(name);
    return status;
}
