/* inspect: what a connector's database holds, for people (aligned text) or
 * for tools (JSON). warehouse.db is opened read-only and no lock is taken,
 * so it works while a sync runs (WAL lets readers in); everything is read
 * in one read transaction, so counts, rows and state are of one moment.
 * The whole output is built in memory and written only when every step
 * succeeded, so a failure never leaves half a JSON document on stdout. */
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "connector_lua.h"
#include "strbuf.h"

/* A text cell wider than this (in characters) is cut and ends in "...". */
#define CELL_MAX 40

/* The tables a connector made: everything but SQLite's and ours. */
#define USER_TABLES                                                                        \
    "SELECT name FROM sqlite_master WHERE type = 'table'"                                  \
    " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_clua\\_%' ESCAPE '\\'"

typedef struct inspector {
    sqlite3 *db;
    char path[4200];
    strbuf out; /* the whole output, written at the end */
    int oom;    /* an append to out failed */
    char *err;
    size_t errlen;
} inspector;

/* One column as shown: its logical type from _clua_columns (NULL while
 * pending) and its place in the primary key (0: not in it). */
typedef struct colinfo {
    char *name;
    char *type;
    int has_digits; /* DECIMAL: precision and scale are known */
    int precision, scale;
    int pk;
} colinfo;

typedef struct colset {
    colinfo *c;
    int n;
} colset;

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

static void keep(inspector *in, int rc) {
    if (rc != 0) in->oom = 1;
}

static void put(inspector *in, const char *s) { keep(in, strbuf_puts(&in->out, s)); }

static void put_repeat(inspector *in, char c, int n) {
    for (int i = 0; i < n; i++) keep(in, strbuf_putc(&in->out, c));
}

static clua_status db_fail(inspector *in, const char *phase, const char *table) {
    snprintf(in->err, in->errlen, "%s%s%s%s: %s (%s)", phase, table ? " \"" : "",
             table ? table : "", table ? "\"" : "", sqlite3_errmsg(in->db), in->path);
    return CLUA_ERROR_STORE;
}

static clua_status no_memory(inspector *in) {
    snprintf(in->err, in->errlen, "out of memory");
    return CLUA_ERROR_NOMEM;
}

static int prepare(inspector *in, const char *sql, sqlite3_stmt **s) {
    return sqlite3_prepare_v2(in->db, sql, -1, s, NULL) == SQLITE_OK ? 0 : -1;
}

/* The length of the valid UTF-8 sequence at p (RFC 3629: no overlong forms,
 * no surrogates, nothing past U+10FFFF), or 0 if there is none. */
static size_t utf8_len(const unsigned char *p, size_t n) {
    size_t k;
    unsigned cp;
    if (p[0] < 0x80) return 1;
    if (p[0] >= 0xc2 && p[0] <= 0xdf) k = 2, cp = p[0] & 0x1fu;
    else if ((p[0] & 0xf0) == 0xe0) k = 3, cp = p[0] & 0x0fu;
    else if (p[0] >= 0xf0 && p[0] <= 0xf4) k = 4, cp = p[0] & 0x07u;
    else return 0;
    if (n < k) return 0;
    for (size_t j = 1; j < k; j++) {
        if ((p[j] & 0xc0) != 0x80) return 0;
        cp = cp << 6 | (p[j] & 0x3fu);
    }
    if (k == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) return 0;
    if (k == 4 && (cp < 0x10000 || cp > 0x10ffff)) return 0;
    return k;
}

/* ---- JSON (RFC 8259) ---- */

/* A JSON string; bytes that are not UTF-8 become U+FFFD so the output
 * always is valid JSON. */
static void json_string(inspector *in, const char *s, size_t n) {
    strbuf *b = &in->out;
    const unsigned char *p = (const unsigned char *)s;
    keep(in, strbuf_putc(b, '"'));
    for (size_t i = 0, k; i < n; i += k) {
        k = utf8_len(p + i, n - i);
        if (p[i] == '"' || p[i] == '\\') {
            keep(in, strbuf_putc(b, '\\') || strbuf_putc(b, (char)p[i]));
        } else if (p[i] < 0x20) {
            const char *esc = p[i] == '\n' ? "\\n" : p[i] == '\r' ? "\\r" : p[i] == '\t' ? "\\t"
                            : p[i] == '\b' ? "\\b" : p[i] == '\f' ? "\\f" : NULL;
            keep(in, esc ? strbuf_puts(b, esc) : strbuf_printf(b, "\\u%04x", p[i]));
        } else if (k == 0) {
            keep(in, strbuf_puts(b, "\\ufffd"));
            k = 1;
        } else {
            keep(in, strbuf_append(b, s + i, k));
        }
    }
    keep(in, strbuf_putc(b, '"'));
}

