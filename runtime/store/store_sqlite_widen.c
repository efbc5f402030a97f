/* store_sqlite_widen: widening a column by rebuilding its table. SQLite cannot
 * change a column's type in place, so the table is copied into a new one
 * with the wider column, its values converted by clua_widen() (the same
 * rules as a value from a script). clua_row_id() (the same hash as the op
 * path) re-keys the hashed tables of a database written before the
 * canonical form of rowhash.h. */
#include <stdio.h>
#include <string.h>

#include "rowhash.h"
#include "store_internal.h"

/* clua_widen(value, from kind, to kind, precision, scale): a stored value
 * converted to a wider type by the same rules as a value from a script. */
static void widen_sql(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    (void)argc;
    int vt = sqlite3_value_type(argv[0]);
    if (vt == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    types_kind from = (types_kind)sqlite3_value_int(argv[1]);
    types_type to = {(types_kind)sqlite3_value_int(argv[2]), sqlite3_value_int(argv[3]),
                     sqlite3_value_int(argv[4])};
    types_input in;
    memset(&in, 0, sizeof in);
    if (vt == SQLITE_INTEGER && from == TYPES_BOOLEAN &&
        (to.kind == TYPES_STRING || to.kind == TYPES_XML)) {
        in.tag = TYPES_IN_BOOL;
        in.b = sqlite3_value_int64(argv[0]) != 0;
    } else if (vt == SQLITE_INTEGER) {
        in.tag = TYPES_IN_INT;
        in.i = sqlite3_value_int64(argv[0]);
    } else if (vt == SQLITE_FLOAT) {
        in.tag = TYPES_IN_FLOAT;
        in.f = sqlite3_value_double(argv[0]);
    } else {
        in.tag = TYPES_IN_STRING;
        in.s = vt == SQLITE_BLOB ? sqlite3_value_blob(argv[0])
                                 : (const char *)sqlite3_value_text(argv[0]);
        in.len = (size_t)sqlite3_value_bytes(argv[0]);
    }
    types_value out;
    char err[512];
    if (types_convert(&to, &in, &out, err, sizeof err) != 0) {
        sqlite3_result_error(ctx, err, -1);
        return;
    }
    switch (out.tag) {
    case TYPES_SQL_INT: sqlite3_result_int64(ctx, out.i); break;
    case TYPES_SQL_REAL: sqlite3_result_double(ctx, out.f); break;
    case TYPES_SQL_TEXT:
        sqlite3_result_text64(ctx, types_bytes(&out), out.len, SQLITE_TRANSIENT, SQLITE_UTF8);
        break;
    case TYPES_SQL_BLOB: sqlite3_result_blob64(ctx, types_bytes(&out), out.len, SQLITE_TRANSIENT); break;
    default: sqlite3_result_null(ctx); break;
    }
}

/* clua_row_id(name, kind, value, name, kind, value, ...): the _fivetran_id
 * of a row whose values (already converted, of the logical kinds given) are
 * given in byte order of the names. */
static void row_id_sql(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    strbuf bytes = STRBUF_INIT;
    int bad = 0;
    for (int i = 0; i + 2 < argc && !bad; i += 3) {
        sqlite3_value *val = argv[i + 2];
        types_value v;
        memset(&v, 0, sizeof v);
        switch (sqlite3_value_type(val)) {
        case SQLITE_INTEGER:
            v.tag = TYPES_SQL_INT;
            v.i = sqlite3_value_int64(val);
            break;
        case SQLITE_FLOAT:
            v.tag = TYPES_SQL_REAL;
            v.f = sqlite3_value_double(val);
            break;
        case SQLITE_NULL: v.tag = TYPES_SQL_NULL; break;
        case SQLITE_BLOB:
            v.tag = TYPES_SQL_BLOB;
            v.p = sqlite3_value_blob(val);
            break;
        default:
            v.tag = TYPES_SQL_TEXT;
            v.p = (const char *)sqlite3_value_text(val);
        }
        v.len = (size_t)sqlite3_value_bytes(val);
        if (v.tag >= TYPES_SQL_TEXT && !v.p) v.p = ""; /* an empty BLOB */
        const char *name = (const char *)sqlite3_value_text(argv[i]);
        bad = !name || rowhash_add(&bytes, name, (size_t)sqlite3_value_bytes(argv[i]),
                                   (types_kind)sqlite3_value_int(argv[i + 1]), &v) != 0;
    }
    char hex[33];
    if (bad) {
        sqlite3_result_error_nomem(ctx);
    } else {
        rowhash_hex(&bytes, hex);
        sqlite3_result_text(ctx, hex, 32, SQLITE_TRANSIENT);
    }
    strbuf_free(&bytes);
}

/* Appends text as an SQL string literal. */
static int put_literal(strbuf *b, const char *text) {
    if (strbuf_putc(b, '\'') != 0) return -1;
    for (const char *q = text; *q; q++)
        if ((*q == '\'' && strbuf_putc(b, '\'') != 0) || strbuf_putc(b, *q) != 0) return -1;
    return strbuf_putc(b, '\'');
}

/* Appends the SELECT expression of column i while column col is widened. */
static int put_widened(strbuf *b, const dest_table *t, int i, int col, const types_type *from) {
    const dest_column *c = &t->cols[i];
    if (i != col) return strbuf_ident(b, c->name);
    return strbuf_puts(b, "clua_widen(") || strbuf_ident(b, c->name) ||
           strbuf_printf(b, ", %d, %d, %d, %d)", (int)from->kind, (int)c->type.kind,
                         c->type.precision, c->type.scale);
}

/* Appends clua_row_id(...) over t's columns as they are stored. */
static int put_row_id(strbuf *b, const dest_table *t) {
    int id = t->pk[0];
    int bad = strbuf_puts(b, "clua_row_id(");
    for (int r = 0, n = 0; r < t->by_name_n && !bad; r++) {
        int ci = t->by_name[r];
        if (ci == id) continue;
        bad = (n++ && strbuf_puts(b, ", ")) || put_literal(b, t->cols[ci].name) ||
              strbuf_printf(b, ", %d, ", (int)t->cols[ci].type.kind) ||
              strbuf_ident(b, t->cols[ci].name);
    }
    return bad || strbuf_puts(b, ")");
}

int sq_column_exact_double(store *st, const dest_table *t, int col, bool *exact) {
    /* Only integers past 2^53 can be inexact; SQLite hands them over for C
     * to judge. */
    strbuf *b = &sq(st)->sql;
    strbuf_clear(b);
    const char *c = t->cols[col].name;
    if (strbuf_puts(b, "SELECT ") || strbuf_ident(b, c) || strbuf_puts(b, " FROM ") ||
        strbuf_ident(b, t->name) || strbuf_puts(b, " WHERE typeof(") || strbuf_ident(b, c) ||
        strbuf_puts(b, ") = 'integer' AND (") || strbuf_ident(b, c) ||
        strbuf_puts(b, " > 9007199254740992 OR ") || strbuf_ident(b, c) ||
        strbuf_puts(b, " < -9007199254740992)"))
        return store_oom(st);
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(sq(st)->db, strbuf_cstr(b), -1, &s, NULL) != SQLITE_OK)
        return sq_fail(st, "reading column \"%s\" of \"%s\"", c, t->name);
    int rc = SQLITE_DONE;
    *exact = true;
    while (*exact && (rc = sqlite3_step(s)) == SQLITE_ROW)
        *exact = types_exact_double(sqlite3_column_int64(s, 0));
    int ret = *exact && rc != SQLITE_DONE ? sq_fail(st, "reading column \"%s\" of \"%s\"", c, t->name) : 0;
    sqlite3_finalize(s);
    return ret;
}

