/* oom_snapshot: a database as text that two runs can be compared by. The
 * time of the run (_fivetran_synced, a version's _fivetran_start and
 * _fivetran_end, the state's saved_at) differs between runs and is
 * masked; the journal of syncs (_clua_sync*) grows with every run, failed
 * ones too, and is left out. Rows are sorted as text, so the order SQLite
 * returns them in does not matter. */
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oom.h"

typedef struct text {
    char *p;
    size_t len, cap;
} text;

static void put(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(text *t, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (t->len + (size_t)n + 1 > t->cap) {
        t->cap = (t->len + (size_t)n + 1) * 2;
        t->p = realloc(t->p, t->cap);
        if (!t->p) abort(); /* the counter is disarmed here: a real shortage */
    }
    va_start(ap, fmt);
    vsnprintf(t->p + t->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

static bool masked(const char *table, const char *column) {
    return strcmp(column, "_fivetran_synced") == 0 || strcmp(column, "_fivetran_start") == 0 ||
           strcmp(column, "_fivetran_end") == 0 ||
           (strcmp(table, "_clua_state") == 0 && strcmp(column, "saved_at") == 0);
}

static int by_text(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One table's name and columns (name, type, not null, default, key), by name. */
static int put_columns(sqlite3 *db, const char *table, text *out) {
    char sql[600];
    sqlite3_snprintf(sizeof sql, sql,
                     "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(%Q) "
                     "ORDER BY name",
                     table);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) return -1;
    put(out, "table %s:", table);
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *dflt = (const char *)sqlite3_column_text(s, 3);
        put(out, " %s %s%s%s%s key%d,", (const char *)sqlite3_column_text(s, 0),
            (const char *)sqlite3_column_text(s, 1), sqlite3_column_int(s, 2) ? " not null" : "",
            dflt ? " default " : "", dflt ? dflt : "", sqlite3_column_int(s, 4));
    }
    put(out, "\n");
    return sqlite3_finalize(s) == SQLITE_OK ? 0 : -1;
}

/* One table's rows, each "(type:value, ...)", sorted. */
static int put_rows(sqlite3 *db, const char *table, text *out) {
    /* Columns by name: a table rebuilt to widen a column may order them
     * differently after a run cut short (the logical order, in
     * _clua_columns, is compared as data). */
    char sql[600];
    sqlite3_snprintf(sizeof sql, sql,
                     "SELECT 'SELECT ' || group_concat('\"' || replace(name, '\"', '\"\"') || '\"', ', ') || ' FROM \"%w\"' FROM "
                     "(SELECT name FROM pragma_table_info(%Q) ORDER BY name)",
                     table, table);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) return -1;
    text select = {0};
    if (sqlite3_step(s) == SQLITE_ROW) put(&select, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    if (!select.p || sqlite3_prepare_v2(db, select.p, -1, &s, NULL) != SQLITE_OK) {
        free(select.p);
        return -1;
    }
    free(select.p);
    char **rows = NULL;
    size_t n = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        text row = {0};
        put(&row, "  (");
        for (int i = 0; i < sqlite3_column_count(s); i++) {
            const char *name = sqlite3_column_name(s, i);
            const char *sep = i ? ", " : "";
            int type = sqlite3_column_type(s, i);
            if (masked(table, name)) put(&row, "%s%s=*", sep, name);
            else if (type == SQLITE_NULL) put(&row, "%s%s=null", sep, name);
            else if (type == SQLITE_INTEGER)
                put(&row, "%s%s=int:%lld", sep, name, sqlite3_column_int64(s, i));
            else if (type == SQLITE_FLOAT)
                put(&row, "%s%s=real:%.17g", sep, name, sqlite3_column_double(s, i));
            else if (type == SQLITE_TEXT)
                put(&row, "%s%s=text:%s", sep, name, (const char *)sqlite3_column_text(s, i));
            else {
                const unsigned char *b = sqlite3_column_blob(s, i);
                put(&row, "%s%s=blob:", sep, name);
                for (int j = 0; j < sqlite3_column_bytes(s, i); j++) put(&row, "%02x", b[j]);
            }
        }
        put(&row, ")\n");
        rows = realloc(rows, (n + 1) * sizeof *rows);
        if (!rows) abort();
        rows[n++] = row.p;
    }
    sqlite3_finalize(s);
    if (n) qsort(rows, n, sizeof *rows, by_text);
    for (size_t i = 0; i < n; i++) {
        put(out, "%s", rows[i]);
        free(rows[i]);
    }
    free(rows);
    return rc == SQLITE_DONE ? 0 : -1;
}

char *oom_snapshot(const char *dir, bool *ok) {
    char path[4200];
    snprintf(path, sizeof path, "%s/warehouse.db", dir);
    text out = {0};
    *ok = true;
    if (access(path, F_OK) != 0) {
        put(&out, "(no database)\n");
        return out.p;
    }
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) goto fail;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL) != SQLITE_OK) goto fail;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *line = (const char *)sqlite3_column_text(s, 0);
        if (strcmp(line, "ok") != 0) {
            *ok = false;
            put(&out, "integrity_check: %s\n", line);
        }
    }
    sqlite3_finalize(s);
    if (sqlite3_prepare_v2(db,
                           "SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, "
                           "1, 7) != 'sqlite_' AND substr(name, 1, 10) != '_clua_sync' ORDER BY name",
                           -1, &s, NULL) != SQLITE_OK)
        goto fail;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s, 0);
        if (put_columns(db, name, &out) != 0 || put_rows(db, name, &out) != 0) goto fail;
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    if (!out.p) put(&out, "%s", ""); /* a database without tables */
    return out.p;
fail:
    fprintf(stderr, "oom_snapshot: %s: %s\n", path, db ? sqlite3_errmsg(db) : "cannot open");
    sqlite3_finalize(s);
    sqlite3_close(db);
    free(out.p);
    return NULL;
}