static void json_cstring(inspector *in, const char *s) {
    if (s) json_string(in, s, strlen(s));
    else put(in, "null");
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
static void json_value(inspector *in, sqlite3_stmt *s, int i) {
    char buf[64];
    switch (sqlite3_column_type(s, i)) {
    case SQLITE_INTEGER:
        keep(in, strbuf_printf(&in->out, "%lld", (long long)sqlite3_column_int64(s, i)));
        break;
    case SQLITE_FLOAT: {
        double v = sqlite3_column_double(s, i);
        if (!isfinite(v)) {
            put(in, "null");
            break;
        }
        format_real(v, buf, sizeof buf);
        put(in, buf);
        break;
    }
    case SQLITE_TEXT: {
        const char *t = (const char *)sqlite3_column_text(s, i);
        json_string(in, t ? t : "", (size_t)sqlite3_column_bytes(s, i));
        break;
    }
    case SQLITE_BLOB: {
        const unsigned char *p = sqlite3_column_blob(s, i);
        size_t n = (size_t)sqlite3_column_bytes(s, i);
        keep(in, strbuf_putc(&in->out, '"') || hex(&in->out, p, n) || strbuf_putc(&in->out, '"'));
        break;
    }
    default: put(in, "null"); break;
    }
}

/* ---- columns and counts ---- */

static void colset_free(colset *cs) {
    for (int i = 0; i < cs->n; i++) {
        free(cs->c[i].name);
        free(cs->c[i].type);
    }
    free(cs->c);
    cs->c = NULL;
    cs->n = 0;
}

static char *dup_text(sqlite3_stmt *s, int i) {
    const char *t = (const char *)sqlite3_column_text(s, i);
    if (!t) return NULL;
    size_t n = (size_t)sqlite3_column_bytes(s, i);
    char *p = malloc(n + 1);
    if (p) memcpy(p, t, n + 1);
    return p;
}

/* The columns of table as the table has them, in the order the runtime
 * placed them (_clua_columns.position: key first), the system columns
 * last. A column _clua_columns does not know (the system columns) takes
 * the type SPEC §4 gives it; one it knows with a NULL type is pending. */
static clua_status load_columns(inspector *in, const char *table, colset *cs) {
    sqlite3_stmt *s = NULL;
    clua_status status = CLUA_OK;
    int step, cap = 0;
    colset_free(cs);
    if (prepare(in,
                "SELECT p.name, c.logical_type, c.precision, c.scale, p.pk,"
                " c.column_name IS NOT NULL"
                " FROM pragma_table_info(?1) AS p LEFT JOIN _clua_columns AS c"
                " ON c.table_name = ?1 AND c.column_name = p.name"
                " ORDER BY p.name IN ('_fivetran_synced', '_fivetran_deleted'),"
                " c.position IS NULL, c.position, p.cid",
                &s) != 0) {
        status = db_fail(in, "reading the columns of", table);
        goto done;
    }
    sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (cs->n == cap) {
            int ncap = cap ? 2 * cap : 16;
            colinfo *c = realloc(cs->c, (size_t)ncap * sizeof *c);
            if (!c) {
                status = no_memory(in);
                goto done;
            }
            cs->c = c;
            cap = ncap;
        }
        colinfo *c = &cs->c[cs->n];
        memset(c, 0, sizeof *c);
        cs->n++;
        c->name = dup_text(s, 0);
        if (!c->name) {
            status = no_memory(in);
            goto done;
        }
        if (sqlite3_column_type(s, 1) != SQLITE_NULL) {
            if (!(c->type = dup_text(s, 1))) {
                status = no_memory(in);
                goto done;
            }
        } else if (!sqlite3_column_int(s, 5)) {
            const char *sys = !strcmp(c->name, "_fivetran_synced")    ? "UTC_DATETIME"
                              : !strcmp(c->name, "_fivetran_deleted") ? "BOOLEAN"
                                                                       : NULL;
            if (sys && !(c->type = strdup(sys))) {
                status = no_memory(in);
                goto done;
            }
        }
        c->has_digits = c->type && !strcmp(c->type, "DECIMAL") &&
                        sqlite3_column_type(s, 2) != SQLITE_NULL &&
                        sqlite3_column_type(s, 3) != SQLITE_NULL;
        c->precision = sqlite3_column_int(s, 2);
        c->scale = sqlite3_column_int(s, 3);
        c->pk = sqlite3_column_int(s, 4);
    }
    if (step != SQLITE_DONE) status = db_fail(in, "reading the columns of", table);
done:
    sqlite3_finalize(s);
    return status;
}