int sq_rekey_table(store *st, dest_table *t) {
    strbuf *b = &sq(st)->sql;
    strbuf_clear(b);
    /* OR REPLACE: rows the old form told apart and the new one does not
     * are one row, as they would be had they arrived today. */
    if (strbuf_puts(b, "UPDATE OR REPLACE ") || strbuf_ident(b, t->name) ||
        strbuf_puts(b, " SET ") || strbuf_ident(b, CATALOG_ID_COLUMN) || strbuf_puts(b, " = ") ||
        put_row_id(b, t))
        return store_oom(st);
    return sq_exec(st, "re-keying", t->name);
}

int sq_widen_column(store *st, dest_table *t, int col, const types_type *from) {
    /* SQLite cannot change a column's type in place: copy the table into a
     * new one with the wider column, converting its values, then swap. */
    /* The runtime's own name: user tables may not start with _clua_. */
    const char *tmp = "_clua_widen";
    sq_forget(st, t);
    if (sq_build_create(st, t, tmp) != 0 || sq_exec(st, "widening a column of", t->name) != 0)
        return -1;
    strbuf *b = &sq(st)->sql;
    strbuf_clear(b);
    /* A hashed table keeps its ids: they hash each value in a form that
     * widening does not change (rowhash.h). */
    int bad = strbuf_puts(b, "INSERT INTO ") || strbuf_ident(b, tmp) || strbuf_puts(b, " SELECT ");
    for (int i = 0; i < t->ncols && !bad; i++)
        bad = put_widened(b, t, i, col, from) || strbuf_puts(b, ", ");
    bad = bad || strbuf_puts(b, "\"_fivetran_synced\", \"_fivetran_deleted\"") ||
          (t->history && strbuf_puts(b, ", \"_fivetran_active\", \"_fivetran_start\", \"_fivetran_end\"")) ||
          strbuf_puts(b, " FROM ") ||
          strbuf_ident(b, t->name) || strbuf_puts(b, "; DROP TABLE ") ||
          strbuf_ident(b, t->name) || strbuf_puts(b, "; ALTER TABLE ") || strbuf_ident(b, tmp) ||
          strbuf_puts(b, " RENAME TO ") || strbuf_ident(b, t->name);
    if (bad) return store_oom(st);
    if (sq_exec(st, "widening a column of", t->name) != 0) return -1;
    return sq_record_column(st, t, col);
}

int sq_register_functions(sqlite3 *db) {
    int rc = sqlite3_create_function_v2(db, "clua_widen", 5,
                                        SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY,
                                        NULL, widen_sql, NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "clua_row_id", -1,
                                        SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY,
                                        NULL, row_id_sql, NULL, NULL, NULL);
    return rc;
}
