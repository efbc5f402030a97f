/* Shared unit-test fixtures: a temporary database file, a second
 * connection that reads its rows as text, and the store tests' tables and
 * rows (see fixture.h). Linked into
 * every unit test by clua_unit_test in tests/CMakeLists.txt. */
#include "fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

int fixture_tmp_db(char *path, size_t size, const char *name) {
    if ((size_t)snprintf(path, size, "/tmp/clua_%s_XXXXXX", name) >= size) return -1;
    int fd = mkstemp(path);
    if (fd < 0) return -1;
    close(fd);
    return 0;
}

void *fixture_new(size_t size, size_t path_offset, size_t path_size, const char *name) {
    char *fx = calloc(1, size);
    if (!fx) return NULL;
    if (fixture_tmp_db(fx + path_offset, path_size, name) != 0) {
        free(fx);
        return NULL;
    }
    return fx;
}

void fixture_remove_db(const char *path) {
    char p[512];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

static sqlite3 *open_db(const char *path, int flags) {
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", sqlite3_errmsg(db));
        sqlite3_close(db);
        fail_msg("cannot open %s: %s", path, msg);
    }
    sqlite3_busy_timeout(db, 2000);
    return db;
}

/* Appends one value of column i of s's current row to out at *n. */
static void put_value(sqlite3_stmt *s, int i, char *out, size_t size, size_t *n) {
    int ty = sqlite3_column_type(s, i);
    if (ty == SQLITE_NULL) {
        *n += (size_t)snprintf(out + *n, size - *n, "NULL");
    } else if (ty == SQLITE_BLOB) {
        const unsigned char *b = sqlite3_column_blob(s, i);
        int len = sqlite3_column_bytes(s, i);
        *n += (size_t)snprintf(out + *n, size - *n, "x'");
        for (int k = 0; k < len && *n < size; k++)
            *n += (size_t)snprintf(out + *n, size - *n, "%02x", b[k]);
        if (*n < size) *n += (size_t)snprintf(out + *n, size - *n, "'");
    } else {
        *n += (size_t)snprintf(out + *n, size - *n, "%s", (const char *)sqlite3_column_text(s, i));
    }
}

const char *fixture_rows(const char *path, const char *sql, const char *rowsep, char *out,
                         size_t size) {
    sqlite3 *db = open_db(path, SQLITE_OPEN_READONLY);
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        snprintf(out, size, "%s", sqlite3_errmsg(db));
        sqlite3_close(db);
        return NULL;
    }
    size_t n = 0;
    out[0] = '\0';
    int rc, rows = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (rows++) n += (size_t)snprintf(out + n, size - n, "%s", rowsep);
        for (int i = 0; i < sqlite3_column_count(s) && n < size; i++) {
            if (i) n += (size_t)snprintf(out + n, size - n, "|");
            if (n < size) put_value(s, i, out, size, &n);
        }
        if (n >= size) {
            sqlite3_finalize(s);
            sqlite3_close(db);
            fail_msg("the rows do not fit in %zu bytes: %s", size, sql);
        }
    }
    if (rc != SQLITE_DONE) {
        snprintf(out, size, "%s", sqlite3_errmsg(db));
        sqlite3_finalize(s);
        sqlite3_close(db);
        fail_msg("%s: %s", sql, out);
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return out;
}

void fixture_exec(const char *path, const char *sql) {
    sqlite3 *db = open_db(path, SQLITE_OPEN_READWRITE);
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", err ? err : "?");
        sqlite3_free(err);
        sqlite3_close(db);
        fail_msg("%s: %s", sql, msg);
    }
    sqlite3_close(db);
}

dest_table *fixture_table(catalog *cat, const char *name, const colspec *cols, int n) {
    dest_table *t = catalog_add(cat, name, strlen(name));
    assert_non_null(t);
    for (int i = 0; i < n; i++) {
        types_type ty = {cols[i].kind, cols[i].precision, cols[i].scale};
        assert_int_equal(dest_table_add_column(t, cols[i].name, strlen(cols[i].name), ty,
                                               cols[i].pk_pos),
                         i);
    }
    return t;
}

void row_clear(dest_table *t) { memset(t->present, 0, (size_t)t->ncols); }

void v_int(dest_table *t, int ci, int64_t i) {
    t->vals[ci].tag = TYPES_SQL_INT;
    t->vals[ci].i = i;
    t->vals[ci].p = NULL;
    t->present[ci] = 1;
}

void v_real(dest_table *t, int ci, double f) {
    t->vals[ci].tag = TYPES_SQL_REAL;
    t->vals[ci].f = f;
    t->present[ci] = 1;
}

void v_bytes(dest_table *t, int ci, types_sql_tag tag, const char *p, size_t len) {
    t->vals[ci].tag = tag;
    t->vals[ci].p = p;
    t->vals[ci].len = len;
    t->present[ci] = 1;
}

void v_text(dest_table *t, int ci, const char *s) { v_bytes(t, ci, TYPES_SQL_TEXT, s, strlen(s)); }

void v_blob(dest_table *t, int ci, const char *p, size_t len) {
    v_bytes(t, ci, TYPES_SQL_BLOB, p, len);
}

void v_null(dest_table *t, int ci) {
    t->vals[ci].tag = TYPES_SQL_NULL;
    t->present[ci] = 1;
}