static const colinfo *find_column(const colset *cs, const char *name) {
    for (int i = 0; i < cs->n; i++)
        if (!strcmp(cs->c[i].name, name)) return &cs->c[i];
    return NULL;
}

/* Appends the primary-key columns in key order to b, separated by ", ",
 * each quoted as an identifier (or not) and followed by suffix. */
static int put_key_columns(strbuf *b, const colset *cs, int quoted, const char *suffix) {
    int npk = 0;
    for (int i = 0; i < cs->n; i++)
        if (cs->c[i].pk > npk) npk = cs->c[i].pk;
    for (int k = 1; k <= npk; k++)
        for (int i = 0; i < cs->n; i++)
            if (cs->c[i].pk == k &&
                ((k > 1 && strbuf_puts(b, ", ")) ||
                 (quoted ? strbuf_ident(b, cs->c[i].name) : strbuf_puts(b, cs->c[i].name)) ||
                 strbuf_puts(b, suffix)))
                return -1;
    return 0;
}

static clua_status count_rows(inspector *in, const char *table, const colset *cs,
                              long long *total, long long *deleted) {
    sqlite3_stmt *s = NULL;
    strbuf sql = STRBUF_INIT;
    clua_status status = CLUA_OK;
    /* A table without _fivetran_deleted (not made by a sync) has no deleted rows. */
    if (strbuf_puts(&sql, "SELECT count(*), coalesce(sum(") ||
        strbuf_puts(&sql, find_column(cs, "_fivetran_deleted") ? "\"_fivetran_deleted\" <> 0"
                                                               : "0") ||
        strbuf_puts(&sql, "), 0) FROM ") || strbuf_ident(&sql, table)) {
        status = no_memory(in);
        goto done;
    }
    if (prepare(in, strbuf_cstr(&sql), &s) != 0 || sqlite3_step(s) != SQLITE_ROW) {
        status = db_fail(in, "counting the rows of", table);
        goto done;
    }
    *total = sqlite3_column_int64(s, 0);
    *deleted = sqlite3_column_int64(s, 1);
done:
    sqlite3_finalize(s);
    strbuf_free(&sql);
    return status;
}

/* ---- without TABLE: every table, its columns, and the state ---- */

static void type_text(const colinfo *c, char *buf, size_t size) {
    if (!c->type) snprintf(buf, size, "(pending)");
    else if (c->has_digits) snprintf(buf, size, "%s(%d,%d)", c->type, c->precision, c->scale);
    else snprintf(buf, size, "%s", c->type);
}

static void table_text(inspector *in, const char *name, const colset *cs, long long total,
                       long long deleted) {
    char type[128];
    int namew = 0, typew = 0;
    long long live = total - deleted;
    keep(in, strbuf_printf(&in->out, "\nTable %s: %lld live row%s, %lld deleted\n", name, live,
                           live == 1 ? "" : "s", deleted));
    put(in, "  primary key: ");
    size_t before = in->out.len;
    keep(in, put_key_columns(&in->out, cs, 0, ""));
    if (in->out.len == before) put(in, "(none)");
    put(in, "\n");
    for (int i = 0; i < cs->n; i++) {
        int n = (int)strlen(cs->c[i].name);
        type_text(&cs->c[i], type, sizeof type);
        if (n > namew) namew = n;
        if ((int)strlen(type) > typew) typew = (int)strlen(type);
    }
    for (int i = 0; i < cs->n; i++) {
        const colinfo *c = &cs->c[i];
        type_text(c, type, sizeof type);
        if (c->pk)
            keep(in, strbuf_printf(&in->out, "  %-*s  %-*s  key %d\n", namew, c->name, typew,
                                   type, c->pk));
        else keep(in, strbuf_printf(&in->out, "  %-*s  %s\n", namew, c->name, type));
    }
}

static void table_json(inspector *in, const char *name, const colset *cs, long long total,
                       long long deleted) {
    put(in, "{\"name\":");
    json_cstring(in, name);
    keep(in, strbuf_printf(&in->out, ",\"rows\":{\"live\":%lld,\"deleted\":%lld}", total - deleted,
                           deleted));
    put(in, ",\"primary_key\":[");
    int npk = 0;
    for (int i = 0; i < cs->n; i++)
        if (cs->c[i].pk > npk) npk = cs->c[i].pk;
    for (int k = 1; k <= npk; k++)
        for (int i = 0; i < cs->n; i++)
            if (cs->c[i].pk == k) {
                if (k > 1) put(in, ",");
                json_cstring(in, cs->c[i].name);
            }
    put(in, "],\"columns\":[");
    for (int i = 0; i < cs->n; i++) {
        const colinfo *c = &cs->c[i];
        put(in, i ? ",{\"name\":" : "{\"name\":");
        json_cstring(in, c->name);
        put(in, ",\"type\":");
        json_cstring(in, c->type);
        if (c->has_digits)
            keep(in, strbuf_printf(&in->out, ",\"precision\":%d,\"scale\":%d", c->precision,
                                   c->scale));
        else put(in, ",\"precision\":null,\"scale\":null");
        put(in, c->pk ? ",\"primary_key\":true}" : ",\"primary_key\":false}");
    }
    put(in, "]}");
}

/* The saved state: its JSON text as it is stored (compact), or "(none)". */
static clua_status show_state(inspector *in, int json) {
    sqlite3_stmt *s = NULL;
    clua_status status = CLUA_OK;
    int step;
    if (prepare(in, "SELECT state, saved_at, json_valid(state) FROM _clua_state WHERE id = 1",
                &s) != 0 ||
        ((step = sqlite3_step(s)) != SQLITE_ROW && step != SQLITE_DONE)) {
        status = db_fail(in, "reading the saved state of", NULL);
        goto done;
    }
    const char *state = step == SQLITE_ROW ? (const char *)sqlite3_column_text(s, 0) : NULL;
    const char *saved = step == SQLITE_ROW ? (const char *)sqlite3_column_text(s, 1) : NULL;
    if (json) {
        put(in, ",\"state\":");
        /* Only a state that is not JSON (never written by a sync) goes in as a string. */
        if (state && sqlite3_column_int(s, 2)) put(in, state);
        else json_cstring(in, state);
        put(in, ",\"state_saved_at\":");
        json_cstring(in, saved);
        put(in, "}\n");
    } else if (state) {
        keep(in, strbuf_printf(&in->out, "\nState (saved %s): %s\n", saved ? saved : "?", state));
    } else {
        put(in, "\nState: (none)\n");
    }
done:
    sqlite3_finalize(s);
    return status;
}

static clua_status show_summary(inspector *in, int json) {
    sqlite3_stmt *s = NULL;
    colset cs = {NULL, 0};
    clua_status status = CLUA_OK;
    int step, ntables = 0;
    if (prepare(in, USER_TABLES " ORDER BY name", &s) != 0) {
        status = db_fail(in, "listing the tables of the database", NULL);
        goto done;
    }
    if (json) {
        put(in, "{\"database\":");
        json_cstring(in, in->path);
        put(in, ",\"tables\":[");
    } else {
        keep(in, strbuf_printf(&in->out, "Database: %s\n", in->path));
    }
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s, 0);
        long long total = 0, deleted = 0;
        if (!name) continue;
        if ((status = load_columns(in, name, &cs)) != CLUA_OK ||
            (status = count_rows(in, name, &cs, &total, &deleted)) != CLUA_OK)
            goto done;
        if (json) {
            if (ntables) put(in, ",");
            table_json(in, name, &cs, total, deleted);
        } else {
            table_text(in, name, &cs, total, deleted);
        }
        ntables++;
    }
    if (step != SQLITE_DONE) {
        status = db_fail(in, "listing the tables of the database", NULL);
        goto done;
    }
    if (json) put(in, "]");
    else if (!ntables) put(in, "\nNo tables yet.\n");
    status = show_state(in, json);
done:
    sqlite3_finalize(s);
    colset_free(&cs);
    return status;
}

/* ---- with TABLE: its newest rows ---- */

/* The user table named like asked (ASCII case-insensitive, as SQLite
 * names match), copied into *name; CLUA_ERROR_NOT_FOUND with the list of
 * tables when there is none. */
static clua_status find_table(inspector *in, const char *asked, char **name) {
    sqlite3_stmt *s = NULL;
    strbuf list = STRBUF_INIT;
    clua_status status = CLUA_OK;
    int step;
    *name = NULL;
    if (prepare(in, USER_TABLES " ORDER BY name", &s) != 0) {
        status = db_fail(in, "listing the tables of the database", NULL);
        goto done;
    }
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(s, 0);
        if (!t) continue;
        if (sqlite3_stricmp(t, asked) == 0) {
            if (!(*name = dup_text(s, 0))) status = no_memory(in);
            goto done;
        }
        if ((list.len && strbuf_puts(&list, ", ")) || strbuf_puts(&list, t)) {
            status = no_memory(in);
            goto done;
        }
    }
    if (step != SQLITE_DONE) {
        status = db_fail(in, "listing the tables of the database", NULL);
        goto done;
    }
    status = CLUA_ERROR_NOT_FOUND;
    if (list.len)
        snprintf(in->err, in->errlen, "no table \"%s\" in %s; its tables: %s", asked, in->path,
                 strbuf_cstr(&list));
    else snprintf(in->err, in->errlen, "no table \"%s\" in %s: it has no tables yet", asked,
                  in->path);
done:
    sqlite3_finalize(s);
    strbuf_free(&list);
    return status;
}

/* SELECT every column, newest first: by _fivetran_synced, and rows synced
 * in the same millisecond by primary key, highest first (a table WITHOUT
 * ROWID keeps no order of writing to go by). */
static clua_status select_rows(inspector *in, const char *table, const colset *cs, long limit,
                               sqlite3_stmt **out) {
    strbuf sql = STRBUF_INIT;
    clua_status status = CLUA_OK;
    int synced = find_column(cs, "_fivetran_synced") != NULL, keyed = 0;
    for (int i = 0; i < cs->n; i++) keyed |= cs->c[i].pk != 0;
    *out = NULL;
    int bad = strbuf_puts(&sql, "SELECT ");
    for (int i = 0; i < cs->n && !bad; i++)
        bad = (i && strbuf_puts(&sql, ", ")) || strbuf_ident(&sql, cs->c[i].name);
    bad = bad || strbuf_puts(&sql, " FROM ") || strbuf_ident(&sql, table) ||
          strbuf_puts(&sql, " ORDER BY ") ||
          (synced && strbuf_puts(&sql, keyed ? "\"_fivetran_synced\" DESC, "
                                             : "\"_fivetran_synced\" DESC")) ||
          put_key_columns(&sql, cs, 1, " DESC") ||
          (!synced && !keyed && strbuf_puts(&sql, "NULL")) ||
          strbuf_puts(&sql, " LIMIT ?1");
    if (bad) {
        status = no_memory(in);
        goto done;
    }
    if (prepare(in, strbuf_cstr(&sql), out) != 0) {
        status = db_fail(in, "reading the rows of", table);
        goto done;
    }
    sqlite3_bind_int64(*out, 1, limit < 0 ? -1 : (sqlite3_int64)limit);
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

/* Appends s to b as one readable line: control characters and bytes that
 * are not UTF-8 shown as \n, \t, \r or \xNN; cut to CELL_MAX characters
 * with "..." when longer. Returns the width, or -1 when memory runs out. */
static int cell_text(strbuf *b, const char *s, size_t n) {
    const unsigned char *p = (const unsigned char *)s;
    size_t cut = b->len;
    int width = 0, cut_width = 0;
    for (size_t i = 0; i < n;) {
        char esc[8];
        const char *piece = esc;
        size_t k = utf8_len(p + i, n - i), plen;
        int w;
        if (p[i] < 0x20 || p[i] == 0x7f || k == 0) {
            if (p[i] == '\n') snprintf(esc, sizeof esc, "\\n");
            else if (p[i] == '\t') snprintf(esc, sizeof esc, "\\t");
            else if (p[i] == '\r') snprintf(esc, sizeof esc, "\\r");
            else snprintf(esc, sizeof esc, "\\x%02x", p[i]);
            plen = strlen(esc);
            w = (int)plen;
            i++;
        } else {
            piece = s + i;
            plen = k;
            w = 1; /* a wide character counts as one: alignment is approximate there */
            i += k;
        }
        if (width + w > CELL_MAX) {
            b->len = cut;
            b->p[cut] = '\0';
            return strbuf_puts(b, "...") ? -1 : cut_width + 3;
        }
        if (strbuf_append(b, piece, plen)) return -1;
        width += w;
        if (width <= CELL_MAX - 3) {
            cut = b->len;
            cut_width = width;
        }
    }
    return width;
}

/* Column i of the current row as a text cell, like sqlite3 -table shows it. */
static int cell_value(grid *g, sqlite3_stmt *s, int i) {
    strbuf *b = &g->text;
    size_t off = b->len;
    char buf[64];
    int width;
    switch (sqlite3_column_type(s, i)) {
    case SQLITE_INTEGER:
        snprintf(buf, sizeof buf, "%lld", (long long)sqlite3_column_int64(s, i));
        width = cell_text(b, buf, strlen(buf));
        break;
    case SQLITE_FLOAT:
        format_real(sqlite3_column_double(s, i), buf, sizeof buf);
        width = cell_text(b, buf, strlen(buf));
        break;
    case SQLITE_TEXT: {
        const char *t = (const char *)sqlite3_column_text(s, i);
        width = cell_text(b, t ? t : "", (size_t)sqlite3_column_bytes(s, i));
        break;
    }
    case SQLITE_BLOB: {
        /* x'0a1b...' with as many bytes as fit; a longer blob ends in "...". */
        const unsigned char *p = sqlite3_column_blob(s, i);
        size_t n = (size_t)sqlite3_column_bytes(s, i), shown = n;
        if (2 * n + 3 > CELL_MAX) shown = (CELL_MAX - 5) / 2;
        int bad = strbuf_puts(b, "x'") || hex(b, p, shown) ||
                  strbuf_puts(b, shown < n ? "..." : "'");
        width = bad ? -1 : (int)(b->len - off);
        break;
    }
    default: width = cell_text(b, "NULL", 4); break;
    }
    return width < 0 ? -1 : grid_add(g, off, width);
}

static void border(inspector *in, const int *widths, int ncols) {
    put(in, "+");
    for (int i = 0; i < ncols; i++) {
        put_repeat(in, '-', widths[i] + 2);
        put(in, "+");
    }
    put(in, "\n");
}

static void grid_row(inspector *in, const grid *g, size_t first, const int *widths, int ncols) {
    put(in, "|");
    for (int i = 0; i < ncols; i++) {
        const cell *c = &g->cells[first + (size_t)i];
        put(in, " ");
        keep(in, strbuf_append(&in->out, strbuf_cstr(&g->text) + c->off, c->len));
        put_repeat(in, ' ', widths[i] - c->width + 1);
        put(in, "|");
    }
    put(in, "\n");
}

static clua_status show_rows(inspector *in, const char *asked, long limit, int json) {
    sqlite3_stmt *s = NULL;
    colset cs = {NULL, 0};
    grid g = {STRBUF_INIT, NULL, 0, 0};
    int *widths = NULL;
    char *name = NULL;
    long long total = 0, deleted = 0, shown = 0;
    clua_status status;
    int step;
    if ((status = find_table(in, asked, &name)) != CLUA_OK ||
        (status = load_columns(in, name, &cs)) != CLUA_OK ||
        (status = count_rows(in, name, &cs, &total, &deleted)) != CLUA_OK ||
        (status = select_rows(in, name, &cs, limit, &s)) != CLUA_OK)
        goto done;
    if (json) {
        put(in, "{\"table\":");
        json_cstring(in, name);
        put(in, ",\"columns\":[");
        for (int i = 0; i < cs.n; i++) {
            if (i) put(in, ",");
            json_cstring(in, cs.c[i].name);
        }
        put(in, "],\"rows\":[");
    } else {
        for (int i = 0; i < cs.n; i++) {
            size_t off = g.text.len;
            int width = cell_text(&g.text, cs.c[i].name, strlen(cs.c[i].name));
            if (width < 0 || grid_add(&g, off, width) != 0) {
                status = no_memory(in);
                goto done;
            }
        }
    }
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (json) {
            put(in, shown ? ",[" : "[");
            for (int i = 0; i < cs.n; i++) {
                if (i) put(in, ",");
                json_value(in, s, i);
            }
            put(in, "]");
        } else {
            for (int i = 0; i < cs.n; i++)
                if (cell_value(&g, s, i) != 0) {
                    status = no_memory(in);
                    goto done;
                }
        }
        shown++;
    }
    if (step != SQLITE_DONE) {
        status = db_fail(in, "reading the rows of", name);
        goto done;
    }
    if (json) {
        keep(in, strbuf_printf(&in->out, "],\"shown\":%lld,\"total\":%lld}\n", shown, total));
        goto done;
    }
    if (cs.n && !(widths = calloc((size_t)cs.n, sizeof *widths))) {
        status = no_memory(in);
        goto done;
    }
    for (size_t k = 0; k < g.n; k++) {
        int *w = &widths[k % (size_t)cs.n];
        if (g.cells[k].width > *w) *w = g.cells[k].width;
    }
    border(in, widths, cs.n);
    grid_row(in, &g, 0, widths, cs.n);
    border(in, widths, cs.n);
    for (long long r = 1; r <= shown; r++) grid_row(in, &g, (size_t)r * (size_t)cs.n, widths, cs.n);
    if (shown) border(in, widths, cs.n);
    keep(in, strbuf_printf(&in->out, "%lld of %lld row%s shown, newest first\n", shown, total,
                           total == 1 ? "" : "s"));
done:
    sqlite3_finalize(s);
    colset_free(&cs);
    strbuf_free(&g.text);
    free(g.cells);
    free(widths);
    free(name);
    return status;
}

/* ---- the entry point ---- */

static clua_status open_db(inspector *in, const char *dir) {
    sqlite3_stmt *s = NULL;
    clua_status status = CLUA_OK;
    struct stat sb;
    snprintf(in->path, sizeof in->path, "%s/warehouse.db", dir);
    if (stat(in->path, &sb) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            snprintf(in->err, in->errlen,
                     "no database at %s: run the connector first, it creates the database there",
                     in->path);
        else snprintf(in->err, in->errlen, "cannot read %s: %s", in->path, strerror(errno));
        status = CLUA_ERROR_INPUT;
        goto done;
    }
    if (!S_ISREG(sb.st_mode)) {
        snprintf(in->err, in->errlen, "%s is not a database file", in->path);
        status = CLUA_ERROR_INPUT;
        goto done;
    }
    /* Read-only and without the directory's lock: a running sync keeps
     * writing, and this connection sees its last commit. */
    if (sqlite3_open_v2(in->path, &in->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        status = in->db ? db_fail(in, "opening the database", NULL) : no_memory(in);
        goto done;
    }
    sqlite3_busy_timeout(in->db, 5000);
    if (sqlite3_exec(in->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
        prepare(in,
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                " AND name IN ('_clua_columns', '_clua_state')",
                &s) != 0 ||
        sqlite3_step(s) != SQLITE_ROW) {
        status = db_fail(in, "reading the database", NULL);
        goto done;
    }
    if (sqlite3_column_int(s, 0) != 2) {
        snprintf(in->err, in->errlen,
                 "%s is not a connector-lua database (it has no _clua_columns and _clua_state)",
                 in->path);
        status = CLUA_ERROR_INPUT;
    }
done:
    sqlite3_finalize(s);
    return status;
}

clua_status clua_inspect(const char *dir, const char *table, long limit, int json, FILE *out,
                         char *err, size_t errlen) {
    inspector in;
    char fallback[1];
    memset(&in, 0, sizeof in);
    in.err = errlen ? err : fallback;
    in.errlen = errlen ? errlen : sizeof fallback;
    in.err[0] = '\0';
    clua_status status = open_db(&in, dir);
    if (status != CLUA_OK) goto done;
    status = table ? show_rows(&in, table, limit, json) : show_summary(&in, json);
    if (status != CLUA_OK) goto done;
    if (in.oom) {
        status = no_memory(&in);
        goto done;
    }
    if (fwrite(strbuf_cstr(&in.out), 1, in.out.len, out) != in.out.len || fflush(out) != 0) {
        snprintf(in.err, in.errlen, "cannot write the output: %s", strerror(errno));
        status = CLUA_ERROR_STORE;
    }
done:
    if (in.db && !sqlite3_get_autocommit(in.db))
        sqlite3_exec(in.db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(in.db);
    strbuf_free(&in.out);
    return status;
}
